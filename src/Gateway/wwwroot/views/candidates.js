// The candidates of a race with their votes and share of the valid votes, as bars.
import { h } from '../dom.js';
import { fmtNumber, fmtPercent } from '../format.js';
import { t } from '../i18n.js';

// The empty column (kolom kosong) is the "candidate" of a race with a single pair.
function candidateName(candidate) { return candidate.emptyColumn ? t('emptyColumn') : candidate.names; }

export function candidateLabel(race, number) {
  const candidate = race.candidates.find((c) => c.number === number);
  return candidate ? candidateName(candidate) : t('candidateNo', { n: number });
}

export function candidatesView(race) {
  const parts = new Map();
  const list = h('ol', { className: 'candidates', 'data-testid': 'candidates' });
  for (const candidate of race.candidates) {
    const fill = h('span', { className: 'bar-fill' });
    const votes = h('span', { className: 'candidate-votes', 'data-testid': 'candidate-votes' });
    const share = h('span', { className: 'candidate-share', 'data-testid': 'candidate-share' });
    list.append(h('li', { className: 'candidate' + (candidate.emptyColumn ? ' empty-column' : ''), 'data-testid': 'candidate', 'data-number': candidate.number },
      h('span', { className: 'candidate-number', 'aria-label': t('candidateNo', { n: candidate.number }) }, candidate.number),
      h('span', { className: 'candidate-name', 'data-testid': 'candidate-name' }, candidateName(candidate)),
      h('span', { className: 'bar', 'aria-hidden': 'true' }, fill),
      h('span', { className: 'candidate-figures' }, share, ' ', votes)));
    parts.set(candidate.number, { fill, votes, share });
  }
  const element = h('section', { className: 'votes', 'aria-labelledby': 'votes-heading' },
    h('h3', { id: 'votes-heading' }, t('votes')), list);

  function update(tally) {
    for (const [number, { fill, votes, share }] of parts) {
      const count = tally.votes[number] || 0;
      const percent = tally.valid ? (count * 100) / tally.valid : 0;
      fill.style.width = percent.toFixed(2) + '%';
      votes.textContent = t('voteCount', { votes: fmtNumber(count) });
      votes.dataset.value = String(count);
      share.textContent = fmtPercent(count, tally.valid);
      share.dataset.value = tally.valid ? percent.toFixed(4) : '';
    }
  }
  return { element, update };
}

// The summary of one tally: TPS reported (with a progress bar), valid/invalid votes, turnout, anomalies, last update.
import { h } from '../dom.js';
import { fmtNumber, fmtPercent, fmtPercentInParens, fmtTime } from '../format.js';
import { t } from '../i18n.js';

function stat(label, testid, extra) {
  const value = h('span', { className: 'stat-value', 'data-testid': testid });
  const item = h('div', { className: 'stat' }, h('dt', null, label), h('dd', null, value, extra || null));
  return { item, value };
}

// data-value carries the plain number, for tests and for anyone reading the page by machine.
function setNumber(el, n) {
  el.textContent = fmtNumber(n);
  el.dataset.value = String(n);
}

function setCount(el, n) {
  if (typeof n === 'number') setNumber(el, n);
  else { el.textContent = t('none'); delete el.dataset.value; }
}

export function summaryView() {
  const valid = stat(t('valid'), 'tally-valid');
  const invalid = stat(t('invalid'), 'tally-invalid');
  const voted = stat(t('voted'), 'tally-voted');
  const turnoutDetail = h('span', { className: 'stat-detail', 'data-testid': 'turnout-detail' });
  const turnout = stat(t('turnout'), 'tally-turnout', turnoutDetail);
  const anomalies = stat(t('anomalies'), 'tally-anomalies');
  const photoMissing = stat(t('photoMissingStat'), 'tally-photo-missing');
  const disputesOpen = stat(t('disputesOpenStat'), 'tally-disputes-open');
  const updated = stat(t('updated'), 'tally-updated');
  updated.item.classList.add('stat-wide');

  const progress = h('progress', { id: 'tps-progress', max: '1', value: '0', 'aria-describedby': 'tps-reported-text' });
  const reportedText = h('span', { id: 'tps-reported-text', 'data-testid': 'tps-reported' });
  const reportedPct = h('span', { className: 'pct', 'data-testid': 'tps-reported-pct' });
  const reporting = h('div', { className: 'reporting' },
    h('label', { for: 'tps-progress', className: 'reporting-label' }, t('tpsReported')),
    progress, h('p', { className: 'reporting-text' }, reportedText, ' ', reportedPct));

  const element = h('section', { className: 'summary', 'aria-labelledby': 'summary-heading', 'data-testid': 'summary' },
    h('h3', { id: 'summary-heading', className: 'visually-hidden' }, t('summary')),
    reporting,
    h('dl', { className: 'stats' }, valid.item, invalid.item, voted.item, turnout.item, anomalies.item, photoMissing.item, disputesOpen.item, updated.item));

  function update(tally) {
    setNumber(valid.value, tally.valid);
    setNumber(invalid.value, tally.invalid);
    setNumber(voted.value, tally.voted);
    turnout.value.textContent = fmtPercent(tally.voted, tally.registeredReported);
    turnoutDetail.textContent = tally.registeredReported
      ? t('turnoutDetail', { voted: fmtNumber(tally.voted), registered: fmtNumber(tally.registeredReported) }) : '';
    setNumber(anomalies.value, tally.anomalies);
    // Evidence counts: absent from a gateway that predates photos, shown then as "—".
    setCount(photoMissing.value, tally.photoMissing);
    setCount(disputesOpen.value, tally.disputesOpen);
    updated.value.textContent = tally.updatedAt ? fmtTime(tally.updatedAt) : t('noData');
    progress.max = Math.max(tally.tpsExpected, 1);
    progress.value = tally.tpsReported;
    reportedText.textContent = t('tpsOf', { reported: fmtNumber(tally.tpsReported), expected: fmtNumber(tally.tpsExpected) });
    reportedText.dataset.reported = String(tally.tpsReported);
    reportedText.dataset.expected = String(tally.tpsExpected);
    reportedPct.textContent = fmtPercentInParens(tally.tpsReported, tally.tpsExpected);
  }
  return { element, update };
}

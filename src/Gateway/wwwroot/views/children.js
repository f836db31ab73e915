// The table of a region's children (regencies, districts, villages or TPS): who leads, TPS reported, turnout.
import { h } from '../dom.js';
import { fmtNumber, fmtPercent, fmtPercentInParens } from '../format.js';
import { t } from '../i18n.js';
import { navLink } from '../router.js';
import { candidateLabel } from './candidates.js';

const CHILD_LEVEL = { province: 'regency', regency: 'district', district: 'village', village: 'tps' };

function pct(part, whole) { return h('span', { className: 'pct' }, fmtPercentInParens(part, whole)); }

function leadingOf(tally, race) {
  if (!tally || !tally.valid) return null;
  let best = null;
  let tie = false;
  for (const candidate of race.candidates) {
    const votes = tally.votes[candidate.number] || 0;
    if (!best || votes > best.votes) { best = { number: candidate.number, votes }; tie = false; } else if (votes === best.votes) tie = true;
  }
  return tie ? { tie: true, votes: best.votes } : best;
}

// The filter outlives a navigation: someone chasing missing photos keeps it on while drilling down.
let onlyPhotoMissing = false;

// A child's evidence to check: TPS whose form cites a page not stored yet, and open "differs from the photo" reports.
function evidenceBadges(tally, isTps) {
  const badges = [];
  const missing = tally.photoMissing || 0;
  const disputes = tally.disputesOpen || 0;
  if (missing > 0) {
    badges.push(h('span', { className: 'badge badge-photo', 'data-testid': 'child-photo-missing' },
      isTps ? t('badgePhotoMissing') : t('badgePhotoMissingCount', { n: fmtNumber(missing) })));
  }
  if (disputes > 0) {
    badges.push(h('span', { className: 'badge badge-dispute', 'data-testid': 'child-disputes' }, t('badgeDisputes', { n: fmtNumber(disputes) })));
  }
  return badges.length ? badges : [t('none')];
}

export function childrenView(info, race, children) {
  const rows = new Map();
  const childLevel = CHILD_LEVEL[info.level];
  const level = t('children_' + childLevel);
  const body = h('tbody');
  for (const child of children) {
    const leading = h('td', { 'data-testid': 'child-leading' });
    const reported = h('td', { className: 'num', 'data-testid': 'child-reported' });
    const turnout = h('td', { className: 'num', 'data-testid': 'child-turnout' });
    const evidence = h('td', { className: 'evidence', 'data-testid': 'child-evidence' });
    const row = h('tr', { 'data-testid': 'child-row', 'data-code': child.code, 'data-photo-missing': '0' },
      h('th', { scope: 'row' }, navLink(race.id, child.code, child.name, { 'data-testid': 'child-link', 'data-code': child.code })),
      leading, reported, turnout, evidence);
    rows.set(child.code, { row, leading, reported, turnout, evidence, missing: 0 });
    body.append(row);
  }
  const filterBox = h('input', { type: 'checkbox', id: 'filter-photo-missing', 'data-testid': 'filter-photo-missing', checked: onlyPhotoMissing });
  const shown = h('span', { className: 'filter-count', role: 'status', 'data-testid': 'filter-count' });
  const empty = h('p', { className: 'empty', 'data-testid': 'filter-empty', hidden: true }, t('filterEmpty'));
  const table = h('table', { className: 'children', 'data-testid': 'children' },
    h('caption', null, t('childrenCaption', { level, name: info.name })),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, t('colRegion')), h('th', { scope: 'col' }, t('colLeading')),
      h('th', { scope: 'col', className: 'num' }, t('colReported')), h('th', { scope: 'col', className: 'num' }, t('colTurnout')),
      h('th', { scope: 'col' }, t('colEvidence')))),
    body);
  const element = h('section', { className: 'children-section', 'aria-label': level },
    h('h3', null, level),
    h('div', { className: 'table-filter' },
      filterBox, ' ', h('label', { for: 'filter-photo-missing' }, t(childLevel === 'tps' ? 'filterPhotoMissingTps' : 'filterPhotoMissing')), ' ', shown),
    h('div', { className: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': level }, table),
    empty);

  function applyFilter() {
    let visible = 0;
    for (const parts of rows.values()) {
      parts.row.hidden = onlyPhotoMissing && !(parts.missing > 0);
      if (!parts.row.hidden) visible++;
    }
    empty.hidden = !onlyPhotoMissing || visible > 0;
    shown.textContent = onlyPhotoMissing ? t('filterCount', { shown: fmtNumber(visible), total: fmtNumber(rows.size) }) : '';
    element.dataset.filter = onlyPhotoMissing ? 'photo-missing' : 'all';
  }
  filterBox.addEventListener('change', () => {
    onlyPhotoMissing = filterBox.checked;
    applyFilter();
  });
  applyFilter();

  function update(code, tally) {
    const parts = rows.get(code);
    if (!parts) return;
    const lead = leadingOf(tally, race);
    if (!lead) parts.leading.replaceChildren(t('none'));
    else if (lead.tie) parts.leading.replaceChildren(t('tie') + ' ', pct(lead.votes, tally.valid));
    else {
      parts.leading.replaceChildren(
        h('span', { className: 'lead-number' }, t('candidateNo', { n: lead.number })), ' ',
        h('span', { className: 'lead-name' }, candidateLabel(race, lead.number)), ' ',
        pct(lead.votes, tally.valid));
    }
    parts.leading.dataset.number = lead && !lead.tie ? lead.number : '';
    // "1/1 (100,0%)" reads as one phrase; the percentage wraps below it on a narrow screen.
    parts.reported.replaceChildren(fmtNumber(tally.tpsReported) + '/' + fmtNumber(tally.tpsExpected) + ' ', pct(tally.tpsReported, tally.tpsExpected));
    parts.reported.dataset.reported = String(tally.tpsReported);
    parts.turnout.textContent = fmtPercent(tally.voted, tally.registeredReported);
    parts.row.dataset.version = String(tally.version);
    parts.missing = tally.photoMissing || 0;
    parts.row.dataset.photoMissing = String(parts.missing);
    parts.row.dataset.disputes = String(tally.disputesOpen || 0);
    parts.evidence.replaceChildren(...evidenceBadges(tally, childLevel === 'tps'));
    if (onlyPhotoMissing) applyFilter();
  }
  return { element, update };
}

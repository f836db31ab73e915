// The progress view of a region that no single race covers (the nation, a province without a governor race): one
// row per child region with each race counting votes there (API.md, "The whole country", GET /api/v1/progress).
// Built once per navigation; each refreshed snapshot then updates the rows in place, so a reader's place, focus and
// opened details survive it.
import { h } from '../dom.js';
import { fmtNumber, fmtPercentInParens, fmtTime } from '../format.js';
import { t } from '../i18n.js';
import { navLink } from '../router.js';

const CHILD_LEVEL = { nation: 'province', province: 'regency', regency: 'district', district: 'village', village: 'tps' };

function isLocal(race) { return race.kind !== 'governor'; }

function muted(text, testid) { return h('span', { className: 'muted', 'data-testid': testid }, text); }

function fraction(reported, expected) {
  return [fmtNumber(reported) + '/' + fmtNumber(expected) + ' ', h('span', { className: 'pct' }, fmtPercentInParens(reported, expected))];
}

// A thin bar under the figures: the text says it all, so the bar is hidden from screen readers.
function bar(reported, expected) {
  const fill = h('span', { className: 'bar-fill' });
  fill.style.width = (expected ? Math.min(100, (reported * 100) / expected) : 0).toFixed(1) + '%';
  return h('span', { className: 'bar', 'aria-hidden': 'true' }, fill);
}

function anomalyBadges(anomalies, disputes) {
  const badges = [];
  if (anomalies > 0) badges.push(h('span', { className: 'badge badge-anomaly', 'data-testid': 'progress-anomalies' }, t('badgeAnomalies', { n: fmtNumber(anomalies) })));
  if (disputes > 0) badges.push(h('span', { className: 'badge badge-dispute' }, t('badgeDisputes', { n: fmtNumber(disputes) })));
  return badges;
}

function sealOf(race) {
  return race.certified
    ? h('span', { className: 'seal', 'data-testid': 'progress-certified', title: t('certifiedBy', { by: race.certified.by, at: fmtTime(race.certified.at) }) },
      h('span', { 'aria-hidden': 'true' }, '✓ '), t('certifiedShort'))
    : muted(t('notCertified'), 'progress-not-certified');
}

function setData(el, race) {
  el.dataset.contest = race.contest;
  el.dataset.reported = String(race.tpsReported);
  el.dataset.expected = String(race.tpsExpected);
  el.dataset.anomalies = String(race.anomalies);
  el.dataset.certified = String(!!race.certified);
  el.dataset.version = String(race.version);
}

// One race's figures in a cell: TPS reported of expected, its flags, its certificate.
function fillRace(cell, race, showName) {
  setData(cell, race);
  const name = showName ? [h('span', { className: 'race-name' }, race.name)] : [];
  cell.replaceChildren(...name,
    h('span', { className: 'figures', 'data-testid': 'progress-reported' }, ...fraction(race.tpsReported, race.tpsExpected)),
    bar(race.tpsReported, race.tpsExpected),
    h('span', { className: 'flags' }, ...anomalyBadges(race.anomalies, race.disputesOpen || 0), sealOf(race)));
}

// Several regent/mayor races in one region: their sum, then each of them behind a disclosure.
function localRaces(races, code) {
  const reported = races.reduce((n, r) => n + r.tpsReported, 0);
  const expected = races.reduce((n, r) => n + r.tpsExpected, 0);
  const anomalies = races.reduce((n, r) => n + r.anomalies, 0);
  const disputes = races.reduce((n, r) => n + (r.disputesOpen || 0), 0);
  const certified = races.filter((r) => r.certified).length;
  const items = races.map((race) => {
    const figures = h('span', { className: 'figures' }, ...fraction(race.tpsReported, race.tpsExpected));
    const item = h('li', { 'data-testid': 'local-race' },
      navLink(race.contest, race.scope, race.name, { 'data-testid': 'race-link', 'data-contest': race.contest }), ' ',
      figures, ' ', h('span', { className: 'flags' }, ...anomalyBadges(race.anomalies, race.disputesOpen || 0), sealOf(race)));
    setData(item, race);
    return item;
  });
  return {
    summary: { reported, expected, anomalies, certified },
    nodes: [
      h('span', { className: 'race-count' }, t('racesCount', { n: fmtNumber(races.length) })),
      h('span', { className: 'figures', 'data-testid': 'progress-reported' }, ...fraction(reported, expected)),
      bar(reported, expected),
      h('span', { className: 'flags' }, ...anomalyBadges(anomalies, disputes),
        h('span', { className: certified ? 'seal' : 'muted', 'data-testid': 'progress-certified-count' },
          t('certifiedOf', { n: fmtNumber(certified), total: fmtNumber(races.length) }))),
      h('details', { className: 'race-list', 'data-code': code },
        h('summary', null, t('racesDetail')),
        h('ul', null, items)),
    ],
  };
}

function fillLocal(cell, races, code) {
  const open = cell.querySelector('details[open]') !== null;
  if (!races.length) {
    cell.dataset.races = '0';
    cell.replaceChildren(muted(t('noLocalRace'), 'no-local-race'));
    return;
  }
  // A regency's own race: its figures directly, as the governor column shows its race.
  if (races.length === 1 && races[0].region === code) {
    cell.dataset.races = '1';
    fillRace(cell, races[0], true);
    return;
  }
  const { summary, nodes } = localRaces(races, code);
  cell.dataset.races = String(races.length);
  cell.dataset.reported = String(summary.reported);
  cell.dataset.expected = String(summary.expected);
  cell.dataset.anomalies = String(summary.anomalies);
  cell.dataset.certified = String(summary.certified);
  cell.replaceChildren(...nodes);
  if (open) cell.querySelector('details').open = true;
}

// Where a row's name leads: the governor race there, else the one race at that region, else that region's progress.
function rowTarget(entry) {
  const here = entry.races.filter((r) => r.region === entry.code);
  const race = here.find((r) => r.kind === 'governor') || (here.length === 1 ? here[0] : null);
  return race ? race.contest : null;
}

export function progressView(info, progress) {
  const childLevel = CHILD_LEVEL[info.level] || 'region';
  const level = t('children_' + childLevel);
  const withGovernor = info.level === 'nation' || progress.regions.some((e) => e.races.some((r) => !isLocal(r)));
  const rows = new Map(); // code -> { governor, local, signature }
  const body = h('tbody');
  for (const entry of progress.regions) {
    const governor = withGovernor ? h('td', { 'data-testid': 'governor-cell' }) : null;
    const local = h('td', { 'data-testid': 'local-cell' });
    const row = h('tr', { 'data-testid': 'progress-row', 'data-code': entry.code },
      h('th', { scope: 'row' },
        navLink(rowTarget(entry), entry.code, entry.name, { 'data-testid': 'progress-link', 'data-code': entry.code }),
        h('span', { className: 'tps-count' }, t('tpsCount', { n: fmtNumber(entry.tpsCount) }))),
      governor, local);
    rows.set(entry.code, { row, governor, local, signature: null });
    body.append(row);
  }

  const totals = h('p', { className: 'progress-totals', 'data-testid': 'progress-summary' });
  const updated = h('p', { className: 'hint', 'data-testid': 'progress-updated' });
  const table = h('table', { className: 'children progress', 'data-testid': 'progress-table' },
    h('caption', null, t('progressCaption', { level, name: info.name })),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, t('colRegion')),
      withGovernor ? h('th', { scope: 'col' }, t('colGovernor')) : null,
      h('th', { scope: 'col' }, t('colLocal')))),
    body);
  const element = h('div', { className: 'progress-view' },
    h('section', { className: 'summary', 'aria-label': t('summary') }, totals, updated),
    h('section', { className: 'children-section', 'aria-label': level },
      h('h3', null, level),
      h('div', { className: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': level }, table)));

  function update(snapshot) {
    let reported = 0;
    let expected = 0;
    let certified = 0;
    let races = 0;
    let latest = null;
    for (const entry of snapshot.regions) {
      for (const race of entry.races) {
        races++;
        reported += race.tpsReported;
        expected += race.tpsExpected;
        if (race.certified) certified++;
        if (race.updatedAt && (!latest || race.updatedAt > latest)) latest = race.updatedAt;
      }
      const parts = rows.get(entry.code);
      if (!parts) continue;
      const signature = JSON.stringify(entry.races);
      if (signature === parts.signature) continue;
      parts.signature = signature;
      const governor = entry.races.find((r) => !isLocal(r));
      if (parts.governor) {
        if (governor) fillRace(parts.governor, governor, false);
        else parts.governor.replaceChildren(muted(t('noGovernorRace'), 'no-governor-race'));
      }
      fillLocal(parts.local, entry.races.filter(isLocal), entry.code);
    }
    totals.dataset.races = String(races);
    totals.dataset.reported = String(reported);
    totals.dataset.expected = String(expected);
    totals.dataset.certified = String(certified);
    totals.replaceChildren(
      h('strong', null, t('racesCount', { n: fmtNumber(races) })), ' · ',
      t('formsOf', { reported: fmtNumber(reported), expected: fmtNumber(expected) }), ' ',
      h('span', { className: 'pct' }, fmtPercentInParens(reported, expected)), ' · ',
      t('certifiedOf', { n: fmtNumber(certified), total: fmtNumber(races) }));
    updated.textContent = t('progressUpdated', { at: latest ? fmtTime(latest) : t('noData') });
  }
  update(progress);
  return { element, update };
}

// The results panel for one (race, region): breadcrumb, heading, certificate and digest, summary, candidates, and the
// children table or, at a TPS, its form. Built once per navigation; live tallies then update it in place through
// updateTally/updateChild. A page with no race (contest null) shows the progress of the races below it instead.
import * as api from '../api.js';
import { els, h } from '../dom.js';
import { t } from '../i18n.js';
import { navLink } from '../router.js';
import { covers, defaultContestFor, key, state, tallies } from '../state.js';
import { candidatesView } from './candidates.js';
import { certificationView } from './certification.js';
import { childrenView } from './children.js';
import { disputeView } from './dispute.js';
import { progressView } from './progress.js';
import { updateTitle } from './panels.js';
import { summaryView } from './summary.js';
import { renderTpsForm } from './tps.js';

let ui = null; // the parts of the rendered view that live updates touch; null when it shows an error or a notice
let progressUi = null; // the progress table on screen, which each refreshed snapshot updates

function renderBreadcrumb() {
  const list = els.breadcrumb.querySelector('ol');
  list.replaceChildren();
  const page = state.page;
  if (!page || !page.info) return;
  const trail = [...(page.ancestors || []), page.info];
  for (const r of trail) {
    // Above a regent/mayor race's regency the race does not exist: those levels link to the governor race, and where
    // there is none (the nation, DI Yogyakarta) to the progress of their races.
    const contest = page.race && covers(page.race, r.code) ? page.contest : defaultContestFor(r.code);
    const current = r.code === page.info.code;
    list.append(h('li', { 'data-level': r.level },
      navLink(contest, r.code, r.name, { 'aria-current': current ? 'page' : null, 'data-code': r.code, title: t('level_' + r.level) })));
  }
}

function homeLink() {
  const root = state.root;
  return h('p', null, navLink(defaultContestFor(root.code), root.code, t('openScope', { name: root.name })));
}

function regionHeading(text, code) {
  return h('h2', { id: 'region-heading', tabindex: '-1', 'data-testid': 'region-name', 'data-code': code }, text);
}

// The race does not cover this region (a regent race outside its regency): offer its own scope or the governor race.
function notCoveredNotice(race, info) {
  const fallback = defaultContestFor(info.code);
  const other = fallback ? state.contestById.get(fallback) : null;
  const fallbackText = !other ? t('openProgress') : other.kind === 'governor' ? t('openGovernor') : t('openRace', { contest: other.name });
  const notice = h('div', { className: 'notice', 'data-testid': 'not-covered' },
    h('p', null, t('notCovered', { contest: race.name, name: info.name })),
    h('p', null, navLink(race.id, race.scope, t('openScope', { name: race.scope }), { 'data-testid': 'open-scope' })),
    h('p', null, navLink(fallback, info.code, fallbackText, { 'data-testid': 'open-default' })));
  api.region(race.scope).catch(() => null).then((r) => {
    if (r) notice.querySelector('[data-testid="open-scope"]').textContent = t('openScope', { name: r.name });
  });
  return notice;
}

export function renderResults(focus) {
  const page = state.page;
  const view = els.resultsView;
  view.replaceChildren();
  ui = null;
  progressUi = null;
  renderBreadcrumb();
  updateTitle();
  if (!page) {
    view.append(h('p', { className: 'loading' }, t('loading')));
    return;
  }
  let heading;
  if (page.error) {
    heading = regionHeading(page.region);
    view.append(heading,
      h('p', { className: 'notice', role: 'alert', 'data-testid': 'view-error' }, page.error),
      homeLink());
  } else if (!page.contest) {
    heading = renderProgressPage(page);
  } else {
    const { info, race } = page;
    heading = regionHeading(info.name, info.code);
    const meta = h('p', { className: 'region-meta' },
      h('span', { 'data-testid': 'region-level', 'data-level': info.level }, t('level_' + info.level)),
      ' · ', h('span', { className: 'code' }, info.code),
      ' · ', h('span', { 'data-testid': 'contest-name' }, race.name));
    view.append(h('header', { className: 'region-head' }, heading, meta));
    if (page.notCovered) view.append(notCoveredNotice(race, info));
    else renderFigures(page);
  }
  if (focus) heading.focus();
}

// No race covers this region: its heading, then every race below it, by child region.
function renderProgressPage(page) {
  const { info } = page;
  const heading = regionHeading(info.name, info.code);
  const meta = h('p', { className: 'region-meta' },
    h('span', { 'data-testid': 'region-level', 'data-level': info.level }, t('level_' + info.level)),
    ' · ', h('span', { className: 'code' }, info.code));
  els.resultsView.append(h('header', { className: 'region-head' }, heading, meta));
  if (info.level !== 'nation') els.resultsView.append(h('p', { className: 'hint', 'data-testid': 'no-race-here' }, t('noRaceHere', { name: info.name })));
  progressUi = progressView(info, page.progress);
  els.resultsView.append(progressUi.element);
  return heading;
}

// A refreshed snapshot for the progress page on screen.
export function updateProgress() {
  const page = state.page;
  if (progressUi && page && !page.contest && page.progress) progressUi.update(page.progress);
}

function renderFigures(page) {
  const { info, race } = page;
  ui = {
    certification: certificationView(page.contest), summary: summaryView(), candidates: candidatesView(race),
    children: null, tpsSection: null, dispute: null,
  };
  els.resultsView.append(ui.certification.element, ui.summary.element, ui.candidates.element);
  if (info.level === 'tps') {
    ui.tpsSection = h('div', { className: 'tps-detail' });
    ui.dispute = disputeView(page);
    els.resultsView.append(ui.tpsSection);
    renderTps();
  } else if (page.children.length) {
    ui.children = childrenView(info, race, page.children);
    els.resultsView.append(ui.children.element);
  }
  updateTally();
  for (const child of page.children) updateChild(child.code);
}

export function renderTps() {
  if (!ui || !ui.tpsSection) return;
  ui.dispute.update(state.page.tps);
  renderTpsForm(ui.tpsSection, state.page.race, state.page.tps, ui.dispute.element);
}

export function updateTally() {
  const page = state.page;
  if (!ui || !page) return;
  const tally = tallies.get(key(page.contest, page.region));
  if (!tally) return;
  ui.certification.update(tally);
  ui.summary.update(tally);
  ui.candidates.update(tally);
  els.resultsView.dataset.version = String(tally.version);
}

export function updateChild(code) {
  const page = state.page;
  if (!ui || !ui.children || !page) return;
  const tally = tallies.get(key(page.contest, code));
  if (tally) ui.children.update(code, tally);
}

// What the results panel shows: loads a (race, region) page over REST, subscribes to it and its children, and
// applies every tally that arrives after.
import * as api from './api.js';
import { els, showError } from './dom.js';
import { t } from './i18n.js';
import { setDesired } from './live.js';
import { accept, ancestorCodes, covers, key, state, tallies } from './state.js';
import { selectContest } from './views/contests.js';
import { renderResults, renderTps, updateChild, updateTally } from './views/region.js';
import { currentPages } from './views/tps.js';

export async function showRegion(contest, code, focus) {
  const token = ++state.renderToken;
  showError('');
  selectContest(contest);
  els.resultsView.setAttribute('aria-busy', 'true');
  const present = (page, keys) => {
    state.page = page;
    setDesired(keys);
    renderResults(focus);
  };
  try {
    const race = state.contestById.get(contest);
    const info = await api.region(code);
    if (token !== state.renderToken) return;
    if (!race || !info) {
      present({ contest, region: code, error: !race ? t('contestNotFound', { contest }) : t('regionNotFound', { code }) }, []);
      return;
    }
    const ancestors = await Promise.all(ancestorCodes(code).map(api.region));
    if (token !== state.renderToken) return;
    const page = { contest, region: code, info, race, ancestors: ancestors.filter(Boolean), children: [], tps: null };
    if (!covers(race, code)) {
      page.notCovered = true;
      present(page, []);
      return;
    }
    const isTps = info.level === 'tps';
    const [tally, children] = await Promise.all([
      api.tally(contest, code),
      isTps ? null : api.childTallies(contest, code),
    ]);
    if (token !== state.renderToken) return;
    accept(api.bodyOf(tally));
    if (children) for (const child of api.bodyOf(children)) accept(child);
    page.children = info.children.map((c) => ({ code: c.code, name: c.name }));
    if (isTps) page.tps = await api.tpsForm(contest, code, tally.body.version);
    if (token !== state.renderToken) return;
    present(page, [key(contest, code), ...page.children.map((c) => key(contest, c.code))]);
  } catch (error) {
    if (token !== state.renderToken) return;
    state.page = { contest, region: code, error: t('loadFailed', { detail: error && error.message ? error.message : String(error) }) };
    renderResults(focus);
  } finally {
    if (token === state.renderToken) els.resultsView.setAttribute('aria-busy', 'false');
  }
}

// A TPS's form is reloaded when its tally moves past the version on screen, or when its tally's photo-missing flag
// disagrees with the pages on screen (a page arrived: the numbers and the version stay, the placeholder goes). One
// reload at a time; the last one catches up with any change that arrived while it ran.
function photoMissingShown(tps) {
  return !!(tps && tps.current) && currentPages(tps).some((p) => p.missing);
}

function stale(tally, tps) {
  if (tally.version !== tps.version) return true;
  return typeof tally.photoMissing === 'number' && (tally.photoMissing > 0) !== photoMissingShown(tps);
}

let tpsReload = null;
function refreshTpsForm(tally) {
  const page = state.page;
  if (!page || !page.tps || !page.info || page.info.level !== 'tps') return;
  if (tally.contest !== page.contest || tally.region !== page.region || !stale(tally, page.tps)) return;
  if (tpsReload) return;
  const token = state.renderToken;
  tpsReload = api.tpsForm(page.contest, page.region, tally.version).then((tps) => {
    if (token !== state.renderToken) return;
    page.tps = tps;
    renderTps();
  }).catch(() => { /* the next change tries again */ }).finally(() => {
    tpsReload = null;
    // Only a tally newer than the one this reload answered is followed: the two reads may disagree for a moment.
    const latest = tallies.get(key(page.contest, page.region));
    if (token === state.renderToken && latest && latest !== tally && page.tps && stale(latest, page.tps)) refreshTpsForm(latest);
  });
}

export function onTally(tally) {
  if (!accept(tally)) return;
  const page = state.page;
  if (!page || !page.race || tally.contest !== page.contest) return;
  if (tally.region === page.region) {
    updateTally();
    refreshTpsForm(tally);
  } else {
    updateChild(tally.region);
  }
}

// KpuOrleans public results page: REST for the first picture, SignalR (/hubs/tally) for every change after it.
// No framework, no build step: native ES modules, and the SignalR browser client in /lib (from npm, see ClientApp),
// which index.html loads as a classic script before this entry module.
import * as api from './api.js';
import { els, showError } from './dom.js';
import { language, savedLanguage, setLanguage, t } from './i18n.js';
import { renderLiveStatus, startLive } from './live.js';
import { showProgress, stopProgress } from './progress.js';
import { onTally, showRegion } from './results.js';
import { go, readUrl, startRouter, writeUrl } from './router.js';
import { isNational, state } from './state.js';
import { relabelCheck, showCheck } from './views/check.js';
import { renderContestOptions, wireContestSelect } from './views/contests.js';
import { renderDisputes, wireDisputes } from './views/disputes.js';
import { onAnomaly, renderAnomalies } from './views/operator.js';
import { showView, updateTitle, wireTabs } from './views/panels.js';
import { relabelViewer } from './views/photos.js';
import { renderResults } from './views/region.js';

async function show(target, focus) {
  if (target.view === 'operator') {
    state.operatorRegion = target.region;
    stopProgress();
    showView('operator', focus);
    // Keep the results subscriptions of the last region: switching back is then instant and live.
    return;
  }
  if (target.view === 'check') {
    stopProgress();
    showView('check', false);
    showCheck(target, focus);
    return;
  }
  showView('results', false);
  if (target.contest) {
    stopProgress();
    await showRegion(target.contest, target.region, focus);
  } else {
    await showProgress(target.region, focus);
  }
}

// Where the registry's tree starts: the province of the first race, or the nation above it when that province has
// a parent (API.md, "The whole country": only a registry of several provinces has the root "0"). Asking a region
// that exists, rather than probing "0", keeps a one-province gateway free of 404s.
async function learnRoot() {
  const first = state.contests[0];
  if (!first) return;
  let top = await api.region(first.scope.split('.')[0]);
  if (top && top.parent) top = await api.region(top.parent);
  if (!top) return;
  state.root = { code: top.code, level: top.level, name: top.name };
  state.operatorRegion = top.code;
  if (isNational()) {
    // The header names the country, in either language (applyLanguage reads these keys).
    document.querySelector('.site-title h1').dataset.i18n = 'titleNation';
    document.querySelector('meta[name="description"]').content = t('descriptionNation');
  }
}

function applyLanguage(lang) {
  setLanguage(lang);
  els.langToggle.textContent = t('langToggle');
  els.langToggle.lang = t('langToggleLang');
  els.langToggle.setAttribute('aria-label', t('langToggleLabel'));
  renderLiveStatus();
  renderContestOptions();
  if (state.page) renderResults(false);
  renderAnomalies();
  renderDisputes();
  relabelViewer();
  relabelCheck();
  updateTitle();
}

async function init() {
  wireTabs();
  wireDisputes();
  els.langToggle.addEventListener('click', () => applyLanguage(language() === 'en' ? 'id' : 'en'));
  wireContestSelect();
  startRouter(show);

  applyLanguage(savedLanguage());
  startLive({ tally: onTally, anomaly: onAnomaly });
  try {
    state.contests = await api.contests();
    state.contestById = new Map(state.contests.map((c) => [c.id, c]));
    await learnRoot();
  } catch (error) {
    showError(t('loadFailed', { detail: error.message }));
    return;
  }
  renderContestOptions();
  applyLanguage(language());
  const target = readUrl();
  writeUrl(target, true);
  await go(target, { focus: false });
  document.body.dataset.ready = 'true';
}

init();

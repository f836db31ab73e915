// KpuOrleans public results page: REST for the first picture, SignalR (/hubs/tally) for every change after it.
// No framework, no build step: native ES modules, and the SignalR browser client in /lib (from npm, see ClientApp),
// which index.html loads as a classic script before this entry module.
import * as api from './api.js';
import { els, showError } from './dom.js';
import { language, savedLanguage, setLanguage, t } from './i18n.js';
import { renderLiveStatus, startLive } from './live.js';
import { onTally, showRegion } from './results.js';
import { go, readUrl, startRouter, writeUrl } from './router.js';
import { state } from './state.js';
import { renderContestOptions, wireContestSelect } from './views/contests.js';
import { renderDisputes, wireDisputes } from './views/disputes.js';
import { onAnomaly, renderAnomalies } from './views/operator.js';
import { showView, updateTitle, wireTabs } from './views/panels.js';
import { relabelViewer } from './views/photos.js';
import { renderResults } from './views/region.js';

async function show(target, focus) {
  if (target.view === 'operator') {
    state.operatorRegion = target.region;
    showView('operator', focus);
    // Keep the results subscriptions of the last region: switching back is then instant and live.
    return;
  }
  showView('results', false);
  await showRegion(target.contest, target.region, focus);
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
  } catch (error) {
    showError(t('loadFailed', { detail: error.message }));
    return;
  }
  renderContestOptions();
  const target = readUrl();
  writeUrl(target, true);
  await go(target, { focus: false });
  document.body.dataset.ready = 'true';
}

init();

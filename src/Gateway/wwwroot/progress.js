// What the progress view shows: GET /api/v1/progress/{code} once, then again every few seconds while it is on
// screen (one request at a time, slower after failures, paused while the tab is hidden), rather than a hub
// subscription per race: nationally that would be 545 of them.
import * as api from './api.js';
import { els, showError } from './dom.js';
import { t } from './i18n.js';
import { setDesired } from './live.js';
import { ancestorCodes, state } from './state.js';
import { selectContest } from './views/contests.js';
import { renderResults, updateProgress } from './views/region.js';

const PERIOD_MS = 5000;
const MAX_PERIOD_MS = 30000;

let timer = null;
let failures = 0;
let waitingForVisibility = false;

export function stopProgress() {
  if (timer) clearTimeout(timer);
  timer = null;
  waitingForVisibility = false;
}

function schedule(token) {
  stopProgress();
  const delay = Math.min(PERIOD_MS * 2 ** failures, MAX_PERIOD_MS);
  timer = setTimeout(() => refresh(token), delay);
}

async function refresh(token) {
  timer = null;
  const page = state.page;
  if (token !== state.renderToken || !page || page.contest || !page.progress) return;
  if (document.hidden) {
    waitingForVisibility = true;
    return;
  }
  try {
    const { etag, body } = await api.progress(page.region);
    if (token !== state.renderToken) return;
    failures = 0;
    if (!etag || etag !== page.etag) {
      page.etag = etag;
      page.progress = body;
      updateProgress();
    }
    els.resultsView.dataset.refreshes = String(Number(els.resultsView.dataset.refreshes || 0) + 1);
  } catch {
    failures = Math.min(failures + 1, 4);
  }
  if (token === state.renderToken) schedule(token);
}

document.addEventListener('visibilitychange', () => {
  if (document.hidden || !waitingForVisibility) return;
  waitingForVisibility = false;
  refresh(state.renderToken);
});

export async function showProgress(code, focus) {
  stopProgress();
  const token = ++state.renderToken;
  showError('');
  selectContest(null);
  // No race is followed live here: the snapshot is re-read instead.
  setDesired([]);
  els.resultsView.setAttribute('aria-busy', 'true');
  delete els.resultsView.dataset.refreshes;
  try {
    const info = await api.region(code);
    if (token !== state.renderToken) return;
    if (!info || info.level === 'tps') {
      state.page = { contest: null, region: code, error: t('regionNotFound', { code }) };
      renderResults(focus);
      return;
    }
    const [ancestors, first] = await Promise.all([Promise.all(ancestorCodes(code).map(api.region)), api.progress(code)]);
    if (token !== state.renderToken) return;
    failures = 0;
    state.page = { contest: null, region: code, info, ancestors: ancestors.filter(Boolean), progress: first.body, etag: first.etag };
    renderResults(focus);
    schedule(token);
  } catch (error) {
    if (token !== state.renderToken) return;
    state.page = { contest: null, region: code, error: t('loadFailed', { detail: error && error.message ? error.message : String(error) }) };
    renderResults(focus);
  } finally {
    if (token === state.renderToken) els.resultsView.setAttribute('aria-busy', 'false');
  }
}

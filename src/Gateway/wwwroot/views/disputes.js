// The operator's list of open "numbers differ from the photo" reports for the region in view (API.md, "Disputes"),
// each with its resolution: dismissed with a reason, or settled by a corrected version.
import * as api from '../api.js';
import { els, h } from '../dom.js';
import { fmtTime } from '../format.js';
import { t } from '../i18n.js';
import { navLink } from '../router.js';
import { HOME_REGION, state } from '../state.js';
import { fieldLabel, problemText } from './dispute.js';

// An officer's token is a credential: kept in this tab only (sessionStorage), never in localStorage or the URL.
const TOKEN_KEY = 'kpu-officer-token';
let token = '';
let region = HOME_REGION;
let regionName = null;
let reports = [];
let status = 'idle'; // idle | loading | loaded | failed
let loadSeq = 0;

export function wireDisputes() {
  try { token = sessionStorage.getItem(TOKEN_KEY) || ''; } catch { token = ''; }
  els.officerToken.value = token;
  els.officerToken.addEventListener('input', () => {
    token = els.officerToken.value.trim();
    try {
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch { /* storage off: the token lives in memory only */ }
  });
  els.disputesRefresh.addEventListener('click', () => loadDisputes());
}

export function disputesRegion() { return region; }

// Shows the open reports of a region; the list is read again each time the operator tab is shown.
export function showDisputes(code) {
  const next = code || state.root.code;
  if (next !== region) {
    region = next;
    regionName = null;
    reports = [];
  }
  // The name arrives on its own: only the heading changes, so that a resolution being typed below is left alone.
  api.region(region).then((r) => {
    if (r && region === r.code) {
      regionName = r.name;
      renderHeading();
    }
  }).catch(() => {});
  loadDisputes();
}

export async function loadDisputes() {
  const seq = ++loadSeq;
  status = 'loading';
  renderStatus();
  try {
    const list = await api.disputes(region, 'open', 100);
    if (seq !== loadSeq) return;
    reports = Array.isArray(list) ? list : [];
    status = 'loaded';
  } catch (error) {
    if (seq !== loadSeq) return;
    status = 'failed';
    els.disputesStatus.dataset.detail = error && error.message ? error.message : '';
  }
  renderDisputes();
}

function renderStatus() {
  const el = els.disputesStatus;
  el.dataset.state = status;
  if (status === 'loading') el.textContent = t('loading');
  else if (status === 'failed') el.textContent = t('disputesUnavailable', { detail: el.dataset.detail || '' });
  else if (status === 'loaded') el.textContent = reports.length ? t('disputesCount', { n: reports.length }) : t('disputesNone');
  else el.textContent = '';
}

function renderHeading() {
  const label = regionName ? regionName + ' (' + region + ')' : region;
  els.disputesHeading.textContent = t('disputesTitle', { region: label });
}

export function renderDisputes() {
  renderHeading();
  renderStatus();
  const list = els.disputeList;
  list.replaceChildren(...reports.map(reportItem));
}

function reportItem(report) {
  const race = state.contestById.get(report.contest);
  return h('li', { className: 'dispute-item', 'data-testid': 'dispute-item', 'data-id': report.id, 'data-tps': report.tps },
    h('p', { className: 'dispute-head' },
      navLink(report.contest, report.tps, 'TPS ' + report.tps, { 'data-testid': 'dispute-link' }), ' · ',
      h('span', null, race ? race.name : report.contest), ' · ',
      h('span', null, t('anomalyVersion', { version: report.version }))),
    h('p', { className: 'dispute-field', 'data-testid': 'dispute-item-field', 'data-field': report.field },
      t('disputeFieldIs', { field: fieldLabel(race, report.field) })),
    h('blockquote', { className: 'dispute-note', 'data-testid': 'dispute-item-note' }, report.note),
    h('p', { className: 'anomaly-meta' }, t('disputeOpenedAt'), ' ', h('time', { datetime: report.openedAt }, fmtTime(report.openedAt)),
      ' · #', String(report.id)),
    resolveForm(report));
}

function resolveForm(report) {
  const id = 'resolve-' + report.id;
  const outcome = (value, key) => h('label', { className: 'choice' },
    h('input', { type: 'radio', name: id + '-outcome', value, checked: value === 'dismissed', 'data-testid': 'resolve-' + value }), ' ', t(key));
  const reason = h('textarea', { id: id + '-reason', rows: '2', maxlength: '500', 'data-testid': 'resolve-reason' });
  const version = h('input', { id: id + '-version', type: 'number', min: String(report.version + 1), step: '1', inputmode: 'numeric', 'data-testid': 'resolve-version' });
  const reasonRow = h('div', { className: 'form-row' }, h('label', { for: id + '-reason' }, t('resolveReason')), reason);
  const versionRow = h('div', { className: 'form-row', hidden: true }, h('label', { for: id + '-version' }, t('resolveVersion')), version);
  const submit = h('button', { type: 'submit', className: 'primary', 'data-testid': 'resolve-submit' }, t('resolveSubmit'));
  const result = h('p', { className: 'resolve-result', role: 'status', 'data-testid': 'resolve-result' });
  const form = h('form', { className: 'resolve-form' },
    h('fieldset', null, h('legend', null, t('resolveOutcome')), outcome('dismissed', 'resolveDismissed'), ' ', outcome('corrected', 'resolveCorrected')),
    reasonRow, versionRow, h('div', { className: 'form-actions' }, submit), result);
  const chosen = () => form.querySelector('input[type="radio"]:checked').value;
  form.addEventListener('change', () => {
    const corrected = chosen() === 'corrected';
    reasonRow.hidden = corrected;
    versionRow.hidden = !corrected;
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = chosen() === 'corrected'
      ? { outcome: 'corrected', version: Number(version.value) }
      : { outcome: 'dismissed', reason: reason.value.trim() };
    if (body.outcome === 'dismissed' && !body.reason) { say(result, 'invalid', t('resolveReasonEmpty')); reason.focus(); return; }
    if (body.outcome === 'corrected' && !(Number.isInteger(body.version) && body.version > 0)) {
      say(result, 'invalid', t('resolveVersionEmpty'));
      version.focus();
      return;
    }
    submit.disabled = true;
    say(result, 'sending', t('disputeSending'));
    try {
      const answer = await api.resolveDispute(report.id, body, token);
      if (answer.status === 200) {
        say(result, 'resolved', t('resolveDone'));
        await loadDisputes();
        els.disputesStatus.textContent = t('resolveDoneList', { id: report.id }) + ' ' + els.disputesStatus.textContent;
        // The item and its button are gone: focus goes back to the list's heading.
        els.disputesHeading.focus();
        return;
      }
      say(result, 'failed', resolveError(answer));
    } catch (error) {
      say(result, 'failed', t('resolveFailed', { status: '—', detail: error && error.message ? error.message : '' }));
    } finally {
      submit.disabled = false;
    }
  });
  return h('details', { className: 'resolve', 'data-testid': 'resolve' }, h('summary', null, t('resolveTitle')), form);
}

function say(el, state, text) {
  el.dataset.state = state;
  el.textContent = text;
}

function resolveError(answer) {
  const detail = problemText(answer.body);
  switch (answer.status) {
    case 401: return t('resolveUnauthenticated', { detail });
    case 403: return t('resolveForbidden', { detail });
    case 404: return t('resolveUnknown');
    case 409: {
      const done = answer.body && answer.body.resolution;
      return t('resolveConflict', { outcome: done && typeof done.outcome === 'string' ? done.outcome : '—' });
    }
    case 422: return t('resolveInvalid', { detail });
    case 429: return t('disputeLimited', { seconds: answer.retryAfter || 60 });
    default: return t('resolveFailed', { status: answer.status, detail });
  }
}

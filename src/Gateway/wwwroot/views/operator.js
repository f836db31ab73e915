// The operator panel: the open disputes of the region in view (views/disputes.js), then the latest anomalies, newest
// first, from GET /api/v1/anomalies and then live from the hub.
import * as api from '../api.js';
import { els, h } from '../dom.js';
import { fmtTime } from '../format.js';
import { ruleLabel, t } from '../i18n.js';
import { wantAnomalies } from '../live.js';
import { navLink } from '../router.js';
import { state } from '../state.js';
import { showDisputes } from './disputes.js';

let wanted = false; // nothing is loaded or subscribed until the panel is first shown
let anomalies = [];
let unavailable = false;
const villageNames = new Map(); // code -> name, or null while it loads

function anomalyKey(a) { return a.tps + '|' + a.contest + '|' + a.version; }

// acceptedAt carries microseconds, which Date drops: compare whole seconds, then the fraction as digits.
function timeKey(iso) {
  const match = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?$/.exec(iso || '');
  const wholeSecondsMs = Date.parse(match ? match[1] + (match[3] || 'Z') : iso) || 0;
  const micros = match && match[2] ? Number((match[2] + '000000').slice(0, 6)) : 0;
  return wholeSecondsMs * 1000 + micros; // microseconds since 1970, well inside 2^53
}

let sequence = 0;
function merge(list) {
  if (!Array.isArray(list)) return;
  const byKey = new Map(anomalies.map((a) => [anomalyKey(a), a]));
  // Lists arrive newest first; a later arrival of the same instant counts as newer.
  for (const a of [...list].reverse()) {
    if (!a || !a.tps) continue;
    const known = byKey.get(anomalyKey(a));
    byKey.set(anomalyKey(a), Object.assign({}, a, { seq: known ? known.seq : ++sequence, at: timeKey(a.acceptedAt) }));
  }
  anomalies = [...byKey.values()]
    .sort((a, b) => (b.at - a.at) || (b.seq - a.seq))
    .slice(0, 200);
}

async function load() {
  try {
    const list = await api.anomalies(100);
    unavailable = false;
    merge(list);
  } catch {
    unavailable = anomalies.length === 0;
  }
  renderAnomalies();
}

// The list SubscribeAnomalies answers; after it, anomalies are pushed one by one to onAnomaly.
function onSubscribed(list) {
  unavailable = false;
  merge(list);
  renderAnomalies();
}

export function onAnomaly(anomaly) {
  merge([anomaly]);
  renderAnomalies();
}

export function showOperator(focus) {
  if (!wanted) {
    wanted = true;
    load();
    wantAnomalies(onSubscribed);
  }
  renderAnomalies();
  showDisputes(state.operatorRegion);
  if (focus) els.disputesHeading.focus();
}

function villageLabel(code, name) { return t('anomalyVillage', { name }) + ' (' + code + ')'; }

// The village's name arrives later than the list: its entries show the code until then.
function villageName(code) {
  if (!villageNames.has(code)) {
    villageNames.set(code, null);
    api.region(code).then((r) => {
      if (!r) return;
      villageNames.set(code, r.name);
      for (const el of els.anomalyList.querySelectorAll('[data-village="' + CSS.escape(code) + '"]')) el.textContent = villageLabel(code, r.name);
    }).catch(() => { villageNames.delete(code); });
  }
  return villageNames.get(code);
}

export function renderAnomalies() {
  const list = els.anomalyList;
  list.replaceChildren();
  els.anomalyEmpty.hidden = anomalies.length > 0;
  els.anomalyEmpty.textContent = unavailable ? t('anomaliesUnavailable') : t('noAnomalies');
  if (!wanted) return;
  for (const a of anomalies) {
    const name = villageName(a.region);
    const race = state.contestById.get(a.contest);
    list.append(h('li', { className: 'anomaly', 'data-testid': 'anomaly-item', 'data-tps': a.tps, 'data-contest': a.contest, 'data-version': a.version },
      h('p', { className: 'anomaly-head' },
        navLink(a.contest, a.tps, 'TPS ' + a.tps, { 'data-testid': 'anomaly-link' }), ' · ',
        h('span', null, race ? race.name : a.contest), ' · ',
        h('span', null, t('anomalyVersion', { version: a.version }))),
      h('ul', { className: 'rules', 'data-testid': 'anomaly-rules' },
        (a.anomalies || []).map((rule) => h('li', { 'data-rule': rule }, ruleLabel(rule)))),
      h('p', { className: 'anomaly-meta' },
        h('span', { 'data-village': a.region }, name ? villageLabel(a.region, name) : t('anomalyVillage', { name: a.region })), ' · ',
        h('time', { datetime: a.acceptedAt }, fmtTime(a.acceptedAt)))));
  }
}

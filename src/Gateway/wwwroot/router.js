// The URL is the page's state: /?contest=…&region=… for a results view, /?region=… alone for the progress of every
// race below a region no single race covers (the nation, DI Yogyakarta), /?view=operator&region=… for the operator
// lists (the region whose disputes it lists; /?view=operator alone is the registry's root), and
// /?view=check&contest=…&tps=…&receipt=… for the check of a receipt (API.md, "Check my TPS"; each part optional).
// Every move goes through go(), which writes the URL and hands the target to the view switcher given to startRouter().
import { h } from './dom.js';
import { defaultContestFor, state } from './state.js';

let show = null; // (target, focus) => Promise, from main.js

function urlFor(contest, region) {
  if (!contest) return '/?region=' + encodeURIComponent(region);
  return '/?contest=' + encodeURIComponent(contest) + '&region=' + encodeURIComponent(region);
}

function operatorUrl(region) {
  return '/?view=operator' + (region && region !== state.root.code ? '&region=' + encodeURIComponent(region) : '');
}

function checkUrl(target) {
  let url = '/?view=check';
  for (const name of ['contest', 'tps', 'receipt']) if (target[name]) url += '&' + name + '=' + encodeURIComponent(target[name]);
  return url;
}

// The view a region opens with when no race is named: its default race there, else the progress of its races.
export function homeTarget(code) {
  const region = code || state.root.code;
  return { view: 'results', contest: defaultContestFor(region), region };
}

export function readUrl() {
  const params = new URLSearchParams(location.search);
  if (params.get('view') === 'check') {
    return { view: 'check', contest: params.get('contest') || '', tps: params.get('tps') || '', receipt: params.get('receipt') || '' };
  }
  const view = params.get('view') === 'operator' ? 'operator' : 'results';
  const named = params.get('contest');
  if (!named) return Object.assign(homeTarget(params.get('region')), { view });
  const race = state.contestById.get(named);
  return { view, contest: named, region: params.get('region') || (race ? race.scope : state.root.code) };
}

export function writeUrl(target, replace) {
  const url = target.view === 'operator' ? operatorUrl(target.region)
    : target.view === 'check' ? checkUrl(target) : urlFor(target.contest, target.region);
  const entry = { view: target.view, contest: target.contest, region: target.region, tps: target.tps, receipt: target.receipt };
  if (replace) history.replaceState(entry, '', url);
  else if (location.pathname + location.search !== url) history.pushState(entry, '', url);
}

// options: push (a new history entry), focus (move focus to the new view's heading).
export async function go(target, options) {
  const opts = options || {};
  if (opts.push) writeUrl(target, false);
  await show(target, opts.focus);
}

export function startRouter(showTarget) {
  show = showTarget;
  window.addEventListener('popstate', () => go(readUrl(), { focus: false }));
}

// Modified clicks (new tab, new window, download) are left to the browser.
function isPlainClick(event) {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

// A real link to a results view (or, with no contest, a progress view), followed in place without reloading the page.
export function navLink(contest, code, text, attrs) {
  return h('a', Object.assign({
    href: urlFor(contest, code),
    onclick: (event) => {
      if (!isPlainClick(event)) return;
      event.preventDefault();
      go({ view: 'results', contest, region: code }, { push: true, focus: true });
    },
  }, attrs || {}), text);
}

// A real link to the check of a receipt, filled in (fields: { contest, tps, receipt }), followed in place.
export function checkLink(fields, text, attrs) {
  const target = Object.assign({ view: 'check' }, fields);
  return h('a', Object.assign({
    href: checkUrl(target),
    onclick: (event) => {
      if (!isPlainClick(event)) return;
      event.preventDefault();
      go(target, { push: true, focus: true });
    },
  }, attrs || {}), text);
}

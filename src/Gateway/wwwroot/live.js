// The SignalR connection to /hubs/tally: the subscriptions the page wants, kept in place across reconnects.
// signalR is the global from /lib/signalr.min.js, a classic script that index.html loads before this module.
import { els } from './dom.js';
import { t } from './i18n.js';
import { tallies } from './state.js';

let connection = null;
let onTally = () => {};
let desired = new Set(); // "contest|code" keys the page wants
const active = new Set(); // "contest|code" keys the server has for this connection
let onAnomalies = null; // set once the operator list is wanted: takes the list SubscribeAnomalies answers
let anomaliesActive = false;

function setLive(status) {
  els.liveStatus.dataset.state = status;
  els.liveText.textContent = t('live_' + status);
}

export function renderLiveStatus() { setLive(els.liveStatus.dataset.state || 'connecting'); }

export function setDesired(keys) {
  desired = new Set(keys);
  els.resultsView.dataset.subscribed = 'false';
  syncSubscriptions();
}

export function wantAnomalies(onList) {
  onAnomalies = onList;
  syncSubscriptions();
}

// One sync at a time, in order: each compares what is wanted with what is in place when it runs.
let syncing = Promise.resolve();
function syncSubscriptions() {
  syncing = syncing.then(doSync, doSync);
  return syncing;
}

async function doSync() {
  if (!connection || connection.state !== signalR.HubConnectionState.Connected) return;
  const removed = [...active].filter((k) => !desired.has(k));
  const added = [...desired].filter((k) => !active.has(k));
  await Promise.all(removed.map((k) => {
    active.delete(k);
    const [contest, code] = k.split('|');
    return connection.invoke('Unsubscribe', contest, code).catch(() => { /* gone with the connection anyway */ });
  }));
  await Promise.all(added.map(async (k) => {
    active.add(k);
    const [contest, code] = k.split('|');
    try {
      onTally(await connection.invoke('Subscribe', contest, code));
    } catch (error) {
      active.delete(k);
      console.warn('Subscribe', contest, code, 'failed:', error && error.message);
    }
  }));
  // A hook for tests and curious readers: whether every subscription this view wants is in place.
  els.resultsView.dataset.subscribed = String(desired.size > 0 && [...desired].every((k) => active.has(k)));
  if (onAnomalies && !anomaliesActive) {
    anomaliesActive = true;
    try {
      onAnomalies(await connection.invoke('SubscribeAnomalies'));
      els.panelOperator.dataset.subscribed = 'true';
    } catch (error) {
      anomaliesActive = false;
      console.warn('SubscribeAnomalies failed:', error && error.message);
    }
  }
}

function dropSubscriptions() {
  active.clear();
  anomaliesActive = false;
  els.resultsView.dataset.subscribed = 'false';
  els.panelOperator.dataset.subscribed = 'false';
}

function resume() {
  setLive('live');
  // A new connection has no subscriptions; a restarted server may count versions from zero again.
  tallies.clear();
  syncSubscriptions();
}

// Never gives up: an election night outlasts any fixed number of retries. The jitter keeps thousands of pages
// from coming back at the same instant after a gateway restart.
const retryPolicy = {
  nextRetryDelayInMilliseconds: (context) => {
    const base = [0, 1000, 2000, 3000][context.previousRetryCount] ?? 5000;
    return Math.round(base * (0.8 + Math.random() * 0.4));
  },
};

// handlers.tally gets every tally (pushed or answered to Subscribe), handlers.anomaly every pushed anomaly.
export function startLive(handlers) {
  if (typeof signalR === 'undefined') { setLive('offline'); return; }
  onTally = handlers.tally;
  connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/tally')
    .withAutomaticReconnect(retryPolicy)
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  connection.on('tally', handlers.tally);
  connection.on('anomaly', handlers.anomaly);
  connection.onreconnecting(() => {
    setLive('reconnecting');
    dropSubscriptions();
  });
  connection.onreconnected(resume);
  connection.onclose(() => {
    setLive('offline');
    dropSubscriptions();
    setTimeout(connect, 5000);
  });
  connect();
}

let attempt = 0;
async function connect() {
  if (!connection || connection.state !== signalR.HubConnectionState.Disconnected) return;
  setLive(attempt === 0 ? 'connecting' : 'reconnecting');
  try {
    await connection.start();
    attempt = 0;
    resume();
  } catch {
    attempt++;
    setLive('offline');
    setTimeout(connect, Math.min(1000 * attempt, 10000));
  }
}

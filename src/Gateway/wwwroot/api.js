// The gateway's REST API (/api/v1). Calls answer the parsed body or throw "HTTP <status>", except:
// region() answers null for a code the registry does not know, and tally() and childTallies() answer the response
// ({ status, ok, body }) so that a caller running both side by side reads them in its own order, through bodyOf().

async function getJson(url) {
  const response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-cache' });
  let body = null;
  if (response.status !== 204 && response.status !== 304) {
    try { body = await response.json(); } catch { body = null; }
  }
  return { status: response.status, ok: response.ok, body };
}

export function bodyOf(response) {
  if (!response.ok) throw new Error('HTTP ' + response.status);
  return response.body;
}

const part = encodeURIComponent;

export async function contests() { return bodyOf(await getJson('/api/v1/contests')); }

// Regions never change while the page is open: one request per code, shared by every caller; a failure is retried.
const regions = new Map(); // code -> Promise of the region JSON (or null when unknown)
export function region(code) {
  if (!regions.has(code)) {
    const pending = getJson('/api/v1/regions/' + part(code)).then((r) => {
      if (r.ok) return r.body;
      if (r.status === 404) return null;
      regions.delete(code);
      throw new Error('HTTP ' + r.status);
    }, (e) => { regions.delete(code); throw e; });
    regions.set(code, pending);
  }
  return regions.get(code);
}

export function tally(contest, code) { return getJson('/api/v1/tally/' + part(contest) + '/' + part(code)); }

// The progress of every race below a region (API.md, "The whole country"): { etag, body }. The browser's cache
// revalidates it (no-cache: the ETag goes back as If-None-Match), so an unchanged snapshot costs a 304, not a body.
export async function progress(code) {
  const response = await fetch('/api/v1/progress/' + part(code), { headers: { Accept: 'application/json' }, cache: 'no-cache' });
  if (!response.ok) throw new Error('HTTP ' + response.status);
  const etag = response.headers.get('ETag');
  return { etag, body: await response.json() };
}

export function childTallies(contest, code) { return getJson('/api/v1/tally/' + part(contest) + '/' + part(code) + '/children'); }

// The accepted form of a TPS and its versions; a TPS whose tally has version 0 has none yet (no request, no 404).
export async function tpsForm(contest, code, version) {
  if (!version) return { status: 404, version: 0 };
  const r = await getJson('/api/v1/tps/' + part(code) + '/results/' + part(contest));
  if (r.status === 404) return { status: 404, version: 0 };
  const body = bodyOf(r);
  return { status: 200, version: body.current.version, current: body.current, history: body.history };
}

// The inclusion proof of a TPS's counted form (API.md, "Receipts and inclusion proofs"): { status, body, retryAfter }
// whatever the status, so that the check can word a 404 "Not counted" and a 503 apart.
export async function proof(contest, tps) {
  const response = await fetch('/api/v1/proof/' + part(contest) + '/' + part(tps),
    { headers: { Accept: 'application/json, application/problem+json' }, cache: 'no-cache' });
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  const header = Number(response.headers.get('Retry-After'));
  return { status: response.status, body, retryAfter: Number.isFinite(header) && header > 0 ? header : null };
}

export async function anomalies(limit) { return bodyOf(await getJson('/api/v1/anomalies?limit=' + limit)); }

// The form's photos (API.md, "Photos of the form"): content-addressed, so a URL never changes what it shows.
export function photoUrl(sha256) { return '/api/v1/photos/' + part(sha256); }
export function thumbUrl(sha256) { return photoUrl(sha256) + '/thumb'; }

// Writes answer { status, body, retryAfter } whatever the status: each caller words every outcome itself.
async function sendJson(method, url, payload, token) {
  const headers = { Accept: 'application/json, application/problem+json', 'Content-Type': 'application/json' };
  if (token) headers.Authorization = 'Bearer ' + token;
  const response = await fetch(url, { method, headers, body: JSON.stringify(payload), cache: 'no-store' });
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  const header = Number(response.headers.get('Retry-After'));
  const retryAfter = Number.isFinite(header) && header > 0 ? header : (body && Number(body.retryAfter)) || null;
  return { status: response.status, body, retryAfter };
}

export function openDispute(report) { return sendJson('POST', '/api/v1/disputes', report); }

export function resolveDispute(id, resolution, token) {
  return sendJson('POST', '/api/v1/disputes/' + part(String(id)) + '/resolve', resolution, token);
}

export async function disputes(region, status, limit) {
  return bodyOf(await getJson('/api/v1/disputes?region=' + part(region) + '&status=' + part(status) + '&limit=' + limit));
}

// KpuOrleans public results page: REST for the first picture, SignalR (/hubs/tally) for every change after it.
// No framework, no build step; the only dependency is the SignalR browser client in /lib (from npm, see ClientApp).
(function () {
  'use strict';

  // ---------------------------------------------------------------- texts

  const TEXTS = {
    id: {
      title: 'Hasil Pilkada 2024 Jawa Timur',
      subtitle: 'Rekapitulasi suara langsung dari setiap TPS',
      skip: 'Langsung ke isi',
      langToggle: 'English',
      langToggleLang: 'en',
      langToggleLabel: 'Switch to English',
      views: 'Tampilan',
      tabResults: 'Hasil',
      tabOperator: 'Operator',
      contest: 'Pemilihan',
      breadcrumb: 'Jenjang wilayah',
      kind_governor: 'Gubernur',
      kind_regent: 'Bupati',
      kind_mayor: 'Wali Kota',
      live_connecting: 'Menghubungkan…',
      live_live: 'Langsung',
      live_reconnecting: 'Menyambung ulang…',
      live_offline: 'Terputus, mencoba lagi…',
      level_province: 'Provinsi',
      level_regency: 'Kabupaten/Kota',
      level_district: 'Kecamatan',
      level_village: 'Desa/Kelurahan',
      level_tps: 'TPS',
      loading: 'Memuat…',
      summary: 'Ringkasan',
      valid: 'Suara sah',
      invalid: 'Suara tidak sah',
      voted: 'Pengguna hak pilih',
      turnout: 'Partisipasi',
      turnoutDetail: '{voted} dari {registered} pemilih terdaftar di TPS yang sudah masuk',
      tpsReported: 'TPS masuk',
      tpsOf: '{reported} dari {expected} TPS',
      anomalies: 'TPS dengan anomali',
      updated: 'Diperbarui',
      noData: 'belum ada data',
      votes: 'Perolehan suara',
      candidateNo: 'No. {n}',
      emptyColumn: 'Kolom kosong',
      voteCount: '{votes} suara',
      children_regency: 'Kabupaten/Kota',
      children_district: 'Kecamatan',
      children_village: 'Desa/Kelurahan',
      children_tps: 'TPS',
      childrenCaption: '{level} di {name}',
      colRegion: 'Wilayah',
      colLeading: 'Unggul',
      colReported: 'TPS masuk',
      colTurnout: 'Partisipasi',
      tie: 'Seri',
      none: '—',
      form: 'Formulir C.Hasil',
      noForm: 'Belum ada formulir untuk TPS ini.',
      formVersion: 'Versi',
      formRegistered: 'Pemilih terdaftar (DPT)',
      formVotedDpt: 'Pengguna hak pilih: DPT',
      formVotedDptb: 'Pengguna hak pilih: DPTb',
      formVotedDpk: 'Pengguna hak pilih: DPK',
      formBallotsReceived: 'Surat suara diterima',
      formBallotsUsed: 'Surat suara digunakan',
      formBallotsSpoiled: 'Surat suara rusak',
      formBallotsUnused: 'Surat suara tidak digunakan',
      formVotes: 'Suara {name}',
      formValid: 'Suara sah',
      formInvalid: 'Suara tidak sah',
      formReason: 'Alasan koreksi',
      formPhoto: 'SHA-256 foto formulir',
      formAcceptedAt: 'Diterima',
      formSubmittedBy: 'Dikirim oleh',
      formAnomalies: 'Anomali',
      history: 'Riwayat versi',
      historyItem: 'Versi {version}',
      historyReason: 'alasan: {reason}',
      historyFirst: 'kiriman pertama',
      historyTotals: 'sah {valid}, tidak sah {invalid}',
      notCovered: '{contest} tidak mencakup {name}.',
      openScope: 'Buka {name}',
      openGovernor: 'Lihat Pemilihan Gubernur di wilayah ini',
      regionNotFound: 'Wilayah {code} tidak ada dalam daftar wilayah.',
      contestNotFound: 'Pemilihan {contest} tidak ada.',
      loadFailed: 'Gagal memuat data ({detail}). Coba muat ulang halaman.',
      operatorTitle: 'Anomali terbaru',
      operatorIntro: 'Formulir yang ditandai untuk diperiksa, terbaru di atas. Anomali tidak menolak formulir; suaranya tetap dihitung.',
      noAnomalies: 'Belum ada anomali.',
      anomaliesUnavailable: 'Daftar anomali belum tersedia di server ini.',
      anomalyVillage: 'Desa/Kelurahan {name}',
      anomalyVersion: 'versi {version}',
      'rule_turnout-over-95pct': 'Partisipasi di atas 95%',
      'rule_voted-over-registered': 'Pemilih melebihi DPT',
      'rule_single-candidate-over-95pct': 'Satu calon di atas 95% suara sah',
      'rule_invalid-over-10pct': 'Suara tidak sah di atas 10%',
      'rule_correction': 'Koreksi',
      footer: 'Data wilayah: idn-area-data (ODbL 1.0). Data TPS di bawah tingkat kabupaten/kota bersifat sintetis.',
      docTitle: '{name} · Hasil Pilkada 2024 Jawa Timur',
      timeZone: 'WIB',
    },
    en: {
      title: 'Pilkada 2024 results, East Java',
      subtitle: 'Live vote recap from every polling station (TPS)',
      skip: 'Skip to content',
      langToggle: 'Bahasa Indonesia',
      langToggleLang: 'id',
      langToggleLabel: 'Ganti ke Bahasa Indonesia',
      views: 'Views',
      tabResults: 'Results',
      tabOperator: 'Operator',
      contest: 'Race',
      breadcrumb: 'Region levels',
      kind_governor: 'Governor',
      kind_regent: 'Regent',
      kind_mayor: 'Mayor',
      live_connecting: 'Connecting…',
      live_live: 'Live',
      live_reconnecting: 'Reconnecting…',
      live_offline: 'Disconnected, retrying…',
      level_province: 'Province',
      level_regency: 'Regency/City',
      level_district: 'District',
      level_village: 'Village',
      level_tps: 'Polling station (TPS)',
      loading: 'Loading…',
      summary: 'Summary',
      valid: 'Valid votes',
      invalid: 'Invalid votes',
      voted: 'Voters who voted',
      turnout: 'Turnout',
      turnoutDetail: '{voted} of {registered} registered voters at the stations that reported',
      tpsReported: 'Stations reported',
      tpsOf: '{reported} of {expected} TPS',
      anomalies: 'Stations with anomalies',
      updated: 'Updated',
      noData: 'no data yet',
      votes: 'Votes',
      candidateNo: 'No. {n}',
      emptyColumn: 'Empty column (kolom kosong)',
      voteCount: '{votes} votes',
      children_regency: 'Regencies and cities',
      children_district: 'Districts',
      children_village: 'Villages',
      children_tps: 'Polling stations',
      childrenCaption: '{level} in {name}',
      colRegion: 'Region',
      colLeading: 'Leading',
      colReported: 'TPS reported',
      colTurnout: 'Turnout',
      tie: 'Tie',
      none: '—',
      form: 'Form C.Hasil',
      noForm: 'No form yet for this polling station (belum ada formulir).',
      formVersion: 'Version',
      formRegistered: 'Registered voters (DPT)',
      formVotedDpt: 'Voted: DPT',
      formVotedDptb: 'Voted: DPTb (transferred)',
      formVotedDpk: 'Voted: DPK (unlisted, with ID)',
      formBallotsReceived: 'Ballots received',
      formBallotsUsed: 'Ballots used',
      formBallotsSpoiled: 'Ballots spoiled',
      formBallotsUnused: 'Ballots unused',
      formVotes: 'Votes for {name}',
      formValid: 'Valid votes',
      formInvalid: 'Invalid votes',
      formReason: 'Correction reason',
      formPhoto: 'Form photo SHA-256',
      formAcceptedAt: 'Accepted',
      formSubmittedBy: 'Submitted by',
      formAnomalies: 'Anomalies',
      history: 'Version history',
      historyItem: 'Version {version}',
      historyReason: 'reason: {reason}',
      historyFirst: 'first submission',
      historyTotals: 'valid {valid}, invalid {invalid}',
      notCovered: '{contest} does not cover {name}.',
      openScope: 'Open {name}',
      openGovernor: 'See the governor race in this region',
      regionNotFound: 'Region {code} is not in the registry.',
      contestNotFound: 'There is no race {contest}.',
      loadFailed: 'Could not load the data ({detail}). Try reloading the page.',
      operatorTitle: 'Latest anomalies',
      operatorIntro: 'Forms flagged for review, newest first. Anomalies do not reject a form; its votes still count.',
      noAnomalies: 'No anomalies yet.',
      anomaliesUnavailable: 'This server does not offer the anomaly list yet.',
      anomalyVillage: 'Village {name}',
      anomalyVersion: 'version {version}',
      'rule_turnout-over-95pct': 'Turnout over 95%',
      'rule_voted-over-registered': 'More voters than registered',
      'rule_single-candidate-over-95pct': 'One candidate over 95% of valid votes',
      'rule_invalid-over-10pct': 'Invalid votes over 10%',
      'rule_correction': 'Correction',
      footer: 'Region data: idn-area-data (ODbL 1.0). TPS data below the regency level is synthetic.',
      docTitle: '{name} · Pilkada 2024 results, East Java',
      timeZone: 'WIB (UTC+7)',
    },
  };

  const DEFAULT_CONTEST = 'PGUB-35';
  const CHILD_LEVEL = { province: 'regency', regency: 'district', district: 'village', village: 'tps' };

  // ---------------------------------------------------------------- state

  const state = {
    lang: 'id',
    view: 'results',
    contests: [],
    contestById: new Map(),
    regions: new Map(), // code -> Promise of the region JSON (or null when unknown)
    tallies: new Map(), // "contest|code" -> latest tally seen (by version)
    page: null, // what the results panel shows: { contest, region, info, race, ancestors, children, tps, error }
    renderToken: 0,
    desired: new Set(), // subscriptions the page wants
    active: new Set(), // subscriptions the server has for this connection
    wantAnomalies: false,
    anomaliesActive: false,
    anomalies: [],
    anomaliesUnavailable: false,
    villageNames: new Map(),
  };

  const $ = (id) => document.getElementById(id);
  const els = {
    resultsView: $('results-view'),
    breadcrumb: $('breadcrumb'),
    contestSelect: $('contest-select'),
    liveStatus: $('live-status'),
    liveText: $('live-text'),
    langToggle: $('lang-toggle'),
    pageError: $('page-error'),
    panelResults: $('panel-results'),
    panelOperator: $('panel-operator'),
    anomalyList: $('anomaly-list'),
    anomalyEmpty: $('anomaly-empty'),
  };
  let ui = null; // handles into the rendered results view, for live updates

  // ---------------------------------------------------------------- helpers

  function t(key, values) {
    let text = TEXTS[state.lang][key];
    if (text === undefined) text = TEXTS.id[key];
    if (text === undefined) return key;
    if (values) text = text.replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m));
    return text;
  }

  function locale() { return state.lang === 'en' ? 'en-GB' : 'id-ID'; }

  function fmtNumber(n) { return new Intl.NumberFormat(locale()).format(n); }

  function fmtPercent(part, whole) {
    if (!whole) return t('none');
    return new Intl.NumberFormat(locale(), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format((part * 100) / whole) + '%';
  }

  function fmtTime(iso) {
    if (!iso) return t('none');
    const date = new Date(iso);
    if (isNaN(date.getTime())) return iso;
    const text = new Intl.DateTimeFormat(locale(), {
      day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
      timeZone: 'Asia/Jakarta', hour12: false,
    }).format(date);
    return text + ' ' + t('timeZone');
  }

  // Builds an element: h('a', { href: '/', 'data-testid': 'x', onclick: fn }, 'text', child, ...)
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    if (attrs) {
      for (const [name, value] of Object.entries(attrs)) {
        if (value === undefined || value === null || value === false) continue;
        if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
        else if (name === 'className') el.className = value;
        else if (name === 'text') el.textContent = value;
        else el.setAttribute(name, value === true ? '' : String(value));
      }
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function key(contest, code) { return contest + '|' + code; }

  function covers(race, code) { return code === race.scope || code.startsWith(race.scope + '.'); }

  function ancestorCodes(code) {
    const parts = code.split('.');
    const codes = [];
    for (let i = 1; i < parts.length; i++) codes.push(parts.slice(0, i).join('.'));
    return codes;
  }

  function urlFor(contest, region) {
    return '/?contest=' + encodeURIComponent(contest) + '&region=' + encodeURIComponent(region);
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-cache' });
    let body = null;
    if (response.status !== 204 && response.status !== 304) {
      try { body = await response.json(); } catch { body = null; }
    }
    return { status: response.status, ok: response.ok, body };
  }

  function region(code) {
    if (!state.regions.has(code)) {
      const pending = getJson('/api/v1/regions/' + encodeURIComponent(code)).then((r) => {
        if (r.ok) return r.body;
        if (r.status === 404) return null;
        state.regions.delete(code);
        throw new Error('HTTP ' + r.status);
      }, (e) => { state.regions.delete(code); throw e; });
      state.regions.set(code, pending);
    }
    return state.regions.get(code);
  }

  // Keeps the newest tally per (contest, region): a push may overtake the answer to Subscribe or a GET.
  function accept(tally) {
    if (!tally || !tally.contest || !tally.region) return false;
    const k = key(tally.contest, tally.region);
    const known = state.tallies.get(k);
    if (known && known.version > tally.version) return false;
    state.tallies.set(k, tally);
    return true;
  }

  function showError(message) {
    els.pageError.textContent = message || '';
    els.pageError.hidden = !message;
  }

  function isPlainClick(event) {
    return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
  }

  function navLink(contest, code, text, attrs) {
    return h('a', Object.assign({
      href: urlFor(contest, code),
      onclick: (event) => {
        if (!isPlainClick(event)) return;
        event.preventDefault();
        go({ view: 'results', contest, region: code }, { push: true, focus: true });
      },
    }, attrs || {}), text);
  }

  // ---------------------------------------------------------------- navigation

  function readUrl() {
    const params = new URLSearchParams(location.search);
    const view = params.get('view') === 'operator' ? 'operator' : 'results';
    const contest = params.get('contest') || DEFAULT_CONTEST;
    const race = state.contestById.get(contest);
    const region = params.get('region') || (race ? race.scope : '35');
    return { view, contest, region };
  }

  function writeUrl(target, replace) {
    const url = target.view === 'operator' ? '/?view=operator' : urlFor(target.contest, target.region);
    const entry = { view: target.view, contest: target.contest, region: target.region };
    if (replace) history.replaceState(entry, '', url);
    else if (location.pathname + location.search !== url) history.pushState(entry, '', url);
  }

  async function go(target, options) {
    const opts = options || {};
    if (opts.push) writeUrl(target, false);
    if (target.view === 'operator') {
      showView('operator', opts.focus);
      // Keep the results subscriptions of the last region: switching back is then instant and live.
      return;
    }
    showView('results', false);
    await showRegion(target.contest, target.region, opts.focus);
  }

  function showView(view, focus) {
    state.view = view;
    const results = view === 'results';
    els.panelResults.hidden = !results;
    els.panelOperator.hidden = results;
    for (const tab of document.querySelectorAll('[role="tab"]')) {
      const selected = tab.dataset.view === view;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
    }
    if (!results) {
      if (!state.wantAnomalies) {
        state.wantAnomalies = true;
        loadAnomalies();
        syncSubscriptions();
      }
      renderAnomalies();
      if (focus) $('operator-heading').focus();
    }
    updateTitle();
  }

  async function showRegion(contest, code, focus) {
    const token = ++state.renderToken;
    showError('');
    els.contestSelect.value = state.contestById.has(contest) ? contest : '';
    els.resultsView.setAttribute('aria-busy', 'true');
    try {
      const race = state.contestById.get(contest);
      const info = await region(code);
      if (token !== state.renderToken) return;
      if (!race || !info) {
        state.page = { contest, region: code, error: !race ? t('contestNotFound', { contest }) : t('regionNotFound', { code }) };
        setDesired([]);
        renderResults(focus);
        return;
      }
      const ancestors = await Promise.all(ancestorCodes(code).map(region));
      if (token !== state.renderToken) return;
      const page = { contest, region: code, info, race, ancestors: ancestors.filter(Boolean), children: [], tps: null };
      if (!covers(race, code)) {
        page.notCovered = true;
        state.page = page;
        setDesired([]);
        renderResults(focus);
        return;
      }
      const isTps = info.level === 'tps';
      const [tally, children] = await Promise.all([
        getJson('/api/v1/tally/' + encodeURIComponent(contest) + '/' + encodeURIComponent(code)),
        isTps ? null : getJson('/api/v1/tally/' + encodeURIComponent(contest) + '/' + encodeURIComponent(code) + '/children'),
      ]);
      if (token !== state.renderToken) return;
      if (!tally.ok) throw new Error('HTTP ' + tally.status);
      accept(tally.body);
      if (children) {
        if (!children.ok) throw new Error('HTTP ' + children.status);
        for (const child of children.body) accept(child);
      }
      page.children = info.children.map((c) => ({ code: c.code, name: c.name }));
      if (isTps) page.tps = await loadTpsForm(contest, code, tally.body.version);
      if (token !== state.renderToken) return;
      state.page = page;
      setDesired([key(contest, code), ...page.children.map((c) => key(contest, c.code))]);
      renderResults(focus);
    } catch (error) {
      if (token !== state.renderToken) return;
      state.page = { contest, region: code, error: t('loadFailed', { detail: error && error.message ? error.message : String(error) }) };
      renderResults(focus);
    } finally {
      if (token === state.renderToken) els.resultsView.setAttribute('aria-busy', 'false');
    }
  }

  // The accepted form of a TPS and its versions; a TPS whose tally has version 0 has none yet (no request, no 404).
  async function loadTpsForm(contest, code, version) {
    if (!version) return { status: 404, version: 0 };
    const r = await getJson('/api/v1/tps/' + encodeURIComponent(code) + '/results/' + encodeURIComponent(contest));
    if (r.status === 404) return { status: 404, version: 0 };
    if (!r.ok) throw new Error('HTTP ' + r.status);
    return { status: 200, version: r.body.current.version, current: r.body.current, history: r.body.history };
  }

  let tpsReload = null;
  function refreshTpsForm(tally) {
    const page = state.page;
    if (!page || !page.tps || !page.info || page.info.level !== 'tps') return;
    if (tally.contest !== page.contest || tally.region !== page.region || tally.version === page.tps.version) return;
    if (tpsReload) return;
    const token = state.renderToken;
    tpsReload = loadTpsForm(page.contest, page.region, tally.version).then((tps) => {
      if (token !== state.renderToken) return;
      page.tps = tps;
      renderTpsForm();
    }).catch(() => { /* the next change tries again */ }).finally(() => {
      tpsReload = null;
      const latest = state.tallies.get(key(page.contest, page.region));
      if (token === state.renderToken && latest && page.tps && latest.version !== page.tps.version) refreshTpsForm(latest);
    });
  }

  // ---------------------------------------------------------------- rendering: results

  function candidateLabel(race, number) {
    const candidate = race.candidates.find((c) => c.number === number);
    if (!candidate) return t('candidateNo', { n: number });
    return candidate.emptyColumn ? t('emptyColumn') : candidate.names;
  }

  function renderContestOptions() {
    const select = els.contestSelect;
    const current = select.value;
    select.replaceChildren();
    for (const kind of ['governor', 'regent', 'mayor']) {
      const group = h('optgroup', { label: t('kind_' + kind) });
      for (const race of state.contests.filter((c) => c.kind === kind)) {
        group.append(h('option', { value: race.id }, race.name + ' (' + race.id + ')'));
      }
      if (group.children.length) select.append(group);
    }
    if (current) select.value = current;
  }

  function renderBreadcrumb() {
    const list = els.breadcrumb.querySelector('ol');
    list.replaceChildren();
    const page = state.page;
    if (!page || !page.info) return;
    const trail = [...(page.ancestors || []), page.info];
    for (const r of trail) {
      // Above a regent/mayor race's regency the race does not exist: those levels link to the governor race.
      const contest = page.race && covers(page.race, r.code) ? page.contest : DEFAULT_CONTEST;
      const current = r.code === page.info.code;
      list.append(h('li', { 'data-level': r.level },
        navLink(contest, r.code, r.name, { 'aria-current': current ? 'page' : null, 'data-code': r.code, title: t('level_' + r.level) })));
    }
  }

  function renderResults(focus) {
    const page = state.page;
    const view = els.resultsView;
    view.replaceChildren();
    ui = null;
    renderBreadcrumb();
    updateTitle();
    if (!page) {
      view.append(h('p', { className: 'loading' }, t('loading')));
      return;
    }
    if (page.error) {
      view.append(h('h2', { id: 'region-heading', tabindex: '-1', 'data-testid': 'region-name' }, page.region),
        h('p', { className: 'notice', role: 'alert', 'data-testid': 'view-error' }, page.error),
        h('p', null, navLink(DEFAULT_CONTEST, '35', t('openScope', { name: 'Jawa Timur' }))));
      if (focus) $('region-heading').focus();
      return;
    }
    const { info, race } = page;
    const heading = h('h2', { id: 'region-heading', tabindex: '-1', 'data-testid': 'region-name', 'data-code': info.code }, info.name);
    const meta = h('p', { className: 'region-meta' },
      h('span', { 'data-testid': 'region-level', 'data-level': info.level }, t('level_' + info.level)),
      ' · ', h('span', { className: 'code' }, info.code),
      ' · ', h('span', { 'data-testid': 'contest-name' }, race.name));
    view.append(h('header', { className: 'region-head' }, heading, meta));

    if (page.notCovered) {
      const scope = region(race.scope).catch(() => null);
      const notice = h('div', { className: 'notice', 'data-testid': 'not-covered' },
        h('p', null, t('notCovered', { contest: race.name, name: info.name })),
        h('p', null, navLink(race.id, race.scope, t('openScope', { name: race.scope }), { 'data-testid': 'open-scope' })),
        h('p', null, navLink(DEFAULT_CONTEST, info.code, t('openGovernor'))));
      view.append(notice);
      scope.then((r) => { if (r) notice.querySelector('[data-testid="open-scope"]').textContent = t('openScope', { name: r.name }); });
      if (focus) heading.focus();
      return;
    }

    ui = { children: new Map() };
    view.append(renderSummary(), renderCandidates());
    if (info.level === 'tps') {
      ui.tpsSection = h('div', { className: 'tps-detail' });
      view.append(ui.tpsSection);
      renderTpsForm();
    } else if (page.children.length) {
      view.append(renderChildren());
    }
    updateTally();
    for (const child of page.children) updateChild(child.code);
    if (focus) heading.focus();
  }

  function stat(label, testid, extra) {
    const value = h('span', { className: 'stat-value', 'data-testid': testid });
    const item = h('div', { className: 'stat' }, h('dt', null, label), h('dd', null, value, extra || null));
    return { item, value };
  }

  function renderSummary() {
    const valid = stat(t('valid'), 'tally-valid');
    const invalid = stat(t('invalid'), 'tally-invalid');
    const voted = stat(t('voted'), 'tally-voted');
    const turnoutDetail = h('span', { className: 'stat-detail', 'data-testid': 'turnout-detail' });
    const turnout = stat(t('turnout'), 'tally-turnout', turnoutDetail);
    const anomalies = stat(t('anomalies'), 'tally-anomalies');
    const updated = stat(t('updated'), 'tally-updated');
    updated.item.classList.add('stat-wide');

    const progress = h('progress', { id: 'tps-progress', max: '1', value: '0', 'aria-describedby': 'tps-reported-text' });
    const reportedText = h('span', { id: 'tps-reported-text', 'data-testid': 'tps-reported' });
    const reportedPct = h('span', { className: 'pct', 'data-testid': 'tps-reported-pct' });
    const reporting = h('div', { className: 'reporting' },
      h('label', { for: 'tps-progress', className: 'reporting-label' }, t('tpsReported')),
      progress, h('p', { className: 'reporting-text' }, reportedText, ' ', reportedPct));

    Object.assign(ui, { valid: valid.value, invalid: invalid.value, voted: voted.value, turnout: turnout.value, turnoutDetail,
      anomalies: anomalies.value, updated: updated.value, progress, reportedText, reportedPct });
    return h('section', { className: 'summary', 'aria-labelledby': 'summary-heading', 'data-testid': 'summary' },
      h('h3', { id: 'summary-heading', className: 'visually-hidden' }, t('summary')),
      reporting,
      h('dl', { className: 'stats' }, valid.item, invalid.item, voted.item, turnout.item, anomalies.item, updated.item));
  }

  function renderCandidates() {
    const race = state.page.race;
    const list = h('ol', { className: 'candidates', 'data-testid': 'candidates' });
    ui.candidates = new Map();
    for (const candidate of race.candidates) {
      const fill = h('span', { className: 'bar-fill' });
      const votes = h('span', { className: 'candidate-votes', 'data-testid': 'candidate-votes' });
      const share = h('span', { className: 'candidate-share', 'data-testid': 'candidate-share' });
      const item = h('li', { className: 'candidate' + (candidate.emptyColumn ? ' empty-column' : ''), 'data-testid': 'candidate', 'data-number': candidate.number },
        h('span', { className: 'candidate-number', 'aria-label': t('candidateNo', { n: candidate.number }) }, candidate.number),
        h('span', { className: 'candidate-name', 'data-testid': 'candidate-name' }, candidate.emptyColumn ? t('emptyColumn') : candidate.names),
        h('span', { className: 'bar', 'aria-hidden': 'true' }, fill),
        h('span', { className: 'candidate-figures' }, share, ' ', votes));
      ui.candidates.set(candidate.number, { fill, votes, share });
      list.append(item);
    }
    return h('section', { className: 'votes', 'aria-labelledby': 'votes-heading' },
      h('h3', { id: 'votes-heading' }, t('votes')), list);
  }

  function renderChildren() {
    const { info, race, children } = state.page;
    const level = CHILD_LEVEL[info.level];
    const body = h('tbody');
    for (const child of children) {
      const leading = h('td', { 'data-testid': 'child-leading' });
      const reported = h('td', { className: 'num', 'data-testid': 'child-reported' });
      const turnout = h('td', { className: 'num', 'data-testid': 'child-turnout' });
      const row = h('tr', { 'data-testid': 'child-row', 'data-code': child.code },
        h('th', { scope: 'row' }, navLink(race.id, child.code, child.name, { 'data-testid': 'child-link', 'data-code': child.code })),
        leading, reported, turnout);
      ui.children.set(child.code, { row, leading, reported, turnout });
      body.append(row);
    }
    const table = h('table', { className: 'children', 'data-testid': 'children' },
      h('caption', null, t('childrenCaption', { level: t('children_' + level), name: info.name })),
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, t('colRegion')), h('th', { scope: 'col' }, t('colLeading')),
        h('th', { scope: 'col', className: 'num' }, t('colReported')), h('th', { scope: 'col', className: 'num' }, t('colTurnout')))),
      body);
    return h('section', { className: 'children-section', 'aria-label': t('children_' + level) },
      h('h3', null, t('children_' + level)), h('div', { className: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('children_' + level) }, table));
  }

  function setNumber(el, n) {
    el.textContent = fmtNumber(n);
    el.dataset.value = String(n);
  }

  function updateTally() {
    const page = state.page;
    if (!ui || !page || !page.race) return;
    const tally = state.tallies.get(key(page.contest, page.region));
    if (!tally) return;
    setNumber(ui.valid, tally.valid);
    setNumber(ui.invalid, tally.invalid);
    setNumber(ui.voted, tally.voted);
    ui.turnout.textContent = fmtPercent(tally.voted, tally.registeredReported);
    ui.turnoutDetail.textContent = tally.registeredReported
      ? t('turnoutDetail', { voted: fmtNumber(tally.voted), registered: fmtNumber(tally.registeredReported) }) : '';
    setNumber(ui.anomalies, tally.anomalies);
    ui.updated.textContent = tally.updatedAt ? fmtTime(tally.updatedAt) : t('noData');
    ui.progress.max = Math.max(tally.tpsExpected, 1);
    ui.progress.value = tally.tpsReported;
    ui.reportedText.textContent = t('tpsOf', { reported: fmtNumber(tally.tpsReported), expected: fmtNumber(tally.tpsExpected) });
    ui.reportedText.dataset.reported = String(tally.tpsReported);
    ui.reportedText.dataset.expected = String(tally.tpsExpected);
    ui.reportedPct.textContent = '(' + fmtPercent(tally.tpsReported, tally.tpsExpected) + ')';
    for (const [number, parts] of ui.candidates) {
      const votes = tally.votes[number] || 0;
      const share = tally.valid ? (votes * 100) / tally.valid : 0;
      parts.fill.style.width = share.toFixed(2) + '%';
      setNumber(parts.votes, votes);
      parts.votes.textContent = t('voteCount', { votes: fmtNumber(votes) });
      parts.share.textContent = fmtPercent(votes, tally.valid);
      parts.share.dataset.value = tally.valid ? share.toFixed(4) : '';
    }
    els.resultsView.dataset.version = String(tally.version);
  }

  function leadingOf(tally, race) {
    if (!tally || !tally.valid) return null;
    let best = null;
    let tie = false;
    for (const candidate of race.candidates) {
      const votes = tally.votes[candidate.number] || 0;
      if (!best || votes > best.votes) { best = { number: candidate.number, votes }; tie = false; } else if (votes === best.votes) tie = true;
    }
    return tie ? { tie: true, votes: best.votes } : best;
  }

  function updateChild(code) {
    const page = state.page;
    if (!ui || !page || !ui.children.has(code)) return;
    const parts = ui.children.get(code);
    const tally = state.tallies.get(key(page.contest, code));
    if (!tally) return;
    const lead = leadingOf(tally, page.race);
    if (!lead) parts.leading.replaceChildren(t('none'));
    else if (lead.tie) parts.leading.replaceChildren(t('tie') + ' ', h('span', { className: 'pct' }, '(' + fmtPercent(lead.votes, tally.valid) + ')'));
    else {
      parts.leading.replaceChildren(
        h('span', { className: 'lead-number' }, t('candidateNo', { n: lead.number })), ' ',
        h('span', { className: 'lead-name' }, candidateLabel(page.race, lead.number)), ' ',
        h('span', { className: 'pct' }, '(' + fmtPercent(lead.votes, tally.valid) + ')'));
    }
    parts.leading.dataset.number = lead && !lead.tie ? lead.number : '';
    // "1/1 (100,0%)" reads as one phrase; the percentage wraps below it on a narrow screen.
    parts.reported.replaceChildren(fmtNumber(tally.tpsReported) + '/' + fmtNumber(tally.tpsExpected) + ' ',
      h('span', { className: 'pct' }, '(' + fmtPercent(tally.tpsReported, tally.tpsExpected) + ')'));
    parts.reported.dataset.reported = String(tally.tpsReported);
    parts.turnout.textContent = fmtPercent(tally.voted, tally.registeredReported);
    parts.row.dataset.version = String(tally.version);
  }

  function renderTpsForm() {
    if (!ui || !ui.tpsSection) return;
    const { tps, race } = state.page;
    const section = ui.tpsSection;
    section.replaceChildren();
    if (!tps || tps.status === 404) {
      section.append(h('section', { className: 'form', 'aria-labelledby': 'form-heading' },
        h('h3', { id: 'form-heading' }, t('form')),
        h('p', { className: 'empty', 'data-testid': 'tps-no-form' }, t('noForm'))));
      return;
    }
    const f = tps.current;
    const rows = [
      ['formVersion', f.version, 'version'],
      ['formRegistered', f.registered, 'registered'],
      ['formVotedDpt', f.voted.dpt, 'voted.dpt'],
      ['formVotedDptb', f.voted.dptb, 'voted.dptb'],
      ['formVotedDpk', f.voted.dpk, 'voted.dpk'],
      ['formBallotsReceived', f.ballots.received, 'ballots.received'],
      ['formBallotsUsed', f.ballots.used, 'ballots.used'],
      ['formBallotsSpoiled', f.ballots.spoiled, 'ballots.spoiled'],
      ['formBallotsUnused', f.ballots.unused, 'ballots.unused'],
    ];
    const dl = h('dl', { className: 'form-fields', 'data-testid': 'tps-form', 'data-version': f.version });
    const field = (label, value, name, isNumber) => dl.append(h('div', { className: 'field', 'data-field': name },
      h('dt', null, label), h('dd', { 'data-value': isNumber ? String(value) : null }, isNumber ? fmtNumber(value) : value)));
    for (const [label, value, name] of rows) field(t(label), value, name, true);
    for (const candidate of race.candidates) {
      field(t('formVotes', { name: t('candidateNo', { n: candidate.number }) + ' ' + candidateLabel(race, candidate.number) }),
        f.votes[candidate.number] || 0, 'votes.' + candidate.number, true);
    }
    field(t('formValid'), f.valid, 'valid', true);
    field(t('formInvalid'), f.invalid, 'invalid', true);
    field(t('formReason'), f.reason || t('none'), 'reason', false);
    field(t('formPhoto'), f.photoSha256 || t('none'), 'photoSha256', false);
    field(t('formAcceptedAt'), fmtTime(f.acceptedAt), 'acceptedAt', false);
    field(t('formSubmittedBy'), f.submittedBy || t('none'), 'submittedBy', false);
    field(t('formAnomalies'), (f.anomalies && f.anomalies.length) ? f.anomalies.map(ruleLabel).join(', ') : t('none'), 'anomalies', false);

    const history = h('ol', { className: 'history', 'data-testid': 'history' });
    for (const version of [...tps.history].sort((a, b) => a.version - b.version)) {
      history.append(h('li', { 'data-testid': 'history-item', 'data-version': version.version },
        h('strong', null, t('historyItem', { version: version.version })), ' · ',
        h('time', { datetime: version.acceptedAt }, fmtTime(version.acceptedAt)), ' · ',
        version.reason ? t('historyReason', { reason: version.reason }) : t('historyFirst'), ' · ',
        t('historyTotals', { valid: fmtNumber(version.valid), invalid: fmtNumber(version.invalid) })));
    }
    section.append(
      h('section', { className: 'form', 'aria-labelledby': 'form-heading' }, h('h3', { id: 'form-heading' }, t('form')), dl),
      h('section', { className: 'history-section', 'aria-labelledby': 'history-heading' }, h('h3', { id: 'history-heading' }, t('history')), history));
  }

  function updateTitle() {
    const page = state.page;
    const name = state.view === 'operator' ? t('operatorTitle') : (page && page.info ? page.info.name : null);
    document.title = name ? t('docTitle', { name }) : t('title');
  }

  // ---------------------------------------------------------------- rendering: operator

  function ruleLabel(rule) {
    return TEXTS[state.lang]['rule_' + rule] || rule;
  }

  function anomalyKey(a) { return a.tps + '|' + a.contest + '|' + a.version; }

  // acceptedAt carries microseconds, which Date drops: compare whole seconds, then the fraction as digits.
  function timeKey(iso) {
    const match = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?$/.exec(iso || '');
    const wholeSecondsMs = Date.parse(match ? match[1] + (match[3] || 'Z') : iso) || 0;
    const micros = match && match[2] ? Number((match[2] + '000000').slice(0, 6)) : 0;
    return wholeSecondsMs * 1000 + micros; // microseconds since 1970, well inside 2^53
  }

  let anomalySequence = 0;
  function mergeAnomalies(list) {
    if (!Array.isArray(list)) return;
    const byKey = new Map(state.anomalies.map((a) => [anomalyKey(a), a]));
    // Lists arrive newest first; a later arrival of the same instant counts as newer.
    for (const a of [...list].reverse()) {
      if (!a || !a.tps) continue;
      const known = byKey.get(anomalyKey(a));
      byKey.set(anomalyKey(a), Object.assign({}, a, { seq: known ? known.seq : ++anomalySequence, at: timeKey(a.acceptedAt) }));
    }
    state.anomalies = [...byKey.values()]
      .sort((a, b) => (b.at - a.at) || (b.seq - a.seq))
      .slice(0, 200);
    renderAnomalies();
  }

  async function loadAnomalies() {
    try {
      const r = await getJson('/api/v1/anomalies?limit=100');
      if (r.ok) { state.anomaliesUnavailable = false; mergeAnomalies(r.body); } else { state.anomaliesUnavailable = state.anomalies.length === 0; }
    } catch {
      state.anomaliesUnavailable = state.anomalies.length === 0;
    }
    renderAnomalies();
  }

  function villageName(code) {
    if (!state.villageNames.has(code)) {
      state.villageNames.set(code, null);
      region(code).then((r) => {
        if (!r) return;
        state.villageNames.set(code, r.name);
        for (const el of els.anomalyList.querySelectorAll('[data-village="' + CSS.escape(code) + '"]')) el.textContent = t('anomalyVillage', { name: r.name }) + ' (' + code + ')';
      }).catch(() => { state.villageNames.delete(code); });
    }
    return state.villageNames.get(code);
  }

  function renderAnomalies() {
    const list = els.anomalyList;
    list.replaceChildren();
    els.anomalyEmpty.hidden = state.anomalies.length > 0;
    els.anomalyEmpty.textContent = state.anomaliesUnavailable ? t('anomaliesUnavailable') : t('noAnomalies');
    if (state.view !== 'operator' && !state.wantAnomalies) return;
    for (const a of state.anomalies) {
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
          h('span', { 'data-village': a.region }, t('anomalyVillage', { name: name || a.region }) + (name ? ' (' + a.region + ')' : '')), ' · ',
          h('time', { datetime: a.acceptedAt }, fmtTime(a.acceptedAt)))));
    }
  }

  // ---------------------------------------------------------------- live: SignalR

  let connection = null;

  function setLive(status) {
    els.liveStatus.dataset.state = status;
    els.liveText.textContent = t('live_' + status);
  }

  function setDesired(keys) {
    state.desired = new Set(keys);
    els.resultsView.dataset.subscribed = 'false';
    syncSubscriptions();
  }

  let syncing = Promise.resolve();
  function syncSubscriptions() {
    syncing = syncing.then(doSync, doSync);
    return syncing;
  }

  async function doSync() {
    if (!connection || connection.state !== signalR.HubConnectionState.Connected) return;
    const removed = [...state.active].filter((k) => !state.desired.has(k));
    const added = [...state.desired].filter((k) => !state.active.has(k));
    await Promise.all(removed.map((k) => {
      state.active.delete(k);
      const [contest, code] = k.split('|');
      return connection.invoke('Unsubscribe', contest, code).catch(() => { /* gone with the connection anyway */ });
    }));
    await Promise.all(added.map(async (k) => {
      state.active.add(k);
      const [contest, code] = k.split('|');
      try {
        onTally(await connection.invoke('Subscribe', contest, code));
      } catch (error) {
        state.active.delete(k);
        console.warn('Subscribe', contest, code, 'failed:', error && error.message);
      }
    }));
    // A hook for tests and curious readers: whether every subscription this view wants is in place.
    els.resultsView.dataset.subscribed = String(state.desired.size > 0 && [...state.desired].every((k) => state.active.has(k)));
    if (state.wantAnomalies && !state.anomaliesActive) {
      state.anomaliesActive = true;
      try {
        mergeAnomalies(await connection.invoke('SubscribeAnomalies'));
        state.anomaliesUnavailable = false;
        els.panelOperator.dataset.subscribed = 'true';
        renderAnomalies();
      } catch (error) {
        state.anomaliesActive = false;
        console.warn('SubscribeAnomalies failed:', error && error.message);
      }
    }
  }

  function onTally(tally) {
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

  function onAnomaly(anomaly) { mergeAnomalies([anomaly]); }

  // Never gives up: an election night outlasts any fixed number of retries. The jitter keeps thousands of pages
  // from coming back at the same instant after a gateway restart.
  const retryPolicy = {
    nextRetryDelayInMilliseconds: (context) => {
      const base = [0, 1000, 2000, 3000][context.previousRetryCount] ?? 5000;
      return Math.round(base * (0.8 + Math.random() * 0.4));
    },
  };

  function startLive() {
    if (typeof signalR === 'undefined') { setLive('offline'); return; }
    connection = new signalR.HubConnectionBuilder()
      .withUrl('/hubs/tally')
      .withAutomaticReconnect(retryPolicy)
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    connection.on('tally', onTally);
    connection.on('anomaly', onAnomaly);
    connection.onreconnecting(() => {
      setLive('reconnecting');
      state.active.clear();
      state.anomaliesActive = false;
      els.resultsView.dataset.subscribed = 'false';
      els.panelOperator.dataset.subscribed = 'false';
    });
    connection.onreconnected(() => {
      setLive('live');
      // A new connection has no subscriptions; a restarted server may count versions from zero again.
      state.tallies.clear();
      syncSubscriptions();
    });
    connection.onclose(() => {
      setLive('offline');
      state.active.clear();
      state.anomaliesActive = false;
      els.resultsView.dataset.subscribed = 'false';
      els.panelOperator.dataset.subscribed = 'false';
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
      setLive('live');
      state.tallies.clear();
      syncSubscriptions();
    } catch {
      attempt++;
      setLive('offline');
      setTimeout(connect, Math.min(1000 * attempt, 10000));
    }
  }

  // ---------------------------------------------------------------- language, tabs, start

  function applyLanguage(lang) {
    state.lang = lang === 'en' ? 'en' : 'id';
    document.documentElement.lang = state.lang;
    try { localStorage.setItem('kpu-lang', state.lang); } catch { /* private mode */ }
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
    for (const el of document.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
    els.langToggle.textContent = t('langToggle');
    els.langToggle.lang = t('langToggleLang');
    els.langToggle.setAttribute('aria-label', t('langToggleLabel'));
    setLive(els.liveStatus.dataset.state || 'connecting');
    renderContestOptions();
    if (state.page) renderResults(false);
    renderAnomalies();
    updateTitle();
  }

  function wireTabs() {
    const tabs = [...document.querySelectorAll('[role="tab"]')];
    for (const tab of tabs) {
      tab.addEventListener('click', () => {
        const view = tab.dataset.view;
        if (view === state.view) return;
        const page = state.page;
        go({ view, contest: page ? page.contest : DEFAULT_CONTEST, region: page ? page.region : '35' }, { push: true });
      });
      tab.addEventListener('keydown', (event) => {
        const index = tabs.indexOf(tab);
        let next = null;
        if (event.key === 'ArrowRight') next = tabs[(index + 1) % tabs.length];
        else if (event.key === 'ArrowLeft') next = tabs[(index - 1 + tabs.length) % tabs.length];
        else if (event.key === 'Home') next = tabs[0];
        else if (event.key === 'End') next = tabs[tabs.length - 1];
        if (!next) return;
        event.preventDefault();
        next.focus();
        next.click();
      });
    }
  }

  async function init() {
    let saved = null;
    try { saved = localStorage.getItem('kpu-lang'); } catch { /* private mode */ }
    state.lang = saved === 'en' ? 'en' : 'id';
    wireTabs();
    els.langToggle.addEventListener('click', () => applyLanguage(state.lang === 'en' ? 'id' : 'en'));
    els.contestSelect.addEventListener('change', () => {
      const race = state.contestById.get(els.contestSelect.value);
      if (!race) return;
      const page = state.page;
      // A regent/mayor race only exists in its regency: stay where we are if the race covers it, else go there.
      const regionCode = page && page.region && covers(race, page.region) ? page.region : race.scope;
      go({ view: 'results', contest: race.id, region: regionCode }, { push: true });
    });
    window.addEventListener('popstate', () => go(readUrl(), { focus: false }));

    applyLanguage(state.lang);
    startLive();
    try {
      const contests = await getJson('/api/v1/contests');
      if (!contests.ok) throw new Error('HTTP ' + contests.status);
      state.contests = contests.body;
      state.contestById = new Map(contests.body.map((c) => [c.id, c]));
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
})();

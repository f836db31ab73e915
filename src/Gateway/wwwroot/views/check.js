// "Check my TPS" (API.md, "Check my TPS"): a contest, a TPS and a receipt; the page fetches the TPS's inclusion proof,
// recomputes every digest with Web Crypto (proof.js) and shows the path from the TPS to the top, each level ticked,
// or names the level where it breaks, in words a witness at the TPS understands.
import * as api from '../api.js';
import { $, h } from '../dom.js';
import { fmtTime } from '../format.js';
import { t, tParts } from '../i18n.js';
import { canCheck, checkProof } from '../proof.js';
import { navLink, writeUrl } from '../router.js';
import { defaultContestFor, state } from '../state.js';
import { shortDigest } from './certification.js';
import { problemText } from './dispute.js';

const TPS_CODE = /^\d+(\.\d+){4}$/;
const RECEIPT = /^[0-9a-f]{64}$/;
const NOT_COUNTED = 'https://kpu-orleans.id/problems/not-counted';

let ui = null;
let outcome = null; // what the result area shows; kept so that a language switch can word it again
let runs = 0; // bumped per check, so that a slow answer to an earlier one is dropped

function field(id, testid, attrs) {
  return h('input', Object.assign({
    id, name: id.replace('check-', ''), type: 'text', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off',
    'data-testid': testid, 'aria-describedby': id + '-hint ' + id + '-error',
  }, attrs));
}

function row(control, testid) {
  const id = control.id;
  const label = h('label', { for: id });
  const hint = h('p', { id: id + '-hint', className: 'hint' });
  const error = h('p', { id: id + '-error', className: 'field-error', 'data-testid': testid + '-error', hidden: true });
  return { element: h('div', { className: 'form-row' }, label, control, hint, error), label, hint, error };
}

function build() {
  const contest = h('select', { id: 'check-contest', name: 'contest', 'data-testid': 'check-contest', 'aria-describedby': 'check-contest-hint check-contest-error' });
  const tps = field('check-tps', 'check-tps', { inputmode: 'decimal' });
  const receipt = field('check-receipt', 'check-receipt', { className: 'mono' });
  const rows = { contest: row(contest, 'check-contest'), tps: row(tps, 'check-tps'), receipt: row(receipt, 'check-receipt') };
  const submit = h('button', { type: 'submit', className: 'primary', 'data-testid': 'check-submit' });
  const form = h('form', { className: 'check-form', novalidate: true, 'data-testid': 'check-form' },
    rows.contest.element, rows.tps.element, rows.receipt.element, h('div', { className: 'form-actions' }, submit));
  ui = {
    heading: h('h2', { id: 'check-heading', tabindex: '-1', 'data-testid': 'check-heading' }),
    intro: h('p', { className: 'hint' }),
    insecure: h('p', { className: 'notice', role: 'alert', 'data-testid': 'check-insecure', hidden: true }),
    status: h('p', { className: 'check-status', role: 'status', 'data-testid': 'check-status' }),
    result: h('section', { className: 'check-result', 'aria-labelledby': 'check-verdict', 'data-testid': 'check-result', 'data-state': 'idle', hidden: true }),
    contest, tps, receipt, rows, submit, form,
  };
  form.addEventListener('submit', onSubmit);
  $('panel-check').append(ui.heading, ui.intro, ui.insecure, form, ui.status, ui.result);
}

function fillContests() {
  const chosen = ui.contest.value;
  ui.contest.replaceChildren(h('option', { value: '' }, t('chooseContest')),
    ...state.contests.map((c) => h('option', { value: c.id }, c.name + ' (' + c.id + ')')));
  ui.contest.value = chosen;
}

function label() {
  ui.heading.textContent = t('checkTitle');
  ui.intro.textContent = t('checkIntro');
  ui.insecure.textContent = t('checkInsecure');
  ui.insecure.hidden = canCheck();
  ui.submit.disabled = !canCheck();
  ui.submit.textContent = t('checkSubmit');
  ui.rows.contest.label.textContent = t('contest');
  ui.rows.contest.hint.textContent = t('checkContestHint');
  ui.rows.tps.label.textContent = t('checkTps');
  ui.rows.tps.hint.textContent = t('checkTpsHint');
  ui.rows.receipt.label.textContent = t('checkReceipt');
  ui.rows.receipt.hint.textContent = t('checkReceiptHint');
  fillContests();
}

// A receipt as typed, pasted or read from paper: spaces and line breaks dropped, capitals lowered.
function cleanReceipt(text) { return text.replace(/\s+/g, '').toLowerCase(); }

function values() {
  return { contest: ui.contest.value, tps: ui.tps.value.trim(), receipt: cleanReceipt(ui.receipt.value) };
}

// Every field's rule, all named at once; answers the fields at fault.
function validate(ask) {
  const errors = {};
  if (!state.contestById.has(ask.contest)) errors.contest = t('checkContestMissing');
  if (!ask.tps) errors.tps = t('checkTpsMissing');
  else if (!TPS_CODE.test(ask.tps)) errors.tps = t('checkTpsInvalid');
  if (!ask.receipt) errors.receipt = t('checkReceiptMissing');
  else if (!RECEIPT.test(ask.receipt)) {
    errors.receipt = /^[0-9a-f]*$/.test(ask.receipt)
      ? t('checkReceiptLength', { n: ask.receipt.length }) : t('checkReceiptChars');
  }
  for (const name of ['contest', 'tps', 'receipt']) {
    const message = errors[name];
    ui.rows[name].error.textContent = message || '';
    ui.rows[name].error.hidden = !message;
    if (message) ui[name].setAttribute('aria-invalid', 'true');
    else ui[name].removeAttribute('aria-invalid');
  }
  return errors;
}

function clearErrors() {
  for (const name of ['contest', 'tps', 'receipt']) {
    ui.rows[name].error.hidden = true;
    ui[name].removeAttribute('aria-invalid');
  }
}

function onSubmit(event) {
  event.preventDefault();
  const ask = values();
  const errors = validate(ask);
  const first = ['contest', 'tps', 'receipt'].find((name) => errors[name]);
  if (first) {
    ui[first].focus();
    return;
  }
  writeUrl(Object.assign({ view: 'check' }, ask), false);
  run(ask, true);
}

// Shows the check, filled in from the address; with all three parts there it runs at once.
export function showCheck(target, focus) {
  if (!ui) build();
  label();
  // No race named: the registry's own (its province's governor race), the one most witnesses check.
  const known = state.contestById.has(target.contest);
  ui.contest.value = known ? target.contest : target.contest ? '' : defaultContestFor(state.root.code) || '';
  ui.tps.value = target.tps || '';
  ui.receipt.value = target.receipt || '';
  const ask = values();
  if (target.contest && target.tps && target.receipt) {
    const errors = validate(ask);
    if (!Object.keys(errors).length) run(ask, false);
    else show(null);
  } else {
    clearErrors();
    show(null);
  }
  if (focus) ui.heading.focus();
}

async function readPublished(contest, scope) {
  try {
    const r = await api.tally(contest, scope);
    return r.ok && r.body ? r.body.digest : null;
  } catch {
    return null;
  }
}

async function run(fields, focusVerdict) {
  const seq = ++runs;
  const race = state.contestById.get(fields.contest);
  const ask = Object.assign({ scope: race.scope }, fields);
  if (!canCheck()) {
    show({ kind: 'insecure', ask }, focusVerdict);
    return;
  }
  show({ kind: 'checking', ask });
  let next;
  try {
    // The top moves while forms arrive: its published digest is read on both sides of the proof.
    const before = await readPublished(ask.contest, ask.scope);
    const answer = await api.proof(ask.contest, ask.tps);
    if (seq !== runs) return;
    if (answer.status !== 200 || !answer.body) {
      next = { kind: refusal(answer), ask, answer };
    } else {
      const after = await readPublished(ask.contest, ask.scope);
      const result = await checkProof(answer.body, ask, [before, after], async (code) => {
        const r = await api.tally(ask.contest, code);
        return r.ok ? r.body : null;
      });
      next = { kind: result.broken ? 'broken' : 'ok', ask, result, proof: answer.body };
    }
  } catch (error) {
    next = { kind: 'failed', ask, detail: error && error.message ? error.message : String(error) };
  }
  if (seq !== runs) return;
  show(next, focusVerdict);
}

function refusal(answer) {
  const body = answer.body || {};
  if (answer.status === 404 && (body.type === NOT_COUNTED || body.title === 'Not counted')) return 'not-counted';
  if (answer.status === 404) return 'not-found';
  if (answer.status === 503) return 'unavailable';
  if (answer.status === 400) return 'bad-request';
  return 'failed';
}

// Re-words what is shown, in the current language (after a switch).
export function relabelCheck() {
  if (!ui) return;
  label();
  render();
}

function show(next, focusVerdict) {
  outcome = next;
  render();
  const verdict = ui.result.querySelector('#check-verdict');
  if (focusVerdict && verdict) verdict.focus();
}

function render() {
  const r = ui.result;
  ui.status.textContent = outcome && outcome.kind === 'checking' ? t('checkChecking') : '';
  r.replaceChildren();
  if (!outcome || outcome.kind === 'checking') {
    r.hidden = true;
    r.dataset.state = outcome ? 'checking' : 'idle';
    return;
  }
  r.hidden = false;
  r.dataset.state = outcome.kind;
  const { kind, ask } = outcome;
  const verdict = (text, mark) => h('h3', { id: 'check-verdict', tabindex: '-1', 'data-testid': 'check-verdict' },
    mark ? h('span', { className: 'verdict-mark', 'aria-hidden': 'true' }, mark) : null, mark ? ' ' : null, text);
  const detail = (text) => h('p', { className: 'check-reason', 'data-testid': 'check-reason' }, text);
  const body = outcome.answer && outcome.answer.body;
  switch (kind) {
    case 'insecure':
      r.append(verdict(t('checkInsecureVerdict')), detail(t('checkInsecure')));
      return;
    case 'not-counted': {
      const climbing = body && Number(body.latestVersion) > 0;
      r.append(verdict(t('checkNotCounted', { tps: ask.tps })), detail(climbing ? t('checkNotCountedClimbing') : t('checkNotCountedNone')));
      return;
    }
    case 'not-found':
      r.append(verdict(t('checkNotFound', { tps: ask.tps })), detail(problemText(body)));
      return;
    case 'unavailable':
      r.append(verdict(t('checkUnavailable')), detail(t('checkRetry', { seconds: outcome.answer.retryAfter || 1 })));
      return;
    case 'bad-request':
      r.append(verdict(t('checkBadRequest')), detail(problemText(body)));
      return;
    case 'failed':
      r.append(verdict(t('checkFailed')), detail(outcome.detail || t('checkFailedStatus', { status: outcome.answer ? outcome.answer.status : '—' })));
      return;
    default:
      break;
  }
  const { result, proof } = outcome;
  const levels = result.levels;
  if (kind === 'ok') {
    const top = levels[levels.length - 1];
    const seal = result.against === 'certificate' ? top.certified : null;
    r.append(verdict(seal ? t('checkOkCertified', { name: top.name }) : t('checkOkLive', { name: top.name }), '✓'),
      detail(seal ? t('checkOkCertifiedDetail', { version: proof.version, by: seal.by, at: fmtTime(seal.at) })
        : t('checkOkLiveDetail', { version: proof.version })));
  } else {
    const broken = levels[result.broken.index];
    // A receipt of an earlier version, after a correction, is told apart from one mistyped.
    const reason = result.broken.reason === 'breakReceipt' && proof && Number(proof.version) > 1 ? 'breakReceiptCorrected' : result.broken.reason;
    // Names repeat between levels (a district and its first village are often namesakes): its level and code too.
    const where = { name: broken.name || broken.region, level: broken.level ? t('level_' + broken.level) : '—', code: broken.region };
    r.append(verdict(t('checkBroken', where), '✗'),
      detail(t(reason, Object.assign({}, result.broken.values, {
        counted: result.broken.values.counted ? shortDigest(result.broken.values.counted) : '',
        receipt: result.broken.values.receipt ? shortDigest(result.broken.values.receipt) : '',
        published: result.broken.values.published ? shortDigest(result.broken.values.published) : '',
        version: proof && proof.version,
      }))));
  }
  if (proof && Number(proof.latestVersion) > Number(proof.version)) {
    r.append(h('p', { className: 'hint', 'data-testid': 'check-newer' }, t('checkNewerClimbing', { version: proof.latestVersion })));
  }
  r.append(h('h4', { className: 'path-heading' }, t('checkPath')), pathList(ask, result));
}

const MARKS = { ok: '✓', broken: '✗', unchecked: '·' };

function pathList(ask, result) {
  const list = h('ol', { className: 'proof-path', 'data-testid': 'proof-path' });
  for (const level of result.levels) {
    const title = level.name || level.region;
    const name = level.level && level.region ? navLink(ask.contest, level.region, title) : h('span', null, title);
    list.append(h('li', {
      className: 'proof-level', 'data-testid': 'proof-level', 'data-state': level.state, 'data-level': level.level, 'data-code': level.region,
    },
    h('span', { className: 'level-mark', 'aria-hidden': 'true' }, MARKS[level.state]),
    h('span', { className: 'visually-hidden' }, t('checkLevel_' + level.state) + ': '),
    h('span', { className: 'level-body' },
      h('strong', { className: 'level-name' }, name),
      level.level ? ' · ' + t('level_' + level.level) : null,
      level.region ? h('span', { className: 'code' }, ' · ' + level.region) : null,
      level.digest ? h('span', null, ' · ', h('code', { className: 'level-digest', title: level.digest, 'data-testid': 'proof-level-digest', 'data-digest': level.digest }, shortDigest(level.digest))) : null,
      level.certified ? h('span', { className: 'level-seal', 'data-testid': 'proof-level-certified' },
        ...tParts('checkCertified', { by: level.certified.by, at: fmtTime(level.certified.at) })) : null)));
  }
  return list;
}

// "The numbers differ from the photo": anyone's report about a TPS's latest form (API.md, "Disputes"). Built once per
// TPS view, outside the form that live updates redraw, so that a note being typed survives a new version.
import * as api from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { candidateLabel } from './candidates.js';

const NOTE_MAX = 500;

// The form's fields a report may name, with the labels the form itself shows.
export function formFields(race) {
  return [
    ['registered', t('formRegistered')],
    ['voted.dpt', t('formVotedDpt')], ['voted.dptb', t('formVotedDptb')], ['voted.dpk', t('formVotedDpk')],
    ['ballots.received', t('formBallotsReceived')], ['ballots.used', t('formBallotsUsed')],
    ['ballots.spoiled', t('formBallotsSpoiled')], ['ballots.unused', t('formBallotsUnused')],
    ...race.candidates.map((c) => ['votes.' + c.number,
      t('formVotes', { name: t('candidateNo', { n: c.number }) + ' ' + candidateLabel(race, c.number) })]),
    ['valid', t('formValid')], ['invalid', t('formInvalid')],
  ];
}

export function fieldLabel(race, field) {
  const found = race ? formFields(race).find(([name]) => name === field) : null;
  return found ? found[1] : field;
}

// A problem+json's errors as one line of plain text: "note: too long; field: …".
export function problemText(body) {
  if (!body || typeof body !== 'object') return '';
  const errors = body.errors && typeof body.errors === 'object' ? Object.entries(body.errors) : [];
  if (errors.length) {
    return errors.map(([name, messages]) => name + ': ' + (Array.isArray(messages) ? messages.join(' ') : String(messages))).join('; ');
  }
  return typeof body.detail === 'string' ? body.detail : typeof body.title === 'string' ? body.title : '';
}

// What the server answered, in the reader's words; server strings only ever as text.
function outcomeText(result) {
  const body = result.body || {};
  switch (result.status) {
    case 201: return { state: 'opened', text: t('disputeOpened', { id: body.id }) };
    case 200: return { state: 'already', text: t('disputeAlready', { id: body.id }) };
    case 429: return { state: 'limited', text: t('disputeLimited', { seconds: result.retryAfter || 60 }) };
    case 422: return { state: 'invalid', text: t('disputeInvalid', { detail: problemText(body) }) };
    case 404: return { state: 'not-found', text: t('disputeNotFound') };
    default: return { state: 'failed', text: t('disputeFailed', { status: result.status, detail: problemText(body) }) };
  }
}

export function disputeView(page) {
  const { race } = page;
  const select = h('select', { id: 'dispute-field', name: 'field', required: true, 'data-testid': 'dispute-field' },
    formFields(race).map(([name, label]) => h('option', { value: name }, label)));
  const note = h('textarea', {
    id: 'dispute-note', name: 'note', required: true, maxlength: String(NOTE_MAX), rows: '3',
    'aria-describedby': 'dispute-note-hint', 'data-testid': 'dispute-note',
  });
  const submit = h('button', { type: 'submit', className: 'primary', 'data-testid': 'dispute-submit' }, t('disputeSubmit'));
  const result = h('p', { className: 'dispute-result', role: 'status', 'data-testid': 'dispute-result', 'data-state': '' });
  const form = h('form', { className: 'dispute-form' },
    h('div', { className: 'form-row' }, h('label', { for: 'dispute-field' }, t('disputeField')), select),
    h('div', { className: 'form-row' },
      h('label', { for: 'dispute-note' }, t('disputeNote')), note,
      h('p', { id: 'dispute-note-hint', className: 'hint' }, t('disputeNoteHint', { max: NOTE_MAX }))),
    h('div', { className: 'form-actions' }, submit),
    result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = note.value.trim();
    if (!text) {
      result.dataset.state = 'invalid';
      result.textContent = t('disputeNoteEmpty');
      note.focus();
      return;
    }
    submit.disabled = true;
    result.dataset.state = 'sending';
    result.textContent = t('disputeSending');
    try {
      const answer = await api.openDispute({ tps: page.region, contest: page.contest, field: select.value, note: text });
      const outcome = outcomeText(answer);
      result.dataset.state = outcome.state;
      result.textContent = outcome.text;
      if (answer.status === 201) note.value = '';
    } catch (error) {
      result.dataset.state = 'failed';
      result.textContent = t('disputeFailed', { status: '—', detail: error && error.message ? error.message : '' });
    } finally {
      submit.disabled = false;
    }
  });
  const element = h('details', { className: 'dispute', 'data-testid': 'dispute' },
    h('summary', { 'data-testid': 'dispute-open' }, t('disputeTitle')),
    h('p', { className: 'hint' }, t('disputeIntro')),
    form);
  // Nothing to dispute before the first form.
  function update(tps) { element.hidden = !tps || tps.status === 404; }
  return { element, update };
}

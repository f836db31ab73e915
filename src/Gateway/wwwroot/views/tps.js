// A TPS's accepted form C.Hasil, field by field, and the history of its versions.
import { h } from '../dom.js';
import { fmtNumber, fmtTime } from '../format.js';
import { ruleLabel, t } from '../i18n.js';
import { candidateLabel } from './candidates.js';
import { pagesOf, pagesView } from './photos.js';
import { receiptView, versionReceipt } from './receipt.js';

function formSection(...content) {
  return h('section', { className: 'form', 'aria-labelledby': 'form-heading' }, h('h3', { id: 'form-heading' }, t('form')), ...content);
}

function fields(form, race, pages) {
  const dl = h('dl', { className: 'form-fields', 'data-testid': 'tps-form', 'data-version': form.version });
  const field = (label, value, name, isNumber) => dl.append(h('div', { className: 'field', 'data-field': name },
    h('dt', null, label), h('dd', { 'data-value': isNumber ? String(value) : null }, isNumber ? fmtNumber(value) : value)));
  const number = (label, value, name) => field(label, value, name, true);
  const text = (label, value, name) => field(label, value || t('none'), name, false);

  number(t('formVersion'), form.version, 'version');
  number(t('formRegistered'), form.registered, 'registered');
  number(t('formVotedDpt'), form.voted.dpt, 'voted.dpt');
  number(t('formVotedDptb'), form.voted.dptb, 'voted.dptb');
  number(t('formVotedDpk'), form.voted.dpk, 'voted.dpk');
  number(t('formBallotsReceived'), form.ballots.received, 'ballots.received');
  number(t('formBallotsUsed'), form.ballots.used, 'ballots.used');
  number(t('formBallotsSpoiled'), form.ballots.spoiled, 'ballots.spoiled');
  number(t('formBallotsUnused'), form.ballots.unused, 'ballots.unused');
  for (const candidate of race.candidates) {
    number(t('formVotes', { name: t('candidateNo', { n: candidate.number }) + ' ' + candidateLabel(race, candidate.number) }),
      form.votes[candidate.number] || 0, 'votes.' + candidate.number);
  }
  number(t('formValid'), form.valid, 'valid');
  number(t('formInvalid'), form.invalid, 'invalid');
  text(t('formReason'), form.reason, 'reason');
  // Every page's name, so that anyone can check a downloaded photo against it (a photo's name is its hash).
  text(t('formPhoto'), pages.length ? pages.map((p) => p.sha).join(' ') : form.photoSha256, 'photoSha256');
  field(t('formAcceptedAt'), fmtTime(form.acceptedAt), 'acceptedAt', false);
  text(t('formSubmittedBy'), form.submittedBy, 'submittedBy');
  field(t('formAnomalies'), form.anomalies && form.anomalies.length ? form.anomalies.map(ruleLabel).join(', ') : t('none'), 'anomalies', false);
  return dl;
}

// The photographed pages of the version shown, beside its numbers; a page not stored yet is a placeholder saying so.
function photosSection(pages) {
  const missing = pages.filter((p) => p.missing).length;
  return h('section', { className: 'photos', 'aria-labelledby': 'photos-heading', 'data-testid': 'tps-photos' },
    h('h3', { id: 'photos-heading' }, t('photos')),
    pages.length ? pagesView(pages, 'photo-pages') : h('p', { className: 'empty', 'data-testid': 'photos-none' }, t('photosNone')),
    missing ? h('p', { className: 'hint', 'data-testid': 'photos-missing-note' }, t('photosMissingNote', { missing, count: pages.length })) : null);
}

// Each version's own pages, folded away: a long history stays short until someone looks.
function versionPhotos(version) {
  const pages = pagesOf(version);
  if (!pages.length) return null;
  return h('details', { className: 'version-photos', 'data-testid': 'history-photos' },
    h('summary', null, t('historyPhotos', { count: pages.length })),
    pagesView(pages, 'history-pages'));
}

function versions(history, contest, tps) {
  const list = h('ol', { className: 'history', 'data-testid': 'history' });
  for (const version of [...history].sort((a, b) => a.version - b.version)) {
    list.append(h('li', { 'data-testid': 'history-item', 'data-version': version.version },
      h('strong', null, t('historyItem', { version: version.version })), ' · ',
      h('time', { datetime: version.acceptedAt }, fmtTime(version.acceptedAt)), ' · ',
      version.reason ? t('historyReason', { reason: version.reason }) : t('historyFirst'), ' · ',
      t('historyTotals', { valid: fmtNumber(version.valid), invalid: fmtNumber(version.invalid) }),
      versionPhotos(version),
      versionReceipt(contest, tps, version)));
  }
  return list;
}

// The current form's pages: its own entry in the history carries which are missing now.
export function currentPages(tps) {
  const own = (tps.history || []).find((v) => v.version === tps.current.version);
  return pagesOf(own && Array.isArray(own.photos) ? own : tps.current);
}

// tps is what api.tpsForm() answered: { status: 404 } before the first form, else { current, history }. dispute is the
// report form, an element kept across redraws (moved, not rebuilt, so what is typed in it stays).
export function renderTpsForm(section, race, tps, dispute) {
  section.replaceChildren();
  if (!tps || tps.status === 404) {
    section.append(formSection(h('p', { className: 'empty', 'data-testid': 'tps-no-form' }, t('noForm'))));
    return;
  }
  const pages = currentPages(tps);
  const code = tps.current.tps;
  // The current form's receipt: its own, or its entry's in the history.
  const own = (tps.history || []).find((v) => v.version === tps.current.version);
  const current = tps.current.digest || !own ? tps.current : Object.assign({}, tps.current, { digest: own.digest });
  section.append(
    h('div', { className: 'tps-evidence', 'data-testid': 'tps-evidence' }, formSection(fields(tps.current, race, pages)), photosSection(pages)),
    receiptView(race.id, code, current),
    dispute || null,
    h('section', { className: 'history-section', 'aria-labelledby': 'history-heading' },
      h('h3', { id: 'history-heading' }, t('history')), versions(tps.history, race.id, code)));
}

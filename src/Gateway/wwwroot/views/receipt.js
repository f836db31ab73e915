// A form's receipt (API.md, "The receipt"): its TPS digest as text, and a QR code of the page's check address, so
// that a witness's phone camera opens the check of that form.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { qrSvg } from '../qr.js';
import { checkLink } from '../router.js';

// The check's address, absolute: what the QR code holds.
export function checkUrl(contest, tps, digest) {
  return location.origin + '/?view=check&contest=' + encodeURIComponent(contest) + '&tps=' + encodeURIComponent(tps)
    + '&receipt=' + encodeURIComponent(digest);
}

function qrFigure(contest, tps, digest, testid) {
  const url = checkUrl(contest, tps, digest);
  let code;
  try {
    code = qrSvg(url, t('receiptQrLabel'));
  } catch {
    return null; // an address too long for a QR code: the text and the link still serve
  }
  return h('figure', { className: 'receipt-qr', 'data-testid': testid, 'data-url': url }, code,
    h('figcaption', { className: 'hint' }, t('receiptQrCaption')));
}

// Copying needs the clipboard API (a secure context); elsewhere the digest is selectable as a whole (CSS user-select).
function copyButton(digest) {
  if (!navigator.clipboard || !window.isSecureContext) return null;
  const said = h('span', { className: 'copy-said', role: 'status', 'data-testid': 'receipt-copied' });
  const button = h('button', { type: 'button', className: 'secondary copy', 'data-testid': 'receipt-copy' }, t('receiptCopy'));
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(digest);
      said.textContent = t('receiptCopied');
    } catch {
      said.textContent = t('receiptCopyFailed');
    }
  });
  return h('span', { className: 'copy-wrap' }, button, ' ', said);
}

// The current form's receipt, in full: text, copy, QR code and the way to the check.
export function receiptView(contest, tps, form) {
  const digest = typeof form.digest === 'string' ? form.digest : null;
  const section = h('section', { className: 'receipt', 'aria-labelledby': 'receipt-heading', 'data-testid': 'receipt' },
    h('h3', { id: 'receipt-heading' }, t('receiptTitle', { version: form.version })));
  if (!digest) {
    section.append(h('p', { className: 'empty', 'data-testid': 'receipt-none' }, t('receiptNone')));
    return section;
  }
  section.dataset.digest = digest;
  section.append(
    h('p', { className: 'hint' }, t('receiptIntro')),
    h('p', { className: 'receipt-value' },
      h('code', { className: 'receipt-digest', 'data-testid': 'receipt-digest', translate: 'no' }, digest), ' ', copyButton(digest)),
    qrFigure(contest, tps, digest, 'receipt-qr'),
    h('p', null, checkLink({ contest, tps, receipt: digest }, t('receiptCheck'), { 'data-testid': 'receipt-check-link' })));
  return section;
}

// A version of the history: its receipt as text, its QR code folded away (drawn when first opened), its check.
export function versionReceipt(contest, tps, version) {
  const digest = typeof version.digest === 'string' ? version.digest : null;
  if (!digest) return null;
  const details = h('details', { className: 'version-receipt', 'data-testid': 'history-receipt', 'data-digest': digest },
    h('summary', null, t('historyReceipt'), ' ', h('code', { className: 'receipt-digest', translate: 'no' }, digest)));
  details.addEventListener('toggle', () => {
    if (!details.open || details.dataset.drawn) return;
    details.dataset.drawn = 'true';
    details.append(qrFigure(contest, tps, digest, 'history-receipt-qr') || '',
      h('p', null, checkLink({ contest, tps, receipt: digest }, t('receiptCheckVersion', { version: version.version }))));
  });
  return details;
}

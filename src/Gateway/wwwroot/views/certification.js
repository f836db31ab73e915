// A tally's certificate and digest (API.md, "Digests" and "Certification"): a badge while a certificate is in force,
// else the digest alone, quietly; both say how anyone can check them against the open data.
import { h } from '../dom.js';
import { fmtTime } from '../format.js';
import { t, tParts } from '../i18n.js';

const part = encodeURIComponent;

export function exportUrls(contest) {
  return {
    csv: '/api/v1/export/' + part(contest) + '.csv',
    certificates: '/api/v1/export/' + part(contest) + '/certificates.json',
  };
}

// "8b76e2c5…2f4bf612": both ends, so that two digests can be told apart at a glance.
export function shortDigest(digest) {
  return digest.length > 20 ? digest.slice(0, 8) + '…' + digest.slice(-8) : digest;
}

// The digest, abbreviated; opening it shows the whole value (selectable, in full), its title carries it too.
function digestView() {
  const short = h('code', { className: 'digest-short', 'data-testid': 'digest-short' });
  const full = h('code', { className: 'digest-full', 'data-testid': 'digest-full' });
  const verify = h('p', { className: 'verify', 'data-testid': 'verify' });
  const element = h('details', { className: 'digest', 'data-testid': 'digest' },
    h('summary', null, h('span', { className: 'digest-label' }, t('digest')), ' ', short),
    h('p', { className: 'digest-value' }, full),
    verify);
  return { element, short, full, verify };
}

function verifyText(contest) {
  const urls = exportUrls(contest);
  return tParts('verifyDigest', {
    csv: h('a', { href: urls.csv, 'data-testid': 'export-csv', type: 'text/csv' }, t('exportCsv')),
    certificates: h('a', { href: urls.certificates, 'data-testid': 'export-certificates', type: 'application/json' }, t('exportCertificates')),
    verifier: h('code', null, 'tools/Verifier'),
  });
}

export function certificationView(contest) {
  // Always in place and empty while nothing is certified (role="status"): a certificate that appears while the page
  // is open is announced, not only drawn.
  const badge = h('p', { className: 'seal-badge', role: 'status', 'data-testid': 'certified-badge' });
  const digest = digestView();
  digest.verify.append(...verifyText(contest));
  const element = h('section', {
    className: 'certification', 'data-testid': 'certification', 'data-state': 'none', 'aria-label': t('certification'), hidden: true,
  }, badge, digest.element);
  let sealShown = null; // "by|at" of the certificate on screen

  function update(tally) {
    const seal = tally.certified || null;
    const value = seal ? seal.digest : tally.digest;
    element.dataset.state = seal ? 'certified' : value ? 'digest' : 'none';
    element.classList.toggle('certified', !!seal);
    element.hidden = !value;
    const sealKey = seal ? seal.by + '|' + seal.at : null;
    if (sealKey !== sealShown) {
      sealShown = sealKey;
      badge.replaceChildren();
      if (seal) {
        badge.append(h('span', { className: 'seal-mark', 'aria-hidden': 'true' }, '✓'), ' ',
          ...tParts('certifiedBy', {
            by: h('strong', { 'data-testid': 'certified-by' }, seal.by),
            at: h('time', { datetime: seal.at, 'data-testid': 'certified-at' }, fmtTime(seal.at)),
          }));
      }
    }
    if (value) {
      digest.short.textContent = shortDigest(value);
      digest.short.title = value;
      digest.full.textContent = value;
      digest.element.dataset.value = value;
    }
    // Certified: how to check it is part of the badge, in plain view; otherwise it waits inside the digest's details.
    const home = seal ? element : digest.element;
    if (digest.verify.parentNode !== home) home.append(digest.verify);
  }
  return { element, update };
}

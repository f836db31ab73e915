// The photographed pages of a form (API.md, "Photos of the form"): thumbnails beside the numbers, and one viewer
// (a modal <dialog>, so focus stays inside it and Escape closes it) with zoom and page turning.
import * as api from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';

// A version of the history (or the current form) as pages: [{ sha, missing }], in page order.
export function pagesOf(version) {
  if (!version) return [];
  const photos = Array.isArray(version.photos) ? version.photos
    : version.photoSha256 ? [version.photoSha256] : [];
  const missing = new Set(Array.isArray(version.photosMissing) ? version.photosMissing : []);
  return photos.map((sha) => ({ sha, missing: missing.has(sha) }));
}

function placeholder(text, testid) {
  return h('span', { className: 'page-placeholder', 'data-testid': testid }, text);
}

// A thumbnail that cannot be fetched (the store is down, or the page went missing since) says so in words.
function thumbImage(sha, n, count) {
  const img = h('img', {
    src: api.thumbUrl(sha), alt: t('photoPageAlt', { n, count }), loading: 'lazy', decoding: 'async',
    'data-testid': 'photo-thumb-img',
  });
  img.addEventListener('error', () => img.replaceWith(placeholder(t('photoUnavailable'), 'photo-unavailable')), { once: true });
  return img;
}

// The pages as a list of buttons; each opens the viewer at its page. testid tells the current form's list from a
// history version's.
export function pagesView(pages, testid) {
  const list = h('ol', { className: 'page-list', 'data-testid': testid, 'data-count': pages.length });
  pages.forEach((page, i) => {
    const n = i + 1;
    const label = page.missing ? t('photoMissingLabel', { n, count: pages.length }) : t('photoOpen', { n, count: pages.length });
    const button = h('button', {
      type: 'button', className: 'page-thumb', 'aria-label': label, 'data-testid': 'photo-thumb',
      'data-sha': page.sha, 'data-missing': page.missing ? 'true' : 'false',
    },
    page.missing ? placeholder(t('photoNotReceived'), 'photo-missing') : thumbImage(page.sha, n, pages.length),
    h('span', { className: 'page-number', 'aria-hidden': 'true' }, t('photoPage', { n })));
    button.addEventListener('click', () => openViewer(pages, i, button));
    list.append(h('li', null, button));
  });
  return list;
}

// ------------------------------------------------------------------ the viewer

const ZOOMS = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4];
let viewer = null;

function viewerParts() {
  if (viewer) return viewer;
  const button = (testid, onclick) => h('button', { type: 'button', className: 'viewer-button', 'data-testid': testid, onclick });
  const parts = {
    pages: [], index: 0, zoom: null, opener: null, // zoom null: fit to the screen; else a scale of the photo's pixels
    title: h('h2', { id: 'viewer-title', className: 'viewer-title', 'data-testid': 'viewer-title' }),
    status: h('p', { className: 'viewer-status', 'aria-live': 'polite', 'data-testid': 'viewer-status' }),
    stage: h('div', { className: 'viewer-stage', tabindex: '0', 'data-testid': 'viewer-stage' }),
  };
  parts.prev = button('viewer-prev', () => turn(-1));
  parts.next = button('viewer-next', () => turn(1));
  parts.zoomOut = button('viewer-zoom-out', () => zoomBy(-1));
  parts.zoomIn = button('viewer-zoom-in', () => zoomBy(1));
  parts.fit = button('viewer-fit', () => setZoom(null));
  parts.actual = button('viewer-actual', () => setZoom(1));
  parts.close = button('viewer-close', () => parts.dialog.close());
  parts.original = h('a', { className: 'viewer-original', 'data-testid': 'viewer-original', target: '_blank', rel: 'noopener' });
  parts.dialog = h('dialog', { className: 'viewer', 'aria-labelledby': 'viewer-title', 'data-testid': 'photo-viewer' },
    h('div', { className: 'viewer-bar' },
      parts.title,
      h('div', { className: 'viewer-tools' },
        parts.prev, parts.next, parts.zoomOut, parts.zoomIn, parts.fit, parts.actual, parts.close)),
    parts.stage,
    h('div', { className: 'viewer-foot' }, parts.status, parts.original));
  parts.stage.id = 'viewer-stage';
  parts.dialog.addEventListener('keydown', onKey);
  parts.dialog.addEventListener('close', () => {
    parts.stage.replaceChildren();
    const opener = parts.opener;
    parts.opener = null;
    if (!opener) return;
    // A live update may have redrawn the thumbnails meanwhile: focus goes back to the same page's new one.
    const target = opener.isConnected ? opener
      : document.querySelector('[data-testid="photo-thumb"][data-sha="' + CSS.escape(opener.dataset.sha || '') + '"]');
    if (target) target.focus();
  });
  document.body.append(parts.dialog);
  viewer = parts;
  return parts;
}

// Keys work wherever focus is inside the viewer, except in the middle of typing (there is nothing to type in it).
function onKey(event) {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const actions = {
    ArrowLeft: () => turn(-1), ArrowRight: () => turn(1),
    '+': () => zoomBy(1), '=': () => zoomBy(1), '-': () => zoomBy(-1), _: () => zoomBy(-1),
    0: () => setZoom(null), 1: () => setZoom(1),
  };
  const action = actions[event.key];
  if (!action) return;
  event.preventDefault();
  action();
}

function openViewer(pages, index, opener) {
  const v = viewerParts();
  v.pages = pages;
  v.opener = opener;
  v.zoom = null;
  show(index);
  if (!v.dialog.open) v.dialog.showModal();
  v.stage.focus();
}

function turn(step) {
  const v = viewer;
  const next = v.index + step;
  if (next < 0 || next >= v.pages.length) return;
  show(next);
}

function show(index) {
  const v = viewer;
  v.index = index;
  const page = v.pages[index];
  const n = index + 1;
  const count = v.pages.length;
  v.title.textContent = t('viewerTitle', { n, count });
  v.dialog.dataset.index = String(index);
  v.dialog.dataset.sha = page.sha;
  if (page.missing) {
    v.stage.replaceChildren(placeholder(t('photoNotReceivedLong'), 'viewer-missing'));
    v.original.hidden = true;
  } else {
    const img = h('img', { src: api.photoUrl(page.sha), alt: t('photoPageAlt', { n, count }), 'data-testid': 'viewer-image' });
    img.addEventListener('load', () => applyZoom(), { once: true });
    img.addEventListener('error', () => img.replaceWith(placeholder(t('photoUnavailable'), 'viewer-unavailable')), { once: true });
    v.stage.replaceChildren(img);
    v.original.hidden = false;
    v.original.href = api.photoUrl(page.sha);
    v.original.textContent = t('viewerOriginal');
  }
  v.prev.disabled = index === 0;
  v.next.disabled = index === count - 1;
  labelButtons();
  applyZoom();
}

function labelButtons() {
  const v = viewer;
  const set = (el, text, key) => { el.textContent = text; el.setAttribute('aria-label', t(key)); el.title = t(key); };
  set(v.prev, '‹', 'viewerPrev');
  set(v.next, '›', 'viewerNext');
  set(v.zoomOut, '−', 'viewerZoomOut');
  set(v.zoomIn, '+', 'viewerZoomIn');
  set(v.fit, t('viewerFitShort'), 'viewerFit');
  set(v.actual, '100%', 'viewerActual');
  set(v.close, '×', 'viewerClose');
}

function setZoom(zoom) {
  viewer.zoom = zoom;
  applyZoom();
}

// From "fit" the first step is taken from the scale the photo is shown at now, so + always enlarges.
function zoomBy(step) {
  const v = viewer;
  const img = v.stage.querySelector('img');
  const now = v.zoom !== null ? v.zoom : img && img.naturalWidth ? img.clientWidth / img.naturalWidth : 1;
  const next = step > 0 ? ZOOMS.find((z) => z > now + 0.001) : [...ZOOMS].reverse().find((z) => z < now - 0.001);
  if (next !== undefined) setZoom(next);
}

// The zoom is the image's width attribute (no inline style: the page's CSP allows none); "fit" is a class.
function applyZoom() {
  const v = viewer;
  const img = v.stage.querySelector('img');
  const fit = v.zoom === null;
  v.stage.classList.toggle('fit', fit);
  v.dialog.dataset.zoom = fit ? 'fit' : String(v.zoom);
  v.fit.setAttribute('aria-pressed', String(fit));
  v.actual.setAttribute('aria-pressed', String(v.zoom === 1));
  const zoomText = fit ? t('viewerFitted') : Math.round(v.zoom * 100) + '%';
  v.status.textContent = t('viewerStatus', { n: v.index + 1, count: v.pages.length, zoom: zoomText });
  if (!img) return;
  if (fit || !img.naturalWidth) img.removeAttribute('width');
  else img.width = Math.round(img.naturalWidth * v.zoom);
  v.zoomOut.disabled = !fit && v.zoom <= ZOOMS[0];
  v.zoomIn.disabled = !fit && v.zoom >= ZOOMS[ZOOMS.length - 1];
}

// A language switch while the viewer is open relabels it.
export function relabelViewer() {
  if (viewer && viewer.dialog.open) show(viewer.index);
}

// The page's fixed elements and a small element builder.

export const $ = (id) => document.getElementById(id);

export const els = {
  resultsView: $('results-view'),
  breadcrumb: $('breadcrumb'),
  contestSelect: $('contest-select'),
  liveStatus: $('live-status'),
  liveText: $('live-text'),
  langToggle: $('lang-toggle'),
  pageError: $('page-error'),
  panelResults: $('panel-results'),
  panelOperator: $('panel-operator'),
  panelCheck: $('panel-check'),
  anomalyList: $('anomaly-list'),
  anomalyEmpty: $('anomaly-empty'),
  disputesHeading: $('disputes-heading'),
  disputeList: $('dispute-list'),
  disputesStatus: $('disputes-status'),
  disputesRefresh: $('disputes-refresh'),
  officerToken: $('officer-token'),
};

// Builds an element: h('a', { href: '/', 'data-testid': 'x', onclick: fn }, 'text', child, ...)
// Attributes that are undefined, null or false are left out, so optional ones can be written inline.
export function h(tag, attrs, ...children) {
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

export function showError(message) {
  els.pageError.textContent = message || '';
  els.pageError.hidden = !message;
}

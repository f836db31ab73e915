// The two tabs and their panels (results, operator), and the document title that names what is on screen.
import { els } from '../dom.js';
import { t } from '../i18n.js';
import { go, homeTarget } from '../router.js';
import { isNational, state } from '../state.js';
import { showOperator } from './operator.js';

export function showView(view, focus) {
  state.view = view;
  const results = view === 'results';
  els.panelResults.hidden = !results;
  els.panelOperator.hidden = view !== 'operator';
  els.panelCheck.hidden = view !== 'check';
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const selected = tab.dataset.view === view;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
  }
  if (view === 'operator') showOperator(focus);
  updateTitle();
}

export function updateTitle() {
  const page = state.page;
  const name = state.view === 'operator' ? t('operatorTitle') : state.view === 'check' ? t('checkTitle')
    : (page && page.info ? page.info.name : null);
  const national = isNational() ? 'Nation' : '';
  document.title = name ? t('docTitle' + national, { name }) : t('title' + national);
}

// Tabs follow the ARIA tabs pattern: one tab stop, arrow keys and Home/End move between tabs and select them.
export function wireTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  for (const tab of tabs) {
    tab.addEventListener('click', () => {
      const view = tab.dataset.view;
      if (view === state.view) return;
      const page = state.page;
      // The check opens with what the results show: their race, and their TPS when one is shown.
      if (view === 'check') {
        const tps = page && page.info && page.info.level === 'tps' ? page.region : '';
        go({ view, contest: page && page.contest ? page.contest : '', tps, receipt: '' }, { push: true });
        return;
      }
      go(page ? { view, contest: page.contest, region: page.region } : Object.assign(homeTarget(null), { view }), { push: true });
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

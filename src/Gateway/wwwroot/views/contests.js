// The race picker above the results: races grouped by kind (governor, regent, mayor).
import { els, h } from '../dom.js';
import { t } from '../i18n.js';
import { go } from '../router.js';
import { covers, state } from '../state.js';

export function renderContestOptions() {
  const select = els.contestSelect;
  const current = select.value;
  // Where no race is in view (the nation), the picker says so rather than showing a blank.
  select.replaceChildren(h('option', { value: '', disabled: true }, t('chooseContest')));
  for (const kind of ['governor', 'regent', 'mayor']) {
    const group = h('optgroup', { label: t('kind_' + kind) });
    for (const race of state.contests.filter((c) => c.kind === kind)) {
      group.append(h('option', { value: race.id }, race.name + ' (' + race.id + ')'));
    }
    if (group.children.length) select.append(group);
  }
  if (current) select.value = current;
}

export function selectContest(contest) {
  els.contestSelect.value = state.contestById.has(contest) ? contest : '';
}

export function wireContestSelect() {
  els.contestSelect.addEventListener('change', () => {
    const race = state.contestById.get(els.contestSelect.value);
    if (!race) return;
    const page = state.page;
    // A regent/mayor race only exists in its regency: stay where we are if the race covers it, else go there.
    const regionCode = page && page.region && covers(race, page.region) ? page.region : race.scope;
    go({ view: 'results', contest: race.id, region: regionCode }, { push: true });
  });
}

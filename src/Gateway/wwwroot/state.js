// What the page knows: the races, the newest tally per (race, region), and what the results panel shows.

export const DEFAULT_CONTEST = 'PGUB-35';
export const HOME_REGION = '35'; // Jawa Timur, the governor race's scope, until the registry says otherwise

export const state = {
  view: 'results',
  contests: [],
  contestById: new Map(),
  // The registry's root: its province, or the nation ("0", level "nation") when it holds more than one (learnRoot).
  root: { code: HOME_REGION, level: 'province', name: 'Jawa Timur' },
  operatorRegion: HOME_REGION, // the region whose disputes the operator tab lists
  // What the results panel shows: { contest, region, info, race, ancestors, children, tps, error, notCovered }, or,
  // where no race is chosen (the nation, a province without a governor race), { contest: null, region, info,
  // ancestors, progress }.
  page: null,
  renderToken: 0, // bumped per navigation, so that a slow answer for a page left behind is dropped
};

export const tallies = new Map(); // "contest|code" -> latest tally seen (by version)

export function key(contest, code) { return contest + '|' + code; }

// Keeps the newest tally per (contest, region): a push may overtake the answer to Subscribe or a GET.
export function accept(tally) {
  if (!tally || !tally.contest || !tally.region) return false;
  const k = key(tally.contest, tally.region);
  const known = tallies.get(k);
  if (known && known.version > tally.version) return false;
  tallies.set(k, tally);
  return true;
}

export function covers(race, code) { return code === race.scope || code.startsWith(race.scope + '.'); }

export function isNational() { return state.root.level === 'nation'; }

// "35.07.01" -> ["35", "35.07"], and "0" first under a national root ("0" itself has none).
export function ancestorCodes(code) {
  if (code === state.root.code) return [];
  const parts = code.split('.');
  const codes = isNational() ? [state.root.code] : [];
  for (let i = 1; i < parts.length; i++) codes.push(parts.slice(0, i).join('.'));
  return codes;
}

// The race a region opens with when none is named: its province's governor race, else (DI Yogyakarta) the regent or
// mayor race that covers it; null where no single race does (the nation, a province without a governor race).
export function defaultContestFor(code) {
  if (!code || code === state.root.code && isNational()) return null;
  const province = code.split('.')[0];
  const governor = state.contests.find((c) => c.kind === 'governor' && c.scope === province);
  if (governor) return governor.id;
  const local = state.contests.find((c) => covers(c, code));
  return local ? local.id : null;
}

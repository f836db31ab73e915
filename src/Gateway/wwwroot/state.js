// What the page knows: the races, the newest tally per (race, region), and what the results panel shows.

export const DEFAULT_CONTEST = 'PGUB-35';
export const HOME_REGION = '35'; // Jawa Timur, the governor race's scope

export const state = {
  view: 'results',
  contests: [],
  contestById: new Map(),
  operatorRegion: HOME_REGION, // the region whose disputes the operator tab lists
  page: null, // what the results panel shows: { contest, region, info, race, ancestors, children, tps, error, notCovered }
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

// "35.07.01" -> ["35", "35.07"]
export function ancestorCodes(code) {
  const parts = code.split('.');
  const codes = [];
  for (let i = 1; i < parts.length; i++) codes.push(parts.slice(0, i).join('.'));
  return codes;
}

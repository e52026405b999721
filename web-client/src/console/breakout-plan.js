// How the console plans breakout groups before they open: people shuffled
// and dealt into groups as even as possible (pairs, threes, or a number of
// groups), and a plan kept as people come and go or are moved by hand. Pure:
// no DOM, no room state, and randomness comes in as an argument, so the unit
// tests (tests/web/breakout-plan.test.mjs) draw the same groups every time.
// The server checks the plan again when it opens (two people a group at
// least, nobody twice); `breakout-planner.js` draws it.

/**
 * A plan: the groups in order, and the people who stay in the main room.
 * Only the people the planner places are in it (not the one who plans).
 * @typedef {{groups: number[][], main: number[]}} Plan
 */

/**
 * How to split: groups of about `size` people (2 pairs, 3 threes), or
 * `count` groups.
 * @typedef {{size?: number, count?: number}} Split
 */

/**
 * A shuffled copy (Fisher-Yates).
 * @param {readonly number[]} ids
 * @param {() => number} random in [0, 1)
 */
function shuffled(ids, random) {
  const out = [...ids];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * How many groups `n` people make: never a group of one, so fewer groups
 * when the numbers do not fall evenly (5 in pairs: a pair and a three).
 * Zero with fewer than two people.
 * @param {number} n
 * @param {Split} split
 */
export function groupCount(n, { size, count }) {
  if (n < 2) return 0;
  if (count !== undefined) return Math.max(1, Math.min(Math.floor(count), Math.floor(n / 2)));
  let groups = Math.max(1, Math.round(n / Math.max(2, size ?? 2)));
  while (groups > 1 && n / groups < 2) groups -= 1;
  return groups;
}

/**
 * People shuffled and split into groups whose sizes differ by one at most;
 * [] with fewer than two people.
 * @param {readonly number[]} ids
 * @param {Split} split
 * @param {() => number} [random] in [0, 1)
 * @returns {number[][]}
 */
export function planGroups(ids, split, random = Math.random) {
  const groups = groupCount(ids.length, split);
  if (groups === 0) return [];
  const people = shuffled(ids, random);
  const small = Math.floor(people.length / groups);
  const larger = people.length % groups;
  /** @type {number[][]} */
  const out = [];
  let at = 0;
  for (let i = 0; i < groups; i += 1) {
    const size = small + (i < larger ? 1 : 0);
    out.push(people.slice(at, at + size));
    at += size;
  }
  return out;
}

/**
 * The plan for the people there now: whoever left is gone from it, whoever
 * came is added to the main room; nobody else moves.
 * @param {Plan} plan
 * @param {readonly number[]} ids the people to place, in the order they came
 * @returns {Plan}
 */
export function keepPlan(plan, ids) {
  const present = new Set(ids);
  const groups = plan.groups.map((group) => group.filter((id) => present.has(id)));
  const main = plan.main.filter((id) => present.has(id));
  const placed = new Set([...groups.flat(), ...main]);
  return { groups, main: [...main, ...ids.filter((id) => !placed.has(id))] };
}

/**
 * Someone moved by hand: into group `index`, or the main room (null). A
 * group emptied this way stays, so people can be moved back into it.
 * @param {Plan} plan
 * @param {number} id
 * @param {number | null} index
 * @returns {Plan}
 */
export function movePerson(plan, id, index) {
  const groups = plan.groups.map((group) => group.filter((other) => other !== id));
  const main = plan.main.filter((other) => other !== id);
  if (index === null || !groups[index]) main.push(id);
  else groups[index].push(id);
  return { groups, main };
}

/**
 * What the server is sent for a plan, or why it cannot be: groups emptied by
 * hand are left out; a group of one is named (by its place, from 0) so the
 * host can fix it.
 * @param {Plan} plan
 * @returns {{groups: number[][]} | {problem: 'none'} | {problem: 'alone', index: number}}
 */
export function groupsToOpen(plan) {
  const alone = plan.groups.findIndex((group) => group.length === 1);
  if (alone >= 0) return { problem: 'alone', index: alone };
  const groups = plan.groups.filter((group) => group.length > 0);
  return groups.length ? { groups } : { problem: 'none' };
}

// How the console plans breakout groups: as even as possible, never a group
// of one, everyone placed once; a plan kept as people come and go or are
// moved by hand; and what is sent (or why not). A seeded random number
// generator makes every shuffle the same on every run. No DOM:
// `web-client/src/console/breakout-plan.js` touches none.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  groupCount, groupsToOpen, keepPlan, movePerson, planGroups,
} from '../../web-client/src/console/breakout-plan.js';

/**
 * A small seeded generator (mulberry32): the same numbers for the same seed.
 * @param {number} seed
 */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @param {number} n */
const people = (n) => Array.from({ length: n }, (_, i) => i + 1);

/** @param {number[][]} groups */
const sizes = (groups) => groups.map((group) => group.length);

/**
 * Everyone once, no group of one, sizes one apart at most.
 * @param {number[]} ids
 * @param {number[][]} groups
 */
function assertFair(ids, groups) {
  assert.deepEqual(groups.flat().sort((a, b) => a - b), [...ids].sort((a, b) => a - b), 'everyone is placed once');
  for (const group of groups) assert.ok(group.length >= 2, `no group of one: ${JSON.stringify(groups)}`);
  const all = sizes(groups);
  assert.ok(Math.max(...all) - Math.min(...all) <= 1, `sizes differ by one at most: ${all}`);
}

test('pairs and threes: the examples the console promises', () => {
  const random = seeded(1);
  assert.deepEqual(sizes(planGroups(people(5), { size: 2 }, random)).sort(), [2, 3], '5 in pairs: a pair and a three');
  assert.deepEqual(sizes(planGroups(people(4), { size: 3 }, random)), [4], '4 in threes: one group of four');
  assert.deepEqual(sizes(planGroups(people(8), { size: 3 }, random)), [3, 3, 2], '8 in threes: 3, 3 and 2');
  assert.deepEqual(sizes(planGroups(people(6), { size: 2 }, random)), [2, 2, 2]);
  assert.deepEqual(sizes(planGroups(people(3), { size: 2 }, random)), [3], '3 in pairs: one three, never a one');
  assert.deepEqual(sizes(planGroups(people(2), { size: 3 }, random)), [2], '2 in threes: a pair');
});

test('a number of groups: never more than half the people', () => {
  const random = seeded(2);
  assert.deepEqual(sizes(planGroups(people(10), { count: 3 }, random)), [4, 3, 3]);
  assert.deepEqual(sizes(planGroups(people(5), { count: 4 }, random)), [3, 2], '5 people make two groups at most');
  assert.deepEqual(sizes(planGroups(people(7), { count: 1 }, random)), [7]);
  assert.equal(groupCount(9, { count: 0 }), 1, 'one group at least');
});

test('fewer than two people: no groups', () => {
  assert.deepEqual(planGroups([], { size: 2 }), []);
  assert.deepEqual(planGroups([7], { size: 2 }), []);
  assert.deepEqual(planGroups([7], { count: 3 }), []);
  assert.equal(groupCount(1, { size: 3 }), 0);
});

test('every split of 2 to 40 people is fair, and the shuffle is seeded', () => {
  for (let n = 2; n <= 40; n += 1) {
    for (const split of [{ size: 2 }, { size: 3 }, { count: 2 }, { count: 5 }, { count: 20 }]) {
      assertFair(people(n), planGroups(people(n), split, seeded(n)));
    }
  }
  const ids = [11, 12, 13, 14, 15, 16, 17];
  assert.deepEqual(planGroups(ids, { size: 2 }, seeded(42)), planGroups(ids, { size: 2 }, seeded(42)), 'the same seed, the same groups');
  const shuffles = new Set(Array.from({ length: 20 }, (_, seed) => JSON.stringify(planGroups(ids, { size: 2 }, seeded(seed)))));
  assert.ok(shuffles.size > 5, 'other seeds shuffle otherwise');
  assert.deepEqual(ids, [11, 12, 13, 14, 15, 16, 17], 'the list given is left as it was');
});

test('a plan kept: who left is gone, who came is in the main room, nobody else moves', () => {
  const plan = { groups: [[1, 2], [3, 4, 5]], main: [6] };
  assert.deepEqual(keepPlan(plan, [1, 2, 3, 4, 5, 6]), plan);
  assert.deepEqual(keepPlan(plan, [1, 2, 4, 5, 6, 9]), { groups: [[1, 2], [4, 5]], main: [6, 9] });
  assert.deepEqual(keepPlan(plan, [2, 3, 4]), { groups: [[2], [3, 4]], main: [] }, 'a group left with one shows as it is');
});

test('moving by hand, and what is sent', () => {
  const plan = { groups: [[1, 2], [3, 4, 5]], main: [6] };
  const moved = movePerson(plan, 5, 0);
  assert.deepEqual(moved, { groups: [[1, 2, 5], [3, 4]], main: [6] });
  assert.deepEqual(movePerson(moved, 1, null), { groups: [[2, 5], [3, 4]], main: [6, 1] });
  assert.deepEqual(movePerson(plan, 6, 1), { groups: [[1, 2], [3, 4, 5, 6]], main: [] });
  assert.deepEqual(plan, { groups: [[1, 2], [3, 4, 5]], main: [6] }, 'the plan given is left as it was');

  assert.deepEqual(groupsToOpen(plan), { groups: [[1, 2], [3, 4, 5]] });
  const emptied = movePerson(movePerson(plan, 1, 1), 2, 1);
  assert.deepEqual(emptied.groups, [[], [3, 4, 5, 1, 2]], 'an emptied group stays in the plan');
  assert.deepEqual(groupsToOpen(emptied), { groups: [[3, 4, 5, 1, 2]] }, 'and is left out of what is sent');
  assert.deepEqual(groupsToOpen(movePerson(plan, 1, null)), { problem: 'alone', index: 0 });
  assert.deepEqual(groupsToOpen({ groups: [[], []], main: [1, 2] }), { problem: 'none' });
});

// When the room's page holds video longer (web-client/src/room/playout.js):
// only while its own video sees loss, by about a round trip, and not for
// long after the loss stops.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CALM_MS, ENOUGH_PACKETS, MAX_TARGET_MS, MIN_TARGET_MS, nextPlayout,
} from '../../web-client/src/room/playout.js';

const CLEAN = { packets: 400, lost: 0, nacks: 0, rttMs: 40 };
const OFF = { target: null, lossyAt: null };
const T0 = 1_000_000;

test('a clean link keeps the browser\'s own playout', () => {
  assert.deepEqual(nextPlayout(CLEAN, OFF, T0), OFF);
  // Less than one packet in a hundred lost or asked for again is clean.
  assert.deepEqual(nextPlayout({ ...CLEAN, lost: 2, nacks: 1 }, OFF, T0), OFF);
});

test('a lossy link holds video a round trip and a margin, within bounds', () => {
  const held = nextPlayout({ packets: 400, lost: 10, nacks: 12, rttMs: 100 }, OFF, T0);
  assert.deepEqual(held, { target: 200, lossyAt: T0 });
  // NACKs alone say it (a repaired packet is not counted lost).
  assert.equal(nextPlayout({ ...CLEAN, nacks: 8 }, OFF, T0).target, MIN_TARGET_MS);
  assert.equal(nextPlayout({ ...CLEAN, nacks: 8, rttMs: 900 }, OFF, T0).target, MAX_TARGET_MS);
  assert.equal(nextPlayout({ ...CLEAN, nacks: 8, rttMs: null }, OFF, T0).target, 200, 'no round trip known yet: 100 ms assumed');
});

test('the hold does not shrink while the loss goes on, and ends after a calm stretch', () => {
  const held = nextPlayout({ packets: 400, lost: 10, nacks: 0, rttMs: 180 }, OFF, T0);
  assert.equal(held.target, 280);
  const shorter = nextPlayout({ packets: 400, lost: 10, nacks: 0, rttMs: 60 }, held, T0 + 2_000);
  assert.equal(shorter.target, 280, 'a shorter round trip read once does not undo it');
  const calm = nextPlayout(CLEAN, shorter, T0 + 2_000 + CALM_MS - 1);
  assert.equal(calm.target, 280, 'still held before the calm stretch is over');
  assert.deepEqual(nextPlayout(CLEAN, calm, T0 + 2_000 + CALM_MS), OFF);
});

test('a reading with too few packets to say anything changes nothing', () => {
  const held = { target: 200, lossyAt: T0 };
  const few = { packets: ENOUGH_PACKETS - 1, lost: ENOUGH_PACKETS - 1, nacks: 0, rttMs: 100 };
  assert.deepEqual(nextPlayout(few, OFF, T0), OFF, 'paused video is not a lossy link');
  assert.deepEqual(nextPlayout(few, held, T0 + 2_000), held);
});

// How breakouts are named for people: "Group 1" and "Group 2" each time
// groups open, though the server numbers groups once a session; a chat
// line from groups this page never saw is tagged without a number; and the
// server's refusals in plain words. No DOM: `web-client/src/room/
// breakout-text.js` touches none.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtocolError } from '../../web-client/src/shared/protocol.js';
import { breakoutFailureText, chatTag, groupName, groupNumber } from '../../web-client/src/room/breakout-text.js';
import { initialState } from '../../web-client/src/room/state.js';

const T0 = 1796223600000;

/**
 * A room whose breakouts have these group ids (or none).
 * @param {number[] | null} ids
 */
function roomWith(ids) {
  const breakouts = ids && {
    groups: ids.map((id) => ({ id, members: [], visitors: [] })), ends_at: T0 + 600_000, server_time: T0, choose: false, ending: false,
  };
  return { ...initialState(), breakouts };
}

test('groups are numbered from 1 each time they open, and keep their number when one ends', () => {
  const chatLineFromBefore = roomWith(null);
  assert.equal(chatTag(chatLineFromBefore, 7), 'Small group', 'a group this page never saw has no number');

  const first = roomWith([1, 2, 3]);
  assert.deepEqual([1, 2, 3].map((id) => groupNumber(first, id)), [1, 2, 3]);
  assert.equal(groupName(first, 2), 'Group 2');
  // Group 1 ends (its pair left): the others keep their names.
  assert.deepEqual([2, 3].map((id) => groupNumber(roomWith([2, 3]), id)), [2, 3]);

  const second = roomWith([4, 5]);
  assert.deepEqual([4, 5].map((id) => groupNumber(second, id)), [1, 2], 'the second opening starts at 1 again');
  const after = roomWith(null);
  assert.equal(chatTag(after, 3), 'Group 3', 'a line from the first opening keeps its group');
  assert.equal(chatTag(after, 5), 'Group 2');
});

test('the server\'s refusals, in plain words', () => {
  assert.equal(breakoutFailureText(new ProtocolError('invalid_input', 'a breakout needs two people at least')), 'Each group needs two people at least.');
  assert.equal(breakoutFailureText(new ProtocolError('invalid_input', 'breakouts are not open')), 'The breakouts have ended.');
  assert.equal(breakoutFailureText(new ProtocolError('not_found', 'no such participant in this room')),
    'Someone in these groups has left the room. Check the groups and try again.');
  assert.equal(breakoutFailureText(new ProtocolError('forbidden', 'that needs a facilitator')), 'Only a facilitator can do that.', 'other codes as any request says them');
});

// The connection's replies without a browser: a reply settles the request
// whose id it echoes, and nothing else does. No socket is opened: frames go
// straight into `receive`, as the socket's handler passes them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RoomConnection } from '../../web-client/src/shared/protocol.js';

/** A connection with request `id` waiting for its answer. */
function waitingOn(id) {
  const connection = new RoomConnection('ws://127.0.0.1:9/ws');
  const settled = [];
  const timer = setTimeout(() => {}, 0);
  connection.pending.set(id, {
    resolve: (reply) => settled.push(['resolved', reply.type]),
    reject: (error) => settled.push(['rejected', error.code]),
    timer,
  });
  const heard = [];
  connection.on('pulse', (message) => heard.push(message.type));
  connection.on('ack', (message) => heard.push(message.type));
  return { connection, settled, heard };
}

test("a pulse check's own id never settles the request that has the same number", () => {
  const { connection, settled, heard } = waitingOn(2);
  const pulse = { type: 'pulse', id: 2, question: 'How is your energy?', kind: 'scale', open: true, answered: 1, you_answered: false, shared: false };
  connection.receive(JSON.stringify(pulse));
  assert.deepEqual(settled, [], 'the pulse is not the answer to request 2');
  assert.deepEqual(heard, ['pulse'], 'the pulse is news for the room');
  assert.ok(connection.pending.has(2));

  connection.receive(JSON.stringify({ type: 'ack', id: 2 }));
  assert.deepEqual(settled, [['resolved', 'ack']]);
  assert.deepEqual(heard, ['pulse'], 'a plain ack concerns only the asker');
  assert.ok(!connection.pending.has(2));
});

test('an error with an id rejects its request with the code', () => {
  const { connection, settled } = waitingOn(7);
  connection.receive(JSON.stringify({ type: 'error', id: 7, code: 'forbidden', message: 'no' }));
  assert.deepEqual(settled, [['rejected', 'forbidden']]);
});

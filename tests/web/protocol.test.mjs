// The connection's replies without a browser: a reply settles the request
// whose id it echoes, and nothing else does. No socket is opened: frames go
// straight into `receive`, as the socket's handler passes them.

import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
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

/**
 * A scripted stand-in for the browser's WebSocket: each socket answers as
 * the server at its URL would, from `nodes` (URL to a function of the
 * request). Records every URL opened. It answers on `setImmediate`, so a
 * test may hold `setTimeout` still. Like a socket over a network that is
 * gone, `close()` fires no close event.
 */
function scriptedSockets(nodes) {
  const opened = [];
  class ScriptedSocket extends EventTarget {
    static OPEN = 1;
    constructor(url) {
      super();
      this.url = String(url);
      this.readyState = 0;
      opened.push(this.url);
      setImmediate(() => {
        this.readyState = 1;
        this.dispatchEvent(new Event('open'));
      });
    }
    send(text) {
      const request = JSON.parse(text);
      const reply = request.type === 'hello'
        ? { type: 'welcome', version: 1, server_time: 0, crisis_resources: [] }
        : nodes[this.url](request);
      setImmediate(() => {
        const event = new Event('message');
        event.data = JSON.stringify({ ...reply, id: request.id });
        this.dispatchEvent(event);
      });
    }
    close() {
      this.readyState = 3;
    }
  }
  return { ScriptedSocket, opened };
}

const JOINED = { type: 'joined', you: 4, role: 'participant', resume_token: 's.r', session: {}, gate: 'admitted', ice_servers: [] };

test('a join that reached another node follows room_elsewhere and joins there, and each return starts home', async (t) => {
  const home = 'ws://127.0.0.1:9/ws';
  const roomNode = 'ws://127.0.0.3:9/ws';
  const asked = [];
  const { ScriptedSocket, opened } = scriptedSockets({
    [home]: (request) => (asked.push(['home', request.type]), { type: 'room_elsewhere', ws_url: roomNode }),
    [roomNode]: (request) => (asked.push(['room', request.type]), JOINED),
  });
  const saved = globalThis.WebSocket;
  globalThis.WebSocket = ScriptedSocket;
  t.after(() => { globalThis.WebSocket = saved; });
  const connection = new RoomConnection(home);
  const heard = [];
  connection.on('room_elsewhere', (message) => heard.push(message.type));
  const joined = await connection.join({ token: 't', name: 'Sam', device: 'd'.repeat(32) });
  assert.equal(joined.you, 4);
  assert.deepEqual(opened, [home, roomNode], 'one hop, to the node named');
  assert.deepEqual(asked, [['home', 'join'], ['room', 'join']], 'the same join, sent again there');
  assert.deepEqual(heard, [], 'the way to the room is no news for the page');
  // Coming back (a dropped connection): home first, where a node that went
  // away is not tried again, then the room's node, resuming there.
  const back = await connection.enter('s.r');
  assert.equal(back.resumed, true);
  assert.deepEqual(opened, [home, roomNode, home, roomNode]);
  assert.deepEqual(asked.slice(2), [['home', 'resume'], ['room', 'resume']]);
});

test('a room that keeps moving is given up after a few hops, with a clear error', async (t) => {
  const nodes = ['ws://127.0.0.1:9/ws', 'ws://127.0.0.2:9/ws'];
  const { ScriptedSocket, opened } = scriptedSockets({
    [nodes[0]]: () => ({ type: 'room_elsewhere', ws_url: nodes[1] }),
    [nodes[1]]: () => ({ type: 'room_elsewhere', ws_url: nodes[0] }),
  });
  const saved = globalThis.WebSocket;
  globalThis.WebSocket = ScriptedSocket;
  t.after(() => { globalThis.WebSocket = saved; });
  const connection = new RoomConnection(nodes[0]);
  await assert.rejects(connection.join({ token: 't', name: 'Sam', device: 'd'.repeat(32) }), (error) => error.code === 'unavailable');
  assert.equal(opened.length, 4, 'the first node and three hops');
});

test('the network going away starts reconnecting at once, and its return ends the pause before the next try', { timeout: 10_000 }, async (t) => {
  const home = 'ws://127.0.0.1:9/ws';
  const asked = [];
  const { ScriptedSocket, opened } = scriptedSockets({
    [home]: (request) => (asked.push(request.type), JOINED),
  });
  const saved = globalThis.WebSocket;
  globalThis.WebSocket = ScriptedSocket;
  t.after(() => { globalThis.WebSocket = saved; });
  // The pause between tries is a setTimeout that never runs here: only
  // `networkBack` can end it.
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const connection = new RoomConnection(home);
  const news = [];
  connection.on('connection', (message) => news.push(message.state));
  await connection.join({ token: 't', name: 'Sam', device: 'd'.repeat(32) });
  assert.deepEqual(asked, ['join']);

  connection.networkLost();
  assert.deepEqual(news, ['reconnecting'], 'the page hears of the drop without the socket closing');
  assert.equal(connection.socket, null, 'the dead socket is let go');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(opened.length, 1, 'no try before the pause ends');

  const resumed = new Promise((resolve) => connection.on('connection', (message) => message.state === 'resumed' && resolve(undefined)));
  connection.networkBack();
  await resumed;
  assert.deepEqual(asked, ['join', 'resume'], 'the same place is asked back');
  assert.equal(opened.length, 2);
  assert.deepEqual(news, ['reconnecting', 'resumed']);
});

test('the network going away before a place is held changes nothing', () => {
  const connection = new RoomConnection('ws://127.0.0.1:9/ws');
  const news = [];
  connection.on('connection', (message) => news.push(message.state));
  connection.networkLost();
  connection.networkBack();
  assert.deepEqual(news, []);
});

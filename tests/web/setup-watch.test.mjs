// How a page sets up each attempt at a media connection: every STUN and
// TURN server at first, then, after two fresh connections did not come up,
// TURN over TCP or TLS only, when the deployment has it.

import assert from 'node:assert/strict';
import { test } from 'node:test';

const { RELAY_FROM_ATTEMPT, connectionSettings, waitFor } = await import('../../web-client/src/room/setup-watch.js');

const STUN = { urls: ['stun:stun.example.org:3478'] };
const TURN = {
  urls: ['turn:turn.example.org:3478?transport=udp', 'turn:turn.example.org:3478?transport=tcp', 'turns:turn.example.org:443?transport=tcp'],
  username: '1800003600:0011223344556677',
  credential: 'c2VjcmV0',
};

test('the first attempts use every server, and later ones TURN over TCP or TLS only', () => {
  for (let attempt = 0; attempt < RELAY_FROM_ATTEMPT; attempt += 1) {
    assert.deepEqual(connectionSettings([STUN, TURN], attempt), { iceServers: [STUN, TURN] });
  }
  assert.deepEqual(connectionSettings([STUN, TURN], RELAY_FROM_ATTEMPT), {
    iceServers: [{ ...TURN, urls: TURN.urls.slice(1) }],
    iceTransportPolicy: 'relay',
  });
});

test('without TURN over TCP the later attempts keep every server rather than none', () => {
  const udpOnly = { ...TURN, urls: [TURN.urls[0]] };
  assert.deepEqual(connectionSettings([STUN, udpOnly], 5), { iceServers: [STUN, udpOnly] });
  assert.deepEqual(connectionSettings([], 5), { iceServers: [] });
  // `transport=tcpx` is not TCP.
  assert.deepEqual(connectionSettings([{ urls: ['turn:t.example.org?transport=tcpx'] }], 5).iceTransportPolicy, undefined);
});

test('each attempt waits longer, up to a bound', () => {
  const waits = [0, 1, 2, 3, 4, 5, 10].map(waitFor);
  assert.deepEqual(waits, [...waits].sort((a, b) => a - b), 'never shorter than the one before');
  assert.equal(waitFor(100), waitFor(1000), 'bounded');
});

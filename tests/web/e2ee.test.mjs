// End-to-end encryption's parts that need no browser, on Node's WebCrypto
// (web-client/src/room/e2ee-frame.js and e2ee-keys.js): what stays in the
// clear of a frame, a frame encrypted and decrypted, and refused with the
// wrong key or a changed byte, and a frame played again; a media key sealed
// for one person, opened by them alone; the safety code.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  REPLAY_WINDOW, ReplayWindow, TAG_BYTES, TRAILER_BYTES, buildRed, clearBytes, counterOf, decryptFrame, encryptFrame, frameKey,
  keyIdOf, parseRed,
} from '../../web-client/src/room/e2ee-frame.js';
import {
  SAFETY_LENGTH, SAFETY_SYMBOLS, fromBase64url, makeKeyPair, makeMediaKey, openFrom, safetyCode, sealFor, toBase64url,
} from '../../web-client/src/room/e2ee-keys.js';

/** A VP8 keyframe's start: frame tag (keyframe bit 0), start code, 640x360. */
const KEYFRAME = Uint8Array.from([0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01, ...Array.from({ length: 300 }, (_, i) => i & 0xff)]);
const DELTA = Uint8Array.from([0x31, 0x10, 0x00, ...Array.from({ length: 120 }, (_, i) => (i * 7) & 0xff)]);
const OPUS = Uint8Array.from([0x78, ...Array.from({ length: 80 }, (_, i) => (i * 3) & 0xff)]);

async function aKey() {
  const media = makeMediaKey();
  return frameKey(media.id, media.raw, media.salt);
}

/**
 * Whether `needle` appears anywhere in `haystack`.
 * @param {Uint8Array} haystack
 * @param {Uint8Array} needle
 */
function contains(haystack, needle) {
  outer: for (let i = 0; i + needle.length <= haystack.length; i += 1) {
    for (let j = 0; j < needle.length; j += 1) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

test('what the server reads stays in the clear: a keyframe\'s first 10 bytes, another frame\'s 3, Opus\'s first', () => {
  assert.equal(clearBytes('video', KEYFRAME), 10);
  assert.equal(clearBytes('video', DELTA), 3);
  assert.equal(clearBytes('audio', OPUS), 1);
  assert.equal(clearBytes('video', Uint8Array.from([0x31])), 1, 'never more than the frame');
});

test('a frame comes back as it was, with its header in the clear and nothing else of it', async () => {
  const key = await aKey();
  for (const [kind, frame] of /** @type {const} */ ([['video', KEYFRAME], ['video', DELTA], ['audio', OPUS]])) {
    const sealed = await encryptFrame(kind, frame, key, 7);
    const clear = clearBytes(kind, frame);
    assert.equal(sealed.length, frame.length + TAG_BYTES + TRAILER_BYTES);
    assert.deepEqual(sealed.subarray(0, clear), frame.subarray(0, clear), 'the header the server reads');
    assert.equal(contains(sealed, frame.subarray(clear, clear + 12)), false, 'the content is not there in the clear');
    assert.equal(keyIdOf(kind, sealed), key.id);
    assert.deepEqual(await decryptFrame(kind, sealed, key), frame);
  }
});

test('one frame encrypted twice under two counters differs: no IV is used twice', async () => {
  const key = await aKey();
  const one = await encryptFrame('audio', OPUS, key, 1);
  const two = await encryptFrame('audio', OPUS, key, 2);
  assert.notDeepEqual(one.subarray(1, 20), two.subarray(1, 20));
});

test('the wrong key, a changed header or a changed byte fails the frame', async () => {
  const key = await aKey();
  const sealed = await encryptFrame('video', KEYFRAME, key, 0);
  await assert.rejects(decryptFrame('video', sealed, await aKey()));
  for (const at of [5, 40, sealed.length - 12]) {
    const changed = new Uint8Array(sealed);
    changed[at] ^= 0x01;
    await assert.rejects(decryptFrame('video', changed, key), `byte ${at}`);
  }
  assert.equal(keyIdOf('video', KEYFRAME.subarray(0, 20)), null, 'too short to be one of ours');
});

test('a media key sealed for one person is opened by them alone', async () => {
  const [a, b, c] = await Promise.all([makeKeyPair(), makeKeyPair(), makeKeyPair()]);
  const alice = { ...a, id: 1 };
  const bob = { ...b, id: 2 };
  const carol = { ...c, id: 3 };
  const key = makeMediaKey();
  const sealed = await sealFor(alice, bob, key);
  assert.match(sealed, /^[A-Za-z0-9_-]+$/);
  assert.ok(sealed.length <= 256, 'within what the server takes');
  assert.deepEqual(await openFrom(bob, alice, sealed), key);
  await assert.rejects(openFrom(carol, alice, sealed), 'not for someone else');
  await assert.rejects(openFrom({ ...bob, id: 3 }, alice, sealed), 'not under another id');
  await assert.rejects(openFrom(bob, { ...carol, id: 1 }, sealed), 'not from someone who did not seal it');
  assert.ok(a.publicKey.length <= 128 && /^[A-Za-z0-9_-]+$/.test(a.publicKey));
  assert.deepEqual(fromBase64url(toBase64url(Uint8Array.from([0, 250, 251, 255]))), Uint8Array.from([0, 250, 251, 255]));
});

test('the safety code is one for one set of keys, in any order, and another when one comes, goes or differs', async () => {
  const keys = (await Promise.all([makeKeyPair(), makeKeyPair(), makeKeyPair(), makeKeyPair()])).map((k) => k.publicKey);
  const code = await safetyCode(keys.slice(0, 3));
  assert.equal(code.length, SAFETY_LENGTH);
  assert.ok(code.every((i) => Number.isInteger(i) && i >= 0 && i < SAFETY_SYMBOLS.length));
  assert.deepEqual(await safetyCode([keys[2], keys[0], keys[1]]), code);
  assert.notDeepEqual(await safetyCode(keys), code, 'someone joined');
  assert.notDeepEqual(await safetyCode(keys.slice(0, 2)), code, 'someone left');
  assert.notDeepEqual(await safetyCode([keys[0], keys[1], keys[3]]), code, 'a key put in place of another');
  assert.equal(new Set(SAFETY_SYMBOLS).size, 64);
});

test('a frame seen before, or far older than the newest of its key, is refused; one a little late is taken', () => {
  const window = new ReplayWindow();
  assert.equal(window.take(0), true);
  assert.equal(window.take(0), false, 'the same frame again');
  assert.equal(window.take(5), true);
  assert.equal(window.take(3), true, 'late, within the window');
  assert.equal(window.take(3), false);
  assert.equal(window.take(5), false);
  // Far ahead (a jump past the whole window) forgets what was behind it.
  assert.equal(window.take(5 + REPLAY_WINDOW + 40), true);
  assert.equal(window.take(45), false, 'older than the window');
  assert.equal(window.take(46 + 1), true, 'just inside it');
  // Shifts by parts of words and whole words keep what was seen.
  const top = 5 + REPLAY_WINDOW + 40;
  for (const step of [1, 31, 32, 33, 100]) {
    const before = window.top;
    assert.equal(window.take(before + step), true);
    assert.equal(window.take(before), false, `the previous newest, after a step of ${step}`);
    assert.equal(window.take(top), false, 'an older one taken before');
  }
});

test('a frame\'s counter is read back from its trailer', async () => {
  const key = await aKey();
  assert.equal(counterOf(await encryptFrame('audio', OPUS, key, 123456)), 123456);
});

test('a RED payload comes apart into its blocks and back, with lengths the size of what is put in', async () => {
  // Two earlier frames sent again, 40 and 20 ms behind (1920 and 960 at 48 kHz), and the primary.
  const blocks = [
    { pt: 111, offset: 1920, data: OPUS.slice(0, 30) },
    { pt: 111, offset: 960, data: OPUS.slice(0, 50) },
    { pt: 111, offset: 0, data: OPUS },
  ];
  const red = buildRed(blocks);
  assert.deepEqual([...red.subarray(0, 4)], [0x80 | 111, 1920 >> 6, ((1920 & 0x3f) << 2) | 0, 30]);
  assert.equal(red[8], 111, 'the primary\'s header: one byte');
  assert.deepEqual(parseRed(red), blocks);
  // Each block encrypted on its own: longer, and the headers say so.
  const key = await aKey();
  const sealed = await Promise.all(blocks.map(async (b, i) => ({ ...b, data: await encryptFrame('audio', b.data, key, i) })));
  const back = parseRed(buildRed(sealed));
  assert.deepEqual(back?.map((b) => b.data.length), blocks.map((b) => b.data.length + TAG_BYTES + TRAILER_BYTES));
  assert.deepEqual(await decryptFrame('audio', /** @type {any} */ (back)[2].data, key), OPUS);
  // Only a primary: a packet with no redundancy yet.
  assert.deepEqual(parseRed(Uint8Array.from([111, 1, 2, 3])), [{ pt: 111, offset: 0, data: Uint8Array.from([1, 2, 3]) }]);
  // Cut short: not a RED payload.
  assert.equal(parseRed(red.subarray(0, 20)), null);
  assert.equal(parseRed(Uint8Array.from([0x80 | 111, 0, 0])), null);
  // A block too long for its 10-bit length is left out; the primary never is.
  const long = buildRed([{ pt: 111, offset: 960, data: new Uint8Array(1024) }, { pt: 111, offset: 0, data: OPUS }]);
  assert.deepEqual(parseRed(long), [{ pt: 111, offset: 0, data: OPUS }]);
});

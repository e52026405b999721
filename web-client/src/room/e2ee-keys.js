// The keys of end-to-end encrypted media, with WebCrypto: this page's ECDH
// key pair, its media keys, a media key sealed for one other person alone,
// and the safety code everyone compares. No DOM; the unit tests run it in
// Node. `e2ee.js` decides when each is made and sent.
//
// Sealing: the sender and the recipient each derive the same AES-GCM key
// from ECDH (P-256) between their own private key and the other's public
// key, through HKDF-SHA-256 with both ids and both public keys in its info;
// the media key goes under it with a random IV, and the ids of sender and
// recipient as additional data, so a key sealed for one person cannot be
// passed off as sealed for another. The server relays it and cannot open it.

import { KEY_BYTES, SALT_BYTES } from './e2ee-frame.js';

/** @typedef {{id: number, raw: Uint8Array<ArrayBuffer>, salt: Uint8Array<ArrayBuffer>}} MediaKey */

const CURVE = { name: 'ECDH', namedCurve: 'P-256' };
const SEAL_IV_BYTES = 12;
const INFO = 'peer-room e2ee v1: media key';
const encoder = new TextEncoder();

/** @param {Uint8Array} bytes */
export function toBase64url(bytes) {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** @param {string} text */
export function fromBase64url(text) {
  const plain = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(plain, (c) => c.charCodeAt(0));
}

/**
 * This page's key pair: the private key never leaves WebCrypto.
 * @returns {Promise<{pair: CryptoKeyPair, publicKey: string}>}
 */
export async function makeKeyPair() {
  const pair = /** @type {CryptoKeyPair} */ (await crypto.subtle.generateKey(CURVE, false, ['deriveBits']));
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { pair, publicKey: toBase64url(raw) };
}

/**
 * A fresh media key: AES-128, a salt for its IVs, and a random id.
 * @returns {MediaKey}
 */
export function makeMediaKey() {
  const id = crypto.getRandomValues(new Uint32Array(1))[0];
  return { id, raw: crypto.getRandomValues(new Uint8Array(KEY_BYTES)), salt: crypto.getRandomValues(new Uint8Array(SALT_BYTES)) };
}

/**
 * The key two people share, from either side.
 * @param {CryptoKeyPair} mine
 * @param {string} myPublic
 * @param {number} myId
 * @param {string} theirPublic
 * @param {number} theirId
 */
async function sharedKey(mine, myPublic, myId, theirPublic, theirId) {
  const them = await crypto.subtle.importKey('raw', /** @type {BufferSource} */ (fromBase64url(theirPublic)), CURVE, false, []);
  const secret = await crypto.subtle.deriveBits({ name: 'ECDH', public: them }, mine.privateKey, 256);
  const base = await crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
  // The same on both sides: the lower id's half first.
  const sides = [[myId, myPublic], [theirId, theirPublic]].sort((a, b) => Number(a[0]) - Number(b[0]));
  const info = encoder.encode(`${INFO} ${sides.map(([id, key]) => `${id}:${key}`).join(' ')}`);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info },
    base,
    { name: 'AES-GCM', length: 128 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/**
 * `key` sealed from `me` for `them` alone, in base64url.
 * @param {{pair: CryptoKeyPair, publicKey: string, id: number}} me
 * @param {{publicKey: string, id: number}} them
 * @param {MediaKey} key
 */
export async function sealFor(me, them, key) {
  const shared = await sharedKey(me.pair, me.publicKey, me.id, them.publicKey, them.id);
  const plain = new Uint8Array(4 + KEY_BYTES + SALT_BYTES);
  new DataView(plain.buffer).setUint32(0, key.id);
  plain.set(key.raw, 4);
  plain.set(key.salt, 4 + KEY_BYTES);
  const iv = crypto.getRandomValues(new Uint8Array(SEAL_IV_BYTES));
  const additionalData = encoder.encode(`${me.id}>${them.id}`);
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, shared, plain));
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv, 0);
  out.set(sealed, iv.length);
  return toBase64url(out);
}

/**
 * A media key `them` sealed for `me`; throws if it was not sealed by the
 * holder of `them.publicKey` for this page.
 * @param {{pair: CryptoKeyPair, publicKey: string, id: number}} me
 * @param {{publicKey: string, id: number}} them
 * @param {string} sealed
 * @returns {Promise<MediaKey>}
 */
export async function openFrom(me, them, sealed) {
  const bytes = fromBase64url(sealed);
  const shared = await sharedKey(me.pair, me.publicKey, me.id, them.publicKey, them.id);
  const additionalData = encoder.encode(`${them.id}>${me.id}`);
  const plain = new Uint8Array(await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: bytes.subarray(0, SEAL_IV_BYTES), additionalData },
    shared,
    bytes.subarray(SEAL_IV_BYTES),
  ));
  if (plain.length !== 4 + KEY_BYTES + SALT_BYTES) throw new Error('a media key of the wrong size');
  return {
    id: new DataView(plain.buffer).getUint32(0),
    raw: plain.slice(4, 4 + KEY_BYTES),
    salt: plain.slice(4 + KEY_BYTES),
  };
}

/** Symbols for the safety code: 64, so each stands for 6 bits. */
export const SAFETY_SYMBOLS = [
  '🐶', '🐱', '🦁', '🐴', '🦄', '🐷', '🐘', '🐰', '🐼', '🐓', '🐧', '🐢', '🐟', '🐙', '🦋', '🌷',
  '🌳', '🌵', '🍄', '🌏', '🌙', '☁️', '🔥', '🍌', '🍎', '🍓', '🌽', '🍕', '🎂', '❤️', '😀', '🤖',
  '🎩', '👓', '🔧', '🎅', '👍', '☂️', '⌛', '⏰', '🎁', '💡', '📕', '✏️', '📎', '✂️', '🔒', '🔑',
  '🔨', '☎️', '🏁', '🚂', '🚲', '✈️', '🚀', '🏆', '⚽', '🎸', '🎺', '🔔', '⚓', '🎧', '📁', '📌',
];
/** Eight symbols: 48 bits, read aloud in under ten seconds. */
export const SAFETY_LENGTH = 8;

/**
 * The safety code of the people whose public keys these are: the same on
 * every page that sees the same keys, in whatever order, and another as
 * soon as one key differs, comes or goes. Indexes into `SAFETY_SYMBOLS`.
 * @param {string[]} publicKeys
 * @returns {Promise<number[]>}
 */
export async function safetyCode(publicKeys) {
  const text = [...new Set(publicKeys)].sort().join('\n');
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(`peer-room safety code v1\n${text}`)));
  const code = [];
  for (let i = 0; i < SAFETY_LENGTH; i += 1) {
    // Six bits at a time, from the digest's first 48.
    const bit = i * 6;
    const pair = (digest[bit >> 3] << 8) | digest[(bit >> 3) + 1];
    code.push((pair >> (10 - (bit & 7))) & 0x3f);
  }
  return code;
}

// One audio or video frame, encrypted and decrypted end to end (AES-GCM
// through WebCrypto). Shared by the worker that encrypts a page's frames
// (`e2ee-worker.js`) and the unit tests; no DOM, no worker API.
//
// A frame on the wire is
//
//   clear header | ciphertext and its 16-byte tag | counter (4) | key id (4)
//
// The clear header is what the server reads to forward (as in RFC 9605,
// SFrame, and the frame formats Jitsi and LiveKit publish): a VP8
// keyframe's first 10 bytes (its frame tag, start code, width and height:
// the server starts each subscriber at a keyframe and picks a simulcast
// layer by its height), another VP8 frame's 3 (its frame tag), an Opus
// frame's first (its TOC byte). It is authenticated as the additional data,
// so a change to it fails the frame too. The RTP header, with the audio
// level the server reads for who is speaking, is not part of the frame.
//
// The IV is the key's 12-byte salt with the last four bytes XORed with the
// counter, which the sender counts up for each frame it sends under that key
// (every frame of a page goes through one counter per key: its camera's
// layers, its microphone and its screen): an IV is never used twice with
// one key. The key id names the sender's key, so a receiver needs no other
// sign of whose frame it is (the server reuses a receiver for someone else
// as people come and go).

/** @typedef {'audio' | 'video'} MediaKind */
/** @typedef {Uint8Array<ArrayBuffer>} Bytes */

/**
 * A media key as its sender made it: the AES-GCM key, its salt and its id.
 * @typedef {{id: number, key: CryptoKey, salt: Bytes}} FrameKey
 */

export const KEY_BYTES = 16;
export const SALT_BYTES = 12;
export const TAG_BYTES = 16;
export const TRAILER_BYTES = 8;

/**
 * How many of a frame's first bytes stay in the clear.
 * @param {MediaKind} kind
 * @param {Bytes} data the frame as the encoder made it
 */
export function clearBytes(kind, data) {
  if (kind === 'audio') return Math.min(1, data.length);
  // VP8's frame tag: the lowest bit of the first byte is 0 for a keyframe.
  const keyframe = data.length > 0 && (data[0] & 0x01) === 0;
  return Math.min(keyframe ? 10 : 3, data.length);
}

/**
 * @param {Bytes} salt
 * @param {number} counter
 */
function ivFor(salt, counter) {
  const iv = new Uint8Array(salt);
  const view = new DataView(iv.buffer);
  view.setUint32(SALT_BYTES - 4, view.getUint32(SALT_BYTES - 4) ^ counter);
  return iv;
}

/**
 * Imports a media key's raw bytes for frames.
 * @param {number} id
 * @param {Bytes} raw 16 bytes
 * @param {Bytes} salt 12 bytes
 * @returns {Promise<FrameKey>}
 */
export async function frameKey(id, raw, salt) {
  const key = await crypto.subtle.importKey('raw', /** @type {BufferSource} */ (raw), 'AES-GCM', false, ['encrypt', 'decrypt']);
  return { id, key, salt: new Uint8Array(salt) };
}

/**
 * The frame encrypted with `key`, as its `counter`th under it.
 * @param {MediaKind} kind
 * @param {Bytes} data
 * @param {FrameKey} key
 * @param {number} counter 0 to 2^32 - 1
 * @returns {Promise<Bytes>}
 */
export async function encryptFrame(kind, data, key, counter) {
  const clear = clearBytes(kind, data);
  const header = data.subarray(0, clear);
  const sealed = new Uint8Array(await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: ivFor(key.salt, counter), additionalData: header },
    key.key,
    data.subarray(clear),
  ));
  const out = new Uint8Array(clear + sealed.length + TRAILER_BYTES);
  out.set(header, 0);
  out.set(sealed, clear);
  const trailer = new DataView(out.buffer, clear + sealed.length);
  trailer.setUint32(0, counter);
  trailer.setUint32(4, key.id);
  return out;
}

/**
 * The id of the key a frame says it was encrypted with, or null if it is
 * too short to be one of ours.
 * @param {MediaKind} kind
 * @param {Bytes} data
 */
export function keyIdOf(kind, data) {
  if (data.length < clearBytes(kind, data) + TAG_BYTES + TRAILER_BYTES) return null;
  return new DataView(data.buffer, data.byteOffset + data.length - 4, 4).getUint32(0);
}

/**
 * The frame as its sender's encoder made it; throws if `key` is not the one
 * it was encrypted with or a byte of it was changed.
 * @param {MediaKind} kind
 * @param {Bytes} data
 * @param {FrameKey} key
 * @returns {Promise<Bytes>}
 */
export async function decryptFrame(kind, data, key) {
  const clear = clearBytes(kind, data);
  const end = data.length - TRAILER_BYTES;
  const counter = new DataView(data.buffer, data.byteOffset + end, 4).getUint32(0);
  const header = data.subarray(0, clear);
  const plain = new Uint8Array(await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: ivFor(key.salt, counter), additionalData: header },
    key.key,
    data.subarray(clear, end),
  ));
  const out = new Uint8Array(clear + plain.length);
  out.set(header, 0);
  out.set(plain, clear);
  return out;
}

/** How far back a frame may come after a later one of the same key. */
export const REPLAY_WINDOW = 2048;

/**
 * The counters seen under one key, to refuse a frame seen before: a server
 * that kept a frame could otherwise play it again (someone's "yes", once
 * more) for as long as that key is in use. Frames of a key come in roughly
 * the order they were sent (a receiver gets one of a sender's streams, in
 * order, and its other stream a few hundred ms apart at most), so a frame
 * more than `REPLAY_WINDOW` counters behind the newest is refused too:
 * about half a minute of a camera and a microphone.
 */
export class ReplayWindow {
  constructor() {
    /** The highest counter taken, or -1. */
    this.top = -1;
    /** Bit i: counter `top - i` was taken. */
    this.seen = new Uint32Array(REPLAY_WINDOW / 32);
  }

  /**
   * Takes `counter` if it has not been seen and is not too old; says whether it did.
   * @param {number} counter
   */
  take(counter) {
    if (counter > this.top) {
      this.shift(Math.min(counter - this.top, REPLAY_WINDOW));
      this.top = counter;
      this.seen[0] |= 1;
      return true;
    }
    const behind = this.top - counter;
    if (behind >= REPLAY_WINDOW) return false;
    const word = behind >>> 5;
    const bit = 1 << (behind & 31);
    if (this.seen[word] & bit) return false;
    this.seen[word] |= bit;
    return true;
  }

  /** @param {number} by how many counters the newest moves on */
  shift(by) {
    if (this.top < 0 || by >= REPLAY_WINDOW) {
      this.seen.fill(0);
      return;
    }
    const words = by >>> 5;
    const bits = by & 31;
    for (let i = this.seen.length - 1; i >= 0; i -= 1) {
      const from = i - words;
      const high = from >= 0 ? this.seen[from] << bits : 0;
      const carry = bits > 0 && from - 1 >= 0 ? this.seen[from - 1] >>> (32 - bits) : 0;
      this.seen[i] = high | carry;
    }
  }
}

/**
 * The counter a frame says it was sent under (check it with a
 * `ReplayWindow` only once the frame decrypted: a forged counter fails the
 * tag first).
 * @param {Bytes} data
 */
export function counterOf(data) {
  return new DataView(data.buffer, data.byteOffset + data.length - TRAILER_BYTES, 4).getUint32(0);
}

/**
 * One block of a RED payload (RFC 2198): an earlier frame sent again
 * (`offset` its RTP timestamp's distance behind the packet's), or the
 * primary (the last, offset 0).
 * @typedef {{pt: number, offset: number, data: Bytes}} RedBlock
 */

/** A redundant block's length has 10 bits. */
const MAX_RED_BLOCK = 1023;

/**
 * The blocks of a RED payload, oldest first, or null if it is not one.
 * Chromium hands the transform its microphone's frames wrapped so: the
 * headers stay in the clear, and each block is encrypted on its own, so
 * that the server can still send a subscriber without RED the primary
 * alone (`red.rs`).
 * @param {Bytes} data
 * @returns {RedBlock[] | null}
 */
export function parseRed(data) {
  /** @type {{pt: number, offset: number, length: number}[]} */
  const headers = [];
  let at = 0;
  while (at < data.length && (data[at] & 0x80) !== 0) {
    if (at + 4 > data.length) return null;
    headers.push({ pt: data[at] & 0x7f, offset: (data[at + 1] << 6) | (data[at + 2] >> 2), length: ((data[at + 2] & 0x03) << 8) | data[at + 3] });
    at += 4;
  }
  if (at >= data.length) return null;
  const primaryPt = data[at] & 0x7f;
  at += 1;
  /** @type {RedBlock[]} */
  const blocks = [];
  for (const header of headers) {
    if (at + header.length > data.length) return null;
    blocks.push({ pt: header.pt, offset: header.offset, data: data.slice(at, at + header.length) });
    at += header.length;
  }
  blocks.push({ pt: primaryPt, offset: 0, data: data.slice(at) });
  return blocks;
}

/**
 * A RED payload of these blocks (the primary last); redundant blocks too
 * long for their 10-bit length are left out.
 * @param {RedBlock[]} blocks
 * @returns {Bytes}
 */
export function buildRed(blocks) {
  const kept = [...blocks.slice(0, -1).filter((b) => b.data.length <= MAX_RED_BLOCK), blocks[blocks.length - 1]];
  const size = kept.reduce((sum, b, i) => sum + b.data.length + (i < kept.length - 1 ? 4 : 1), 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const block of kept.slice(0, -1)) {
    out[at] = 0x80 | block.pt;
    out[at + 1] = (block.offset >> 6) & 0xff;
    out[at + 2] = ((block.offset & 0x3f) << 2) | (block.data.length >> 8);
    out[at + 3] = block.data.length & 0xff;
    at += 4;
  }
  out[at] = kept[kept.length - 1].pt;
  at += 1;
  for (const block of kept) {
    out.set(block.data, at);
    at += block.data.length;
  }
  return out;
}

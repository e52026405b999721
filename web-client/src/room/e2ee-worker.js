// The worker that encrypts every frame this page sends and decrypts every
// frame it receives, off the page's main thread (`e2ee.js` starts it and
// tells it the keys; `e2ee-frame.js` is the frame format). It gets the
// frames from the browser's encoded transforms: `RTCRtpScriptTransform`
// (an `rtctransform` event here), or, where only that exists, the streams
// of `createEncodedStreams()` posted to it.
//
// For whoever diagnoses a call, and the browser tests that compare what the
// server forwards with what this page's encoder made, it keeps copies of
// the first few frames it is sent when asked to (`sample`): they stay in
// this page, and are handed only to the page itself. It also says whether
// a frame given to it (`try`) would decrypt with the keys it holds: what
// someone who kept this page's keys could read of frames captured later.
//
// A frame it cannot decrypt (a key it was never given: someone removed
// keeps their old keys but is sent no new one) is dropped, never passed on
// as it came: the decoder sees nothing rather than noise. The microphone's
// frames come wrapped in RED (a packet carries the frame and the two before
// it again): each block is encrypted on its own, and a block sent again is
// the same ciphertext its frame had the first time. So is a frame it
// has decrypted before, or one far older than the newest of its key
// (`ReplayWindow`): the server cannot play someone's words twice.

import {
  ReplayWindow, buildRed, counterOf, decryptFrame, encryptFrame, frameKey, keyIdOf, parseRed,
} from './e2ee-frame.js';

/** @typedef {import('./e2ee-frame.js').FrameKey} FrameKey */
/** @typedef {import('./e2ee-frame.js').MediaKind} MediaKind */
/** @typedef {{operation: 'encrypt' | 'decrypt', kind: MediaKind}} Options */
/**
 * What the page tells the worker. `send-key`: encrypt with this key from now
 * on. `receive-key`: a sender's key, kept with the last few. `mode`:
 * encrypt and decrypt, or pass frames as they are (encryption off).
 * @typedef {{type: 'send-key', id: number, raw: Uint8Array<ArrayBuffer>, salt: Uint8Array<ArrayBuffer>}
 *   | {type: 'receive-key', id: number, raw: Uint8Array<ArrayBuffer>, salt: Uint8Array<ArrayBuffer>}
 *   | {type: 'mode', on: boolean}
 *   | {type: 'sample', frames: number}
 *   | {type: 'samples'}
 *   | {type: 'try', id: number, kind: MediaKind, data: Uint8Array<ArrayBuffer>}
 *   | {type: 'streams', options: Options, readable: ReadableStream, writable: WritableStream}} Command
 */

/** Keys kept for receiving: a few for each of 50 people through a few changes. */
const MAX_RECEIVE_KEYS = 256;
const STATS_EVERY_MS = 1000;
/** Copies kept of the frames sent, at most, of each kind. */
const MAX_SAMPLES = 64;

/** @type {{key: FrameKey, counter: number} | null} */
let sending = null;
/** @type {Map<number, {key: FrameKey, window: ReplayWindow}>} oldest first */
const receiving = new Map();
let on = true;
/** The microphone's frames as they were first encrypted, by RTP timestamp, for the RED blocks that send them again. @type {Map<number, Uint8Array<ArrayBuffer>>} */
const sentAudio = new Map();
const SENT_AUDIO_KEPT = 16;

/** Copies of frames as the encoder made them, while asked for. @type {{wanted: number, audio: Uint8Array[], video: Uint8Array[]}} */
const samples = { wanted: 0, audio: [], video: [] };
/** What the page shows whoever diagnoses a call (and the browser tests read). */
const stats = { encrypted: 0, decrypted: 0, undecryptable: 0, unknownKey: 0, replayed: 0, dropped: 0 };

const scope = /** @type {any} */ (self);

scope.onmessage = async (/** @type {MessageEvent<Command>} */ { data }) => {
  switch (data.type) {
    case 'send-key':
      sending = { key: await frameKey(data.id, data.raw, data.salt), counter: 0 };
      break;
    case 'receive-key':
      receiving.set(data.id, { key: await frameKey(data.id, data.raw, data.salt), window: new ReplayWindow() });
      while (receiving.size > MAX_RECEIVE_KEYS) receiving.delete(/** @type {number} */ (receiving.keys().next().value));
      break;
    case 'mode': on = data.on; break;
    case 'sample':
      Object.assign(samples, { wanted: Math.min(data.frames, MAX_SAMPLES), audio: [], video: [] });
      break;
    case 'samples': scope.postMessage({ type: 'samples', audio: samples.audio, video: samples.video }); break;
    case 'try': scope.postMessage({ type: 'tried', id: data.id, result: await attempt(data.kind, data.data) }); break;
    case 'streams': pipe(data.options, data.readable, data.writable); break;
    default: break;
  }
};

// RTCRtpScriptTransform: the options are the ones the page made it with.
scope.onrtctransform = (/** @type {any} */ event) => {
  const transformer = event.transformer;
  pipe(transformer.options, transformer.readable, transformer.writable);
};

setInterval(() => scope.postMessage({ type: 'stats', stats }), STATS_EVERY_MS);

/**
 * @param {Options} options
 * @param {ReadableStream} readable
 * @param {WritableStream} writable
 */
function pipe({ operation, kind }, readable, writable) {
  const transform = operation === 'encrypt' ? encrypt : decrypt;
  readable
    .pipeThrough(new TransformStream({ transform: (frame, controller) => transform(kind, frame, controller) }))
    .pipeTo(writable)
    .catch((/** @type {unknown} */ error) => console.warn('an encoded transform stopped', error));
}

/**
 * @param {MediaKind} kind
 * @param {any} frame an RTCEncodedAudioFrame or RTCEncodedVideoFrame
 * @param {TransformStreamDefaultController} controller
 */
async function encrypt(kind, frame, controller) {
  const kept = samples[kind];
  if (kept.length < samples.wanted && frame.data.byteLength > 0) kept.push(new Uint8Array(frame.data.slice(0)));
  if (!on) {
    controller.enqueue(frame);
    return;
  }
  // No key yet: nothing leaves in the clear.
  if (!sending || frame.data.byteLength === 0) {
    stats.dropped += 1;
    return;
  }
  const data = new Uint8Array(frame.data);
  const meta = kind === 'audio' ? frame.getMetadata() : null;
  if (meta?.mimeType?.toLowerCase() === 'audio/red') {
    const blocks = parseRed(data);
    if (!blocks) {
      stats.dropped += 1;
      return;
    }
    const sealed = [];
    for (const block of blocks) {
      const at = (meta.rtpTimestamp - block.offset) >>> 0;
      let encrypted = block.offset > 0 ? sentAudio.get(at) : undefined;
      if (!encrypted) {
        encrypted = await encryptWithCounter(kind, block.data);
        sentAudio.set(at, encrypted);
        while (sentAudio.size > SENT_AUDIO_KEPT) sentAudio.delete(/** @type {number} */ (sentAudio.keys().next().value));
      }
      sealed.push({ ...block, data: encrypted });
    }
    frame.data = buildRed(sealed).buffer;
  } else {
    frame.data = (await encryptWithCounter(kind, data)).buffer;
  }
  stats.encrypted += 1;
  controller.enqueue(frame);
}

/**
 * One frame (or RED block) under the key in use, with the next counter.
 * @param {MediaKind} kind
 * @param {Uint8Array<ArrayBuffer>} data
 */
function encryptWithCounter(kind, data) {
  const { key } = /** @type {{key: FrameKey, counter: number}} */ (sending);
  const counter = /** @type {{counter: number}} */ (sending).counter;
  /** @type {{counter: number}} */ (sending).counter = (counter + 1) >>> 0;
  return encryptFrame(kind, data, key, counter);
}

/**
 * @param {MediaKind} kind
 * @param {any} frame
 * @param {TransformStreamDefaultController} controller
 */
async function decrypt(kind, frame, controller) {
  if (!on) {
    controller.enqueue(frame);
    return;
  }
  const data = new Uint8Array(frame.data);
  const red = kind === 'audio' && frame.getMetadata().mimeType?.toLowerCase() === 'audio/red';
  const blocks = red ? parseRed(data) : [{ pt: 0, offset: 0, data }];
  if (!blocks) {
    stats.undecryptable += 1;
    return;
  }
  const opened = [];
  for (const [i, block] of blocks.entries()) {
    const primary = i === blocks.length - 1;
    const result = await open(kind, block.data, primary);
    if (typeof result === 'string') {
      // A redundant block that does not open is left out; the primary is the frame.
      if (!primary) continue;
      stats[result] += 1;
      return;
    }
    opened.push({ ...block, data: result });
  }
  frame.data = red ? buildRed(opened).buffer : opened[0].data.buffer;
  stats.decrypted += 1;
  controller.enqueue(frame);
}

/**
 * A frame (or RED block) decrypted, or why not. Only a primary counts
 * against the replay window: a RED block sends an earlier frame again on
 * purpose.
 * @param {MediaKind} kind
 * @param {Uint8Array<ArrayBuffer>} data
 * @param {boolean} primary
 * @returns {Promise<Uint8Array<ArrayBuffer> | 'unknownKey' | 'undecryptable' | 'replayed'>}
 */
async function open(kind, data, primary) {
  const id = keyIdOf(kind, data);
  const held = id === null ? undefined : receiving.get(id);
  if (!held) return 'unknownKey';
  let plain;
  try {
    plain = await decryptFrame(kind, data, held.key);
  } catch {
    return 'undecryptable';
  }
  if (primary && !held.window.take(counterOf(data))) return 'replayed';
  return plain;
}

/**
 * Whether a frame decrypts with a key this worker holds.
 * @param {MediaKind} kind
 * @param {Uint8Array<ArrayBuffer>} data
 * @returns {Promise<'decrypted' | 'unknown-key' | 'failed'>}
 */
async function attempt(kind, data) {
  const plain = await tryFrame(kind, data);
  if (plain === 'decrypted' || kind !== 'audio') return plain;
  // A captured microphone packet may be RED: then its primary is the frame.
  const blocks = parseRed(data);
  return blocks ? tryFrame(kind, blocks[blocks.length - 1].data) : plain;
}

/**
 * @param {MediaKind} kind
 * @param {Uint8Array<ArrayBuffer>} data
 * @returns {Promise<'decrypted' | 'unknown-key' | 'failed'>}
 */
async function tryFrame(kind, data) {
  const id = keyIdOf(kind, data);
  const held = id === null ? undefined : receiving.get(id);
  if (!held) return 'unknown-key';
  try {
    await decryptFrame(kind, data, held.key);
    return 'decrypted';
  } catch {
    return 'failed';
  }
}

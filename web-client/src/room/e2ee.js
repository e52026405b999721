// End-to-end encrypted media, this page's side (docs/security.md): it
// makes the page's key pair and publishes the public key, makes this
// page's media keys and sends each, sealed, to everyone in the room, opens
// the keys sealed for this page, and tells the frame worker
// (`e2ee-worker.js`) which keys to use. The media session (`media.js`)
// asks it to protect each sender and receiver, and waits for it before
// offering. No DOM: the people panel shows the safety code
// (`safety-code.js`).
//
// When the people in the room change (someone enters, leaves, is removed,
// or publishes a new key), a new media key is made and sent to those in the
// room now; it is used a second later, once they have it, and the previous
// one is never sent to anyone again. So someone who left cannot read what
// follows, and someone new cannot read what came before. Someone whose
// connection dropped is sent nothing while it is down (the server has no
// way to them), so their coming back counts as a change too: they get the
// key in use then.

import { keyHolders } from './selectors.js';
import { makeKeyPair, makeMediaKey, openFrom, sealFor } from './e2ee-keys.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */
/** @typedef {import('./e2ee-keys.js').MediaKey} MediaKey */
/** @typedef {'script' | 'streams'} TransformApi */
/** @typedef {{encrypted: number, decrypted: number, undecryptable: number, unknownKey: number, replayed: number, dropped: number}} FrameStats */

/** Changes that come together (a group let in at once) make one new key. */
const GATHER_MS = 300;
/** Time for a new key to reach everyone before frames use it. */
export const SWITCH_AFTER_MS = 1000;

/**
 * Which encoded-transform API this browser has, if any.
 * @returns {TransformApi | null}
 */
export function transformApi() {
  if (typeof Worker === 'undefined' || typeof crypto?.subtle === 'undefined') return null;
  if ('RTCRtpScriptTransform' in globalThis) return 'script';
  if (typeof RTCRtpSender !== 'undefined' && 'createEncodedStreams' in RTCRtpSender.prototype) return 'streams';
  return null;
}

export class E2eeSession {
  /** @param {RoomModel} room */
  constructor(room) {
    this.room = room;
    this.api = transformApi();
    /** @type {Worker | null} */
    this.worker = null;
    /** @type {Promise<{pair: CryptoKeyPair, publicKey: string}> | null} */
    this.keyPair = null;
    /** The public key the server has for this person, once it said yes. @type {Promise<void> | null} */
    this.publishing = null;
    /** For whom (ids and keys) the newest media key was made. */
    this.madeFor = '';
    /** @type {MediaKey | null} the newest key; frames use it from SWITCH_AFTER_MS after it was sent */
    this.newest = null;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.gathering = null;
    /** Senders and receivers whose frames already go through the worker. @type {WeakSet<object>} */
    this.protected = new WeakSet();
    /** The worker's counts, once a second: for whoever diagnoses a call, and the tests. @type {FrameStats | null} */
    this.stats = null;
    /** Keys received and opened, and ones that would not open. */
    this.keys = { opened: 0, refused: 0 };
    /** @type {((samples: {audio: Uint8Array[], video: Uint8Array[]}) => void) | null} */
    this.sampled = null;
    /** Answers awaited from `tryDecrypt`, by request. @type {Map<number, (result: string) => void>} */
    this.tries = new Map();
    room.subscribe((change) => this.follow(change));
    room.connection.on('media_key', ({ from, key }) => void this.received(from, key));
  }

  /** The session may encrypt: not off, and this browser can. */
  get enabled() {
    return this.room.state.e2ee.policy !== 'off' && this.api !== null;
  }

  /**
   * This room's media is, or must be, encrypted, and this browser cannot:
   * the server would take no media from it, and it could read none.
   */
  get refused() {
    const { policy, on } = this.room.state.e2ee;
    return (policy === 'required' || on) && this.api === null;
  }

  /**
   * What the peer connection needs to be made with (the older API must be asked for up front).
   * @returns {RTCConfiguration}
   */
  connectionSettings() {
    return /** @type {RTCConfiguration} */ (this.enabled && this.api === 'streams' ? { encodedInsertableStreams: true } : {});
  }

  /**
   * Before the page offers media: its public key is published, so the
   * server takes the offer where encryption is on.
   */
  async ready() {
    if (!this.enabled) return;
    this.start();
    await this.publish();
  }

  /**
   * Frames sent or received through `target` go through the worker.
   * @param {RTCRtpSender | RTCRtpReceiver} target
   * @param {'encrypt' | 'decrypt'} operation
   * @param {'audio' | 'video'} kind
   */
  protect(target, operation, kind) {
    if (!this.enabled || this.protected.has(target)) return;
    const worker = this.start();
    const options = { operation, kind };
    this.protected.add(target);
    if (this.api === 'script') {
      target.transform = new RTCRtpScriptTransform(worker, options);
      return;
    }
    const { readable, writable } = /** @type {any} */ (target).createEncodedStreams();
    worker.postMessage({ type: 'streams', options, readable, writable }, [readable, writable]);
  }

  /** The worker and the key pair, made once for the page. */
  start() {
    if (!this.worker) {
      this.worker = new Worker(new URL('./e2ee-worker.js', import.meta.url), { type: 'module' });
      this.worker.addEventListener('message', ({ data }) => {
        if (data?.type === 'stats') this.stats = data.stats;
        if (data?.type === 'samples') this.sampled?.(data);
        if (data?.type === 'tried') this.tries.get(data.id)?.(data.result);
      });
      this.worker.postMessage({ type: 'mode', on: this.room.state.e2ee.on });
    }
    this.keyPair ??= makeKeyPair();
    return this.worker;
  }

  /** Publishes this page's public key, unless the server has it already. */
  publish() {
    const { state } = this.room;
    const keyPair = this.keyPair;
    if (!keyPair || state.me.id === null) return Promise.resolve();
    this.publishing ??= keyPair
      .then(({ publicKey }) => {
        if (this.room.state.people.get(this.room.state.me.id ?? -1)?.e2ee_key === publicKey) return;
        return this.room.connection.request({ type: 'set_e2ee_key', public_key: publicKey });
      })
      .then(() => undefined)
      .finally(() => { this.publishing = null; });
    return this.publishing;
  }

  /** @param {Change} change */
  follow({ state, before, message }) {
    if (!this.enabled) return;
    if (state.e2ee.on !== before.e2ee.on) this.worker?.postMessage({ type: 'mode', on: state.e2ee.on });
    // A fresh place (a join after leaving) needs the key published again.
    if (message.type === 'room_state' && this.keyPair) this.publish().catch((error) => console.warn('the public key was not published', error));
    if (state.people !== before.people || state.me.id !== before.me.id) this.gather();
  }

  /** A new media key once the people holding keys settle. */
  gather() {
    if (this.gathering) clearTimeout(this.gathering);
    this.gathering = setTimeout(() => {
      this.gathering = null;
      void this.rekey();
    }, GATHER_MS);
  }

  /** A new media key for the people in the room now, if they changed. */
  async rekey() {
    const { state } = this.room;
    const myId = state.me.id;
    // Those the server can pass a key to now.
    const holders = keyHolders(state).filter((h) => state.people.get(h.id)?.connected);
    const mine = await this.keyPair;
    if (!mine || myId === null || !holders.some((h) => h.id === myId && h.publicKey === mine.publicKey)) return;
    const madeFor = holders.map((h) => `${h.id}:${h.publicKey}`).join(' ');
    if (madeFor === this.madeFor) return;
    this.madeFor = madeFor;
    const key = makeMediaKey();
    const first = this.newest === null;
    this.newest = key;
    const me = { ...mine, id: myId };
    const others = holders.filter((h) => h.id !== myId);
    const keys = await Promise.all(others.map(async (them) => ({ to: them.id, key: await sealFor(me, them, key) })));
    if (this.newest !== key) return; // a newer change overtook this one
    if (keys.length > 0) {
      const sent = await this.room.connection.request({ type: 'send_media_keys', keys }).then(() => true, (error) => {
        console.warn('media keys not sent', error);
        return false;
      });
      if (!sent) {
        // Not in use until the others have it: made again in a moment.
        if (this.newest === key) this.madeFor = '';
        setTimeout(() => this.gather(), SWITCH_AFTER_MS);
        return;
      }
    }
    // The first key has no older one to stand in for it meanwhile.
    const use = () => { if (this.newest === key) this.worker?.postMessage({ type: 'send-key', ...key }); };
    if (first) use();
    else setTimeout(use, SWITCH_AFTER_MS);
  }

  /**
   * A sender's media key, sealed for this page.
   * @param {number} from
   * @param {string} sealed
   */
  async received(from, sealed) {
    const mine = await this.keyPair;
    const { state } = this.room;
    const theirs = state.people.get(from)?.e2ee_key;
    if (!mine || !theirs || state.me.id === null) return;
    try {
      const key = await openFrom({ ...mine, id: state.me.id }, { id: from, publicKey: theirs }, sealed);
      this.worker?.postMessage({ type: 'receive-key', ...key });
      this.keys.opened += 1;
    } catch (error) {
      this.keys.refused += 1;
      console.warn('a media key that does not open', error);
    }
  }

  /**
   * Keeps copies of the next `frames` frames of each kind this page sends,
   * as its encoder made them: for whoever diagnoses a call, and the browser
   * tests that look for them in what the server forwards.
   * @param {number} frames
   */
  sample(frames) {
    this.worker?.postMessage({ type: 'sample', frames });
  }

  /**
   * The copies `sample` kept so far.
   * @returns {Promise<{audio: Uint8Array[], video: Uint8Array[]}>}
   */
  samples() {
    return new Promise((done) => {
      this.sampled = (samples) => {
        this.sampled = null;
        done(samples);
      };
      this.worker?.postMessage({ type: 'samples' });
    });
  }

  /**
   * Whether a frame (captured from what the server forwarded, say) would
   * decrypt with the keys this page holds: `decrypted`, `unknown-key` or
   * `failed`. For the browser tests of someone removed.
   * @param {'audio' | 'video'} kind
   * @param {Uint8Array<ArrayBuffer>} data
   * @returns {Promise<string>}
   */
  tryDecrypt(kind, data) {
    const id = this.tries.size + Math.random();
    return new Promise((done) => {
      this.tries.set(id, (result) => {
        this.tries.delete(id);
        done(result);
      });
      this.worker?.postMessage({ type: 'try', id, kind, data });
    });
  }
}

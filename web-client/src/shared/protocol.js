// The connection to a PeerRoom server and its messages. It knows nothing of
// the page and keeps no room state: the room model (`room/model.js`) is the
// one listener to the room's events, and the media session to its own
// signalling; views send their requests through `request(message)`, typed by
// the wire's generated `ClientMessage` (no method per message: a message
// added on the server needs nothing here).
//
// What it takes care of so the rest does not have to:
// - the handshake (`hello`) and getting in (`join`, or `resume` after a drop);
// - request ids, and a Promise per request settled by its `ack`, its typed
//   reply or its `error`;
// - reconnecting after an unexpected close, with the resume token, for up to
//   RETRY_FOR_MS; after that, or on a close that means "do not come back"
//   (left, removed, declined, session ended), a final `closed` event;
// - the browser's word that the network went (`networkLost`: a socket over a
//   network that is gone may never close by itself, and its closing handshake
//   cannot complete) and came back (`networkBack`: the next try goes now).

import { Emitter } from './events.js';

/** @typedef {import('./messages.js').ClientMessage} ClientMessage */
/** @typedef {import('./messages.js').ServerMessage} ServerMessage */
/** @typedef {import('./messages.js').RoomEvent} RoomEvent */
/** @typedef {import('./messages.js').ErrorCode} ErrorCode */
/** @typedef {import('./messages.js').JoinedMessage} JoinedMessage */
/** @typedef {Exclude<ServerMessage, import('./messages.js').ErrorMessage>} Reply */

export const PROTOCOL_VERSION = 1;

/** Long enough for a slow room, short enough that a lost reply is noticed. */
const REQUEST_TIMEOUT_MS = 15_000;
/** The server keeps a dropped place for 30 s by default: no use trying longer. */
const RETRY_FOR_MS = 30_000;
const MAX_BACKOFF_MS = 5_000;
/**
 * Nodes a connection follows `room_elsewhere` to in a row: a room is placed
 * once, so one hop is the rule and a second means it just moved.
 */
const MAX_HOPS = 3;

/**
 * Close codes after which coming back would be wrong: the person left, was
 * removed or declined, the session ended, or another tab took this place
 * over (4003) and fighting it would loop forever. Every other close (1012
 * restarting, 4006 timed out, 1008, a network drop) is worth a retry.
 */
const FINAL_CLOSE_CODES = new Set([1000, 4001, 4002, 4003, 4004]);

/** Errors that no retry can fix. */
const FINAL_ERRORS = new Set([
  'invalid_token', 'token_expired', 'token_revoked', 'session_ended', 'session_cancelled', 'not_open_yet', 'room_locked',
  'room_full', 'waiting_room_full', 'removed', 'declined', 'unsupported_version', 'invalid_input',
]);

/** A refusal from the server, or a request that got no answer. */
export class ProtocolError extends Error {
  /**
   * @param {ErrorCode} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
  }
}

/**
 * What the browser says about itself when it joins. The device key lets a
 * facilitator's "remove" keep someone out even though everyone shares the
 * same participant link.
 * @typedef {object} Credentials
 * @property {string} token the invitation token from the link's fragment
 * @property {string} name the display name; a pseudonym is fine
 * @property {string} device this browser's random key
 */

/**
 * @typedef {object} Pending
 * @property {(reply: Reply) => void} resolve
 * @property {(error: ProtocolError) => void} reject
 * @property {ReturnType<typeof setTimeout>} timer
 */

/**
 * This browser's device key: random, kept in `storage` so it survives
 * reloads. 32 hex characters, within the server's 16 to 128 `[A-Za-z0-9_-]`.
 * @param {Storage | null} storage
 * @returns {string}
 */
export function deviceKey(storage) {
  const KEY = 'peer-room.device';
  try {
    const stored = storage?.getItem(KEY);
    if (stored && /^[A-Za-z0-9_-]{16,128}$/.test(stored)) return stored;
    const fresh = crypto.randomUUID().replaceAll('-', '');
    storage?.setItem(KEY, fresh);
    return fresh;
  } catch {
    // Storage can be disabled (private modes, policies): a key for this page
    // still works, it just will not outlive it.
    return crypto.randomUUID().replaceAll('-', '');
  }
}

/** @extends {Emitter<RoomEvent>} */
export class RoomConnection extends Emitter {
  /** @param {string | URL} url the WebSocket endpoint, `ws(s)://host/ws` */
  constructor(url) {
    super();
    /** Where every connection starts: the page's own server. */
    this.home = String(url);
    /** Where this one goes: the node that runs the room, once one said so. */
    this.url = this.home;
    /** @type {WebSocket | null} */
    this.socket = null;
    this.nextId = 1;
    /** @type {Map<number, Pending>} */
    this.pending = new Map();
    /** @type {Credentials | null} */
    this.credentials = null;
    /** @type {string | null} */
    this.resumeToken = null;
    /** True while a handshake is under way: a close then fails it, nothing more. */
    this.entering = false;
    /** True once this connection will not reconnect again. */
    this.finished = false;
    /** Ends the pause before the next reconnection try, while one is waited out. @type {(() => void) | null} */
    this.wake = null;
  }

  /**
   * The browser says the network is gone (its `offline` event). An open
   * socket is given up at once, as a drop, so the page says it is
   * reconnecting now rather than when the socket times out. A handshake
   * under way is left to fail by itself; before a place is held there is
   * nothing to reconnect to.
   */
  networkLost() {
    const socket = this.socket;
    if (!socket || this.entering || this.finished || !this.resumeToken) return;
    this.socket = null;
    socket.close();
    this.closed(1006, 'the network went away');
  }

  /** The browser says the network is back (its `online` event): the next try goes now. */
  networkBack() {
    this.wake?.();
  }

  /**
   * Connects and takes a place in the room. With a resume token from an
   * earlier page load, tries to get that place back first, and joins afresh
   * if it is gone (unless `onlyResume`: one tap on Rejoin means that place
   * or nothing). Resolves with the `joined` message, which listeners also
   * receive; rejects with a ProtocolError (e.g. `invalid_token`,
   * `room_locked`, `resume_failed`).
   * @param {Credentials} credentials
   * @param {string | null} [resumeToken]
   * @param {{onlyResume?: boolean}} [options]
   * @returns {Promise<JoinedMessage>}
   */
  async join(credentials, resumeToken = null, { onlyResume = false } = {}) {
    this.credentials = credentials;
    this.finished = false;
    try {
      return (await this.enter(resumeToken, onlyResume)).joined;
    } catch (error) {
      this.finished = true;
      this.drop();
      throw error;
    }
  }

  /**
   * Opens a socket, greets, then resumes or joins.
   * @param {string | null} resumeToken
   * @param {boolean} [onlyResume] a place that is gone fails rather than joining afresh
   * @returns {Promise<{joined: JoinedMessage, resumed: boolean}>}
   */
  async enter(resumeToken, onlyResume = false) {
    const credentials = this.credentials;
    if (!credentials) throw new ProtocolError('not_joined', 'join first');
    this.entering = true;
    try {
      // Each (re)connection starts at the page's server: a node that went
      // away is not tried again, and the room's node is one hop on.
      this.url = this.home;
      for (let hop = 0; ; hop += 1) {
        const entered = await this.enterHere(credentials, resumeToken, onlyResume);
        if ('joined' in entered) return entered;
        if (hop >= MAX_HOPS) throw new ProtocolError('unavailable', 'the room could not be reached; try again');
        this.drop();
        this.url = entered.elsewhere;
      }
    } finally {
      this.entering = false;
    }
  }

  /**
   * Greets the server at `this.url`, then resumes or joins there; or learns
   * that the room runs on another node (`room_elsewhere`).
   * @param {Credentials} credentials
   * @param {string | null} resumeToken
   * @param {boolean} onlyResume
   * @returns {Promise<{joined: JoinedMessage, resumed: boolean} | {elsewhere: string}>}
   */
  async enterHere(credentials, resumeToken, onlyResume) {
    await this.open();
    const welcome = expect(await this.request({ type: 'hello', version: PROTOCOL_VERSION }), 'welcome');
    // The deployment's crisis resources, for the page to show.
    this.emit(welcome);
    if (resumeToken) {
      try {
        const reply = await this.request({ type: 'resume', resume_token: resumeToken });
        if (reply.type === 'room_elsewhere') return { elsewhere: reply.ws_url };
        const joined = expect(reply, 'joined');
        this.resumeToken = joined.resume_token;
        return { joined, resumed: true };
      } catch (error) {
        // The place is gone (grace over, server restarted): join afresh.
        if (onlyResume || !(error instanceof ProtocolError && error.code === 'resume_failed')) throw error;
      }
    }
    const { token, name, device } = credentials;
    const reply = await this.request({ type: 'join', token, name, device });
    if (reply.type === 'room_elsewhere') return { elsewhere: reply.ws_url };
    const joined = expect(reply, 'joined');
    this.resumeToken = joined.resume_token;
    return { joined, resumed: false };
  }

  /** @returns {Promise<void>} */
  open() {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.url);
      this.socket = socket;
      let opened = false;
      socket.addEventListener('open', () => {
        opened = true;
        resolve();
      });
      socket.addEventListener('message', (event) => {
        if (socket === this.socket && typeof event.data === 'string') this.receive(event.data);
      });
      socket.addEventListener('close', (event) => {
        if (!opened) reject(new ProtocolError('disconnected', 'could not reach the server'));
        if (socket === this.socket) this.closed(event.code, event.reason);
      });
    });
  }

  /** Closes the socket without treating its close as news: the caller already knows. */
  drop() {
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000);
  }

  /** @param {string} text */
  receive(text) {
    /** @type {ServerMessage} */
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return; // The server only sends JSON; anything else is noise.
    }
    if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return;
    // `pulse` carries an `id` of its own (the check's number) and is never a
    // reply: taken for one, it would settle whichever request had that id.
    const id = message.type !== 'pulse' && 'id' in message ? message.id : undefined;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (id !== undefined && pending) {
      this.pending.delete(id);
      clearTimeout(pending.timer);
      if (message.type === 'error') {
        pending.reject(new ProtocolError(message.code, message.message));
      } else {
        pending.resolve(message);
      }
      // Plain acks, errors and the way to the room's node concern only the
      // asker; typed replies (joined, room_state) are news for the UI as well.
      if (message.type === 'ack' || message.type === 'error' || message.type === 'room_elsewhere') return;
    }
    this.emit(message);
  }

  /**
   * @param {number} code
   * @param {string} reason
   */
  closed(code, reason) {
    this.socket = null;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new ProtocolError('disconnected', 'the connection closed before the server answered'));
      this.pending.delete(id);
    }
    if (this.entering) return; // enter() fails and its caller decides.
    if (this.finished || FINAL_CLOSE_CODES.has(code) || !this.resumeToken) {
      this.finish(code, reason);
    } else {
      void this.reconnect(code, reason);
    }
  }

  /**
   * @param {number} code
   * @param {string} reason
   * @param {ErrorCode} [error]
   */
  finish(code, reason, error) {
    this.finished = true;
    this.emit(error ? { type: 'connection', state: 'closed', code, reason, error }
      : { type: 'connection', state: 'closed', code, reason });
  }

  /**
   * Tries to get the same place back, with growing pauses, until it works,
   * the server says it never will, or RETRY_FOR_MS has passed.
   * @param {number} code the close code that started this
   * @param {string} reason
   */
  async reconnect(code, reason) {
    const giveUpAt = Date.now() + RETRY_FOR_MS;
    for (let attempt = 1; !this.finished; attempt += 1) {
      this.emit({ type: 'connection', state: 'reconnecting', attempt });
      // Jitter spreads a whole room's reconnects after a server restart.
      const pause = Math.min(MAX_BACKOFF_MS, 250 * 2 ** attempt) * (0.75 + Math.random() / 2);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, Math.min(pause, Math.max(0, giveUpAt - Date.now())));
        this.wake = () => {
          clearTimeout(timer);
          resolve(undefined);
        };
      });
      this.wake = null;
      if (this.finished) return;
      try {
        const { resumed } = await this.enter(this.resumeToken);
        this.emit({ type: 'connection', state: resumed ? 'resumed' : 'rejoined' });
        return;
      } catch (error) {
        this.drop();
        if (error instanceof ProtocolError && FINAL_ERRORS.has(error.code)) {
          return this.finish(code, error.message, error.code);
        }
        if (Date.now() >= giveUpAt) return this.finish(code, reason, 'disconnected');
      }
    }
  }

  /**
   * Sends a request and waits for its answer.
   * @param {ClientMessage} message
   * @returns {Promise<Reply>}
   */
  request(message) {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new ProtocolError('disconnected', 'not connected to the server'));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ProtocolError('timeout', 'the server did not answer in time'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      socket.send(JSON.stringify({ ...message, id }));
    });
  }

  /** Asks for a fresh `room_state`, which listeners receive too. */
  async getState() {
    return expect(await this.request({ type: 'get_state' }), 'room_state');
  }

  /** Leaves for good: the server closes the socket and no retry follows. */
  async leave() {
    this.finished = true;
    try {
      await this.request({ type: 'leave' });
    } finally {
      this.socket?.close(1000);
    }
  }
}

/**
 * Narrows a reply to the type the request promises.
 * @template {Reply['type']} T
 * @param {Reply} reply
 * @param {T} type
 * @returns {Extract<Reply, {type: T}>}
 */
function expect(reply, type) {
  if (reply.type !== type) throw new ProtocolError('internal', `expected ${type}, got ${reply.type}`);
  return /** @type {Extract<Reply, {type: T}>} */ (reply);
}

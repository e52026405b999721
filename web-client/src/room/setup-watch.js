// How long a media connection may take to come up before the page tries
// again with a fresh one. A fresh connection is a new ICE and DTLS session
// on a new server port, so it also gets past a handshake that stalled (an
// ICE restart would redo ICE only). The wait grows with each attempt, so a
// network that is slow rather than broken gets there, and a page never
// hammers the server. The server gives up on its side after 30 s
// (docs/media.md, "When a connection does not come up").

/** The first connection's time to come up. */
export const FIRST_WAIT_MS = 10_000;
/**
 * Once ICE has found a path, what is left is the DTLS handshake: a second
 * or two even with a flight lost (the server sends its last flight again
 * when the page repeats its own, docs/media.md). A handshake not done by
 * then is not waited for any longer: the network lets ICE through and
 * something else not.
 */
export const HANDSHAKE_WAIT_MS = 4_000;
/** Each attempt after the first waits this much longer… */
const MORE_EACH_TIME_MS = 5_000;
/** …up to this. */
const LONGEST_WAIT_MS = 30_000;

/**
 * How long attempt `attempt` (0 for the first connection) may take.
 * @param {number} attempt
 */
export function waitFor(attempt) {
  return Math.min(FIRST_WAIT_MS + attempt * MORE_EACH_TIME_MS, LONGEST_WAIT_MS);
}

/**
 * From this attempt on (0 for the first connection), a page whose
 * deployment has TURN over TCP or TLS goes through it only: two fresh
 * connections did not come up, so the network lets something through
 * (often ICE) and not the rest, and a TCP relay is what such hospital
 * networks let through.
 */
export const RELAY_FROM_ATTEMPT = 2;

/**
 * The peer connection's settings for attempt `attempt`: every STUN and
 * TURN server at first, then TURN over TCP or TLS only, if there is one.
 * @param {import('../shared/wire.js').IceServer[]} iceServers
 * @param {number} attempt
 * @returns {RTCConfiguration}
 */
export function connectionSettings(iceServers, attempt) {
  if (attempt < RELAY_FROM_ATTEMPT) return { iceServers };
  const overTcp = (/** @type {string} */ url) => url.startsWith('turns:') || (url.startsWith('turn:') && /[?&]transport=tcp\b/.test(url));
  const relays = iceServers
    .map((server) => ({ ...server, urls: server.urls.filter(overTcp) }))
    .filter((server) => server.urls.length > 0);
  return relays.length > 0 ? { iceServers: relays, iceTransportPolicy: 'relay' } : { iceServers };
}

/** One timer at a time: armed for each new connection, cleared once it is up. */
export class SetupWatch {
  /** @param {() => void} overdue called when a connection did not come up in time */
  constructor(overdue) {
    this.overdue = overdue;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
    /** When the timer fires (Date.now() terms). */
    this.dueAt = 0;
  }

  /** @param {number} attempt */
  arm(attempt) {
    this.set(waitFor(attempt));
  }

  /** ICE is up: the handshake gets `HANDSHAKE_WAIT_MS` at most from now. */
  pathFound() {
    if (this.timer !== null && this.dueAt - Date.now() > HANDSHAKE_WAIT_MS) this.set(HANDSHAKE_WAIT_MS);
  }

  /** @param {number} ms */
  set(ms) {
    this.clear();
    this.dueAt = Date.now() + ms;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.overdue();
    }, ms);
  }

  clear() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

// How long a media connection may take to come up before the page tries
// again with a fresh one. A fresh connection is a new ICE and DTLS session
// on a new server port, so it also gets past a handshake that stalled (an
// ICE restart would redo ICE only). The wait grows with each attempt, so a
// network that is slow rather than broken gets there, and a page never
// hammers the server. The server gives up on its side after 30 s
// (docs/media.md, "When a connection does not come up").

/** The first connection's time to come up. */
export const FIRST_WAIT_MS = 10_000;
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

/** One timer at a time: armed for each new connection, cleared once it is up. */
export class SetupWatch {
  /** @param {() => void} overdue called when a connection did not come up in time */
  constructor(overdue) {
    this.overdue = overdue;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
  }

  /** @param {number} attempt */
  arm(attempt) {
    this.clear();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.overdue();
    }, waitFor(attempt));
  }

  clear() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

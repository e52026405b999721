// Video held a little longer on a lossy link, and not at all on a clean one.
//
// When a video packet is lost, the page asks for it again (a NACK) and it
// comes back about a round trip later; the frame waiting for it is late,
// and Chromium counts a frame late by more than about 150 ms as a freeze.
// Holding video a round trip longer (`RTCRtpReceiver.jitterBufferTarget`)
// lets most repairs come in time: at 5% loss and 100 ms round trip on every
// link, freezes per minute fell from 3.7-5.3 to 1.3-3.7 and frames per
// second rose from 16 to 18-19 (docs/benchmarks.md, section 7). The price:
// Chromium keeps each person's sound in step with their picture, so the
// sound waits as well (about 60 ms more there). So it is done only while
// this page's own video sees loss, and undone once it has seen none for
// `CALM_MS`.
//
// Every `POLL_MS` the page's stats are read: the video packets received,
// lost and asked for again, and the round trip to the server. The decision
// (`nextPlayout`) is pure, for the unit tests.

/** How often the stats are read. */
export const POLL_MS = 2_000;
/** Video is lossy when this share of its packets was lost or asked for again. */
export const LOSSY = 0.01;
/** Fewer packets than this in a reading say nothing (video paused, say). */
export const ENOUGH_PACKETS = 50;
/** How long without loss before video plays at once again. */
export const CALM_MS = 20_000;
/** The hold: a round trip for the repair, and room for its own jitter. */
export const MIN_TARGET_MS = 150;
export const MAX_TARGET_MS = 300;
const REPAIR_MARGIN_MS = 100;

/**
 * What the page's video went through since the last reading.
 * @typedef {{packets: number, lost: number, nacks: number, rttMs: number | null}} Reading
 */
/**
 * The hold asked of the video receivers (null: the browser's own), and
 * when video last looked lossy.
 * @typedef {{target: number | null, lossyAt: number | null}} Playout
 */

/**
 * The hold for the next while, from the last reading.
 * @param {Reading} reading
 * @param {Playout} before
 * @param {number} now
 * @returns {Playout}
 */
export function nextPlayout(reading, before, now) {
  const counted = reading.packets >= ENOUGH_PACKETS;
  const lossy = counted && (reading.lost + reading.nacks) / reading.packets >= LOSSY;
  if (lossy) {
    const wanted = Math.round((reading.rttMs ?? REPAIR_MARGIN_MS) + REPAIR_MARGIN_MS);
    const target = Math.min(MAX_TARGET_MS, Math.max(MIN_TARGET_MS, wanted, before.target ?? 0));
    return { target, lossyAt: now };
  }
  if (before.lossyAt !== null && now - before.lossyAt >= CALM_MS) return { target: null, lossyAt: null };
  return before;
}

/** @typedef {{pc: RTCPeerConnection, packets: number, lost: number, nacks: number}} Totals */

/** Reads the stats and sets the video receivers' hold, while the connection is up. */
export class PlayoutDelay {
  /** @param {{pc: RTCPeerConnection | null}} media the page's media session */
  constructor(media) {
    this.media = media;
    /** @type {Playout} */
    this.playout = { target: null, lossyAt: null };
    /** @type {Totals | null} */
    this.last = null;
    setInterval(() => void this.poll(), POLL_MS);
  }

  async poll() {
    const pc = this.media.pc;
    if (!pc || pc.connectionState !== 'connected') return;
    const stats = await pc.getStats();
    /** @type {Totals} */
    const totals = { pc, packets: 0, lost: 0, nacks: 0 };
    /** @type {number | null} */
    let rttMs = null;
    stats.forEach((report) => {
      if (report.type === 'inbound-rtp' && report.kind === 'video') {
        totals.packets += report.packetsReceived ?? 0;
        totals.lost += Math.max(0, report.packetsLost ?? 0);
        totals.nacks += report.nackCount ?? 0;
      } else if (report.type === 'candidate-pair' && report.nominated && typeof report.currentRoundTripTime === 'number') {
        rttMs = report.currentRoundTripTime * 1000;
      }
    });
    // A new connection counts from its own start, and so does one whose
    // counts went back (a receiver reused for someone else starts afresh).
    const last = this.last?.pc === pc && totals.packets >= this.last.packets ? this.last : null;
    if (!last) {
      this.last = totals;
      return;
    }
    const since = (/** @type {'packets' | 'lost' | 'nacks'} */ key) => Math.max(0, totals[key] - last[key]);
    const reading = { packets: since('packets'), lost: since('lost'), nacks: since('nacks'), rttMs };
    this.playout = nextPlayout(reading, this.playout, Date.now());
    // A small picture may bring fewer than ENOUGH_PACKETS in one reading:
    // the next reading then counts from the same start, until it says something.
    if (reading.packets >= ENOUGH_PACKETS) this.last = totals;
    for (const receiver of pc.getReceivers()) {
      if (receiver.track.kind === 'video' && receiver.jitterBufferTarget !== this.playout.target) {
        receiver.jitterBufferTarget = this.playout.target;
      }
    }
  }
}

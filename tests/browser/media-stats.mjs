// What a page's own WebRTC statistics say it receives: shared by the media
// test and the whole-story test. The proof that media flows is the browser's
// getStats(), read through `window.peerRoomMedia` (see join.js).

import assert from 'node:assert/strict';

/** Long enough for ICE, DTLS and a first keyframe on a slow machine. */
export const MEDIA_TIMEOUT_MS = 15_000;
const POLL_MS = 250;

/**
 * One inbound RTP stream as the page's getStats() reports it, with the
 * participant it comes from (the `p<id>` stream its track belongs to).
 * @typedef {{kind: string, owner: number | null, framesDecoded: number, packetsReceived: number}} Inbound
 */

/**
 * The inbound streams of the page's peer connection, and its state.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<{state: string, inbound: Inbound[]} | null>}
 */
function inboundStats(page) {
  return page.evaluate(async () => {
    const media = /** @type {any} */ (window).peerRoomMedia;
    /** @type {RTCPeerConnection | null} */
    const pc = media?.pc ?? null;
    if (!pc) return null;
    /** @type {Inbound[]} */
    const inbound = [];
    (await pc.getStats()).forEach((report) => {
      if (report.type !== 'inbound-rtp') return;
      inbound.push({
        kind: report.kind,
        // The track id names the receiver's track; the page knows whose stream it came in.
        owner: media.owners.get(report.trackIdentifier) ?? null,
        framesDecoded: report.framesDecoded ?? 0,
        packetsReceived: report.packetsReceived ?? 0,
      });
    });
    return { state: pc.connectionState, inbound };
  });
}

/**
 * Polls the page's stats until `done` holds; fails with the last stats seen.
 * @param {import('playwright-core').Page} page
 * @param {string} what
 * @param {(inbound: Inbound[]) => boolean} done
 * @param {number} [timeout] ms, for a crowded room on a small machine
 */
export async function waitForStats(page, what, done, timeout = MEDIA_TIMEOUT_MS) {
  const deadline = Date.now() + timeout;
  let last = null;
  for (;;) {
    last = await inboundStats(page);
    if (last && done(last.inbound)) return last.inbound;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeout} ms; last stats ${JSON.stringify(last)}`);
    await page.waitForTimeout(POLL_MS);
  }
}

/**
 * This page's own participant id, from its own tile.
 * @param {import('playwright-core').Page} page
 */
export async function ownId(page) {
  return Number(await page.locator('#tiles li.tile-mine').getAttribute('data-participant'));
}

/**
 * Waits until the page receives the other person's audio and video, decoded,
 * and nobody else's.
 * @param {import('playwright-core').Page} page
 * @param {number} other
 * @param {string} who
 */
export async function receivesFrom(page, other, who) {
  const inbound = await waitForStats(page, `${who} receives the other's audio and video`, (streams) =>
    streams.some((s) => s.kind === 'video' && s.owner === other && s.framesDecoded > 0)
    // Audio by packets: headless Chromium plays no sound, so samples stay at 0.
    && streams.some((s) => s.kind === 'audio' && s.owner === other && s.packetsReceived > 0));
  const owners = new Set(inbound.filter((s) => s.packetsReceived > 0).map((s) => s.owner));
  assert.deepEqual([...owners], [other], `${who} receives media from the other person only`);
  // And the tile shows it: the <video> has a picture.
  await page.locator(`#tiles li[data-participant="${other}"] video`).evaluate((video) =>
    new Promise((done) => {
      const check = () => (video instanceof HTMLVideoElement && video.videoWidth > 0 ? done(true) : setTimeout(check, 100));
      check();
    }));
}


/**
 * The audio a page has received from `owner` so far: samples, those its
 * decoder made up for lost packets, and the sound's energy.
 * @param {import('playwright-core').Page} page
 * @param {number} owner
 * @returns {Promise<{samples: number, concealed: number, energy: number}>}
 */
export function audioFrom(page, owner) {
  return page.evaluate(async (from) => {
    const media = /** @type {any} */ (window).peerRoomMedia;
    let audio = { samples: 0, concealed: 0, energy: 0 };
    (await /** @type {RTCPeerConnection} */ (media.pc).getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'audio' && media.owners.get(r.trackIdentifier) === from) {
        audio = { samples: r.totalSamplesReceived ?? 0, concealed: r.concealedSamples ?? 0, energy: r.totalAudioEnergy ?? 0 };
      }
    });
    return audio;
  }, owner);
}

/**
 * Packets of `kind` received so far from each publisher, by participant id.
 * @param {import('playwright-core').Page} page
 * @param {'audio' | 'video'} kind
 * @returns {Promise<Map<number, number>>}
 */
export async function packetsBy(page, kind) {
  const stats = await inboundStats(page);
  /** @type {Map<number, number>} */
  const packets = new Map();
  for (const s of stats?.inbound ?? []) {
    if (s.kind === kind && s.owner !== null) packets.set(s.owner, (packets.get(s.owner) ?? 0) + s.packetsReceived);
  }
  return packets;
}

/**
 * The video a page has received from `owner` so far: frames decoded, the
 * height of the last one, Chromium's own count of freezes and their time
 * (s), packets lost and received, and the NACKs, keyframe requests and
 * keyframes that went with them.
 * @param {import('playwright-core').Page} page
 * @param {number} owner
 * @returns {Promise<{frames: number, height: number, freezes: number, frozen: number, lost: number, packets: number,
 *   nacks: number, plis: number, keyframes: number}>}
 */
export function videoFrom(page, owner) {
  return page.evaluate(async (from) => {
    const media = /** @type {any} */ (window).peerRoomMedia;
    let video = { frames: 0, height: 0, freezes: 0, frozen: 0, lost: 0, packets: 0, nacks: 0, plis: 0, keyframes: 0 };
    (await /** @type {RTCPeerConnection} */ (media.pc).getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video' && media.owners.get(r.trackIdentifier) === from) {
        video = {
          frames: r.framesDecoded ?? 0, height: r.frameHeight ?? 0, freezes: r.freezeCount ?? 0, frozen: r.totalFreezesDuration ?? 0,
          lost: r.packetsLost ?? 0, packets: r.packetsReceived ?? 0, nacks: r.nackCount ?? 0, plis: r.pliCount ?? 0,
          keyframes: r.keyFramesDecoded ?? 0,
        };
      }
    });
    return video;
  }, owner);
}

/**
 * Waits until `page` decodes new frames of `owner`'s video at a height that
 * passes `fits` (a layer switch starts at the next keyframe); returns it.
 * @param {import('playwright-core').Page} page
 * @param {number} owner
 * @param {(height: number) => boolean} fits
 * @param {string} what
 * @param {number} [timeout] ms
 */
export async function decodesAt(page, owner, fits, what, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let last = await videoFrom(page, owner);
  for (;;) {
    await page.waitForTimeout(POLL_MS * 2);
    const now = await videoFrom(page, owner);
    if (fits(now.height) && now.frames > last.frames) return now.height;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeout} ms; last ${JSON.stringify(now)}`);
    last = now;
  }
}

/**
 * The page's own camera layers, as its sender reports them, by rid: with
 * the SSRC its retransmissions go on (0: none, they go on the layer's own)
 * and how many it has sent.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<{rid: string, framesEncoded: number, frameHeight: number, limited: string, active: boolean, rtxSsrc: number, retransmitted: number}[]>}
 */
export function cameraLayers(page) {
  return page.evaluate(async () => {
    /** @type {RTCRtpSender} */
    const sender = /** @type {any} */ (window).peerRoomMedia.senders.video;
    const active = new Map(sender.getParameters().encodings.map((e) => [e.rid ?? '', e.active]));
    /** @type {{rid: string, framesEncoded: number, frameHeight: number, limited: string, active: boolean, rtxSsrc: number, retransmitted: number}[]} */
    const layers = [];
    (await sender.getStats()).forEach((r) => {
      if (r.type !== 'outbound-rtp') return;
      layers.push({ rid: r.rid ?? '', framesEncoded: r.framesEncoded ?? 0, frameHeight: r.frameHeight ?? 0,
        limited: r.qualityLimitationReason ?? '', active: active.get(r.rid ?? '') ?? false,
        rtxSsrc: r.rtxSsrc ?? 0, retransmitted: r.retransmittedPacketsSent ?? 0 });
    });
    return layers.sort((a, b) => a.rid.localeCompare(b.rid));
  });
}

/**
 * The page's round trip to the server now, in ms, as ICE's consent checks
 * measure it on the pair in use (0 before the first): it includes any wait
 * in a queue on the way.
 * @param {import('playwright-core').Page} page
 */
export function roundTrip(page) {
  return page.evaluate(async () => {
    /** @type {RTCPeerConnection} */
    const pc = /** @type {any} */ (window).peerRoomMedia.pc;
    const stats = await pc.getStats();
    let rtt = 0;
    stats.forEach((r) => {
      if (r.type === 'transport' && r.selectedCandidatePairId) {
        rtt = 1000 * (stats.get(r.selectedCandidatePairId)?.currentRoundTripTime ?? 0);
      }
    });
    return rtt;
  });
}

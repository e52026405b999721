// What the server's media tap (server/src/media/tap.rs, in the build
// `tapBinary()` makes) recorded of the packets it forwarded, and what can be
// made of them: each publisher's VP8 frames put back together from their
// RTP packets, a frame fed to the browser's own VP8 decoder (WebCodecs), and
// whether bytes a page's encoder made appear anywhere in what was forwarded.
// Shared by the end-to-end encryption tests.

import { readFileSync } from 'node:fs';

/**
 * One packet as the tap wrote it.
 * @typedef {{from: number, kind: 'audio' | 'video' | 'screen', layer: number, ssrc: number, pt: number, seq: number,
 *   ts: number, marker: boolean, at: number, payload: Buffer}} Tapped
 */

/**
 * The packets the tap wrote, those from `from` only if given.
 * @param {string} file
 * @param {{from?: number, since?: number}} [which] a publisher; packets forwarded from this time on (ms)
 * @returns {Tapped[]}
 */
export function tapped(file, { from, since = 0 } = {}) {
  return readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '')
    .map((line) => {
      const packet = JSON.parse(line);
      return { ...packet, payload: Buffer.from(packet.payload, 'base64') };
    })
    .filter((p) => (from === undefined || p.from === from) && p.at >= since);
}

/**
 * Where the VP8 payload starts after its descriptor (RFC 7741), or -1.
 * @param {Buffer} payload
 */
function vp8Start(payload) {
  let at = 1;
  if (payload.length < 1) return -1;
  if (payload[0] & 0x80) {
    const extension = payload[1];
    at = 2;
    if (extension & 0x80) at += payload[at] & 0x80 ? 2 : 1;
    if (extension & 0x40) at += 1;
    if (extension & 0x30) at += 1;
  }
  return at <= payload.length ? at : -1;
}

/**
 * A publisher's VP8 frames, whole (every packet from the one that starts it
 * to its marker, in order), from the highest layer they sent.
 * @param {Tapped[]} packets
 * @returns {{keyframe: boolean, data: Buffer}[]}
 */
export function vp8Frames(packets) {
  const video = packets.filter((p) => p.kind === 'video' && p.payload.length > 0);
  const top = Math.max(...video.map((p) => p.layer));
  /** @type {{keyframe: boolean, data: Buffer}[]} */
  const frames = [];
  /** @type {Buffer[] | null} */
  let parts = null;
  let next = -1;
  for (const p of video.filter((v) => v.layer === top).sort((a, b) => a.at - b.at)) {
    const start = vp8Start(p.payload);
    if (start < 0) continue;
    const begins = (p.payload[0] & 0x10) !== 0 && (p.payload[0] & 0x07) === 0;
    if (begins) parts = [];
    else if (parts && p.seq !== next) parts = null; // a packet missing: this frame is not whole
    next = (p.seq + 1) & 0xffff;
    if (!parts) continue;
    parts.push(p.payload.subarray(start));
    if (p.marker) {
      const data = Buffer.concat(parts);
      frames.push({ keyframe: (data[0] & 0x01) === 0, data });
      parts = null;
    }
  }
  return frames;
}

/**
 * Feeds a VP8 keyframe to the page's own decoder (WebCodecs): its size if
 * it decodes, or why not.
 * @param {import('playwright-core').Page} page
 * @param {Buffer} keyframe
 * @returns {Promise<{width: number, height: number} | {error: string}>}
 */
export function decodeVp8(page, keyframe) {
  return page.evaluate(async (base64) => {
    const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    /** @type {{width: number, height: number} | {error: string}} */
    let result = { error: 'no frame came out' };
    const decoder = new VideoDecoder({
      output: (frame) => {
        result = { width: frame.codedWidth, height: frame.codedHeight };
        frame.close();
      },
      error: (error) => { result = { error: String(error) }; },
    });
    try {
      decoder.configure({ codec: 'vp8' });
      decoder.decode(new EncodedVideoChunk({ type: 'key', timestamp: 0, data }));
      await decoder.flush();
    } catch (error) {
      result = { error: String(error) };
    }
    if (decoder.state !== 'closed') decoder.close();
    return result;
  }, keyframe.toString('base64'));
}

/**
 * How many of `frames` (as a page's encoder made them) have a stretch of
 * their content, past the header the server reads, somewhere in `packets`.
 * @param {Uint8Array[]} frames
 * @param {Tapped[]} packets
 * @param {(frame: Uint8Array) => number} clear the header's length
 */
export function framesFoundIn(frames, packets, clear) {
  const WINDOW = 16;
  let found = 0;
  let looked = 0;
  for (const frame of frames) {
    const at = clear(frame);
    if (frame.length < at + WINDOW) continue;
    looked += 1;
    const needle = Buffer.from(frame.subarray(at, at + WINDOW));
    if (packets.some((p) => p.payload.includes(needle))) found += 1;
  }
  return { found, looked };
}

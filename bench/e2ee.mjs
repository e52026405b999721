// What end-to-end encryption costs the browsers: six people in one room
// (a facilitator and five participants, each a page of one headless
// Chromium, on camera and microphone), once in a session with encryption
// off and once where it is required, alternated run by run. After everyone
// decodes everyone and a warm-up, a measured stretch reads:
//
// - frames per second decoded, per video stream received (30 streams), as
//   each page's getStats() counts them: mean and the lowest;
// - the browser's CPU: the user and system time of every Chromium process
//   (from /proc) over the stretch, in CPU-seconds per second (2.0 is both
//   of this machine's cores);
// - with encryption, the frames each page's worker encrypted and decrypted
//   per second, and any that did not decrypt;
// - the server's CPU over the stretch, in CPU-seconds per second: its
//   forwarding must not change.
//
// The cameras are the tests' light clip (320x180 at 15 fps,
// tests/browser/clip.mjs): six encoders and thirty decoders at the fake
// camera's own 640x360 would take both cores without encryption, and a
// saturated machine measures its queue, not the work.
//
// Usage (from the repository root, after `cargo build --release -p peer-room`
// and `npm ci` in web-client/):
//   node bench/e2ee.mjs [--runs 3] [--seconds 30] [--server-bin target/release/peer-room]

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '30' },
    'server-bin': { type: 'string', default: 'target/release/peer-room' },
  },
});
process.env.PEER_ROOM_BIN = options['server-bin'];
process.env.PEER_ROOM_SCREENSHOTS ??= '/tmp/peer-room-bench-screenshots';
const { Harness, enterWithDoorOpen, joinAs } = await import('../tests/browser/support.mjs');
const { ownId, waitForStats } = await import('../tests/browser/media-stats.mjs');
const { organizerApi, rfc3339 } = await import('../tests/browser/scripted.mjs');
const { lightClip } = await import('../tests/browser/clip.mjs');

const PEOPLE = 6;
const WARM_UP_MS = 10_000;
const TICKS = 100; // the kernel's clock ticks per second, as /proc counts CPU time

/** CPU-seconds used so far by the processes whose name matches. @param {RegExp} name */
function cpuOf(name) {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!name.test(comm)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // gone meanwhile
    }
  }
  return ticks / TICKS;
}

/**
 * Every video stream a page decodes: frames so far, by publisher.
 * @param {import('playwright-core').Page} page
 */
function framesByOwner(page) {
  return page.evaluate(async () => {
    const media = /** @type {any} */ (window).peerRoomMedia;
    /** @type {Record<number, number>} */
    const frames = {};
    (await /** @type {RTCPeerConnection} */ (media.pc).getStats()).forEach((r) => {
      const owner = media.owners.get(r.trackIdentifier);
      if (r.type === 'inbound-rtp' && r.kind === 'video' && owner !== undefined) frames[owner] = r.framesDecoded ?? 0;
    });
    return { frames, e2ee: /** @type {any} */ (window).peerRoomE2ee.stats };
  });
}

/** One run: a room of six under `policy`, measured for `seconds`. @param {'off' | 'required'} policy */
async function measure(policy) {
  const harness = new Harness();
  const clip = await lightClip();
  await harness.start({}, [`--use-file-for-fake-video-capture=${clip.path}`]);
  try {
    const api = await organizerApi(harness, `bench-${policy}@example.org`);
    const created = await api('POST', '/api/sessions', {
      title: 'Bench', starts_at: rfc3339(Date.now() + 5 * 60_000), time_zone: 'UTC', duration_minutes: 60, capacity: 8, e2ee: policy,
    });
    const pages = [];
    const { page: host } = await harness.openPage({ viewport: { width: 640, height: 480 } });
    await enterWithDoorOpen(host, created.links.facilitator, 'Host');
    pages.push(host);
    await Promise.all(Array.from({ length: PEOPLE - 1 }, async (_, n) => {
      const { page } = await harness.openPage({ viewport: { width: 640, height: 480 } });
      await page.goto(created.links.participant);
      await joinAs(page, `Guest ${n + 1}`);
      await page.locator('#accept-rules').click();
      await page.locator('#room').waitFor({ state: 'visible', timeout: 60_000 });
      pages.push(page);
    }));
    const ids = await Promise.all(pages.map(ownId));
    for (const [i, page] of pages.entries()) {
      const others = ids.filter((id) => id !== ids[i]);
      await waitForStats(page, 'everyone decodes everyone', (streams) =>
        others.every((id) => streams.some((s) => s.kind === 'video' && s.owner === id && s.framesDecoded > 0)), 60_000);
    }
    await new Promise((done) => setTimeout(done, WARM_UP_MS));
    const server = /** @type {number} */ (harness.server?.pid);
    const serverCpu = () => {
      const fields = readFileSync(`/proc/${server}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / TICKS;
    };
    const before = { at: Date.now(), chromium: cpuOf(/chrom/i), server: serverCpu(), pages: await Promise.all(pages.map(framesByOwner)) };
    await new Promise((done) => setTimeout(done, Number(options.seconds) * 1000));
    const after = { at: Date.now(), chromium: cpuOf(/chrom/i), server: serverCpu(), pages: await Promise.all(pages.map(framesByOwner)) };
    const seconds = (after.at - before.at) / 1000;
    const fps = after.pages.flatMap((page, i) => Object.entries(page.frames)
      .map(([owner, frames]) => (frames - (before.pages[i].frames[Number(owner)] ?? 0)) / seconds));
    assert.equal(fps.length, PEOPLE * (PEOPLE - 1), `every page decodes every other: ${fps.length} streams`);
    const worker = after.pages.map((page, i) => ({
      encrypted: ((page.e2ee?.encrypted ?? 0) - (before.pages[i].e2ee?.encrypted ?? 0)) / seconds,
      decrypted: ((page.e2ee?.decrypted ?? 0) - (before.pages[i].e2ee?.decrypted ?? 0)) / seconds,
      failed: (page.e2ee?.undecryptable ?? 0) + (page.e2ee?.unknownKey ?? 0)
        - (before.pages[i].e2ee?.undecryptable ?? 0) - (before.pages[i].e2ee?.unknownKey ?? 0),
    }));
    return {
      policy,
      fpsMean: fps.reduce((a, b) => a + b, 0) / fps.length,
      fpsLowest: Math.min(...fps),
      chromiumCpu: (after.chromium - before.chromium) / seconds,
      serverCpu: (after.server - before.server) / seconds,
      encryptedPerSecond: worker.reduce((a, w) => a + w.encrypted, 0),
      decryptedPerSecond: worker.reduce((a, w) => a + w.decrypted, 0),
      failed: worker.reduce((a, w) => a + w.failed, 0),
    };
  } finally {
    await harness.stop();
    await clip.remove();
  }
}

console.log('| run | encryption | fps decoded, mean | lowest stream | Chromium CPU (s/s) | server CPU (s/s) | frames encrypted/s | decrypted/s | not decrypted |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (let run = 1; run <= Number(options.runs); run += 1) {
  for (const policy of /** @type {const} */ (['off', 'required'])) {
    const r = await measure(policy);
    console.log(`| ${run} | ${policy} | ${r.fpsMean.toFixed(1)} | ${r.fpsLowest.toFixed(1)} | ${r.chromiumCpu.toFixed(2)} | ${r.serverCpu.toFixed(3)} | ${r.encryptedPerSecond.toFixed(0)} | ${r.decryptedPerSecond.toFixed(0)} | ${r.failed} |`);
  }
}

// Join time in a real browser: from opening the invitation link to the first
// frame of the facilitator's video decoded, in headless Chromium with fake
// camera and microphone, against the release server on loopback.
//
// Each run starts a fresh server (and database) and a browser; the
// facilitator joins on camera and turns the waiting room off; then
// participants join one after another, each in a new browser context (a new
// person), through the real steps: name, device check, ground rules, room.
// Each leaves before the next comes. Times are the page's own clock
// (`performance.now()`, which starts at navigation), so they include
// loading the page, the device check's camera and microphone, the
// WebSocket, the peer connection and the first keyframe. The automation's
// clicks take a few milliseconds each; a person would take longer.
//
// Usage (from the repository root, after `cargo build --release -p peer-room`
// and `npm ci` in web-client/):
//   node bench/browser-join.mjs [--runs 3] [--joins 10] [--server-bin target/release/peer-room]

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    joins: { type: 'string', default: '10' },
    'server-bin': { type: 'string', default: 'target/release/peer-room' },
  },
});
// The test harness reads the binary's path when it is first imported.
process.env.PEER_ROOM_BIN = options['server-bin'];
process.env.PEER_ROOM_SCREENSHOTS ??= '/tmp/peer-room-bench-screenshots';
const { Harness, enterWithDoorOpen, joinAs, leaveRoom } = await import('../tests/browser/support.mjs');

/** Until this many ms after navigation, a join that shows no video counts as failed. */
const GIVE_UP_MS = 20_000;

/**
 * ms since this page's navigation when it first decoded a video frame from
 * `owner`, polling its own getStats() every 10 ms; null if none by GIVE_UP_MS.
 * @param {import('playwright-core').Page} page
 * @param {number} owner
 */
function firstFrameDecoded(page, owner) {
  return page.evaluate(async ({ owner, giveUp }) => {
    const media = /** @type {any} */ (window).peerRoomMedia;
    while (performance.now() < giveUp) {
      /** @type {RTCPeerConnection | undefined} */
      const pc = media?.pc;
      if (pc) {
        let decoded = false;
        (await pc.getStats()).forEach((report) => {
          if (report.type === 'inbound-rtp' && report.kind === 'video' && (report.framesDecoded ?? 0) > 0
            && media.owners.get(report.trackIdentifier) === owner) decoded = true;
        });
        if (decoded) return performance.now();
      }
      await new Promise((done) => setTimeout(done, 10));
    }
    return null;
  }, { owner, giveUp: GIVE_UP_MS });
}

/** @param {number[]} values @param {number} q */
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** @param {number[]} values */
const median = (values) => quantile(values, 0.5);

/** One run: a fresh server, a facilitator on camera, `joins` participants one at a time. */
async function run(joins) {
  const harness = new Harness();
  await harness.start();
  /** @type {{room: number[], frame: number[], failed: number, order: string[]}} */
  const times = { room: [], frame: [], failed: 0, order: [] };
  try {
    const host = await harness.openPage({ viewport: { width: 1280, height: 800 } });
    await enterWithDoorOpen(host.page, harness.links.facilitator, 'Facilitator');
    const hostId = Number(await host.page.locator('#tiles li.tile-mine').getAttribute('data-participant'));
    for (let i = 0; i < joins; i += 1) {
      const guest = await harness.openPage({ viewport: { width: 1280, height: 800 } });
      const { page } = guest;
      await page.goto(harness.links.participant);
      await joinAs(page, `Guest ${i}`);
      await page.locator('#accept-rules').click();
      await page.locator('#room').waitFor({ state: 'visible' });
      times.room.push(await page.evaluate(() => performance.now()));
      const frame = await firstFrameDecoded(page, hostId);
      if (frame === null) times.failed += 1;
      else times.frame.push(frame);
      times.order.push(frame === null ? 'none' : frame.toFixed(0));
      await leaveRoom(page);
      await page.context().close();
    }
  } finally {
    await harness.stop();
  }
  return times;
}

const runs = Number(options.runs);
const joins = Number(options.joins);
/** @type {Record<string, number[]>} */
const figures = {};
/** @param {string} name @param {number} value */
const record = (name, value) => { (figures[name] ??= []).push(value); };
for (let r = 1; r <= runs; r += 1) {
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`run ${r}/${runs}: load average ${load}`);
  const times = await run(joins);
  for (const [step, values] of /** @type {const} */ ([['page open to room', times.room], ['page open to first video frame decoded', times.frame]])) {
    if (values.length === 0) continue;
    for (const [label, q] of /** @type {const} */ ([['p50', 0.5], ['p99', 0.99]])) record(`${step} ${label} (ms)`, quantile(values, q));
    record(`${step} max (ms)`, Math.max(...values));
  }
  record('joins without video', times.failed);
  console.log(`  ${joins} joins, ${times.failed} without video; first frame (ms), in order: ${times.order.join(', ')}`);
}
console.log('\n| figure | median | min | max | runs |\n| --- | ---: | ---: | ---: | --- |');
for (const [name, values] of Object.entries(figures)) {
  const show = (/** @type {number} */ v) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
  console.log(`| ${name} | ${show(median(values))} | ${show(Math.min(...values))} | ${show(Math.max(...values))} | ${values.map(show).join(', ')} |`);
}

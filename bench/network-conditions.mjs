// How media holds up on bad networks, as people see it: three headless
// Chromium, each in a network namespace of its own behind a link that loses,
// delays or caps its packets (tests/browser/network.mjs, `impaired-link`),
// meet through the server in another namespace. A facilitator and two
// participants, all on camera and microphone; after everyone decodes
// everyone, each page's own getStats() is read at the start and the end of
// a measured stretch, and for every video and audio it receives:
//
// - frozen time: the share of the stretch its video was frozen
//   (`totalFreezesDuration`, Chromium's definition of a freeze), and
//   freezes per minute (`freezeCount`);
// - frames per second decoded;
// - audio concealed: the share of samples the decoder had to invent for lost
//   packets (`concealedSamples / totalSamplesReceived`).
//
// Printed as a Markdown table row per condition: the mean over the six
// streams of each kind, and the worst.
//
// Usage (as root, from the repository root, after
// `cargo build --release -p peer-room`, `cargo build -p peer-room-testkit --bin impaired-link`
// and `npm ci` in web-client/):
//   node bench/network-conditions.mjs [--seconds 45] [--conditions none,loss5-rtt100] [--server-bin target/release/peer-room] [--detail]
// `--detail` also prints, per video stream received, what its freezes go
// with: keyframe requests (PLI) and NACKs the receiver sent, packets lost,
// the jitter buffer's mean delay; and per camera layer sent, the keyframes
// encoded and the requests and NACKs the publisher received; and the
// server's media counters at the end (`/metrics`).
// `--playout-ms N` is an experiment: each page asks its video receivers
// to hold N ms of video (`RTCRtpReceiver.jitterBufferTarget`) before the
// page does anything itself, to measure what a longer playout delay buys.
// The audio delay column is the audio jitter buffer's mean delay: what
// lip sync with a longer video delay costs the conversation. The round
// trip column is each page's round trip to the server, read every 2 s from
// ICE's consent checks, which wait in a link's queue like everything else:
// the mean per page, and the worst page's.
// Conditions: none, loss2, loss5, loss5-rtt100, loss10, down500, and
// down500-deep and down600-deep (a cap behind a queue of a second, as a
// bloated home router: what is sent too fast waits rather than being
// lost; at 600 kbit/s two cameras' top layers are only a little too much,
// so the queue grows slowly).

import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: '45' },
    conditions: { type: 'string', default: 'none,loss2,loss5,loss5-rtt100,loss10,down500' },
    'server-bin': { type: 'string', default: 'target/release/peer-room' },
    detail: { type: 'boolean', default: false },
    'playout-ms': { type: 'string' },
  },
});
process.env.PEER_ROOM_BIN = options['server-bin'];
// Each condition's server and network clean up on exit: a few listeners each.
process.setMaxListeners(64);
process.env.PEER_ROOM_SCREENSHOTS ??= '/tmp/peer-room-bench-screenshots';
const { Harness, enterWithDoorOpen, joinAs } = await import('../tests/browser/support.mjs');
const { Network, SERVER_IP } = await import('../tests/browser/network.mjs');
const { ownId, roundTrip, waitForStats } = await import('../tests/browser/media-stats.mjs');

/** @type {Record<string, import('../tests/browser/network.mjs').LinkShape>} */
const CONDITIONS = {
  none: {},
  loss2: { loss: 0.02 },
  loss5: { loss: 0.05 },
  'loss5-rtt100': { loss: 0.05, delayMs: 50, jitterMs: 10 },
  loss10: { loss: 0.1 },
  down500: { downKbit: 500 },
  'down500-deep': { downKbit: 500, queueMs: 1000 },
  'down600-deep': { downKbit: 600, queueMs: 1000 },
};

/**
 * What one page has received so far, per remote person and kind.
 * @param {import('playwright-core').Page} page
 */
function received(page) {
  return page.evaluate(async () => {
    const media = /** @type {any} */ (window).peerRoomMedia;
    /** @type {RTCPeerConnection} */
    const pc = media.pc;
    /** @type {Record<string, Record<string, number | string>>} */
    const streams = {};
    const stats = await pc.getStats();
    stats.forEach((r) => {
      if (r.type === 'outbound-rtp' && r.kind === 'audio') streams['sent:audio'] = { codec: stats.get(r.codecId)?.mimeType ?? '?' };
      if (r.type === 'outbound-rtp' && r.kind === 'video') {
        streams[`sent:video:${r.rid ?? r.ssrc}`] = {
          keyframes: r.keyFramesEncoded ?? 0, plis: r.pliCount ?? 0, nacks: r.nackCount ?? 0, height: r.frameHeight ?? 0,
        };
      }
      if (r.type !== 'inbound-rtp') return;
      const owner = media.owners.get(r.trackIdentifier);
      if (owner === undefined) return;
      streams[`${r.kind}:${owner}`] = {
        freezes: r.freezeCount ?? 0,
        frozen: r.totalFreezesDuration ?? 0,
        frames: r.framesDecoded ?? 0,
        concealed: r.concealedSamples ?? 0,
        samples: r.totalSamplesReceived ?? 0,
        plis: r.pliCount ?? 0,
        nacks: r.nackCount ?? 0,
        lost: r.packetsLost ?? 0,
        packets: r.packetsReceived ?? 0,
        buffered: r.jitterBufferDelay ?? 0,
        emitted: r.jitterBufferEmittedCount ?? 0,
      };
    });
    return streams;
  });
}

/** @param {number[]} values */
const mean = (values) => values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);
/** @param {number} x @param {number} digits */
const fixed = (x, digits = 1) => x.toFixed(digits);

/**
 * One condition, measured: a fresh server, network and three browsers.
 * @param {string} name
 * @param {number} seconds
 */
async function measure(name, seconds) {
  const shape = CONDITIONS[name];
  if (!shape) throw new Error(`unknown condition ${name}; known: ${Object.keys(CONDITIONS).join(', ')}`);
  const network = new Network();
  const harness = new Harness();
  try {
    await network.open();
    harness.namespace = network.server;
    // The pages (in 10.77.x.x) read the server's counters for `--detail`.
    await harness.start({ PEER_ROOM_MEDIA_IP: SERVER_IP, PEER_ROOM_METRICS_ALLOW: '10.77.0.0/16' }, [], `${SERVER_IP}:0`);
    const pages = [];
    for (let i = 0; i < 3; i += 1) {
      const browser = await harness.launchBrowser((await network.addBrowser({ ...shape, seed: i + 1 })).chromium);
      const { page } = await harness.openPage({ viewport: { width: 1280, height: 800 } }, browser);
      // A capped link loads the page and its first video slowly: patience.
      page.setDefaultTimeout(60_000);
      if (options['playout-ms'] !== undefined) {
        await page.addInitScript((ms) => {
          const Original = window.RTCPeerConnection;
          window.RTCPeerConnection = class extends Original {
            /** @param {RTCConfiguration} [settings] */
            constructor(settings) {
              super(settings);
              this.addEventListener('track', (event) => {
                if (event.track.kind === 'video') event.receiver.jitterBufferTarget = ms;
              });
            }
          };
        }, Number(options['playout-ms']));
      }
      pages.push(page);
    }
    await enterWithDoorOpen(pages[0], harness.links.facilitator);
    for (const [i, page] of pages.slice(1).entries()) {
      await page.goto(harness.links.participant);
      await joinAs(page, `Guest ${i + 1}`);
      await page.locator('#accept-rules').click();
      await page.locator('#room').waitFor({ state: 'visible' });
    }
    const ids = await Promise.all(pages.map(ownId));
    for (const [i, page] of pages.entries()) {
      const others = ids.filter((_, j) => j !== i);
      await waitForStats(page, `${name}: page ${i} decodes everyone`, (streams) =>
        others.every((id) => streams.some((s) => s.kind === 'video' && s.owner === id && s.framesDecoded > 0)), 60_000);
    }
    const before = await Promise.all(pages.map(received));
    const started = Date.now();
    /** Each page's round trips, read every 2 s: they include the wait in a queue. @type {number[][]} */
    const trips = pages.map(() => []);
    while (Date.now() - started < seconds * 1000) {
      await new Promise((done) => setTimeout(done, Math.min(2000, seconds * 1000 - (Date.now() - started))));
      for (const [i, rtt] of (await Promise.all(pages.map(roundTrip))).entries()) if (rtt > 0) trips[i].push(rtt);
    }
    const after = await Promise.all(pages.map(received));
    const elapsed = (Date.now() - started) / 1000;
    /** @type {{frozen: number[], perMinute: number[], fps: number[], concealed: number[], audioDelay: number[], rtt: number[]}} */
    const results = { frozen: [], perMinute: [], fps: [], concealed: [], audioDelay: [],
      rtt: trips.filter((t) => t.length > 0).map(mean) };
    /** The audio codecs the pages send, as they name them. */
    const codecs = new Set();
    for (const [i, streams] of after.entries()) {
      codecs.add(streams['sent:audio']?.codec ?? '?');
      for (const [key, end] of Object.entries(streams)) {
        if (key.startsWith('sent:')) {
          if (options.detail && key.startsWith('sent:video')) {
            const start = before[i][key] ?? {};
            const d = (/** @type {string} */ k) => Number(end[k]) - Number(start[k] ?? 0);
            console.error(`${name} page ${i} sends ${key.slice(5)} (${end.height} rows): ${d('keyframes')} keyframes, `
              + `asked ${d('plis')} times, ${d('nacks')} NACKs`);
          }
          continue;
        }
        const start = before[i][key] ?? { freezes: 0, frozen: 0, frames: 0, concealed: 0, samples: 0 };
        if (options.detail && key.startsWith('video')) {
          const d = (/** @type {string} */ k) => Number(end[k]) - Number(start[k] ?? 0);
          const buffered = d('emitted') > 0 ? (1000 * d('buffered')) / d('emitted') : 0;
          console.error(`${name} page ${i} gets ${key}: ${fixed(d('frozen'))} s frozen in ${d('freezes')} freezes, `
            + `${d('plis')} PLIs, ${d('nacks')} NACKs, ${d('lost')} of ${d('packets')} packets lost, `
            + `jitter buffer ${fixed(buffered, 0)} ms`);
        }
        if (key.startsWith('video')) {
          results.frozen.push((100 * (end.frozen - start.frozen)) / elapsed);
          results.perMinute.push(((end.freezes - start.freezes) * 60) / elapsed);
          results.fps.push((end.frames - start.frames) / elapsed);
        } else {
          results.concealed.push((100 * (end.concealed - start.concealed)) / Math.max(end.samples - start.samples, 1));
          const emitted = Number(end.emitted) - Number(start.emitted ?? 0);
          if (emitted > 0) results.audioDelay.push((1000 * (Number(end.buffered) - Number(start.buffered ?? 0))) / emitted);
        }
      }
    }
    if (options.detail) {
      const text = await pages[0].evaluate(async () => (await fetch('/metrics')).text());
      const media = text.split('\n').filter((l) => l.startsWith('peer_room_media_') && !l.includes('peer_connections'));
      console.error(`${name} the server's media counters: ${media.join(', ')}`);
    }
    const cell = (/** @type {number[]} */ values, digits = 1) => `${fixed(mean(values), digits)} (worst ${fixed(
      values.length ? (values === results.fps ? Math.min(...values) : Math.max(...values)) : 0, digits)})`;
    return `| ${name} | ${cell(results.frozen)} | ${cell(results.perMinute)} | ${cell(results.fps)} | ${cell(results.concealed, 2)} `
      + `| ${cell(results.audioDelay, 0)} | ${cell(results.rtt, 0)} | ${[...codecs].join(', ')} |`;
  } finally {
    await harness.stop();
    network.close();
  }
}

const seconds = Number(options.seconds);
console.log(`${seconds} s measured per condition, three browsers, six video and six audio streams each.`);
console.log('| condition | frozen video % | freezes per minute | frames per second | audio concealed % | audio delay ms | round trip ms | audio sent as |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const name of options.conditions.split(',')) console.log(await measure(name.trim(), seconds));

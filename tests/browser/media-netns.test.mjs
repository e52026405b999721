// Media setup on real, bad networks, in Chromium: the server in a network
// namespace of its own and each browser in another, joined by a link that
// delays and loses packets in user space (network.mjs). The facilitator is
// on a bad link too, as in issue 21's measurements.
//
// - Ten joins in a row at 5% loss each way and 100 ms round trip (+-10 ms):
//   each reaches decoded video both ways within 15 s. Counted: every join
//   must get there, and the page's retries are counted and reported.
// - The first DTLS datagrams lost on purpose, each way: the handshake still
//   completes, on the page's first connection.
// - A browser held in "connecting" (its own firewall drops DTLS, so ICE
//   finds a path and the handshake never completes): the page tries again,
//   and succeeds once the firewall lets DTLS through.
// - Over 30 s at 5% loss each way on both links and 100 ms round trip,
//   under 3% of the audio each hears is concealed (RED, docs/media.md),
//   video is frozen under 2% of the time over both views, and no single
//   picture stalls (each under 5%),
//   and each page holds its video a round trip longer (playout.js). Each
//   browser repairs its camera's lost packets on RTX streams of their own,
//   which the server puts back in place (most of those sent are counted).
// - A downlink capped at 150 kbit/s: the server pauses the video it sends
//   that person, who is told so and hears the facilitator clearly, while
//   the facilitator keeps that person's video.
// - A downlink capped at 500 kbit/s, on a laptop showing large tiles:
//   within 10 s the server sends that person a smaller simulcast layer of
//   each camera, and over the next 20 s their video of Kim freezes under
//   5% of the time, while a guest on a good link gets the facilitator's
//   camera in the layer its tile needs once the facilitator's browser
//   sends that layer steadily, and the facilitator gets Kim's.
// - A downlink capped at 300 kbit/s behind a second of queue (a bloated
//   home router): the server sends a smaller layer before the queue
//   overflows, so under 1% of the video is lost and the round trip has no
//   standing queue in it.
//
// Needs root and `nft` (tests/run.sh installs it). Run from the repository
// root: `node --test tests/browser/media-netns.test.mjs`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { Harness, assertInView, enterWithDoorOpen, joinAs, leaveRoom } from './support.mjs';
import { audioFrom, cameraLayers, decodesAt, ownId, roundTrip, videoFrom, waitForStats } from './media-stats.mjs';
import { Network, SERVER_IP } from './network.mjs';

const PREFIX = 'media-netns-';
/** A hospital Wi-Fi on a bad day, as issue 21 measured it. */
const LOSSY = { delayMs: 50, jitterMs: 10, loss: 0.05 };
/** What the issue asks of each join. */
const DECODED_WITHIN_MS = 15_000;
/**
 * Loading the page over such a link: its TCP waits out a retransmission
 * timeout (1 s, then doubling) for each unlucky segment, and the page is
 * a few dozen modules, so it can take longer than the 10 s a page on a
 * clean link is given (seen once in a dozen setups).
 */
const LOAD_ON_A_BAD_LINK_MS = 30_000;

const network = new Network();
const harness = new Harness();
/** The facilitator, in the room through every test. @type {import('./support.mjs').TestPage} */
let host;
/** @type {number} */
let idHost;

before(async () => {
  await network.open();
  harness.namespace = network.server;
  // The facilitator's page reads the server's counters for the diagnostics.
  await harness.start({ PEER_ROOM_MEDIA_IP: SERVER_IP, PEER_ROOM_METRICS_ALLOW: '10.77.0.0/16' }, [], `${SERVER_IP}:0`);
  const hostBrowser = await harness.launchBrowser((await network.addBrowser({ ...LOSSY, seed: 1 })).chromium);
  host = await harness.openPage({ viewport: { width: 1280, height: 800 } }, hostBrowser);
  host.page.setDefaultNavigationTimeout(LOAD_ON_A_BAD_LINK_MS);
  await enterWithDoorOpen(host.page, harness.links.facilitator);
  idHost = await ownId(host.page);
});
after(async () => {
  await harness.stop();
  network.close();
});

/**
 * Counts the times the page gives up on a connection and makes a fresh one.
 * @param {import('playwright-core').Page} page
 */
async function countRetries(page) {
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.retries = 0;
    w.peerRoomMedia.on('status', (/** @type {{state: string}} */ { state }) => {
      if (state === 'retrying') w.retries += 1;
    });
  });
}

/** @param {import('playwright-core').Page} page */
function retries(page) {
  return page.evaluate(() => /** @type {number} */ (/** @type {any} */ (window).retries));
}

/**
 * Waits until `page` decodes new video frames from `owner`: counted from
 * when that person's stream shows up, as a reused transceiver carries the
 * frames of whoever had it before.
 * @param {import('playwright-core').Page} page
 * @param {number} owner
 * @param {string} what
 */
async function decodesNewFramesFrom(page, owner, what) {
  const decoded = (/** @type {import('./media-stats.mjs').Inbound[]} */ streams) => streams
    .filter((s) => s.kind === 'video' && s.owner === owner).reduce((sum, s) => sum + s.framesDecoded, 0);
  const first = decoded(await waitForStats(page, `${what}: the stream`, (streams) =>
    streams.some((s) => s.kind === 'video' && s.owner === owner), DECODED_WITHIN_MS));
  await waitForStats(page, what, (streams) => decoded(streams) >= first + 10, DECODED_WITHIN_MS);
}

/**
 * Retransmissions `page` has sent of its camera, all layers: each layer
 * must send them on an RTX SSRC of its own.
 * @param {import('playwright-core').Page} page
 */
async function retransmittedBy(page) {
  const layers = await cameraLayers(page);
  for (const layer of layers.filter((l) => l.active)) {
    assert.ok(layer.rtxSsrc > 0, `layer '${layer.rid}' repairs on an RTX SSRC of its own`);
  }
  return layers.reduce((sum, layer) => sum + layer.retransmitted, 0);
}

/**
 * A counter of the server's `/metrics`, read through the facilitator's page
 * (its namespace may scrape).
 * @param {string} name
 */
async function serverCounter(name) {
  const text = await host.page.evaluate(async () => (await fetch('/metrics')).text());
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `${name} in /metrics`);
  return Number(line.split(' ')[1]);
}

/** A phone, as most guests here are; a laptop shows large tiles. */
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const LAPTOP = { viewport: { width: 1280, height: 800 } };

/**
 * A guest on `browser` joins through the participant link and is in the room.
 * @param {import('playwright-core').Browser} browser
 * @param {string} name
 * @param {number} [patience] ms for each step, if not the usual (a small link loads the page slowly)
 * @param {import('playwright-core').BrowserContextOptions} [device]
 */
async function guestJoins(browser, name, patience = 0, device = PHONE) {
  const guest = await harness.openPage(device, browser);
  if (patience > 0) guest.page.setDefaultTimeout(patience);
  guest.page.setDefaultNavigationTimeout(Math.max(patience, LOAD_ON_A_BAD_LINK_MS));
  await guest.page.goto(harness.links.participant);
  await countRetries(guest.page);
  await joinAs(guest.page, name);
  await guest.page.locator('#accept-rules').click();
  await guest.page.locator('#room').waitFor({ state: 'visible' });
  return guest;
}

/**
 * Runs `body` with a guest in the room; on failure saves what both pages
 * showed and the server's log; either way the guest leaves.
 * @param {import('node:test').TestContext} t
 * @param {import('./support.mjs').TestPage} guest
 * @param {() => Promise<void>} body
 */
async function withGuest(t, guest, body) {
  try {
    await body();
  } catch (error) {
    await harness.diagnose(t, { host, guest }, PREFIX);
    throw error;
  } finally {
    await leaveRoom(guest.page).catch(() => {});
    await guest.page.context().close();
  }
}

test('ten joins in a row at 5% loss and 100 ms round trip each decode and are decoded within 15 s', async (t) => {
  /** @type {Record<string, import('./support.mjs').TestPage>} */
  const pages = { host };
  const guestBrowser = await harness.launchBrowser((await network.addBrowser({ ...LOSSY, seed: 2 })).chromium);
  let retried = 0;
  try {
    for (let i = 1; i <= 10; i += 1) {
      // Loading the page (some sixty files over a link that loses one packet
      // in twenty) may take longer than a step's usual 10 s; what is measured
      // here is the media, within 15 s of being in the room.
      const guest = await guestJoins(guestBrowser, `Guest ${i}`, 20_000);
      pages.guest = guest;
      const id = await ownId(guest.page);
      await decodesNewFramesFrom(guest.page, idHost, `join ${i}: the guest decodes the facilitator`);
      await decodesNewFramesFrom(host.page, id, `join ${i}: the facilitator decodes the guest`);
      retried += await retries(guest.page);
      await leaveRoom(guest.page);
      assert.deepEqual(guest.problems, [], `no errors on guest ${i}'s page`);
      await guest.page.context().close();
    }
    t.diagnostic(`ten joins at 5% loss and 100 ms: ${retried} fresh connections made by the pages`);
    assert.deepEqual(host.problems, [], 'no errors on the facilitator page');
  } catch (error) {
    await harness.diagnose(t, pages, PREFIX);
    throw error;
  }
});

test('the first DTLS datagrams lost each way, the first connection still comes up', async (t) => {
  // Two lost each way: DTLS's retransmission timer (1 s, then 2 s) brings
  // the handshake in at about 3 s, well inside the 8 s the server gives a
  // handshake once ICE found a path. Three each way took about 7 s, which a
  // busy machine sometimes pushed past 8 s (one full run in several).
  const link = await network.addBrowser({ delayMs: 50, loseFirstDtls: 2 });
  const sam = await guestJoins(await harness.launchBrowser(link.chromium), 'Sam');
  await withGuest(t, sam, async () => {
      await decodesNewFramesFrom(sam.page, idHost, 'Sam decodes the facilitator');
      await decodesNewFramesFrom(host.page, await ownId(sam.page), 'the facilitator decodes Sam');
      assert.equal(await retries(sam.page), 0, 'no fresh connection was needed');
  });
});

test('a browser held in connecting tries again and comes up once its network lets the handshake through', async (t) => {
  const link = await network.addBrowser({ delayMs: 50, jitterMs: 10, loss: 0.02, seed: 3 });
  // Its own firewall drops DTLS (RFC 7983: a first byte from 20 to 63;
  // `@th,64,8` is the byte after the UDP header) and lets ICE through.
  network.nft(link.namespace, `table inet held {
  chain out {
    type filter hook output priority 0; policy accept;
    udp dport 1-65535 @th,64,8 20-63 drop
  }
}`);
  const sam = await guestJoins(await harness.launchBrowser(link.chromium), 'Sam');
  await withGuest(t, sam, async () => {
      await sam.page.locator('#media-status', { hasText: 'Trying again (attempt 1)' }).waitFor({ timeout: 30_000 });
      const samTile = host.page.locator(`#tiles li[data-participant="${await ownId(sam.page)}"]`);
      await samTile.getByText('Connection problem').waitFor({ timeout: 20_000 });
      await harness.screenshot(sam.page, 'held-in-connecting', PREFIX);

      network.nft(link.namespace, 'delete table inet held');
      await sam.page.locator('#media-status').waitFor({ state: 'hidden', timeout: 45_000 });
      await samTile.getByText('Connection problem').waitFor({ state: 'detached' });
      await decodesNewFramesFrom(host.page, await ownId(sam.page), 'the facilitator decodes Sam');
      await decodesNewFramesFrom(sam.page, idHost, 'Sam decodes the facilitator');
      assert.ok(await retries(sam.page) >= 1, 'the page tried again');
      assert.deepEqual(sam.problems, [], 'no errors on the participant page');
  });
});

test('at 5% loss each way and 100 ms round trip, under 3% of the audio is concealed and under 2% of the video frozen over 30 s', async (t) => {
  const link = await network.addBrowser({ ...LOSSY, seed: 4 });
  const sam = await guestJoins(await harness.launchBrowser(link.chromium), 'Sam');
  await withGuest(t, sam, async () => {
      const idSam = await ownId(sam.page);
      await decodesNewFramesFrom(sam.page, idHost, 'Sam decodes the facilitator');
      await decodesNewFramesFrom(host.page, idSam, 'the facilitator decodes Sam');
      const ways = [[sam.page, idHost, 'Sam hearing the facilitator'], [host.page, idSam, 'the facilitator hearing Sam']];
      const before = await Promise.all(ways.map(([page, from]) => audioFrom(/** @type {any} */ (page), /** @type {number} */ (from))));
      const videoBefore = await Promise.all(ways.map(([page, from]) => videoFrom(/** @type {any} */ (page), /** @type {number} */ (from))));
      const resentBefore = await Promise.all([sam.page, host.page].map(retransmittedBy));
      const unwrappedBefore = await serverCounter('peer_room_media_packets_repaired_over_rtx_total');
      await sam.page.waitForTimeout(30_000);
      // Both browsers repair their lost packets on RTX streams of their
      // own (incoming_rtx.rs puts them back in place). Some repairs are
      // lost on the way too, and some are copies of a packet that came
      // after all (emptied, not counted), so the server counts fewer than
      // were sent; far fewer would mean repairs dropped, asked for again.
      const resent = (await Promise.all([sam.page, host.page].map(retransmittedBy)))
        .reduce((sum, n, i) => sum + n - resentBefore[i], 0);
      const unwrapped = await serverCounter('peer_room_media_packets_repaired_over_rtx_total') - unwrappedBefore;
      t.diagnostic(`repairs sent on RTX by both pages ${resent}, put back in place by the server ${unwrapped}`);
      assert.ok(resent > 20, `the pages sent ${resent} repairs over RTX in 30 s at 5% loss`);
      assert.ok(unwrapped >= resent * 0.7, `the server put back ${unwrapped} of ${resent} repairs`);
      // The mark: frozen time under 2%, read as the bench reads
      // it, over the room's pictures (here the two views). Eight runs
      // after repairs went twice (docs/benchmarks.md, section 7): views
      // 0.0 to 1.7%, the two together at most 1.25%. A single view sees
      // one to three short freezes now and then, so each is held only
      // to "no stall": a stall (a layer stopped and not left, a keyframe
      // never whole) is 10% or more of the 30 s.
      let frozenTotal = 0;
      for (const [i, [page, from, what]] of ways.entries()) {
        const video = await videoFrom(/** @type {any} */ (page), /** @type {number} */ (from));
        const frozen = (100 * (video.frozen - videoBefore[i].frozen)) / 30;
        frozenTotal += frozen;
        t.diagnostic(`${what}: video ${frozen.toFixed(1)}% frozen`);
        assert.ok(frozen < 5, `${what}: video ${frozen.toFixed(1)}% frozen`);
      }
      const frozenOverall = frozenTotal / ways.length;
      assert.ok(frozenOverall < 2, `video ${frozenOverall.toFixed(2)}% frozen over both views`);
      for (const [i, [page, from, what]] of ways.entries()) {
        const after = await audioFrom(/** @type {any} */ (page), /** @type {number} */ (from));
        const samples = after.samples - before[i].samples;
        const concealed = (100 * (after.concealed - before[i].concealed)) / Math.max(samples, 1);
        t.diagnostic(`${what}: ${concealed.toFixed(2)}% concealed of ${samples} samples`);
        assert.ok(samples > 30 * 48_000 * 0.9, `${what}: ${samples} samples in 30 s`);
        assert.ok(concealed < 3, `${what}: ${concealed.toFixed(2)}% concealed`);
      }
      // Each page sees its video lose packets, so holds it a round trip
      // longer (playout.js): 150 to 300 ms.
      for (const [page, who] of /** @type {const} */ ([[sam.page, 'Sam'], [host.page, 'the facilitator']])) {
        const [held, receivers] = await page.evaluate(() => {
          const w = /** @type {any} */ (window);
          const video = w.peerRoomMedia.pc.getReceivers().filter((/** @type {RTCRtpReceiver} */ r) => r.track.kind === 'video');
          return [w.peerRoomPlayout.playout.target, video.map((/** @type {RTCRtpReceiver} */ r) => r.jitterBufferTarget)];
        });
        t.diagnostic(`${who} holds video ${held} ms`);
        assert.ok(typeof held === 'number' && held >= 150 && held <= 300, `${who} holds video ${held} ms on a lossy link`);
        assert.ok(receivers.length > 0 && receivers.every((ms) => ms === held), `${who}'s video receivers hold ${receivers}`);
      }
  });
});

test('a downlink too small for video: video to that person pauses, they are told, and they still hear the room', async (t) => {
  const link = await network.addBrowser({ delayMs: 20, downKbit: 150 });
  const sam = await guestJoins(await harness.launchBrowser(link.chromium), 'Sam', 60_000);
  await withGuest(t, sam, async () => {
      const idSam = await ownId(sam.page);
      await sam.page.locator('#incoming-video-notice').waitFor({ state: 'visible', timeout: 45_000 });
      // Read at once: the notice rides the same small link as the video, so
      // it may come seconds into the 10 s pause, and goes when it ends.
      await assertInView(sam.page, '#incoming-video-notice', 'the paused-video notice, on a phone');
      const hostTile = sam.page.locator(`#tiles li[data-participant="${idHost}"]`);
      await hostTile.getByText('Video paused').waitFor();
      await harness.screenshot(sam.page, 'incoming-video-paused', PREFIX);
      // Sound from 2.5 s after the notice (the queue of the small link
      // drained, the audio jitter buffer settled after the loss) for six
      // seconds: not three, so a burst of the host's own 5% loss weighs less.
      // Should the window run past the 10 s pause, video comes back on
      // probation and its first bad second pauses it again, for 20 s.
      await sam.page.waitForTimeout(2_500);
      const before = await audioFrom(sam.page, idHost);
      await sam.page.waitForTimeout(6_000);
      const after = await audioFrom(sam.page, idHost);
      const samples = after.samples - before.samples;
      const concealed = (100 * (after.concealed - before.concealed)) / Math.max(samples, 1);
      const stillPaused = await sam.page.locator('#incoming-video-notice').isVisible();
      t.diagnostic(`while paused: ${concealed.toFixed(2)}% of ${samples} samples concealed; notice still shown at the end: ${stillPaused}`);
      // The sound comes through the small link. Not whole: the host's own
      // link loses 5%, and the last video and its retransmissions drain from
      // the small link's queue; with video flowing through 150 kbit/s, most
      // of it would be lost.
      assert.ok(samples > 6 * 48_000 * 0.8, `${samples} samples in 6 s`);
      // Measured 0-8% over this window in full runs of the suite (a busy
      // machine) and 0-2% alone; with the video still flowing through even
      // 500 kbit/s, 23-35% (docs/benchmarks.md, down500).
      assert.ok(concealed < 15, `${concealed.toFixed(2)}% concealed while video is paused`);
      // Nothing changes for the others: the facilitator still gets Sam's video.
      await decodesNewFramesFrom(host.page, idSam, 'the facilitator decodes Sam');
      assert.equal(await host.page.locator('#incoming-video-notice').isVisible(), false, 'only Sam is told');
      assert.deepEqual(sam.problems, [], 'no errors on the participant page');
  });
});

/** The camera's rows (devices.js asks for 640x360): the full simulcast layer. */
const FULL_HEIGHT = 360;
/** Its simulcast layers' rows, smallest first. */
const LAYER_HEIGHTS = [90, 180, FULL_HEIGHT];

/**
 * The rows of the layer the server sends a page for `owner`'s tile when
 * nothing else limits it: the smallest at least 0.8 times the tile's
 * height (bandwidth.rs). A laptop's tile with four people is about 228
 * rows, near the line between two layers, so it is read, not assumed.
 * @param {import('playwright-core').Page} page
 * @param {number} owner
 */
async function layerTileNeeds(page, owner) {
  /** @type {{participant: number, height: number}[]} */
  const shown = await page.evaluate(() => /** @type {any} */ (window).peerRoomVideoSizes.sent);
  const tile = shown.find((s) => s.participant === owner)?.height ?? FULL_HEIGHT;
  return LAYER_HEIGHTS.find((rows) => rows >= 0.8 * tile) ?? FULL_HEIGHT;
}

/**
 * Waits until `viewer` decodes `publisher`'s camera at `needed` rows or
 * more. The publisher's own browser may stop its top layer and start it
 * again when its uplink estimate dips (at 5% loss it does), and the server
 * takes a layer back only once it has sent for 3 s (layers.rs): so this
 * fails only if that layer encodes as steadily as the one below it for
 * `STEADY_GRACE_MS` and still does not come. Returns what it saw.
 * @param {import('playwright-core').Page} viewer
 * @param {import('playwright-core').Page} publisher
 * @param {number} id the publisher's participant id
 * @param {number} needed rows
 * @param {string} what
 */
async function getsTheLayerOnceSteady(viewer, publisher, id, needed, what) {
  const STEADY_GRACE_MS = 8_000;
  const GIVE_UP_MS = 25_000;
  const frames = async () => Object.fromEntries((await cameraLayers(publisher)).map((l) => [l.rid, l.framesEncoded]));
  const started = Date.now();
  let steadySince = started;
  let stops = 0;
  let last = await frames();
  for (;;) {
    const height = (await videoFrom(viewer, id)).height;
    if (height >= needed) return `${what} at ${height} rows (${needed} needed) after ${Date.now() - started} ms; its top layer faltered ${stops} times`;
    await viewer.waitForTimeout(500);
    const now = await frames();
    // The top layer (f) encodes every frame the one below (h) does, unless stopped.
    if ((now.f ?? 0) - (last.f ?? 0) < 0.8 * ((now.h ?? 0) - (last.h ?? 0))) {
      steadySince = Date.now();
      stops += 1;
    }
    last = now;
    assert.ok(Date.now() - steadySince < STEADY_GRACE_MS,
      `${what}: ${height} rows, not the ${needed} needed, though that layer has been sent steadily for ${STEADY_GRACE_MS} ms`);
    if (Date.now() - started > GIVE_UP_MS) {
      return `${what}: ${height} rows; its top layer kept stopping (${stops} times in ${GIVE_UP_MS} ms), so the layer below, as the server's rule says`;
    }
  }
}

test('a downlink capped at 500 kbit/s gets a smaller layer within 10 s and seldom freezes, while the others keep the layer their tiles need', async (t) => {
  // Both on laptops, so their tiles are large: only the cap makes Sam's layer smaller.
  const kimLink = await network.addBrowser({ delayMs: 20, seed: 5 });
  const samLink = await network.addBrowser({ delayMs: 20, downKbit: 500 });
  const kim = await guestJoins(await harness.launchBrowser(kimLink.chromium), 'Kim', 0, LAPTOP);
  const sam = await guestJoins(await harness.launchBrowser(samLink.chromium), 'Sam', 60_000, LAPTOP);
  try {
    const [idKim, idSam] = [await ownId(kim.page), await ownId(sam.page)];
    const senders = /** @type {const} */ ([[idHost, 'the facilitator'], [idKim, 'Kim']]);
    for (const [id, who] of senders) await decodesNewFramesFrom(sam.page, id, `Sam decodes ${who}`);
    // Within 10 s of first decoding them, each camera comes to Sam smaller than its whole.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const heights = await Promise.all(senders.map(([id]) => videoFrom(sam.page, id).then((v) => v.height)));
      if (heights.every((h) => h > 0 && h < FULL_HEIGHT)) {
        t.diagnostic(`Sam's layers after the cap: ${heights.join(' and ')} rows`);
        break;
      }
      assert.ok(Date.now() < deadline, `Sam still gets ${heights.join(' and ')} rows 10 s after first decoding`);
      await sam.page.waitForTimeout(500);
    }
    // Then 20 s of it: frozen under 5% of the time, and moving. The
    // facilitator's own uplink loses 5%, which freezes its camera for
    // everyone: Kim's view of it, over the same time, is said beside it.
    const before = await Promise.all(senders.map(([id]) => videoFrom(sam.page, id)));
    const kimBefore = await videoFrom(kim.page, idHost);
    const started = Date.now();
    // Every 2 s, each video's rows and time frozen so far: what a failure is read with.
    const timeline = [];
    while (Date.now() - started < 20_000) {
      await sam.page.waitForTimeout(Math.min(2_000, 20_000 - (Date.now() - started)));
      const now = await Promise.all(senders.map(([id]) => videoFrom(sam.page, id)));
      timeline.push(now.map((v, i) => `${v.height}r/${(v.frozen - before[i].frozen).toFixed(1)}s`
        + `/${v.lost - before[i].lost}l/${v.nacks - before[i].nacks}n/${v.plis - before[i].plis}p/${v.keyframes - before[i].keyframes}k`).join(' '));
    }
    t.diagnostic('Sam every 2 s (rows/frozen/packets lost/NACKs/PLIs/keyframes so far, the facilitator then Kim): '
      + timeline.join(' | '));
    const metrics = await host.page.evaluate(async () => (await fetch('/metrics')).text());
    t.diagnostic(`the server's media counters: ${metrics.split('\n').filter((l) => l.startsWith('peer_room_media')).join(', ')}`);
    const after = await Promise.all(senders.map(([id]) => videoFrom(sam.page, id)));
    const elapsed = (Date.now() - started) / 1000;
    const kimAfter = await videoFrom(kim.page, idHost);
    const kimFrozen = (100 * (kimAfter.frozen - kimBefore.frozen)) / elapsed;
    t.diagnostic(`Kim seeing the facilitator meanwhile: ${kimFrozen.toFixed(1)}% frozen`);
    for (const [i, [id, who]] of senders.entries()) {
      const frozen = (100 * (after[i].frozen - before[i].frozen)) / elapsed;
      const fps = (after[i].frames - before[i].frames) / elapsed;
      t.diagnostic(`Sam seeing ${who}: ${frozen.toFixed(1)}% frozen, ${after[i].freezes - before[i].freezes} freezes, `
        + `${fps.toFixed(1)} frames a second, ${after[i].height} rows at the end`);
      // Held for Kim, whose uplink is clean, at the mark; the
      // facilitator's own uplink loses 5% and is said above. (Until the
      // server renumbered VP8's picture ids across layer switches, most
      // runs had one 3.3 s stall here: docs/media.md, "Frame numbers".)
      if (id === idHost) continue;
      assert.ok(frozen < 5, `Sam's video of ${who} frozen ${frozen.toFixed(1)}% of ${elapsed.toFixed(0)} s`);
      // A freeze is only counted once a frame comes after it: a video that
      // stopped would show none. A few frames a second proves it did not.
      assert.ok(fps > 5, `Sam's video of ${who} moves: ${fps.toFixed(1)} frames a second`);
    }
    // Nothing changes between the others: each gets the other's camera whole.
    for (const [page, who] of /** @type {const} */ ([[host.page, 'the facilitator'], [kim.page, 'Kim'], [sam.page, 'Sam']])) {
      const told = await page.evaluate(() => JSON.stringify(/** @type {any} */ (window).peerRoomVideoSizes.sent));
      t.diagnostic(`${who} told the server it shows ${told}`);
    }
    // What each camera sends, by its browser's own estimate of its uplink:
    // Sam's comes back through the capped downlink, so Sam's camera is
    // said, not asserted.
    for (const [page, who] of /** @type {const} */ ([[host.page, 'the facilitator'], [kim.page, 'Kim'], [sam.page, 'Sam']])) {
      const layers = (await cameraLayers(page)).map((l) => `${l.rid} ${l.frameHeight} rows (limited by ${l.limited || 'nothing'})`);
      t.diagnostic(`${who} sends ${layers.join(', ')}`);
    }
    t.diagnostic(`Kim gets Sam's camera at ${(await videoFrom(kim.page, idSam)).height} rows, the facilitator at ${(await videoFrom(host.page, idSam)).height}`);
    // Kim's link is clean: Kim gets the facilitator's camera in the layer
    // Kim's tile needs, once the facilitator sends that layer steadily.
    // The facilitator's own downlink loses 5%, and its estimate may
    // rightly give it a smaller layer of Kim's for a while (bandwidth.rs):
    // that view is said, and only has to move.
    const needed = await layerTileNeeds(kim.page, idHost);
    t.diagnostic(await getsTheLayerOnceSteady(kim.page, host.page, idHost, needed, 'Kim gets the facilitator\'s camera'));
    const hostSees = await decodesAt(host.page, idKim, (h) => h > 0, 'the facilitator gets Kim\'s camera');
    t.diagnostic(`the facilitator gets Kim's camera at ${hostSees} rows; its tile needs ${await layerTileNeeds(host.page, idKim)}`);
    assert.deepEqual(sam.problems, [], 'no errors on Sam\'s page');
    assert.deepEqual(kim.problems, [], 'no errors on Kim\'s page');
  } catch (error) {
    await harness.diagnose(t, { host, kim, sam }, PREFIX);
    throw error;
  } finally {
    for (const guest of [kim, sam]) {
      await leaveRoom(guest.page).catch(() => {});
      await guest.page.context().close();
    }
  }
});

test('a downlink capped behind a deep queue gets a smaller layer before anything is lost, and its round trip stays short', async (t) => {
  // A bloated home router: 300 kbit/s, and a second of queue before it
  // drops. The facilitator's camera whole (about 350 kbit/s with sound) is
  // a little too much, so the queue grows slowly and nothing is lost for
  // seconds: only the wait (transport-wide feedback, downlink_queue.rs)
  // can tell the server in time. Going by loss alone, the queue filled
  // (round trips of a second), then overflowed, then the layer came down.
  const link = await network.addBrowser({ delayMs: 20, downKbit: 300, queueMs: 1000 });
  const sam = await guestJoins(await harness.launchBrowser(link.chromium), 'Sam', 60_000, LAPTOP);
  await withGuest(t, sam, async () => {
    await decodesNewFramesFrom(sam.page, idHost, 'Sam decodes the facilitator');
    const before = await videoFrom(sam.page, idHost);
    /** Sam's round trips every 2 s, and the layer's rows. */
    const timeline = [];
    const trips = [];
    const started = Date.now();
    while (Date.now() - started < 20_000) {
      await sam.page.waitForTimeout(2_000);
      const [rtt, video] = [await roundTrip(sam.page), await videoFrom(sam.page, idHost)];
      trips.push(rtt);
      timeline.push(`${rtt.toFixed(0)}ms/${video.height}r/${video.lost - before.lost}l`);
    }
    t.diagnostic(`Sam every 2 s (round trip/rows/video packets lost so far): ${timeline.join(' ')}`);
    const after = await videoFrom(sam.page, idHost);
    const lost = after.lost - before.lost;
    const received = after.packets - before.packets;
    assert.ok(after.height > 0 && after.height < FULL_HEIGHT, `Sam gets the facilitator at ${after.height} rows`);
    // The facilitator's own uplink loses 5%, repaired before it reaches
    // Sam: what Sam loses is Sam's link's.
    assert.ok(lost <= received * 0.01, `Sam lost ${lost} of ${received + lost} video packets`);
    // The link's own round trip is 40 ms; in the last 10 s there is no
    // standing queue (a keyframe's burst may hold one reading up).
    const late = trips.slice(trips.length / 2).filter((ms) => ms > 0);
    const meanLate = late.reduce((a, b) => a + b, 0) / Math.max(late.length, 1);
    assert.ok(late.length > 0 && meanLate < 150, `Sam's round trips in the last 10 s: ${late.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  });
});

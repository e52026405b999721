// Simulcast in Chromium, through the real server: each camera goes up in
// two layers (rids h and f, half and the whole of 640x360), and
// each page says which tiles it shows and how tall (`video_sizes`), so
// the server sends each person the layer that fits and nothing for a tile
// out of sight. Three people: the facilitator on a laptop, a participant
// on a laptop (large tiles) and one in a small window (small tiles).
//
// - the facilitator's camera goes up in two layers, each encoding frames;
// - offered three layers (q, h and f) of a 640x360 camera, Chromium sends
//   only two, never f, which is why the page offers two;
// - the small window gets the others' video smaller than 360 rows, the
//   laptop gets it whole;
// - a tile moved out of view stops that person's video to that page, a
//   hidden tab stops all of it, and both come back when shown again;
// - after a dropped connection the page says again what it shows.
//
// Run from the repository root: `node --test tests/browser/simulcast.test.mjs`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { Harness, enterWithDoorOpen, joinAs, leaveRoom } from './support.mjs';
import { cameraLayers, decodesAt, ownId, videoFrom, waitForStats } from './media-stats.mjs';

const PREFIX = 'simulcast-';
/** The camera's rows (devices.js asks for 640x360). */
const FULL_HEIGHT = 360;
/** A video stopped or started again waits for a keyframe the server asks for: seconds, not more. */
const SWITCH_WITHIN_MS = 10_000;

const harness = new Harness();
/** @type {Record<'host' | 'large' | 'small', import('./support.mjs').TestPage>} */
const pages = /** @type {any} */ ({});
/** @type {Record<'host' | 'large' | 'small', number>} */
const ids = { host: 0, large: 0, small: 0 };

before(async () => {
  await harness.start();
  pages.host = await harness.openPage({ viewport: { width: 1280, height: 800 } });
  await enterWithDoorOpen(pages.host.page, harness.links.facilitator);
  pages.large = await participantJoins({ width: 1280, height: 800 }, 'Kim');
  pages.small = await participantJoins({ width: 560, height: 420 }, 'Sam', () => {
    // Every `video_sizes` the page sends, as sent.
    const sizes = /** @type {unknown[]} */ ([]);
    Object.assign(window, { sizesSent: sizes });
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
      if (typeof data === 'string' && data.includes('"video_sizes"')) sizes.push(JSON.parse(data).shown);
      return send.call(this, data);
    };
  });
  for (const who of /** @type {const} */ (['host', 'large', 'small'])) ids[who] = await ownId(pages[who].page);
});
after(() => harness.stop());

/** Everyone decodes everyone, before what each gets is measured. */
async function everyoneDecodesEveryone() {
  for (const who of /** @type {const} */ (['host', 'large', 'small'])) {
    const others = Object.values(ids).filter((id) => id !== ids[who]);
    await waitForStats(pages[who].page, `${who} decodes the two others`, (streams) => others.every((id) =>
      streams.some((s) => s.kind === 'video' && s.owner === id && s.framesDecoded > 0)));
  }
}

/**
 * A participant in a window of this size joins through the participant link.
 * @param {{width: number, height: number}} viewport
 * @param {string} name
 * @param {() => void} [init] a script to run in the page first
 */
async function participantJoins(viewport, name, init) {
  const person = await harness.openPage({ viewport });
  if (init) await person.page.addInitScript(init);
  await person.page.goto(harness.links.participant);
  await joinAs(person.page, name);
  await person.page.locator('#accept-rules').click();
  await person.page.locator('#room').waitFor({ state: 'visible' });
  return person;
}

/**
 * Runs a step; on failure saves what each page showed and the server's log.
 * @param {import('node:test').TestContext} t
 * @param {() => Promise<void>} body
 */
async function diagnosed(t, body) {
  try {
    await body();
  } catch (error) {
    for (const [who, { page }] of Object.entries(pages)) {
      const told = await page.evaluate(() => JSON.stringify(/** @type {any} */ (window).peerRoomVideoSizes?.sent)).catch(() => '?');
      t.diagnostic(`${who} last told the server it shows: ${told}`);
    }
    await harness.diagnose(t, pages, PREFIX);
    throw error;
  }
}

/**
 * Waits until `page` decodes no more of `owner`'s video (over two seconds
 * in a row), or, with `moving`, until it decodes more again.
 * @param {import('playwright-core').Page} page
 * @param {number} owner
 * @param {boolean} moving
 * @param {string} what
 */
async function videoMoves(page, owner, moving, what) {
  const deadline = Date.now() + SWITCH_WITHIN_MS;
  let last = await videoFrom(page, owner);
  for (;;) {
    await page.waitForTimeout(2_000);
    const now = await videoFrom(page, owner);
    if ((now.frames > last.frames + 5) === moving && (moving || now.frames === last.frames)) return;
    assert.ok(Date.now() < deadline, `${what}: not within ${SWITCH_WITHIN_MS} ms; frames ${last.frames} then ${now.frames}`);
    last = now;
  }
}

/**
 * Makes the page believe its tab is hidden or shown again, as switching
 * tabs does (headless Chromium keeps every page visible).
 * @param {import('playwright-core').Page} page
 * @param {boolean} hidden
 */
function setTabHidden(page, hidden) {
  return page.evaluate((hide) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hide ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hide });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

test('a camera goes up in two layers, h and f, smallest first, each encoding frames at its size', (t) =>
  diagnosed(t, async () => {
    const { page } = pages.host;
    const sdp = await page.evaluate(() => {
      const pc = /** @type {RTCPeerConnection} */ (/** @type {any} */ (window).peerRoomMedia.pc);
      return { offer: pc.localDescription?.sdp ?? '', answer: pc.remoteDescription?.sdp ?? '' };
    });
    assert.match(sdp.offer, /a=simulcast:send h;f\r\n/, 'the page offers half and whole, smallest first');
    assert.match(sdp.answer, /a=simulcast:recv h;f\r\n/, 'the server takes both');
    // Both layers encode: the whole one may wait for the bandwidth estimate to grow.
    const first = await cameraLayers(page);
    const deadline = Date.now() + 15_000;
    let layers = first;
    const risen = (/** @type {string} */ rid) => (layers.find((l) => l.rid === rid)?.framesEncoded ?? 0)
      - (first.find((l) => l.rid === rid)?.framesEncoded ?? 0);
    while (!(risen('h') > 10 && risen('f') > 10) && Date.now() < deadline) {
      await page.waitForTimeout(1_000);
      layers = await cameraLayers(page);
    }
    for (const layer of layers) {
      t.diagnostic(`layer ${layer.rid}: ${risen(layer.rid)} frames, ${layer.frameHeight} rows, limited by ${layer.limited || 'nothing'}`);
    }
    assert.deepEqual(layers.map((l) => l.rid), ['f', 'h'], 'an outbound stream per layer');
    assert.ok(risen('h') > 10 && risen('f') > 10, 'both layers encode frames');
    assert.deepEqual(layers.map((l) => l.frameHeight), [FULL_HEIGHT, FULL_HEIGHT / 2], 'whole and half the camera\'s rows');
  }));

test('a page showing small tiles gets the others\' video smaller than 360 rows, a page showing large tiles gets it whole', (t) =>
  diagnosed(t, async () => {
    await everyoneDecodesEveryone();
    const small = await pages.small.page.evaluate(() => /** @type {any} */ (window).peerRoomVideoSizes.sent);
    const large = await pages.large.page.evaluate(() => /** @type {any} */ (window).peerRoomVideoSizes.sent);
    t.diagnostic(`the small window shows ${JSON.stringify(small)}; the laptop ${JSON.stringify(large)}`);
    assert.deepEqual(small.map((/** @type {{participant: number}} */ v) => v.participant).sort(), [ids.host, ids.large].sort());
    // The half layer is 180 rows: the small window's tiles fit in it, the laptop's well beyond it.
    assert.ok(small.every((/** @type {{height: number}} */ v) => v.height < FULL_HEIGHT / 2), 'the small window\'s tiles are under 180 rows');
    assert.ok(large.every((/** @type {{height: number}} */ v) => v.height > FULL_HEIGHT * 0.75), 'the laptop\'s tiles are over 270 rows');
    for (const from of /** @type {const} */ (['host', 'large'])) {
      const height = await decodesAt(pages.small.page, ids[from], (h) => h > 0 && h < FULL_HEIGHT, `the small window gets ${from}'s video small`);
      t.diagnostic(`the small window decodes ${from}'s video at ${height} rows`);
    }
    for (const from of /** @type {const} */ (['host', 'small'])) {
      await decodesAt(pages.large.page, ids[from], (h) => h === FULL_HEIGHT, `the laptop gets ${from}'s video whole`);
    }
    await harness.screenshot(pages.small.page, 'small-window', PREFIX);
  }));

test('a tile out of view gets no video, a hidden tab none at all, and both come back when shown again', (t) =>
  diagnosed(t, async () => {
    await everyoneDecodesEveryone();
    const { page } = pages.small;
    // The laptop participant's tile moved off the screen, as a scrolled list would.
    const tile = `#tiles li[data-participant="${ids.large}"]`;
    await page.locator(tile).evaluate((li) => { /** @type {HTMLElement} */ (li).style.transform = 'translateY(-5000px)'; });
    await videoMoves(page, ids.large, false, 'the tile out of view stops');
    await videoMoves(page, ids.host, true, 'the facilitator\'s tile, still in view, keeps moving');
    await page.locator(tile).evaluate((li) => { /** @type {HTMLElement} */ (li).style.transform = ''; });
    await videoMoves(page, ids.large, true, 'the tile back in view moves again');

    await setTabHidden(page, true);
    assert.deepEqual(await page.evaluate(() => /** @type {any} */ (window).peerRoomVideoSizes.sent), [], 'a hidden tab shows nobody');
    await Promise.all([ids.host, ids.large].map((id) => videoMoves(page, id, false, `hidden: ${id}'s video stops`)));
    await setTabHidden(page, false);
    await Promise.all([ids.host, ids.large].map((id) => videoMoves(page, id, true, `shown again: ${id}'s video moves`)));
    for (const [who, { problems }] of Object.entries(pages)) assert.deepEqual(problems, [], `no errors on ${who}'s page`);
  }));

test('after a dropped connection the page tells the server again what it shows', (t) =>
  diagnosed(t, async () => {
    const { page } = pages.small;
    const before = await page.evaluate(() => /** @type {any} */ (window).sizesSent.length);
    await page.evaluate(() => /** @type {any} */ (window).peerRoomMedia.connection.socket.close()); // as a network drop would
    await pages.host.page.locator(`#tiles li[data-participant="${ids.small}"] .tile-flag`, { hasText: 'Reconnecting' }).waitFor();
    await pages.host.page.locator(`#tiles li[data-participant="${ids.small}"] .tile-flag`).waitFor({ state: 'hidden' });
    await page.waitForFunction((n) => /** @type {any} */ (window).sizesSent.length > n, before);
    const [last] = await page.evaluate(() => /** @type {any} */ (window).sizesSent.slice(-1));
    assert.deepEqual(last.map((/** @type {{participant: number}} */ v) => v.participant).sort(), [ids.host, ids.large].sort(),
      'the same tiles, told again');
    for (const from of /** @type {const} */ (['host', 'large'])) {
      await decodesAt(page, ids[from], (h) => h > 0 && h < FULL_HEIGHT, `after the drop, ${from}'s video still comes small`);
    }
  }));

test('offered q, h and f for a 640x360 camera, Chromium sends two streams and never the third', (t) =>
  diagnosed(t, async () => {
    // Why the page offers h and f (send-settings.js): a page that offers
    // all three, as the server would take them.
    const three = await participantJoins({ width: 640, height: 480 }, 'Lee', () => {
      const add = RTCPeerConnection.prototype.addTransceiver;
      RTCPeerConnection.prototype.addTransceiver = function (track, init) {
        const sendEncodings = init?.sendEncodings && [
          { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 60_000 },
          { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 150_000 },
          { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 400_000 },
        ];
        return add.call(this, track, sendEncodings ? { ...init, sendEncodings } : init);
      };
    });
    try {
      await three.page.waitForFunction(() => /** @type {any} */ (window).peerRoomMedia.pc?.connectionState === 'connected');
      const first = await cameraLayers(three.page);
      await three.page.waitForTimeout(8_000);
      const then = await cameraLayers(three.page);
      const frames = Object.fromEntries(then.map((l) => [l.rid, l.framesEncoded - (first.find((f) => f.rid === l.rid)?.framesEncoded ?? 0)]));
      const rows = Object.fromEntries(then.map((l) => [l.rid, l.frameHeight]));
      t.diagnostic(`three layers offered: frames in 8 s ${JSON.stringify(frames)}, rows ${JSON.stringify(rows)}`);
      // Two streams, under the rids of the first two encodings, whose sizes
      // and caps Chromium has been seen to give either as asked (160x90 and
      // 320x180) or mixed up (q at 640x360 under f's cap): not asserted.
      assert.ok(frames.q > 40 && frames.h > 40, 'the first two layers send');
      assert.equal(frames.f, 0, 'the third is never encoded');
    } finally {
      await leaveRoom(three.page).catch(() => {});
      await three.page.context().close();
    }
  }));

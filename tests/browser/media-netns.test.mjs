// Media setup on real, bad networks, in Chromium: the server in a network
// namespace of its own and each browser in another, joined by a link that
// delays and loses packets in user space (network.mjs). The facilitator is
// on a bad link too, as in issue 21's measurements (netns-room.mjs).
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
//
// Needs root and `nft` (tests/run.sh installs it). Run from the repository
// root: `node --test tests/browser/media-netns.test.mjs`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { audioFrom, cameraLayers, ownId, videoFrom } from './media-stats.mjs';
import { LOSSY, NetnsRoom, decodesNewFramesFrom, retries } from './netns-room.mjs';
import { leaveRoom } from './support.mjs';

const PREFIX = 'media-netns-';
const room = new NetnsRoom(PREFIX);
const { network, harness } = room;
/** The facilitator, in the room through every test. @type {import('./support.mjs').TestPage} */
let host;
/** @type {number} */
let idHost;

before(async () => {
  await room.open();
  ({ host, idHost } = room);
});
after(() => room.close());

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
      const guest = await room.guestJoins(guestBrowser, `Guest ${i}`, 20_000);
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
  const sam = await room.guestJoins(await harness.launchBrowser(link.chromium), 'Sam');
  await room.withGuest(t, sam, async () => {
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
  const sam = await room.guestJoins(await harness.launchBrowser(link.chromium), 'Sam');
  await room.withGuest(t, sam, async () => {
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
  const sam = await room.guestJoins(await harness.launchBrowser(link.chromium), 'Sam');
  await room.withGuest(t, sam, async () => {
      const idSam = await ownId(sam.page);
      await decodesNewFramesFrom(sam.page, idHost, 'Sam decodes the facilitator');
      await decodesNewFramesFrom(host.page, idSam, 'the facilitator decodes Sam');
      const ways = [[sam.page, idHost, 'Sam hearing the facilitator'], [host.page, idSam, 'the facilitator hearing Sam']];
      const before = await Promise.all(ways.map(([page, from]) => audioFrom(/** @type {any} */ (page), /** @type {number} */ (from))));
      const videoBefore = await Promise.all(ways.map(([page, from]) => videoFrom(/** @type {any} */ (page), /** @type {number} */ (from))));
      const resentBefore = await Promise.all([sam.page, host.page].map(retransmittedBy));
      const unwrappedBefore = await room.serverCounter('peer_room_media_packets_repaired_over_rtx_total');
      await sam.page.waitForTimeout(30_000);
      // Both browsers repair their lost packets on RTX streams of their
      // own (incoming_rtx.rs puts them back in place). Some repairs are
      // lost on the way too, and some are copies of a packet that came
      // after all (emptied, not counted), so the server counts fewer than
      // were sent; far fewer would mean repairs dropped, asked for again.
      const resent = (await Promise.all([sam.page, host.page].map(retransmittedBy)))
        .reduce((sum, n, i) => sum + n - resentBefore[i], 0);
      const unwrapped = await room.serverCounter('peer_room_media_packets_repaired_over_rtx_total') - unwrappedBefore;
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

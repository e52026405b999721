// Browser media test: a facilitator (laptop) and a participant (phone) join
// the demo session in headless Chromium with fake cameras and microphones,
// through the real server binary, and each receives the other's audio and
// video through the server. The proof is each browser's own getStats().
// Then the facilitator mutes the participant, who sees it and unmutes. Two
// more cases: someone without a camera joins with their microphone, and a
// dropped connection comes back on the same peer connection (ICE restart).
// The server runs with all media on one UDP port (`--media-port`), which
// every browser's selected candidate pair names.
//
// Run from the repository root: `node --test tests/browser/`
// Needs: `npm install` in web-client/ (for playwright-core) and Chromium at
// /usr/bin/chromium; the server is built if missing. See support.mjs for the
// environment variables.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { Harness, enterWithDoorOpen, joinAs, leaveRoom, openTab } from './support.mjs';
import { MEDIA_TIMEOUT_MS, audioFrom, ownId, receivesFrom, waitForStats } from './media-stats.mjs';

const PREFIX = 'media-';

/**
 * The one media port: in block 5 of tests/e2e/support/udp_ports.rs (whose
 * first ports the end-to-end tests of the shared port take), which the
 * kernel never hands out as an ephemeral port.
 */
const MEDIA_PORT = (() => {
  const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  return (high < 64_000 ? high + 600 : low - 1_600) + 10;
})();

const harness = new Harness();

before(() => harness.start({ PEER_ROOM_MEDIA_PORT: String(MEDIA_PORT) }));

/**
 * The server's end of the page's selected candidate pair: its protocol and port.
 * @param {import('playwright-core').Page} page
 */
function serverEnd(page) {
  return page.evaluate(async () => {
    /** @type {RTCPeerConnection} */
    const pc = /** @type {any} */ (window).peerRoomMedia.pc;
    const reports = [...(await pc.getStats()).values()];
    const transport = reports.find((r) => r.type === 'transport');
    const pair = reports.find((r) => r.id === transport?.selectedCandidatePairId);
    const remote = reports.find((r) => r.id === pair?.remoteCandidateId);
    return { protocol: remote?.protocol, port: remote?.port };
  });
}
after(() => harness.stop());

/** @typedef {import('./support.mjs').TestPage} TestPage */
/** @typedef {import('./media-stats.mjs').Inbound} Inbound */
/**
 * The facilitator (laptop) and a participant (phone) join, the participant is
 * admitted, and each waits until it gets the other's media.
 * @param {{participantInit?: () => void}} [options] a script to run in the
 *   participant's page first (to take its camera away, say)
 */
async function meet(options = {}) {
  const a = await harness.openPage({ viewport: { width: 1280, height: 800 } });
  const b = await harness.openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  if (options.participantInit) await b.page.addInitScript(options.participantInit);
  await a.page.goto(harness.links.facilitator);
  await joinAs(a.page, 'Dr. Rivera');
  await a.page.locator('#room').waitFor({ state: 'visible' });
  // The fake devices are granted: both switches are on.
  await a.page.locator('#mic-button[aria-pressed="true"]').waitFor();
  await a.page.locator('#camera-button[aria-pressed="true"]').waitFor();

  await b.page.goto(harness.links.participant);
  await joinAs(b.page, 'Sam');
  await b.page.locator('#accept-rules').click();
  await b.page.locator('#waiting').waitFor({ state: 'visible' });
  await a.page.locator('#waiting-list li', { hasText: 'Sam' }).locator('[data-admit]').click();
  await b.page.locator('#room').waitFor({ state: 'visible' });
  await b.page.locator('#mic-button[aria-pressed="true"]').waitFor();
  const [idA, idB] = [await ownId(a.page), await ownId(b.page)];
  assert.notEqual(idA, idB);
  return { a, b, idA, idB };
}

/**
 * Both leave, so the next test starts with an empty room; then checks that
 * neither page logged an error.
 * @param {TestPage} a
 * @param {TestPage} b
 * @param {number} idB
 */
async function leaveBoth(a, b, idB) {
  await leaveRoom(b.page);
  // The one who left takes their tile with them.
  await a.page.locator(`#tiles li[data-participant="${idB}"]`).waitFor({ state: 'detached' });
  assert.equal(await b.page.evaluate(() => /** @type {any} */ (window).peerRoomMedia.local.getTracks().length), 0,
    'leaving lets go of the camera and microphone');
  await leaveRoom(a.page);
  assert.deepEqual(a.problems, [], 'no errors on the facilitator page');
  assert.deepEqual(b.problems, [], 'no errors on the participant page');
  await a.page.context().close();
  await b.page.context().close();
}

/**
 * Runs a scenario; on failure, saves what each page showed and the server log.
 * @param {import('node:test').TestContext} t
 * @param {(pages: TestPage[]) => Promise<void>} scenario
 */
async function withDiagnosis(t, scenario) {
  /** @type {TestPage[]} */
  const pages = [];
  try {
    await scenario(pages);
  } catch (error) {
    await harness.diagnose(t, Object.fromEntries(pages.map((p, i) => [i === 0 ? 'facilitator' : 'participant', p])), PREFIX);
    throw error;
  }
}

test('two people see and hear each other through the server, and a host mute reaches the participant', { timeout: 120_000 }, (t) =>
  withDiagnosis(t, async (pages) => {
    const { a, b, idA, idB } = await meet();
    pages.push(a, b);
    await Promise.all([receivesFrom(a.page, idB, 'the facilitator'), receivesFrom(b.page, idA, 'the participant')]);
    for (const page of [a.page, b.page]) {
      assert.deepEqual(await serverEnd(page), { protocol: 'udp', port: MEDIA_PORT }, 'media goes through the one port');
    }
    // A clean link: video plays as soon as it can, none held back
    // (playout.js), after a few readings of the page's stats.
    await a.page.waitForTimeout(5_000);
    for (const page of [a.page, b.page]) {
      const held = await page.evaluate(() => {
        const w = /** @type {any} */ (window);
        return [w.peerRoomPlayout.playout.target, ...w.peerRoomMedia.pc.getReceivers().map((/** @type {RTCRtpReceiver} */ r) => r.jitterBufferTarget)];
      });
      assert.ok(held.every((ms) => ms === null), `no video held back on loopback: ${held}`);
    }
    await a.page.locator(`#tiles li[data-participant="${idB}"] .tile-name`, { hasText: 'Sam' }).waitFor();
    await b.page.locator(`#tiles li[data-participant="${idA}"] .tile-name`, { hasText: 'Dr. Rivera' }).waitFor();
    await harness.screenshot(a.page, 'facilitator-sees-and-hears-participant', PREFIX);
    await harness.screenshot(b.page, 'participant-sees-and-hears-facilitator', PREFIX);

    // The facilitator mutes Sam from the list of people in the room.
    await openTab(a.page, 'people');
    await a.page.locator(`#participants li[data-participant="${idB}"] [data-action="mute"]`).click();
    await b.page.locator('#mic-button[aria-pressed="false"]').waitFor();
    await b.page.locator('#host-action-notice', { hasText: 'muted your microphone' }).waitFor();
    assert.equal(await b.page.evaluate(() => /** @type {any} */ (window).peerRoomMedia.state().audio), false,
      'the microphone track is disabled');
    await a.page.locator(`#tiles li[data-participant="${idB}"] .tile-flag`, { hasText: 'Mic off' }).waitFor();
    // A host can mute but not unmute: once muted, the button is gone.
    await a.page.locator(`#participants li[data-participant="${idB}"] [data-action="mute"]`).waitFor({ state: 'detached' });
    await harness.screenshot(b.page, 'participant-muted-by-facilitator', PREFIX);
    await harness.screenshot(a.page, 'facilitator-sees-participant-muted', PREFIX);

    // Sam turns the microphone back on; the facilitator hears them again.
    const before = audioPackets(await waitForStats(a.page, 'audio from Sam', () => true), idB);
    await b.page.locator('#mic-button').click();
    await b.page.locator('#mic-button[aria-pressed="true"]').waitFor();
    await b.page.locator('#host-action-notice').waitFor({ state: 'hidden' });
    await a.page.locator(`#tiles li[data-participant="${idB}"] .tile-flag`).waitFor({ state: 'hidden' });
    await waitForStats(a.page, 'Sam heard again after unmuting', (streams) => audioPackets(streams, idB) > before + 10);

    // Sam turns the camera off: the facilitator sees their initial instead.
    await b.page.locator('#camera-button').click();
    await b.page.locator('#camera-button[aria-pressed="false"]').waitFor();
    await a.page.locator(`#tiles li[data-participant="${idB}"].tile-no-video .tile-initial`, { hasText: 'S' }).waitFor();
    await harness.screenshot(b.page, 'participant-camera-off', PREFIX);
    await harness.screenshot(a.page, 'facilitator-sees-camera-off', PREFIX);

    await leaveBoth(a, b, idB);
  }));

test('someone without a camera joins with their microphone and is told so kindly', { timeout: 120_000 }, (t) =>
  withDiagnosis(t, async (pages) => {
    const { a, b, idA, idB } = await meet({
      participantInit: () => {
        // A laptop with no camera: any request for video finds none.
        const devices = navigator.mediaDevices;
        const original = devices.getUserMedia.bind(devices);
        devices.getUserMedia = (constraints) => (constraints?.video
          ? Promise.reject(new DOMException('Requested device not found', 'NotFoundError'))
          : original(constraints));
      },
    });
    pages.push(a, b);
    await b.page.locator('#device-notice', { hasText: 'No camera was found' }).waitFor();
    await b.page.locator('#camera-button:disabled .media-state', { hasText: 'unavailable' }).waitFor();
    // They still see and hear the facilitator, who hears them and sees their initial.
    await receivesFrom(b.page, idA, 'the participant without a camera');
    await waitForStats(a.page, 'the facilitator hears the participant without a camera', (streams) =>
      audioPackets(streams, idB) > 0);
    await a.page.locator(`#tiles li[data-participant="${idB}"].tile-no-video .tile-initial`, { hasText: 'S' }).waitFor();
    await harness.screenshot(b.page, 'participant-without-camera', PREFIX);
    await leaveBoth(a, b, idB);
  }));

test('a browser that takes no audio redundancy hears the newest frame of each packet, as plain Opus', { timeout: 120_000 }, (t) =>
  withDiagnosis(t, async (pages) => {
    const { a, b, idA, idB } = await meet({
      participantInit: () => {
        // A browser without RED: the server's offers lose it before this
        // page reads them, so its answers never take it.
        const original = RTCPeerConnection.prototype.setRemoteDescription;
        RTCPeerConnection.prototype.setRemoteDescription = function (description) {
          if (!description?.sdp) return original.call(this, description);
          const red = [...description.sdp.matchAll(/a=rtpmap:(\d+) red\//g)].map((m) => m[1]);
          let sdp = description.sdp;
          for (const pt of red) {
            sdp = sdp.replace(new RegExp(`a=(rtpmap|fmtp|rtcp-fb):${pt} [^\r]*\r\n`, 'g'), '')
              .replace(new RegExp(`(m=audio [^\r]*?) ${pt}(?= |\r)`, 'g'), '$1');
          }
          return original.call(this, { type: description.type, sdp });
        };
      },
    });
    pages.push(a, b);
    await receivesFrom(b.page, idA, 'the participant without RED');
    // The facilitator sends RED (the page prefers it), so the server must
    // take each packet apart for Sam.
    const sent = await a.page.evaluate(() => /** @type {any} */ (window).peerRoomMedia.senders.audio.getParameters().codecs[0]?.mimeType);
    assert.equal(sent?.toLowerCase(), 'audio/red', 'the facilitator sends RED');
    assert.doesNotMatch(await b.page.evaluate(() => /** @type {any} */ (window).peerRoomMedia.pc.remoteDescription?.sdp ?? ''), / red\//);
    const first = await audioFrom(b.page, idA);
    await b.page.waitForTimeout(3_000);
    const then = await audioFrom(b.page, idA);
    const samples = then.samples - first.samples;
    // Three seconds of 48 kHz sound decoded, hardly any of it made up, and
    // not silence: the fake microphone's beeps come through.
    assert.ok(samples > 100_000, `${samples} samples in 3 s`);
    assert.ok((then.concealed - first.concealed) / samples < 0.05, `concealed ${then.concealed - first.concealed} of ${samples}`);
    assert.ok(then.energy > first.energy, 'sound, not silence');
    await leaveBoth(a, b, idB);
  }));

test('a facilitator who stays while eight people come and go keeps one connection and sees each of them on it', { timeout: 240_000 }, (t) =>
  withDiagnosis(t, async (pages) => {
    // Each departure makes the guest's two m-lines inactive on the
    // facilitator's connection, and the next guest reuses them (the server
    // keeps their SSRCs, renames their stream and starts the video at a
    // keyframe): the connection never restarts and never grows.
    const host = await harness.openPage({ viewport: { width: 1024, height: 700 } });
    pages.push(host);
    await enterWithDoorOpen(host.page, harness.links.facilitator);
    const hostId = await ownId(host.page);
    await host.page.waitForFunction(() => /** @type {any} */ (window).peerRoomMedia.pc?.connectionState === 'connected');
    await host.page.evaluate(() => {
      /** @type {any} */ (window).pcAtStart = /** @type {any} */ (window).peerRoomMedia.pc;
    });
    /** @param {number} n */
    const guestArrives = async (n) => {
      const guest = await harness.openPage({ viewport: { width: 640, height: 480 } });
      pages.push(guest);
      await guest.page.goto(harness.links.participant);
      await joinAs(guest.page, `Guest ${n}`);
      await guest.page.locator('#accept-rules').click();
      await guest.page.locator('#room').waitFor({ state: 'visible' });
      return { guest, id: await ownId(guest.page) };
    };
    /**
     * The facilitator decodes frames from `id`: counted from when the stream
     * became theirs, since a reused stream's count carries on from the last.
     * @param {number} id
     * @param {string} who
     */
    const hostDecodes = async (id, who) => {
      const named = await waitForStats(host.page, `${who}'s video reaches the facilitator`,
        (streams) => streams.some((s) => s.kind === 'video' && s.owner === id));
      const from = videoFrames(named, id);
      await waitForStats(host.page, `the facilitator decodes ${who}`, (streams) => videoFrames(streams, id) > from + 10);
    };
    for (let n = 1; n <= 8; n += 1) {
      const { guest, id } = await guestArrives(n);
      await hostDecodes(id, `guest ${n}`);
      await leaveRoom(guest.page);
      assert.deepEqual(guest.problems, [], `no errors on guest ${n}'s page`);
      await guest.page.context().close();
      pages.pop();
    }
    const { guest: ninth, id: ninthId } = await guestArrives(9);
    await receivesFrom(ninth.page, hostId, 'the ninth participant');
    await hostDecodes(ninthId, 'the ninth participant');
    const connection = await host.page.evaluate(() => {
      const window_ = /** @type {any} */ (window);
      const pc = window_.peerRoomMedia.pc;
      return { same: pc === window_.pcAtStart, transceivers: pc.getTransceivers().length };
    });
    assert.ok(connection.same, 'the facilitator kept the same peer connection throughout');
    // Its own two, and two it receives on; one more pair at most, had a
    // newcomer come before the page answered the last departure's offer.
    assert.ok(connection.transceivers <= 6, `transceivers: ${connection.transceivers}`);
    assert.deepEqual(host.problems, [], 'no errors on the facilitator page');
    assert.deepEqual(ninth.problems, [], 'no errors on the ninth page');
    // The next test meets in the same room and expects its waiting room.
    await host.page.locator('#waiting-room-toggle').check();
    await leaveRoom(ninth.page);
    await ninth.page.context().close();
    await host.page.context().close();
  }));

test('after a dropped connection, the same peer connection carries on (ICE restart)', { timeout: 120_000 }, (t) =>
  withDiagnosis(t, async (pages) => {
    const { a, b, idA, idB } = await meet();
    pages.push(a, b);
    await receivesFrom(b.page, idA, 'the participant');
    const before = await b.page.evaluate(() => {
      const media = /** @type {any} */ (window).peerRoomMedia;
      /** @type {any} */ (window).pcBeforeDrop = media.pc;
      media.connection.socket.close(); // as a network drop would
      return /a=ice-ufrag:(\S+)/.exec(media.pc.remoteDescription.sdp)?.[1];
    });
    await a.page.locator(`#tiles li[data-participant="${idB}"] .tile-flag`, { hasText: 'Reconnecting' }).waitFor();
    await a.page.locator(`#tiles li[data-participant="${idB}"] .tile-flag`).waitFor({ state: 'hidden' });
    // The server restarts ICE with an offer of its own, which the page answers.
    await b.page.waitForFunction((ufrag) => {
      const pc = /** @type {any} */ (window).peerRoomMedia.pc;
      return pc === /** @type {any} */ (window).pcBeforeDrop && pc.signalingState === 'stable'
        && /a=ice-ufrag:(\S+)/.exec(pc.remoteDescription.sdp)?.[1] !== ufrag;
    }, before);
    const frames = videoFrames(await waitForStats(b.page, 'video before the drop', () => true), idA);
    await waitForStats(b.page, 'video still decoded after the ICE restart', (streams) => videoFrames(streams, idA) > frames + 10);
    assert.deepEqual(await serverEnd(b.page), { protocol: 'udp', port: MEDIA_PORT }, 'still through the one port');
    await waitForStats(a.page, 'audio still received after the ICE restart', (streams) => audioPackets(streams, idB) > 0);
    await leaveBoth(a, b, idB);
  }));

/**
 * @param {Inbound[]} streams
 * @param {number} owner
 */
function audioPackets(streams, owner) {
  return streams.filter((s) => s.kind === 'audio' && s.owner === owner).reduce((n, s) => n + s.packetsReceived, 0);
}

/**
 * @param {Inbound[]} streams
 * @param {number} owner
 */
function videoFrames(streams, owner) {
  return streams.filter((s) => s.kind === 'video' && s.owner === owner).reduce((n, s) => n + s.framesDecoded, 0);
}

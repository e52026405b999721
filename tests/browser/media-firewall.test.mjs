// Media through firewalls that block UDP, in Chromium: the server and coturn
// (Debian's, started here) in one network namespace, each browser in its
// own behind its own nftables firewall (network.mjs).
//
// The server runs as an operator behind a firewall would run it: all media
// on one port (`--media-port`), UDP and TCP.
//
// - UDP blocked, no TURN reachable: the page reaches the room through ICE
//   over TCP, straight to the server's one media port.
// - UDP blocked, the server's TCP ports too: through coturn over TCP, with
//   credentials the server made for this person from the shared secret.
// - A network that lets ICE through and drops DTLS, and no ICE over TCP:
//   the page tries again and connects through TURN (its second attempt
//   over TURN's UDP, or its third over TURN over TCP only: which depends on
//   the pair ICE nominates).
// - A TURN credential past its expiry is refused by coturn (401), and one
//   made the same way that has not expired is taken.
// - A page on ICE-TCP whose network goes dark (the server's TCP stops
//   draining) holds up nobody else's media, and comes back after.
//
// Needs root, nft and coturn (tests/run.sh installs them). Run from the
// repository root: `node --test tests/browser/media-firewall.test.mjs`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Harness, enterWithDoorOpen, joinAs, leaveRoom } from './support.mjs';
import { ownId, packetsBy, videoFrom, waitForStats } from './media-stats.mjs';
import { Network, SERVER_IP } from './network.mjs';

const PREFIX = 'media-firewall-';
const SECRET = randomBytes(18).toString('base64');
const TURN_URL = `turn:${SERVER_IP}:3478?transport=tcp`;
/** The server's media port, UDP and TCP alike (its namespace has no other users). */
const MEDIA_PORT = 40000;
/** What the issue asks of a page behind a firewall. */
const DECODED_WITHIN_MS = 10_000;

const SECRET_FILE = join(tmpdir(), `peer-room-turn-secret-${process.pid}`);

const network = new Network();
const harness = new Harness();
/** @type {import('./support.mjs').TestPage} */
let host;
/** @type {number} */
let idHost;

before(async () => {
  await network.open();
  await network.startTurn(SECRET);
  await writeFile(SECRET_FILE, SECRET, { mode: 0o600 });
  harness.namespace = network.server;
  await harness.start({
    PEER_ROOM_MEDIA_IP: SERVER_IP,
    PEER_ROOM_MEDIA_PORT: String(MEDIA_PORT),
    PEER_ROOM_TURN_URLS: TURN_URL,
    PEER_ROOM_TURN_SECRET_FILE: SECRET_FILE,
    // The facilitator's page reads the server's counters.
    PEER_ROOM_METRICS_ALLOW: '10.77.0.0/16',
  }, [], `${SERVER_IP}:0`);
  const hostBrowser = await harness.launchBrowser((await network.addBrowser({ delayMs: 10 })).chromium);
  host = await harness.openPage({ viewport: { width: 1280, height: 800 } }, hostBrowser);
  await enterWithDoorOpen(host.page, harness.links.facilitator);
  idHost = await ownId(host.page);
});
after(async () => {
  await harness.stop();
  network.close();
  await rm(SECRET_FILE, { force: true });
});

/**
 * A browser in a namespace of its own behind `firewall` (nft rules for its
 * output chain), whose guest joins and is in the room.
 * @param {string} firewall
 * @param {string} name
 */
async function guestBehind(firewall, name) {
  return (await guestOnLink(firewall, name)).guest;
}

/**
 * As `guestBehind`, with the namespace the guest's browser is in.
 * @param {string} firewall
 * @param {string} name
 */
async function guestOnLink(firewall, name) {
  const link = await network.addBrowser({ delayMs: 20 });
  network.nft(link.namespace, `table inet firewall {
  chain out {
    type filter hook output priority 0; policy accept;
    ${firewall}
  }
}`);
  const browser = await harness.launchBrowser(link.chromium);
  const guest = await harness.openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }, browser);
  await guest.page.goto(harness.links.participant);
  await joinAs(guest.page, name);
  await guest.page.locator('#accept-rules').click();
  await guest.page.locator('#room').waitFor({ state: 'visible' });
  return { guest, namespace: link.namespace };
}

/**
 * How the page's media goes: its selected candidate pair's local end, and the server's port.
 * @param {import('playwright-core').Page} page
 */
function selectedPath(page) {
  return page.evaluate(async () => {
    /** @type {RTCPeerConnection} */
    const pc = /** @type {any} */ (window).peerRoomMedia.pc;
    const reports = [...(await pc.getStats()).values()];
    const transport = reports.find((r) => r.type === 'transport');
    const pair = reports.find((r) => r.id === transport?.selectedCandidatePairId);
    const local = reports.find((r) => r.id === pair?.localCandidateId);
    const remote = reports.find((r) => r.id === pair?.remoteCandidateId);
    return {
      type: local?.candidateType,
      protocol: local?.protocol,
      relayProtocol: local?.relayProtocol ?? null,
      remotePort: remote?.port,
    };
  });
}

/**
 * Both ways decoded within the 10 s, from when the guest is in.
 * @param {import('./support.mjs').TestPage} guest
 */
async function bothDecode(guest) {
  const idGuest = await ownId(guest.page);
  const frames = (/** @type {number} */ owner) => (/** @type {import('./media-stats.mjs').Inbound[]} */ streams) =>
    streams.some((s) => s.kind === 'video' && s.owner === owner && s.framesDecoded >= 5);
  await waitForStats(guest.page, 'the guest decodes the facilitator', frames(idHost), DECODED_WITHIN_MS);
  await waitForStats(host.page, 'the facilitator decodes the guest', frames(idGuest), DECODED_WITHIN_MS);
}

/**
 * @param {import('node:test').TestContext} t
 * @param {import('./support.mjs').TestPage} guest
 * @param {() => Promise<void>} body
 */
async function withGuest(t, guest, body) {
  try {
    await body();
    assert.deepEqual(guest.problems, [], 'no errors on the guest page');
  } catch (error) {
    t.diagnostic(`coturn said:\n${network.turnLog.split('\n').slice(-30).join('\n')}`);
    await harness.diagnose(t, { host, guest }, PREFIX);
    throw error;
  } finally {
    await leaveRoom(guest.page).catch(() => {});
    await guest.page.context().close();
  }
}

test('UDP blocked and no TURN in reach: the page comes in over ICE-TCP', async (t) => {
  const guest = await guestBehind('meta l4proto udp drop\n    tcp dport 3478 drop', 'Ada');
  await withGuest(t, guest, async () => {
    await bothDecode(guest);
    // Straight to the server over TCP (the browser's end of an active TCP
    // candidate shows as host or, learned from the checks, peer-reflexive).
    const path = await selectedPath(guest.page);
    assert.equal(path.protocol, 'tcp', JSON.stringify(path));
    assert.notEqual(path.type, 'relay', JSON.stringify(path));
    assert.equal(path.remotePort, MEDIA_PORT, `the server's one media port: ${JSON.stringify(path)}`);
  });
});

test('UDP and the server\'s TCP ports blocked: the page comes in through coturn over TCP', async (t) => {
  const guest = await guestBehind(`meta l4proto udp drop\n    tcp dport ${MEDIA_PORT} drop`, 'Bea');
  await withGuest(t, guest, async () => {
    await bothDecode(guest);
    const path = await selectedPath(guest.page);
    assert.equal(path.type, 'relay', JSON.stringify(path));
    assert.equal(path.relayProtocol, 'tcp', JSON.stringify(path));
    await harness.screenshot(guest.page, 'through-turn-over-tcp', PREFIX);
  });
});

test('a network that drops DTLS but lets ICE through: the page tries again and connects through TURN', async (t) => {
  // RFC 7983: a first byte from 20 to 63 is DTLS; `@th,64,8` is the byte
  // after the UDP header. And no ICE over TCP to fall back on.
  const guest = await guestBehind(`udp dport 1-65535 @th,64,8 20-63 drop\n    tcp dport ${MEDIA_PORT} drop`, 'Cy');
  await withGuest(t, guest, async () => {
    // The first connection's ICE finds the direct path, whose DTLS is
    // dropped: the page tries again. Which attempt gets through depends on
    // which pair ICE nominates: the second (every server, TURN over UDP
    // among them, whose channel data the rule lets by) or the third (TURN
    // over TCP only). Seen both ways on the same build on two machines.
    await guest.page.locator('#media-status', { hasText: 'Trying again (attempt' }).waitFor({ timeout: 40_000 });
    await guest.page.locator('#media-status').waitFor({ state: 'hidden', timeout: 20_000 });
    await bothDecode(guest);
    const path = await selectedPath(guest.page);
    assert.equal(path.type, 'relay', JSON.stringify(path));
  });
});

/**
 * A credential in the TURN REST scheme: `EXPIRY:ID` and its HMAC-SHA1.
 * @param {number} expiry Unix seconds
 */
function credential(expiry) {
  const username = `${expiry}:${randomBytes(4).toString('hex')}`;
  return { urls: [TURN_URL], username, credential: createHmac('sha1', SECRET).update(username).digest('base64') };
}

test('coturn refuses a credential past its expiry and takes one that has not expired', async (t) => {
  const guest = await guestBehind('meta l4proto udp drop', 'Dee');
  await withGuest(t, guest, async () => {
    const gather = (/** @type {RTCIceServer} */ server) => guest.page.evaluate(async (iceServer) => {
      const pc = new RTCPeerConnection({ iceServers: [iceServer], iceTransportPolicy: 'relay' });
      /** @type {number[]} */
      const errors = [];
      let relays = 0;
      pc.addEventListener('icecandidateerror', (event) => errors.push(/** @type {RTCPeerConnectionIceErrorEvent} */ (event).errorCode));
      pc.addEventListener('icecandidate', ({ candidate }) => { if (candidate?.type === 'relay') relays += 1; });
      pc.createDataChannel('probe');
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise((done) => {
        pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') done(undefined); });
        setTimeout(done, 8_000);
      });
      pc.close();
      return { errors, relays };
    }, server);
    const now = Math.floor(Date.now() / 1000);
    const expired = await gather(credential(now - 60));
    assert.equal(expired.relays, 0, 'no relay with an expired credential');
    assert.ok(expired.errors.includes(401), `coturn said 401 Unauthorized: ${JSON.stringify(expired)}`);
    const valid = await gather(credential(now + 600));
    assert.ok(valid.relays > 0, `a relay with a valid credential: ${JSON.stringify(valid)}`);
  });
});

/**
 * One of the server's counters, read by the facilitator's page.
 * @param {string} name
 */
async function counter(name) {
  const text = await host.page.evaluate(async () => (await fetch('/metrics')).text());
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `${name} in /metrics`);
  return Number(line.split(' ')[1]);
}

test('a page on ICE-TCP whose network goes dark holds up nobody else, and comes back', async (t) => {
  // Over ICE-TCP the server writes each packet into that TCP connection
  // before anything else on it; when the network stops taking them, its
  // queue stays full. Everyone else's media must flow on regardless.
  const { guest: dark, namespace } = await guestOnLink('meta l4proto udp drop\n    tcp dport 3478 drop', 'Eli');
  await withGuest(t, dark, async () => {
    const other = await guestBehind('', 'Fay');
    await withGuest(t, other, async () => {
      await bothDecode(dark);
      await bothDecode(other);
      assert.equal((await selectedPath(dark.page)).protocol, 'tcp', 'the dark page came in over ICE-TCP');
      const [idDark, idOther] = [await ownId(dark.page), await ownId(other.page)];
      await waitForStats(dark.page, 'the dark page decodes the other guest',
        (streams) => streams.some((s) => s.kind === 'video' && s.owner === idOther && s.framesDecoded >= 5));
      const behindBefore = await counter('peer_room_media_packets_subscriber_behind_total');

      // The dark page's network stops delivering the server's media.
      network.nft(namespace, `table inet blackout {
  chain in {
    type filter hook input priority 0; policy accept;
    ip saddr ${SERVER_IP} tcp sport ${MEDIA_PORT} drop
  }
}`);
      /** What the facilitator and the other guest have had of each other, and of the dark page. */
      const had = async () => ({
        hostHearsOther: (await packetsBy(host.page, 'audio')).get(idOther) ?? 0,
        hostSeesOther: (await videoFrom(host.page, idOther)).frames,
        otherHearsHost: (await packetsBy(other.page, 'audio')).get(idHost) ?? 0,
        hostHearsDark: (await packetsBy(host.page, 'audio')).get(idDark) ?? 0,
      });
      let last = await had();
      const seen = [];
      for (let i = 0; i < 6; i += 1) {
        await host.page.waitForTimeout(2_000);
        const now = await had();
        seen.push(now);
        for (const key of /** @type {const} */ (['hostHearsOther', 'hostSeesOther', 'otherHearsHost'])) {
          assert.ok(now[key] > last[key], `${key} kept growing while the page was dark: ${JSON.stringify(seen)}`);
        }
        last = now;
      }
      // Not asserted: the dark page is not heard meanwhile either. Its
      // own TCP waits for acknowledgements that the dark network drops.
      t.diagnostic(`the facilitator heard the dark page: ${seen.map((s) => s.hostHearsDark).join(', ')} packets`);
      const behind = await counter('peer_room_media_packets_subscriber_behind_total');
      t.diagnostic(`packets dropped for the dark page: ${behind - behindBefore}`);
      assert.ok(behind > behindBefore, 'the server found the dark connection full, and did not wait for it');

      // The network comes back: so does the picture.
      execFileSync('ip', ['netns', 'exec', namespace, 'nft', 'delete', 'table', 'inet', 'blackout']);
      const framesThen = (await videoFrom(dark.page, idHost)).frames;
      await waitForStats(dark.page, 'the page decodes the facilitator again once its network is back',
        (streams) => streams.some((s) => s.kind === 'video' && s.owner === idHost && s.framesDecoded >= framesThen + 20), 45_000);
      await harness.screenshot(dark.page, 'back-after-dark-tcp', PREFIX);
    });
  });
});

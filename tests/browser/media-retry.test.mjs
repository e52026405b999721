// Media on a bad network, in Chromium, with the server's media ports made
// worse by nftables on loopback (media-netns.test.mjs has the joins on a
// lossy, slow link, each browser in a network namespace of its own).
//
// A physician whose connection finds a path but never completes its
// handshake (what issue 21 saw on a lossy link; here nftables drops every
// DTLS datagram of the server's media ports but the facilitator's): their
// page says it is still trying and tries again with a fresh connection, the
// facilitator's tile for them says "Connection problem" while their chat and
// hand still work, and once the path clears the retried connection comes up
// and both see each other.
//
// Needs root (as every machine of this project has) and `nft`, which
// tests/run.sh installs. Run from the repository root:
// `node --test tests/browser/media-retry.test.mjs`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { Harness, assertInView, enterWithDoorOpen, joinAs } from './support.mjs';
import { ownId, receivesFrom } from './media-stats.mjs';

const PREFIX = 'media-retry-';
/**
 * The server's media ports: a block no other test asks for and the kernel
 * never hands out as an ephemeral port (block 3 of tests/e2e/support/udp_ports.rs).
 */
const PORTS = (() => {
  const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  const first = high < 64_000 ? high + 400 : low - 1_400;
  return { first, last: first + 99 };
})();
const TABLE = `peer_room_test_${process.pid}`;

/** UDP ports in the block that have a socket now (the server's connections). */
function serverPorts() {
  return readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)
    .map((line) => Number.parseInt(line.trim().split(/\s+/)[1]?.split(':')[1] ?? '', 16))
    .filter((port) => port >= PORTS.first && port <= PORTS.last);
}

/**
 * @param {string} script nftables commands
 * @param {boolean} [quiet] whether nft's complaints are expected (and not shown)
 */
function nft(script, quiet = false) {
  execFileSync('nft', ['-f', '-'], { input: script, stdio: ['pipe', 'inherit', quiet ? 'ignore' : 'inherit'] });
}

/**
 * Drops every DTLS datagram to or from the server's media ports but `open`
 * (RFC 7983: a first byte from 20 to 63; `@th,64,8` is the byte after the
 * UDP header). ICE still gets through, so the page finds a path and then
 * waits on a handshake that never completes: what issue 21 saw.
 * @param {number} open
 */
function blockHandshakesBut(open) {
  nft(`table inet ${TABLE} {
  chain out {
    type filter hook output priority 0; policy accept;
    udp dport ${PORTS.first}-${PORTS.last} udp dport != ${open} @th,64,8 20-63 drop
    udp sport ${PORTS.first}-${PORTS.last} udp sport != ${open} @th,64,8 20-63 drop
  }
}`);
}

function unblock() {
  try {
    nft(`delete table inet ${TABLE}`, true);
  } catch {
    // Not there: nothing to undo.
  }
}

const harness = new Harness();
before(() => harness.start({ PEER_ROOM_MEDIA_PORTS: `${PORTS.first}-${PORTS.last}` }));
after(async () => {
  unblock();
  await harness.stop();
});

test('a handshake that never completes is tried again, shown to the facilitator, and comes up once the path clears', async (t) => {
  const host = await harness.openPage({ viewport: { width: 1280, height: 800 } });
  const sam = await harness.openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    await enterWithDoorOpen(host.page, harness.links.facilitator);
    await host.page.waitForFunction(() => /** @type {any} */ (window).peerRoomMedia?.pc?.connectionState === 'connected');
    const open = serverPorts();
    assert.equal(open.length, 1, `only the facilitator's connection so far: ${open}`);
    blockHandshakesBut(open[0]);

    await sam.page.goto(harness.links.participant);
    await joinAs(sam.page, 'Sam');
    await sam.page.locator('#accept-rules').click();
    await sam.page.locator('#room').waitFor({ state: 'visible' });
    const idSam = await ownId(sam.page);

    // The facilitator sees why Sam's tile is still; Sam's page says it is
    // trying again, and the rest of the room works for Sam meanwhile.
    const samTile = host.page.locator(`#tiles li[data-participant="${idSam}"]`);
    await samTile.getByText('Connection problem').waitFor({ timeout: 20_000 });
    await sam.page.locator('#media-status', { hasText: 'Trying again (attempt 1)' }).waitFor({ timeout: 20_000 });
    await harness.screenshot(sam.page, 'participant-trying-again', PREFIX);
    // Attempts go on; after the third, Sam is told the likely cause and what to do.
    await sam.page.locator('#media-status', { hasText: 'your network may be blocking calls' }).waitFor({ timeout: 40_000 });
    await assertInView(sam.page, '#media-status', 'what to do, on a phone');
    await harness.screenshot(sam.page, 'participant-told-network-blocks', PREFIX);
    await harness.screenshot(host.page, 'facilitator-sees-connection-problem', PREFIX);
    await sam.page.locator('#hand-button').click();
    await sam.page.locator('#hand-position', { hasText: 'You are 1st in the queue' }).waitFor();
    await samTile.locator('.tile-hand').getByText('1', { exact: true }).first().waitFor();

    // The firewall opens: the connection being tried comes up (or the next
    // attempt does), and the problem is gone from the facilitator's tile.
    unblock();
    await sam.page.locator('#media-status').waitFor({ state: 'hidden', timeout: 40_000 });
    await samTile.getByText('Connection problem').waitFor({ state: 'detached' });
    await receivesFrom(host.page, idSam, 'the facilitator');
    await receivesFrom(sam.page, await ownId(host.page), 'Sam');
    assert.equal(serverPorts().length, 2, 'the server holds one connection each: the tried ones were let go');
    assert.deepEqual(host.problems, [], 'no errors on the facilitator page');
    assert.deepEqual(sam.problems, [], 'no errors on the participant page');
  } catch (error) {
    await harness.diagnose(t, { host, sam }, PREFIX);
    throw error;
  } finally {
    unblock();
  }
});

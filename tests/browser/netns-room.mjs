// The room the network-namespace media suites share: the server in a
// network namespace of its own, a facilitator on a lossy link (as issue
// 21 measured) in the room through every test, and guests who join on
// links of their own (network.mjs: a user-space link that delays, loses
// and caps). Used by media-netns.test.mjs, media-downlink.test.mjs and,
// in a session that requires end-to-end encryption, e2ee-netns.test.mjs.
// Needs root and `nft` (tests/run.sh installs it).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

import { Harness, enterWithDoorOpen, joinAs, leaveRoom, serverBinary } from './support.mjs';
import { ownId, waitForStats } from './media-stats.mjs';
import { Network, SERVER_IP } from './network.mjs';

/** A hospital Wi-Fi on a bad day, as issue 21 measured it. */
export const LOSSY = { delayMs: 50, jitterMs: 10, loss: 0.05 };
/** What the issue asks of each join. */
export const DECODED_WITHIN_MS = 15_000;
/**
 * Loading the page over such a link: its TCP waits out a retransmission
 * timeout (1 s, then doubling) for each unlucky segment, and the page is
 * a few dozen modules, so it can take longer than the 10 s a page on a
 * clean link is given (seen once in a dozen setups).
 */
export const LOAD_ON_A_BAD_LINK_MS = 30_000;
/** A phone, as most guests here are; a laptop shows large tiles. */
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
export const LAPTOP = { viewport: { width: 1280, height: 800 } };

export class NetnsRoom {
  /**
   * @param {string} prefix what this suite's screenshots and diagnostics are named with
   * @param {{e2ee?: 'required'}} [options] a session of its own that requires
   *   end-to-end encryption, rather than the demo session
   */
  constructor(prefix, options = {}) {
    this.prefix = prefix;
    this.e2ee = options.e2ee;
    /** The session's links (once `open`). */
    this.links = { facilitator: '', participant: '' };
    this.network = new Network();
    this.harness = new Harness();
    /** The facilitator, in the room through every test (once `open`). @type {import('./support.mjs').TestPage} */
    this.host = /** @type {any} */ (undefined);
    this.idHost = 0;
  }

  /** Starts the server and brings the facilitator in, the door open. */
  async open() {
    await this.network.open();
    this.harness.namespace = this.network.server;
    // The facilitator's page reads the server's counters for the diagnostics.
    await this.harness.start({ PEER_ROOM_MEDIA_IP: SERVER_IP, PEER_ROOM_METRICS_ALLOW: '10.77.0.0/16' }, [], `${SERVER_IP}:0`);
    this.links = this.e2ee ? this.encryptedSession() : this.harness.links;
    const hostBrowser = await this.harness.launchBrowser((await this.network.addBrowser({ ...LOSSY, seed: 1 })).chromium);
    this.host = await this.harness.openPage(LAPTOP, hostBrowser);
    this.host.page.setDefaultNavigationTimeout(LOAD_ON_A_BAD_LINK_MS);
    await enterWithDoorOpen(this.host.page, this.links.facilitator);
    this.idHost = await ownId(this.host.page);
  }

  /**
   * A session that requires end-to-end encryption, made with the server's
   * own command line on its database (the organizers' API is in the
   * server's namespace), and its links on the server's address.
   */
  encryptedSession() {
    const startsAt = new Date(Date.now() + 5 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const args = ['session', 'create', '--database-url', `sqlite://${this.harness.dataDir}/t.db`, '--title', 'Encrypted group',
      '--starts-at', startsAt, '--minutes', '60', '--e2ee', 'required'];
    const run = spawnSync(this.harness.binary ?? serverBinary(), args, { encoding: 'utf8', env: { ...process.env, RUST_LOG: 'warn' } });
    assert.equal(run.status, 0, `peer-room session create failed:\n${run.stdout}${run.stderr}`);
    const link = (/** @type {string} */ role) => {
      const token = new RegExp(`${role} link: \\S+#(\\S+)`).exec(run.stdout)?.[1];
      assert.ok(token, `a ${role} link in:\n${run.stdout}`);
      return `${this.harness.links.url}/join#${token}`;
    };
    return { facilitator: link('facilitator'), participant: link('participant') };
  }

  async close() {
    await this.harness.stop();
    this.network.close();
  }

  /**
   * A guest on `browser` joins through the participant link and is in the room.
   * @param {import('playwright-core').Browser} browser
   * @param {string} name
   * @param {number} [patience] ms for each step, if not the usual (a small link loads the page slowly)
   * @param {import('playwright-core').BrowserContextOptions} [device]
   */
  async guestJoins(browser, name, patience = 0, device = PHONE) {
    const guest = await this.harness.openPage(device, browser);
    if (patience > 0) guest.page.setDefaultTimeout(patience);
    guest.page.setDefaultNavigationTimeout(Math.max(patience, LOAD_ON_A_BAD_LINK_MS));
    await guest.page.goto(this.links.participant);
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
  async withGuest(t, guest, body) {
    try {
      await body();
    } catch (error) {
      await this.harness.diagnose(t, { host: this.host, guest }, this.prefix);
      throw error;
    } finally {
      await leaveRoom(guest.page).catch(() => {});
      await guest.page.context().close();
    }
  }

  /**
   * A counter of the server's `/metrics`, read through the facilitator's page
   * (its namespace may scrape).
   * @param {string} name
   */
  async serverCounter(name) {
    const text = await this.host.page.evaluate(async () => (await fetch('/metrics')).text());
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    assert.ok(line, `${name} in /metrics`);
    return Number(line.split(' ')[1]);
  }
}

/**
 * Waits until `page` decodes new video frames from `owner`: counted from
 * when that person's stream shows up, as a reused transceiver carries the
 * frames of whoever had it before.
 * @param {import('playwright-core').Page} page
 * @param {number} owner
 * @param {string} what
 */
export async function decodesNewFramesFrom(page, owner, what) {
  const decoded = (/** @type {import('./media-stats.mjs').Inbound[]} */ streams) => streams
    .filter((s) => s.kind === 'video' && s.owner === owner).reduce((sum, s) => sum + s.framesDecoded, 0);
  const first = decoded(await waitForStats(page, `${what}: the stream`, (streams) =>
    streams.some((s) => s.kind === 'video' && s.owner === owner), DECODED_WITHIN_MS));
  await waitForStats(page, what, (streams) => decoded(streams) >= first + 10, DECODED_WITHIN_MS);
}

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

/**
 * The fresh connections the page has made since it joined.
 * @param {import('playwright-core').Page} page
 */
export function retries(page) {
  return page.evaluate(() => /** @type {number} */ (/** @type {any} */ (window).retries));
}

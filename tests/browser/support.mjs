// What the browser suites share: the real server binary on a free port with
// a fresh database, headless Chromium with fake camera and microphone, pages
// that collect their own errors, and numbered screenshots.
//
// Environment: PEER_ROOM_BIN (the server binary; built with cargo when the
// default one is missing), PEER_ROOM_SCREENSHOTS (where step screenshots go),
// PEER_ROOM_CHROMIUM (the browser).

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
// playwright-core is a dev dependency of the web client, not of the root.
const require = createRequire(join(root, 'web-client', 'package.json'));
/** @type {import('playwright-core')} */
const { chromium } = require('playwright-core');

const SERVER_BIN = resolve(root, process.env.PEER_ROOM_BIN ?? 'target/debug/peer-room');
const CHROMIUM = process.env.PEER_ROOM_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = resolve(root, process.env.PEER_ROOM_SCREENSHOTS ?? 'tests/artifacts/screenshots');
export const TIMEOUT_MS = 10_000;
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--disable-background-networking', '--disable-component-update', '--disable-gpu',
];

/**
 * The organizers' zone in the tests: not the machine's (UTC in CI), so a time
 * shown in the wrong zone shows. A zone whose rules the server's chrono-tz,
 * Node and Chromium agree on: for America/Vancouver, Chromium 156 already has
 * British Columbia on permanent UTC-7 from November 2026, and chrono-tz
 * 0.10.4 does not.
 */
export const TIME_ZONE = 'America/Toronto';
/** en-GB writes times as 18:05 in every ICU version, in Node as in Chromium. */
export const LOCALE = 'en-GB';

/**
 * The wall-clock time at `millis` in `timeZone`, as a datetime-local input
 * takes it.
 * @param {number} millis
 * @param {string} timeZone
 */
export function wallClock(millis, timeZone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(millis)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** @typedef {{page: import('playwright-core').Page, problems: string[]}} TestPage */

/**
 * The server binary, built first if it is the default one and missing.
 * Cargo waits on its own lock if another build is running.
 */
export function serverBinary() {
  if (!existsSync(SERVER_BIN) && process.env.PEER_ROOM_BIN === undefined) {
    const build = spawnSync('cargo', ['build', '-p', 'peer-room'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    assert.equal(build.status, 0, '`cargo build -p peer-room` failed');
  }
  assert.ok(existsSync(SERVER_BIN), `no server binary at ${SERVER_BIN}: run \`cargo build -p peer-room\` or set PEER_ROOM_BIN`);
  return SERVER_BIN;
}

/**
 * The server built with the media tap (`--features media-tap`, see
 * server/src/media/tap.rs), which tests/run.sh builds beside the plain one;
 * built here if missing.
 */
export function tapBinary() {
  const tap = resolve(root, process.env.PEER_ROOM_TAP_BIN ?? 'target/debug/peer-room-tap');
  if (!existsSync(tap) && process.env.PEER_ROOM_TAP_BIN === undefined) {
    const run = (/** @type {string[]} */ args) => spawnSync(args[0], args.slice(1), { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] }).status;
    assert.equal(run(['cargo', 'build', '-p', 'peer-room', '--features', 'media-tap']), 0, 'building the tap failed');
    assert.equal(run(['cp', resolve(root, 'target/debug/peer-room'), tap]), 0);
    // The plain server back in its place.
    assert.equal(run(['cargo', 'build', '-p', 'peer-room']), 0);
  }
  assert.ok(existsSync(tap), `no tap build at ${tap}`);
  return tap;
}

/**
 * A running server and a browser, for one test file.
 */
export class Harness {
  constructor() {
    /** @type {import('node:child_process').ChildProcess | undefined} */
    this.server = undefined;
    this.serverOutput = '';
    /** What the server printed on its standard output, line by line. @type {string[]} */
    this.stdoutLines = [];
    /** @type {string | undefined} */
    this.dataDir = undefined;
    /** @type {import('playwright-core').Browser | undefined} */
    this.browser = undefined;
    /** @type {{url: string, facilitator: string, participant: string}} */
    this.links = { url: '', facilitator: '', participant: '' };
    this.step = 0;
    /** The network namespace the server runs in, if not the machine's (network.mjs). @type {string | undefined} */
    this.namespace = undefined;
    /** Browsers started in namespaces of their own. @type {import('playwright-core').Browser[]} */
    this.others = [];
    /** The server binary, if not `serverBinary()`'s (the tap's, say). @type {string | undefined} */
    this.binary = undefined;
  }

  /**
   * A second Chromium, started by `executable` (a script that starts it in
   * a network namespace, say), that takes the server's plain-HTTP address
   * for a secure origin as it takes 127.0.0.1: cameras need one.
   * @param {string} executable
   */
  async launchBrowser(executable) {
    const secure = `--unsafely-treat-insecure-origin-as-secure=${this.links.url}`;
    const browser = await chromium.launch({ executablePath: executable, headless: true, args: [...CHROMIUM_ARGS, secure] });
    this.others.push(browser);
    return browser;
  }

  /**
   * @param {Record<string, string>} [env] extra environment for the server
   * @param {string[]} [browserArgs] extra Chromium switches (a lighter fake camera, say)
   * @param {string} [listen] where the server listens
   */
  async start(env = {}, browserArgs = [], listen = '127.0.0.1:0') {
    await mkdir(SCREENSHOTS, { recursive: true });
    this.links = await this.startServer(env, { listen });
    for (const link of [this.links.facilitator, this.links.participant]) {
      assert.ok(link.startsWith(`${this.links.url}/join#`), `a join link on the server's own address: ${link}`);
    }
    await this.launch(browserArgs);
  }

  /**
   * The harness's Chromium, for a suite that starts its servers itself.
   * @param {string[]} [browserArgs] extra Chromium switches
   */
  async launch(browserArgs = []) {
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install -y chromium, or set PEER_ROOM_CHROMIUM`);
    this.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...browserArgs] });
  }

  /**
   * The first group of a line the server printed that matches `pattern`, or
   * null if it printed none by the time it said it was ready (it prints all
   * it has to say about its first start before "Ready.").
   * @param {RegExp} pattern
   * @returns {Promise<string | null>}
   */
  async printed(pattern) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const match = this.stdoutLines.map((line) => pattern.exec(line)).find(Boolean);
      if (match) return match[1] ?? match[0];
      if (this.stdoutLines.some((line) => /^Ready\b/.test(line))) return null;
      assert.ok(Date.now() < deadline, `the server did not say it was ready in 20 s:\n${this.serverOutput}`);
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  /**
   * Adds an organizer account with the server's own command line, on the
   * running server's database.
   * @param {{email: string, name: string, timeZone: string, password: string}} account
   */
  addOrganizer({ email, name, timeZone, password }) {
    assert.ok(this.dataDir, 'the server is running');
    const args = ['organizer', 'add', '--database-url', `sqlite://${this.dataDir}/t.db`,
      '--email', email, '--name', name, '--time-zone', timeZone];
    const run = spawnSync(serverBinary(), args, { input: `${password}\n`, encoding: 'utf8', env: { ...process.env, RUST_LOG: 'warn' } });
    assert.equal(run.status, 0, `peer-room organizer add failed:\n${run.stdout}${run.stderr}`);
  }

  async stop() {
    await this.browser?.close().catch(() => {});
    for (const browser of this.others) await browser.close().catch(() => {});
    await this.stopServer();
  }

  /**
   * Starts the server on a free port with a fresh database and reads the demo
   * session's links from what it prints on first start.
   * @param {Record<string, string>} env
   * @param {{listen?: string, fresh?: boolean}} [options] where to listen; `fresh: false` keeps the database (a restart)
   * @returns {Promise<{url: string, facilitator: string, participant: string}>}
   */
  async startServer(env, { listen = '127.0.0.1:0', fresh = true } = {}) {
    const binary = this.binary ?? serverBinary();
    if (fresh || !this.dataDir) this.dataDir = await mkdtemp(join(tmpdir(), 'peer-room-browser-'));
    const args = ['--listen', listen, '--database-url', `sqlite://${this.dataDir}/t.db`];
    const [command, commandArgs] = this.namespace ? ['ip', ['netns', 'exec', this.namespace, binary, ...args]] : [binary, args];
    const child = spawn(command, commandArgs, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn', ...env },
    });
    this.server = child;
    // Never leave a server behind, even when the test run itself is cut short.
    process.once('exit', () => child.kill('SIGKILL'));
    for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
      process.once(signal, () => {
        child.kill('SIGKILL');
        process.exit(130);
      });
    }
    child.stderr?.on('data', (chunk) => { this.serverOutput += chunk; });
    const lines = createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) });
    return new Promise((resolvePromise, reject) => {
      /** @type {Record<string, string>} */
      const found = {};
      const timer = setTimeout(() => reject(new Error(`the server printed no links in 20 s:\n${this.serverOutput}`)), 20_000);
      child.once('exit', (code) => reject(new Error(`the server exited (${code}) before printing its links:\n${this.serverOutput}`)));
      lines.on('line', (line) => {
        this.serverOutput += `${line}\n`;
        this.stdoutLines.push(line);
        const listening = /^PeerRoom is listening on (\S+)$/.exec(line);
        if (listening) found.url = listening[1];
        const link = /^\s*(facilitator|participant) link: (\S+)$/.exec(line);
        if (link) found[link[1]] = link[2];
        // A restart prints no links: only a first start makes the demo session.
        if (found.url && ((found.facilitator && found.participant) || !fresh)) {
          clearTimeout(timer);
          resolvePromise({ url: found.url, facilitator: found.facilitator ?? '', participant: found.participant ?? '' });
        }
      });
    });
  }

  /**
   * Stops the server as a service manager would (SIGTERM) and starts it
   * again on the same address with the same database, as an upgrade does.
   * @param {Record<string, string>} [env]
   */
  async restartServer(env = {}) {
    await this.stopProcess();
    await this.startServer(env, { listen: new URL(this.links.url).host, fresh: false });
  }

  async stopServer() {
    await this.stopProcess();
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
  }

  async stopProcess() {
    const child = this.server;
    this.server = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      // The server waits up to 5 s for connections to say goodbye; do not wait forever.
      const killer = setTimeout(() => child.kill('SIGKILL'), 8_000);
      await exited;
      clearTimeout(killer);
    }
  }

  /**
   * A page in its own browser context, so each person has their own storage
   * (and device key), like two people on two computers.
   * @param {import('playwright-core').BrowserContextOptions} options
   * @param {import('playwright-core').Browser | undefined} [browser] which browser (the harness's own by default)
   * @returns {Promise<TestPage>}
   */
  async openPage(options, browser = this.browser) {
    assert.ok(browser);
    const context = await browser.newContext(options);
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
    /** @type {string[]} */
    const problems = [];
    // A CSP violation or a script error shows up here; the test fails on any.
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    return { page, problems };
  }

  /**
   * Saves the next numbered screenshot: `<prefix>NN-<name>.png`.
   * @param {import('playwright-core').Page} page
   * @param {string} name
   * @param {string} [prefix]
   */
  async screenshot(page, name, prefix = '') {
    this.step += 1;
    // A pointer left over a button would show its hover style, which reads as "pressed".
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(SCREENSHOTS, `${prefix}${String(this.step).padStart(2, '0')}-${name}.png`), fullPage: true });
  }

  /**
   * Saves what each person saw and reports what the server said, to tell a
   * client bug from a server one.
   * @param {import('node:test').TestContext} t
   * @param {Record<string, TestPage>} pages
   * @param {string} [prefix]
   */
  async diagnose(t, pages, prefix = '') {
    for (const [who, { page }] of Object.entries(pages)) {
      await page.screenshot({ path: join(SCREENSHOTS, `${prefix}failed-${who}.png`), fullPage: true }).catch(() => {});
    }
    const problems = Object.fromEntries(Object.entries(pages).map(([who, { problems: p }]) => [who, p]));
    t.diagnostic(`page problems: ${JSON.stringify(problems)}`);
    for (const line of `server output:\n${this.serverOutput}`.trimEnd().split('\n')) t.diagnostic(line);
  }
}

/**
 * Types a name, passes the device check with its default choices (the
 * browser's own camera and microphone, both on), and joins.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
export async function joinAs(page, name) {
  await page.locator('#name').fill(name);
  await page.locator('#join-button').click();
  await page.locator('#device-continue').click();
}

const AXE_SOURCE = require.resolve('axe-core/axe.min.js');

/**
 * Runs axe-core on what the page shows now and fails on any violation, at
 * every impact level (minor and moderate too), naming the rule and the
 * elements. The script goes in through the debugging protocol, not a
 * <script>, so the page's CSP stays on.
 * @param {import('playwright-core').Page} page
 * @param {string} where what the page is showing, for the failure message
 */
export async function checkAccessibility(page, where) {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(await readFile(AXE_SOURCE, 'utf8'));
  /** @type {{id: string, impact: string | null, help: string, nodes: {target: string[]}[]}[]} */
  const violations = await page.evaluate(async () => {
    // @ts-expect-error axe is the global the script above defined
    const results = await window.axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((/** @type {any} */ v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((/** @type {any} */ n) => ({ target: n.target })),
    }));
  });
  const described = violations.map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(described, [], `accessibility problems on ${where}`);
}

/** @typedef {'waiting' | 'people' | 'agenda' | 'activities' | 'summary' | 'chat'} DockTab */

/**
 * The facilitator enters through their link and turns the waiting room off,
 * so that the people who join next come straight in.
 * @param {import('playwright-core').Page} page
 * @param {string} link the facilitator's join link
 * @param {string} [name]
 */
export async function enterWithDoorOpen(page, link, name = 'Dr. Rivera') {
  await page.goto(link);
  await joinAs(page, name);
  await page.locator('#room').waitFor({ state: 'visible' });
  await openTab(page, 'waiting');
  await page.locator('#waiting-room-toggle').uncheck();
}

/**
 * Brings one of the dock's panels into view, as a person would: its tab if
 * the dock is open, else the control bar's button that opens the dock (the
 * chat's, the host's console, or the people) and then the tab.
 * @param {import('playwright-core').Page} page
 * @param {DockTab} tab
 */
export async function openTab(page, tab) {
  const panel = page.locator(`#dock-${tab}`);
  if (await panel.isVisible()) return;
  const tabButton = page.locator(`#tab-${tab}`);
  if (!(await tabButton.isVisible())) {
    if (tab === 'chat') await page.locator('#chat-button').click();
    else if (await page.locator('#console-button').isVisible()) await page.locator('#console-button').click();
    else await page.locator('#people-button').click();
  }
  if (!(await panel.isVisible())) await tabButton.click();
  await panel.waitFor({ state: 'visible' });
}

/**
 * Leaves the room through the control bar and its question.
 * @param {import('playwright-core').Page} page
 */
export async function leaveRoom(page) {
  await page.locator('#leave-button').click();
  await page.locator('#leave-confirm').click();
  await page.locator('#final').waitFor({ state: 'visible' });
}

/**
 * Where an element is, against the viewport, and how much of it shows.
 * @param {import('playwright-core').Page} page
 * @param {string} selector
 */
export function placeOf(page, selector) {
  return page.evaluate((sel) => {
    const element = document.querySelector(sel);
    if (!element) return null;
    const box = element.getBoundingClientRect();
    const width = window.innerWidth;
    const height = window.innerHeight;
    const visibleWidth = Math.max(0, Math.min(box.right, width) - Math.max(box.left, 0));
    const visibleHeight = Math.max(0, Math.min(box.bottom, height) - Math.max(box.top, 0));
    return {
      box: { left: box.left, top: box.top, right: box.right, bottom: box.bottom, width: box.width, height: box.height },
      viewport: { width, height },
      inside: box.width > 0 && box.height > 0 && box.left >= -0.5 && box.top >= -0.5 && box.right <= width + 0.5 && box.bottom <= height + 0.5,
      shown: box.width * box.height > 0 ? (visibleWidth * visibleHeight) / (box.width * box.height) : 0,
    };
  }, selector);
}

/**
 * Fails unless the element is wholly inside the viewport, as it stands (no
 * scrolling).
 * @param {import('playwright-core').Page} page
 * @param {string} selector
 * @param {string} what
 */
export async function assertInView(page, selector, what) {
  const place = await placeOf(page, selector);
  assert.ok(place, `${what}: no ${selector} on the page`);
  assert.ok(place.inside, `${what}: ${selector} is not wholly inside the ${place.viewport.width}x${place.viewport.height} viewport: ${JSON.stringify(place.box)}`);
}

/**
 * The page does not scroll: nothing is taller or wider than the viewport.
 * @param {import('playwright-core').Page} page
 * @param {string} where
 */
export async function assertNoPageScroll(page, where) {
  const size = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth, scrollHeight: document.documentElement.scrollHeight,
    width: window.innerWidth, height: window.innerHeight, scrollY: window.scrollY,
  }));
  assert.ok(size.scrollWidth <= size.width && size.scrollHeight <= size.height && size.scrollY === 0,
    `${where}: the page scrolls (${size.scrollWidth}x${size.scrollHeight} in a ${size.width}x${size.height} viewport, at ${size.scrollY})`);
}

/**
 * Fails unless the element is inside the viewport and nothing covers it:
 * what is drawn at its centre is the element itself (or inside it).
 * @param {import('playwright-core').Locator} locator
 * @param {string} what
 */
export async function assertSeen(locator, what) {
  await locator.waitFor({ state: 'visible' });
  const seen = await locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const inside = box.left >= -0.5 && box.top >= -0.5 && box.right <= window.innerWidth + 0.5 && box.bottom <= window.innerHeight + 0.5;
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + Math.min(box.height / 2, 20));
    return { inside, onTop: Boolean(top && (element === top || element.contains(top))), box: [box.left, box.top, box.right, box.bottom].map(Math.round) };
  });
  assert.ok(seen.inside, `${what}: not wholly inside the viewport (${seen.box})`);
  assert.ok(seen.onTop, `${what}: covered by something else (${seen.box})`);
}

// Browser smoke test: a facilitator and a participant join the same demo
// session in headless Chromium, through the real server binary, and see each
// other's chat and raised hand.
//
// Run from the repository root: `node --test tests/browser/`
// Needs: the server built (`cargo build -p peer-room`), `npm install` in
// web-client/ (for playwright-core), and Chromium at /usr/bin/chromium.
// Environment: PEER_ROOM_BIN (the server binary), PEER_ROOM_SCREENSHOTS
// (where step screenshots go), PEER_ROOM_CHROMIUM (the browser).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
// playwright-core is a dev dependency of the web client, not of the root.
const require = createRequire(join(root, 'web-client', 'package.json'));
/** @type {import('playwright-core')} */
const { chromium } = require('playwright-core');

const SERVER_BIN = resolve(root, process.env.PEER_ROOM_BIN ?? 'target/debug/peer-room');
const CHROMIUM = process.env.PEER_ROOM_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = resolve(root, process.env.PEER_ROOM_SCREENSHOTS ?? 'tests/artifacts/screenshots');
const TIMEOUT_MS = 10_000;
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--disable-background-networking', '--disable-component-update', '--disable-gpu',
];

/** @type {import('node:child_process').ChildProcess | undefined} */
let server;
let serverOutput = '';
/** @type {string | undefined} */
let dataDir;
/** @type {import('playwright-core').Browser | undefined} */
let browser;
/** @type {{url: string, facilitator: string, participant: string}} */
let links;

/**
 * Starts the server on a free port with a fresh database and reads the demo
 * session's links from what it prints on first start.
 */
async function startServer() {
  assert.ok(existsSync(SERVER_BIN), `no server binary at ${SERVER_BIN}: run \`cargo build -p peer-room\` or set PEER_ROOM_BIN`);
  dataDir = await mkdtemp(join(tmpdir(), 'peer-room-browser-'));
  const child = spawn(SERVER_BIN, ['--listen', '127.0.0.1:0', '--database-url', `sqlite://${dataDir}/t.db`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
  });
  server = child;
  // Never leave a server behind, even when the test run itself is cut short.
  process.once('exit', () => child.kill('SIGKILL'));
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
    process.once(signal, () => {
      child.kill('SIGKILL');
      process.exit(130);
    });
  }
  child.stderr?.on('data', (chunk) => { serverOutput += chunk; });
  const lines = createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) });
  return new Promise((resolvePromise, reject) => {
    /** @type {Record<string, string>} */
    const found = {};
    const timer = setTimeout(() => reject(new Error(`the server printed no links in 20 s:\n${serverOutput}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before printing its links:\n${serverOutput}`)));
    lines.on('line', (line) => {
      serverOutput += `${line}\n`;
      const listening = /^PeerRoom is listening on (\S+)$/.exec(line);
      if (listening) found.url = listening[1];
      const link = /^\s*(facilitator|participant) link: (\S+)$/.exec(line);
      if (link) found[link[1]] = link[2];
      if (found.url && found.facilitator && found.participant) {
        clearTimeout(timer);
        resolvePromise({ url: found.url, facilitator: found.facilitator, participant: found.participant });
      }
    });
  });
}

async function stopServer() {
  const child = server;
  server = undefined;
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    // The server waits up to 5 s for connections to say goodbye; do not wait forever.
    const killer = setTimeout(() => child.kill('SIGKILL'), 8_000);
    await exited;
    clearTimeout(killer);
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}

/**
 * A page in its own browser context, so each person has their own storage
 * (and device key), like two people on two computers.
 * @param {import('playwright-core').BrowserContextOptions} options
 */
async function openPage(options) {
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

let step = 0;
/**
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
async function screenshot(page, name) {
  step += 1;
  // A pointer left over a button would show its hover style, which reads as "pressed".
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(SCREENSHOTS, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
async function joinAs(page, name) {
  await page.locator('#name').fill(name);
  await page.locator('#join-button').click();
}

before(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  links = await startServer();
  for (const link of [links.facilitator, links.participant]) {
    assert.ok(link.startsWith(`${links.url}/join#`), `a join link on the server's own address: ${link}`);
  }
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install -y chromium, or set PEER_ROOM_CHROMIUM`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close().catch(() => {});
  await stopServer();
});

test('a facilitator admits a participant, who chats and raises a hand', async (t) => {
  const a = await openPage({ viewport: { width: 1180, height: 820 } });
  const b = await openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }); // a phone
  try {
    await meetAndChat(a, b);
  } catch (error) {
    // What each person saw and what the server said, to tell a client bug from a server one.
    await a.page.screenshot({ path: join(SCREENSHOTS, 'failed-facilitator.png'), fullPage: true }).catch(() => {});
    await b.page.screenshot({ path: join(SCREENSHOTS, 'failed-participant.png'), fullPage: true }).catch(() => {});
    t.diagnostic(`page problems: ${JSON.stringify({ facilitator: a.problems, participant: b.problems })}`);
    for (const line of `server output:\n${serverOutput}`.trimEnd().split('\n')) t.diagnostic(line);
    throw error;
  }
});

/**
 * The scenario itself, step by step.
 * @param {{page: import('playwright-core').Page, problems: string[]}} a the facilitator
 * @param {{page: import('playwright-core').Page, problems: string[]}} b the participant
 */
async function meetAndChat(a, b) {
  // A, the facilitator, goes straight into the room: hosts have no gate.
  await a.page.goto(links.facilitator);
  await joinAs(a.page, 'Dr. Rivera');
  await a.page.locator('#room').waitFor({ state: 'visible' });
  await a.page.locator('#participants li', { hasText: 'Dr. Rivera' }).waitFor();
  await a.page.locator('#waiting-list').waitFor({ state: 'attached' });
  await screenshot(a.page, 'facilitator-in-room');

  // B, a participant, reads the ground rules and accepts them.
  await b.page.goto(links.participant);
  await joinAs(b.page, 'Sam');
  await b.page.locator('#accept-rules').waitFor({ state: 'visible' });
  assert.ok(await b.page.locator('#rules li').count() > 0, 'the ground rules are shown');
  await screenshot(b.page, 'participant-ground-rules');
  await b.page.locator('#accept-rules').click();
  await b.page.locator('#waiting').waitFor({ state: 'visible' });
  await screenshot(b.page, 'participant-waiting');

  // A sees B waiting, with the rules accepted, and admits them.
  const waiting = a.page.locator('#waiting-list li', { hasText: 'Sam' });
  await waiting.filter({ hasText: 'accepted the ground rules' }).waitFor();
  await screenshot(a.page, 'facilitator-sees-waiting');
  await waiting.locator('[data-admit]').click();

  // B is in, and sees both people.
  await b.page.locator('#room').waitFor({ state: 'visible' });
  await b.page.locator('#participants li', { hasText: 'Dr. Rivera' }).waitFor();
  await b.page.locator('#participants li', { hasText: 'Sam' }).waitFor();
  await a.page.locator('#participants li', { hasText: 'Sam' }).waitFor();
  assert.equal(await a.page.locator('#waiting-list li').count(), 0, 'no one is left waiting');
  await screenshot(b.page, 'participant-in-room');

  // B writes to the group; A reads it.
  await b.page.locator('#chat-input').fill('Thank you for having me. It has been a hard week.');
  await b.page.locator('#chat-send').click();
  await a.page.locator('#chat-log li', { hasText: 'It has been a hard week.' }).waitFor();
  await b.page.locator('#chat-log li', { hasText: 'It has been a hard week.' }).waitFor();
  assert.equal(await b.page.locator('#chat-input').inputValue(), '', 'the sent line leaves the input');
  await screenshot(a.page, 'facilitator-sees-chat');

  // B raises a hand; A sees it in the queue.
  await b.page.locator('#hand-button').click();
  await b.page.locator('#hand-button[aria-pressed="true"]').waitFor();
  await a.page.locator('#hand-queue li', { hasText: 'Sam' }).waitFor();
  await screenshot(b.page, 'participant-hand-raised');
  await screenshot(a.page, 'facilitator-sees-hand');

  assert.match(await a.page.locator('#status').innerText(), /In the room/);
  assert.deepEqual(a.problems, [], 'no errors on the facilitator page');
  assert.deepEqual(b.problems, [], 'no errors on the participant page');
}

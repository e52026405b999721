// Two nodes on one PostgreSQL (docs/deployment.md, "From one node to three"),
// as browsers meet them: the facilitator's page, opened on node B, starts the
// room there; a participant who opens their link on node A is sent on to B
// (`room_elsewhere`, followed by the page) without a word about it, comes in,
// and the two see and hear each other through B. The database is a throwaway
// PostgreSQL (testkit's `throwaway-postgres`); the nodes are the real server
// binary on 127.0.0.1 and 127.0.0.2, each with its own media address.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { Harness, joinAs, openTab, root, serverBinary } from './support.mjs';
import { receivesFrom, ownId } from './media-stats.mjs';

const harness = new Harness();
/** @type {import('node:child_process').ChildProcess[]} */
const children = [];
let folder = '';

/** @param {import('node:child_process').ChildProcess} child */
function lines(child) {
  return createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) });
}

/** A throwaway PostgreSQL; answers its URL. Closing its stdin removes it. */
async function startPostgres() {
  const binary = join(root, 'target/debug/throwaway-postgres');
  if (!existsSync(binary)) {
    const build = spawnSync('cargo', ['build', '-p', 'peer-room-testkit', '--bin', 'throwaway-postgres'], { cwd: root, stdio: 'inherit' });
    assert.equal(build.status, 0, 'building throwaway-postgres failed');
  }
  const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  for await (const line of lines(child)) {
    const ready = /^ready (\S+)$/.exec(line);
    if (ready) return ready[1];
  }
  throw new Error('the throwaway PostgreSQL did not start');
}

/** A free port on `host`. @param {string} host @returns {Promise<number>} */
function freePort(host) {
  return new Promise((done, fail) => {
    const probe = createServer().once('error', fail).listen(0, host, () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
      probe.close(() => done(port));
    });
  });
}

/**
 * A node, started and ready; answers the join links it printed (only the
 * first node's first start prints the demo session's).
 * @param {string[]} args
 * @returns {Promise<Record<string, string>>}
 */
async function startNode(args) {
  const child = spawn(serverBinary(), args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, RUST_LOG: 'error,peer_room=warn' } });
  children.push(child);
  /** @type {Record<string, string>} */
  const links = {};
  for await (const line of lines(child)) {
    const link = /^\s*(facilitator|participant) link: (\S+)$/.exec(line);
    if (link) links[link[1]] = link[2];
    if (/^Ready\b/.test(line)) return links;
  }
  throw new Error(`a node exited before it was ready: ${args.join(' ')}`);
}

/** @type {{a: string, b: string, facilitator: string, participant: string}} */
const cluster = { a: '', b: '', facilitator: '', participant: '' };

before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'peer-room-cluster-'));
  const database = await startPostgres();
  const [portA, portB] = [await freePort('127.0.0.1'), await freePort('127.0.0.2')];
  cluster.a = `http://127.0.0.1:${portA}`;
  cluster.b = `http://127.0.0.2:${portB}`;
  // One public address (A's) for the links, as behind one proxy; each node
  // reached at its own for the rooms it runs, and each page's origin allowed.
  const shared = ['--database-url', database, '--token-key-file', join(folder, 'token.key'),
    '--public-url', cluster.a, '--allowed-origins', `${cluster.a},${cluster.b}`];
  const links = await startNode([...shared, '--listen', `127.0.0.1:${portA}`, '--node-url', cluster.a, '--media-ip', '127.0.0.1']);
  await startNode([...shared, '--listen', `127.0.0.2:${portB}`, '--node-url', cluster.b, '--media-ip', '127.0.0.2']);
  // A node learns of the others from their heartbeats, at its own next beat
  // (a third of the lease): only then may its room page follow to them.
  for (const deadline = Date.now() + 10_000; ;) {
    const policy = (await fetch(`${cluster.a}/join`)).headers.get('content-security-policy') ?? '';
    if (policy.includes(cluster.b.replace(/^http/, 'ws'))) break;
    assert.ok(Date.now() < deadline, `node A's room page never allowed node B: ${policy}`);
    await new Promise((done) => setTimeout(done, 200));
  }
  const token = (/** @type {string} */ link) => new URL(link).hash;
  cluster.facilitator = token(links.facilitator);
  cluster.participant = token(links.participant);
  await harness.launch();
});

after(async () => {
  await harness.stop();
  for (const child of children.reverse()) {
    child.stdin?.end();
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((done) => child.once('exit', done));
  }
  await rm(folder, { recursive: true, force: true });
});

test('a participant who opens their link on another node is taken to the room unnoticed, and media flows', async () => {
  const host = await harness.openPage({ viewport: { width: 1280, height: 800 } });
  const guest = await harness.openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  /** @type {string[]} */
  const sockets = [];
  guest.page.on('websocket', (socket) => sockets.push(socket.url()));

  // The first join reaches B: the room starts there.
  await host.page.goto(`${cluster.b}/join${cluster.facilitator}`);
  await joinAs(host.page, 'Dr. Rivera');
  await host.page.locator('#room').waitFor({ state: 'visible' });

  await guest.page.goto(`${cluster.a}/join${cluster.participant}`);
  await joinAs(guest.page, 'Sam');
  await guest.page.locator('#accept-rules').click();
  await guest.page.locator('#waiting').waitFor({ state: 'visible' });
  await openTab(host.page, 'waiting');
  await host.page.locator('#waiting-list li', { hasText: 'Sam' }).locator('[data-admit]').click();
  await guest.page.locator('#room').waitFor({ state: 'visible' });

  const ws = (/** @type {string} */ url) => `${url.replace(/^http/, 'ws')}/ws`;
  assert.deepEqual(sockets, [ws(cluster.a), ws(cluster.b)], 'asked A first, then followed to B, once');
  // Nothing said the room was elsewhere: no notice, no error, no reconnecting.
  assert.equal(await guest.page.locator('#connection-banner:visible').count(), 0);
  assert.deepEqual(guest.problems, []);
  assert.deepEqual(host.problems, []);

  // Their media meets on B.
  const [hostId, guestId] = [await ownId(host.page), await ownId(guest.page)];
  await receivesFrom(host.page, guestId, 'the facilitator, from Sam');
  await receivesFrom(guest.page, hostId, 'Sam, from the facilitator');
});

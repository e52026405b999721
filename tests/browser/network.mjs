// A network for the browser tests, made of Linux network namespaces: the
// server in one, each browser in its own, and between each browser and the
// server a link made worse in user space (`impaired-link`, a testkit binary:
// two TUN devices and a relay that delays and loses packets, since this
// kernel has no netem). Every packet a browser sends (HTTP, the WebSocket,
// ICE, DTLS, RTP) crosses its link, so the link is the person's network.
//
// Addresses: the server is 10.99.0.1 (on its namespace's loopback); browser
// i is 10.77.i.2. Nothing leaves the namespaces the test made. Needs root,
// as every machine of this project has; the namespaces and devices go away
// in `close()`, and with the process that made them if it dies.

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

import { root } from './support.mjs';

export const SERVER_IP = '10.99.0.1';
const LINK_BIN = resolve(root, 'target/debug/impaired-link');

/**
 * What a link does to each packet, each way (the cap, and the queue in
 * front of it, only towards the browser).
 * @typedef {{delayMs?: number, jitterMs?: number, loss?: number, seed?: number,
 *   loseFirstDtls?: number, downKbit?: number, queueMs?: number}} LinkShape
 */

/** @param {string[]} args */
function ip(...args) {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** The relay binary, built first if it is missing. */
function linkBinary() {
  if (!existsSync(LINK_BIN)) {
    const build = spawnSync('cargo', ['build', '-p', 'peer-room-testkit', '--bin', 'impaired-link'],
      { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    assert.equal(build.status, 0, '`cargo build --bin impaired-link` failed');
  }
  return LINK_BIN;
}

export class Network {
  constructor() {
    // Short: a device name is at most 15 bytes.
    this.tag = `pr${process.pid % 100_000}`;
    this.server = `${this.tag}-srv`;
    /** @type {string[]} */
    this.namespaces = [];
    /** @type {import('node:child_process').ChildProcess[]} */
    this.links = [];
    /** @type {string | undefined} */
    this.scripts = undefined;
    this.next = 1;
    this.turnLog = '';
    this.closesOnExit = false;
  }

  /** Makes the server's namespace. */
  async open() {
    this.close();
    this.scripts = await mkdtemp(join(tmpdir(), 'peer-room-netns-'));
    this.addNamespace(this.server);
    ip('-n', this.server, 'addr', 'add', `${SERVER_IP}/32`, 'dev', 'lo');
    if (!this.closesOnExit) process.once('exit', () => this.close());
    this.closesOnExit = true;
  }

  /** @param {string} name */
  addNamespace(name) {
    spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    ip('netns', 'add', name);
    this.namespaces.push(name);
    ip('-n', name, 'link', 'set', 'lo', 'up');
  }

  /**
   * A namespace for one browser, joined to the server's by a link of this
   * shape. Returns its name and a Chromium that starts inside it.
   * @param {LinkShape} shape
   * @returns {Promise<{namespace: string, chromium: string, address: string}>}
   */
  async addBrowser(shape) {
    assert.ok(this.scripts, 'open() first');
    const index = this.next;
    this.next += 1;
    const namespace = `${this.tag}-b${index}`;
    const [near, far] = [`${this.tag}b${index}`, `${this.tag}s${index}`];
    const address = `10.77.${index}.2`;
    this.addNamespace(namespace);
    await this.startLink(near, far, shape);
    ip('link', 'set', near, 'netns', namespace);
    ip('link', 'set', far, 'netns', this.server);
    ip('-n', namespace, 'addr', 'add', `${address}/32`, 'dev', near);
    ip('-n', namespace, 'link', 'set', near, 'up');
    ip('-n', namespace, 'route', 'add', 'default', 'dev', near);
    ip('-n', this.server, 'link', 'set', far, 'up');
    ip('-n', this.server, 'route', 'add', `${address}/32`, 'dev', far);
    const chromium = join(this.scripts, `chromium-${index}`);
    await writeFile(chromium, `#!/bin/sh\nexec ip netns exec ${namespace} /usr/bin/chromium "$@"\n`);
    await chmod(chromium, 0o755);
    return { namespace, chromium, address };
  }

  /**
   * @param {string} near the device that goes to the browser's side
   * @param {string} far the device that goes to the server's side
   * @param {LinkShape} shape
   */
  async startLink(near, far, shape) {
    const args = [near, far];
    const flags = { '--delay-ms': shape.delayMs, '--jitter-ms': shape.jitterMs, '--loss': shape.loss,
      '--seed': shape.seed, '--lose-first-dtls': shape.loseFirstDtls, '--down-kbit': shape.downKbit,
      '--queue-ms': shape.queueMs };
    for (const [flag, value] of Object.entries(flags)) if (value !== undefined) args.push(flag, String(value));
    const child = spawn(linkBinary(), args, { stdio: ['ignore', 'pipe', 'inherit'] });
    this.links.push(child);
    const lines = createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) });
    await new Promise((ready, fail) => {
      child.once('exit', (code) => fail(new Error(`impaired-link exited (${code})`)));
      lines.once('line', (line) => (line === 'ready' ? ready(undefined) : fail(new Error(line))));
    });
  }

  /**
   * Starts coturn (Debian's `turnserver`) in the server's namespace, on
   * 3478 over UDP and TCP, taking time-limited credentials made from
   * `secret` (its TURN REST scheme), relaying to the server's address.
   * @param {string} secret
   */
  async startTurn(secret) {
    const args = ['netns', 'exec', this.server, 'turnserver', '-n', '--listening-ip', SERVER_IP, '--relay-ip', SERVER_IP,
      '--listening-port', '3478', '--min-port', '49152', '--max-port', '49407', '--use-auth-secret',
      '--static-auth-secret', secret, '--realm', 'peer-room.test', '--no-tls', '--no-dtls', '--no-cli',
      '--fingerprint', '--log-file', 'stdout', '--simple-log', '--pidfile', join(this.scripts ?? tmpdir(), 'turnserver.pid')];
    const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.links.push(child);
    /** What coturn said, for a failing test's diagnostics. */
    this.turnLog = '';
    child.stderr?.on('data', (chunk) => { this.turnLog += chunk; });
    child.stdout?.on('data', (chunk) => { this.turnLog += chunk; });
    const deadline = Date.now() + 10_000;
    // Ready once it listens on TCP (it says so late, or not at all).
    while (!this.listens(this.server, 3478)) {
      assert.ok(child.exitCode === null, `turnserver exited (${child.exitCode}):\n${this.turnLog}`);
      assert.ok(Date.now() < deadline, `coturn did not listen in 10 s:\n${this.turnLog}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  /**
   * Whether something listens on TCP `port` in `namespace`.
   * @param {string} namespace
   * @param {number} port
   */
  listens(namespace, port) {
    const out = spawnSync('ip', ['netns', 'exec', namespace, 'ss', '-Hltn', `sport = :${port}`], { encoding: 'utf8' });
    return out.stdout.trim().length > 0;
  }

  /**
   * Runs nft inside a namespace, as that person's own firewall would.
   * @param {string} namespace
   * @param {string} script
   */
  nft(namespace, script) {
    execFileSync('ip', ['netns', 'exec', namespace, 'nft', '-f', '-'], { input: script, stdio: ['pipe', 'inherit', 'inherit'] });
  }

  /** Stops the links and removes the namespaces; safe to call twice. */
  close() {
    for (const child of this.links) child.kill('SIGKILL');
    this.links = [];
    for (const name of this.namespaces) spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    this.namespaces = [];
    if (this.scripts) rm(this.scripts, { recursive: true, force: true }).catch(() => {});
    this.scripts = undefined;
  }
}

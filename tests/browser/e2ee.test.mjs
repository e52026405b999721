// End-to-end encrypted media in headless Chromium, through the real server
// binary built with its media tap (server/src/media/tap.rs): three pages in
// a room that requires encryption see and hear each other while none of
// what their encoders made is in what the server forwards, and no keyframe
// it forwards decodes; the safety code is one on every page and another
// when someone joins or leaves. An offered room read whole while off, and
// unreadable once a host turns it on. Someone who joins cannot read what
// came before, someone removed what follows the key change, and nobody's
// picture stands still as keys change. The older encoded-streams API.
//
// Run from the repository root: `node --test tests/browser/e2ee.test.mjs`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Harness, enterWithDoorOpen, joinAs, leaveRoom, openTab, tapBinary } from './support.mjs';
import { audioFrom, ownId, videoFrom, waitForStats } from './media-stats.mjs';
import { decodeVp8, framesFoundIn, tapped, vp8Frames } from './media-tap.mjs';
import { organizerApi, rfc3339 } from './scripted.mjs';
import { clearBytes } from '../../web-client/src/room/e2ee-frame.js';

const harness = new Harness();
const TAP = join(mkdtempSync(join(tmpdir(), 'peer-room-tap-')), 'tap.jsonl');
/** The sessions' links: one that requires encryption, one that offers it. */
/** @type {{facilitator: string, participant: string}} */
let links = { facilitator: '', participant: '' };
/** @type {{facilitator: string, participant: string}} */
let offered = { facilitator: '', participant: '' };

before(async () => {
  harness.binary = tapBinary();
  await harness.start({ PEER_ROOM_MEDIA_TAP: TAP });
  const api = await organizerApi(harness, 'e2ee@example.org');
  /** @param {string} policy */
  const session = async (policy) => {
    const created = await api('POST', '/api/sessions', {
      title: `Group (${policy})`, starts_at: rfc3339(Date.now() + 5 * 60_000), time_zone: 'UTC',
      duration_minutes: 60, capacity: 8, e2ee: policy,
    });
    assert.equal(created.session.e2ee, policy);
    return created.links;
  };
  links = await session('required');
  offered = await session('offered');
});
after(() => harness.stop());

/** @typedef {import('playwright-core').Page} Page */

/**
 * A participant who comes in through the open door.
 * @param {string} name
 * @param {string} [link]
 */
async function participant(name, link = links.participant) {
  const { page } = await harness.openPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(link);
  await joinAs(page, name);
  await page.locator('#accept-rules').click();
  await page.locator('#room').waitFor({ state: 'visible' });
  return page;
}

/**
 * What the page's frame worker counted, and the media keys it opened.
 * @param {Page} page
 * @returns {Promise<{stats: {encrypted: number, decrypted: number, undecryptable: number, unknownKey: number, replayed: number} | null, keys: {opened: number, refused: number}}>}
 */
function e2eeCounts(page) {
  return page.evaluate(() => {
    const e2ee = /** @type {any} */ (window).peerRoomE2ee;
    return { stats: e2ee.stats, keys: e2ee.keys };
  });
}

/**
 * The safety code the page's people panel shows, once it shows one.
 * @param {Page} page
 * @param {string} [not] a code it must have moved on from
 */
async function safetyCode(page, not = '') {
  await openTab(page, 'people');
  const code = page.locator('#safety-code');
  await page.waitForFunction((old) => {
    const shown = document.getElementById('safety-code')?.dataset.code ?? '';
    return shown !== '' && shown !== old;
  }, not, { timeout: 15_000 });
  return /** @type {string} */ (await code.getAttribute('data-code'));
}

/**
 * Waits until every page shows one same code, other than `not`.
 * @param {Page[]} pages
 * @param {string} [not]
 */
async function sameCode(pages, not = '') {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const codes = await Promise.all(pages.map((page) => safetyCode(page, not)));
    if (codes.every((code) => code === codes[0])) return codes[0];
    assert.ok(Date.now() < deadline, `the pages' safety codes differ: ${codes.join(' / ')}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

/**
 * Waits until `page` decodes video from each of `others` and hears them.
 * @param {Page} page
 * @param {number[]} others
 * @param {string} who
 */
async function decodesEveryone(page, others, who) {
  await waitForStats(page, `${who} decodes everyone's video`, (streams) =>
    others.every((id) => streams.some((s) => s.kind === 'video' && s.owner === id && s.framesDecoded > 10)), 30_000);
  for (const id of others) {
    const first = await audioFrom(page, id);
    await page.waitForTimeout(1_500);
    const then = await audioFrom(page, id);
    assert.ok(then.energy > first.energy, `${who} hears participant ${id}: sound, not silence`);
  }
}

test('three pages in a room that requires encryption see and hear each other through frames the server cannot read', { timeout: 180_000 }, async () => {
  const start = Date.now();
  const { page: host } = await harness.openPage({ viewport: { width: 1280, height: 800 } });
  await enterWithDoorOpen(host, links.facilitator, 'Dr. Lee');
  const sam = await participant('Sam');
  const kim = await participant('Kim');
  const pages = [host, sam, kim];
  const ids = await Promise.all(pages.map(ownId));
  for (const [i, page] of pages.entries()) {
    await decodesEveryone(page, ids.filter((id) => id !== ids[i]), ['host', 'Sam', 'Kim'][i]);
  }
  // What the server forwarded of Sam's: not one of the frames Sam's encoder made.
  const read = await whatTheServerReads(sam, ids[1]);
  assert.equal(read.video.found, 0, `no video frame readable: ${JSON.stringify(read.video)}`);
  assert.equal(read.audio.found, 0, `no audio frame readable: ${JSON.stringify(read.audio)}`);
  const decoded = await forwardedKeyframesDecoded(sam, ids[1], start);
  assert.ok(decoded.every((d) => 'error' in d), `no forwarded keyframe decodes: ${JSON.stringify(decoded)}`);
  for (const page of pages) {
    const { stats, keys } = await e2eeCounts(page);
    assert.ok(stats && stats.encrypted > 100 && stats.decrypted > 100, `frames went through the worker: ${JSON.stringify(stats)}`);
    // A frame that comes twice (a repair that came after its frame was
    // decoded) is dropped as seen before: rare, never the layer switches.
    assert.ok(stats.replayed <= stats.decrypted / 100, `frames seen before: ${JSON.stringify(stats)}`);
    assert.ok(keys.opened >= 2 && keys.refused === 0, `each other page's key opened: ${JSON.stringify(keys)}`);
    // The microphone keeps its redundancy under encryption: each RED block is encrypted on its own.
    const sent = await page.evaluate(() => /** @type {any} */ (window).peerRoomMedia.senders.audio.getParameters().codecs[0]?.mimeType);
    assert.equal(sent?.toLowerCase(), 'audio/red');
  }

  // Who speaks and for how long still come from each packet's audio level,
  // which stays in the clear: the host sees Sam's and Kim's talk time grow.
  await openTab(host, 'people');
  for (const id of ids.slice(1)) {
    await host.locator(`#talk-list li[data-talk="${id}"]`, { hasText: /0:0[1-9]|0:[1-5]\d|[1-9]:\d\d/ }).waitFor({ timeout: 20_000 });
  }

  // The safety code: one code on every page; another once someone joins,
  // and another again once they leave.
  const three = await sameCode(pages);
  const ana = await participant('Ana');
  const four = await sameCode([...pages, ana], three);
  assert.notEqual(four, three);
  await leaveRoom(ana);
  const after = await sameCode(pages, four);
  assert.notEqual(after, four);
  // It is read aloud in the page's words.
  const words = await host.locator('#safety-code li').allInnerTexts();
  assert.equal(words.length, 8, 'eight symbols');
  assert.ok(words.every((w) => /\p{L}{2,}/u.test(w)), `each with its name: ${words.join(' | ')}`);
  // And in French: the same code, its symbols named in French.
  /** @param {string} language */
  const speak = async (language) => {
    await host.locator('#more-button').click();
    await host.locator('#room-language').selectOption(language);
    await host.keyboard.press('Escape');
  };
  await speak('fr');
  await host.locator('#e2ee-heading', { hasText: 'Chiffré de bout en bout' }).waitFor({ state: 'attached' });
  assert.equal(await host.locator('#safety-code').getAttribute('data-code'), after);
  const mots = await host.locator('#safety-code li').allInnerTexts();
  assert.notDeepEqual(mots, words, `named in French: ${mots.join(' | ')}`);
  await speak('en');
  for (const page of pages) await page.close();
});

/**
 * Copies of the next frames `page` sends, as its encoder made them, with
 * the time they started to be taken.
 * @param {Page} page
 */
async function sampleSent(page) {
  const since = Date.now();
  await page.evaluate(() => /** @type {any} */ (window).peerRoomE2ee.sample(40));
  await page.waitForTimeout(3_000);
  /** @type {{audio: Uint8Array[], video: Uint8Array[]}} */
  const samples = await page.evaluate(async () => {
    const { audio, video } = await /** @type {any} */ (window).peerRoomE2ee.samples();
    return { audio: audio.map((/** @type {Uint8Array} */ f) => [...f]), video: video.map((/** @type {Uint8Array} */ f) => [...f]) };
  });
  return {
    since,
    audio: samples.audio.map((f) => Uint8Array.from(f)),
    video: samples.video.map((f) => Uint8Array.from(f)),
  };
}

/**
 * How much of what `page` (participant `id`) sent just now the server
 * could read: the frames its encoder made that appear in what the server
 * forwarded, and what a forwarded keyframe decodes to.
 * @param {Page} page
 * @param {number} id
 */
async function whatTheServerReads(page, id) {
  const sent = await sampleSent(page);
  // What the server forwarded from the moment the samples were taken.
  const forwarded = tapped(TAP, { from: id, since: sent.since - 500 });
  assert.ok(forwarded.length > 100, `the tap saw the page's packets: ${forwarded.length}`);
  const video = framesFoundIn(sent.video, forwarded, (f) => clearBytes('video', f));
  const audio = framesFoundIn(sent.audio, forwarded, (f) => clearBytes('audio', f));
  assert.ok(video.looked >= 20 && audio.looked >= 20, `enough frames sampled: ${JSON.stringify({ video, audio })}`);
  return { video, audio };
}

/**
 * What the browser's own VP8 decoder makes of each keyframe the server
 * forwarded from participant `id` since `since`.
 * @param {Page} page
 * @param {number} id
 * @param {number} since
 */
async function forwardedKeyframesDecoded(page, id, since) {
  const keyframes = vp8Frames(tapped(TAP, { from: id, since })).filter((f) => f.keyframe);
  assert.ok(keyframes.length > 0, 'a keyframe was forwarded');
  return Promise.all(keyframes.map((f) => decodeVp8(page, f.data)));
}

test('where encryption is offered and off the server reads every frame, and once a host turns it on, none', { timeout: 180_000 }, async () => {
  // The tap names people by their number in their room: this room's are the packets from now on.
  const start = Date.now();
  const { page: host } = await harness.openPage({ viewport: { width: 1280, height: 800 } });
  await enterWithDoorOpen(host, offered.facilitator, 'Dr. Lee');
  const sam = await participant('Sam', offered.participant);
  const [idHost, idSam] = await Promise.all([host, sam].map(ownId));
  await decodesEveryone(host, [idSam], 'host');

  const clear = await whatTheServerReads(sam, idSam);
  assert.ok(clear.video.found >= clear.video.looked * 0.9, `off: the frames are there to read: ${JSON.stringify(clear.video)}`);
  assert.ok(clear.audio.found >= clear.audio.looked * 0.9, `off: the sound is there to read: ${JSON.stringify(clear.audio)}`);
  const plain = await forwardedKeyframesDecoded(sam, idSam, start);
  assert.ok(plain.every((d) => 'width' in d && d.width >= 320), `off: forwarded keyframes decode: ${JSON.stringify(plain)}`);

  // The host turns it on from the people panel.
  await openTab(host, 'people');
  await host.locator('#e2ee-toggle').click();
  await host.locator('#safety-code[data-code]:not([data-code=""])').waitFor();
  await sam.locator('#toasts', { hasText: 'Audio and video are now end-to-end encrypted' }).waitFor();
  const switched = Date.now();
  await sam.waitForTimeout(2_000);
  // Someone new comes in: Sam's video starts for them at a keyframe.
  const kim = await participant('Kim', offered.participant);
  await decodesEveryone(kim, [idHost, idSam], 'Kim');
  const before = (await videoFrom(host, idSam)).frames;
  const sealed = await whatTheServerReads(sam, idSam);
  assert.equal(sealed.video.found, 0, `on: no frame readable: ${JSON.stringify(sealed.video)}`);
  assert.equal(sealed.audio.found, 0, `on: no sound readable: ${JSON.stringify(sealed.audio)}`);
  const encrypted = await forwardedKeyframesDecoded(sam, idSam, switched + 500);
  assert.ok(encrypted.every((d) => 'error' in d), `on: no forwarded keyframe decodes: ${JSON.stringify(encrypted)}`);
  // And the host still sees Sam, through the page's own decryption.
  assert.ok((await videoFrom(host, idSam)).frames > before + 30, 'the host keeps decoding Sam');
  // A browser that cannot encrypt, let in while it is on: told, and kept from media.
  const { page: old } = await harness.openPage({ viewport: { width: 1280, height: 800 } });
  await old.addInitScript(() => {
    delete (/** @type {any} */ (window)).RTCRtpScriptTransform;
    delete (/** @type {any} */ (RTCRtpSender.prototype)).createEncodedStreams;
  });
  await old.goto(offered.participant);
  await joinAs(old, 'Ana');
  await old.locator('#accept-rules').click();
  await old.locator('#room').waitFor({ state: 'visible' });
  await old.getByText('This browser cannot send or receive audio and video').first().waitFor();
  await openTab(old, 'people');
  await old.locator('#e2ee-status', { hasText: 'this browser cannot encrypt them' }).waitFor();
  assert.equal(await old.evaluate(() => /** @type {any} */ (window).peerRoomMedia.pc), null, 'no media connection');
  for (const page of [host, sam, kim, old]) await page.close();
});

/**
 * The longest stretch, over the next `ms`, in which `page` decoded no new
 * frame of `owner`'s video.
 * @param {Page} page
 * @param {number} owner
 * @param {number} ms
 */
function longestStill(page, owner, ms) {
  return page.evaluate(async ({ from, duration }) => {
    const media = /** @type {any} */ (window).peerRoomMedia;
    const frames = async () => {
      let decoded = 0;
      (await /** @type {RTCPeerConnection} */ (media.pc).getStats()).forEach((r) => {
        if (r.type === 'inbound-rtp' && r.kind === 'video' && media.owners.get(r.trackIdentifier) === from) decoded = r.framesDecoded ?? 0;
      });
      return decoded;
    };
    const end = performance.now() + duration;
    let last = await frames();
    let since = performance.now();
    let longest = 0;
    while (performance.now() < end) {
      await new Promise((done) => setTimeout(done, 40));
      const now = performance.now();
      const decoded = await frames();
      if (decoded > last) {
        longest = Math.max(longest, now - since);
        last = decoded;
        since = now;
      }
    }
    return Math.max(longest, performance.now() - since);
  }, { from: owner, duration: ms });
}

/**
 * What `page`'s keys make of the frames the server forwarded from `id`
 * between two times: how many decrypt, and how many do not.
 * @param {Page} page
 * @param {number} id
 * @param {number} since
 * @param {number} until
 */
async function decryptsForwarded(page, id, since, until) {
  const packets = tapped(TAP, { from: id, since }).filter((p) => p.at < until);
  const frames = [
    ...vp8Frames(packets).map((f) => ({ kind: 'video', data: f.data })),
    ...packets.filter((p) => p.kind === 'audio').map((p) => ({ kind: 'audio', data: p.payload })),
  ];
  /** @type {string[]} */
  const results = await page.evaluate(async (all) => {
    const e2ee = /** @type {any} */ (window).peerRoomE2ee;
    return Promise.all(all.map(({ kind, data }) => e2ee.tryDecrypt(kind, Uint8Array.from(atob(data), (c) => c.charCodeAt(0)))));
  }, frames.map((f) => ({ kind: f.kind, data: f.data.toString('base64') })));
  const decrypted = results.filter((r) => r === 'decrypted').length;
  return { decrypted, not: results.length - decrypted };
}

test('someone who joins cannot decrypt what came before, someone removed what comes after the key change, and the others see no freeze', { timeout: 180_000 }, async (t) => {
  const start = Date.now();
  const { page: host } = await harness.openPage({ viewport: { width: 1280, height: 800 } });
  await enterWithDoorOpen(host, links.facilitator, 'Dr. Lee');
  const sam = await participant('Sam');
  const [idHost, idSam] = await Promise.all([host, sam].map(ownId));
  await decodesEveryone(host, [idSam], 'host');
  const beforeKim = Date.now();
  const kim = await participant('Kim');
  await decodesEveryone(kim, [idHost, idSam], 'Kim');
  const kimIn = Date.now();
  await kim.waitForTimeout(2_000);
  // What Kim's keys make of what was forwarded from Sam: nothing from
  // before Kim came, everything once Kim was in.
  const beforeIn = await decryptsForwarded(kim, idSam, start, beforeKim);
  assert.ok(beforeIn.not > 50 && beforeIn.decrypted === 0, `Kim cannot read what came before: ${JSON.stringify(beforeIn)}`);
  const whileIn = await decryptsForwarded(kim, idSam, kimIn, Date.now());
  assert.ok(whileIn.decrypted > 50 && whileIn.not <= whileIn.decrypted * 0.05, `Kim reads what came while Kim was in: ${JSON.stringify(whileIn)}`);

  // The host removes Kim; the host watches Sam's video as the keys change.
  await openTab(host, 'people');
  const row = host.locator('#participants li', { hasText: 'Kim' });
  await row.locator('summary').click();
  await row.locator('[data-action="remove"]').click();
  const watching = longestStill(host, idSam, 6_000);
  await host.locator('#confirm-ok').click();
  const removed = Date.now();
  await kim.locator('#final-heading', { hasText: 'removed' }).waitFor();
  const still = await watching;
  assert.ok(still < 1_000, `the host's picture of Sam stood still for ${Math.round(still)} ms while keys changed`);

  // Everything Sam sent once Sam's new key was in use (a gathering moment
  // and a second after the removal): Kim's old keys open none of it.
  const after = await decryptsForwarded(kim, idSam, removed + 2_500, Date.now());
  assert.ok(after.not > 50, `frames were forwarded after the key change: ${JSON.stringify(after)}`);
  assert.equal(after.decrypted, 0, `Kim cannot read what came after: ${JSON.stringify(after)}`);
  t.diagnostic(`Kim's keys: before ${JSON.stringify(beforeIn)}, while in ${JSON.stringify(whileIn)}, after ${JSON.stringify(after)}; the host's longest still picture of Sam ${Math.round(still)} ms`);
  for (const page of [host, sam, kim]) await page.close();
});

test('a browser with only the older encoded streams API encrypts and decrypts through it', { timeout: 120_000 }, async () => {
  const start = Date.now();
  const { page: host } = await harness.openPage({ viewport: { width: 1280, height: 800 } });
  await enterWithDoorOpen(host, links.facilitator, 'Dr. Lee');
  const { page: sam } = await harness.openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  // As a browser with `createEncodedStreams` and no `RTCRtpScriptTransform` is.
  await sam.addInitScript(() => { delete (/** @type {any} */ (window)).RTCRtpScriptTransform; });
  await sam.goto(links.participant);
  await joinAs(sam, 'Sam');
  await sam.locator('#accept-rules').click();
  await sam.locator('#room').waitFor({ state: 'visible' });
  assert.equal(await sam.evaluate(() => /** @type {any} */ (window).peerRoomE2ee.api), 'streams');
  const [idHost, idSam] = await Promise.all([host, sam].map(ownId));
  await decodesEveryone(sam, [idHost], 'Sam');
  await decodesEveryone(host, [idSam], 'host');
  const read = await whatTheServerReads(sam, idSam);
  assert.equal(read.video.found + read.audio.found, 0, `nothing of Sam's readable: ${JSON.stringify(read)}`);
  const decoded = await forwardedKeyframesDecoded(host, idSam, start);
  assert.ok(decoded.every((d) => 'error' in d), `no forwarded keyframe decodes: ${JSON.stringify(decoded)}`);
  for (const page of [host, sam]) await page.close();
});

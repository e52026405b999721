// End-to-end encrypted media in headless Chromium, through the real server
// binary, in a session whose organizer requires it: three pages decode each
// other's video and hear each other's sound while every frame they send is
// encrypted and every frame they receive decrypted by their own worker
// (docs/security.md); the safety code is the same on every page and changes
// when someone joins or leaves; a browser that cannot encrypt frames is told
// before its name step why it cannot join.
//
// Run from the repository root: `node --test tests/browser/e2ee.test.mjs`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { Harness, enterWithDoorOpen, joinAs, leaveRoom, openTab } from './support.mjs';
import { audioFrom, ownId, waitForStats } from './media-stats.mjs';
import { organizerApi, rfc3339 } from './scripted.mjs';

const harness = new Harness();
/** The encrypted session's links. @type {{facilitator: string, participant: string}} */
let links = { facilitator: '', participant: '' };

before(async () => {
  await harness.start();
  const api = await organizerApi(harness, 'e2ee@example.org');
  const created = await api('POST', '/api/sessions', {
    title: 'Encrypted group', starts_at: rfc3339(Date.now() + 5 * 60_000), time_zone: 'UTC',
    duration_minutes: 60, capacity: 8, e2ee: 'required',
  });
  assert.equal(created.session.e2ee, 'required');
  links = created.links;
});
after(() => harness.stop());

/** @typedef {import('playwright-core').Page} Page */

/**
 * A participant who comes in through the open door.
 * @param {string} name
 */
async function participant(name) {
  const { page } = await harness.openPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(links.participant);
  await joinAs(page, name);
  await page.locator('#accept-rules').click();
  await page.locator('#room').waitFor({ state: 'visible' });
  return page;
}

/**
 * What the page's frame worker counted, and the media keys it opened.
 * @param {Page} page
 * @returns {Promise<{stats: {encrypted: number, decrypted: number, undecryptable: number, unknownKey: number} | null, keys: {opened: number, refused: number}}>}
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
  const { page: host } = await harness.openPage({ viewport: { width: 1280, height: 800 } });
  await enterWithDoorOpen(host, links.facilitator, 'Dr. Lee');
  const sam = await participant('Sam');
  const kim = await participant('Kim');
  const pages = [host, sam, kim];
  const ids = await Promise.all(pages.map(ownId));
  for (const [i, page] of pages.entries()) {
    await decodesEveryone(page, ids.filter((id) => id !== ids[i]), ['host', 'Sam', 'Kim'][i]);
  }
  for (const page of pages) {
    const { stats, keys } = await e2eeCounts(page);
    assert.ok(stats && stats.encrypted > 100 && stats.decrypted > 100, `frames went through the worker: ${JSON.stringify(stats)}`);
    assert.ok(keys.opened >= 2 && keys.refused === 0, `each other page's key opened: ${JSON.stringify(keys)}`);
    // Audio redundancy is off under encryption: the server could not unwrap it.
    const sent = await page.evaluate(() => /** @type {any} */ (window).peerRoomMedia.senders.audio.getParameters().codecs[0]?.mimeType);
    assert.equal(sent?.toLowerCase(), 'audio/opus');
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
  assert.match(await host.locator('#safety-words').innerText(), /^\p{L}[\p{L} ]*(, \p{L}[\p{L} ]*){7}$/u);
  for (const page of pages) await page.close();
});

test('a browser that cannot encrypt frames is told before its name step why it cannot join, and what to use', { timeout: 60_000 }, async () => {
  const { page } = await harness.openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await page.addInitScript(() => {
    // As a browser without encoded transforms is.
    delete (/** @type {any} */ (window)).RTCRtpScriptTransform;
    delete (/** @type {any} */ (RTCRtpSender.prototype)).createEncodedStreams;
  });
  await page.goto(links.participant);
  const said = page.locator('#link-state');
  await said.waitFor({ state: 'visible' });
  assert.match(await said.innerText(), /cannot encrypt audio and video.*Chrome, Edge, Firefox or Safari/s);
  assert.equal(await page.locator('#name').isVisible(), false, 'no name step');
  await page.close();
});

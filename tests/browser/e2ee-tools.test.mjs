// The tools that move media around, in a session whose organizer requires
// end-to-end encryption, in headless Chromium through the real server: a
// shared screen goes through the same keys as the cameras (the others
// decode it, encrypted and decrypted by their workers), and breakouts need
// no new keys (each pair decodes and hears the other, and everyone again
// once back). The keys are each sender's for everyone in the room, so the
// server's forwarding by place changes nothing about them. And a page whose
// connection drops while the keys change (someone leaves meanwhile) is sent
// the key in use once it is back, and sees and hears the others again. A
// browser that cannot encrypt frames is told before its name step why it
// cannot join. An organizer who requires encryption while the room is live:
// the pages start their media afresh, encrypted.
//
// Run from the repository root: `node --test tests/browser/e2ee-tools.test.mjs`

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { withLightCamera } from './clip.mjs';
import { audioFrom, ownId } from './media-stats.mjs';
import { organizerApi, rfc3339 } from './scripted.mjs';
import { Harness, enterWithDoorOpen, joinAs, leaveRoom, openTab } from './support.mjs';

const harness = new Harness();
const NAMES = ['Sam', 'Alex', 'Jo', 'Kim'];
/** Five pages on two cores: generous waits, never asserted as timings. */
const SLOW_MS = 60_000;

withLightCamera(harness);

/** @typedef {import('playwright-core').Page} Page */

/**
 * Frames `page` decoded so far from each publisher's camera, and from
 * `sharer`'s screen.
 * @param {Page} page
 * @param {number} [sharer]
 */
function decoded(page, sharer) {
  return page.evaluate(async (screenOf) => {
    const media = /** @type {any} */ (window).peerRoomMedia;
    /** @type {Record<number, number>} */
    const cameras = {};
    let screen = 0;
    (await /** @type {RTCPeerConnection} */ (media.pc).getStats()).forEach((r) => {
      if (r.type !== 'inbound-rtp' || r.kind !== 'video') return;
      const owner = media.owners.get(r.trackIdentifier);
      if (owner !== undefined) cameras[owner] = r.framesDecoded ?? 0;
      if (screenOf !== undefined && media.screens.get(r.trackIdentifier) === screenOf) screen += r.framesDecoded ?? 0;
    });
    return { cameras, screen };
  }, sharer);
}

/**
 * Waits until `page` decodes new camera frames from each of `others`, and
 * hears them (the sound's energy rises).
 * @param {Page} page
 * @param {number[]} others
 * @param {string} who
 */
async function seesAndHears(page, others, who) {
  const before = (await decoded(page)).cameras;
  const energy = await Promise.all(others.map((id) => audioFrom(page, id)));
  const deadline = Date.now() + SLOW_MS;
  for (;;) {
    const now = (await decoded(page)).cameras;
    const heard = await Promise.all(others.map((id) => audioFrom(page, id)));
    const seen = others.every((id) => (now[id] ?? 0) > (before[id] ?? 0) + 5);
    const sound = heard.every((a, i) => a.energy > energy[i].energy);
    if (seen && sound) return;
    assert.ok(Date.now() < deadline, `${who} sees and hears ${JSON.stringify(others)}: ${JSON.stringify({ before, now, seen, sound })}`);
    await page.waitForTimeout(500);
  }
}

/**
 * A session that requires encryption, scheduled by the organizer `email`.
 * @param {string} email
 */
async function encryptedSession(email) {
  const api = await organizerApi(harness, email);
  return api('POST', '/api/sessions', {
    title: 'Encrypted group', starts_at: rfc3339(Date.now() + 5 * 60_000), time_zone: 'UTC',
    duration_minutes: 60, capacity: 8, e2ee: 'required',
  });
}

/**
 * A session that requires encryption, its facilitator in with the door
 * open, and a participant page for each of `names`.
 * @param {string} email the organizer's
 * @param {string[]} names
 */
async function encryptedRoom(email, names) {
  const created = await encryptedSession(email);
  const { page: host } = await harness.openPage({ viewport: { width: 1366, height: 768 } });
  host.setDefaultTimeout(SLOW_MS);
  await enterWithDoorOpen(host, created.links.facilitator, 'Dr. Lee');
  /** @type {Page[]} */
  const guests = [];
  for (const name of names) {
    const { page } = await harness.openPage({ viewport: { width: 480, height: 360 } });
    page.setDefaultTimeout(SLOW_MS);
    await page.goto(created.links.participant);
    await joinAs(page, name);
    await page.locator('#accept-rules').click();
    await page.locator('#room').waitFor({ state: 'visible' });
    guests.push(page);
  }
  return { host, guests };
}

test('a shared screen and breakouts work with encryption required, on the same keys', { timeout: 600_000 }, async () => {
  const { host, guests } = await encryptedRoom('tools@example.org', NAMES);
  const [hostId, ...guestIds] = await Promise.all([host, ...guests].map(ownId));

  // The facilitator shares a screen: Sam decodes it through the keys.
  await host.locator('#more-button').click();
  await host.locator('#more-share').click();
  await host.locator('#screen-chip').waitFor({ state: 'visible' });
  const deadline = Date.now() + SLOW_MS;
  while ((await decoded(guests[0], hostId)).screen < 10) {
    assert.ok(Date.now() < deadline, 'Sam decodes the encrypted screen');
    await guests[0].waitForTimeout(250);
  }
  await host.locator('#screen-stop').click();

  // Pairs: each person sees and hears their partner, with no new key.
  await openTab(host, 'breakouts');
  await host.locator('#breakout-size-pairs').check();
  await host.locator('#breakout-assign-random').check();
  await host.locator('#breakout-minutes').fill('2');
  await host.locator('#breakout-preview li[data-group-index="1"]').waitFor();
  await host.locator('#breakout-open').click();
  await host.locator('#breakout-running').waitFor({ state: 'visible' });
  const groups = await host.locator('#breakout-groups > li[data-breakout]').evaluateAll((items) =>
    items.map((item) => [...item.querySelectorAll('[data-person]')].map((p) => Number(p.getAttribute('data-person')))));
  assert.deepEqual(groups.map((g) => g.length), [2, 2], 'two pairs');
  const keysBefore = await Promise.all(guests.map((page) => page.evaluate(() => /** @type {any} */ (window).peerRoomE2ee.keys.opened)));
  for (const pair of groups) {
    for (const id of pair) {
      const page = guests[guestIds.indexOf(id)];
      await seesAndHears(page, pair.filter((other) => other !== id), `participant ${id} in a pair`);
    }
  }
  const keysAfter = await Promise.all(guests.map((page) => page.evaluate(() => /** @type {any} */ (window).peerRoomE2ee.keys.opened)));
  assert.deepEqual(keysAfter, keysBefore, 'breakouts changed no key');

  // Everyone back: everyone sees and hears everyone again.
  await host.locator('#breakout-end-now').click();
  for (const page of guests) await page.locator('#breakout-slot').waitFor({ state: 'hidden' });
  await seesAndHears(host, guestIds, 'the facilitator after breakouts');
  for (const page of [host, ...guests]) {
    const stats = await page.evaluate(() => /** @type {any} */ (window).peerRoomE2ee.stats);
    assert.ok(stats.decrypted > 100 && stats.undecryptable === 0 && stats.replayed <= stats.decrypted / 100, `every frame decrypted: ${JSON.stringify(stats)}`);
    await page.close();
  }
});

test('a page whose connection dropped while keys changed gets the key in use once back', { timeout: 300_000 }, async () => {
  const { host, guests: [sam, kim] } = await encryptedRoom('dropped@example.org', ['Sam', 'Kim']);
  const [hostId, samId, kimId] = await Promise.all([host, sam, kim].map(ownId));
  await seesAndHears(sam, [hostId], 'Sam');

  // Sam's network goes (the page hears of it, as a phone leaving its Wi-Fi);
  // while Sam is away Kim leaves, and the facilitator's page changes its key.
  await sam.context().setOffline(true);
  await host.locator(`#tiles li[data-participant="${samId}"] .tile-flag`, { hasText: 'Reconnecting' }).waitFor();
  await leaveRoom(kim);
  await host.locator(`#tiles li[data-participant="${kimId}"]`).waitFor({ state: 'detached' });
  // Long enough for the facilitator's page to change its key and use it.
  await host.waitForTimeout(2_500);
  await sam.context().setOffline(false);
  await host.locator(`#tiles li[data-participant="${samId}"] .tile-flag`).waitFor({ state: 'hidden' });
  // Back: Sam sees and hears the facilitator again, through a key sent after the drop.
  await seesAndHears(sam, [hostId], 'Sam, back');
  await seesAndHears(host, [samId], 'the facilitator, Sam back');
  for (const page of [host, sam, kim]) await page.close();
});

test('a browser that cannot encrypt frames is told before its name step why it cannot join, and what to use', { timeout: 60_000 }, async () => {
  const { page } = await harness.openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await page.addInitScript(() => {
    // As a browser without encoded transforms is.
    delete (/** @type {any} */ (window)).RTCRtpScriptTransform;
    delete (/** @type {any} */ (RTCRtpSender.prototype)).createEncodedStreams;
  });
  await page.goto((await encryptedSession('old-browser@example.org')).links.participant);
  const said = page.locator('#link-state');
  await said.waitFor({ state: 'visible' });
  assert.match(await said.innerText(), /cannot encrypt audio and video.*Chrome, Edge, Firefox or Safari/s);
  assert.equal(await page.locator('#name').isVisible(), false, 'no name step');
  await page.close();
});

test('an organizer who requires encryption while the room is live: the pages start their media afresh with it', { timeout: 180_000 }, async () => {
  const api = await organizerApi(harness, 'live-change@example.org');
  const created = await api('POST', '/api/sessions', {
    title: 'Changed while live', starts_at: rfc3339(Date.now() + 5 * 60_000), time_zone: 'UTC', duration_minutes: 60, capacity: 8,
  });
  assert.equal(created.session.e2ee, 'off');
  const { page: host } = await harness.openPage({ viewport: { width: 1366, height: 768 } });
  host.setDefaultTimeout(SLOW_MS);
  await enterWithDoorOpen(host, created.links.facilitator, 'Dr. Lee');
  const { page: sam } = await harness.openPage({ viewport: { width: 480, height: 360 } });
  sam.setDefaultTimeout(SLOW_MS);
  await sam.goto(created.links.participant);
  await joinAs(sam, 'Sam');
  await sam.locator('#accept-rules').click();
  await sam.locator('#room').waitFor({ state: 'visible' });
  const [hostId, samId] = await Promise.all([host, sam].map(ownId));
  await seesAndHears(sam, [hostId], 'Sam, before');
  for (const page of [host, sam]) await page.evaluate(() => { /** @type {any} */ (window).pcBefore = /** @type {any} */ (window).peerRoomMedia.pc; });

  await api('PATCH', `/api/sessions/${created.session.id}`, { e2ee: 'required' });
  for (const page of [host, sam]) {
    await page.locator('#toasts', { hasText: 'Audio and video are now end-to-end encrypted' }).waitFor();
    await page.waitForFunction(() => {
      const w = /** @type {any} */ (window);
      return w.peerRoomMedia.pc !== null && w.peerRoomMedia.pc !== w.pcBefore;
    });
  }
  await seesAndHears(sam, [hostId], 'Sam, encrypted');
  await seesAndHears(host, [samId], 'the facilitator, encrypted');
  for (const page of [host, sam]) {
    const stats = await page.evaluate(() => /** @type {any} */ (window).peerRoomE2ee.stats);
    assert.ok(stats && stats.encrypted > 20 && stats.decrypted > 20, `the page's frames now go through its worker: ${JSON.stringify(stats)}`);
    await page.close();
  }
});

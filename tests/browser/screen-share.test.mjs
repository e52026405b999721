// Screen share in real browsers: a facilitator (laptop) and two
// participants (a laptop and a phone) in headless Chromium, whose fake
// capture gives getDisplayMedia a screen. The facilitator shares: the
// others decode its frames (getStats) and see it large with the tiles
// beside it, inside their viewport; stopping takes it away. A participant
// who was not allowed has no Share and is refused by the server if they
// ask anyway; once allowed they share, and the facilitator stops their
// share from the people list.
//
// Run from the repository root: `node --test tests/browser/screen-share.test.mjs`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { ownId } from './media-stats.mjs';
import { Harness, assertSeen, checkAccessibility, enterWithDoorOpen, joinAs, openTab } from './support.mjs';

const harness = new Harness();
const PREFIX = 'screen-';

before(() => harness.start());
after(() => harness.stop());

/** @typedef {import('./support.mjs').TestPage} TestPage */

/**
 * Frames this page decoded from `sharer`'s shared screen so far.
 * @param {import('playwright-core').Page} page
 * @param {number} sharer
 */
function screenFrames(page, sharer) {
  return page.evaluate(async (from) => {
    const media = /** @type {any} */ (window).peerRoomMedia;
    let frames = 0;
    (await /** @type {RTCPeerConnection} */ (media.pc).getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video' && media.screens.get(r.trackIdentifier) === from) frames += r.framesDecoded ?? 0;
    });
    return frames;
  }, sharer);
}

/**
 * Waits until the sharer's screen has decoded more than `after` frames on this page.
 * @param {import('playwright-core').Page} page
 * @param {number} sharer
 * @param {number} after
 * @param {string} what
 */
async function framesPass(page, sharer, after, what) {
  const deadline = Date.now() + 20_000;
  let frames = await screenFrames(page, sharer);
  while (frames <= after) {
    assert.ok(Date.now() < deadline, `${what}: ${frames} frames of the screen decoded in 20 s`);
    await page.waitForTimeout(250);
    frames = await screenFrames(page, sharer);
  }
  return frames;
}

/**
 * Waits until the page decodes the sharer's screen, and keeps decoding it.
 * @param {import('playwright-core').Page} page
 * @param {number} sharer
 * @param {string} who
 */
async function decodesScreen(page, sharer, who) {
  const first = await framesPass(page, sharer, 0, `${who} decodes the screen`);
  await framesPass(page, sharer, first, `${who} keeps decoding the screen`);
  // And the page shows it: the screen's <video> has a picture, large.
  await page.locator('#screen-view').waitFor({ state: 'visible' });
  await page.waitForFunction(() => {
    const video = document.querySelector('#screen-video');
    return video instanceof HTMLVideoElement && video.videoWidth > 0;
  }, undefined, { timeout: 20_000 });
  const sizes = await page.evaluate(() => {
    const area = (/** @type {Element | null} */ e) => (e ? e.getBoundingClientRect().width * e.getBoundingClientRect().height : 0);
    const tiles = [...document.querySelectorAll('#tiles li.tile')].map(area);
    return { screen: area(document.querySelector('#screen-view')), biggestTile: Math.max(...tiles) };
  });
  assert.ok(sizes.screen > 2 * sizes.biggestTile, `${who}: the screen is large beside the tiles (${JSON.stringify(sizes)})`);
  await assertSeen(page.locator('#screen-view'), `${who}: the shared screen`);
  const tilesInside = await page.evaluate(() => {
    const stage = /** @type {Element} */ (document.querySelector('#stage')).getBoundingClientRect();
    return [...document.querySelectorAll('#tiles li.tile')].every((tile) => {
      const box = tile.getBoundingClientRect();
      return box.top >= stage.top - 0.5 && box.bottom <= stage.bottom + 0.5 && box.left >= stage.left - 0.5 && box.right <= stage.right + 0.5;
    });
  });
  assert.ok(tilesInside, `${who}: every tile inside the stage beside the screen`);
}

test('the facilitator shares a screen, a participant only once allowed, and shares stop', { timeout: 300_000 }, async (t) => {
  /** @type {Record<string, TestPage>} */
  const pages = {};
  try {
    pages.host = await harness.openPage({ viewport: { width: 1366, height: 768 } });
    await enterWithDoorOpen(pages.host.page, harness.links.facilitator, 'Dr. Rivera');
    pages.sam = await harness.openPage({ viewport: { width: 1280, height: 800 } });
    pages.jo = await harness.openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    for (const [name, who] of [['Sam', pages.sam], ['Jo', pages.jo]]) {
      await who.page.goto(harness.links.participant);
      await joinAs(who.page, name);
      await who.page.locator('#accept-rules').click();
      await who.page.locator('#room').waitFor({ state: 'visible' });
    }
    const h = pages.host.page;
    const [hostId, samId] = [await ownId(h), await ownId(pages.sam.page)];

    // The facilitator shares from More.
    await h.locator('#more-button').click();
    await h.locator('#more-share').click();
    await h.locator('#screen-chip').waitFor({ state: 'visible' });
    await assertSeen(h.locator('#screen-stop'), 'Stop sharing, for the sharer');
    for (const [who, { page }] of [['Sam', pages.sam], ['Jo on a phone', pages.jo]]) {
      await decodesScreen(page, hostId, who);
      await page.locator('#screen-caption', { hasText: 'Dr. Rivera' }).waitFor();
    }
    await harness.screenshot(pages.sam.page, 'shared-laptop', PREFIX);
    await harness.screenshot(pages.jo.page, 'shared-phone', PREFIX);
    await checkAccessibility(pages.sam.page, 'a shared screen on a laptop');
    // Stop: it goes from everyone's stage.
    await h.locator('#screen-stop').click();
    for (const { page } of [pages.sam, pages.jo]) await page.locator('#screen-view').waitFor({ state: 'hidden' });

    // Sam was not allowed: no Share, and the server refuses him if he asks anyway.
    const s = pages.sam.page;
    await s.locator('#more-button').click();
    assert.equal(await s.locator('#more-share').isVisible(), false, 'no Share for a participant not allowed');
    await s.locator('#more-button').click();
    const refused = await s.evaluate(() => /** @type {any} */ (window).peerRoomMedia.connection
      .request({ type: 'start_screen_share' }).then(() => 'taken', (/** @type {any} */ e) => e.code ?? String(e)));
    assert.equal(refused, 'forbidden');

    // Allowed from the people list, he shares; the facilitator sees it, then stops it.
    await openTab(h, 'people');
    const row = h.locator('#participants li', { hasText: 'Sam' });
    // The person's actions, opened if they are not (they stay open across redraws).
    const actions = async () => {
      if (!(await row.locator('details.person-menu').evaluate((d) => d instanceof HTMLDetailsElement && d.open))) {
        await row.locator('summary[data-action="menu"]').click();
      }
    };
    await actions();
    await row.locator('button[data-action="allow-share"]').click();
    await s.locator('#more-button').click();
    await s.locator('#more-share').click();
    await s.locator('#screen-chip').waitFor({ state: 'visible' });
    await decodesScreen(h, samId, 'the facilitator');
    await actions();
    await row.locator('button[data-action="stop-share"]').click();
    await s.locator('#screen-chip').waitFor({ state: 'hidden' });
    await s.locator('#toasts').getByText('A facilitator stopped your screen share.').waitFor();
    await h.locator('#screen-view').waitFor({ state: 'hidden' });
    for (const [who, { problems }] of Object.entries(pages)) assert.deepEqual(problems, [], `no errors for ${who}`);
  } catch (error) {
    await harness.diagnose(t, pages, PREFIX);
    throw error;
  }
});

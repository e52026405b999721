// Six people in one room, each in their own headless Chromium page with a
// fake camera and microphone, through the real server: every page decodes
// every other page's video, and keeps decoding it (framesDecoded rising for
// each of the five others), by its own getStats(). The facilitator is on a
// laptop and one participant on a phone, for the screenshots; the others
// use small windows. To spare a small machine, the fake camera plays a
// small clip (`clip.mjs`).
//
// Run from the repository root: `node --test tests/browser/crowd.test.mjs`

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness, enterWithDoorOpen, joinAs } from './support.mjs';
import { withLightCamera } from './clip.mjs';
import { ownId, waitForStats } from './media-stats.mjs';

const harness = new Harness();
const PREFIX = 'crowd-';
const PEOPLE = 6;
/** A crowded room on two cores: more time for six pages to settle than for two. */
const CROWD_TIMEOUT_MS = 60_000;

withLightCamera(harness);

/** @typedef {import('./support.mjs').TestPage} TestPage */
/** @typedef {import('./media-stats.mjs').Inbound} Inbound */

/**
 * Frames decoded from each publisher, by their participant id.
 * @param {Inbound[]} streams
 */
function framesBy(streams) {
  /** @type {Map<number, number>} */
  const frames = new Map();
  for (const s of streams) if (s.kind === 'video' && s.owner !== null) frames.set(s.owner, (frames.get(s.owner) ?? 0) + s.framesDecoded);
  return frames;
}

test('six people in one room: everyone decodes everyone', { timeout: 300_000 }, async (t) => {
  /** @type {TestPage[]} */
  const people = [];
  try {
    const host = await harness.openPage({ viewport: { width: 1366, height: 768 } });
    people.push(host);
    host.page.setDefaultTimeout(60_000);
    await enterWithDoorOpen(host.page, harness.links.facilitator);
    for (let n = 1; n < PEOPLE; n += 1) {
      const options = n === 1 ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } : { viewport: { width: 480, height: 360 } };
      const person = await harness.openPage(options);
      person.page.setDefaultTimeout(60_000);
      people.push(person);
      await person.page.goto(harness.links.participant);
      await joinAs(person.page, `Person ${n}`);
      await person.page.locator('#accept-rules').click();
      await person.page.locator('#room').waitFor({ state: 'visible' });
    }
    const ids = await Promise.all(people.map(({ page }) => ownId(page)));
    assert.equal(new Set(ids).size, PEOPLE, 'six places in the room');

    // Each page decodes the video of the five others...
    const first = [];
    for (const [index, { page }] of people.entries()) {
      const others = ids.filter((id) => id !== ids[index]);
      const streams = await waitForStats(page, `page ${index} decodes the five others`, (inbound) => {
        const frames = framesBy(inbound);
        return others.every((id) => (frames.get(id) ?? 0) > 0);
      }, CROWD_TIMEOUT_MS);
      first.push(framesBy(streams));
    }
    await harness.screenshot(people[0].page, 'six-people-laptop', PREFIX);
    await harness.screenshot(people[1].page, 'six-people-phone', PREFIX);
    // ...and keeps decoding it: every one of the five is still moving.
    for (const [index, { page }] of people.entries()) {
      const others = ids.filter((id) => id !== ids[index]);
      await waitForStats(page, `page ${index} keeps decoding the five others`, (inbound) => {
        const frames = framesBy(inbound);
        return others.every((id) => (frames.get(id) ?? 0) > (first[index].get(id) ?? 0));
      }, CROWD_TIMEOUT_MS);
    }
    // Speaker view, chosen under More: one tile large, the others in a strip below it, on both sizes.
    for (const { page } of people.slice(0, 2)) {
      await page.locator('#more-button').click();
      await page.locator('#layout-button', { hasText: 'Speaker view' }).click();
      await page.locator('#tiles[data-layout="speaker"]').waitFor();
      const sizes = await page.locator('#tiles li.tile').evaluateAll((tiles) => tiles.map((tile) => ({
        focus: tile.classList.contains('tile-focus'), area: tile.clientWidth * tile.clientHeight, bottom: tile.getBoundingClientRect().bottom,
      })));
      const focus = sizes.filter((tile) => tile.focus);
      assert.equal(focus.length, 1, 'one tile in focus');
      assert.ok(sizes.every((tile) => tile.focus || tile.area < focus[0].area / 2), 'the strip is well smaller than the focus');
      const stageBottom = await page.locator('#stage').evaluate((stage) => stage.getBoundingClientRect().bottom);
      assert.ok(sizes.every((tile) => tile.bottom <= stageBottom + 0.5), 'every tile inside the stage');
    }
    await harness.screenshot(people[0].page, 'speaker-view-laptop', PREFIX);
    await harness.screenshot(people[1].page, 'speaker-view-phone', PREFIX);
    for (const [index, { problems }] of people.entries()) assert.deepEqual(problems, [], `no errors on page ${index}`);
  } catch (error) {
    await harness.diagnose(t, Object.fromEntries(people.map((p, i) => [`person-${i}`, p])), PREFIX);
    throw error;
  }
});

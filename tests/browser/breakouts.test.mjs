// Breakouts in real browsers: a facilitator (laptop) and five participants
// (one on a phone) in headless Chromium through the real server. The
// facilitator opens pairs for 2 minutes: five people make a pair and a
// triad. Each page's own getStats() proves it receives audio from its
// partners and from no one else; the facilitator's visit is seen and heard
// by the pair; a participant's "I need support" reaches the facilitator in
// the main room; "back in a minute" warns everyone; the end brings everyone
// back, and everyone hears everyone again. The controls people need are in
// view at laptop and phone sizes, and axe finds nothing.
//
// Run from the repository root: `node --test tests/browser/breakouts.test.mjs`

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { withLightCamera } from './clip.mjs';
import { ownId, packetsBy } from './media-stats.mjs';
import {
  Harness, assertNoPageScroll, assertSeen, checkAccessibility, enterWithDoorOpen, joinAs, openTab,
} from './support.mjs';

const harness = new Harness();
const PREFIX = 'breakouts-';
const NAMES = ['Sam', 'Alex', 'Jo', 'Kim', 'Lee'];
/** Six pages on two cores: generous waits, never asserted as timings. */
const SLOW_MS = 60_000;
/** How long to listen for audio that should, or should not, come. */
const LISTEN_MS = 2_500;

withLightCamera(harness);

/** @typedef {import('./support.mjs').TestPage} TestPage */

/**
 * Whose audio grows on this page over a while, by participant id.
 * @param {import('playwright-core').Page} page
 */
async function heardOver(page) {
  const before = await packetsBy(page, 'audio');
  await page.waitForTimeout(LISTEN_MS);
  const after = await packetsBy(page, 'audio');
  return new Set([...after].filter(([id, n]) => n > (before.get(id) ?? 0)).map(([id]) => id));
}

/**
 * Waits until this page hears exactly `expected` (ids), then checks it
 * keeps to them over another while.
 * @param {import('playwright-core').Page} page
 * @param {number[]} expected
 * @param {string} who
 */
async function hearsExactly(page, expected, who) {
  const want = [...expected].sort((a, b) => a - b);
  const deadline = Date.now() + SLOW_MS;
  let heard = /** @type {number[]} */ ([]);
  for (;;) {
    heard = [...(await heardOver(page))].sort((a, b) => a - b);
    if (JSON.stringify(heard) === JSON.stringify(want)) break;
    assert.ok(Date.now() < deadline, `${who} hears ${JSON.stringify(heard)}, not ${JSON.stringify(want)}`);
  }
  // And again: not a moment's coincidence.
  const again = [...(await heardOver(page))].sort((a, b) => a - b);
  assert.deepEqual(again, want, `${who} keeps hearing only ${JSON.stringify(want)}`);
}

/** The groups as the facilitator's running view lists them: id -> member ids. */
async function groupsOf(page) {
  return page.locator('#breakout-groups > li[data-breakout]').evaluateAll((items) => items.map((item) => ({
    id: Number(item.getAttribute('data-breakout')),
    members: [...item.querySelectorAll('[data-person]')].map((p) => Number(p.getAttribute('data-person'))),
  })));
}

test('pairs and a triad hear only themselves, a visit and support reach across, and everyone comes back', { timeout: 600_000 }, async (t) => {
  /** @type {TestPage[]} */
  const pages = [];
  try {
    const host = await harness.openPage({ viewport: { width: 1366, height: 768 } });
    pages.push(host);
    host.page.setDefaultTimeout(SLOW_MS);
    await enterWithDoorOpen(host.page, harness.links.facilitator, 'Dr. Rivera');
    for (const [n, name] of NAMES.entries()) {
      const options = n === 0 ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } : { viewport: { width: 480, height: 360 } };
      const person = await harness.openPage(options);
      person.page.setDefaultTimeout(SLOW_MS);
      pages.push(person);
      await person.page.goto(harness.links.participant);
      await joinAs(person.page, name);
      await person.page.locator('#accept-rules').click();
      await person.page.locator('#room').waitFor({ state: 'visible' });
    }
    const ids = await Promise.all(pages.map(({ page }) => ownId(page)));
    const byId = new Map(ids.map((id, index) => [id, pages[index]]));
    const [hostId] = ids;
    // Everyone hears everyone first.
    for (const [index, { page }] of pages.entries()) {
      await hearsExactly(page, ids.filter((id) => id !== ids[index]), `page ${index} before breakouts`);
    }

    // The facilitator plans pairs for 2 minutes, at random.
    const h = host.page;
    await openTab(h, 'breakouts');
    await h.locator('#breakout-size-pairs').check();
    await h.locator('#breakout-assign-random').check();
    await h.locator('#breakout-minutes').fill('2');
    await h.locator('#breakout-preview li[data-group-index="1"]').waitFor();
    assert.equal(await h.locator('#breakout-preview li[data-group-index]').count(), 2, 'five people: two groups');
    await h.locator('#breakout-open').scrollIntoViewIfNeeded();
    await assertSeen(h.locator('#breakout-open'), 'Open breakouts on a laptop');
    await harness.screenshot(h, 'planner-laptop', PREFIX);
    await checkAccessibility(h, 'the breakout planner');
    await h.locator('#breakout-open').click();
    await h.locator('#breakout-running').waitFor({ state: 'visible' });
    const groups = await groupsOf(h);
    assert.deepEqual(groups.map((g) => g.members.length).sort(), [2, 3], 'a pair and a triad');
    const placed = groups.flatMap((g) => g.members).sort((a, b) => a - b);
    assert.deepEqual(placed, ids.slice(1).sort((a, b) => a - b), 'every participant placed, the facilitator in the main room');
    await harness.screenshot(h, 'running-laptop', PREFIX);
    await checkAccessibility(h, 'breakouts running, the facilitator in the main room');

    // Each person hears their group and no one else; the facilitator hears no one.
    for (const group of groups) {
      for (const id of group.members) {
        const person = /** @type {TestPage} */ (byId.get(id));
        await person.page.locator('#breakout-banner').waitFor({ state: 'visible' });
        await hearsExactly(person.page, group.members.filter((other) => other !== id), `participant ${id} in group ${group.id}`);
      }
    }
    await hearsExactly(h, [], 'the facilitator alone in the main room');
    const pair = /** @type {{id: number, members: number[]}} */ (groups.find((g) => g.members.length === 2));
    const triad = /** @type {{id: number, members: number[]}} */ (groups.find((g) => g.members.length === 3));
    // The phone: where they are, the time left and the way back, in view and not scrolling.
    const phone = pages[1].page;
    await assertSeen(phone.locator('#breakout-banner'), 'the breakout banner on a phone');
    await assertSeen(phone.locator('#breakout-return'), 'Return to main room on a phone');
    await assertNoPageScroll(phone, 'a phone in a breakout');
    const partnersOfPhone = groups.find((g) => g.members.includes(ids[1]))?.members.filter((id) => id !== ids[1]) ?? [];
    const banner = await phone.locator('#breakout-where').innerText();
    for (const id of partnersOfPhone) assert.ok(banner.includes(NAMES[ids.indexOf(id) - 1]), `the banner names the partner: ${banner}`);
    await harness.screenshot(phone, 'banner-phone', PREFIX);
    await checkAccessibility(phone, 'a phone in a breakout');

    // The facilitator visits the pair: its members see them and hear them.
    await h.locator(`button[data-visit="${pair.id}"]`).click();
    for (const id of pair.members) {
      const person = /** @type {TestPage} */ (byId.get(id));
      await person.page.locator(`#tiles li[data-participant="${hostId}"]`).waitFor({ state: 'visible' });
      await person.page.locator('#breakout-banner .breakout-visitors', { hasText: 'Dr. Rivera' }).waitFor();
      await hearsExactly(person.page, [...pair.members.filter((other) => other !== id), hostId], `participant ${id} with the facilitator visiting`);
    }
    await hearsExactly(h, pair.members, 'the facilitator visiting the pair');
    const triadMember = /** @type {TestPage} */ (byId.get(triad.members[0]));
    await hearsExactly(triadMember.page, triad.members.slice(1), 'the triad, not visited');
    await h.locator(`button[data-visit="${pair.id}"]`).click();
    await h.locator('#breakout-my-place', { hasText: 'main room' }).waitFor();

    // "I need support" from inside a breakout reaches the facilitator in the main room.
    const t0 = triadMember.page;
    await t0.locator('#support-button').click();
    const dialog = t0.locator('#support-dialog');
    await dialog.getByRole('button', { name: 'Send the signal' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const who = NAMES[ids.indexOf(triad.members[0]) - 1];
    const alert = h.locator('.support-alert li', { hasText: who });
    await alert.waitFor();
    assert.ok((await alert.innerText()).includes('Group'), 'the alert says which group they are in');
    await h.locator(`.support-alert button[data-visit-support="${triad.members[0]}"]`).waitFor();

    // A minute's warning, seen by everyone.
    await openTab(h, 'breakouts');
    await h.locator('#breakout-end-soon').click();
    for (const { page } of pages.slice(1)) await page.locator('#breakout-banner[data-ending="true"]').waitFor();
    await h.locator('#breakout-running[data-ending="true"]').waitFor();
    await harness.screenshot(phone, 'ending-phone', PREFIX);
    // Then everyone back, at once: everyone hears everyone.
    await h.locator('#breakout-end-now').click();
    for (const { page } of pages) await page.locator('#breakout-slot').waitFor({ state: 'hidden' });
    for (const [index, { page }] of pages.entries()) {
      await hearsExactly(page, ids.filter((id) => id !== ids[index]), `page ${index} after breakouts`);
    }
    await h.locator('#breakout-planner').waitFor({ state: 'visible' });
    for (const [index, { problems }] of pages.entries()) assert.deepEqual(problems, [], `no errors on page ${index}`);
  } catch (error) {
    await harness.diagnose(t, Object.fromEntries(pages.map((p, i) => [`person-${i}`, p])), PREFIX);
    throw error;
  }
});

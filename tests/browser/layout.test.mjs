// The room as a meeting, measured in the browser at 1366x768 and 390x844:
// the control bar and the stage inside the viewport with nothing to scroll;
// the facilitator's console beside the group on a laptop, with the stage at
// least half the screen; arrivals (with Admit inside), a hand, a chat line
// and a support request reaching a facilitator whose console is scrolled
// away (on a laptop, and for a co-facilitator on a phone with the console
// open as a sheet); the round's turn in sight; and Leave, then Rejoin, back
// to the same place (hand and role) in a locked room with no name, device
// check, rules or waiting room again. Screenshots of every step, at both
// sizes, and axe-core on each kind of screen.
//
// Run from the repository root: `node --test tests/browser/layout.test.mjs`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  Harness, assertInView, assertNoPageScroll, assertSeen, checkAccessibility, joinAs, openTab, placeOf,
} from './support.mjs';

const harness = new Harness();
const PREFIX = 'layout-';
const LAPTOP = { viewport: { width: 1366, height: 768 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

before(() => harness.start());
after(() => harness.stop());

/** @typedef {import('./support.mjs').TestPage} TestPage */
/** @typedef {import('playwright-core').Page} Page */

/** @param {Page} page @param {string} name */
const shot = (page, name) => harness.screenshot(page, `${name}-${page.viewportSize()?.width === 390 ? 'phone' : 'laptop'}`, PREFIX);

/**
 * The meeting's frame, wherever it is drawn: nothing scrolls, the controls
 * and the stage are on screen.
 * @param {Page} page
 * @param {string} who
 */
async function fitsTheScreen(page, who) {
  await assertNoPageScroll(page, who);
  await assertInView(page, '.control-bar', `${who}: the control bar`);
  await assertInView(page, '#stage', `${who}: the stage`);
  for (const control of ['#mic-button', '#camera-button', '#hand-button', '#react-button', '#chat-button', '#more-button', '#leave-button']) {
    await assertSeen(page.locator(control), `${who}: ${control}`);
  }
}

/** @param {Page} page */
async function cameraOff(page) {
  await page.locator('#camera-button:enabled').waitFor();
  if (await page.locator('#camera-button').getAttribute('aria-pressed') === 'true') await page.locator('#camera-button').click();
  await page.locator('#camera-button[aria-pressed="false"]').waitFor();
}

/**
 * Scrolls a dock panel to its end, as a host busy in the console would.
 * @param {Page} page
 * @param {string} tab
 */
async function scrollPanel(page, tab) {
  const scrolled = await page.locator(`#dock-${tab}`).evaluate((panel) => {
    panel.scrollTop = panel.scrollHeight;
    return panel.scrollTop;
  });
  assert.ok(scrolled > 0, `the ${tab} panel is longer than the screen and scrolled (${scrolled})`);
}

/**
 * A participant at the gate, rules accepted.
 * @param {Page} page
 * @param {string} name
 */
async function arrive(page, name) {
  await page.goto(harness.links.participant);
  await joinAs(page, name);
  await page.locator('#accept-rules').click();
  await page.locator('#waiting').waitFor({ state: 'visible' });
}

test('a meeting that fits the screen, notices that reach a busy facilitator, and Rejoin in a locked room', { timeout: 300_000 }, async (t) => {
  const host = await harness.openPage(LAPTOP);
  const co = await harness.openPage(PHONE);
  const sam = await harness.openPage(PHONE);
  const jo = await harness.openPage(LAPTOP);
  const pages = { host, co, sam, jo };
  for (const { page } of Object.values(pages)) page.setDefaultTimeout(30_000);
  try {
    const H = host.page;
    // Counts the chime's notes, to know it plays when it should.
    await H.addInitScript(() => {
      const w = /** @type {any} */ (window);
      w.chimes = 0;
      const Original = w.AudioContext;
      if (Original) {
        w.AudioContext = class extends Original {
          createOscillator() {
            w.chimes += 1;
            return super.createOscillator();
          }
        };
      }
    });
    await H.goto(harness.links.facilitator);
    await joinAs(H, 'Dr. Rivera');
    await H.locator('#room').waitFor({ state: 'visible' });

    // A laptop: the console opens beside the group, which keeps most of the screen.
    await H.locator('#dock-waiting').waitFor({ state: 'visible' });
    await fitsTheScreen(H, 'the facilitator on a laptop');
    const stage = await placeOf(H, '#stage');
    const dock = await placeOf(H, '#dock');
    assert.ok(stage && dock);
    assert.ok(stage.box.right <= dock.box.left + 0.5, 'the console is beside the stage, not over it');
    assert.ok(stage.box.width * stage.box.height >= 0.5 * stage.viewport.width * stage.viewport.height * 0.75
      && stage.box.width >= 0.5 * stage.viewport.width, `the stage keeps at least half the screen: ${JSON.stringify(stage.box)}`);
    assert.equal(stage.shown, 1, 'the whole stage is in view');
    await assertInView(H, '#dock', 'the console');
    await shot(H, 'facilitator-console-beside-the-group');
    await checkAccessibility(H, "the facilitator's room with the console open");

    // A co-facilitator on a phone: the console is a sheet over the stage, the controls stay in reach.
    await arrive(co.page, 'Alex');
    await H.locator('#waiting-list li', { hasText: 'Alex' }).locator('[data-admit]').click();
    await co.page.locator('#room').waitFor({ state: 'visible' });
    await cameraOff(co.page);
    await openTab(H, 'people');
    await H.locator('#participants li', { hasText: 'Alex' }).locator('summary').click();
    await H.locator('#participants li', { hasText: 'Alex' }).locator('[data-action="make-co"]').click();
    await co.page.locator('#console-button').waitFor({ state: 'visible' });
    await fitsTheScreen(co.page, 'a co-facilitator on a phone');
    await openTab(co.page, 'agenda');
    await assertInView(co.page, '#dock', 'the console as a sheet on a phone');
    await assertSeen(co.page.locator('#leave-button'), 'Leave, with the console open on a phone');
    await assertNoPageScroll(co.page, 'a phone with the console open');
    await shot(co.page, 'co-facilitator-console-sheet');
    await checkAccessibility(co.page, "a co-facilitator's console on a phone");

    // The facilitator wants the chime (under More): it plays for what needs them.
    await H.locator('#more-button').click();
    await H.locator('#sound-toggle').check();
    assert.equal(await H.evaluate(() => localStorage.getItem('peer-room.sound')), 'on', 'the choice is kept');
    await H.keyboard.press('Escape');
    const chimesBefore = await H.evaluate(() => /** @type {any} */ (window).chimes);

    // Both hosts are busy far down their run of show.
    await openTab(H, 'agenda');
    await scrollPanel(H, 'agenda');
    await scrollPanel(co.page, 'agenda');
    await assertInView(H, '#stage', 'the stage while the console is scrolled');

    // Arrivals: a toast with Admit inside, in sight of each host.
    await arrive(sam.page, 'Sam');
    for (const { page } of [host, co]) await assertSeen(page.locator('.toast', { hasText: 'Sam is in the waiting room' }), 'an arrival');
    assert.ok(await H.evaluate(() => /** @type {any} */ (window).chimes) > chimesBefore, 'the arrival chimed');
    await shot(H, 'arrival-toast');
    await shot(co.page, 'arrival-toast');
    await H.locator('.toast', { hasText: 'Sam is in the waiting room' }).getByRole('button', { name: 'Admit' }).click();
    await sam.page.locator('#room').waitFor({ state: 'visible' });
    await arrive(jo.page, 'Jo');
    await co.page.locator('.toast', { hasText: 'Jo is in the waiting room' }).getByRole('button', { name: 'Admit' }).click();
    await jo.page.locator('#room').waitFor({ state: 'visible' });
    await cameraOff(jo.page);
    for (const { page } of [host, co]) await page.locator('.toast', { hasText: 'in the waiting room' }).waitFor({ state: 'detached' });

    // Participants: the meeting fits a phone and a laptop.
    await fitsTheScreen(sam.page, 'a participant on a phone');
    await fitsTheScreen(jo.page, 'a participant on a laptop');
    await shot(sam.page, 'participant-room');
    await shot(jo.page, 'participant-room');
    await checkAccessibility(sam.page, "a participant's room on a phone");

    // A hand and a chat line reach the busy hosts as toasts.
    await sam.page.locator('#hand-button').click();
    await assertSeen(sam.page.locator('#hand-position', { hasText: '1st' }), "Sam's own place in the queue");
    for (const { page } of [host, co]) await assertSeen(page.locator('.toast', { hasText: 'Sam raised a hand' }), 'a raised hand');
    await openTab(sam.page, 'chat');
    await sam.page.locator('#chat-input').fill('Could we take a minute before we go on?');
    await sam.page.locator('#chat-send').click();
    for (const { page } of [host, co]) await assertSeen(page.locator('.toast', { hasText: 'Could we take a minute' }), 'a chat line');
    await jo.page.locator('#chat-unread', { hasText: '1' }).waitFor();
    assert.match(await H.title(), /^\(\d+\) /, 'the tab\'s title counts what waits for the facilitator');
    await shot(H, 'hand-and-chat-toasts');
    await shot(co.page, 'hand-and-chat-toasts');
    await checkAccessibility(H, "the facilitator's room with toasts");
    // Opening the chat reads it: the count goes.
    await jo.page.locator('#chat-button').click();
    await jo.page.locator('#chat-unread').waitFor({ state: 'hidden' });

    // A support request: a banner beside the console that stays, and a toast over a phone's sheet.
    await jo.page.locator('#support-button').click();
    await jo.page.locator('#support-dialog').getByRole('button', { name: 'Send the signal' }).click();
    await assertSeen(H.locator('#support-alert'), 'the support banner on a laptop');
    await assertSeen(co.page.locator('.toast', { hasText: 'Jo asked for support' }), 'the support toast on a phone');
    await shot(H, 'support-banner');
    await shot(co.page, 'support-toast');
    await H.locator('#support-alert').getByRole('button', { name: 'Acknowledge' }).click();
    await H.locator('#support-alert').waitFor({ state: 'hidden' });

    // The round: whoever's turn it is sees it in a banner, on a phone and on a laptop.
    await sam.page.locator('#dock-close').click();
    await jo.page.locator('#dock-close').click();
    await H.locator('#round-order-choice').selectOption('hands_first');
    await H.locator('#round-start').click();
    await assertSeen(sam.page.locator('#turn-banner', { hasText: 'your turn' }), "the round's turn on a phone");
    await shot(sam.page, 'your-turn');
    await sam.page.locator('#turn-pass').click();
    await assertSeen(jo.page.locator('#turn-banner', { hasText: 'your turn' }), "the round's turn on a laptop");
    await jo.page.locator('#turn-speak').click();
    await jo.page.locator('#turn-banner', { hasText: 'the group is listening' }).waitFor();
    await shot(jo.page, 'your-turn-speaking');
    await checkAccessibility(jo.page, 'the turn banner on a laptop');
    await H.locator('#round-end').click();
    await jo.page.locator('#turn-banner').waitFor({ state: 'hidden' });

    await rejoinInALockedRoom(host, co, sam, jo);
    for (const [who, { problems }] of Object.entries(pages)) assert.deepEqual(problems, [], `no errors on ${who}'s page`);
  } catch (error) {
    await harness.diagnose(t, pages, PREFIX);
    throw error;
  }
});

/**
 * The facilitator locks the room; Sam (hand up), Alex (co-facilitator) and
 * Jo leave and come back with one tap each, to the same place.
 * @param {TestPage} host @param {TestPage} co @param {TestPage} sam @param {TestPage} jo
 */
async function rejoinInALockedRoom(host, co, sam, jo) {
  const H = host.page;
  await openTab(H, 'waiting');
  await H.locator('#lock-button').click();
  await H.locator('#lock-button[aria-pressed="true"]').waitFor();

  for (const [person, name] of /** @type {const} */ ([[sam, 'Sam'], [co, 'Alex'], [jo, 'Jo']])) {
    const { page } = person;
    await page.locator('#leave-button').click();
    const question = page.getByRole('dialog', { name: 'Leave the session?' });
    await question.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'leave-stay', 'Stay has the focus');
    await shot(page, `leave-question-${name.toLowerCase()}`);
    await page.locator('#leave-confirm').click();
    await page.locator('#final').waitFor({ state: 'visible' });
    await page.locator('#rejoin').waitFor();
    await shot(page, `left-${name.toLowerCase()}`);
    // Gone for everyone at once, hand and all.
    await openTab(H, 'people');
    await H.locator('#participants li', { hasText: name }).waitFor({ state: 'detached' });
    if (name === 'Sam') assert.equal(await H.locator('#hand-queue li', { hasText: 'Sam' }).count(), 0, "Sam's hand left with Sam");
    await checkAccessibility(page, 'the page after leaving');

    // Rejoin: straight back in, though the room is locked, past no step of the way in.
    await page.evaluate(() => {
      const seen = /** @type {any} */ (window).stepsSeen = new Set();
      new MutationObserver(() => {
        for (const id of ['join-step', 'device-step', 'gate']) if (!document.getElementById(id)?.hidden) seen.add(id);
      }).observe(document.body, { attributes: true, subtree: true, attributeFilter: ['hidden'] });
    });
    await page.locator('#rejoin').click();
    await page.locator('#room').waitFor({ state: 'visible' });
    assert.deepEqual(await page.evaluate(() => [.../** @type {any} */ (window).stepsSeen]), [], `${name}: no name, device check, rules or waiting room`);
    await H.locator('#participants li', { hasText: name }).waitFor();
    await shot(page, `back-${name.toLowerCase()}`);
  }
  // The same places: Sam's hand first in the queue again, Alex still a co-facilitator, the room still locked.
  await sam.page.locator('#hand-button[aria-pressed="true"]').waitFor();
  await sam.page.locator('#hand-position', { hasText: '1st' }).waitFor();
  await H.locator('#hand-queue li').first().filter({ hasText: 'Sam' }).waitFor();
  await co.page.locator('#console-button').waitFor({ state: 'visible' });
  await H.locator('#participants li', { hasText: 'Alex' }).filter({ hasText: 'Co-facilitator' }).waitFor();
  await openTab(H, 'waiting');
  await H.locator('#lock-button[aria-pressed="true"]').waitFor();
  await fitsTheScreen(sam.page, 'a participant back on a phone');
  await fitsTheScreen(jo.page, 'a participant back on a laptop');
}

// Browser test of the facilitator console: the waiting room (decline with
// its undo, admit all), per-person host actions (ask to mute, lower a hand, make someone
// co-facilitator and participant again, remove with a confirmation), hand
// queue positions, talk time for hosts only, and the room in French.
//
// One facilitator on a laptop, two participants (one on a phone), and a
// third person who is declined. Every check is a real round trip: a host
// clicks, the server acts, and the other person's page shows it.
//
// Run from the repository root: `node --test tests/browser/console.test.mjs`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { Harness, checkAccessibility, joinAs, openTab } from './support.mjs';

const harness = new Harness();
const PREFIX = 'console-';
const LAPTOP = { viewport: { width: 1180, height: 820 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

before(() => harness.start());
after(() => harness.stop());

/** @typedef {import('./support.mjs').TestPage} TestPage */
/** @typedef {import('playwright-core').Page} Page */

test('a facilitator runs the room from the console', async (t) => {
  const host = await harness.openPage(LAPTOP);
  const sam = await harness.openPage(LAPTOP);
  const alex = await harness.openPage(PHONE);
  const jo = await harness.openPage(PHONE);
  try {
    await runTheRoom(host, sam, alex, jo);
  } catch (error) {
    await harness.diagnose(t, { host, sam, alex, jo }, PREFIX);
    throw error;
  }
});

/**
 * @param {Page} page
 * @param {string} name
 */
async function waitAtTheGate(page, name) {
  await page.goto(harness.links.participant);
  await joinAs(page, name);
  await page.locator('#accept-rules').click();
  await page.locator('#waiting').waitFor({ state: 'visible' });
}

/**
 * A person's row in the people list, with their "Actions" menu opened.
 * @param {Page} page
 * @param {string} name
 */
async function actionsFor(page, name) {
  await openTab(page, 'people');
  const row = page.locator('#participants li', { hasText: name });
  const menu = row.locator('details.person-menu');
  if (!(await menu.evaluate((details) => /** @type {HTMLDetailsElement} */ (details).open))) {
    await row.locator('summary').click();
  }
  return row;
}

/**
 * @param {TestPage} host the facilitator, Dr. Rivera
 * @param {TestPage} sam a participant on a laptop
 * @param {TestPage} alex a participant on a phone
 * @param {TestPage} jo someone who will be declined
 */
async function runTheRoom(host, sam, alex, jo) {
  const F = host.page;
  await F.goto(harness.links.facilitator);
  await joinAs(F, 'Dr. Rivera');
  // On a laptop the console opens beside the group, at the waiting room.
  await F.locator('#host-panel').waitFor({ state: 'visible' });
  await openTab(F, 'people');
  await F.locator('#talk-panel').waitFor({ state: 'visible' });
  await openTab(F, 'waiting');

  // Three people wait; the facilitator declines one and admits the others at once.
  await waitAtTheGate(jo.page, 'Jo');
  await waitAtTheGate(sam.page, 'Sam');
  await waitAtTheGate(alex.page, 'Alex');
  for (const name of ['Jo', 'Sam', 'Alex']) {
    await F.locator('#waiting-list li', { hasText: name }).filter({ hasText: 'accepted the ground rules' }).waitFor();
  }
  await harness.screenshot(F, 'facilitator-waiting-room', PREFIX);
  // Decline can be undone for a few seconds: nothing reaches Jo meanwhile.
  const joRow = F.locator('#waiting-list li', { hasText: 'Jo' });
  await joRow.locator('[data-decline]').click();
  await joRow.locator('[data-undo]').waitFor();
  await harness.screenshot(F, 'facilitator-decline-undo', PREFIX);
  await joRow.locator('[data-undo]').click();
  await joRow.locator('[data-admit]').waitFor();
  assert.equal(await jo.page.locator('#waiting').isVisible(), true, 'an undone decline never reaches the person');
  await joRow.locator('[data-decline]').click();
  await jo.page.locator('#final-heading', { hasText: 'not admitted' }).waitFor();
  // Said kindly: not a judgment, and where to turn.
  await jo.page.locator('#final-message', { hasText: 'not a judgment' }).waitFor();
  assert.equal(await jo.page.locator('#rejoin').isVisible(), false, 'a declined person is not offered to join again');
  await harness.screenshot(jo.page, 'declined', PREFIX);
  await F.locator('#waiting-list li', { hasText: 'Jo' }).waitFor({ state: 'detached' });
  await F.locator('#admit-all').click();
  await sam.page.locator('#room').waitFor({ state: 'visible' });
  await alex.page.locator('#room').waitFor({ state: 'visible' });
  await F.locator('#waiting-empty').waitFor({ state: 'visible' });
  await openTab(F, 'people');
  await F.locator('#people-heading', { hasText: '3 people in the room' }).waitFor();

  // Hands: each participant sees their place; the facilitator sees the order.
  await sam.page.locator('#hand-button').click();
  await sam.page.locator('#hand-position', { hasText: 'You are 1st in the queue' }).waitFor();
  await alex.page.locator('#hand-button').click();
  await alex.page.locator('#hand-position', { hasText: 'You are 2nd in the queue' }).waitFor();
  await F.locator('#hand-queue li').nth(1).filter({ hasText: 'Alex' }).waitFor();
  assert.deepEqual(await F.locator('#hand-queue li .name').allInnerTexts(), ['Sam', 'Alex'], 'the hosts see the queue in order');
  await harness.screenshot(alex.page, 'participant-second-in-queue', PREFIX);

  // Talk time: the facilitator sees everyone's share in words; participants see nothing of it.
  await F.locator('#talk-list li').nth(2).waitFor();
  assert.equal(await F.locator('#talk-list li').count(), 3, 'a talk-time line per person');
  // The fake microphones make a sound, so someone's time shows, in words as well as a bar.
  await F.locator('#talk-list li', { hasText: /\d+:\d\d, \d+\s?% of the talking/ }).first().waitFor();
  assert.equal(await alex.page.locator('#talk-panel').isVisible(), false, 'no talk time for participants');
  assert.equal(await sam.page.locator('#host-panel').isVisible(), false, 'no console for participants');
  assert.equal(await sam.page.locator('#participants details.person-menu').count(), 0, 'no per-person actions for participants');

  // The facilitator lowers Alex's hand from Alex's actions; the console is checked with the menu open.
  const alexRow = await actionsFor(F, 'Alex');
  await harness.screenshot(F, 'facilitator-actions-open', PREFIX);
  await checkAccessibility(F, 'the facilitator console with a person\'s actions open');
  await alexRow.locator('[data-action="lower-hand"]').click();
  await alex.page.locator('#hand-button[aria-pressed="false"]').waitFor();
  await alex.page.locator('#hand-position').waitFor({ state: 'hidden' });
  await F.locator('#hand-queue li', { hasText: 'Alex' }).waitFor({ state: 'detached' });
  await sam.page.locator('#hand-position', { hasText: 'You are 1st' }).waitFor();

  // Ask to mute: the request reaches Alex.
  await (await actionsFor(F, 'Alex')).locator('[data-action="ask-mute"]').click();
  await alex.page.locator('#toasts', { hasText: 'mute your microphone' }).waitFor();
  await harness.screenshot(alex.page, 'asked-to-mute', PREFIX);

  // Alex becomes a co-facilitator and gets the console, on a phone; then a participant again, and loses it.
  await (await actionsFor(F, 'Alex')).locator('[data-action="make-co"]').click();
  await alex.page.locator('#console-button').waitFor({ state: 'visible' });
  await openTab(alex.page, 'waiting');
  await alex.page.locator('#host-panel').waitFor({ state: 'visible' });
  await openTab(alex.page, 'people');
  await alex.page.locator('#talk-panel').waitFor({ state: 'visible' });
  await F.locator('#participants li', { hasText: 'Alex' }).filter({ hasText: 'Co-facilitator' }).waitFor();
  // A co-facilitator may act on participants, but not on the facilitator, nor end the session.
  await actionsFor(alex.page, 'Sam');
  assert.equal(await alex.page.locator('#participants li', { hasText: 'Dr. Rivera' }).locator('button, summary').count(), 0,
    'no controls over the facilitator');
  assert.equal(await alex.page.locator('#end-session').isVisible(), false, 'only the facilitator ends the session');
  assert.equal(await alex.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true,
    'the console fits a phone without scrolling sideways');
  await harness.screenshot(alex.page, 'co-facilitator-console-phone', PREFIX);
  await checkAccessibility(alex.page, 'a co-facilitator\'s console on a phone');
  await (await actionsFor(F, 'Alex')).locator('[data-action="make-participant"]').click();
  await alex.page.locator('#host-panel').waitFor({ state: 'hidden' });
  await alex.page.locator('#talk-panel').waitFor({ state: 'hidden' });
  assert.equal(await alex.page.locator('#participants details.person-menu').count(), 0, 'the actions went with the role');
  await checkAccessibility(alex.page, 'a participant\'s room on a phone');

  // Remove, after a calm confirmation; Sam sees why, the others see Sam gone.
  await (await actionsFor(F, 'Sam')).locator('[data-action="remove"]').click();
  const dialog = F.locator('#confirm-dialog');
  await dialog.waitFor({ state: 'visible' });
  assert.match(await dialog.innerText(), /Remove Sam from the session\?/);
  await harness.screenshot(F, 'remove-confirm', PREFIX);
  await checkAccessibility(F, 'the confirmation before removing someone');
  await F.locator('#confirm-ok').click();
  await sam.page.locator('#final-heading', { hasText: 'removed' }).waitFor();
  assert.equal(await sam.page.locator('#rejoin').isVisible(), false, 'a removed person is not offered to join again');
  await harness.screenshot(sam.page, 'removed', PREFIX);
  await F.locator('#participants li', { hasText: 'Sam' }).waitFor({ state: 'detached' });
  await alex.page.locator('#participants li', { hasText: 'Sam' }).waitFor({ state: 'detached' });
  await F.locator('#people-heading', { hasText: '2 people in the room' }).waitFor();

  // The room in French: Alex opens the link with ?lang=fr, takes the same place back, and raises a hand.
  await alex.page.goto(harness.links.participant.replace('/join#', '/join?lang=fr#'));
  await alex.page.locator('#room').waitFor({ state: 'visible' });
  await openTab(alex.page, 'chat');
  await alex.page.locator('#chat-heading', { hasText: 'Clavardage' }).waitFor();
  await openTab(alex.page, 'people');
  await alex.page.locator('#people-heading', { hasText: '2 personnes dans la salle' }).waitFor();
  await alex.page.locator('#hand-button').click();
  await alex.page.locator('#hand-position', { hasText: 'Vous êtes en 1re position' }).waitFor();
  await harness.screenshot(alex.page, 'participant-in-french', PREFIX);
  // The facilitator lowers every hand at once: Alex's goes down on their page too.
  await openTab(F, 'people');
  await F.getByRole('button', { name: 'Lower all hands' }).click();
  await alex.page.locator('#hand-button[aria-pressed="false"]').waitFor();
  await F.locator('#hand-empty').waitFor({ state: 'visible' });

  for (const [who, { problems }] of Object.entries({ host, sam, alex, jo })) {
    assert.deepEqual(problems, [], `no errors on ${who}'s page`);
  }
}

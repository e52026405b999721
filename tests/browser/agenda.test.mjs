// Browser test of the run of show, the check-in round and energizers: a
// facilitator runs the demo session's agenda (and changes a part's
// objective and the ground rules from the room) and a participant on a phone
// follows it, through the real server binary, in headless Chromium.
//
// Run from the repository root: `node --test tests/browser/agenda.test.mjs`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { Harness, assertInView, checkAccessibility, joinAs, openTab } from './support.mjs';

const harness = new Harness();
const PREFIX = 'agenda-';

before(() => harness.start());
after(() => harness.stop());

/** @typedef {{page: import('playwright-core').Page, problems: string[]}} TestPage */

test('a facilitator runs the agenda, a round and an energizer; a participant follows', async (t) => {
  const a = await harness.openPage({ viewport: { width: 1180, height: 820 } });
  const b = await harness.openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  /** @type {Record<string, TestPage>} */
  const pages = { facilitator: a, participant: b };
  try {
    await enter(a, b);
    await runTheClock(a, b);
    await editTheAgenda(a, b);
    await changeTheRules(a, b);
    await checkInRound(a, b);
    await energizer(a, b);
    await showRules(a, b);
    const c = await harness.openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    pages.french = c;
    await inFrench(c);
    for (const [who, page] of Object.entries(pages)) assert.deepEqual(page.problems, [], `no errors on the ${who}'s page`);
  } catch (error) {
    await harness.diagnose(t, pages, PREFIX);
    throw error;
  }
});

/**
 * The minutes and seconds a countdown shows, in seconds.
 * @param {import('playwright-core').Locator} locator
 */
async function seconds(locator) {
  const match = /(\d+):(\d\d)/.exec(await locator.innerText());
  assert.ok(match, 'the countdown shows m:ss');
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * @param {TestPage} a
 * @param {TestPage} b
 */
async function enter(a, b) {
  await a.page.goto(harness.links.facilitator);
  await joinAs(a.page, 'Dr. Rivera');
  await a.page.locator('#room').waitFor({ state: 'visible' });
  // The demo agenda, with its minutes, before the session starts.
  await openTab(a.page, 'agenda');
  await a.page.locator('#agenda-list li', { hasText: 'Check-in round' }).filter({ hasText: '10 min' }).waitFor();
  assert.equal(await a.page.locator('#agenda-list li').count(), 6, 'the demo agenda has six parts');
  await a.page.locator('#agenda-session', { hasText: 'has not started yet' }).waitFor();
  await a.page.locator('#agenda-start').waitFor({ state: 'visible' });
  await a.page.locator('#round-panel').waitFor({ state: 'visible' });
  await harness.screenshot(a.page, 'facilitator-before-start', PREFIX);
  await openTab(a.page, 'activities');
  await a.page.locator('#energizer-picker').waitFor({ state: 'visible' });

  await b.page.goto(harness.links.participant);
  await joinAs(b.page, 'Sam');
  await b.page.locator('#accept-rules').click();
  await openTab(a.page, 'waiting');
  await a.page.locator('#waiting-list li', { hasText: 'Sam' }).locator('[data-admit]').click();
  await b.page.locator('#room').waitFor({ state: 'visible' });
  await openTab(b.page, 'agenda');
  await b.page.locator('#agenda-list li', { hasText: 'Wrap-up' }).waitFor();
  // The participant sees the agenda but none of the hosts' controls.
  assert.equal(await b.page.locator('#agenda-host').isVisible(), false, 'no run-of-show controls for a participant');
  assert.equal(await b.page.locator('#energizer-picker').isVisible(), false, 'no energizer picker for a participant');
  assert.equal(await b.page.locator('#round-panel').isVisible(), false, 'no round panel while no round runs');
}

/**
 * Start, next, pause and resume, extend: both see the same clock.
 * @param {TestPage} a
 * @param {TestPage} b
 */
async function runTheClock(a, b) {
  await openTab(a.page, 'agenda');
  await a.page.locator('#agenda-start').click();
  for (const { page } of [a, b]) {
    await page.locator('#agenda-segment', { hasText: 'Now: Welcome and ground rules' }).waitFor();
    await page.locator('#agenda-countdown', { hasText: 'left' }).waitFor();
    await page.locator('#agenda-session', { hasText: 'elapsed' }).waitFor();
  }
  // The countdown runs on the participant's screen: its text changes by itself.
  const first = await b.page.locator('#agenda-countdown').innerText();
  await b.page.waitForFunction((before) => document.getElementById('agenda-countdown')?.textContent !== before, first);
  assert.ok(await seconds(b.page.locator('#agenda-countdown')) <= 5 * 60, 'a five-minute part counts down from 5:00');
  await harness.screenshot(b.page, 'participant-clock-running', PREFIX);

  await a.page.locator('#agenda-next').click();
  for (const { page } of [a, b]) {
    await page.locator('#agenda-segment', { hasText: 'Now: Check-in round' }).waitFor();
    await page.locator('#agenda-list li[aria-current="step"]', { hasText: 'Check-in round' }).filter({ hasText: 'now' }).waitFor();
  }
  await harness.screenshot(a.page, 'facilitator-second-part', PREFIX);
  await checkAccessibility(a.page, "the facilitator's room with the run of show");
  await checkAccessibility(b.page, "the participant's room with the run of show");

  await a.page.locator('#agenda-pause', { hasText: 'Pause' }).click();
  await b.page.locator('#agenda-paused', { hasText: 'paused' }).waitFor();
  await b.page.locator('#agenda-countdown', { hasText: 'Paused' }).waitFor();
  await harness.screenshot(b.page, 'participant-paused', PREFIX);
  await a.page.locator('#agenda-pause', { hasText: 'Resume' }).click();
  await b.page.locator('#agenda-paused').waitFor({ state: 'hidden' });

  // Five more minutes for this part: the participant's countdown jumps up.
  const before = await seconds(b.page.locator('#agenda-countdown'));
  assert.ok(before <= 10 * 60, 'a ten-minute part');
  await a.page.locator('#agenda-extend-minutes').selectOption('5');
  await a.page.locator('#agenda-extend-segment').click();
  await b.page.waitForFunction((limit) => {
    const match = /(\d+):(\d\d)/.exec(document.getElementById('agenda-countdown')?.textContent ?? '');
    return match !== null && Number(match[1]) * 60 + Number(match[2]) > limit;
  }, before + 4 * 60);
  await harness.screenshot(b.page, 'participant-extended', PREFIX);
}

/**
 * A host adds a part and removes it; the participant's agenda follows.
 * @param {TestPage} a
 * @param {TestPage} b
 */
async function editTheAgenda(a, b) {
  await a.page.locator('#agenda-edit-toggle').click();
  await a.page.locator('#agenda-form-title').fill('Quiet minute');
  await a.page.locator('#agenda-form-minutes').fill('2');
  await a.page.locator('#agenda-form-submit').click();
  await b.page.locator('#agenda-list li', { hasText: 'Quiet minute' }).filter({ hasText: '2 min' }).waitFor();
  assert.equal(await a.page.locator('#agenda-form-title').inputValue(), '', 'the form empties once the part is added');
  await a.page.getByRole('button', { name: 'Move “Quiet minute” up' }).click();
  // Last, then fifth of seven: the participant's list shows the new order.
  await b.page.locator('#agenda-list li:nth-child(6)', { hasText: 'Quiet minute' }).waitFor();
  await harness.screenshot(a.page, 'facilitator-editing-agenda', PREFIX);
  await a.page.getByRole('button', { name: 'Remove “Quiet minute”' }).click();
  await b.page.locator('#agenda-list li', { hasText: 'Quiet minute' }).waitFor({ state: 'detached' });
  // The running part cannot be removed: its button says so by being disabled.
  assert.ok(await a.page.getByRole('button', { name: 'Remove “Check-in round”' }).isDisabled());

  // The running part's objective, changed from the room: the participant reads the new one.
  await a.page.getByRole('button', { name: 'Change “Check-in round”' }).click();
  assert.match(await a.page.locator('#agenda-form-objective').inputValue(), /how are you arriving/, 'the form shows the objective it had');
  await a.page.locator('#agenda-form-objective').fill('One word for how you arrive tonight.');
  await a.page.locator('#agenda-form-submit').click();
  await b.page.locator('#agenda-objective', { hasText: 'One word for how you arrive tonight.' }).waitFor();
  await harness.screenshot(b.page, 'participant-new-objective', PREFIX);
  await a.page.locator('#agenda-edit-toggle').click();
}

/**
 * The facilitator replaces the ground rules from the room; the participant reads them.
 * @param {TestPage} a
 * @param {TestPage} b
 */
async function changeTheRules(a, b) {
  await a.page.locator('#rules-edit-toggle').click();
  const rules = a.page.locator('#rules-text');
  assert.match(await rules.inputValue(), /What is said here stays here\./, 'the form starts from the rules in force');
  await rules.fill('What is said here stays here.\nWe start and end on time.\nYou may always pass.');
  await harness.screenshot(a.page, 'facilitator-edits-rules', PREFIX);
  await a.page.locator('#rules-save').click();
  await b.page.locator('#room-rules li', { hasText: 'We start and end on time.' }).waitFor();
  assert.equal(await b.page.locator('#room-rules li').count(), 3, 'the new rules replace the old ones');
  await a.page.locator('#rules-form').waitFor({ state: 'hidden' });
}

/**
 * @param {TestPage} a
 * @param {TestPage} b
 */
async function checkInRound(a, b) {
  // The participant watches the group, with the dock closed.
  await b.page.locator('#dock-close').click();
  await a.page.locator('#round-order-choice').selectOption('hands_first');
  await a.page.locator('#round-start').click();
  // Sam is the only one in the round (hosts are not): it is Sam's turn, in a banner in sight.
  await b.page.locator('#turn-banner', { hasText: 'It is your turn' }).waitFor();
  await assertInView(b.page, '#turn-banner', "the turn's banner on a phone");
  await a.page.locator('#round-speaker', { hasText: 'Speaking now: Sam' }).waitFor();
  await harness.screenshot(b.page, 'participant-your-turn', PREFIX);
  await noSideScroll(b.page, "the participant's phone during a round");
  await checkAccessibility(b.page, "the participant's room during a round");
  await checkAccessibility(a.page, "the facilitator's room during a round");

  // Speak turns the microphone on; Pass passes, from the banner.
  await b.page.locator('#turn-speak').click();
  await b.page.locator('#turn-banner', { hasText: 'the group is listening' }).waitFor();
  await b.page.locator('#mic-button[aria-pressed="true"]').waitFor();
  await b.page.locator('#turn-pass').click();
  await b.page.locator('#turn-banner').waitFor({ state: 'hidden' });
  await openTab(b.page, 'agenda');
  await b.page.locator('#round-mine', { hasText: 'You passed' }).waitFor();
  await a.page.locator('#round-order li', { hasText: 'Sam' }).filter({ hasText: 'passed' }).waitFor();
  await a.page.locator('#round-speaker', { hasText: 'Everyone has had a turn' }).waitFor();
  await harness.screenshot(a.page, 'facilitator-sees-pass', PREFIX);

  await a.page.locator('#round-end').click();
  await b.page.locator('#round-panel').waitFor({ state: 'hidden' });
  await a.page.locator('#round-start').waitFor({ state: 'visible' });
}

/**
 * @param {TestPage} a
 * @param {TestPage} b
 */
async function energizer(a, b) {
  await openTab(a.page, 'activities');
  await a.page.locator('#energizer-choice option[value="box-breathing"]').waitFor({ state: 'attached' });
  await a.page.locator('#energizer-choice').selectOption('box-breathing');
  await a.page.locator('#energizer-seated').check();
  await a.page.locator('#energizer-launch').click();

  const dialog = b.page.getByRole('dialog', { name: 'Box breathing' });
  await dialog.waitFor();
  await dialog.locator('#energizer-variant', { hasText: 'Seated variant' }).waitFor();
  await dialog.locator('#energizer-steps li', { hasText: 'seated' }).waitFor();
  await dialog.locator('#energizer-countdown', { hasText: 'left' }).waitFor();
  assert.equal(await b.page.evaluate(() => document.activeElement?.id), 'energizer-title', 'the focus moves into the dialog');
  await a.page.locator('#energizer-progress', { hasText: '0 of 1 back' }).waitFor();
  assert.equal(await a.page.locator('#energizer-back').isVisible(), false, 'hosts are not counted, so no "I\'m back" for them');
  await harness.screenshot(b.page, 'participant-energizer', PREFIX);
  await checkAccessibility(b.page, "the participant's energizer overlay");
  await checkAccessibility(a.page, "the facilitator's energizer overlay");

  // Escape tucks the overlay away without ending it; it comes back on request.
  await b.page.keyboard.press('Escape');
  await b.page.locator('#energizer-strip').waitFor({ state: 'visible' });
  assert.equal(await dialog.isVisible(), false);
  await b.page.locator('#energizer-show').click();
  await dialog.waitFor();

  await dialog.getByRole('button', { name: 'I’m back' }).click();
  await dialog.locator('#energizer-thanks').waitFor({ state: 'visible' });
  await a.page.locator('#energizer-progress', { hasText: '1 of 1 back' }).waitFor();
  await harness.screenshot(a.page, 'facilitator-one-back', PREFIX);
  // A facilitator whose page reloads gets the count back with the room.
  await a.page.reload({ waitUntil: 'commit' });
  await a.page.locator('#room').waitFor({ state: 'visible' });
  await a.page.locator('#energizer-progress', { hasText: '1 of 1 back' }).waitFor();

  await a.page.locator('#energizer-end').click();
  await dialog.waitFor({ state: 'hidden' });
  await a.page.locator('#energizer-dialog').waitFor({ state: 'hidden' });
  assert.equal(await b.page.locator('#energizer-strip').isVisible(), false);
  // The focus left the closed overlay for the page, not for nowhere.
  const focus = await b.page.evaluate(() => ({
    inOverlay: Boolean(document.activeElement?.closest('#overlay-slot')), onBody: document.activeElement === document.body }));
  assert.deepEqual(focus, { inOverlay: false, onBody: false }, 'the focus is given back to the page');
  await harness.screenshot(b.page, 'participant-energizer-over', PREFIX);
}

/**
 * @param {TestPage} a
 * @param {TestPage} b
 */
async function showRules(a, b) {
  assert.equal(await b.page.locator('#rules-shown').isVisible(), false, 'no rules over the room until a host shows them');
  // Sam is typing when the rules come: they show over the room, and Sam keeps the focus.
  await openTab(b.page, 'chat');
  await b.page.locator('#chat-input').focus();
  await openTab(a.page, 'agenda');
  await a.page.locator('#agenda-show-rules').click();
  const shown = b.page.getByRole('dialog', { name: 'Our ground rules' });
  await shown.waitFor();
  await shown.locator('li', { hasText: 'We start and end on time.' }).waitFor();
  await assertInView(b.page, '#rules-shown', 'the ground rules shown to everyone, on a phone');
  assert.equal(await b.page.evaluate(() => document.activeElement?.id), 'chat-input', 'showing the rules does not take the focus');
  await harness.screenshot(b.page, 'participant-rules-shown', PREFIX);
  await checkAccessibility(b.page, 'the ground rules shown over the room');
  await shown.getByRole('button', { name: 'Close' }).click();
  await shown.waitFor({ state: 'hidden' });
}

/** @param {TestPage} c a second facilitator, whose page is in French */
async function inFrench(c) {
  await c.page.goto(harness.links.facilitator.replace('/join#', '/join?lang=fr#'));
  await joinAs(c.page, 'Dr. Roy');
  await c.page.locator('#room').waitFor({ state: 'visible' });
  await openTab(c.page, 'agenda');
  await c.page.locator('#agenda-heading', { hasText: 'Déroulement de la séance' }).waitFor();
  await c.page.locator('#agenda-countdown', { hasText: 'Il reste' }).waitFor();
  await c.page.locator('#round-heading', { hasText: 'Tour de table' }).waitFor();
  await harness.screenshot(c.page, 'french', PREFIX);
  // The server's built-in energizers, in French too: titles and steps.
  await openTab(c.page, 'activities');
  await c.page.locator('#energizer-choice option[value="box-breathing"]', { hasText: 'Respiration carrée' }).waitFor({ state: 'attached' });
  await c.page.locator('#energizer-choice').selectOption('box-breathing');
  await c.page.locator('#energizer-preview li', { hasText: 'Inspirez par le nez' }).waitFor();
  const titles = await c.page.locator('#energizer-choice option').allInnerTexts();
  assert.ok(!titles.some((title) => /Box breathing|Shoulder reset|Two-minute walk/.test(title)), `no energizer left in English: ${titles}`);
  await harness.screenshot(c.page, 'french-energizers', PREFIX);
  await noSideScroll(c.page, 'the French host controls on a phone');
}

/**
 * Nothing wider than the screen: a phone never scrolls sideways.
 * @param {import('playwright-core').Page} page
 * @param {string} where
 */
async function noSideScroll(page, where) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth }));
  assert.ok(scroll <= width, `${where}: the page is ${scroll}px wide on a ${width}px screen`);
}

// Browser smoke test: a facilitator and a participant join the same demo
// session in headless Chromium, through the real server binary, and see each
// other's chat and raised hand.
//
// Run from the repository root: `node --test tests/browser/`
// Needs: `npm install` in web-client/ (for playwright-core) and Chromium at
// /usr/bin/chromium; the server is built if missing. See support.mjs for the
// environment variables.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { Harness, checkAccessibility, joinAs, openTab } from './support.mjs';

const harness = new Harness();

before(() => harness.start());
after(() => harness.stop());

test('a facilitator admits a participant, who chats and raises a hand', async (t) => {
  const a = await harness.openPage({ viewport: { width: 1180, height: 820 } });
  const b = await harness.openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }); // a phone
  try {
    await meetAndChat(a, b);
  } catch (error) {
    // What each person saw and what the server said, to tell a client bug from a server one.
    await harness.diagnose(t, { facilitator: a, participant: b });
    throw error;
  }
});

/**
 * The scenario itself, step by step.
 * @param {{page: import('playwright-core').Page, problems: string[]}} a the facilitator
 * @param {{page: import('playwright-core').Page, problems: string[]}} b the participant
 */
async function meetAndChat(a, b) {
  // A, the facilitator, goes straight into the room: hosts have no gate.
  await a.page.goto(harness.links.facilitator);
  await joinAs(a.page, 'Dr. Rivera');
  await a.page.locator('#room').waitFor({ state: 'visible' });
  // A facilitator on a laptop has the console beside the group, at the waiting room.
  await a.page.locator('#waiting-list').waitFor({ state: 'attached' });
  await a.page.locator('#dock-waiting').waitFor({ state: 'visible' });
  await openTab(a.page, 'people');
  await a.page.locator('#participants li', { hasText: 'Dr. Rivera' }).waitFor();
  await openTab(a.page, 'waiting');
  await harness.screenshot(a.page, 'facilitator-in-room');

  // B, a participant, reads the ground rules and accepts them. The
  // invitation leaves the address bar as soon as the page has read it: it
  // must not sit in the history or a screenshot.
  await b.page.goto(harness.links.participant);
  assert.ok(!b.page.url().includes('#'), `the token left the address bar: ${b.page.url()}`);
  await joinAs(b.page, 'Sam');
  await b.page.locator('#accept-rules').waitFor({ state: 'visible' });
  assert.ok(await b.page.locator('#rules li').count() > 0, 'the ground rules are shown');
  // The crisis line shows the server's resources (by default, 9-8-8 "any time").
  await b.page.locator('#crisis', { hasText: 'any time' }).waitFor({ state: 'visible' });
  await harness.screenshot(b.page, 'participant-ground-rules');
  await checkAccessibility(b.page, 'the ground rules on a phone');
  await b.page.locator('#accept-rules').click();
  await b.page.locator('#waiting').waitFor({ state: 'visible' });
  await harness.screenshot(b.page, 'participant-waiting');

  // A sees B waiting, with the rules accepted, and admits them.
  const waiting = a.page.locator('#waiting-list li', { hasText: 'Sam' });
  await waiting.filter({ hasText: 'accepted the ground rules' }).waitFor();
  await harness.screenshot(a.page, 'facilitator-sees-waiting');
  await waiting.locator('[data-admit]').click();

  // B is in, and sees both people.
  await b.page.locator('#room').waitFor({ state: 'visible' });
  await openTab(b.page, 'people');
  await b.page.locator('#participants li', { hasText: 'Dr. Rivera' }).waitFor();
  await b.page.locator('#participants li', { hasText: 'Sam' }).waitFor();
  assert.equal(await a.page.locator('#waiting-list li').count(), 0, 'no one is left waiting');
  await openTab(a.page, 'people');
  await a.page.locator('#participants li', { hasText: 'Sam' }).waitFor();
  await harness.screenshot(b.page, 'participant-in-room');
  await checkAccessibility(b.page, 'the room on a phone');
  await checkAccessibility(a.page, 'the facilitator\'s room');

  // B writes to the group; A reads it.
  await openTab(a.page, 'chat');
  await openTab(b.page, 'chat');
  await b.page.locator('#chat-input').fill('Thank you for having me. It has been a hard week.');
  await b.page.locator('#chat-send').click();
  await a.page.locator('#chat-log li', { hasText: 'It has been a hard week.' }).waitFor();
  await b.page.locator('#chat-log li', { hasText: 'It has been a hard week.' }).waitFor();
  assert.equal(await b.page.locator('#chat-input').inputValue(), '', 'the sent line leaves the input');
  await harness.screenshot(a.page, 'facilitator-sees-chat');

  // B raises a hand; A sees it in the queue.
  await b.page.locator('#hand-button').click();
  await b.page.locator('#hand-button[aria-pressed="true"]').waitFor();
  await openTab(a.page, 'people');
  await a.page.locator('#hand-queue li', { hasText: 'Sam' }).waitFor();
  await harness.screenshot(b.page, 'participant-hand-raised');
  await harness.screenshot(a.page, 'facilitator-sees-hand');

  // A reload keeps the place, though the link is no longer in the address bar.
  await b.page.reload();
  await b.page.locator('#room').waitFor({ state: 'visible' });
  // The people list sits in a closed tab on this page: present, not shown.
  await b.page.locator('#participants li', { hasText: 'Dr. Rivera' }).waitFor({ state: 'attached' });
  assert.ok(!b.page.url().includes('#'));

  assert.match(await a.page.locator('#status').innerText(), /In the room/);
  assert.deepEqual(a.problems, [], 'no errors on the facilitator page');
  assert.deepEqual(b.problems, [], 'no errors on the participant page');
}

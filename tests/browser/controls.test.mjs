// The host controls and the room's clock in the browser, on a laptop (the
// facilitator) and a phone (a participant): stopping someone's video, locking
// the room (a newcomer's link says so before any name), reactions on the
// tiles, a time warning as a toast in sight, and extending the session.
// The session is scheduled through the organizers' API so that its warning
// is due the moment it starts: scheduled to have ended already, it gets its
// whole length from its start (docs/protocol.md, `start_session`), and its
// ten-minute warning falls on the start itself.
//
// Run from the repository root: `node --test tests/browser/controls.test.mjs`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { Harness, TIME_ZONE, assertSeen, checkAccessibility, joinAs, openTab } from './support.mjs';
import { organizerApi, rfc3339 } from './scripted.mjs';

const harness = new Harness();
const PREFIX = 'controls-';
const LAPTOP = { viewport: { width: 1366, height: 768 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

before(() => harness.start());
after(() => harness.stop());

/** @typedef {import('playwright-core').Page} Page */

/** @param {Page} page @param {string} name */
const shot = (page, name) => harness.screenshot(page, `${name}-${page.viewportSize()?.width === 390 ? 'phone' : 'laptop'}`, PREFIX);

/**
 * Minutes left in the session, as a page's run of show says it.
 * @param {Page} page
 */
async function minutesLeft(page) {
  const text = await page.locator('#agenda-session').innerText();
  const match = /(\d+):(\d\d) left/.exec(text);
  assert.ok(match, `the session's time left: "${text}"`);
  return Number(match[1]) + Number(match[2]) / 60;
}

test('stop video, lock, reactions, a time warning and extending the session', { timeout: 240_000 }, async (t) => {
  const host = await harness.openPage(LAPTOP);
  const sam = await harness.openPage(PHONE);
  const jo = await harness.openPage(LAPTOP);
  const pages = { host, sam, jo };
  for (const { page } of Object.values(pages)) page.setDefaultTimeout(30_000);
  try {
    const api = await organizerApi(harness, 'controls@example.org');
    const created = await api('POST', '/api/sessions', {
      title: 'Evening group', starts_at: rfc3339(Date.now() - 10 * 60_000), time_zone: TIME_ZONE,
      duration_minutes: 10, warning_marks: [10],
    });
    const H = host.page;
    const S = sam.page;
    await H.goto(created.links.facilitator);
    await joinAs(H, 'Dr. Rivera');
    await H.locator('#room').waitFor({ state: 'visible' });
    await S.goto(created.links.participant);
    await joinAs(S, 'Sam');
    await S.locator('#accept-rules').click();
    await H.locator('#waiting-list li', { hasText: 'Sam' }).locator('[data-admit]').click();
    await S.locator('#room').waitFor({ state: 'visible' });
    const samId = Number(await S.locator('#tiles li.tile-mine').getAttribute('data-participant'));
    const samTile = H.locator(`#tiles li[data-participant="${samId}"]`);

    // Stop video: Sam's camera goes off, Sam is told why in sight, and turns it back on.
    await S.locator('#camera-button[aria-pressed="true"]').waitFor();
    await openTab(H, 'people');
    const samRow = H.locator('#participants li', { hasText: 'Sam' });
    await samRow.locator('summary').click();
    await samRow.locator('[data-action="stop-video"]').click();
    await S.locator('#camera-button[aria-pressed="false"]').waitFor();
    await assertSeen(S.locator('#host-action-notice', { hasText: 'turned off your camera' }), 'the stopped video, told to Sam');
    await samTile.locator('.tile-flag', { hasText: 'Camera off' }).waitFor();
    await shot(S, 'video-stopped');
    await shot(H, 'video-stopped');
    await S.locator('#camera-button').click();
    await S.locator('#camera-button[aria-pressed="true"]').waitFor();
    await S.locator('#host-action-notice').waitFor({ state: 'hidden' });
    await samTile.locator('.tile-flag').waitFor({ state: 'hidden' });

    // Lock: a newcomer's link says so before asking a name; unlocked, it lets them on.
    await openTab(H, 'waiting');
    await H.locator('#lock-button').click();
    await H.locator('#lock-button[aria-pressed="true"]').waitFor();
    await H.locator('#locked-note').waitFor();
    await shot(H, 'locked');
    const J = jo.page;
    await J.goto(created.links.participant);
    await J.locator('#link-state', { hasText: 'locked right now' }).waitFor();
    assert.equal(await J.locator('#name').isVisible(), false, 'no name asked while the room is locked');
    await shot(J, 'newcomer-sees-locked');
    await H.locator('#lock-button').click();
    await H.locator('#lock-button[aria-pressed="false"]').waitFor();
    await J.locator('#link-retry').click();
    await J.locator('#name').waitFor();

    // Reactions: on Sam's tile for everyone, and in the feed.
    await S.locator('#react-button').click();
    await assertSeen(S.locator('#react-menu'), 'the reactions on a phone');
    await shot(S, 'react-menu');
    await checkAccessibility(S, 'the reactions menu on a phone');
    await S.locator('#react-menu [data-reaction="heart"]').click();
    await S.locator('#react-menu').waitFor({ state: 'hidden' });
    await samTile.locator('.tile-reaction', { hasText: 'sends a heart' }).waitFor();
    await H.locator('#reaction-feed li', { hasText: 'Sam sends a heart' }).waitFor();
    await S.locator('#tiles li.tile-mine .tile-reaction', { hasText: 'sends a heart' }).waitFor();
    await shot(H, 'reaction');

    // The clock: started, the ten-minute warning reaches everyone in sight.
    await openTab(H, 'agenda');
    await H.locator('#agenda-start').click();
    for (const page of [H, S]) await assertSeen(page.locator('.toast', { hasText: '10 minutes left in this session' }), 'the time warning');
    await assertSeen(H.locator('#room-clock', { hasText: 'left' }), 'the clock in the top bar');
    await shot(S, 'time-warning');
    await shot(H, 'time-warning');
    await checkAccessibility(S, 'a time warning on a phone');

    // Extending the session by five minutes: Sam's clock moves on.
    await openTab(S, 'agenda');
    const before = await minutesLeft(S);
    assert.ok(before <= 10, `a ten-minute session: ${before}`);
    await H.locator('#agenda-extend-minutes').selectOption('5');
    await H.locator('#agenda-extend-session').click();
    await S.waitForFunction((limit) => {
      const match = /(\d+):(\d\d) left/.exec(document.getElementById('agenda-session')?.textContent ?? '');
      return match !== null && Number(match[1]) + Number(match[2]) / 60 > limit;
    }, before + 4);
    await shot(S, 'extended');
    for (const [who, { problems }] of Object.entries(pages)) assert.deepEqual(problems, [], `no errors on ${who}'s page`);
  } catch (error) {
    await harness.diagnose(t, pages, PREFIX);
    throw error;
  }
});

// Browser test of recurring groups on the organizers' pages, through the real
// server binary in headless Chromium. An organizer in Toronto schedules a
// group that meets every two weeks, four times, starting about ten minutes
// from now (a count of 60 is refused first, next to its field). The four
// meetings show two weeks apart at the same local time, and each meeting is
// part of the group in the Upcoming list. The second meeting is cancelled;
// the third is moved, after a refused change (60 places) that changed
// nothing. The calendar feed has the rule, the cancelled date taken out and
// the moved meeting. The group's participant link, copied and opened on a
// phone, leads to the first meeting.
//
// Run from the repository root: `node --test tests/browser/`
// Needs what organize.test.mjs needs; see support.mjs.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { Harness, LOCALE, TIME_ZONE, joinAs, wallClock } from './support.mjs';

const PREFIX = 'series-';
const EMAIL = 'rivera@example.org';
const PASSWORD = 'quiet meadow compass';
const TITLE = 'Night shift group';
const LINK = /^http:\/\/127\.0\.0\.1:\d+\/join#[A-Za-z0-9_-]{43}$/;
const WEEK_MS = 7 * 24 * 3_600_000;

const harness = new Harness();

before(() => harness.start());
after(() => harness.stop());

/**
 * "18:05" or "01:50", as the page writes a time in en-GB: two-digit hours,
 * alone as in a range (shared/time-text.js).
 * @param {number} millis
 */
function clock(millis) {
  return new Date(millis).toLocaleTimeString(LOCALE, { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit' });
}

/** @param {string} wall `2026-12-01T18:00` @returns {number} days since the epoch, of its date */
function dayNumber(wall) {
  return Date.parse(`${wall.slice(0, 10)}T00:00:00Z`) / (24 * 3_600_000);
}

/**
 * Drops the failures the scenario causes on purpose, so any other shows.
 * @param {string[]} problems
 */
function unexpected(problems) {
  const expected = [
    /HTTP 401 for .*\/api\/me$/, // "who am I" before logging in
    /HTTP 400 for .*\/api\/series$/, // a count of 60
    /HTTP 400 for .*\/api\/sessions\/[0-9a-f-]+$/, // 60 places for one meeting
    /console error: Failed to load resource: the server responded with a status of (400|401)/,
  ];
  return problems.filter((p) => !expected.some((e) => e.test(p)));
}

test('an organizer schedules a group every two weeks, cancels one meeting, moves another and hands out its link', async (t) => {
  harness.addOrganizer({ email: EMAIL, name: 'Dr. Rivera', timeZone: TIME_ZONE, password: PASSWORD });
  const organizer = await harness.openPage({
    viewport: { width: 1280, height: 860 },
    timezoneId: TIME_ZONE,
    locale: LOCALE,
    permissions: ['clipboard-read', 'clipboard-write'],
    acceptDownloads: true,
  });
  const participant = await harness.openPage({
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, timezoneId: TIME_ZONE, locale: LOCALE,
  });
  try {
    await scenario(organizer, participant);
  } catch (error) {
    await harness.diagnose(t, { organizer, participant }, PREFIX);
    throw error;
  }
});

/**
 * @param {import('./support.mjs').TestPage} o the organizer, on a laptop
 * @param {import('./support.mjs').TestPage} p a participant, on a phone
 */
async function scenario(o, p) {
  const { page } = o;
  await page.goto(`${harness.links.url}/organize`);
  await page.locator('#login-email').fill(EMAIL);
  await page.locator('#login-password').fill(PASSWORD);
  await page.locator('#login-button').click();
  await page.locator('#schedule-view').waitFor({ state: 'visible' });

  // A group every two weeks, starting about ten minutes from now, on the minute.
  const startsAt = Math.ceil((Date.now() + 10 * 60_000) / 60_000) * 60_000;
  const startWall = wallClock(startsAt, TIME_ZONE);
  await page.locator('#new-session').click();
  await page.locator('#s-title').fill(TITLE);
  await page.locator('#s-starts-at').fill(startWall);
  await page.locator('#s-duration').fill('60');
  assert.equal(await page.locator('#repeat-end').isVisible(), false, 'a single session asks nothing more');
  await page.getByLabel('Every two weeks').check();
  await page.locator('#repeat-end').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#session-submit').innerText(), 'Schedule the group');
  // The server refuses 60 meetings; its words show next to the number.
  await page.locator('#s-count').fill('60');
  await page.locator('#session-submit').click();
  await page.locator('#s-count-error', { hasText: 'between 1 and 52' }).waitFor();
  assert.equal(await page.locator('#s-count').getAttribute('aria-invalid'), 'true');
  await harness.screenshot(page, 'count-refused', PREFIX);
  await page.locator('#s-count').fill('4');
  await page.locator('#session-submit').click();

  // Scheduled: the group's links, its feed and its four meetings.
  const created = page.locator('#created-panel');
  await created.waitFor({ state: 'visible' });
  await page.locator('#created-heading', { hasText: 'Group scheduled' }).waitFor();
  assert.match(await created.locator('[data-role="participant"] input').inputValue(), LINK);
  assert.match(await created.locator('[data-role="facilitator"] input').inputValue(), LINK);
  // The feed is named after the group, and the invitation says how often it meets and its link.
  const [feed] = await Promise.all([page.waitForEvent('download'), created.locator('a', { hasText: 'Download calendar feed' }).click()]);
  assert.equal(feed.suggestedFilename(), 'night-shift-group.ics');
  const invitation = await created.locator('[data-role="invitation"] textarea').inputValue();
  assert.match(invitation, /Night shift group.*meets every two weeks/s);
  assert.ok(invitation.includes(await created.locator('[data-role="participant"] input').inputValue()), 'the invitation carries the group link');
  assert.equal(await created.locator('#created-meetings .meeting').count(), 4);
  assert.match(await page.locator('#created-summary').innerText(), /every two weeks, 4 meetings/);

  // In the Upcoming list, each meeting says it is part of the group.
  const upcoming = page.locator('#upcoming-list .session', { hasText: TITLE });
  await upcoming.nth(3).waitFor();
  assert.equal(await upcoming.count(), 4);
  assert.match(await upcoming.first().locator('.series-note').innerText(), /Part of “Night shift group”, a group that meets every two weeks/);
  // A meeting has no links of its own: its "links" are the group's.
  const groupLink = await created.locator('[data-role="participant"] input').inputValue();
  await upcoming.nth(1).locator('button', { hasText: 'Group links and calendar' }).click();
  await upcoming.nth(1).locator('.links-note').waitFor();
  assert.equal(await upcoming.nth(1).locator('[data-role="participant"] input').inputValue(), groupLink);
  await harness.screenshot(page, 'created', PREFIX);
  await page.locator('#created-done').click();

  // The Groups tab: four meetings, two weeks apart, at the same local time.
  // (From the keyboard, as a tab list: the arrow key moves to the next tab.)
  await page.locator('#tab-upcoming').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.locator('#tab-groups').getAttribute('aria-selected'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-groups');
  const group = page.locator('#groups-list .series', { hasText: TITLE });
  const meetings = group.locator('.meeting');
  await meetings.nth(3).waitFor();
  assert.equal(await meetings.count(), 4);
  const starts = await meetings.locator('time').evaluateAll((times) => times.map((t) => Date.parse(t.getAttribute('datetime') ?? '')));
  assert.equal(starts[0], startsAt, 'the first meeting is when it was asked for');
  for (const [k, start] of starts.entries()) {
    const wall = wallClock(start, TIME_ZONE);
    assert.equal(wall.slice(11), startWall.slice(11), `meeting ${k + 1} at the same local time: ${wall}`);
    assert.equal(dayNumber(wall) - dayNumber(startWall), 14 * k, `meeting ${k + 1} two weeks after the one before: ${wall}`);
    assert.ok(Math.abs(start - startsAt - 2 * k * WEEK_MS) <= 3_600_000, 'two weeks apart, give or take a change of the clocks');
    const shown = await meetings.nth(k).locator('.session-time').innerText();
    assert.ok(shown.startsWith(`${clock(startsAt)} to `), `meeting ${k + 1} shown at ${clock(startsAt)}: "${shown}"`);
  }
  assert.match(await group.innerText(), /Every two weeks, 4 meetings/);
  await harness.screenshot(page, 'groups', PREFIX);

  // Cancel the second meeting, after a question; the others stay.
  const second = meetings.nth(1);
  await second.locator('button', { hasText: 'Cancel this meeting' }).click();
  await second.locator('.confirm').waitFor();
  await harness.screenshot(page, 'cancel-question', PREFIX);
  await second.locator('button', { hasText: 'Cancel the meeting' }).click();
  await group.locator('.card-status', { hasText: 'was cancelled' }).waitFor();
  await meetings.nth(1).locator('.badge-cancelled').waitFor();
  assert.equal(await group.locator('.badge-cancelled').count(), 1, 'only that meeting is cancelled');
  assert.equal(await meetings.nth(1).locator('button').count(), 0, 'a cancelled meeting has nothing more to do');

  // Move the third meeting 90 minutes later. First with 60 places, which the
  // server refuses next to the field, changing nothing.
  const third = meetings.nth(2);
  const thirdId = /** @type {string} */ (await third.getAttribute('data-session'));
  const moved = starts[2] + 90 * 60_000;
  await third.locator('button', { hasText: 'Change' }).click();
  const form = third.locator('form.edit-form');
  await form.waitFor();
  assert.equal(await form.locator('input[name="starts_at"]').inputValue(), wallClock(starts[2], TIME_ZONE), 'the form holds the meeting as it is');
  await form.locator('input[name="starts_at"]').fill(wallClock(moved, TIME_ZONE));
  await form.locator('input[name="capacity"]').fill('60');
  await form.locator('button', { hasText: 'Save changes' }).click();
  await form.locator('[data-error-for="capacity"]', { hasText: 'between 2 and 50' }).waitFor();
  assert.equal(await form.locator('input[name="capacity"]').getAttribute('aria-invalid'), 'true');
  const unchanged = await page.evaluate(async (id) => (await fetch(`/api/sessions/${id}`)).json(), thirdId);
  assert.equal(Date.parse(unchanged.starts_at), starts[2], 'a refused change moves nothing');
  assert.equal(unchanged.capacity, 16);
  await harness.screenshot(page, 'change-refused', PREFIX);
  await form.locator('input[name="capacity"]').fill('12');
  await form.locator('button', { hasText: 'Save changes' }).click();
  await group.locator('.card-status', { hasText: 'was changed' }).waitFor();
  const thirdNow = group.locator(`.meeting[data-session="${thirdId}"]`);
  assert.equal(Date.parse(await thirdNow.locator('time').getAttribute('datetime') ?? ''), moved);
  assert.ok((await thirdNow.locator('.session-time').innerText()).startsWith(`${clock(moved)} to `));
  assert.ok((await meetings.nth(3).locator('.session-time').innerText()).startsWith(`${clock(startsAt)} to `), 'the fourth stays');
  await harness.screenshot(page, 'changed', PREFIX);

  // The feed: the rule, the cancelled date taken out, the moved meeting on its own.
  await group.locator('button', { hasText: 'Links and calendar feed' }).click();
  const links = group.locator('.links');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    links.locator('a', { hasText: 'Download calendar feed' }).click(),
  ]);
  const ics = (await readFile(await download.path(), 'utf8')).replaceAll('\r\n ', '');
  assert.match(ics, /RRULE:FREQ=WEEKLY;INTERVAL=2/);
  const exdate = `EXDATE;TZID=${TIME_ZONE}:${wallClock(starts[1], TIME_ZONE).replaceAll('-', '').replace(':', '')}00`;
  assert.ok(ics.includes(exdate), `the cancelled meeting excluded: ${exdate}`);
  assert.match(ics, /RECURRENCE-ID/);

  // The group's participant link, copied, leads to the first meeting.
  await links.locator('[data-copy="participant"]').click();
  await links.locator('[role="status"]', { hasText: 'copied' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(copied, LINK);
  assert.equal(copied, await links.locator('[data-role="participant"] input').inputValue());
  await harness.screenshot(page, 'group-links', PREFIX);
  await p.page.goto(copied);
  await joinAs(p.page, 'Sam');
  await p.page.locator('#session-title', { hasText: TITLE }).waitFor();
  const firstDay = new Date(startsAt).toLocaleDateString(LOCALE, { timeZone: TIME_ZONE, day: 'numeric', month: 'long' });
  assert.ok((await p.page.locator('#session-times').innerText()).includes(firstDay), `the first meeting's day, ${firstDay}`);
  await harness.screenshot(p.page, 'participant-sees-title', PREFIX);

  // At phone width the group reads in one column.
  await page.setViewportSize({ width: 390, height: 844 });
  await harness.screenshot(page, 'groups-phone', PREFIX);

  assert.deepEqual(unexpected(o.problems), [], 'no unexpected errors on the organizer page');
  assert.deepEqual(p.problems, [], 'no errors on the participant page');
}

// Browser test of the organizers' pages, through the real server binary in
// headless Chromium. First, the one-time setup link the server prints
// creates the first account. Then an organizer logs in (a wrong password is
// refused, clearly), schedules a session ten minutes from now and finds it at
// the right local time, copies its participant link, downloads its calendar
// file, and opens the copied link as a participant, who sees the session's
// title. Then the session is changed (after a refused change that changed
// nothing), a link is revoked and made again, the session cancelled (the
// participant, waiting in its room, is told so at once), and a past
// session's summary opened.
//
// Run from the repository root: `node --test tests/browser/`
// Needs: `npm install` in web-client/ (for playwright-core) and Chromium at
// /usr/bin/chromium; the server is built if missing. See support.mjs for the
// environment variables.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { Harness, LOCALE, TIME_ZONE, joinAs, wallClock } from './support.mjs';

const PREFIX = 'organize-';
const EMAIL = 'lee@example.org';
const PASSWORD = 'calm harbour lantern';
const TITLE = 'Tuesday evening group';
const LINK = /^http:\/\/127\.0\.0\.1:\d+\/join#[A-Za-z0-9_-]{43}$/;

const harness = new Harness();

before(() => harness.start());
after(() => harness.stop());

/**
 * Drops the failures the scenario causes on purpose, so any other shows.
 * @param {string[]} problems
 */
function unexpected(problems) {
  const expected = [
    /HTTP 401 for .*\/api\/me$/, // "who am I" before logging in
    /HTTP 400 for .*\/api\/(login|sessions)$/, // the wrong password; the capacity of 60
    /HTTP 400 for .*\/api\/sessions\/[0-9a-f-]+$/, // a length of 0
    /console error: Failed to load resource: the server responded with a status of (400|401)/,
  ];
  return problems.filter((p) => !expected.some((e) => e.test(p)));
}

/** A laptop in Toronto that may use the clipboard. */
const LAPTOP = {
  viewport: { width: 1280, height: 860 },
  timezoneId: TIME_ZONE,
  locale: LOCALE,
  permissions: ['clipboard-read', 'clipboard-write'],
  acceptDownloads: true,
};

test('the one-time setup link creates the first organizer account', async (t) => {
  const setupLink = await harness.printed(/^\s*setup link: (\S+)$/);
  // A first start with no organizer always prints the link: its absence is a failure.
  assert.ok(setupLink, 'the server printed a "setup link:" line');
  const first = await harness.openPage(LAPTOP);
  try {
    await setUp(first, setupLink);
  } catch (error) {
    await harness.diagnose(t, { first }, PREFIX);
    throw error;
  }
});

test('an organizer logs in, schedules a session and hands out its links', async (t) => {
  harness.addOrganizer({ email: EMAIL, name: 'Dr. Lee', timeZone: TIME_ZONE, password: PASSWORD });
  const organizer = await harness.openPage(LAPTOP);
  const participant = await harness.openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    await organize(organizer, participant);
  } catch (error) {
    await harness.diagnose(t, { organizer, participant }, PREFIX);
    throw error;
  }
});

/**
 * The first account, from the setup link, then logging out.
 * @param {import('./support.mjs').TestPage} o
 * @param {string} setupLink
 */
async function setUp(o, setupLink) {
  const { page } = o;
  assert.match(setupLink, /^http:\/\/127\.0\.0\.1:\d+\/organize\/setup#.+$/, 'a setup link on the server\'s own address');
  await page.goto(setupLink);
  await page.locator('#setup-view').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#setup-time-zone').inputValue(), TIME_ZONE, 'the browser\'s time zone is the default');
  await page.locator('#setup-email').fill('first@example.org');
  await page.locator('#setup-name').fill('Dr. Okafor');
  // Too short a password is refused, next to the field, before anything is sent.
  await page.locator('#setup-password').fill('too short');
  await page.locator('#setup-button').click();
  await page.locator('#setup-password-error', { hasText: 'at least 10 characters' }).waitFor();
  await harness.screenshot(page, 'setup-password-too-short', PREFIX);
  await page.locator('#setup-password').fill(PASSWORD);
  await page.locator('#setup-button').click();
  await page.locator('#schedule-view').waitFor({ state: 'visible' });
  assert.equal(new URL(page.url()).hash, '', 'the spent setup token leaves the address bar');
  await page.locator('#account-name', { hasText: 'Dr. Okafor' }).waitFor();
  await page.locator('#upcoming-empty').waitFor({ state: 'visible' });
  assert.match(await page.locator('#zone-note').innerText(), /America\/Toronto/);
  await harness.screenshot(page, 'schedule-empty', PREFIX);
  await page.locator('#logout').click();
  await page.locator('#login-view').waitFor({ state: 'visible' });
  await page.locator('#page-message', { hasText: 'logged out' }).waitFor();
  assert.deepEqual(o.problems, [], 'no errors on the setup page');
}

/**
 * Logging in, scheduling, links and cancelling, step by step.
 * @param {import('./support.mjs').TestPage} o the organizer, on a laptop
 * @param {import('./support.mjs').TestPage} p a participant, on a phone
 */
async function organize(o, p) {
  const { page } = o;

  // Not logged in: the login page. A wrong password is refused with a clear sentence.
  await page.goto(`${harness.links.url}/organize`);
  await page.locator('#login-view').waitFor({ state: 'visible' });
  await page.locator('#login-email').fill(EMAIL);
  await page.locator('#login-password').fill('not the password');
  await page.locator('#login-button').click();
  await page.locator('#login-error', { hasText: 'The email or the password is not right' }).waitFor();
  await harness.screenshot(page, 'login-wrong-password', PREFIX);
  await page.locator('#login-password').fill(PASSWORD);
  await page.locator('#login-button').click();
  await page.locator('#schedule-view').waitFor({ state: 'visible' });
  await page.locator('#account-name', { hasText: 'Dr. Lee' }).waitFor();

  // Schedule a session about ten minutes from now, on the minute.
  const startsAt = Math.ceil((Date.now() + 10 * 60_000) / 60_000) * 60_000;
  await page.locator('#new-session').click();
  await page.locator('#form-panel').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#s-time-zone').inputValue(), TIME_ZONE, 'the organizer\'s zone is the default');
  // Every missing field is flagged at once, not the first alone; the focus goes to the first.
  await page.locator('#s-starts-at').fill('');
  await page.locator('#s-duration').fill('');
  await page.locator('#session-submit').click();
  for (const field of ['title', 'starts-at', 'duration']) {
    await page.locator(`#s-${field}-error`).waitFor({ state: 'visible' });
    assert.equal(await page.locator(`#s-${field}`).getAttribute('aria-invalid'), 'true', `${field} is flagged`);
  }
  assert.equal(await page.evaluate(() => document.activeElement?.id), 's-title');
  await harness.screenshot(page, 'form-missing-fields', PREFIX);
  await page.locator('#s-title').fill(TITLE);
  await page.locator('#s-starts-at').fill(wallClock(startsAt, TIME_ZONE));
  await page.locator('#s-duration').fill('60');
  await page.locator('#s-facilitators').fill('Dr. Rivera, Dr. Chen');
  await page.locator('#add-segment').click();
  await page.locator('#seg-1-title').fill('Check-in round');
  await page.locator('#seg-1-kind').selectOption('check_in');
  await page.locator('#seg-1-minutes').fill('10');
  // The server refuses 60 places; its message shows next to the field.
  await page.locator('#s-capacity').fill('60');
  await page.locator('#session-submit').click();
  await page.locator('#s-capacity-error', { hasText: 'between 2 and 50' }).waitFor();
  assert.equal(await page.locator('#s-capacity').getAttribute('aria-invalid'), 'true');
  await harness.screenshot(page, 'form-field-error', PREFIX);
  await page.locator('#s-capacity').fill('12');
  await page.locator('#session-submit').click();

  // Scheduled: both links are shown at once.
  await page.locator('#created-panel').waitFor({ state: 'visible' });
  const created = page.locator('#created-links');
  const shownLink = await created.locator('[data-role="participant"] input').inputValue();
  assert.match(shownLink, LINK);
  assert.match(await created.locator('[data-role="facilitator"] input').inputValue(), LINK);
  // The host link is marked and drawn apart, after the one to share.
  const hostRow = created.locator('[data-role="facilitator"]');
  await hostRow.locator('.link-label', { hasText: 'Host link, do not share' }).waitFor();
  assert.ok(await hostRow.evaluate((row) => row.classList.contains('link-row-host')), 'the host link has its own look');
  assert.ok(await created.locator('[data-role="participant"]').evaluate((row) =>
    Boolean(row.compareDocumentPosition(/** @type {Node} */ (document.querySelector('#created-links [data-role="facilitator"]'))) & Node.DOCUMENT_POSITION_FOLLOWING)),
  'the participant link comes first');
  await hostRow.scrollIntoViewIfNeeded();
  await harness.screenshot(page, 'host-link-apart', PREFIX);

  // In the upcoming list, at the right time in the organizer's zone.
  const item = page.locator('#upcoming-list .session', { hasText: TITLE });
  await item.waitFor();
  const clock = new Date(startsAt).toLocaleTimeString(LOCALE, { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit' });
  const shownTime = await item.locator('.session-time').innerText();
  assert.ok(shownTime.startsWith(`${clock} to `), `the start ${clock} in ${TIME_ZONE}: shown "${shownTime}"`);
  assert.equal(await item.locator('time').getAttribute('datetime'), new Date(startsAt).toISOString().replace('.000Z', 'Z'));
  assert.match(await item.innerText(), /up to 12 people/);
  assert.match(await item.innerText(), /Facilitators: Dr\. Rivera, Dr\. Chen/);
  await harness.screenshot(page, 'session-scheduled', PREFIX);

  // Copy the invitation: the title, the time in the session's zone, the link.
  await created.locator('[data-copy="invitation"]').click();
  const invitation = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(invitation.includes(TITLE) && invitation.includes(shownLink) && invitation.includes(clock), `the invitation: ${invitation}`);
  // Its confirmation is right beside its button.
  const invitationSaid = created.locator('[data-copy="invitation"] + .copied');
  await invitationSaid.filter({ hasText: 'Invitation copied.' }).waitFor();
  await harness.screenshot(page, 'invitation-copied', PREFIX);

  // Copy the participant link, and read back what was copied.
  await created.locator('[data-copy="participant"]').click();
  await created.locator('[data-copy="participant"] + .copied', { hasText: 'copied' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(copied, LINK, 'the clipboard holds a join link');
  assert.equal(copied, shownLink);
  assert.equal(new URL(copied).origin, harness.links.url, 'on the server\'s own address');

  // The calendar file: one event, with the participant link.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    created.locator('a', { hasText: 'Download calendar file' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `${TITLE.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.ics`, 'named after the group');
  const ics = (await readFile(await download.path(), 'utf8')).replaceAll('\r\n ', '');
  assert.match(ics, /BEGIN:VEVENT/);
  assert.ok(ics.includes(copied), 'the calendar file carries the participant link');
  assert.ok(ics.includes(`SUMMARY:${TITLE}`), 'and the title');

  // The copied link works: a participant on a phone sees the session's title.
  await p.page.goto(copied);
  await joinAs(p.page, 'Sam');
  await p.page.locator('#session-title', { hasText: TITLE }).waitFor();
  await harness.screenshot(p.page, 'participant-sees-title', PREFIX);

  // At phone width the schedule reads in one column.
  await page.setViewportSize({ width: 390, height: 844 });
  await harness.screenshot(page, 'schedule-phone', PREFIX);
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.locator('#created-done').click();

  // From the list: change the session's length and facilitators. A length of
  // 0 is refused next to its field first, and changes nothing.
  await item.locator('button', { hasText: 'Change' }).click();
  const edit = item.locator('form.edit-form');
  await edit.locator('input[name="duration_minutes"]').fill('0');
  await edit.locator('input[name="facilitators"]').fill('Dr. Rivera');
  await edit.locator('button', { hasText: 'Save changes' }).click();
  await edit.locator('[data-error-for="duration_minutes"]').waitFor();
  assert.match(await item.innerText(), /Facilitators: Dr\. Rivera, Dr\. Chen/, 'nothing changed');
  await edit.locator('input[name="duration_minutes"]').fill('90');
  await edit.locator('button', { hasText: 'Save changes' }).click();
  await page.locator('#page-message', { hasText: 'was changed' }).waitFor();
  await item.locator('p', { hasText: 'Facilitators: Dr. Rivera' }).waitFor();
  assert.match(await item.innerText(), /1 hour 30 minutes/);
  assert.equal(await item.locator('form.edit-form').count(), 0, 'the form closes once saved');
  await harness.screenshot(page, 'session-changed', PREFIX);

  // From the list: revoke the facilitator link, then make a new one.
  await item.locator('button', { hasText: 'Links and calendar' }).click();
  const facilitator = item.locator('[data-role="facilitator"]');
  const oldFacilitator = await facilitator.locator('input').inputValue();
  await facilitator.locator('button', { hasText: 'Revoke' }).click();
  await facilitator.locator('button', { hasText: 'Revoke link' }).click();
  await facilitator.locator('.revoked').waitFor();
  await harness.screenshot(page, 'facilitator-link-revoked', PREFIX);
  await facilitator.locator('button', { hasText: 'Make a new link' }).click();
  const newFacilitator = await facilitator.locator('input').inputValue();
  assert.match(newFacilitator, LINK);
  assert.notEqual(newFacilitator, oldFacilitator, 'a new link, not the old one');

  // Cancel, after a question.
  await item.locator('button', { hasText: 'Cancel session' }).click();
  await item.locator('.confirm').waitFor();
  await harness.screenshot(page, 'cancel-question', PREFIX);
  await item.locator('button', { hasText: 'Cancel the session' }).click();
  await item.locator('.badge-cancelled').waitFor();
  await page.locator('#page-message', { hasText: 'was cancelled' }).waitFor();
  // Sam, still waiting in its room, is told at once, and why.
  await p.page.getByRole('heading', { name: 'The session was cancelled' }).waitFor();
  await harness.screenshot(p.page, 'participant-told-cancelled', PREFIX);
  await harness.screenshot(page, 'session-cancelled', PREFIX);

  // A session that met two hours ago is in the past tab, with its summary (none was captured).
  const created2 = await page.evaluate(async (startsAt) => {
    const body = { title: 'Morning group', starts_at: startsAt, time_zone: 'America/Toronto', duration_minutes: 60 };
    const response = await fetch('/api/sessions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return response.status;
  }, new Date(Date.now() - 2 * 3_600_000).toISOString());
  assert.equal(created2, 201);
  await page.locator('#tab-past').click();
  const past = page.locator('#past-list .session', { hasText: 'Morning group' });
  await past.locator('.badge', { hasText: 'Ended' }).waitFor();
  await past.locator('button', { hasText: 'Summary' }).click();
  await past.locator('.summary', { hasText: 'No summary was captured' }).waitFor();
  await harness.screenshot(page, 'past-summary', PREFIX);

  // In French, from the header's picker: the page and the lists the scripts drew.
  await page.locator('#language').selectOption('fr');
  await page.locator('#schedule-heading', { hasText: 'Vos séances' }).waitFor();
  await page.locator('#tab-past', { hasText: 'Passées' }).waitFor();
  await page.locator('#past-list .session', { hasText: 'Morning group' }).locator('.badge', { hasText: 'Terminée' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
  await harness.screenshot(page, 'past-in-french', PREFIX);
  await page.locator('#language').selectOption('en');
  await page.locator('#schedule-heading', { hasText: 'Your sessions' }).waitFor();

  assert.deepEqual(unexpected(o.problems), [], 'no unexpected errors on the organizer page');
  assert.deepEqual(p.problems, [], 'no errors on the participant page');
}

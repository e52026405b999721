// The whole story, start to finish, in headless Chromium through the real
// server: an organizer schedules a session; its facilitator and two
// participants join through the links; the rules gate and the waiting room;
// media flowing both ways (each browser's own getStats); the hand queue; a
// timed segment; an energizer; a pulse check; summary items; a support alert;
// the end of the session; and the organizer reading the exported summary.
// Every step is a round trip: one person acts, another person's page shows it.
// The screenshots (prefix `story-`) are a walk through every screen. The
// story runs twice: as most sessions are, and once more with the session's
// media end-to-end encrypted (required by the organizer), where every tool
// must work the same and every page shows the same safety code (prefix
// `story-e2ee-`).
//
// Run from the repository root: `node --test tests/browser/story.test.mjs`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { Harness, LOCALE, TIME_ZONE, assertInView, checkAccessibility, joinAs, openTab, wallClock } from './support.mjs';
import { ownId, waitForStats } from './media-stats.mjs';

/** @typedef {import('./support.mjs').TestPage} TestPage */
/** @typedef {import('./media-stats.mjs').Inbound} Inbound */
/** @typedef {import('playwright-core').Page} Page */

const TITLE = 'Thursday evening group';
const ORGANIZER = { name: 'Dr. Okafor', timeZone: TIME_ZONE, password: 'quiet meadow lantern' };
/** The run under way: the screenshots' prefix, the organizer, and the session's encryption policy. */
let run = { prefix: 'story-', email: 'okafor@example.org', e2ee: 'off' };
/** Four browsers share two cores with a debug server: allow for a slow step. */
const STEP_TIMEOUT_MS = 30_000;

const harness = new Harness();
before(() => harness.start());
after(() => harness.stop());

/** @param {Page} page @param {string} name */
const shot = (page, name) => harness.screenshot(page, name, run.prefix);

const RUNS = [
  { prefix: 'story-', email: 'okafor@example.org', e2ee: 'off', title: '' },
  { prefix: 'story-e2ee-', email: 'okafor.e2ee@example.org', e2ee: 'required', title: ', with its media end-to-end encrypted' },
];

for (const each of RUNS) test(`an organizer schedules a session, a facilitator and two participants meet in it, and its summary comes back to the organizer${each.title}`, async (t) => {
  run = each;
  const laptop = { viewport: { width: 1280, height: 860 }, timezoneId: TIME_ZONE, locale: LOCALE, acceptDownloads: true };
  harness.addOrganizer({ ...ORGANIZER, email: run.email });
  const organizer = await harness.openPage(laptop);
  const host = await harness.openPage(laptop);
  const sam = await harness.openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const alex = await harness.openPage({ viewport: { width: 1024, height: 768 } });
  const pages = { organizer, host, sam, alex };
  for (const { page } of Object.values(pages)) page.setDefaultTimeout(STEP_TIMEOUT_MS);
  try {
    const links = await schedule(organizer.page);
    await gather(host.page, sam.page, alex.page, links);
    await mediaFlows(host.page, sam.page, alex.page);
    if (run.e2ee === 'required') await encrypted(host.page, sam.page, alex.page);
    await handQueue(host.page, sam.page, alex.page);
    await timedSegment(host.page, sam.page);
    await energizer(host.page, sam.page, alex.page);
    await pulseCheck(host.page, sam.page, alex.page);
    await summary(host.page, sam.page, alex.page);
    await supportAlert(host.page, sam.page, alex.page);
    await end(host.page, sam.page, alex.page);
    await exportedSummary(organizer.page);
    if (run.e2ee === 'required') await stillEncrypted(host.page, sam.page, alex.page);
    for (const [who, { problems }] of Object.entries(pages)) {
      // The organizer's page asks "who am I" before logging in: that 401 is expected.
      const unexpected = problems.filter((p) => !/(HTTP 401 for .*\/api\/me$)|status of 401/.test(p));
      assert.deepEqual(unexpected, [], `no errors on ${who}'s page`);
    }
  } catch (error) {
    await harness.diagnose(t, pages, run.prefix);
    throw error;
  }
});

/**
 * The organizer logs in and schedules a session starting in two minutes
 * with a two-part agenda; returns its links.
 * @param {Page} page
 * @returns {Promise<{facilitator: string, participant: string}>}
 */
async function schedule(page) {
  await page.goto(`${harness.links.url}/organize`);
  await page.locator('#login-email').fill(run.email);
  await page.locator('#login-password').fill(ORGANIZER.password);
  await page.locator('#login-button').click();
  await page.locator('#schedule-view').waitFor({ state: 'visible' });

  await page.locator('#new-session').click();
  await page.locator('#s-title').fill(TITLE);
  // Two minutes from now, on the minute, as the organizer's wall clock reads it.
  const startsAt = Math.ceil((Date.now() + 2 * 60_000) / 60_000) * 60_000;
  await page.locator('#s-starts-at').fill(wallClock(startsAt, TIME_ZONE));
  await page.locator('#s-duration').fill('60');
  await page.locator('#s-facilitators').fill('Dr. Rivera');
  for (const [n, title, kind, minutes] of [[1, 'Check-in round', 'check_in', '10'], [2, 'Sharing', 'sharing', '25']]) {
    await page.locator('#add-segment').click();
    await page.locator(`#seg-${n}-title`).fill(String(title));
    await page.locator(`#seg-${n}-kind`).selectOption(String(kind));
    await page.locator(`#seg-${n}-minutes`).fill(String(minutes));
  }
  if (run.e2ee !== 'off') await page.locator('#s-e2ee').selectOption(run.e2ee);
  await shot(page, 'organizer-schedules');
  await page.locator('#session-submit').click();
  await page.locator('#created-panel').waitFor({ state: 'visible' });
  const created = page.locator('#created-links');
  const facilitator = await created.locator('[data-role="facilitator"] input').inputValue();
  const participant = await created.locator('[data-role="participant"] input').inputValue();
  await shot(page, 'organizer-gets-links');
  await checkAccessibility(page, 'the organizer\'s new session and its links');
  await page.locator('#created-done').click();
  return { facilitator, participant };
}

/**
 * The facilitator goes in; the participants read and accept the rules, wait,
 * and are let in: Sam on their own, Alex with "Admit all".
 * @param {Page} host @param {Page} sam @param {Page} alex
 * @param {{facilitator: string, participant: string}} links
 */
async function gather(host, sam, alex, links) {
  await host.goto(links.facilitator);
  await joinAs(host, 'Dr. Rivera');
  await host.locator('#room').waitFor({ state: 'visible' });
  await host.locator('#room-title', { hasText: TITLE }).waitFor();
  // The organizer's agenda is the room's.
  await openTab(host, 'agenda');
  await host.locator('#agenda-list li', { hasText: 'Check-in round' }).filter({ hasText: '10 min' }).waitFor();
  await host.locator('#agenda-list li', { hasText: 'Sharing' }).filter({ hasText: '25 min' }).waitFor();

  for (const [page, name] of /** @type {const} */ ([[sam, 'Sam'], [alex, 'Alex']])) {
    await page.goto(links.participant);
    await joinAs(page, name);
    await page.locator('#accept-rules').waitFor({ state: 'visible' });
    await page.locator('#session-title', { hasText: TITLE }).waitFor();
    assert.ok(await page.locator('#rules li').count() >= 3, 'the ground rules are shown before entering');
    if (page === sam) await shot(sam, 'participant-reads-the-rules');
    await page.locator('#accept-rules').click();
    await page.locator('#waiting').waitFor({ state: 'visible' });
  }
  await shot(sam, 'participant-waits');
  await checkAccessibility(sam, 'the waiting room on a phone');

  await openTab(host, 'waiting');
  const waiting = host.locator('#waiting-list li');
  await waiting.filter({ hasText: 'Sam' }).filter({ hasText: 'accepted the ground rules' }).waitFor();
  await waiting.filter({ hasText: 'Alex' }).waitFor();
  // The list is far down a facilitator's page: the top of the room says who waits.
  await host.locator('#waiting-alert-text', { hasText: '2 people are waiting to be let in.' }).waitFor();
  await shot(host, 'facilitator-sees-two-waiting');
  await host.locator('#waiting-alert-go').click();
  assert.equal(await host.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Admit Sam',
    'the way down lands on the first person to let in');
  await waiting.filter({ hasText: 'Sam' }).locator('[data-admit]').click();
  await sam.locator('#room').waitFor({ state: 'visible' });
  await host.locator('#waiting-alert-text', { hasText: '1 person is waiting to be let in.' }).waitFor();
  assert.equal(await alex.locator('#room').isVisible(), false, 'Alex still waits: only Sam was admitted');
  await host.locator('#admit-all').click();
  await alex.locator('#room').waitFor({ state: 'visible' });
  await host.locator('#waiting-alert').waitFor({ state: 'hidden' });
  for (const page of [host, sam, alex]) {
    await openTab(page, 'people');
    for (const name of ['Dr. Rivera', 'Sam', 'Alex']) await page.locator('#participants li', { hasText: name }).first().waitFor();
  }
}

/**
 * Audio and video through the server, by each browser's own statistics: the
 * facilitator decodes Sam's video and receives Sam's and Alex's audio; Sam
 * decodes the facilitator's video. Alex then turns the camera off, to spare
 * this small machine a third video, and everyone sees the tile say so.
 * @param {Page} host @param {Page} sam @param {Page} alex
 */
async function mediaFlows(host, sam, alex) {
  const [hostId, samId, alexId] = await Promise.all([ownId(host), ownId(sam), ownId(alex)]);
  /** @param {Inbound[]} streams @param {number} owner @param {'audio' | 'video'} kind */
  const flowing = (streams, owner, kind) => streams.some((s) => s.kind === kind && s.owner === owner
    && (kind === 'video' ? s.framesDecoded > 0 : s.packetsReceived > 0));
  await waitForStats(host, 'the facilitator receives Sam and Alex', (s) =>
    flowing(s, samId, 'video') && flowing(s, samId, 'audio') && flowing(s, alexId, 'audio'));
  await waitForStats(sam, 'Sam receives the facilitator', (s) => flowing(s, hostId, 'video') && flowing(s, hostId, 'audio'));
  await shot(host, 'facilitator-sees-the-group');
  await shot(sam, 'participant-sees-the-group');

  await alex.locator('#camera-button[aria-pressed="true"]').click();
  await alex.locator('#camera-button[aria-pressed="false"]').waitFor();
  await host.locator(`#tiles li[data-participant="${alexId}"] .tile-flag`, { hasText: 'Camera off' }).waitFor();
}

/**
 * What each page's frame worker has counted: frames it encrypted and
 * decrypted.
 * @param {Page} page
 * @returns {Promise<{encrypted: number, decrypted: number}>}
 */
async function frameCounts(page) {
  const stats = await page.evaluate(() => /** @type {any} */ (window).peerRoomE2ee.stats);
  return { encrypted: stats?.encrypted ?? 0, decrypted: stats?.decrypted ?? 0 };
}

/** @type {Map<Page, {encrypted: number, decrypted: number}>} */
const countsAtStart = new Map();

/**
 * With the session's media end-to-end encrypted: every page encrypts what
 * it sends and decrypts what it receives, and shows one same safety code in
 * its people panel, in view on the phone too.
 * @param {Page} host @param {Page} sam @param {Page} alex
 */
async function encrypted(host, sam, alex) {
  for (const page of [host, sam, alex]) {
    const counts = await frameCounts(page);
    assert.ok(counts.encrypted > 0 && counts.decrypted > 0, `frames encrypted and decrypted: ${JSON.stringify(counts)}`);
    countsAtStart.set(page, counts);
  }
  /** @type {string[]} */
  const codes = [];
  for (const page of [host, sam, alex]) {
    await openTab(page, 'people');
    const code = page.locator('#safety-code');
    await page.waitForFunction(() => (document.getElementById('safety-code')?.dataset.code ?? '') !== '');
    await code.scrollIntoViewIfNeeded();
    await assertInView(page, '#safety-code', 'the safety code');
    codes.push(/** @type {string} */ (await code.getAttribute('data-code')));
  }
  assert.ok(codes.every((c) => c === codes[0]), `one safety code on every page: ${codes.join(' / ')}`);
  await shot(sam, 'participant-safety-code');
  await checkAccessibility(sam, 'the safety code on a phone');
}

/**
 * At the end of an encrypted session: every tool above ran while the pages
 * kept encrypting and decrypting.
 * @param {Page} host @param {Page} sam @param {Page} alex
 */
async function stillEncrypted(host, sam, alex) {
  for (const page of [host, sam, alex]) {
    const before = countsAtStart.get(page) ?? { encrypted: 0, decrypted: 0 };
    const after = await frameCounts(page);
    assert.ok(after.encrypted > before.encrypted && after.decrypted > before.decrypted,
      `frames kept going through the worker: ${JSON.stringify({ before, after })}`);
  }
}

/**
 * Sam raises a hand with the button, Alex with the "h" key; each sees their
 * place; the facilitator gives Sam the floor and Alex moves up.
 * @param {Page} host @param {Page} sam @param {Page} alex
 */
async function handQueue(host, sam, alex) {
  await sam.locator('#hand-button').click();
  await sam.locator('#hand-position', { hasText: 'You are 1st in the queue' }).waitFor();
  await alex.locator('body').press('h');
  await alex.locator('#hand-position', { hasText: 'You are 2nd in the queue' }).waitFor();
  await openTab(host, 'people');
  await host.locator('#hand-queue li').nth(1).filter({ hasText: 'Alex' }).waitFor();
  assert.deepEqual(await host.locator('#hand-queue li .name').allInnerTexts(), ['Sam', 'Alex'], 'the queue in order');
  await shot(host, 'facilitator-sees-the-hand-queue');

  await host.locator('#call-next').click();
  await sam.locator('#toasts', { hasText: 'You have the floor' }).waitFor();
  await alex.locator('#hand-position', { hasText: 'You are 1st in the queue' }).waitFor();
  // The facilitator's page hears of it on its own connection: wait for it.
  await host.locator('#hand-queue li', { hasText: 'Sam' }).waitFor({ state: 'detached' });
  assert.deepEqual(await host.locator('#hand-queue li .name').allInnerTexts(), ['Alex'], 'Sam left the queue with the floor');
  await shot(sam, 'participant-has-the-floor');
  await alex.locator('body').press('h');
  await host.locator('#hand-queue li').waitFor({ state: 'detached' });
}

/**
 * The facilitator starts the session: the first part's countdown runs on
 * Sam's phone, and "Next part" moves everyone on.
 * @param {Page} host @param {Page} sam
 */
async function timedSegment(host, sam) {
  await openTab(host, 'agenda');
  await openTab(sam, 'agenda');
  await host.locator('#agenda-start').click();
  await sam.locator('#agenda-segment', { hasText: 'Now: Check-in round' }).waitFor();
  const countdown = sam.locator('#agenda-countdown');
  await countdown.filter({ hasText: 'left' }).waitFor();
  const first = await countdown.innerText();
  assert.match(first, /^(10:00|9:\d\d) left$/, `a ten-minute part counts down from 10:00: "${first}"`);
  // The countdown runs on its own: no message from the server is needed for it to move.
  await sam.waitForFunction((before) => document.getElementById('agenda-countdown')?.textContent?.trim() !== before, first);
  await shot(sam, 'participant-sees-the-countdown');
  await host.locator('#agenda-next').click();
  await sam.locator('#agenda-segment', { hasText: 'Now: Sharing' }).waitFor();
  await host.locator('#agenda-list li[aria-current="step"]', { hasText: 'Sharing' }).waitFor();
  await shot(host, 'facilitator-runs-the-agenda');
}

/**
 * An energizer: both participants see it, both come back, the facilitator
 * sees the count and ends it.
 * @param {Page} host @param {Page} sam @param {Page} alex
 */
async function energizer(host, sam, alex) {
  await openTab(host, 'activities');
  await host.locator('#energizer-choice option[value="box-breathing"]').waitFor({ state: 'attached' });
  await host.locator('#energizer-choice').selectOption('box-breathing');
  await host.locator('#energizer-launch').click();
  for (const page of [sam, alex]) {
    const dialog = page.getByRole('dialog', { name: 'Box breathing' });
    await dialog.locator('#energizer-countdown', { hasText: 'left' }).waitFor();
    if (page === sam) await shot(sam, 'participant-energizer');
    await dialog.getByRole('button', { name: 'I’m back' }).click();
  }
  await host.locator('#energizer-progress', { hasText: '2 of 2 back' }).waitFor();
  await shot(host, 'facilitator-sees-everyone-back');
  await host.locator('#energizer-end').click();
  await sam.locator('#energizer-dialog').waitFor({ state: 'hidden' });
  await alex.locator('#energizer-dialog').waitFor({ state: 'hidden' });
}

/**
 * A pulse check with two answers: the facilitator sees the count, and after
 * closing it the results stay hidden, since two answers are too few to keep
 * anyone's anonymous.
 * @param {Page} host @param {Page} sam @param {Page} alex
 */
async function pulseCheck(host, sam, alex) {
  await host.getByRole('button', { name: 'Start the pulse check' }).click();
  await host.locator('.pulse-status', { hasText: '0 people have answered.' }).waitFor();
  const prompt = sam.locator('.pulse-prompt');
  await prompt.getByText('Your answer is anonymous').waitFor();
  await shot(sam, 'participant-pulse-prompt');
  await prompt.getByRole('button', { name: '4', exact: true }).click();
  await alex.locator('.pulse-prompt').getByRole('button', { name: '2', exact: true }).click();
  await host.locator('.pulse-status', { hasText: '2 people have answered.' }).waitFor();
  await host.getByRole('button', { name: 'Close the check' }).click();
  await host.locator('.pulse-panel', { hasText: 'Fewer than three people answered, so the results stay hidden' }).waitFor();
  assert.equal(await host.locator('.pulse-panel .pulse-bars li').count(), 0, 'no distribution of two answers');
  await openTab(sam, 'activities');
  await sam.locator('.pulse-panel', { hasText: 'The pulse check is closed.' }).waitFor();
  await shot(host, 'facilitator-pulse-closed');
}

/**
 * Alex proposes an item, the facilitator accepts it, adds one and finalizes;
 * the participants read the final summary.
 * @param {Page} host @param {Page} sam @param {Page} alex
 */
async function summary(host, sam, alex) {
  for (const page of [host, sam, alex]) await openTab(page, 'summary');
  await alex.locator('#summary-propose-kind').selectOption('follow_up');
  await alex.locator('#summary-propose-text').fill('Meet again in two weeks.');
  await alex.getByRole('button', { name: 'Propose', exact: true }).click();
  const proposal = host.locator('.summary-proposals li', { hasText: 'Meet again in two weeks.' });
  await proposal.getByRole('button', { name: 'Accept' }).click();
  await sam.locator('.summary-items li', { hasText: 'Meet again in two weeks.' }).waitFor();

  await host.locator('#summary-add-kind').selectOption('takeaway');
  await host.locator('#summary-add-text').fill('Rest is part of the work.');
  await host.getByRole('button', { name: 'Add to the summary' }).click();
  await alex.locator('.summary-items li', { hasText: 'Rest is part of the work.' }).waitFor();
  await shot(host, 'facilitator-edits-the-summary');
  await host.getByRole('button', { name: 'Finalize the summary' }).click();
  await host.getByRole('button', { name: 'Yes, finalize' }).click();
  await sam.locator('#summary-propose-text').waitFor({ state: 'hidden' });
  assert.equal(await sam.locator('.summary-items li').count(), 2);
  await sam.locator('.summary-panel').scrollIntoViewIfNeeded();
  await shot(sam, 'participant-reads-the-summary');
}

/**
 * Sam asks for support: the facilitator is alerted, Alex sees nothing, and
 * the acknowledgement reaches Sam.
 * @param {Page} host @param {Page} sam @param {Page} alex
 */
async function supportAlert(host, sam, alex) {
  await sam.locator('#support-button').click();
  await sam.locator('#support-dialog').getByRole('button', { name: 'Send the signal' }).click();
  await sam.locator('#support-slot .support-status', { hasText: 'Only the facilitators were alerted.' }).waitFor();
  const alert = host.locator('.support-alert li', { hasText: 'Sam' });
  await alert.waitFor();
  await shot(host, 'facilitator-support-alert');
  await checkAccessibility(host, 'the facilitator\'s room with a support alert');
  assert.equal(await alex.locator('.support-alert').isVisible(), false, 'no other participant sees the alert');
  assert.doesNotMatch(await alex.locator('body').innerText(), /asked for support/);
  await alert.getByRole('button', { name: 'Acknowledge' }).click();
  await sam.locator('#support-slot .support-status', { hasText: 'A facilitator saw your signal' }).waitFor();
  await shot(sam, 'participant-support-acknowledged');
}

/**
 * The facilitator ends the session, after a confirmation; everyone sees the end.
 * @param {Page} host @param {Page} sam @param {Page} alex
 */
async function end(host, sam, alex) {
  await openTab(host, 'agenda');
  await host.locator('#end-session').click();
  await host.locator('#confirm-dialog').waitFor({ state: 'visible' });
  await shot(host, 'facilitator-confirms-the-end');
  await host.locator('#confirm-ok').click();
  for (const page of [host, sam, alex]) await page.locator('#final-heading', { hasText: 'The session has ended' }).waitFor();
  await shot(sam, 'participant-session-ended');
  await checkAccessibility(sam, 'the end of the session');
}

/**
 * The organizer finds the ended session among the past ones, reads its
 * summary and downloads it as Markdown.
 * @param {Page} page
 */
async function exportedSummary(page) {
  await page.reload();
  await page.locator('#schedule-view').waitFor({ state: 'visible' });
  await page.locator('#tab-past').click();
  const past = page.locator('#past-list .session', { hasText: TITLE });
  await past.locator('.badge', { hasText: 'Ended' }).waitFor();
  await past.locator('button', { hasText: 'Summary' }).click();
  await past.locator('.summary li', { hasText: 'Rest is part of the work.' }).waitFor();
  await past.locator('.summary li', { hasText: 'Meet again in two weeks.' }).waitFor();
  await shot(page, 'organizer-reads-the-summary');
  const [download] = await Promise.all([page.waitForEvent('download'), past.locator('.summary a[download]').click()]);
  const markdown = await readFile(await download.path(), 'utf8');
  assert.match(markdown, new RegExp(`^# ${TITLE}`, 'm'), 'the Markdown is titled with the session');
  assert.match(markdown, /- Rest is part of the work\./);
  assert.match(markdown, /- Meet again in two weeks\./);
  assert.doesNotMatch(markdown, /Sam|Alex|Rivera/, 'no one\'s name is in the summary');
}

// Browser test of the room's activities: the pulse check, the summary,
// "I need support" and Help, through the real server with a facilitator and
// three participants (a distribution needs three answers). Every step is a
// round trip: one person acts, another person's page shows the result.
//
// Run from the repository root: `node --test tests/browser/activities.test.mjs`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { Harness, checkAccessibility, joinAs, openTab } from './support.mjs';

const harness = new Harness();
const PREFIX = 'activities-';

before(() => harness.start());
after(() => harness.stop());

/** @typedef {import('./support.mjs').TestPage} TestPage */
/** @typedef {import('playwright-core').Page} Page */

/** @param {Page} page */
async function cameraOff(page) {
  const camera = page.locator('#camera-button');
  await camera.and(page.locator(':enabled')).waitFor();
  if (await camera.getAttribute('aria-pressed') === 'true') {
    await camera.click();
    await page.locator('#camera-button[aria-pressed="false"]').waitFor();
  }
}

/** @param {Page} page @param {string} name */
const shot = (page, name) => harness.screenshot(page, name, PREFIX);

test('pulse check, summary, support signal and help, between a facilitator and three participants', async (t) => {
  const host = await harness.openPage({ viewport: { width: 1180, height: 900 } });
  const sam = await harness.openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  // Two lean participants: no screenshots; one of them reads the page in French.
  const alex = await harness.openPage({ viewport: { width: 800, height: 600 } });
  const jo = await harness.openPage({ viewport: { width: 800, height: 600 } });
  const pages = { host, sam, alex, jo };
  // Four browsers share a small machine with other suites: allow for a slow one.
  for (const { page } of Object.values(pages)) page.setDefaultTimeout(30_000);
  try {
    await enter(host, sam, alex, jo);
    await pulseCheck(host, sam, alex, jo);
    await summary(host, sam, alex, jo);
    await supportSignal(host, sam, alex, jo);
    await help(host, sam);
    for (const [who, { problems }] of Object.entries(pages)) assert.deepEqual(problems, [], `no errors on ${who}'s page`);
  } catch (error) {
    await harness.diagnose(t, pages, PREFIX);
    throw error;
  }
});

/**
 * The facilitator goes in; each participant accepts the rules and is admitted.
 * @param {TestPage} host @param {TestPage} sam @param {TestPage} alex @param {TestPage} jo
 */
async function enter(host, sam, alex, jo) {
  await host.page.goto(harness.links.facilitator);
  await joinAs(host.page, 'Dr. Rivera');
  await host.page.locator('#room').waitFor({ state: 'visible' });
  // Hosts get Help but no "I need support" button: that signal goes to them.
  await host.page.locator('#help-button').waitFor({ state: 'visible' });
  assert.equal(await host.page.locator('#support-button').isVisible(), false, 'no support button for the facilitator');

  const french = harness.links.participant.replace('/join#', '/join?lang=fr#');
  for (const [person, name, link] of /** @type {const} */ ([[sam, 'Sam', harness.links.participant], [alex, 'Alex', harness.links.participant], [jo, 'Jo', french]])) {
    await person.page.goto(link);
    await joinAs(person.page, name);
    await person.page.locator('#accept-rules').click();
    await person.page.locator('#waiting').waitFor({ state: 'visible' });
    if (person === sam) {
      // Help and the support signal are there in the waiting room too.
      await sam.page.locator('#gate-help-button').waitFor({ state: 'visible' });
      await sam.page.locator('#gate-support-button').waitFor({ state: 'visible' });
      await shot(sam.page, 'participant-waiting-with-help');
    }
    await host.page.locator('#waiting-list li', { hasText: name }).locator('[data-admit]').click();
    await person.page.locator('#room').waitFor({ state: 'visible' });
  }
  // Video is not what this test is about: cameras off keep four browsers light.
  for (const person of [host, sam, alex, jo]) await cameraOff(person.page);
  await openTab(host.page, 'people');
  await host.page.locator('#participants li', { hasText: 'Jo' }).waitFor();
  // Jo reads French: the support button and Help are in French.
  await jo.page.locator('#support-button', { hasText: 'J’ai besoin de soutien' }).waitFor({ state: 'visible' });
  await jo.page.locator('#help-button', { hasText: 'Aide' }).waitFor({ state: 'visible' });
}

/**
 * @param {TestPage} host @param {TestPage} sam @param {TestPage} alex @param {TestPage} jo
 */
async function pulseCheck(host, sam, alex, jo) {
  const h = host.page;
  await openTab(h, 'activities');
  await h.getByRole('button', { name: 'Start the pulse check' }).click();
  await h.locator('.pulse-status', { hasText: '0 people have answered.' }).waitFor();

  // Participants get the prompt near the top, saying that answers are anonymous.
  const prompt = sam.page.locator('#pulse-prompt-slot .pulse-prompt');
  await prompt.waitFor({ state: 'visible' });
  await prompt.getByText('How is your energy?').waitFor();
  await prompt.getByText('Your answer is anonymous').waitFor();
  await shot(sam.page, 'participant-pulse-prompt');
  await checkAccessibility(sam.page, 'the pulse prompt on a phone');

  await prompt.getByRole('button', { name: '4', exact: true }).click();
  await prompt.getByText('Thank you. Your answer was counted').waitFor();
  await h.locator('.pulse-status', { hasText: '1 person has answered.' }).waitFor();

  await alex.page.locator('.pulse-prompt').getByRole('button', { name: '4', exact: true }).click();
  await h.locator('.pulse-status', { hasText: '2 people have answered.' }).waitFor();

  // Jo, in French, first skips, then answers after all.
  const joPrompt = jo.page.locator('.pulse-prompt');
  await joPrompt.getByRole('heading', { name: 'Prise de pouls' }).waitFor();
  await joPrompt.getByText('Comment va votre énergie').waitFor();
  await joPrompt.getByRole('button', { name: 'Passer' }).click();
  await joPrompt.waitFor({ state: 'hidden' });
  await openTab(jo.page, 'activities');
  await jo.page.getByRole('button', { name: 'Répondre quand même' }).click();
  await joPrompt.getByRole('button', { name: '2', exact: true }).click();
  await h.locator('.pulse-status', { hasText: '3 people have answered.' }).waitFor();
  await shot(h, 'host-pulse-count');

  // Closing shows the hosts the distribution, and no one else yet.
  await h.getByRole('button', { name: 'Close the check' }).click();
  const hostBars = h.locator('.pulse-panel .pulse-bars li');
  await hostBars.first().waitFor();
  assert.equal(await hostBars.count(), 5, 'one row per value of the scale');
  assert.match(await hostBars.nth(3).innerText(), /2 people/, 'two people chose 4');
  assert.match(await hostBars.nth(1).innerText(), /1 person/, 'one chose 2');
  assert.match(await hostBars.nth(0).innerText(), /0 people/, 'no one chose 1');
  await openTab(sam.page, 'activities');
  await sam.page.locator('.pulse-panel', { hasText: 'The pulse check is closed.' }).waitFor();
  assert.equal(await sam.page.locator('.pulse-bars').count(), 0, 'participants see no results before they are shared');
  assert.equal(await sam.page.locator('.pulse-prompt').isVisible(), false, 'the prompt goes once the check is closed');
  await shot(h, 'host-pulse-results');

  await h.getByRole('button', { name: 'Share the results with the group' }).click();
  await h.getByText('The group can now see the results.').waitFor();
  const samBars = sam.page.locator('.pulse-panel .pulse-bars li');
  await samBars.nth(3).filter({ hasText: '2 people' }).waitFor();
  await openTab(alex.page, 'activities');
  await alex.page.locator('.pulse-panel .pulse-bars li').nth(1).filter({ hasText: '1 person' }).waitFor();
  await jo.page.locator('.pulse-panel .pulse-bars li').nth(3).filter({ hasText: '2 personnes' }).waitFor();
  await sam.page.locator('.pulse-panel').scrollIntoViewIfNeeded();
  await shot(sam.page, 'participant-pulse-shared');
}

/**
 * @param {TestPage} host @param {TestPage} sam @param {TestPage} alex @param {TestPage} jo
 */
async function summary(host, sam, alex, jo) {
  const h = host.page;
  // Sam proposes a follow-up; only the hosts see proposals.
  await openTab(sam.page, 'summary');
  await openTab(h, 'summary');
  await sam.page.locator('#summary-propose-kind').selectOption('follow_up');
  await sam.page.locator('#summary-propose-text').fill('Meet again in two weeks.');
  await sam.page.getByRole('button', { name: 'Propose', exact: true }).click();
  await sam.page.locator('.summary-form .notice-ok', { hasText: 'Thank you. The facilitators will review your proposal.' }).waitFor();
  const proposal = h.locator('.summary-proposals li', { hasText: 'Meet again in two weeks.' });
  await proposal.waitFor();
  assert.equal(await alex.page.getByText('Meet again in two weeks.').count(), 0, 'other participants do not see proposals');
  await shot(h, 'host-summary-proposal');
  await proposal.getByRole('button', { name: 'Accept' }).click();
  await openTab(alex.page, 'summary');
  await alex.page.locator('.summary-items li', { hasText: 'Meet again in two weeks.' }).waitFor();
  await h.locator('.summary-proposals', { hasText: 'No proposals are waiting.' }).waitFor();

  // The host adds a takeaway, edits it, adds another and moves it up.
  await h.locator('#summary-add-kind').selectOption('takeaway');
  await h.locator('#summary-add-text').fill('Rest is part of the work.');
  await h.getByRole('button', { name: 'Add to the summary' }).click();
  await sam.page.locator('.summary-items li', { hasText: 'Rest is part of the work.' }).waitFor();
  await h.locator('.summary-items li', { hasText: 'Rest is part of the work.' }).getByRole('button', { name: 'Edit' }).click();
  await h.locator('#summary-edit-text').fill('Rest is part of the work, not a reward for it.');
  await h.getByRole('button', { name: 'Save' }).click();
  await sam.page.locator('.summary-items li', { hasText: 'not a reward for it.' }).waitFor();
  await h.locator('#summary-add-text').fill('Asking for help early is a strength.');
  await h.getByRole('button', { name: 'Add to the summary' }).click();
  const newest = h.locator('.summary-items li', { hasText: 'Asking for help early' });
  await newest.getByRole('button', { name: 'Move up' }).click();
  const samItems = sam.page.locator('.summary-items li');
  await samItems.first().filter({ hasText: 'Asking for help early' }).waitFor();
  assert.deepEqual(await sam.page.locator('.summary-items h3').allInnerTexts(), ['Key takeaways', 'Follow-ups'], 'items grouped by kind');
  await openTab(jo.page, 'summary');
  await jo.page.locator('.summary-items h3', { hasText: 'Points à retenir' }).waitFor();
  await shot(h, 'host-summary-editor');
  await checkAccessibility(h, 'the facilitator\'s room with the pulse results and the summary editor');

  // Finalize: one confirming step, then read-only for everyone.
  await h.getByRole('button', { name: 'Finalize the summary' }).click();
  await h.getByRole('button', { name: 'Yes, finalize' }).click();
  await sam.page.getByText('This summary is final. It can no longer change.').waitFor();
  await h.getByText('This summary is final. It can no longer change.').waitFor();
  assert.equal(await sam.page.locator('#summary-propose-text').isVisible(), false, 'no proposing after the end');
  assert.equal(await h.locator('#summary-add-text').isVisible(), false, 'no editing after the end');
  assert.equal(await h.locator('.summary-items button').count(), 0, 'items have no edit buttons once final');
  assert.equal(await sam.page.locator('.summary-items li').count(), 3);
  await sam.page.locator('.summary-panel').scrollIntoViewIfNeeded();
  await shot(sam.page, 'participant-summary-final');
  await checkAccessibility(sam.page, 'a participant\'s room with the shared pulse and the final summary, on a phone');
  assert.ok(await sam.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling on a phone');

  // Only the facilitator can download it, as Markdown with the items.
  assert.equal(await sam.page.getByRole('button', { name: 'Download the summary (Markdown)' }).count(), 0, 'participants get no download');
  const [download] = await Promise.all([
    h.waitForEvent('download'),
    h.getByRole('button', { name: 'Download the summary (Markdown)' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'summary.md');
  const markdown = await readFile(await download.path(), 'utf8');
  assert.match(markdown, /## Key takeaways\n\n- Asking for help early is a strength\.\n- Rest is part of the work, not a reward for it\./);
  assert.match(markdown, /## Follow-ups\n\n- Meet again in two weeks\./);
  assert.doesNotMatch(markdown, /Draft/, 'the finalized summary is not a draft');
}

/**
 * @param {TestPage} host @param {TestPage} sam @param {TestPage} alex @param {TestPage} jo
 */
async function supportSignal(host, sam, alex, jo) {
  const h = host.page;
  await sam.page.locator('#support-button').click();
  const dialog = sam.page.locator('#support-dialog');
  await dialog.waitFor({ state: 'visible' });
  await dialog.getByText('No one else in the room is told.').waitFor();
  await shot(sam.page, 'participant-support-confirm');
  await dialog.getByRole('button', { name: 'Send the signal' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await sam.page.locator('#support-slot .support-status', { hasText: 'Only the facilitators were alerted.' }).waitFor();
  await shot(sam.page, 'participant-support-sent');

  const alert = h.locator('.support-alert');
  await alert.locator('li', { hasText: 'Sam' }).waitFor();
  await shot(h, 'host-support-alert');
  // The others see nothing of it (the host has it, so the event went out).
  for (const other of [alex, jo]) {
    assert.equal(await other.page.locator('.support-alert').isVisible(), false, 'no alert for other participants');
    assert.equal(await other.page.locator('.support-list li').count(), 0, 'no support list for other participants');
    assert.equal(await other.page.locator('.support-status').first().isVisible(), false, 'no support message for other participants');
    assert.doesNotMatch(await other.page.locator('body').innerText(), /asked for support|demandé du soutien/);
  }

  // The alert survives a reload (the page resumes its place; room_state carries it).
  await h.reload({ waitUntil: 'commit' });
  await h.locator('#room').waitFor({ state: 'visible' });
  await alert.locator('li', { hasText: 'Sam' }).waitFor();
  // So does the fact that the pulse results were shared: no "Share" again.
  await openTab(h, 'activities');
  await h.locator('.pulse-panel', { hasText: 'The group can now see the results.' }).waitFor();
  assert.equal(await h.getByRole('button', { name: 'Share the results with the group' }).count(), 0);

  await alert.locator('li', { hasText: 'Sam' }).getByRole('button', { name: 'Acknowledge' }).click();
  await sam.page.locator('#support-slot .support-status', { hasText: 'A facilitator saw your signal and will reach out to you soon.' }).waitFor();
  await alert.waitFor({ state: 'hidden' });
  await shot(sam.page, 'participant-support-acknowledged');
}

/**
 * @param {TestPage} host @param {TestPage} sam
 */
async function help(host, sam) {
  for (const [person, who] of /** @type {const} */ ([[sam, 'a participant'], [host, 'the facilitator']])) {
    const { page } = person;
    await page.locator('#help-button').click();
    const dialog = page.locator('#help-dialog');
    await dialog.waitFor({ state: 'visible' });
    // The server's resources: by default 9-8-8, "any time".
    await dialog.locator('.help-resources li', { hasText: '988' }).filter({ hasText: 'any time' }).waitFor();
    await dialog.getByText('not an emergency service').waitFor();
    await shot(page, `help-${who === 'a participant' ? 'participant' : 'host'}`);
    await checkAccessibility(page, `the Help dialog for ${who}`);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'help-button', 'the focus goes back to Help');
  }
}

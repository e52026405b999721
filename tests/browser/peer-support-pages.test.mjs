// Browser test of the organizers' and the peer supporters' pages for
// one-on-one support, through the real server binary in headless Chromium.
// An organizer (laptop, English) opens the "Peer support" tab, nominates a
// supporter through its form (empty fields refused next to each) and gets
// the one-time enrolment link with Copy. The supporter (phone, French)
// opens that link: the token leaves the address bar at once; two different
// passwords are refused; they enrol, land on their own page (no organizers'
// tabs), turn pause on and off and add a weekly window. Two physicians'
// requests arrive (through the API); the organizer sees them with the
// supporter suggested; one, matched meanwhile by someone else, is refused
// plainly and the list reloads; the other is matched through the page for a
// time a few minutes ahead. The supporter sees it on their own clock,
// accepts the time, and has "Ouvrir la salle" with a host link that
// /api/link-info calls a facilitator's; for the other they propose another
// time. The organizer deactivates a second supporter after the question,
// and cancels the other request with a reason, which the supporter reads
// among their earlier ones; they log out and in again through the same
// login form as organizers; the counts show the requests. Each control a
// person needs (Match, Nominate, Accept this time, Open the room, the pause
// switch) is checked in view once scrolled to, at 1366x768 and at 390x844,
// with no sideways scrolling; every screen is checked with axe-core and
// saved as a screenshot, in both languages. An enrolment link that is not
// valid (or was used already) says so, after a password too short.
//
// Run from the repository root:
//   cargo build -p peer-room && node --test tests/browser/peer-support-pages.test.mjs

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { Harness, TIME_ZONE, assertSeen, checkAccessibility, wallClock } from './support.mjs';
import { organizerApi, rfc3339, tokenOf } from './scripted.mjs';

const PREFIX = 'peer-pages-';
const EMAIL = 'lee@example.org';
const PASSWORD = 'quiet meadow lantern'; // organizerApi's
const SUPPORTER_ZONE = 'America/Halifax';
const LAPTOP = { viewport: { width: 1366, height: 768 }, timezoneId: TIME_ZONE, locale: 'en-CA', permissions: ['clipboard-read', 'clipboard-write'] };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, timezoneId: SUPPORTER_ZONE, locale: 'fr-CA', acceptDownloads: true };
const SIZES = [{ width: 1366, height: 768 }, { width: 390, height: 844 }];
const ENROL_LINK = /^http:\/\/127\.0\.0\.1:\d+\/organize\/enrol#[A-Za-z0-9_-]{20,}$/;

const harness = new Harness();
before(() => harness.start());
after(() => harness.stop());

/**
 * Drops the failures the scenario causes on purpose, so any other shows.
 * @param {string[]} problems
 * @param {RegExp[]} expected
 */
function unexpected(problems, expected) {
  return problems.filter((p) => !expected.some((e) => e.test(p)));
}

/**
 * A physician asks for a peer at the front door, with no account and no
 * email, as support.html would send it.
 * @param {Record<string, string>} request
 */
async function physicianAsks(request) {
  const response = await fetch(`${harness.links.url}/api/support/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: harness.links.url },
    body: JSON.stringify({ contact: 'link', area_preference: 'any', supporter_status: 'any', ...request }),
  });
  assert.equal(response.status, 201, `the request is made: ${await response.text()}`);
}

/**
 * The page does not scroll sideways.
 * @param {import('playwright-core').Page} page
 * @param {string} where
 */
async function noSidewaysScroll(page, where) {
  const size = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(size.scroll <= size.width, `${where}: the page is ${size.scroll} px wide in a ${size.width} px viewport`);
}

/**
 * A control someone needs can be reached at both sizes: once scrolled to,
 * it is wholly in view and uncovered, and the page never scrolls sideways.
 * The page is left at its own size.
 * @param {import('playwright-core').Page} page
 * @param {import('playwright-core').Locator} control
 * @param {string} what
 */
async function reachable(page, control, what) {
  const own = page.viewportSize();
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await control.scrollIntoViewIfNeeded();
    await assertSeen(control, `${what} at ${size.width}x${size.height}`);
    await noSidewaysScroll(page, `${what} at ${size.width}x${size.height}`);
  }
  if (own) await page.setViewportSize(own);
  await control.scrollIntoViewIfNeeded();
}

/**
 * Saves the screen and checks it with axe-core.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
async function screen(page, name) {
  await harness.screenshot(page, name, PREFIX);
  await checkAccessibility(page, name);
}

test('an organizer nominates and matches, a supporter enrols and accepts, in both languages', async (t) => {
  const api = await organizerApi(harness, EMAIL);
  const organizer = await harness.openPage(LAPTOP);
  const supporter = await harness.openPage(PHONE);
  const o = organizer.page;
  const s = supporter.page;
  try {
    // The organizer logs in and opens the tab.
    await o.goto(`${harness.links.url}/organize`);
    await o.locator('#login-email').fill(EMAIL);
    await o.locator('#login-password').fill(PASSWORD);
    await o.locator('#login-button').click();
    await o.getByRole('heading', { name: 'Your sessions' }).waitFor();
    await o.getByRole('tab', { name: 'Peer support' }).click();
    const roster = o.locator('#support-roster');
    await roster.getByRole('heading', { name: 'Dr. Alex Martin (demo)' }).waitFor();
    await o.getByText('No open requests.').waitFor();
    const nominate = o.getByRole('button', { name: 'Nominate a supporter' });
    await reachable(o, nominate, 'Nominate a supporter');
    await screen(o, 'organizer-tab-en');

    // Nominating: empty fields are refused next to each, then the link, once.
    await nominate.click();
    const form = o.locator('#nominate-slot form');
    await form.getByRole('button', { name: 'Nominate', exact: true }).click();
    await form.locator('[data-error-for="name"]', { hasText: 'Please give their name.' }).waitFor();
    await form.locator('[data-error-for="languages"]', { hasText: 'Choose at least one language.' }).waitFor();
    assert.ok(await form.getByLabel('Name', { exact: true }).evaluate((input) => input === document.activeElement), 'the focus is on the first field to fix');
    await screen(o, 'nominate-refused-en');
    await form.getByLabel('Name', { exact: true }).fill('Dr. Maya Chen');
    await form.getByLabel('Email').fill('maya.chen@example.org');
    await form.getByLabel('Practice areas').fill('Psychiatry, Family medicine');
    await form.getByLabel('Practice status').selectOption('practising');
    await form.getByLabel('Years in practice').selectOption('16-30');
    await form.getByLabel('English').check();
    await form.getByLabel('French').check();
    await form.getByLabel('Peer-support training completed on').fill('2026-09-30');
    await screen(o, 'nominate-filled-en');
    await form.getByRole('button', { name: 'Nominate', exact: true }).click();
    const made = o.getByRole('region', { name: 'Dr. Maya Chen is on the roster' });
    await made.waitFor();
    await made.getByText('It is shown only this once, here: copy it now.', { exact: false }).waitFor();
    const enrolLink = await made.getByLabel('Enrolment link for Dr. Maya Chen', { exact: true }).inputValue();
    assert.match(enrolLink, ENROL_LINK);
    await made.getByRole('button', { name: 'Copy: Enrolment link for Dr. Maya Chen' }).click();
    await made.getByText('Enrolment link copied.').waitFor();
    assert.equal(await o.evaluate(() => navigator.clipboard.readText()), enrolLink);
    await roster.getByRole('heading', { name: 'Dr. Maya Chen', exact: true }).waitFor();
    await roster.locator('.supporter', { hasText: 'Dr. Maya Chen' }).getByText('Not enrolled yet').waitFor();
    await screen(o, 'nominated-link-en');
    await made.getByRole('button', { name: 'Done' }).click();

    // Say the link went astray: a new one replaces it, and the first stops working.
    const maya = roster.locator('.supporter', { hasText: 'Dr. Maya Chen' });
    await maya.getByRole('button', { name: 'New enrolment link' }).click();
    const renewed = await maya.getByLabel('Enrolment link for Dr. Maya Chen', { exact: true }).inputValue();
    assert.match(renewed, ENROL_LINK);
    assert.notEqual(renewed, enrolLink);
    await screen(o, 'new-enrol-link-en');
    const stale = await fetch(`${harness.links.url}/api/supporters/enrol`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: new URL(enrolLink).hash.slice(1), password: 'calm river stone path', time_zone: 'UTC' }),
    });
    assert.equal(stale.status, 403, 'the first link no longer works');

    // The supporter enrols on their phone, in French.
    await s.goto(renewed);
    const enrol = s.locator('#enrol-view');
    await s.getByRole('heading', { name: 'Créez votre compte de pair aidant' }).waitFor();
    assert.equal(new URL(s.url()).hash, '', 'the token is out of the address bar');
    assert.equal(new URL(s.url()).pathname, '/organize/enrol');
    assert.equal(await enrol.getByLabel('Votre fuseau horaire').inputValue(), SUPPORTER_ZONE, 'the browser\'s time zone by default');
    await screen(s, 'enrol-fr');
    await enrol.getByLabel('Mot de passe', { exact: true }).fill('calm river stone path');
    await enrol.getByLabel('Le même mot de passe, encore').fill('calm river stone pat');
    await enrol.getByRole('button', { name: 'Créer mon compte' }).click();
    await enrol.locator('#enrol-password-again-error', { hasText: 'Les deux mots de passe ne sont pas les mêmes.' }).waitFor();
    await screen(s, 'enrol-mismatch-fr');
    await enrol.getByLabel('Le même mot de passe, encore').fill('calm river stone path');
    await enrol.getByRole('button', { name: 'Créer mon compte' }).click();
    await s.getByRole('heading', { name: 'Vos demandes', level: 1 }).waitFor();
    await s.getByText('Bienvenue, Dr. Maya Chen.', { exact: false }).waitFor();
    await s.getByText('Aucune demande n’est jumelée avec vous en ce moment.', { exact: false }).waitFor();
    assert.equal(await s.getByRole('tab').count(), 0, 'no organizers\' tabs for a supporter');
    assert.ok(await s.getByRole('button', { name: 'Se déconnecter' }).isVisible(), 'the header\'s logout');
    await screen(s, 'supporter-page-fr');

    // Pause on and off, then a weekly window.
    const pause = s.getByRole('switch', { name: 'Mettre les nouvelles demandes en pause' });
    await reachable(s, pause, 'the pause switch');
    await pause.check();
    await s.getByText('En pause : aucune nouvelle demande ne vous est confiée.').waitFor();
    let mine = (await api('GET', '/api/supporters')).find((/** @type {any} */ p) => p.name === 'Dr. Maya Chen');
    assert.equal(mine.paused, true, 'paused on the roster');
    assert.equal(mine.time_zone, SUPPORTER_ZONE);
    await screen(s, 'paused-fr');
    await pause.uncheck();
    await s.getByText('Vous acceptez de nouvelles demandes.').waitFor();
    await s.getByLabel('Jour').selectOption('1');
    await s.getByLabel('De', { exact: true }).fill('18:00');
    await s.getByLabel('À', { exact: true }).fill('20:00');
    await s.getByRole('button', { name: 'Ajouter ce moment' }).click();
    await s.getByText('Ajouté : Mardi, de 18', { exact: false }).waitFor();
    await assertSeen(s.getByRole('button', { name: /^Retirer Mardi/ }), 'Remove for the new window');
    mine = (await api('GET', '/api/supporters')).find((/** @type {any} */ p) => p.name === 'Dr. Maya Chen');
    assert.equal(mine.paused, false, 'taking requests again');
    assert.deepEqual(mine.availability, [{ day: 1, from: 1080, to: 1200 }]);
    await screen(s, 'availability-fr');

    // Two physicians ask; the organizer sees them with the supporter suggested.
    await physicianAsks({ first_name: 'Robin', language: 'fr', practice_area: 'Emergency medicine', area_preference: 'different', times: 'En semaine, le soir après 19 h', time_zone: TIME_ZONE });
    await physicianAsks({ first_name: 'Kai', language: 'en', times: 'Saturday mornings', time_zone: 'America/Vancouver' });
    await o.getByRole('tab', { name: 'Peer support' }).click();
    const requests = o.locator('#support-request-list > li');
    await o.waitForFunction(() => document.querySelectorAll('#support-request-list > li').length === 2);
    const robin = requests.filter({ hasText: 'En semaine, le soir après 19 h' });
    const kai = requests.filter({ hasText: 'Saturday mornings' });
    await robin.getByText('To talk in French · Their practice area: Emergency medicine').waitFor();
    await robin.getByText('Prefers a supporter from a different practice area.').waitFor();
    await robin.getByText('Times that suit them, on their clock (America/Toronto):').waitFor();
    await robin.getByText(/^Waiting for \d+ minutes?\.$/).waitFor();
    await robin.locator('.suggestions li', { hasText: 'Dr. Maya Chen: meets: speaks their language and the practice area they asked for.' }).waitFor();
    const supporterChoice = robin.getByLabel('Supporter', { exact: true });
    assert.equal(await supporterChoice.locator('option:checked').textContent(), 'Dr. Maya Chen', 'the first suggestion is chosen');
    assert.equal(await robin.getByLabel('Length').inputValue(), '45');
    const match = robin.getByRole('button', { name: 'Match', exact: true });
    await reachable(o, match, 'Match');
    await screen(o, 'requests-en');

    // Someone else matches Kai's first: the page says so plainly and reloads.
    const waiting = await api('GET', '/api/support/open-requests');
    const kaiRequest = waiting.find((/** @type {any} */ r) => r.times === 'Saturday mornings');
    await api('POST', `/api/support/open-requests/${kaiRequest.id}/match`, { supporter_id: mine.id, starts_at: rfc3339(Date.now() + 2 * 86_400_000), minutes: 30 });
    await kai.getByRole('button', { name: 'Match', exact: true }).click();
    await o.locator('#page-message', { hasText: 'was not matched: someone else matched it first' }).waitFor();
    await kai.getByText('Matched with Dr. Maya Chen, who confirms the time', { exact: false }).waitFor();
    await screen(o, 'match-conflict-en');

    // The organizer matches Robin's for a few minutes ahead, on their own clock.
    const startsAt = Date.now() + 6 * 60_000;
    await robin.getByLabel('Date and time to suggest').fill(wallClock(startsAt, TIME_ZONE));
    await robin.getByRole('button', { name: 'Match', exact: true }).click();
    await o.locator('#page-message', { hasText: 'is matched with Dr. Maya Chen' }).waitFor();
    await robin.getByText('Matched with Dr. Maya Chen, who confirms the time', { exact: false }).waitFor();
    await screen(o, 'matched-en');

    // The supporter sees it on their clock, and accepts the time.
    await s.getByRole('button', { name: 'Voir les nouvelles demandes' }).click();
    const card = s.locator('#supporter-list > li', { hasText: 'Robin' });
    await card.getByText('Pour parler en français · Son domaine de pratique : Emergency medicine').waitFor();
    await card.getByText('En semaine, le soir après 19 h').waitFor();
    await card.getByText('Une personne de l’organisation suggère le', { exact: false }).waitFor();
    const halifaxHour = new Intl.DateTimeFormat('fr-CA', { timeZone: SUPPORTER_ZONE, hour: 'numeric', hourCycle: 'h23' }).format(new Date(startsAt)).replace(/\D/g, '');
    await card.getByText(new RegExp(`suggère le .*\\b${Number(halifaxHour)} h`)).waitFor();
    const accept = card.getByRole('button', { name: 'Accepter cet horaire' });
    await reachable(s, accept, 'Accept this time');
    await screen(s, 'matched-fr');
    await accept.click();
    await card.getByText('Vous avez accepté l’horaire.', { exact: false }).waitFor();
    const open = card.getByRole('link', { name: 'Ouvrir la salle' });
    await reachable(s, open, 'Open the room');
    const roomLink = await open.getAttribute('href');
    assert.ok(roomLink, 'the room has a link');
    assert.equal(await card.getByLabel('Votre lien d’hôte pour rencontrer Robin', { exact: true }).inputValue(), roomLink);
    const info = await fetch(`${harness.links.url}/api/link-info`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Origin: harness.links.url }, body: JSON.stringify({ token: tokenOf(roomLink) }),
    });
    assert.equal(info.status, 200);
    const what = await info.json();
    assert.equal(what.role, 'facilitator', 'the supporter\'s link is a host link');
    assert.equal(what.state, 'open');
    // The meeting for their calendar, with that same link.
    const download = s.waitForEvent('download');
    await card.getByRole('link', { name: 'Ajouter à mon agenda' }).click();
    const file = await download;
    assert.match(file.suggestedFilename(), /\.ics$/);
    const ics = await readFile(/** @type {string} */ (await file.path()), 'utf8');
    assert.ok(ics.replaceAll('\r\n ', '').includes(roomLink), 'the calendar file carries the host link');
    await card.getByRole('button', { name: 'Nous nous sommes rencontrés' }).waitFor();
    await screen(s, 'agreed-fr');

    // Kai's, matched by someone else, gets another time from the supporter, on their clock.
    const kaiHere = s.locator('#supporter-list > li', { hasText: 'Kai' });
    await kaiHere.getByRole('button', { name: 'Proposer un autre horaire' }).click();
    const proposedAt = Date.now() + 3 * 86_400_000;
    await kaiHere.getByLabel('Date et heure').fill(wallClock(proposedAt, SUPPORTER_ZONE));
    await kaiHere.getByLabel('Durée').fill('30');
    await screen(s, 'propose-fr');
    await kaiHere.getByRole('button', { name: 'Proposer cet horaire' }).click();
    await kaiHere.getByText('Votre horaire a été proposé au médecin.').waitFor();
    await kaiHere.getByText('Nouvel horaire proposé', { exact: true }).waitFor();
    const proposed = (await api('GET', '/api/support/open-requests')).find((/** @type {any} */ r) => r.id === kaiRequest.id);
    assert.equal(proposed.state, 'proposed');
    assert.equal(Date.parse(proposed.suggested_time), Math.floor(proposedAt / 60_000) * 60_000, 'the time typed on the supporter\'s clock');
    assert.equal(proposed.minutes, 30);
    await s.locator('#language').selectOption('en');
    await card.getByRole('link', { name: 'Open the room' }).waitFor();
    await s.getByRole('switch', { name: 'Pause new requests' }).waitFor();
    await screen(s, 'agreed-en');

    // The organizer deactivates a second supporter, after the question.
    const second = await api('POST', '/api/supporters', {
      name: 'Dr. Jo Tremblay', email: 'jo.tremblay@example.org', practice_areas: ['Surgery'], practice_status: 'retired',
      years_band: '30+', languages: ['en'], trained_on: '2026-06-01',
    });
    await o.getByRole('tab', { name: 'Peer support' }).click();
    const jo = o.locator(`[data-supporter="${second.supporter.id}"]`);
    await jo.getByRole('button', { name: 'Deactivate' }).click();
    await jo.getByText('Deactivate Dr. Jo Tremblay? Their logins end at once', { exact: false }).waitFor();
    await screen(o, 'deactivate-question-en');
    await jo.getByRole('button', { name: 'Deactivate the supporter' }).click();
    await o.locator('#page-message', { hasText: 'Dr. Jo Tremblay was deactivated.' }).waitFor();
    await o.locator(`[data-supporter="${second.supporter.id}"]`).getByText('Deactivated').waitFor();
    assert.equal((await api('GET', '/api/supporters')).find((/** @type {any} */ p) => p.id === second.supporter.id).active, false);
    await screen(o, 'deactivated-en');

    // The organizer cancels Kai's, with a reason; the supporter finds it among the earlier ones.
    const kaiCard = o.locator(`[data-request="${kaiRequest.id}"]`);
    await kaiCard.getByText('Dr. Maya Chen proposed another time', { exact: false }).waitFor();
    await kaiCard.getByRole('button', { name: 'Cancel request' }).click();
    await kaiCard.getByRole('button', { name: 'Cancel the request' }).click();
    await kaiCard.getByText('Choose a reason first.').waitFor();
    await kaiCard.getByLabel('No supporter is available').check();
    await assertSeen(kaiCard.getByRole('button', { name: 'Cancel the request' }), 'the confirming button');
    await screen(o, 'cancel-reason-en');
    await kaiCard.getByRole('button', { name: 'Cancel the request' }).click();
    await o.locator('#page-message', { hasText: `Request ${kaiRequest.reference} was cancelled.` }).waitFor();
    await o.locator(`[data-request="${kaiRequest.id}"]`).waitFor({ state: 'detached' });
    await s.getByRole('button', { name: 'Check for new requests' }).click();
    await s.getByText('Earlier: 1 request').click();
    await s.locator('#supporter-earlier-list > li', { hasText: 'Kai' }).getByText('Cancelled by an organizer: the supporter was not available.').waitFor();
    await screen(s, 'earlier-en');
    await s.setViewportSize({ width: 1366, height: 768 });
    await screen(s, 'supporter-laptop-en');
    await s.setViewportSize(PHONE.viewport);

    // The header's logout, then the same login form as the organizers'.
    await s.getByRole('button', { name: 'Log out' }).click();
    await s.getByText('You are logged out.').waitFor();
    await s.locator('#login-email').fill('maya.chen@example.org');
    await s.locator('#login-password').fill('calm river stone path');
    await s.locator('#login-button').click();
    await s.getByRole('heading', { name: 'Your requests', level: 1 }).waitFor();
    await s.locator('#supporter-list > li', { hasText: 'Robin' }).getByRole('link', { name: 'Open the room' }).waitFor();
    assert.equal(await s.getByRole('tab').count(), 0, 'still no organizers\' tabs');
    assert.equal(await s.locator('#brand-part').textContent(), 'Peer supporters');

    // The counts show the requests, never a person.
    const counts = o.locator('#support-stats');
    const byState = counts.getByRole('table', { name: 'Requests by state' });
    await byState.getByRole('row', { name: 'Time agreed 1' }).waitFor();
    await byState.getByRole('row', { name: 'Cancelled 1' }).waitFor();
    await counts.getByRole('table', { name: 'Requests by practice area' }).getByRole('row', { name: 'Emergency medicine 1' }).waitFor();
    await counts.getByRole('table', { name: 'Requests by week' }).getByRole('row', { name: /^Week of .* 2$/ }).waitFor();
    assert.ok(!(await counts.textContent())?.includes('Robin'), 'no name in the counts');
    await counts.scrollIntoViewIfNeeded();
    await screen(o, 'counts-en');

    // The tab in French.
    await o.locator('#language').selectOption('fr');
    await o.getByRole('tab', { name: 'Soutien par les pairs' }).waitFor();
    await o.locator('#support-request-list').getByText('Rencontre avec Dr. Maya Chen', { exact: false }).waitFor();
    await o.locator('#roster-list').getByText('Désactivé', { exact: true }).waitFor();
    await o.getByRole('table', { name: 'Demandes par état' }).waitFor();
    await noSidewaysScroll(o, 'the tab in French');
    await screen(o, 'organizer-tab-fr');
    await o.setViewportSize({ width: 390, height: 844 });
    await noSidewaysScroll(o, 'the tab in French on a phone');
    await screen(o, 'organizer-tab-fr-phone');

    const organizerExpected = [
      /HTTP 401 for .*\/api\/me$/, /status of 401/, // "who am I" before logging in
      /HTTP 409 for .*\/match$/, /status of 409/, // Kai's, matched first by someone else
    ];
    assert.deepEqual(unexpected(organizer.problems, organizerExpected), [], 'no unexpected errors on the organizer\'s page');
    assert.deepEqual(supporter.problems, [], 'no errors on the supporter\'s page');
  } catch (error) {
    await harness.diagnose(t, { organizer, supporter }, PREFIX);
    throw error;
  }
});

test('an enrolment link that is not valid, or used already, says so', async (t) => {
  const someone = await harness.openPage({ ...LAPTOP, permissions: [] });
  const { page } = someone;
  try {
    await page.goto(`${harness.links.url}/organize/enrol#not-an-enrolment-token`);
    const enrol = page.locator('#enrol-view');
    await enrol.getByRole('heading', { name: 'Set up your peer supporter account' }).waitFor();
    assert.equal(new URL(page.url()).hash, '', 'the token is out of the address bar');
    await enrol.getByLabel('Password', { exact: true }).fill('short');
    await enrol.getByRole('button', { name: 'Create my account' }).click();
    await enrol.locator('#enrol-password-error', { hasText: 'Needs at least 10 characters (this one has 5).' }).waitFor();
    await enrol.getByLabel('Password', { exact: true }).fill('a long enough password');
    await enrol.getByLabel('The same password again').fill('a long enough password');
    await enrol.getByRole('button', { name: 'Create my account' }).click();
    const refusal = enrol.getByText('This enrolment link is not valid, or was used already.', { exact: false });
    await refusal.waitFor();
    assert.ok(await page.locator('#enrol-error').evaluate((p) => p === document.activeElement), 'the focus moves to the refusal');
    await screen(page, 'enrol-not-valid-en');
    const expected = [/HTTP 403 for .*\/api\/supporters\/enrol$/, /status of 403/];
    assert.deepEqual(unexpected(someone.problems, expected), [], 'no errors but the refusal');
  } catch (error) {
    await harness.diagnose(t, { someone }, PREFIX);
    throw error;
  }
});

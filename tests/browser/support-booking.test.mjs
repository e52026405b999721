// Browser test of booking an open time at the support front door, on a
// server that allows it (PEER_ROOM_SUPPORT_SELF_BOOKING=true: like the
// server's other switches, it takes true or false, not 1). Before the
// supporter says when they are free, the form says calmly that there is no
// open time. Then a physician on a phone in French sees the open times for
// the language to talk in (loaded again when it changes), each reachable and
// in view once scrolled to, books one without writing any other times,
// reads the time booked and that the supporter confirms it, and sees it held
// on their request's page on both clocks; the supporter accepts (through
// their API), and the page shows the meeting and "Ouvrir la salle". A second
// physician on a laptop in English chooses a time that a third request books
// first (through the API): the page says so plainly next to the times, loads
// them again without that one, and keeps what was typed; another time books.
// "Let an organizer match me" is the form as it always was.
//
// Every screen is checked with axe-core and saved as a screenshot. Run from
// the repository root:
//   cargo build -p peer-room && node --test tests/browser/support-booking.test.mjs

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { Harness, LOCALE, TIME_ZONE, assertSeen, checkAccessibility } from './support.mjs';
import { supportTeam, tokenOf } from './scripted.mjs';

const PREFIX = 'support-booking-';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, timezoneId: TIME_ZONE, locale: 'fr-CA' };
const LAPTOP = { viewport: { width: 1366, height: 768 }, timezoneId: TIME_ZONE, locale: LOCALE };
/** Every day of the week (Monday first), all day: there are open times whatever the hour. */
const ALWAYS = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, from: 0, to: 1440 }));

const harness = new Harness();
/** @type {Awaited<ReturnType<typeof supportTeam>>} */
let team;

before(async () => {
  await harness.start({ PEER_ROOM_SUPPORT_SELF_BOOKING: 'true' });
  team = await supportTeam(harness);
});
after(() => harness.stop());

/**
 * A call to the front door's API, as a page of the server's own origin makes it.
 * @param {string} path
 * @param {unknown} body
 */
function frontDoorPost(path, body) {
  return fetch(`${harness.links.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: harness.links.url },
    body: JSON.stringify(body),
  });
}

/**
 * The hour `millis` falls on in `zone`, as a French page writes it ("19 h 00").
 * @param {number} millis
 * @param {string} zone
 */
function frenchHour(millis, zone) {
  const [hour, minute] = new Intl.DateTimeFormat('en-CA', { hour: 'numeric', minute: '2-digit', hourCycle: 'h23', timeZone: zone }).format(millis).split(':');
  return new RegExp(`\\b${Number(hour)}\\s*h\\s*${minute}`);
}

/**
 * The hour `millis` falls on in `zone`, as an en-GB page writes it ("19:00").
 * @param {number} millis
 * @param {string} zone
 */
function englishHour(millis, zone) {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone }).format(millis);
}

/**
 * What a slot's radio stands for: its supporter and its start, as the server gave them.
 * @param {import('playwright-core').Locator} radio
 */
async function slotOf(radio) {
  const [supporterId, startsAt] = (await radio.getAttribute('value') ?? '').split(' ');
  assert.ok(supporterId && startsAt, 'a slot names its supporter and its start');
  return { supporter_id: supporterId, starts_at: startsAt };
}

/** @param {import('playwright-core').Page} page */
async function noSidewaysScroll(page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= (page.viewportSize()?.width ?? 0), `the page is ${width} px wide`);
}

/**
 * The supporter's view of the request a physician named `firstName` made.
 * @param {string} firstName
 */
async function assignedTo(firstName) {
  const mine = await team.supporter('GET', '/api/me/requests');
  const found = mine.find((/** @type {any} */ r) => r.first_name === firstName);
  assert.ok(found, `the supporter sees ${firstName}'s request`);
  return found;
}

test('on a phone in French, a physician books an open time, and the supporter accepts it', async (t) => {
  const physician = await harness.openPage(PHONE);
  const { page } = physician;
  const shot = (/** @type {string} */ name) => harness.screenshot(page, name, PREFIX);
  try {
    // Before the supporter says when they are free: no open time, said calmly, and the form as usual.
    await page.goto(`${harness.links.url}/support?lang=fr`);
    await page.getByRole('heading', { name: 'Parler à un pair', level: 1 }).waitFor();
    const bookNow = page.getByRole('radio', { name: 'Réserver un moment maintenant' });
    assert.ok(await bookNow.isChecked(), 'booking a time is offered first');
    await page.getByText('Aucun moment libre dans les deux prochaines semaines', { exact: false }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Demander un pair' }).count(), 1);
    await noSidewaysScroll(page);
    await shot('phone-fr-no-open-time');
    await checkAccessibility(page, 'no open time, in French');

    // The supporter is free at all hours: changing the language to talk in loads the times again.
    await team.supporter('PATCH', '/api/me/supporter', { availability: ALWAYS });
    const language = page.getByLabel('Parler en');
    await language.selectOption('en');
    await language.selectOption('fr');
    const slots = page.locator('#slot-days').getByRole('radio');
    await slots.first().waitFor();
    await page.getByText(/^Les heures sont celles de votre fuseau horaire \(Toronto\)\.$/).waitFor();
    // The first day's heading, a slot's name and what describes it.
    const first = slots.first();
    const chosen = await slotOf(first);
    const startsAt = Date.parse(chosen.starts_at);
    assert.ok(startsAt >= Date.now() + 2 * 3_600_000 - 60_000, 'at least two hours ahead');
    const name = await first.evaluate((radio) => radio.getAttribute('aria-labelledby')?.split(' ').map((id) => document.getElementById(id)?.textContent).join(' '));
    assert.match(name ?? '', frenchHour(startsAt, TIME_ZONE), 'the time on the physician\'s own clock');
    assert.match(name ?? '', /Dr\. Alex Martin/);
    await page.locator('.slot-about').first().getByText('Parle français et anglais. Domaines de pratique : Emergency medicine.').waitFor();
    // Open at all hours, the first time is today or tomorrow, and its day says so.
    assert.match(await page.locator('#slots .slot-day legend').first().textContent() ?? '', /^(Aujourd’hui|Demain), [a-z]+ \d+ [a-zéû]+$/);

    await noSidewaysScroll(page);
    await shot('phone-fr-open-times');
    await checkAccessibility(page, 'the open times, in French');

    // Every time, "More times" and the button are reachable on a phone, each in view once scrolled to.
    const more = page.getByRole('button', { name: 'Plus de moments' });
    if (await more.count()) {
      await more.scrollIntoViewIfNeeded();
      await assertSeen(more, 'More times');
      await more.click();
      assert.ok(await page.evaluate(() => document.activeElement?.getAttribute('name') === 'slot'), 'the focus goes on to the first time that was hidden');
    }
    const count = await slots.count();
    assert.ok(count >= 2 && count <= 30, `${count} open times`);
    for (let i = 0; i < count; i += 1) {
      const label = page.locator('#slot-days label.slot').nth(i);
      await label.scrollIntoViewIfNeeded();
      await assertSeen(label, `open time ${i + 1}`);
    }
    await noSidewaysScroll(page);
    await checkAccessibility(page, 'all the open times, in French');

    // Choosing one makes the other times optional; the button says it books.
    await page.getByLabel('Prénom ou pseudonyme').fill('Sam');
    await first.check();
    await page.getByLabel('Autres moments qui vous conviennent (facultatif)').waitFor();
    const submit = page.getByRole('button', { name: 'Réserver ce moment' });
    await submit.scrollIntoViewIfNeeded();
    await assertSeen(submit, 'the button, on a phone');
    await noSidewaysScroll(page);
    await shot('phone-fr-chosen');
    await checkAccessibility(page, 'a time chosen, in French');
    await submit.click();

    // The confirmation: the time booked, on both clocks, and that the supporter confirms it.
    const sent = page.getByRole('heading', { name: 'Votre moment est réservé' });
    await sent.waitFor();
    assert.ok(await sent.evaluate((h) => h === document.activeElement), 'the focus moves to the confirmation');
    await page.getByText('Vous rencontrez Dr. Alex Martin pendant 45 minutes', { exact: false }).waitFor();
    const booked = page.locator('#sent-booked');
    await booked.locator('.meeting-time', { hasText: 'Votre heure (Toronto)' }).filter({ hasText: frenchHour(startsAt, TIME_ZONE) }).waitFor();
    await booked.locator('.meeting-time', { hasText: 'Pour Dr. Alex Martin (Halifax)' }).filter({ hasText: frenchHour(startsAt, 'America/Halifax') }).waitFor();
    await booked.getByText('Dr. Alex Martin confirmera bientôt ce moment', { exact: false }).waitFor();
    assert.ok(await page.getByText('habituellement en deux jours ouvrables', { exact: false }).isHidden(), 'no wait for an organizer');
    const link = await page.getByLabel('Votre lien privé', { exact: true }).inputValue();
    const open = page.getByRole('link', { name: 'Ouvrir ma demande' });
    await open.scrollIntoViewIfNeeded();
    await assertSeen(open, 'Open my request, on a phone');
    await noSidewaysScroll(page);
    await shot('phone-fr-booked');
    await checkAccessibility(page, 'the time booked, in French');

    // The supporter sees the request at that time, with the time booked in words as its times.
    const assigned = await assignedTo('Sam');
    assert.equal(assigned.state, 'matched');
    assert.equal(Date.parse(assigned.starts_at), startsAt);
    assert.match(assigned.times, /\(Toronto\)$/, 'the time booked, in words, stands for the times that suit');

    // The request's page: the time held, on both clocks, which the supporter confirms.
    await open.click();
    await page.getByRole('heading', { name: 'Un moment vous est réservé' }).waitFor();
    await page.getByText('Dr. Alex Martin confirmera ce moment pour vous rencontrer, pendant 45 minutes', { exact: false }).waitFor();
    const held = page.locator('#status-body');
    await held.locator('.meeting-time', { hasText: 'Votre heure (Toronto)' }).filter({ hasText: frenchHour(startsAt, TIME_ZONE) }).waitFor();
    await held.locator('.meeting-time', { hasText: 'Pour Dr. Alex Martin (Halifax)' }).filter({ hasText: frenchHour(startsAt, 'America/Halifax') }).waitFor();
    await page.getByText('Revenez ici pour voir la confirmation.', { exact: false }).waitFor();
    const status = await (await frontDoorPost('/api/support/status', { token: tokenOf(link) })).json();
    assert.equal(status.state, 'matched');
    assert.equal(Date.parse(status.suggested.starts_at), startsAt);
    await noSidewaysScroll(page);
    await shot('phone-fr-held');
    await checkAccessibility(page, 'the time held, in French');

    // The supporter accepts it: the meeting is set, with its room.
    await team.supporter('POST', `/api/me/requests/${assigned.id}/accept`, {});
    await page.reload();
    await page.getByRole('heading', { name: 'Votre rencontre est fixée' }).waitFor();
    await held.locator('.meeting-time', { hasText: 'Votre heure (Toronto)' }).filter({ hasText: frenchHour(startsAt, TIME_ZONE) }).waitFor();
    const room = page.getByRole('link', { name: 'Ouvrir la salle' });
    assert.match(await room.getAttribute('href') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/join#\S+$/);
    await room.scrollIntoViewIfNeeded();
    await assertSeen(room, 'Open the room, on a phone');
    await shot('phone-fr-agreed');
    await checkAccessibility(page, 'the meeting set, in French');
    assert.deepEqual(physician.problems, [], 'no errors on the page');
  } catch (error) {
    await harness.diagnose(t, { physician }, PREFIX);
    throw error;
  }
});

test('on a laptop in English, a time taken meanwhile is said plainly, the times load again, and nothing typed is lost', async (t) => {
  const physician = await harness.openPage(LAPTOP);
  const { page } = physician;
  const shot = (/** @type {string} */ name) => harness.screenshot(page, name, PREFIX);
  try {
    await page.goto(`${harness.links.url}/support?lang=en`);
    await page.getByRole('heading', { name: 'Talk to a peer', level: 1 }).waitFor();
    const slots = page.locator('#slot-days').getByRole('radio');
    await slots.first().waitFor();
    await page.getByText('Times on your clock (Toronto).').waitFor();
    // The header's language picker words the times again (and the language to talk in follows it).
    await page.locator('#language').selectOption('fr');
    await page.getByText('Les heures sont celles de votre fuseau horaire (Toronto).').waitFor();
    await page.getByRole('button', { name: 'Plus de moments' }).waitFor();
    await page.locator('#language').selectOption('en');
    await page.getByRole('button', { name: 'More times' }).waitFor();
    await page.getByLabel('First name or a pseudonym').fill('Robin');
    const first = slots.first();
    const stale = await slotOf(first);
    await first.check();
    await page.getByLabel('Other times that suit you (optional)').fill('Weekday evenings');
    await shot('laptop-en-chosen');
    await checkAccessibility(page, 'a time chosen, in English');

    // Someone else books that very time first.
    const other = await frontDoorPost('/api/support/requests', {
      first_name: 'Kim', language: 'en', practice_area: null, area_preference: 'any', supporter_status: 'any',
      times: 'That time', contact: 'link', email: null, slot: stale,
    });
    assert.equal(other.status, 201, `the third request books the time: ${await other.text()}`);

    await page.getByRole('button', { name: 'Book this time' }).click();
    const said = page.locator('#slot-error');
    await said.getByText('Someone booked this time just before you: choose another. What you typed is still here.').waitFor();
    assert.ok(await said.evaluate((p) => p === document.activeElement), 'the focus is on what was said');
    await assertSeen(said, 'the words about the time taken');
    // The times are loaded again, without the one taken; nothing typed is lost.
    await slots.first().waitFor();
    assert.equal(await page.locator(`#slot-days input[value="${stale.supporter_id} ${stale.starts_at}"]`).count(), 0, 'the time taken is gone');
    assert.equal(await page.getByLabel('First name or a pseudonym').inputValue(), 'Robin');
    assert.equal(await page.getByLabel('Times that suit you').inputValue(), 'Weekday evenings');
    assert.ok(await page.getByRole('radio', { name: 'Book a time now' }).isChecked());
    await shot('laptop-en-taken');
    await checkAccessibility(page, 'a time taken meanwhile, in English');

    // Another time books.
    const next = slots.first();
    const fresh = await slotOf(next);
    await next.check();
    await page.getByRole('button', { name: 'Book this time' }).click();
    await page.getByRole('heading', { name: 'Your time is booked' }).waitFor();
    await page.locator('#sent-booked .meeting-time', { hasText: 'Your time (Toronto)' }).filter({ hasText: englishHour(Date.parse(fresh.starts_at), TIME_ZONE) }).waitFor();
    await page.getByText('Dr. Alex Martin confirms this time soon', { exact: false }).waitFor();
    const assigned = await assignedTo('Robin');
    assert.equal(Date.parse(assigned.starts_at), Date.parse(fresh.starts_at));
    assert.equal(assigned.times, 'Weekday evenings', 'the times typed are sent as typed');
    await shot('laptop-en-booked');
    await checkAccessibility(page, 'the time booked, in English');
    const expected = [/HTTP 409 for .*\/api\/support\/requests$/, /status of 409/];
    assert.deepEqual(physician.problems.filter((p) => !expected.some((e) => e.test(p))), [], 'no errors but the time taken');
  } catch (error) {
    await harness.diagnose(t, { physician }, PREFIX);
    throw error;
  }
});

test('"Let an organizer match me" sends the request as before, with the times required', async (t) => {
  const physician = await harness.openPage(PHONE);
  const { page } = physician;
  try {
    await page.goto(`${harness.links.url}/support?lang=en`);
    await page.locator('#slot-days').getByRole('radio').first().waitFor();
    // Booking with times on offer, but none chosen: said beside them.
    await page.getByLabel('First name or a pseudonym').fill('Jo');
    await page.getByRole('button', { name: 'Ask for a peer' }).click();
    await page.locator('#slot-error').getByText('Choose a time, or let an organizer match you.').waitFor();
    await page.getByRole('radio', { name: 'Let an organizer match me' }).check();
    assert.ok(await page.locator('#slots').isHidden(), 'no times to choose from');
    await page.getByLabel('Times that suit you').fill('Saturday mornings');
    const submit = page.getByRole('button', { name: 'Ask for a peer' });
    await submit.scrollIntoViewIfNeeded();
    await assertSeen(submit, 'the button, on a phone');
    await harness.screenshot(page, 'phone-en-match-me', PREFIX);
    await checkAccessibility(page, 'letting an organizer match, in English');
    await submit.click();
    await page.getByRole('heading', { name: 'Your request is in' }).waitFor();
    await page.getByText('An organizer matches you with a trained peer supporter', { exact: false }).waitFor();
    assert.ok(await page.locator('#sent-booked').isHidden());
    assert.deepEqual(physician.problems, [], 'no errors on the page');
  } catch (error) {
    await harness.diagnose(t, { physician }, PREFIX);
    throw error;
  }
});

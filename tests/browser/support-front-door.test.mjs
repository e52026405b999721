// Browser test of the support front door (/support), through the real server
// binary in headless Chromium. A physician with no account, on a phone in
// French, sees the crisis banner and the form's button without scrolling,
// asks for a peer with a private link rather than email, keeps the link,
// opens it and reads that the request waits for a match; the address bar no
// longer shows the token, and a reload still finds the request. On a laptop
// in English another asks with an email address and their preferences, then
// cancels with a reason and is offered the form again. "By email" with no
// address is refused by the server next to the email field, with nothing
// typed lost. A link the server does not know says so. With no mail server,
// only the private link is offered. Then an organizer and a supporter (through
// their API, as their pages to come will) move a request along: the physician
// sees the time the organizer suggested held for the supporter to confirm,
// then a proposed time on their own clock
// and the supporter's, accepts it, gets the room's link, and reads that the
// conversation ended; another request, cancelled by its supporter, says so
// kindly, with the reason.
//
// Every screen is checked with axe-core and saved as a screenshot, in both
// languages. Run from the repository root:
//   node --test tests/browser/support-front-door.test.mjs

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { Harness, LOCALE, TIME_ZONE, assertSeen, checkAccessibility } from './support.mjs';
import { rfc3339, supportTeam, tokenOf } from './scripted.mjs';

const PREFIX = 'support-';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, timezoneId: TIME_ZONE, locale: 'fr-CA' };
const LAPTOP = { viewport: { width: 1366, height: 768 }, timezoneId: TIME_ZONE, locale: LOCALE, permissions: ['clipboard-read', 'clipboard-write'] };
const PRIVATE_LINK = /^http:\/\/127\.0\.0\.1:\d+\/support#[A-Za-z0-9_-]{20,}$/;

/** A server with a mail server configured (nothing listens there: the form only needs mail to be on). */
const mailed = new Harness();
/** A server with no mail server: the private link only. */
const unmailed = new Harness();

before(async () => {
  await mailed.start({
    PEER_ROOM_SMTP_HOST: '127.0.0.1',
    PEER_ROOM_SMTP_PORT: '1',
    PEER_ROOM_SMTP_SECURITY: 'none',
    PEER_ROOM_SMTP_FROM: 'PeerRoom <rooms@peer-room.test>',
  });
  await unmailed.start();
});
after(async () => {
  await mailed.stop();
  await unmailed.stop();
});

/**
 * Drops the failures a scenario causes on purpose, so any other shows.
 * @param {string[]} problems
 * @param {RegExp[]} expected
 */
function unexpected(problems, expected) {
  return problems.filter((p) => !expected.some((e) => e.test(p)));
}

/**
 * The request's status as the server tells it, from the token in a private link.
 * @param {Harness} where
 * @param {string} link
 */
async function statusOf(where, link) {
  const token = tokenOf(link);
  const response = await fetch(`${where.links.url}/api/support/status`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: where.links.url },
    body: JSON.stringify({ token }),
  });
  assert.equal(response.status, 200, 'the private link leads to the request');
  return response.json();
}

/**
 * The crisis banner and the form's button, in view as the page opens.
 * @param {import('playwright-core').Page} page
 * @param {{heading: string, submit: string}} words
 */
async function frontDoorInView(page, { heading, submit }) {
  const banner = page.getByRole('region', { name: heading });
  await assertSeen(banner, 'the crisis banner');
  await assertSeen(banner.getByRole('heading', { name: heading }), 'the crisis banner\'s heading');
  await assertSeen(page.getByRole('button', { name: submit }), 'the form\'s button');
  const box = await banner.boundingBox();
  assert.equal(box?.y, 0, 'the crisis banner is at the very top of the page');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= (page.viewportSize()?.width ?? 0), `the page is ${width} px wide`);
}

test('on a phone in French, a physician asks for a peer with a private link and follows it', async (t) => {
  const physician = await mailed.openPage(PHONE);
  const { page } = physician;
  try {
    await page.goto(`${mailed.links.url}/support?lang=fr`);
    await page.getByRole('heading', { name: 'Parler à un pair', level: 1 }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
    await frontDoorInView(page, { heading: 'Vous êtes en détresse? Obtenez de l’aide maintenant', submit: 'Demander un pair' });
    await page.getByRole('region', { name: /détresse/ }).getByText('Appelez ou textez le 988, en tout temps').waitFor();
    assert.equal(await page.getByLabel('Parler en').inputValue(), 'fr', 'the language to talk in follows the page\'s');
    // Where physicians cannot book a time themselves (the default), the form is as it always was.
    assert.ok(await page.locator('#booking').isHidden(), 'no booking of a time');
    await mailed.screenshot(page, 'phone-fr-form', PREFIX);
    await checkAccessibility(page, 'the form on a phone, in French');

    await page.getByLabel('Prénom ou pseudonyme').fill('Sam');
    await page.getByLabel('Moments qui vous conviennent').fill('En semaine, le soir après 19 h');
    await page.getByLabel('Montrez-moi un lien privé maintenant, sans courriel').check();
    assert.ok(await page.getByLabel('Votre adresse courriel').isHidden(), 'no email field without email');
    await mailed.screenshot(page, 'phone-fr-filled', PREFIX);
    await page.getByRole('button', { name: 'Demander un pair' }).click();

    const sent = page.getByRole('heading', { name: 'Votre demande est envoyée' });
    await sent.waitFor();
    assert.ok(await sent.evaluate((h) => h === document.activeElement), 'the focus moves to the confirmation');
    await page.getByText('habituellement en deux jours ouvrables', { exact: false }).waitFor();
    const link = await page.getByLabel('Votre lien privé', { exact: true }).inputValue();
    assert.match(link, PRIVATE_LINK);
    await page.getByText('sans courriel, c’est le seul moyen de revenir à votre demande', { exact: false }).waitFor();
    const open = page.getByRole('link', { name: 'Ouvrir ma demande' });
    await open.scrollIntoViewIfNeeded();
    await assertSeen(page.getByRole('button', { name: 'Copier votre lien privé' }), 'Copy, on a phone');
    await assertSeen(open, 'Open my request, on a phone');
    await mailed.screenshot(page, 'phone-fr-sent', PREFIX);
    await checkAccessibility(page, 'the confirmation on a phone, in French');

    await open.click();
    await page.getByRole('heading', { name: 'Votre demande attend un pair aidant' }).waitFor();
    await page.getByText('Bonjour, Sam.').waitFor();
    assert.equal(new URL(page.url()).hash, '', 'the token is out of the address bar');
    await assertSeen(page.getByRole('button', { name: 'Annuler ma demande' }), 'Cancel my request, on a phone');
    await mailed.screenshot(page, 'phone-fr-requested', PREFIX);
    await checkAccessibility(page, 'the request waiting for a match, in French');

    // A reload (the token is kept for this tab only) still finds it.
    await page.reload();
    await page.getByRole('heading', { name: 'Votre demande attend un pair aidant' }).waitFor();
    const status = await statusOf(mailed, link);
    assert.equal(status.state, 'requested');
    assert.equal(status.first_name, 'Sam');
    assert.equal(status.language, 'fr');
    assert.deepEqual(physician.problems, [], 'no errors on the page');
  } catch (error) {
    await mailed.diagnose(t, { physician }, PREFIX);
    throw error;
  }
});

test('on a laptop in English, a physician asks with an email and preferences, then cancels', async (t) => {
  const physician = await mailed.openPage(LAPTOP);
  const { page } = physician;
  try {
    await page.goto(`${mailed.links.url}/support`);
    await page.getByRole('heading', { name: 'Talk to a peer', level: 1 }).waitFor();
    await frontDoorInView(page, { heading: 'Are you in distress? Get help now', submit: 'Ask for a peer' });
    await mailed.screenshot(page, 'laptop-en-form', PREFIX);
    await checkAccessibility(page, 'the form on a laptop, in English');

    await page.getByLabel('First name or a pseudonym').fill('Alex');
    await page.getByLabel('Times that suit you').fill('Weekday evenings after 7 pm');
    await page.getByLabel('By email').check();
    await page.getByLabel('Your email address').fill('alex@example.org');
    await page.getByText('Preferences (optional)').click();
    // A fresh server lists no practice areas: the physician types theirs.
    await page.getByLabel('Your practice area').fill('Emergency medicine');
    await page.getByLabel('A supporter from').selectOption('different');
    await page.getByLabel('A supporter who is').selectOption('retired');
    // Everything open, the page scrolls: the button is still there to reach, and nothing covers it.
    await page.getByRole('button', { name: 'Ask for a peer' }).scrollIntoViewIfNeeded();
    await assertSeen(page.getByRole('button', { name: 'Ask for a peer' }), 'the button with the preferences open');
    await mailed.screenshot(page, 'laptop-en-filled', PREFIX);
    await checkAccessibility(page, 'the filled form with its preferences');
    await page.getByRole('button', { name: 'Ask for a peer' }).click();

    await page.getByRole('heading', { name: 'Your request is in' }).waitFor();
    await page.getByText('News will also come by email.', { exact: false }).waitFor();
    const link = await page.getByLabel('Your private link', { exact: true }).inputValue();
    assert.match(link, PRIVATE_LINK);
    await page.getByRole('button', { name: 'Copy your private link' }).click();
    await page.getByText('Copied.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
    await assertSeen(page.getByRole('link', { name: 'Open my request' }), 'Open my request, on a laptop');
    await mailed.screenshot(page, 'laptop-en-sent', PREFIX);
    await checkAccessibility(page, 'the confirmation on a laptop');

    await page.getByRole('link', { name: 'Open my request' }).click();
    await page.getByRole('heading', { name: 'Your request is waiting for a peer supporter' }).waitFor();
    await page.getByText('Hello, Alex.').waitFor();
    assert.equal(new URL(page.url()).hash, '');
    await page.getByText('Keep your private link').click();
    const kept = page.locator('#status-view').getByLabel('Your private link', { exact: true });
    assert.equal(await kept.inputValue(), link, 'the link to keep is the one given');
    await mailed.screenshot(page, 'laptop-en-requested', PREFIX);
    await checkAccessibility(page, 'the request waiting for a match, in English');

    // The header's language picker redraws what the page wrote, then back.
    await page.locator('#language').selectOption('fr');
    await page.getByRole('heading', { name: 'Votre demande attend un pair aidant' }).waitFor();
    await page.getByRole('region', { name: 'Vous êtes en détresse? Obtenez de l’aide maintenant' }).getByText('Composez le 911').waitFor();
    await mailed.screenshot(page, 'laptop-fr-requested', PREFIX);
    await page.locator('#language').selectOption('en');
    await page.getByRole('heading', { name: 'Your request is waiting for a peer supporter' }).waitFor();

    // Cancelling asks for a reason, then for a confirmation.
    await page.getByRole('button', { name: 'Cancel my request' }).click();
    await page.getByRole('button', { name: 'Cancel the request' }).click();
    await page.getByText('Choose a reason first.').waitFor();
    await page.getByLabel('Found support elsewhere').check();
    await assertSeen(page.getByRole('button', { name: 'Cancel the request' }), 'the confirming button');
    await mailed.screenshot(page, 'laptop-en-cancelling', PREFIX);
    await checkAccessibility(page, 'the cancel step');
    await page.getByRole('button', { name: 'Cancel the request' }).click();
    await page.getByRole('heading', { name: 'This request was cancelled' }).waitFor();
    await page.getByText('You cancelled it.').waitFor();
    await page.getByText('Reason: found support elsewhere.').waitFor();
    assert.equal((await statusOf(mailed, link)).cancel_reason, 'found_support_elsewhere');
    await mailed.screenshot(page, 'laptop-en-cancelled', PREFIX);
    await checkAccessibility(page, 'the cancelled request');

    // Asking again starts from an empty form, and a reload keeps it so.
    await page.getByRole('link', { name: 'Ask for a peer again' }).click();
    await page.getByRole('heading', { name: 'Talk to a peer', level: 1 }).waitFor();
    assert.equal(await page.getByLabel('First name or a pseudonym').inputValue(), '');
    await page.reload();
    await page.getByRole('heading', { name: 'Talk to a peer', level: 1 }).waitFor();
    assert.deepEqual(physician.problems, [], 'no errors on the page');
  } catch (error) {
    await mailed.diagnose(t, { physician }, PREFIX);
    throw error;
  }
});

for (const { name, options, lang, words } of [
  {
    name: 'English on a laptop',
    options: LAPTOP,
    lang: 'en',
    words: { first: 'First name or a pseudonym', times: 'Times that suit you', byEmail: 'By email', email: 'Your email address', submit: 'Ask for a peer', refusal: 'Give an email address such as name@example.org' },
  },
  {
    name: 'French on a phone',
    options: PHONE,
    lang: 'fr',
    words: { first: 'Prénom ou pseudonyme', times: 'Moments qui vous conviennent', byEmail: 'Par courriel', email: 'Votre adresse courriel', submit: 'Demander un pair', refusal: 'Indiquez une adresse courriel comme nom@exemple.org' },
  },
]) {
  test(`"By email" with no address is refused next to the email field, nothing lost (${name})`, async (t) => {
    const physician = await mailed.openPage(options);
    const { page } = physician;
    try {
      await page.goto(`${mailed.links.url}/support?lang=${lang}`);
      await page.getByLabel(words.first).fill('Robin');
      await page.getByLabel(words.times).fill('Saturday mornings');
      await page.getByLabel(words.byEmail).check();
      await page.getByRole('button', { name: words.submit }).click();
      const refusal = page.locator('#email-error');
      await refusal.getByText(words.refusal, { exact: false }).waitFor();
      const email = page.getByLabel(words.email);
      assert.equal(await email.getAttribute('aria-invalid'), 'true');
      assert.ok(await email.evaluate((input) => input === document.activeElement), 'the focus is on the email field');
      assert.ok(await email.evaluate((input) => (input.getAttribute('aria-describedby') ?? '').split(' ').includes('email-error')), 'the refusal describes the field');
      await assertSeen(email, 'the email field');
      await assertSeen(refusal, 'the refusal');
      assert.equal(await page.getByLabel(words.first).inputValue(), 'Robin');
      assert.equal(await page.getByLabel(words.times).inputValue(), 'Saturday mornings');
      assert.ok(await page.getByLabel(words.byEmail).isChecked());
      await mailed.screenshot(page, `refused-email-${lang}`, PREFIX);
      await checkAccessibility(page, `the refused email, in ${name}`);
      // Typing the address sends it.
      await email.fill('robin@example.org');
      await page.getByRole('button', { name: words.submit }).click();
      await page.locator('#sent-view').waitFor({ state: 'visible' });
      const expected = [/HTTP 400 for .*\/api\/support\/requests$/, /status of 400/];
      assert.deepEqual(unexpected(physician.problems, expected), [], 'no errors but the refusal');
    } catch (error) {
      await mailed.diagnose(t, { physician }, PREFIX);
      throw error;
    }
  });
}

test('a link the server does not know says so, and offers the form', async (t) => {
  const physician = await mailed.openPage(PHONE);
  const { page } = physician;
  try {
    await page.goto(`${mailed.links.url}/support?lang=fr#not-a-request-token`);
    await page.getByRole('heading', { name: 'Ce lien ne mène à aucune demande' }).waitFor();
    assert.equal(new URL(page.url()).hash, '');
    await assertSeen(page.getByRole('region', { name: /détresse/ }), 'the crisis banner');
    await mailed.screenshot(page, 'phone-fr-unknown-link', PREFIX);
    await checkAccessibility(page, 'an unknown link');
    await page.getByRole('link', { name: 'Demander un pair de nouveau' }).click();
    await page.getByRole('heading', { name: 'Parler à un pair', level: 1 }).waitFor();
    const expected = [/HTTP 404 for .*\/api\/support\/status$/, /status of 404/];
    assert.deepEqual(unexpected(physician.problems, expected), [], 'no errors but the unknown link');
  } catch (error) {
    await mailed.diagnose(t, { physician }, PREFIX);
    throw error;
  }
});

test('with no mail server, only the private link is offered', async (t) => {
  const physician = await unmailed.openPage(PHONE);
  const { page } = physician;
  try {
    await page.goto(`${unmailed.links.url}/support?lang=en`);
    await page.getByText('You will get a private link to come back to your request.').waitFor();
    assert.ok(await page.getByLabel('By email').isHidden(), 'no email choice');
    await frontDoorInView(page, { heading: 'Are you in distress? Get help now', submit: 'Ask for a peer' });
    await unmailed.screenshot(page, 'phone-en-no-mail', `${PREFIX}no-mail-`);
    await checkAccessibility(page, 'the form with no mail server');
    await page.getByLabel('First name or a pseudonym').fill('Kim');
    await page.getByLabel('Times that suit you').fill('Any evening');
    await page.getByRole('button', { name: 'Ask for a peer' }).click();
    await page.getByText('Keep this link: without email', { exact: false }).waitFor();
    assert.deepEqual(physician.problems, [], 'no errors on the page');
  } catch (error) {
    await unmailed.diagnose(t, { physician }, `${PREFIX}no-mail-`);
    throw error;
  }
});

/**
 * A request made straight through the API, as the form makes it.
 * @param {Harness} where
 * @param {string} firstName
 * @param {string} times
 * @returns {Promise<string>} its private link
 */
async function askFor(where, firstName, times) {
  const response = await fetch(`${where.links.url}/api/support/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: where.links.url },
    body: JSON.stringify({ first_name: firstName, language: 'fr', practice_area: null, area_preference: 'any', supporter_status: 'any', times, contact: 'link', email: null }),
  });
  const text = await response.text();
  assert.equal(response.status, 201, `ask: ${text}`);
  return JSON.parse(text).link;
}

/**
 * The hour `millis` falls on in `zone`, as a French page writes it ("19 h 00").
 * @param {number} millis
 * @param {string} zone
 */
function frenchHour(millis, zone) {
  const hour = new Intl.DateTimeFormat('en-CA', { hour: 'numeric', hourCycle: 'h23', timeZone: zone }).format(millis);
  return new RegExp(`\\b${Number(hour)}\\s*h\\s*00`);
}

test('a request is matched, a time proposed and accepted, the meeting held; a supporter who cancels is said kindly', async (t) => {
  const physician = await unmailed.openPage(PHONE);
  const { page } = physician;
  const shot = (/** @type {string} */ name) => unmailed.screenshot(page, name, `${PREFIX}path-`);
  try {
    const team = await supportTeam(unmailed);
    // The roster now has a supporter's area: the form lists it, and takes another typed in.
    await page.goto(`${unmailed.links.url}/support`);
    await page.getByText('Préférences (facultatif)').click();
    const area = page.getByLabel('Votre domaine de pratique', { exact: true });
    assert.deepEqual(await area.locator('option').allTextContents(), ['Je préfère ne pas le dire', 'Emergency medicine', 'Un autre domaine']);
    await area.selectOption({ label: 'Un autre domaine' });
    const typed = page.getByLabel('Votre domaine de pratique, en vos mots');
    assert.ok(await typed.evaluate((input) => input === document.activeElement), 'the typed area takes the focus');
    await typed.fill('Psychiatrie');
    await shot('phone-fr-practice-areas');
    await checkAccessibility(page, 'the roster\'s practice areas and one typed in');

    const link = await askFor(unmailed, 'Sam', 'Les mardis soir');
    await page.goto(link);
    await page.getByRole('heading', { name: 'Votre demande attend un pair aidant' }).waitFor();

    // An organizer matches it with a supporter, at a time the supporter then confirms or changes:
    // the physician sees that time held, on their clock and the supporter's.
    const day = Math.ceil(Date.now() / 86_400_000) * 86_400_000 + 2 * 86_400_000;
    const suggested = day + 16 * 3_600_000;
    await team.match('Les mardis soir', suggested);
    await page.reload();
    await page.getByRole('heading', { name: 'Un moment vous est réservé' }).waitFor();
    await page.getByText('Dr. Alex Martin confirmera ce moment pour vous rencontrer, pendant 45 minutes', { exact: false }).waitFor();
    await page.locator('.meeting-time', { hasText: 'Votre heure (Toronto)' }).filter({ hasText: frenchHour(suggested, TIME_ZONE) }).waitFor();
    await page.locator('.meeting-time', { hasText: 'Pour Dr. Alex Martin (Halifax)' }).filter({ hasText: frenchHour(suggested, 'America/Halifax') }).waitFor();
    await page.getByText('Parle français et anglais.').waitFor();
    await shot('phone-fr-matched');
    await checkAccessibility(page, 'the matched request');

    // The supporter proposes another time: midnight UTC, the evening before in Toronto.
    const [assigned] = (await team.supporter('GET', '/api/me/requests')).filter((/** @type {any} */ r) => r.first_name === 'Sam');
    const proposed = day + 86_400_000;
    await team.supporter('POST', `/api/me/requests/${assigned.id}/propose`, { starts_at: rfc3339(proposed), minutes: 45 });
    await page.reload();
    await page.getByRole('heading', { name: 'Un moment vous est proposé' }).waitFor();
    // On the physician's clock, and on the supporter's (Halifax, an hour later).
    await page.locator('.meeting-time', { hasText: 'Votre heure (Toronto)' }).filter({ hasText: frenchHour(proposed, TIME_ZONE) }).waitFor();
    await page.locator('.meeting-time', { hasText: 'Pour Dr. Alex Martin (Halifax)' }).filter({ hasText: frenchHour(proposed, 'America/Halifax') }).waitFor();
    const accept = page.getByRole('button', { name: 'Accepter ce moment' });
    await assertSeen(accept, 'Accept this time, on a phone');
    await shot('phone-fr-proposed');
    await checkAccessibility(page, 'the proposed time');
    await accept.click();

    await page.getByRole('heading', { name: 'Votre rencontre est fixée' }).waitFor();
    const room = page.getByRole('link', { name: 'Ouvrir la salle' });
    assert.match(await room.getAttribute('href') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/join#\S+$/);
    await page.getByText('La salle ouvre quelques minutes avant l’heure.', { exact: false }).waitFor();
    await room.scrollIntoViewIfNeeded();
    await assertSeen(room, 'Open the room, on a phone');
    await shot('phone-fr-agreed');
    await checkAccessibility(page, 'the agreed meeting');

    await team.supporter('POST', `/api/me/requests/${assigned.id}/met`, { follow_up: false });
    await page.reload();
    await page.getByRole('heading', { name: 'Cette conversation est terminée' }).waitFor();
    assert.ok(await page.getByRole('button', { name: 'Annuler ma demande' }).isHidden(), 'no cancelling once met');
    await page.getByRole('link', { name: 'Demander un pair de nouveau' }).waitFor();
    await shot('phone-fr-met');
    await checkAccessibility(page, 'the meeting held');
    await team.supporter('POST', `/api/me/requests/${assigned.id}/close`, {});
    await page.reload();
    await page.getByRole('heading', { name: 'Cette conversation est terminée' }).waitFor();

    // Another request, which its supporter has to cancel.
    const second = await askFor(unmailed, 'Kim', 'Les matins tôt');
    await team.match('Les matins tôt', day + 14 * 3_600_000);
    const [kim] = (await team.supporter('GET', '/api/me/requests')).filter((/** @type {any} */ r) => r.first_name === 'Kim');
    await team.supporter('POST', `/api/me/requests/${kim.id}/cancel`, { reason: 'supporter_unavailable' });
    await page.goto(second);
    await page.getByRole('heading', { name: 'Cette demande a été annulée' }).waitFor();
    await page.getByText('Le pair aidant a dû l’annuler, pour des raisons qui lui sont propres.', { exact: false }).waitFor();
    await page.getByText(/^Raison\s:\sle pair aidant n’est pas disponible\.$/).waitFor();
    await shot('phone-fr-cancelled-by-supporter');
    await checkAccessibility(page, 'a request its supporter cancelled');
    assert.deepEqual(physician.problems, [], 'no errors on the page');
  } catch (error) {
    await unmailed.diagnose(t, { physician }, `${PREFIX}path-`);
    throw error;
  }
});

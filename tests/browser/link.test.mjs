// The link checked as the join page opens, before anyone types a name, on a
// phone and a laptop: an unknown link, a revoked one, a cancelled session,
// an ended one, one not open yet, a room locked then opened again ("Check
// again"), a full one, a group's link naming its next meeting after one
// ended early, and a facilitator's link. Then the page in French: the link,
// and the server's built-in ground rules and crisis resources, in French.
// Sessions are scheduled through the organizers' API; the people who lock,
// fill or end a room are scripted connections (scripted.mjs).
//
// Run from the repository root: `node --test tests/browser/link.test.mjs`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { Harness, LOCALE, TIME_ZONE, checkAccessibility, joinAs } from './support.mjs';
import { organizerApi, rfc3339, scriptedJoin, scriptedPage, scriptedRequest, tokenOf } from './scripted.mjs';

const harness = new Harness();
const PREFIX = 'link-';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, timezoneId: TIME_ZONE, locale: LOCALE };
const LAPTOP = { viewport: { width: 1366, height: 768 }, timezoneId: TIME_ZONE, locale: LOCALE };

before(() => harness.start());
after(() => harness.stop());

/** @typedef {import('./support.mjs').TestPage} TestPage */
/** @typedef {import('playwright-core').Page} Page */

/**
 * A session through the API, starting at `startsAt`.
 * @param {(method: string, path: string, body?: unknown) => Promise<any>} api
 * @param {string} title
 * @param {number} startsAt
 * @param {object} [more]
 */
async function schedule(api, title, startsAt, more = {}) {
  return api('POST', '/api/sessions', { title, starts_at: rfc3339(startsAt), time_zone: TIME_ZONE, duration_minutes: 60, ...more });
}

/**
 * Opens a link on both sizes and checks what the page says before any name.
 * @param {TestPage[]} pages
 * @param {string} link
 * @param {string} name for the screenshots
 * @param {{says: RegExp, nameStep: boolean, retry?: boolean}} expected
 */
async function opens(pages, link, name, { says, nameStep, retry = false }) {
  for (const { page } of pages) {
    await page.goto(link);
    const card = page.locator('#link-card');
    await card.waitFor();
    await page.locator('#link-state, #link-title, #link-role').filter({ hasText: says }).first().waitFor();
    assert.equal(await page.locator('#name').isVisible(), nameStep, `${name}: the name step ${nameStep ? 'follows' : 'is not offered'}`);
    assert.equal(await page.locator('#link-retry').isVisible(), retry, `${name}: "Check again" ${retry ? 'offered' : 'not offered'}`);
    assert.equal(await page.locator('#device-step').isVisible(), false, `${name}: before any device check`);
    const size = page.viewportSize()?.width === 390 ? 'phone' : 'laptop';
    await harness.screenshot(page, `${name}-${size}`, PREFIX);
  }
}

test('a link says what it leads to before the name step, on a phone and a laptop', { timeout: 180_000 }, async (t) => {
  const phone = await harness.openPage(PHONE);
  const laptop = await harness.openPage(LAPTOP);
  const pages = [phone, laptop];
  try {
    const api = await organizerApi(harness, 'links@example.org');
    const scripts = await scriptedPage(harness);
    const now = Date.now();

    await opens(pages, `${harness.links.url}/join#${'x'.repeat(43)}`, 'invalid', { says: /not valid/, nameStep: false });
    await checkAccessibility(phone.page, 'an invalid link on a phone');

    const revoked = await schedule(api, 'Revoked group', now);
    await api('POST', `/api/sessions/${revoked.session.id}/links/participant/revoke`);
    await opens(pages, revoked.links.participant, 'revoked', { says: /no longer works/, nameStep: false });

    const cancelled = await schedule(api, 'Cancelled group', now + 3_600_000);
    await api('POST', `/api/sessions/${cancelled.session.id}/cancel`);
    await opens(pages, cancelled.links.participant, 'cancelled', { says: /cancelled this session/, nameStep: false });

    const ended = await schedule(api, 'Ended group', now);
    const closer = await scriptedJoin(scripts, tokenOf(ended.links.facilitator), 'Host');
    assert.equal((await scriptedRequest(scripts, closer, { type: 'end_session' })).type, 'ack');
    await opens(pages, ended.links.participant, 'ended', { says: /has ended/, nameStep: false });

    const later = await schedule(api, 'Evening group', now + 3 * 3_600_000);
    await opens(pages, later.links.participant, 'not-open-yet', { says: /waiting room opens on .* at/, nameStep: false, retry: true });
    await phone.page.locator('#link-title', { hasText: 'Evening group' }).waitFor();
    await checkAccessibility(phone.page, 'a link not open yet, on a phone');
    // A facilitator's link is open whenever they like, and says whose it is.
    await opens(pages, later.links.facilitator, 'facilitator', { says: /Facilitator link/, nameStep: true });

    // Locked by the facilitator, then opened: "Check again" leads on to the name.
    const locked = await schedule(api, 'Locked group', now);
    const host = await scriptedJoin(scripts, tokenOf(locked.links.facilitator), 'Host');
    await scriptedRequest(scripts, host, { type: 'set_locked', locked: true });
    await opens(pages, locked.links.participant, 'locked', { says: /locked right now/, nameStep: false, retry: true });
    await scriptedRequest(scripts, host, { type: 'set_locked', locked: false });
    await phone.page.locator('#link-retry').click();
    await phone.page.locator('#name').waitFor();
    assert.equal(await phone.page.locator('#link-state').isVisible(), false, 'nothing wrong is said any more');
    await harness.screenshot(phone.page, 'unlocked-phone', PREFIX);

    // Full: two places, both taken by people let in first (the capacity
    // counts those let in; people waiting do not fill a room).
    const full = await schedule(api, 'Small group', now, { capacity: 2 });
    const fullHost = await scriptedJoin(scripts, tokenOf(full.links.facilitator), 'Host');
    await scriptedRequest(scripts, fullHost, { type: 'set_waiting_room', enabled: false });
    for (const who of ['Ana', 'Ben']) {
      const guest = await scriptedJoin(scripts, tokenOf(full.links.participant), who);
      await scriptedRequest(scripts, guest, { type: 'accept_rules' });
    }
    await opens(pages, full.links.participant, 'full', { says: /full right now/, nameStep: false, retry: true });

    // A group's link, once its first meeting ended early, names the next one.
    const start = now + 2 * 3_600_000;
    const series = await api('POST', '/api/series', {
      title: 'Night shift group', starts_at: rfc3339(start), time_zone: TIME_ZONE, duration_minutes: 60, every_weeks: 1, count: 2,
    });
    const first = await scriptedJoin(scripts, tokenOf(series.links.facilitator), 'Host');
    await scriptedRequest(scripts, first, { type: 'end_session' });
    const nextDay = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'long', timeZone: TIME_ZONE })
      .format(Date.parse(series.occurrences[1].starts_at));
    await opens(pages, series.links.participant, 'series-next', { says: /Night shift group/, nameStep: false, retry: true });
    for (const { page } of pages) {
      await page.goto(series.links.participant);
      await page.locator('#link-series').waitFor();
      await page.locator('#link-when', { hasText: nextDay }).waitFor();
    }
    await checkAccessibility(laptop.page, "a group's link on a laptop");
    for (const { problems } of pages) assert.deepEqual(problems.filter((p) => !/404/.test(p)), [], 'no errors on the pages');
  } catch (error) {
    await harness.diagnose(t, { phone, laptop }, PREFIX);
    throw error;
  }
});

test('in French, the link, the built-in ground rules and the crisis resources', { timeout: 120_000 }, async (t) => {
  const phone = await harness.openPage(PHONE);
  try {
    const { page } = phone;
    await page.goto(harness.links.participant.replace('/join#', '/join?lang=fr#'));
    await page.locator('#link-role', { hasText: 'Votre invitation' }).waitFor();
    await page.locator('#name').waitFor();
    await harness.screenshot(page, 'french-link', PREFIX);
    await joinAs(page, 'Camille');
    await page.locator('#accept-rules').waitFor();
    // Every built-in rule in French; none left in English.
    const rules = await page.locator('#rules li').allInnerTexts();
    assert.ok(rules.length >= 7, `the built-in rules: ${rules}`);
    assert.ok(rules.includes('Ce qui se dit ici reste ici.'), `in French: ${rules}`);
    assert.ok(!rules.some((rule) => /\b(the|your|you|here stays)\b/i.test(rule)), `no rule left in English: ${rules}`);
    // The server's crisis resources, recognised and said in French.
    await page.locator('#crisis', { hasText: 'Ligne d’aide en cas de crise de suicide 9-8-8' }).waitFor();
    await page.locator('#crisis', { hasText: 'en tout temps' }).waitFor();
    await harness.screenshot(page, 'french-rules', PREFIX);
    await checkAccessibility(page, 'the ground rules in French');
    // Switching to English on the same page gives the server's own words back.
    await page.locator('#language').selectOption('en');
    await page.locator('#rules li', { hasText: 'What is said here stays here.' }).waitFor();
    assert.deepEqual(phone.problems, [], 'no errors on the page');
  } catch (error) {
    await harness.diagnose(t, { phone }, PREFIX);
    throw error;
  }
});

// The facilitator's report after a scripted session, in real browsers: a
// facilitator and Sam (browsers with fake microphones, so their talk time
// is real) and three scripted participants go through an agenda, hands, a
// round, an energy check with known answers and a pair of breakouts. The
// report in the room's dialog and on its own page afterwards holds exactly
// the server's figures (its tables against `get_report` and report.json),
// the known answers come out as they went in, the balance figure is the
// most talkative third's share of the talk, and the downloaded file stands
// alone. axe-core finds nothing, at laptop and phone sizes.
//
// Run from the repository root: `node --test tests/browser/report.test.mjs`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { ownId } from './media-stats.mjs';
import { scriptedJoin, scriptedPage, scriptedRequest, tokenOf } from './scripted.mjs';
import { Harness, assertNoPageScroll, checkAccessibility, enterWithDoorOpen, joinAs, openTab } from './support.mjs';

const harness = new Harness();
const PREFIX = 'report-test-';

before(() => harness.start());
after(() => harness.stop());

/** @typedef {import('./support.mjs').TestPage} TestPage */
/** @typedef {import('playwright-core').Page} Page */

/**
 * A request through the page's own room connection.
 * @param {Page} page
 * @param {object} message
 */
function ask(page, message) {
  return page.evaluate((m) => /** @type {any} */ (window).peerRoomMedia.connection.request(m), message);
}

/**
 * Each row of a report table as its cells' `data-value`s (null where a cell has none).
 * @param {Page} page
 * @param {string} table
 */
function rowsOf(page, table) {
  return page.locator(`${table} tbody tr`).evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('th, td')]
    .map((cell) => (cell.hasAttribute('data-value') ? Number(cell.getAttribute('data-value')) : null))));
}

/** The share of all talk by the most talkative third, as the issue defines it. @param {number[]} talk */
function topThird(talk) {
  const total = talk.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const sorted = [...talk].sort((a, b) => b - a);
  const top = sorted.slice(0, Math.ceil(sorted.length / 3)).reduce((a, b) => a + b, 0);
  return Math.round((top * 100) / total);
}

/**
 * The page's report tables against the server's report.
 * @param {Page} page
 * @param {any} report
 * @param {string} where
 */
async function tablesHold(page, report, where) {
  const segments = await rowsOf(page, '#report-segments');
  assert.deepEqual(segments.map((row) => [row[1], row[2]]), report.segments.map((s) => [s.planned_minutes, s.actual_ms]), `${where}: the agenda's parts`);
  const pulses = await rowsOf(page, '#report-pulses');
  assert.equal(pulses.length, report.pulses.length, `${where}: one row per check`);
  const energy = pulses[0].filter((value) => value !== null);
  const pulse = report.pulses[0];
  assert.deepEqual(energy, [pulse.at, pulse.answered, ...pulse.scale, pulse.average_tenths], `${where}: the energy check's row`);
  const talk = await rowsOf(page, '#report-talk-table');
  assert.deepEqual(talk.map((row) => row.filter((v) => v !== null)), report.talk.map((t) => [t.ms, t.percent]), `${where}: talk time per person`);
  const names = await page.locator('#report-talk-table tbody th').allInnerTexts();
  assert.deepEqual(names, report.talk.map((t) => t.name), `${where}: first names`);
  assert.equal(Number(await page.locator('#report-balance').getAttribute('data-value')), report.top_third_percent, `${where}: the balance`);
  assert.equal(Number(await page.locator('#report-hands').getAttribute('data-raised')), report.hands_raised);
  assert.equal(Number(await page.locator('#report-hands').getAttribute('data-answered')), report.hands_answered);
  assert.equal(Number(await page.locator('#report-rounds').getAttribute('data-value')), report.rounds_completed);
  const breakouts = await rowsOf(page, '#report-breakout-table');
  assert.equal(breakouts.length, report.breakouts.length, `${where}: one row per breakout`);
}

test('a scripted session\'s report holds its figures, in the room and afterwards', { timeout: 300_000 }, async (t) => {
  /** @type {Record<string, TestPage>} */
  const pages = {};
  try {
    pages.host = await harness.openPage({ viewport: { width: 1366, height: 768 } });
    const h = pages.host.page;
    await enterWithDoorOpen(h, harness.links.facilitator, 'Dr. Maya Rivera');
    pages.sam = await harness.openPage({ viewport: { width: 1280, height: 720 } });
    const s = pages.sam.page;
    await s.goto(harness.links.participant);
    await joinAs(s, 'Sam Ortiz');
    await s.locator('#accept-rules').click();
    await s.locator('#room').waitFor({ state: 'visible' });
    const scripts = await scriptedPage(harness);
    const others = [];
    for (const name of ['Alex', 'Jo', 'Kim']) {
      const who = await scriptedJoin(scripts, tokenOf(harness.links.participant), name);
      assert.equal((await scriptedRequest(scripts, who, { type: 'accept_rules' })).type, 'ack');
      others.push(who);
    }
    const samId = await ownId(s);

    // The demo session's agenda, hands, a round, an energy check of 3, 2, 4 and 5.
    await ask(h, { type: 'start_session' });
    await s.locator('#hand-button').click();
    await scriptedRequest(scripts, others[0], { type: 'raise_hand' });
    await ask(h, { type: 'call_next_hand' });
    await ask(h, { type: 'start_round', order: 'hands_first' });
    await ask(h, { type: 'end_round' });
    await ask(h, { type: 'start_pulse', kind: 'scale' });
    await ask(s, { type: 'answer_pulse', pulse: 1, scale: 3 });
    for (const [who, scale] of others.map((o, i) => [o, [2, 4, 5][i]])) {
      assert.equal((await scriptedRequest(scripts, who, { type: 'answer_pulse', pulse: 1, scale })).type, 'ack');
    }
    await ask(h, { type: 'close_pulse' });
    await ask(h, { type: 'next_segment' });
    // A pair: Sam and Alex (Alex's id from the room as the host has it).
    const state = await ask(h, { type: 'get_state' });
    const alex = state.participants.find((/** @type {any} */ p) => p.name === 'Alex').id;
    await ask(h, { type: 'open_breakouts', groups: [[samId, alex]], minutes: 5 });
    await ask(h, { type: 'end_breakouts' });
    // Both microphones off: talk time stops growing, so every read agrees.
    for (const page of [h, s]) {
      await page.locator('#mic-button').click();
      await page.locator('#mic-button[aria-pressed="false"]').waitFor();
    }

    // In the room: Summary -> Session report.
    await openTab(h, 'summary');
    await h.locator('#report-open').click();
    const dialog = h.locator('#report-dialog');
    await dialog.locator('#report-pulses').waitFor();
    const live = (await ask(h, { type: 'get_report' })).report;
    // What went in comes out.
    assert.deepEqual(live.pulses[0].scale, [0, 1, 1, 1, 1]);
    assert.equal(live.pulses[0].average_tenths, 35);
    assert.equal(live.hands_raised, 2);
    assert.equal(live.hands_answered, 1);
    assert.equal(live.rounds_completed, 1);
    assert.deepEqual(live.breakouts.map((/** @type {any} */ b) => [b.groups, b.people, b.planned_minutes]), [[1, 2, 5]]);
    const planned = state.run_of_show.segments.slice(0, 2).map((/** @type {any} */ x) => [x.title, x.minutes]);
    assert.deepEqual(live.segments.map((/** @type {any} */ x) => [x.title, x.planned_minutes]), planned, 'the first two parts, as they ran');
    assert.ok(live.talk.every((/** @type {any} */ x) => ['Maya', 'Sam'].includes(x.name)), `first names only: ${JSON.stringify(live.talk)}`);
    assert.equal(live.top_third_percent, topThird(live.talk.map((/** @type {any} */ x) => x.ms)));
    await tablesHold(h, live, 'the room\'s dialog');
    await harness.screenshot(h, 'dialog', PREFIX);
    await checkAccessibility(h, 'the report in the room');
    await h.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // Afterwards: the ending screen's link, the report's page, the file.
    await ask(h, { type: 'end_session' });
    await h.locator('#report-after').click();
    await h.locator('#report-segments').waitFor();
    const sessionId = new URL(h.url()).searchParams.get('session');
    const response = await fetch(`${harness.links.url}/sessions/${sessionId}/report.json`, {
      headers: { Authorization: `Bearer ${tokenOf(harness.links.facilitator)}` },
    });
    assert.equal(response.status, 200);
    const after = await response.json();
    assert.deepEqual(after.pulses, live.pulses);
    assert.deepEqual(after.talk, live.talk, 'talk stopped with the microphones');
    await tablesHold(h, after, 'the report page');
    await checkAccessibility(h, 'the report page on a laptop');
    await harness.screenshot(h, 'page-laptop', PREFIX);
    await h.setViewportSize({ width: 390, height: 844 });
    await assertNoPageScroll(h, 'the report page on a phone').catch(async () => {
      // Tall pages scroll down; nothing may scroll sideways.
      const wide = await h.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      assert.equal(wide, false, 'the report page scrolls sideways on a phone');
    });
    await checkAccessibility(h, 'the report page on a phone');
    await harness.screenshot(h, 'page-phone', PREFIX);
    const [download] = await Promise.all([h.waitForEvent('download'), h.locator('#report-download').click()]);
    const file = await readFile(/** @type {string} */ (await download.path()), 'utf8');
    assert.match(file, /^<!doctype html>/);
    assert.ok(file.includes('id="report-pulses"') && file.includes('<style>'), 'the file holds the report and its style');
    assert.ok(!/<script|<link/i.test(file), 'the file stands alone: no script, no link');
    for (const [who, { problems }] of Object.entries(pages)) assert.deepEqual(problems, [], `no errors for ${who}`);
  } catch (error) {
    await harness.diagnose(t, pages, PREFIX);
    throw error;
  }
});

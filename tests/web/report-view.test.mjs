// The facilitator's report's numbers, which its charts and tables share
// (web-client/src/report/report-figures.js): the rounded minutes and their
// differences, the charts' scales and axis marks, the energy points; the
// file's name and the page's address. No DOM: drawing is checked in the
// browser.

import assert from 'node:assert/strict';
import { test } from 'node:test';

/** The browser's preferred languages, as i18n.js reads them. */
Object.defineProperty(globalThis, 'navigator', { value: { languages: ['en-GB'] }, configurable: true });
Object.assign(globalThis, {
  localStorage: { getItem: () => null, setItem: () => {} },
  document: { querySelectorAll: () => [], documentElement: {}, dispatchEvent: () => true },
  CustomEvent: class { constructor(type) { this.type = type; } },
});

const { setLanguage, speaking, t } = await import('../../web-client/src/shared/i18n.js');
const figures = await import('../../web-client/src/report/report-figures.js');
const { reportFileName } = await import('../../web-client/src/report/report-file.js');
const { reportAddress } = await import('../../web-client/src/report/report-address.js');

const T0 = 1796223600000; // 2026-12-02 15:00 UTC, 10:00 in Toronto
const MIN = 60_000;

/** The report of protocol.md's example, with what a test changes. */
function report(changes = {}) {
  return {
    title: 'Tuesday group', planned_start: T0, planned_end: T0 + 60 * MIN, started_at: T0 + MIN, ended_at: null,
    segments: [
      { segment: 1, title: 'Check-in round', kind: 'check_in', planned_minutes: 10, started_at: T0 + MIN, actual_ms: 12 * MIN },
      { segment: 2, title: 'Pairs', kind: 'breakouts', planned_minutes: 15, started_at: T0 + 13 * MIN, actual_ms: null },
    ],
    rounds_completed: 1,
    pulses: [
      { at: T0 + 10 * MIN, question: 'How is your energy?', kind: 'scale', answered: 5, scale: [0, 1, 2, 2, 0], average_tenths: 32 },
      { at: T0 + 20 * MIN, question: 'One word to check out with?', kind: 'word', answered: 4, scale: null, average_tenths: null },
      { at: T0 + 31 * MIN, question: 'Now?', kind: 'scale', answered: 2, scale: null, average_tenths: 45 },
    ],
    talk: [{ name: 'Maya', ms: 7 * MIN, percent: 42 }, { name: 'Sam', ms: 5 * MIN, percent: 30 }],
    top_third_percent: 42, hands_raised: 4, hands_answered: 3,
    breakouts: [{ opened_at: T0 + 13 * MIN, closed_at: T0 + 28 * MIN + 30_000, groups: 2, people: 5, planned_minutes: 15 }],
    ...changes,
  };
}

test('minutes are rounded to a tenth, and a difference is that of the two figures shown', () => {
  assert.equal(figures.tenthsOfMinute(12 * MIN), 120);
  assert.equal(figures.tenthsOfMinute(12 * MIN + 2_999), 120);
  assert.equal(figures.tenthsOfMinute(12 * MIN + 3_000), 121);
  const part = { segment: 1, title: 'x', kind: 'custom', planned_minutes: 10, started_at: T0, actual_ms: 11 * MIN + 57_000 };
  // 11.95 minutes shows as 12.0, so the difference shows +2.0, while the exact one stays in ms.
  assert.deepEqual(figures.segmentDifference(part), { ms: 117_000, tenths: 20 });
  assert.equal(figures.segmentDifference({ ...part, actual_ms: null }), null, 'a part that still runs has none');
});

test('numbers are written in the page\'s locale', () => {
  setLanguage('en');
  assert.equal(figures.tenthsText(32), '3.2');
  assert.equal(figures.tenthsText(20, true), '+2.0');
  assert.equal(figures.tenthsText(0, true), '0.0');
  assert.equal(figures.minutesText(12 * MIN), '12.0');
  assert.equal(figures.percentText(42), '42%');
  setLanguage('fr');
  assert.equal(figures.tenthsText(32), '3,2');
  assert.match(figures.percentText(42), /^42\s%$/u);
  setLanguage('en');
  assert.equal(speaking('fr', () => figures.tenthsText(15)), '1,5', 'a report made in French, on an English page');
  assert.equal(figures.tenthsText(15), '1.5', 'and the page speaks English again after');
  assert.equal(speaking('fr', () => t('report.time.heading')), 'Temps');
});

test('the timeline and the talk bars are drawn against their largest value', () => {
  assert.equal(figures.timelineMax(report()), 15, 'the planned 15 beats the actual 12');
  assert.equal(figures.timelineMax(report({ segments: [] })), 1, 'never 0');
  assert.equal(figures.talkMax(report()), 42);
  assert.equal(figures.talkMax(report({ talk: [] })), 1);
});

test('energy is drawn at each answered scale check, by minutes since the clock started', () => {
  const points = figures.energyPoints(report());
  assert.deepEqual(points, [
    { at: T0 + 10 * MIN, minute: 9, tenths: 32 },
    { at: T0 + 31 * MIN, minute: 30, tenths: 45 },
  ], 'the word check has no point');
  assert.deepEqual(figures.energySpan(report(), points), { from: 0, to: 59 }, 'to the booked end while it runs');
  const ended = report({ ended_at: T0 + 71 * MIN });
  assert.deepEqual(figures.energySpan(ended, figures.energyPoints(ended)), { from: 0, to: 70 });
  const unstarted = report({ started_at: null });
  assert.equal(figures.energyPoints(unstarted)[0].minute, 10, 'from the booked start when the clock never started');
  const early = report({ pulses: [{ ...report().pulses[0], at: T0 - 5 * MIN }] });
  assert.deepEqual(figures.energySpan(early, figures.energyPoints(early)), { from: -6, to: 59 }, 'a check before the start is still drawn');
});

test('axis marks are round numbers, no more than asked', () => {
  assert.deepEqual(figures.ticks(0, 59), [0, 10, 20, 30, 40, 50]);
  assert.deepEqual(figures.ticks(0, 4), [0, 1, 2, 3, 4]);
  assert.deepEqual(figures.ticks(0, 90), [0, 20, 40, 60, 80]);
  assert.deepEqual(figures.ticks(-6, 59), [0, 10, 20, 30, 40, 50]);
  assert.deepEqual(figures.ticks(-16, 59), [-15, 0, 15, 30, 45]);
  assert.deepEqual(figures.ticks(0, 600), [0, 120, 240, 360, 480, 600]);
  for (const to of [1, 7, 33, 61, 119, 240, 1000]) assert.ok(figures.ticks(0, to).length <= 6, `${to}`);
  assert.equal(figures.place(30, 0, 60, 9, 86), 52, 'half way along an axis that starts at 9% and takes 86%');
});

test('a breakout run lasts from its opening to its closing, and not yet while open', () => {
  assert.equal(figures.breakoutLength(report().breakouts[0]), 15 * MIN + 30_000);
  assert.equal(figures.breakoutLength({ ...report().breakouts[0], closed_at: null }), null);
});

test('the file is named by the session\'s day in the viewer\'s zone, and the page\'s address keeps the token in the fragment', () => {
  assert.equal(reportFileName(report(), 'America/Toronto'), 'report-2026-12-02.html');
  const lateEvening = report({ started_at: Date.UTC(2026, 11, 3, 3, 0) });
  assert.equal(reportFileName(lateEvening, 'America/Toronto'), 'report-2026-12-02.html');
  assert.equal(reportFileName(lateEvening, 'UTC'), 'report-2026-12-03.html');
  assert.equal(reportAddress('s 1', 'a/b'), '/report?session=s%201#a%2Fb');
});


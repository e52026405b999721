// The report's numbers, worked out once from the server's report for both
// a chart and the table beside it, so that the two cannot disagree: the
// rounded minutes the tables show, the lengths and places the charts draw,
// their scales and their marks, and numbers written in the page's locale
// ("12.0", "12,0"). No DOM and no sentences: report-view.js and
// report-charts.js say them.

import { locale } from '../shared/i18n.js';

/** @typedef {import('../shared/messages.js').SessionReport} SessionReport */
/** @typedef {SessionReport['segments'][number]} SegmentTime */
/** @typedef {SessionReport['breakouts'][number]} BreakoutRun */
/** @typedef {{at: number, minute: number, tenths: number}} EnergyPoint */

export const MINUTE = 60_000;

/**
 * A duration in tenths of a minute, as the tables round it (0.1 min).
 * @param {number} ms
 */
export function tenthsOfMinute(ms) {
  return Math.round(ms / 6_000);
}

/**
 * How far a part ran from its plan: exactly, in ms, and as the table's two
 * rounded columns differ, in tenths of a minute (12.0 against 10 is +2.0,
 * never +1.9). Null while the part still runs.
 * @param {SegmentTime} segment
 * @returns {{ms: number, tenths: number} | null}
 */
export function segmentDifference(segment) {
  if (segment.actual_ms === null) return null;
  return {
    ms: segment.actual_ms - segment.planned_minutes * MINUTE,
    tenths: tenthsOfMinute(segment.actual_ms) - segment.planned_minutes * 10,
  };
}

/**
 * The timeline's longest bar, in minutes, planned or actual: the scale
 * every bar is drawn against (at least one minute, so nothing divides by 0).
 * @param {SessionReport} report
 */
export function timelineMax(report) {
  const lengths = report.segments.flatMap((s) => [s.planned_minutes, (s.actual_ms ?? 0) / MINUTE]);
  return Math.max(1, ...lengths);
}

/**
 * When the session's minutes count from, and the day the report is of:
 * the clock's start, or the booked start when no one started the clock.
 * @param {SessionReport} report
 */
export function sessionStart(report) {
  return report.started_at ?? report.planned_start;
}

/**
 * The energy chart's points: each check on the 1 to 5 scale that someone
 * answered, at its minute since the start, with its average in tenths.
 * Word checks and unanswered ones have no average, so no point.
 * @param {SessionReport} report
 * @returns {EnergyPoint[]}
 */
export function energyPoints(report) {
  const start = sessionStart(report);
  return report.pulses.flatMap((pulse) => (pulse.kind === 'scale' && pulse.average_tenths !== null
    ? [{ at: pulse.at, minute: (pulse.at - start) / MINUTE, tenths: pulse.average_tenths }]
    : []));
}

/**
 * The minutes the energy chart spans: from the start (or a check before
 * it) to the end (the booked end while it runs), or the last check.
 * @param {SessionReport} report
 * @param {EnergyPoint[]} points
 * @returns {{from: number, to: number}}
 */
export function energySpan(report, points) {
  const start = sessionStart(report);
  const end = ((report.ended_at ?? report.planned_end) - start) / MINUTE;
  const from = Math.min(0, ...points.map((p) => p.minute));
  const to = Math.max(end, ...points.map((p) => p.minute));
  return { from, to: Math.max(to, from + 1) };
}

/** Steps an axis of minutes is marked in: round numbers, then whole hours. */
const STEPS = [1, 2, 5, 10, 15, 20, 30, 60];

/**
 * Round numbers marking an axis from `from` to `to`, no more than `most` of
 * them: multiples of the smallest step in STEPS (then of an hour) that fits.
 * @param {number} from
 * @param {number} to
 * @param {number} [most]
 */
export function ticks(from, to, most = 6) {
  const count = (/** @type {number} */ step) => Math.floor(to / step) - Math.ceil(from / step) + 1;
  let step = STEPS.find((s) => count(s) <= most);
  if (step === undefined) {
    step = 60;
    while (count(step) > most) step += 60;
  }
  const marks = [];
  // `+ 0` turns a -0 (from a start just before 0) into 0.
  for (let mark = Math.ceil(from / step) * step + 0; mark <= to; mark += step) marks.push(mark);
  return marks;
}

/**
 * Where `value` sits on an axis from `from` to `to` that takes `room`
 * percent of the chart's width after `offset` percent, in percent.
 * @param {number} value
 * @param {number} from
 * @param {number} to
 * @param {number} offset
 * @param {number} room
 */
export function place(value, from, to, offset, room) {
  return offset + ((value - from) / (to - from)) * room;
}

/**
 * The talk chart's scale: the largest share, in percent (at least 1).
 * @param {SessionReport} report
 */
export function talkMax(report) {
  return Math.max(1, ...report.talk.map((share) => share.percent));
}

/**
 * How long a run of breakouts lasted, in ms; null while it runs.
 * @param {BreakoutRun} run
 */
export function breakoutLength(run) {
  return run.closed_at === null ? null : run.closed_at - run.opened_at;
}

/**
 * A day as `2026-12-01`, in `timeZone` (the viewer's when none): the
 * downloaded file's name.
 * @param {number} ms
 * @param {string} [timeZone]
 */
export function isoDay(ms, timeZone) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(ms);
  const part = (/** @type {string} */ type) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/**
 * Tenths of a minute written with one decimal in the page's locale: "12.0"
 * (or "12,0"), "+2.0" with `signed`.
 * @param {number} tenths
 * @param {boolean} [signed]
 */
export function tenthsText(tenths, signed = false) {
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: signed ? 'exceptZero' : 'auto' })
    .format(tenths / 10);
}

/**
 * A duration in minutes with one decimal, as the tables round it.
 * @param {number} ms
 */
export function minutesText(ms) {
  return tenthsText(tenthsOfMinute(ms));
}

/**
 * A whole number in the page's locale.
 * @param {number} count
 */
export function countText(count) {
  return new Intl.NumberFormat(locale()).format(count);
}

/**
 * A share written as the locale writes percentages: "42%", "42 %".
 * @param {number} percent
 */
export function percentText(percent) {
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 0 }).format(percent / 100);
}

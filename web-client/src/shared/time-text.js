// Times and durations in words, in the page's language and the viewer's own
// time zone. No DOM and no clock of its own: callers pass the times.

import { locale } from './i18n.js';

/** Whether each locale writes the hour with two digits ("08:30"), found once. @type {Map<string, boolean>} */
const PADDED = new Map();

/**
 * How every time of day is written, one way per locale. Browsers write a
 * single time and a range differently for some locales (en-GB: "8:30" but
 * "08:30–09:30"), which put "09:38" beside "9:38" on one page: the locale's
 * own range decides, and single times follow it.
 * @returns {Intl.DateTimeFormatOptions}
 */
export function timeOfDay() {
  const tag = locale();
  let padded = PADDED.get(tag);
  if (padded === undefined) {
    const morning = Date.UTC(2000, 0, 3, 8, 30);
    const parts = new Intl.DateTimeFormat(tag, { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' })
      .formatRangeToParts(morning, morning + 3_600_000);
    padded = parts.find((part) => part.type === 'hour')?.value.length === 2;
    PADDED.set(tag, padded);
  }
  return { hour: padded ? '2-digit' : 'numeric', minute: '2-digit' };
}

/** @param {number} millis a time since the Unix epoch */
export function clockTime(millis) {
  return new Date(millis).toLocaleTimeString(locale(), timeOfDay());
}

/**
 * "Tuesday 12 March, 14:00–15:00" (or "mardi 12 mars, 14 h 00 – 15 h 00"),
 * in the viewer's own time zone and the page's language: the browser words
 * the range, so no "to" needs translating.
 * @param {number} startsAt
 * @param {number} endsAt
 */
export function timeSpan(startsAt, endsAt) {
  const format = new Intl.DateTimeFormat(locale(), { weekday: 'long', month: 'long', day: 'numeric', ...timeOfDay() });
  return format.formatRange(startsAt, endsAt);
}

/**
 * "Tuesday 12 March" in the page's language and the viewer's zone.
 * @param {number} millis
 */
export function dayText(millis) {
  return new Date(millis).toLocaleDateString(locale(), { weekday: 'long', month: 'long', day: 'numeric' });
}

/**
 * A duration as a clock: "4:05", or "1:02:09" past an hour. Countdowns round
 * up (0:00 only when the time is really up); elapsed times round down.
 * @param {number} ms
 * @param {'up' | 'down'} rounding
 */
export function formatClock(ms, rounding) {
  const seconds = Math.max(0, rounding === 'up' ? Math.ceil(ms / 1000) : Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

// Times and durations in words, in the page's language and the viewer's own
// time zone. No DOM and no clock of its own: callers pass the times.

import { locale } from './i18n.js';

/**
 * How every time of day is written, one way per language: the hour as the
 * locale writes it ("9:38", "09 h 38"... whatever the locale's own habit,
 * but the same everywhere on the page), with minutes.
 */
const TIME_OF_DAY = /** @type {const} */ ({ hour: 'numeric', minute: '2-digit' });

/** @param {number} millis a time since the Unix epoch */
export function clockTime(millis) {
  return new Date(millis).toLocaleTimeString(locale(), TIME_OF_DAY);
}

/**
 * "Tuesday 12 March, 14:00–15:00" (or "mardi 12 mars, 14 h 00 à 15 h 00"),
 * in the viewer's own time zone and the page's language: the browser words
 * the range, so no "to" needs translating.
 * @param {number} startsAt
 * @param {number} endsAt
 */
export function timeSpan(startsAt, endsAt) {
  const format = new Intl.DateTimeFormat(locale(), { weekday: 'long', month: 'long', day: 'numeric', ...TIME_OF_DAY });
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

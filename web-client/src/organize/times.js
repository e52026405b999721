// Dates and time zones for the organizers' pages. Sessions are shown in the
// organizer's own time zone (from their account), whatever the computer's
// clock says, so two organizers in two places see the same session alike.
// Dates are written the way the page's language (and the browser's variant
// of it) writes them. No DOM but the time-zone <select> it fills; no API.

import { locale, t, tn } from '../shared/i18n.js';
import { timeOfDay } from '../shared/time-text.js';

/** The browser's time zone, the natural default for a new account. */
export function browserTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/**
 * Every time zone the browser knows, with `include` among them.
 * @param {string} include
 * @returns {string[]}
 */
export function timeZones(include) {
  /** @type {string[]} */
  let zones = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    // An older browser: the account's own zone, and UTC, still work.
  }
  const all = new Set([...zones, 'UTC', include]);
  return [...all].sort((a, b) => a.localeCompare(b));
}

/**
 * Fills a <select> with time zones and selects one.
 * @param {HTMLSelectElement} select
 * @param {string} selected
 */
export function fillTimeZones(select, selected) {
  const options = timeZones(selected).map((zone) => {
    const option = document.createElement('option');
    option.value = zone;
    option.textContent = zone.replaceAll('_', ' ');
    return option;
  });
  select.replaceChildren(...options);
  select.value = selected;
}

/**
 * The wall-clock date and time at `millis` in `timeZone`, as an
 * <input type="datetime-local"> holds it: `2026-12-01T18:00`.
 * @param {number} millis
 * @param {string} timeZone
 */
export function wallClock(millis, timeZone) {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(millis));
  /** @type {Record<string, string>} */
  const part = {};
  for (const { type, value } of parts) part[type] = value;
  return `${part.year}-${part.month}-${part.day}T${part.hour}:${part.minute}`;
}

/**
 * A sensible first suggestion for a new session: tomorrow at 18:00 where the
 * organizer is.
 * @param {string} timeZone
 */
export function suggestedStart(timeZone) {
  return `${wallClock(Date.now() + 24 * 3_600_000, timeZone).slice(0, 10)}T18:00`;
}

/**
 * "Tuesday, 1 December 2026" in the given zone, in the reader's language.
 * @param {Date} date
 * @param {string} timeZone
 */
export function dayText(date, timeZone) {
  return date.toLocaleDateString(locale(), { timeZone, weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
}

/**
 * "18:00" or "6:00 PM", as the reader's language writes a time.
 * @param {Date} date
 * @param {string} timeZone
 */
export function clockText(date, timeZone) {
  // The same way as every other time of day on every page (shared/time-text.js).
  return date.toLocaleTimeString(locale(), { timeZone, ...timeOfDay() });
}

/**
 * The zone's short name at that moment ("EST", "GMT+1"), for a reader who
 * wonders which clock is meant.
 * @param {Date} date
 * @param {string} timeZone
 */
export function zoneName(date, timeZone) {
  const part = new Intl.DateTimeFormat(locale(), { timeZone, timeZoneName: 'short' })
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? timeZone;
}

/**
 * When a session is, in the organizer's zone: a day line and a time line.
 * @param {{starts_at: string, ends_at: string}} session
 * @param {string} timeZone
 */
export function sessionWhen(session, timeZone) {
  const start = new Date(session.starts_at);
  const end = new Date(session.ends_at);
  return {
    day: dayText(start, timeZone),
    time: t('organize.time.span', { start: clockText(start, timeZone), end: clockText(end, timeZone), zone: zoneName(start, timeZone) }),
  };
}

/**
 * "Tuesday, 1 December 2026, 18:00 to 19:00 EST", and the session's own
 * clock beside it when it is set in another zone.
 * @param {{starts_at: string, ends_at: string, time_zone: string}} session
 * @param {string} timeZone the reader's
 */
export function whenText(session, timeZone) {
  const { day, time } = sessionWhen(session, timeZone);
  return session.time_zone === timeZone ? `${day}, ${time}` : `${day}, ${time} (${elsewhere(session)})`;
}

/**
 * When a session is on its own zone's clock, for one set somewhere else.
 * @param {{starts_at: string, ends_at: string, time_zone: string}} session
 */
export function elsewhere(session) {
  const { day, time } = sessionWhen(session, session.time_zone);
  return t('organize.session.elsewhere', { zone: session.time_zone.replaceAll('_', ' '), day, time });
}

/**
 * "1 hour 30 minutes".
 * @param {number} minutes
 */
export function durationText(minutes) {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const h = hours ? tn('organize.time.hours', hours) : '';
  const m = rest ? tn('organize.time.minutes', rest) : '';
  return [h, m].filter(Boolean).join(' ') || tn('organize.time.minutes', 0);
}

/**
 * "Every two weeks", from a series' rule.
 * @param {{every_weeks: number | null}} series
 */
export function everyText(series) {
  if (series.every_weeks === 1) return t('organize.group.every_week');
  if (series.every_weeks === 2) return t('organize.group.every_two_weeks');
  return t('organize.group.recurring');
}

/**
 * "every two weeks", inside a sentence ("a group that meets every two weeks").
 * @param {{every_weeks: number | null}} series
 */
export function meetsText(series) {
  if (series.every_weeks === 1) return t('organize.group.meets_every_week');
  if (series.every_weeks === 2) return t('organize.group.meets_every_two_weeks');
  return t('organize.group.meets_recurring');
}

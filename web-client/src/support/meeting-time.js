// A meeting's time as a physician reads it: on their own clock (the
// browser's zone) and, when it reads differently there, on the supporter's,
// in the page's language. Shared by the request's page, the form's
// confirmation and the open times to book; no state, no calls.

import { make } from '../shared/dom.js';
import { locale, t } from '../shared/i18n.js';
import { timeOfDay } from '../shared/time-text.js';

/** @typedef {import('./api.js').Meeting} Meeting */

/** "Toronto" for America/Toronto. @param {string} zone */
export function zoneName(zone) {
  return (zone.split('/').pop() ?? zone).replaceAll('_', ' ');
}

/** The viewer's own time zone, as the browser knows it. */
export function ownZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/**
 * "Thursday 3 December, 19:00–19:45" in the page's language, on the clock of `zone`.
 * @param {number} start
 * @param {number} end
 * @param {string} zone
 */
export function span(start, end, zone) {
  const format = new Intl.DateTimeFormat(locale(), { weekday: 'long', month: 'long', day: 'numeric', ...timeOfDay(), timeZone: zone });
  return format.formatRange(start, end);
}

/**
 * The meeting's time on the physician's clock and, when it reads differently
 * there, on the supporter's.
 * @param {Meeting} meeting
 * @param {string} supporter the supporter's name
 */
export function meetingTimes(meeting, supporter) {
  const start = Date.parse(meeting.starts_at);
  const end = start + meeting.minutes * 60_000;
  const mine = ownZone();
  /** @param {string} label @param {string} when */
  const line = (label, when) => make('p', { className: 'meeting-time' }, [
    make('span', { className: 'meeting-zone', text: label }),
    make('strong', { className: 'meeting-when', text: when }),
  ]);
  const lines = [line(t('door.status.your_time', { zone: zoneName(mine) }), span(start, end, mine))];
  try {
    const theirs = span(start, end, meeting.time_zone);
    if (theirs !== span(start, end, mine)) {
      lines.push(line(t('door.status.their_time', { name: supporter, zone: zoneName(meeting.time_zone) }), theirs));
    }
  } catch {
    // A zone this browser does not know: the physician's own time is what matters.
  }
  return make('div', { className: 'meeting' }, lines);
}

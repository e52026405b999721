// The program's counts, in the organizers' "Peer support" tab: requests by
// week, by practice area and by state, as three small tables. Only how
// many, never who: the API gives nothing else.

import { make } from '../shared/dom.js';
import { locale, t } from '../shared/i18n.js';
import { stateName } from './support-parts.js';

/** @typedef {import('./support-api.js').Stats} Stats */

/**
 * Draws the three tables into `container`.
 * @param {HTMLElement} container
 * @param {Stats} stats
 */
export function drawStats(container, stats) {
  container.replaceChildren(
    table(t('peer.counts.by_week'), t('peer.counts.week'), stats.by_week.map(([week, count]) => [weekText(week), count])),
    table(t('peer.counts.by_area'), t('peer.counts.area'), stats.by_practice_area.map(([area, count]) => [area || t('peer.no_area'), count])),
    table(t('peer.counts.by_state'), t('peer.counts.state'), stats.by_state.map(([state, count]) => [stateName(state), count])),
  );
}

/**
 * One small table with its caption, or its caption and "none yet".
 * @param {string} caption
 * @param {string} what the first column's heading
 * @param {[string, number][]} rows
 */
function table(caption, what, rows) {
  if (rows.length === 0) {
    return make('div', { className: 'count-table' }, [
      make('h3', { className: 'count-caption', text: caption }),
      make('p', { className: 'muted small', text: t('peer.counts.none') }),
    ]);
  }
  const number = new Intl.NumberFormat(locale());
  return make('div', { className: 'count-table' }, [
    make('table', {}, [
      make('caption', { className: 'count-caption', text: caption }),
      make('thead', {}, [make('tr', {}, [
        make('th', { text: what, attrs: { scope: 'col' } }),
        make('th', { text: t('peer.counts.requests'), attrs: { scope: 'col' } }),
      ])]),
      make('tbody', {}, rows.map(([label, count]) => make('tr', {}, [
        make('th', { text: label, attrs: { scope: 'row' } }),
        make('td', { text: number.format(count) }),
      ]))),
    ]),
  ]);
}

/**
 * "Week of 23 November 2026", from the server's `2026-W47`: SQLite's week
 * of the year (`%W`), Monday first, week 00 being the days before the
 * year's first Monday (not an ISO week), counted in UTC.
 * @param {string} week
 */
function weekText(week) {
  const found = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!found) return week;
  const day = 86_400_000;
  const newYear = Date.UTC(Number(found[1]), 0, 1);
  const untilMonday = (8 - new Date(newYear).getUTCDay()) % 7;
  const number = Number(found[2]);
  const start = number === 0 ? newYear : newYear + (untilMonday + (number - 1) * 7) * day;
  const text = new Date(start).toLocaleDateString(locale(), { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' });
  return t('peer.counts.week_of', { day: text });
}

// The organizer's groups (recurring series), in the Groups tab. Each shows
// its rule, its links and calendar feed, and its meetings at their times in
// the organizer's zone; each meeting can be changed or cancelled alone.

import * as api from './api.js';
import { byId, make, show } from './dom.js';
import { openEditor } from './organize-edit.js';
import { loadSeriesLinks } from './organize-links.js';
import { dayText, durationText, sessionWhen, whenText } from './organize-time.js';
import { confirmInline, disclosure, errorMessage, say } from './organize-ui.js';

/** @typedef {import('./api.js').SessionView} SessionView */
/** @typedef {import('./api.js').SeriesView} SeriesView */
/** @typedef {import('./api.js').SeriesDetail} SeriesDetail */

/**
 * "Every two weeks", from a series' rule.
 * @param {SeriesView} series
 */
export function everyText(series) {
  if (series.every_weeks === 1) return 'Every week';
  if (series.every_weeks === 2) return 'Every two weeks';
  return 'Recurring';
}

/**
 * "Every two weeks, 4 meetings", or "Every week until Tuesday, 29 June 2027, 12 meetings".
 * @param {SeriesDetail} detail
 */
export function ruleText({ series, occurrences }) {
  const count = `${occurrences.length} ${occurrences.length === 1 ? 'meeting' : 'meetings'}`;
  // A date without a time: read at noon UTC, it is the same day everywhere.
  if (series.until) return `${everyText(series)} until ${dayText(new Date(`${series.until}T12:00:00Z`), 'UTC')}, ${count}`;
  return `${everyText(series)}, ${count}`;
}

/**
 * When a meeting is, in the reader's zone, and whether it is cancelled or over.
 * @param {SessionView} meeting
 * @param {string} timeZone
 * @param {string} [id] for the buttons that act on this meeting to name it
 */
export function meetingWhen(meeting, timeZone, id) {
  const { day, time } = sessionWhen(meeting, timeZone);
  const line = make('p', { className: 'meeting-when', attrs: id ? { id } : {} }, [
    make('time', { className: 'session-day', text: day, attrs: { datetime: meeting.starts_at } }),
    make('span', { className: 'session-time', text: time }),
  ]);
  if (meeting.cancelled) line.append(make('span', { className: 'badge badge-cancelled', text: 'Cancelled' }));
  else if (meeting.ended) line.append(make('span', { className: 'badge', text: 'Ended' }));
  return line;
}

/**
 * A series' meetings as a plain list, for the panel shown once it is made.
 * @param {SeriesDetail} detail
 * @param {string} timeZone
 */
export function meetingList(detail, timeZone) {
  return make('ol', { className: 'meetings' },
    detail.occurrences.map((meeting) => make('li', { className: 'meeting' }, [meetingWhen(meeting, timeZone)])));
}

export class SeriesList {
  /**
   * @param {HTMLElement} message the page's live message line
   * @param {(error: unknown) => void} onUnauthorized
   */
  constructor(message, onUnauthorized) {
    this.message = message;
    this.onUnauthorized = onUnauthorized;
    this.timeZone = 'UTC';
    this.list = byId('groups-list', HTMLUListElement);
    this.empty = byId('groups-empty', HTMLParagraphElement);
  }

  /** Loads every group with its meetings. */
  async load() {
    try {
      const all = await api.listSeries();
      const details = await Promise.all(all.map((series) => api.readSeries(series.id)));
      this.list.replaceChildren(...details.map((detail) => {
        const body = make('div');
        const status = make('p', { className: 'notice small card-status', attrs: { role: 'status', 'aria-live': 'polite' } });
        show(status, false);
        this.fill(body, detail, status);
        return make('li', { className: 'session series', attrs: { 'data-series': detail.series.id } }, [body, status]);
      }));
      show(this.empty, details.length === 0);
    } catch (error) {
      this.failed(error, this.message);
    }
  }

  /**
   * @param {unknown} error
   * @param {HTMLElement} where the message goes
   */
  failed(error, where) {
    if (error instanceof api.ApiError && error.status === 401) this.onUnauthorized(error);
    else say(where, errorMessage(error), 'error');
  }

  /**
   * Draws a group into its card's body. The card's status line, after the
   * body, stays from one drawing to the next, so what it says is announced.
   * @param {HTMLElement} body
   * @param {SeriesDetail} detail
   * @param {HTMLElement} status
   */
  fill(body, detail, status) {
    const { series, occurrences } = detail;
    const headingId = `group-${series.id}`;
    const next = occurrences.find((m) => !m.cancelled && !m.ended);
    const lines = [
      make('p', { className: 'muted small', text: [
        ruleText(detail),
        occurrences[0] ? `${durationText(occurrences[0].duration_minutes)} each` : '',
      ].filter(Boolean).join(' · ') }),
      make('p', { className: 'small', text: next ? `Next meeting: ${whenText(next, this.timeZone)}` : 'No meetings to come.' }),
    ];
    if (series.time_zone && series.time_zone !== this.timeZone) {
      lines.push(make('p', { className: 'muted small', text: `The group meets on the clock of ${series.time_zone.replaceAll('_', ' ')}; times here are in yours.` }));
    }
    const links = disclosure('Links and calendar feed', `group-links-${series.id}`, headingId,
      (box) => loadSeriesLinks(box, series.id, this.onUnauthorized));
    const meetingsId = `group-meetings-${series.id}`;
    body.replaceChildren(
      make('div', { className: 'session-head' }, [
        make('h3', { className: 'session-title', text: series.title, attrs: { id: headingId } }),
        make('span', { className: 'badges' }, next ? [] : [make('span', { className: 'badge', text: 'Ended' })]),
      ]),
      ...lines,
      make('div', { className: 'row session-actions' }, [links.button]),
      links.box,
      make('h4', { className: 'meetings-heading', text: 'Meetings', attrs: { id: meetingsId } }),
      make('ol', { className: 'meetings', attrs: { 'aria-labelledby': meetingsId } },
        occurrences.map((meeting) => this.meeting(body, detail, meeting, status))),
    );
  }

  /**
   * One meeting, with "Change" and "Cancel this meeting" while it is to come.
   * @param {HTMLElement} body the card's, drawn again after a change
   * @param {SeriesDetail} detail
   * @param {SessionView} meeting
   * @param {HTMLElement} status
   */
  meeting(body, detail, meeting, status) {
    const whenId = `group-meeting-${meeting.id}`;
    const { day } = sessionWhen(meeting, this.timeZone);
    const row = make('li', {
      className: `meeting${meeting.cancelled ? ' is-cancelled' : ''}`,
      attrs: { 'data-session': meeting.id, tabindex: '-1' },
    }, [meetingWhen(meeting, this.timeZone, whenId)]);
    if (meeting.title !== detail.series.title) row.append(make('p', { className: 'small', text: `Titled “${meeting.title}”` }));
    if (meeting.cancelled || meeting.ended) return row;

    const refresh = (/** @type {string} */ text) => this.refresh(body, detail.series.id, meeting.id, status, text);
    const confirmSlot = make('div');
    const editId = `group-edit-${meeting.id}`;
    const edit = make('div', { className: 'edit-slot', attrs: { id: editId } });
    const change = make('button', {
      text: 'Change',
      className: 'small-button',
      attrs: { type: 'button', 'aria-expanded': 'false', 'aria-controls': editId, 'aria-describedby': whenId },
    });
    change.addEventListener('click', () => {
      say(status, '');
      if (change.getAttribute('aria-expanded') === 'true') {
        edit.replaceChildren();
        change.setAttribute('aria-expanded', 'false');
        return;
      }
      change.setAttribute('aria-expanded', 'true');
      openEditor(edit, meeting, {
        onSaved: (changed) => refresh(`The meeting of ${day} was changed: it is now on ${whenText(changed, this.timeZone)}.`),
        onClose: () => {
          change.setAttribute('aria-expanded', 'false');
          change.focus();
        },
        onUnauthorized: this.onUnauthorized,
      });
    });
    const cancel = make('button', {
      text: 'Cancel this meeting',
      className: 'danger small-button',
      attrs: { type: 'button', 'aria-describedby': whenId },
    });
    cancel.addEventListener('click', async () => {
      say(status, '');
      const question = `Cancel the meeting of ${day}? No one can join it any more; the group's other meetings stay as they are. This cannot be undone.`;
      if (!await confirmInline(confirmSlot, question, 'Cancel the meeting')) return;
      try {
        await api.cancelSession(meeting.id);
        await refresh(`The meeting of ${day} was cancelled. The other meetings stay as they are.`);
      } catch (error) {
        this.failed(error, status);
      }
    });
    row.append(make('div', { className: 'row meeting-actions' }, [change, cancel]), confirmSlot, edit);
    return row;
  }

  /**
   * Draws a group again after one of its meetings changed, says what
   * changed, and puts focus on that meeting.
   * @param {HTMLElement} body
   * @param {string} seriesId
   * @param {string} meetingId
   * @param {HTMLElement} status
   * @param {string} text
   */
  async refresh(body, seriesId, meetingId, status, text) {
    try {
      this.fill(body, await api.readSeries(seriesId), status);
      say(status, text, 'ok');
      const row = body.querySelector(`[data-session="${CSS.escape(meetingId)}"]`);
      if (row instanceof HTMLElement) row.focus();
    } catch (error) {
      this.failed(error, status);
    }
  }
}

// The organizer's groups (recurring series), in the Groups tab. Each shows
// its rule, its links and calendar feed, and its meetings at their times in
// the organizer's zone; each meeting can be changed or cancelled alone.
// The session tabs are session-list.js's; this file draws only the groups.

import * as api from './api.js';
import { byId, make, show } from '../shared/dom.js';
import { t, tn } from '../shared/i18n.js';
import { openEditor } from './session-editor.js';
import { loadSeriesLinks } from './links.js';
import { dayText, durationText, everyText, sessionWhen, whenText } from './times.js';
import { confirmInline, disclosure, errorMessage, say } from './page-parts.js';
import { loadInvitees } from './invitees.js';

/** @typedef {import('./api.js').SessionView} SessionView */
/** @typedef {import('./api.js').SeriesView} SeriesView */
/** @typedef {import('./api.js').SeriesDetail} SeriesDetail */

/**
 * "Every two weeks, 4 meetings", or "Every week until Tuesday, 29 June 2027, 12 meetings".
 * @param {SeriesDetail} detail
 */
export function ruleText({ series, occurrences }) {
  const count = tn('organize.group.meetings', occurrences.length);
  // A date without a time: read at noon UTC, it is the same day everywhere.
  if (series.until) {
    return t('organize.group.rule_until', { every: everyText(series), day: dayText(new Date(`${series.until}T12:00:00Z`), 'UTC'), count });
  }
  return t('organize.group.rule', { every: everyText(series), count });
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
  if (meeting.cancelled) line.append(make('span', { className: 'badge badge-cancelled', text: t('organize.badge.cancelled') }));
  else if (meeting.ended) line.append(make('span', { className: 'badge', text: t('organize.badge.ended') }));
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
        occurrences[0] ? t('organize.group.each', { length: durationText(occurrences[0].duration_minutes) }) : '',
      ].filter(Boolean).join(' · ') }),
      make('p', { className: 'small', text: next ? t('organize.group.next', { when: whenText(next, this.timeZone) }) : t('organize.group.none_to_come') }),
    ];
    if (series.time_zone && series.time_zone !== this.timeZone) {
      lines.push(make('p', { className: 'muted small', text: t('organize.group.other_clock', { zone: series.time_zone.replaceAll('_', ' ') }) }));
    }
    const links = disclosure(t('organize.group.links'), `group-links-${series.id}`, headingId,
      (box) => loadSeriesLinks(box, series.id, this.onUnauthorized));
    const people = disclosure(t('organize.invite_by_email'), `group-invitees-${series.id}`, headingId,
      (box) => loadInvitees(box, 'series', series.id, this.onUnauthorized));
    const meetingsId = `group-meetings-${series.id}`;
    body.replaceChildren(
      make('div', { className: 'session-head' }, [
        make('h2', { className: 'session-title', text: series.title, attrs: { id: headingId } }),
        make('span', { className: 'badges' }, next ? [] : [make('span', { className: 'badge', text: t('organize.badge.ended') })]),
      ]),
      ...lines,
      make('div', { className: 'row session-actions' }, next ? [links.button, people.button] : [links.button]),
      links.box,
      people.box,
      make('h3', { className: 'meetings-heading', text: t('organize.meetings'), attrs: { id: meetingsId } }),
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
    if (meeting.title !== detail.series.title) row.append(make('p', { className: 'small', text: t('organize.group.titled', { title: meeting.title }) }));
    if (meeting.cancelled || meeting.ended) return row;

    const refresh = (/** @type {string} */ text) => this.refresh(body, detail.series.id, meeting.id, status, text);
    const confirmSlot = make('div');
    const editId = `group-edit-${meeting.id}`;
    const edit = make('div', { className: 'edit-slot', attrs: { id: editId } });
    const change = make('button', {
      text: t('organize.session.change'),
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
        onSaved: (changed) => refresh(t('organize.group.meeting_changed', { day, when: whenText(changed, this.timeZone) })),
        onClose: () => {
          change.setAttribute('aria-expanded', 'false');
          change.focus();
        },
        onUnauthorized: this.onUnauthorized,
      });
    });
    const cancel = make('button', {
      text: t('organize.session.cancel_meeting'),
      className: 'danger small-button',
      attrs: { type: 'button', 'aria-describedby': whenId },
    });
    cancel.addEventListener('click', async () => {
      say(status, '');
      const question = t('organize.group.cancel_question', { day });
      if (!await confirmInline(confirmSlot, question, t('organize.session.cancel_meeting_yes'))) return;
      try {
        await api.cancelSession(meeting.id);
        await refresh(t('organize.group.meeting_cancelled', { day }));
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

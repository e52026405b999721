// The organizer's sessions, upcoming and past, in two tabs. Each session
// shows when it is (in the organizer's time zone), its size and facilitators,
// the group it belongs to, and opens its links and calendar file, a form to
// change it, or is cancelled after a question. The groups are
// series-list.js's; the form that changes a session, session-editor.js's.

import * as api from './api.js';
import { byId, make, show } from '../shared/dom.js';
import { t, tn } from '../shared/i18n.js';
import { openEditor } from './session-editor.js';
import { loadLinks, loadSeriesLinks, meetingLinksNote } from './links.js';
import { loadSummary } from './past-summary.js';
import { loadInvitees } from './invitees.js';
import { durationText, elsewhere, meetsText, sessionWhen, whenText } from './times.js';
import { confirmInline, disclosure, errorMessage, say } from './page-parts.js';

/** @typedef {import('./api.js').SessionView} SessionView */
/** @typedef {import('./api.js').SeriesView} SeriesView */
/** @typedef {'upcoming' | 'past'} When */

export class SessionList {
  /**
   * @param {HTMLElement} message the page's live message line
   * @param {(error: unknown) => void} onUnauthorized
   */
  constructor(message, onUnauthorized) {
    this.message = message;
    this.onUnauthorized = onUnauthorized;
    this.timeZone = 'UTC';
    /** @type {When} */
    this.current = 'upcoming';
    this.lists = { upcoming: byId('upcoming-list', HTMLUListElement), past: byId('past-list', HTMLUListElement) };
    this.empty = { upcoming: byId('upcoming-empty', HTMLParagraphElement), past: byId('past-empty', HTMLParagraphElement) };
    /** The groups, to say which one a meeting is part of. @type {Map<string, SeriesView>} */
    this.groups = new Map();
  }

  /**
   * Loads a tab's sessions (the tabs themselves are schedule-tabs.js').
   * @param {When} when
   */
  async select(when) {
    this.current = when;
    await this.load();
  }

  /** Reloads the current tab. */
  async load() {
    const when = this.current;
    try {
      const [sessions, groups] = await Promise.all([api.listSessions(when), api.listSeries()]);
      if (when !== this.current) return;
      this.groups = new Map(groups.map((group) => [group.id, group]));
      this.lists[when].replaceChildren(...sessions.map((session) => this.item(session, when)));
      show(this.empty[when], sessions.length === 0);
    } catch (error) {
      if (error instanceof api.ApiError && error.status === 401) this.onUnauthorized(error);
      else say(this.message, errorMessage(error), 'error');
    }
  }

  /**
   * One session in the list.
   * @param {SessionView} session
   * @param {When} when
   */
  item(session, when) {
    const { day, time } = sessionWhen(session, this.timeZone);
    const titleId = `session-${session.id}`;
    const heading = make('h2', { className: 'session-title', text: session.title, attrs: { id: titleId } });
    const badges = make('span', { className: 'badges' });
    if (session.cancelled) badges.append(make('span', { className: 'badge badge-cancelled', text: t('organize.badge.cancelled') }));
    else if (session.ended) badges.append(make('span', { className: 'badge', text: t('organize.badge.ended') }));
    const details = [
      durationText(session.duration_minutes),
      tn('organize.session.up_to', session.capacity),
      tn('organize.session.opens', session.opens_minutes_before),
    ];
    if (session.agenda.length > 0) details.push(tn('organize.session.segments', session.agenda.length));
    if (session.e2ee !== 'off') details.push(t(`organize.session.e2ee_${session.e2ee}`));
    const lines = [
      make('p', { className: 'session-when' }, [
        make('time', { className: 'session-day', text: day, attrs: { datetime: session.starts_at } }),
        make('span', { className: 'session-time', text: time }),
      ]),
      make('p', { className: 'muted small', text: details.join(' · ') }),
    ];
    if (session.time_zone !== this.timeZone) lines.push(make('p', { className: 'muted small', text: `${elsewhere(session)}.` }));
    if (session.facilitators.length > 0) {
      lines.push(make('p', { className: 'small', text: t('organize.session.facilitators', { names: session.facilitators.join(', ') }) }));
    }
    const meeting = session.series_id !== null;
    if (session.series_id !== null) {
      const group = this.groups.get(session.series_id);
      lines.push(make('p', {
        className: 'small series-note',
        text: group ? t('organize.session.part_of', { title: group.title, every: meetsText(group) }) : t('organize.session.part_of_a_group'),
      }));
    }
    const confirmSlot = make('div');
    const editId = `edit-slot-${session.id}`;
    const edit = make('div', { className: 'edit-slot', attrs: { id: editId } });
    const actions = make('div', { className: 'row session-actions' });
    /** @type {HTMLElement[]} */
    const boxes = [];
    if (!session.cancelled) {
      // A meeting of a group has no links of its own: the group's open it.
      const links = session.series_id === null
        ? disclosure(t('organize.session.links'), `links-${session.id}`, titleId, (box) => loadLinks(box, session, this.onUnauthorized))
        : disclosure(t('organize.session.group_links'), `links-${session.id}`, titleId,
          (box) => loadSeriesLinks(box, /** @type {string} */ (session.series_id), this.onUnauthorized, meetingLinksNote()));
      actions.append(links.button);
      boxes.push(links.box);
    }
    // A group's meetings are invited to through the group.
    if (when === 'upcoming' && !session.cancelled && !session.ended && !meeting) {
      const people = disclosure(t('organize.invite_by_email'), `invitees-${session.id}`, titleId,
        (box) => loadInvitees(box, 'sessions', session.id, this.onUnauthorized));
      actions.append(people.button);
      boxes.push(people.box);
    }
    if (when === 'past' && !session.cancelled) {
      const summary = disclosure(t('organize.session.summary'), `summary-${session.id}`, titleId,
        (box) => loadSummary(box, session.id, this.onUnauthorized));
      summary.box.classList.add('summary');
      actions.append(summary.button);
      boxes.push(summary.box);
    }
    if (when === 'upcoming' && !session.cancelled && !session.ended) {
      const change = make('button', {
        text: t('organize.session.change'),
        className: 'small-button',
        attrs: { type: 'button', 'aria-expanded': 'false', 'aria-controls': editId, 'aria-describedby': titleId },
      });
      change.addEventListener('click', () => {
        const open = change.getAttribute('aria-expanded') !== 'true';
        change.setAttribute('aria-expanded', String(open));
        if (!open) {
          edit.replaceChildren();
          return;
        }
        openEditor(edit, session, {
          onSaved: (changed) => this.changed(changed),
          onClose: () => {
            change.setAttribute('aria-expanded', 'false');
            change.focus();
          },
          onUnauthorized: this.onUnauthorized,
        });
      });
      const cancel = make('button', {
        text: meeting ? t('organize.session.cancel_meeting') : t('organize.session.cancel_session'),
        className: 'danger small-button',
        attrs: { type: 'button', 'aria-describedby': titleId },
      });
      cancel.addEventListener('click', async () => {
        const question = meeting
          ? t('organize.session.cancel_meeting_question', { title: session.title, day })
          : t('organize.session.cancel_session_question', { title: session.title, day });
        const yes = meeting ? t('organize.session.cancel_meeting_yes') : t('organize.session.cancel_session_yes');
        if (await confirmInline(confirmSlot, question, yes)) await this.cancel(session);
      });
      actions.append(change, cancel);
    }

    return make('li', { className: 'session', attrs: { 'data-session': session.id, tabindex: '-1' } }, [
      make('div', { className: 'session-head' }, [heading, badges]),
      ...lines,
      actions,
      confirmSlot,
      edit,
      ...boxes,
    ]);
  }

  /**
   * After a session was changed: says so, shows the list again (in its new
   * order) and puts focus on the session.
   * @param {SessionView} session as it is now
   */
  async changed(session) {
    // The list first, then the news: whoever reads "was changed" finds it changed.
    await this.load();
    say(this.message, t('organize.session.changed', { title: session.title, when: whenText(session, this.timeZone) }), 'ok');
    const item = this.lists[this.current].querySelector(`[data-session="${CSS.escape(session.id)}"]`);
    if (item instanceof HTMLElement) item.focus();
  }

  /** @param {SessionView} session */
  async cancel(session) {
    try {
      await api.cancelSession(session.id);
      say(this.message, t('organize.session.cancelled', { title: session.title }), 'ok');
      await this.load();
      this.message.focus();
    } catch (error) {
      if (error instanceof api.ApiError && error.status === 401) this.onUnauthorized(error);
      else say(this.message, errorMessage(error), 'error');
    }
  }
}

// The organizer's sessions, upcoming and past, in two tabs. Each session
// shows when it is (in the organizer's time zone), its size and facilitators,
// and opens its links and calendar file, or is cancelled after a question.

import * as api from './api.js';
import { byId, make, show } from './dom.js';
import { loadLinks } from './organize-links.js';
import { loadSummary } from './organize-summary.js';
import { durationText, sessionWhen } from './organize-time.js';
import { confirmInline, errorMessage, say } from './organize-ui.js';

/** @typedef {import('./api.js').SessionView} SessionView */
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
    this.tabs = { upcoming: byId('tab-upcoming', HTMLButtonElement), past: byId('tab-past', HTMLButtonElement) };
    this.panels = { upcoming: byId('upcoming-panel', HTMLDivElement), past: byId('past-panel', HTMLDivElement) };
    this.lists = { upcoming: byId('upcoming-list', HTMLUListElement), past: byId('past-list', HTMLUListElement) };
    this.empty = { upcoming: byId('upcoming-empty', HTMLParagraphElement), past: byId('past-empty', HTMLParagraphElement) };
    for (const when of /** @type {When[]} */ (['upcoming', 'past'])) {
      this.tabs[when].addEventListener('click', () => void this.select(when));
      // Arrow keys move between tabs, as in any tab list.
      this.tabs[when].addEventListener('keydown', (event) => {
        if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
        const other = when === 'upcoming' ? 'past' : 'upcoming';
        this.tabs[other].focus();
        void this.select(other);
      });
    }
  }

  /**
   * Shows a tab and loads its sessions.
   * @param {When} when
   */
  async select(when) {
    if (when !== this.current) say(this.message, '');
    this.current = when;
    for (const tab of /** @type {When[]} */ (['upcoming', 'past'])) {
      this.tabs[tab].setAttribute('aria-selected', String(tab === when));
      this.tabs[tab].tabIndex = tab === when ? 0 : -1;
      show(this.panels[tab], tab === when);
    }
    await this.load();
  }

  /** Reloads the current tab. */
  async load() {
    const when = this.current;
    try {
      const sessions = await api.listSessions(when);
      if (when !== this.current) return;
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
    const heading = make('h3', { className: 'session-title', text: session.title, attrs: { id: titleId } });
    const badges = make('span', { className: 'badges' });
    if (session.cancelled) badges.append(make('span', { className: 'badge badge-cancelled', text: 'Cancelled' }));
    else if (session.ended) badges.append(make('span', { className: 'badge', text: 'Ended' }));
    const details = [
      durationText(session.duration_minutes),
      `up to ${session.capacity} people`,
      `waiting room opens ${session.opens_minutes_before} minutes before`,
    ];
    if (session.agenda.length > 0) details.push(`${session.agenda.length} agenda ${session.agenda.length === 1 ? 'segment' : 'segments'}`);
    const lines = [
      make('p', { className: 'session-when' }, [
        make('time', { className: 'session-day', text: day, attrs: { datetime: session.starts_at } }),
        make('span', { className: 'session-time', text: time }),
      ]),
      make('p', { className: 'muted small', text: details.join(' · ') }),
    ];
    if (session.time_zone !== this.timeZone) lines.push(make('p', { className: 'muted small', text: `${elsewhere(session)}.` }));
    if (session.facilitators.length > 0) {
      lines.push(make('p', { className: 'small', text: `Facilitators: ${session.facilitators.join(', ')}` }));
    }
    const confirmSlot = make('div');
    const actions = make('div', { className: 'row session-actions' });
    /** @type {HTMLElement[]} */
    const boxes = [];
    if (!session.cancelled) {
      const links = disclosure('Links and calendar', `links-${session.id}`, titleId,
        (box) => loadLinks(box, session.id, this.onUnauthorized));
      actions.append(links.button);
      boxes.push(links.box);
    }
    if (when === 'past' && !session.cancelled) {
      const summary = disclosure('Summary', `summary-${session.id}`, titleId,
        (box) => loadSummary(box, session.id, this.onUnauthorized));
      summary.box.classList.add('summary');
      actions.append(summary.button);
      boxes.push(summary.box);
    }
    if (when === 'upcoming' && !session.cancelled) {
      const cancel = make('button', {
        text: 'Cancel session',
        className: 'danger small-button',
        attrs: { type: 'button', 'aria-describedby': titleId },
      });
      cancel.addEventListener('click', async () => {
        const question = `Cancel “${session.title}” on ${day}? Its links stop working, and this cannot be undone.`;
        if (await confirmInline(confirmSlot, question, 'Cancel the session')) await this.cancel(session);
      });
      actions.append(cancel);
    }

    return make('li', { className: 'session', attrs: { 'data-session': session.id } }, [
      make('div', { className: 'session-head' }, [heading, badges]),
      ...lines,
      actions,
      confirmSlot,
      ...boxes,
    ]);
  }

  /** @param {SessionView} session */
  async cancel(session) {
    try {
      await api.cancelSession(session.id);
      say(this.message, `“${session.title}” was cancelled.`, 'ok');
      await this.load();
      this.message.focus();
    } catch (error) {
      if (error instanceof api.ApiError && error.status === 401) this.onUnauthorized(error);
      else say(this.message, errorMessage(error), 'error');
    }
  }
}

/**
 * "Tuesday, 1 December 2026, 18:00 to 19:00 EST" for a session just made.
 * @param {SessionView} session
 * @param {string} timeZone
 */
export function whenText(session, timeZone) {
  const { day, time } = sessionWhen(session, timeZone);
  return session.time_zone === timeZone ? `${day}, ${time}` : `${day}, ${time} (${elsewhere(session)})`;
}

/**
 * When a session is on its own zone's clock, for one set somewhere else.
 * @param {SessionView} session
 */
function elsewhere(session) {
  const { day, time } = sessionWhen(session, session.time_zone);
  return `In ${session.time_zone.replaceAll('_', ' ')}: ${day}, ${time}`;
}

/**
 * A button that shows and hides a box, loading what goes in it on each opening.
 * @param {string} text
 * @param {string} id the box's id
 * @param {string} describedBy the session title's id, so "Summary" says whose
 * @param {(box: HTMLDivElement) => Promise<void>} load
 */
function disclosure(text, id, describedBy, load) {
  const box = make('div', { className: 'links', attrs: { id } });
  show(box, false);
  const button = make('button', {
    text,
    className: 'small-button',
    attrs: { type: 'button', 'aria-expanded': 'false', 'aria-controls': id, 'aria-describedby': describedBy },
  });
  button.addEventListener('click', () => {
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    show(box, open);
    if (open) void load(box);
  });
  return { button, box };
}

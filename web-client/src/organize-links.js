// A session's or a series' links: participant and facilitator, each with
// Copy, "Make a new link" and Revoke, and the calendar file (a series': its
// feed). The links carry their token in the #fragment, so they are shown in
// full only to their organizer.

import * as api from './api.js';
import { make, show } from './dom.js';
import { confirmInline, copyText, errorMessage, say } from './organize-ui.js';

/** @typedef {import('./api.js').Links} Links */
/** @typedef {import('./api.js').LinkRole} LinkRole */

const LABELS = { participant: 'Participant link', facilitator: 'Facilitator link' };

/**
 * Whose links they are, and what changes them.
 * @typedef {object} LinkSource
 * @property {string} id the session's or the series' id
 * @property {Record<LinkRole, string>} hints what each link is for
 * @property {(role: LinkRole) => Promise<Links>} regenerate
 * @property {(role: LinkRole) => Promise<Links>} revoke
 * @property {{url: string, label: string, hint: string, file: string}} calendar
 * @property {string} [note] a line above the links
 */

/**
 * A single session's links and calendar file.
 * @param {string} id
 * @returns {LinkSource}
 */
export function sessionLinkSource(id) {
  return {
    id,
    hints: {
      participant: 'Send this to the group. Everyone uses the same link.',
      facilitator: 'Only for the facilitators: it lets them admit people and run the session.',
    },
    regenerate: (role) => api.regenerateLink(id, role),
    revoke: (role) => api.revokeLink(id, role),
    calendar: {
      url: api.calendarUrl(id),
      label: 'Download calendar file',
      hint: 'An .ics file with the time and the participant link, for a calendar or an invitation.',
      file: 'session.ics',
    },
  };
}

/**
 * A series' links, which open whichever of its meetings is on, and its feed.
 * @param {string} id
 * @returns {LinkSource}
 */
export function seriesLinkSource(id) {
  return {
    id,
    hints: {
      participant: 'Send this to the group once: the same link opens every meeting.',
      facilitator: 'Only for the facilitators: it lets them admit people and run every meeting.',
    },
    regenerate: async (role) => (await api.regenerateSeriesLink(id, role)).links,
    revoke: async (role) => (await api.revokeSeriesLink(id, role)).links,
    calendar: {
      url: api.seriesCalendarUrl(id),
      label: 'Download calendar feed',
      hint: 'One repeating .ics entry for every meeting, with the participant link: cancelled meetings are left out, moved ones shown at their new time.',
      file: 'series.ics',
    },
  };
}

/**
 * Draws the links into `container`, and redraws after each change.
 * @param {HTMLElement} container
 * @param {LinkSource} source
 * @param {Links} links
 * @param {(error: unknown) => void} onUnauthorized called when the login has ended
 */
export function renderLinks(container, source, links, onUnauthorized) {
  const message = make('p', { className: 'notice small', attrs: { role: 'status', 'aria-live': 'polite' } });
  show(message, false);

  /**
   * Makes a change, redraws, and puts focus back in the same row.
   * @param {LinkRole} role
   * @param {Promise<Links>} change
   * @param {string} done what to say once it is done
   */
  const apply = async (role, change, done) => {
    try {
      const next = await change;
      renderLinks(container, source, next, onUnauthorized);
      const fresh = container.querySelector('[role="status"]');
      if (fresh instanceof HTMLElement) say(fresh, done, 'ok');
      const again = container.querySelector(`[data-role="${role}"] button`);
      if (again instanceof HTMLElement) again.focus();
    } catch (error) {
      if (error instanceof api.ApiError && error.status === 401) onUnauthorized(error);
      else say(message, errorMessage(error), 'error');
    }
  };

  const rows = /** @type {LinkRole[]} */ (['participant', 'facilitator']).map((role) => {
    const url = links[role];
    // Ids from the container: the same links can show twice (just made, and in the list).
    const id = `${container.id || `links-${source.id}`}-${role}`;
    const confirmSlot = make('div');
    const newLink = make('button', { text: 'Make a new link', className: 'small-button', attrs: { type: 'button' } });
    newLink.addEventListener('click', async () => {
      const sure = !url || await confirmInline(confirmSlot,
        `Make a new ${role} link? The current one stops working at once, so send the new one to everyone who needs it.`,
        'Make a new link');
      if (sure) await apply(role, source.regenerate(role), `A new ${role} link is ready.`);
    });
    const actions = [newLink];
    /** @type {HTMLElement[]} */
    const body = [];
    if (url) {
      const field = make('input', {
        className: 'link-text',
        attrs: { id, type: 'text', readonly: '', spellcheck: 'false', 'aria-describedby': `${id}-hint` },
      });
      field.value = url;
      field.addEventListener('focus', () => field.select());
      const copy = make('button', { text: 'Copy', className: 'primary small-button', attrs: { type: 'button', 'data-copy': role } });
      copy.addEventListener('click', async () => {
        const copied = await copyText(url, field);
        say(message, copied ? `${LABELS[role]} copied.` : 'The link is selected: copy it with Ctrl+C (or ⌘C).', 'ok');
      });
      body.push(make('div', { className: 'link-field' }, [field, copy]));
      const revoke = make('button', { text: 'Revoke', className: 'danger small-button', attrs: { type: 'button' } });
      revoke.addEventListener('click', async () => {
        const sure = await confirmInline(confirmSlot,
          `Revoke the ${role} link? It stops working at once, for everyone who has it.`, 'Revoke link');
        if (sure) await apply(role, source.revoke(role), `The ${role} link was revoked.`);
      });
      actions.push(revoke);
    } else {
      body.push(make('p', { className: 'muted revoked', text: 'Revoked: this link no longer works.' }));
    }
    return make('div', { className: 'link-row', attrs: { 'data-role': role } }, [
      make(url ? 'label' : 'p', { className: 'link-label', text: LABELS[role], attrs: url ? { for: id } : {} }),
      make('p', { className: 'hint', text: source.hints[role], attrs: { id: `${id}-hint` } }),
      ...body,
      make('div', { className: 'row link-actions' }, actions),
      confirmSlot,
    ]);
  });

  const calendar = make('a', {
    text: source.calendar.label,
    className: 'button-link',
    attrs: { href: source.calendar.url, download: source.calendar.file },
  });
  const calendarRow = make('div', { className: 'link-row' }, [
    make('p', { className: 'link-label', text: 'Calendar' }),
    make('p', { className: 'hint', text: source.calendar.hint }),
    calendar,
  ]);
  const note = source.note ? [make('p', { className: 'hint links-note', text: source.note })] : [];
  container.replaceChildren(...note, ...rows, calendarRow, message);
}

/**
 * Loads a session's links and draws them.
 * @param {HTMLElement} container
 * @param {string} sessionId
 * @param {(error: unknown) => void} onUnauthorized
 */
export async function loadLinks(container, sessionId, onUnauthorized) {
  container.replaceChildren(make('p', { className: 'muted', text: 'Loading the links…' }));
  try {
    renderLinks(container, sessionLinkSource(sessionId), await api.sessionLinks(sessionId), onUnauthorized);
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) onUnauthorized(error);
    else container.replaceChildren(make('p', { className: 'notice notice-error', text: errorMessage(error) }));
  }
}

/** What a meeting's "Links" say: it has none of its own. */
export const MEETING_LINKS_NOTE = 'A meeting of a group has no links of its own: the group\'s links open whichever of its meetings is on.';

/**
 * Loads a series' links and draws them.
 * @param {HTMLElement} container
 * @param {string} seriesId
 * @param {(error: unknown) => void} onUnauthorized
 * @param {string} [note] a line above them
 */
export async function loadSeriesLinks(container, seriesId, onUnauthorized, note) {
  container.replaceChildren(make('p', { className: 'muted', text: 'Loading the group\'s links…' }));
  try {
    const { links } = await api.readSeries(seriesId);
    renderLinks(container, { ...seriesLinkSource(seriesId), note }, links, onUnauthorized);
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) onUnauthorized(error);
    else container.replaceChildren(make('p', { className: 'notice notice-error', text: errorMessage(error) }));
  }
}

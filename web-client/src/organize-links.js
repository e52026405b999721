// A session's links: participant and facilitator, each with Copy, "Make a
// new link" and Revoke, and the calendar file. The links carry their token
// in the #fragment, so they are shown in full only to their organizer.

import * as api from './api.js';
import { make, show } from './dom.js';
import { confirmInline, copyText, errorMessage, say } from './organize-ui.js';

/** @typedef {import('./api.js').Links} Links */
/** @typedef {import('./api.js').LinkRole} LinkRole */

const ROLES = /** @type {const} */ ({
  participant: {
    label: 'Participant link',
    hint: 'Send this to the group. Everyone uses the same link.',
  },
  facilitator: {
    label: 'Facilitator link',
    hint: 'Only for the facilitators: it lets them admit people and run the session.',
  },
});

/**
 * Draws a session's links into `container`, and redraws after each change.
 * @param {HTMLElement} container
 * @param {string} sessionId
 * @param {Links} links
 * @param {(error: unknown) => void} onUnauthorized called when the login has ended
 */
export function renderLinks(container, sessionId, links, onUnauthorized) {
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
      renderLinks(container, sessionId, next, onUnauthorized);
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
    // Ids from the container: the same session's links can show twice (just made, and in the list).
    const id = `${container.id || `links-${sessionId}`}-${role}`;
    const confirmSlot = make('div');
    const newLink = make('button', { text: 'Make a new link', className: 'small-button', attrs: { type: 'button' } });
    newLink.addEventListener('click', async () => {
      const sure = !url || await confirmInline(confirmSlot,
        `Make a new ${role} link? The current one stops working at once, so send the new one to everyone who needs it.`,
        'Make a new link');
      if (sure) await apply(role, api.regenerateLink(sessionId, role), `A new ${role} link is ready.`);
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
        say(message, copied ? `${ROLES[role].label} copied.` : 'The link is selected: copy it with Ctrl+C (or ⌘C).', 'ok');
      });
      body.push(make('div', { className: 'link-field' }, [field, copy]));
      const revoke = make('button', { text: 'Revoke', className: 'danger small-button', attrs: { type: 'button' } });
      revoke.addEventListener('click', async () => {
        const sure = await confirmInline(confirmSlot,
          `Revoke the ${role} link? It stops working at once, for everyone who has it.`, 'Revoke link');
        if (sure) await apply(role, api.revokeLink(sessionId, role), `The ${role} link was revoked.`);
      });
      actions.push(revoke);
    } else {
      body.push(make('p', { className: 'muted revoked', text: 'Revoked: this link no longer works.' }));
    }
    return make('div', { className: 'link-row', attrs: { 'data-role': role } }, [
      make(url ? 'label' : 'p', { className: 'link-label', text: ROLES[role].label, attrs: url ? { for: id } : {} }),
      make('p', { className: 'hint', text: ROLES[role].hint, attrs: { id: `${id}-hint` } }),
      ...body,
      make('div', { className: 'row link-actions' }, actions),
      confirmSlot,
    ]);
  });

  const calendar = make('a', {
    text: 'Download calendar file',
    className: 'button-link',
    attrs: { href: api.calendarUrl(sessionId), download: 'session.ics' },
  });
  const calendarRow = make('div', { className: 'link-row' }, [
    make('p', { className: 'link-label', text: 'Calendar' }),
    make('p', { className: 'hint', text: 'An .ics file with the time and the participant link, for a calendar or an invitation.' }),
    calendar,
  ]);
  container.replaceChildren(...rows, calendarRow, message);
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
    renderLinks(container, sessionId, await api.sessionLinks(sessionId), onUnauthorized);
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) onUnauthorized(error);
    else container.replaceChildren(make('p', { className: 'notice notice-error', text: errorMessage(error) }));
  }
}

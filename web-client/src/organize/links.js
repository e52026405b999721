// A session's or a series' links: first the invitation to send the group
// (its text with the time and the participant link, "Copy invitation", and
// the calendar file named after the group), then the participant link to
// share, then the host link, marked "do not share" and drawn apart so that
// it is never pasted by mistake; each link with Copy, "Make a new link" and
// Revoke, and each Copy's confirmation beside it. The links carry their
// token in the #fragment, so they are shown in full only to their organizer.
// It draws them wherever it is asked to and keeps no list of sessions.

import * as api from './api.js';
import { make, show } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { confirmInline, copyText, errorMessage, say } from './page-parts.js';
import { durationText, meetsText, whenText } from './times.js';

/** @typedef {import('./api.js').Links} Links */
/** @typedef {import('./api.js').LinkRole} LinkRole */
/** @typedef {import('./api.js').SessionView} SessionView */
/** @typedef {import('./api.js').SeriesDetail} SeriesDetail */

/**
 * The words that name a role's link, one key each (strings-organize.js).
 * @type {Record<LinkRole, Record<'label' | 'newQuestion' | 'newDone' | 'copied' | 'revokeQuestion' | 'revoked', string>>}
 */
const WORDS = {
  participant: {
    label: 'organize.links.participant',
    newQuestion: 'organize.links.new_participant_question',
    newDone: 'organize.links.new_participant_done',
    copied: 'organize.links.copied_participant',
    revokeQuestion: 'organize.links.revoke_participant_question',
    revoked: 'organize.links.revoked_participant',
  },
  facilitator: {
    label: 'organize.links.facilitator',
    newQuestion: 'organize.links.new_facilitator_question',
    newDone: 'organize.links.new_facilitator_done',
    copied: 'organize.links.copied_facilitator',
    revokeQuestion: 'organize.links.revoke_facilitator_question',
    revoked: 'organize.links.revoked_facilitator',
  },
};

/**
 * Whose links they are, and what changes them.
 * @typedef {object} LinkSource
 * @property {string} id the session's or the series' id
 * @property {Record<LinkRole, string>} hints what each link is for
 * @property {(role: LinkRole) => Promise<Links>} regenerate
 * @property {(role: LinkRole) => Promise<Links>} revoke
 * @property {{url: string, label: string, hint: string}} calendar
 * @property {((participantLink: string) => string) | null} invitation the text to send the group
 * @property {string} [note] a line above the links
 */

/**
 * A single session's links, its invitation and calendar file.
 * @param {SessionView} session
 * @returns {LinkSource}
 */
export function sessionLinkSource(session) {
  const { id } = session;
  return {
    id,
    hints: {
      participant: t('organize.links.session_participant_hint'),
      facilitator: t('organize.links.session_facilitator_hint'),
    },
    regenerate: (role) => api.regenerateLink(id, role),
    revoke: (role) => api.revokeLink(id, role),
    calendar: {
      url: api.calendarUrl(id),
      label: t('organize.links.calendar_file'),
      hint: t('organize.links.calendar_file_hint'),
    },
    invitation: (link) => t('organize.invite.session', {
      title: session.title, when: whenText(session, session.time_zone), link, opens: durationText(session.opens_minutes_before),
    }),
  };
}

/**
 * A series' links, which open whichever of its meetings is on, its
 * invitation (naming its next meeting) and its feed.
 * @param {SeriesDetail} detail
 * @returns {LinkSource}
 */
export function seriesLinkSource(detail) {
  const { id } = detail.series;
  const next = detail.occurrences.find((meeting) => !meeting.cancelled && !meeting.ended);
  return {
    id,
    hints: {
      participant: t('organize.links.series_participant_hint'),
      facilitator: t('organize.links.series_facilitator_hint'),
    },
    regenerate: async (role) => (await api.regenerateSeriesLink(id, role)).links,
    revoke: async (role) => (await api.revokeSeriesLink(id, role)).links,
    calendar: {
      url: api.seriesCalendarUrl(id),
      label: t('organize.links.calendar_feed'),
      hint: t('organize.links.calendar_feed_hint'),
    },
    invitation: next ? (link) => t('organize.invite.group', {
      title: detail.series.title, rule: meetsText(detail.series), when: whenText(next, next.time_zone), link,
    }) : null,
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

  /**
   * A Copy button with its confirmation right beside it.
   * @param {string} text what it copies
   * @param {HTMLInputElement | HTMLTextAreaElement} field what shows it, selected if the browser refuses
   * @param {string} label
   * @param {string} copied what it says once done
   * @param {Record<string, string>} attrs
   */
  const copier = (text, field, label, copied, attrs) => {
    const button = make('button', { text: label, className: 'primary small-button', attrs: { type: 'button', ...attrs } });
    const said = make('span', { className: 'copied', attrs: { role: 'status' } });
    button.addEventListener('click', async () => {
      said.textContent = (await copyText(text, field)) ? copied : t('organize.links.select_to_copy');
    });
    return [button, said];
  };

  const rows = /** @type {LinkRole[]} */ (['participant', 'facilitator']).map((role) => {
    const url = links[role];
    // Ids from the container: the same links can show twice (just made, and in the list).
    const id = `${container.id || `links-${source.id}`}-${role}`;
    const confirmSlot = make('div');
    const words = WORDS[role];
    const newLink = make('button', { text: t('organize.links.new'), className: 'small-button', attrs: { type: 'button' } });
    newLink.addEventListener('click', async () => {
      const sure = !url || await confirmInline(confirmSlot, t(words.newQuestion), t('organize.links.new'));
      if (sure) await apply(role, source.regenerate(role), t(words.newDone));
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
      body.push(make('div', { className: 'link-field' }, [field, ...copier(url, field, t('organize.links.copy'), t(words.copied), { 'data-copy': role })]));
      const revoke = make('button', { text: t('organize.links.revoke'), className: 'danger small-button', attrs: { type: 'button' } });
      revoke.addEventListener('click', async () => {
        const sure = await confirmInline(confirmSlot, t(words.revokeQuestion), t('organize.links.revoke_yes'));
        if (sure) await apply(role, source.revoke(role), t(words.revoked));
      });
      actions.push(revoke);
    } else {
      body.push(make('p', { className: 'muted revoked', text: t('organize.links.revoked') }));
    }
    // The host link has a look of its own: pasting it for the group would hand a stranger the session.
    const host = role === 'facilitator';
    return make('div', { className: host ? 'link-row link-row-host' : 'link-row', attrs: { 'data-role': role } }, [
      make(url ? 'label' : 'p', { className: 'link-label', text: t(words.label), attrs: url ? { for: id } : {} }),
      make('p', { className: 'hint', text: source.hints[role], attrs: { id: `${id}-hint` } }),
      ...body,
      make('div', { className: 'row link-actions' }, actions),
      confirmSlot,
    ]);
  });

  // The calendar file, named after the group by the server (an empty `download` keeps its name).
  const calendar = make('a', {
    text: source.calendar.label,
    className: 'button-link',
    attrs: { href: source.calendar.url, download: '' },
  });
  /** @type {HTMLElement[]} */
  const invitation = [];
  const participantLink = links.participant;
  if (source.invitation && participantLink) {
    const textId = `${container.id || `links-${source.id}`}-invitation`;
    const text = source.invitation(participantLink);
    const preview = make('textarea', { className: 'invitation-text', attrs: { id: textId, readonly: '', rows: '7', 'aria-describedby': `${textId}-hint` } });
    preview.value = text;
    invitation.push(make('div', { className: 'link-row link-row-invitation', attrs: { 'data-role': 'invitation' } }, [
      make('label', { className: 'link-label', text: t('organize.invite.heading'), attrs: { for: textId } }),
      make('p', { className: 'hint', text: t('organize.invite.hint'), attrs: { id: `${textId}-hint` } }),
      preview,
      make('div', { className: 'row link-actions' }, [
        ...copier(text, preview, t('organize.invite.copy'), t('organize.invite.copied'), { 'data-copy': 'invitation' }),
      ]),
    ]));
  }
  const calendarRow = make('div', { className: 'link-row' }, [
    make('p', { className: 'link-label', text: t('organize.links.calendar') }),
    make('p', { className: 'hint', text: source.calendar.hint }),
    calendar,
  ]);
  const note = source.note ? [make('p', { className: 'hint links-note', text: source.note })] : [];
  container.replaceChildren(...note, ...invitation, calendarRow, ...rows, message);
}

/**
 * Loads a session's links and draws them.
 * @param {HTMLElement} container
 * @param {SessionView} session
 * @param {(error: unknown) => void} onUnauthorized
 */
export async function loadLinks(container, session, onUnauthorized) {
  container.replaceChildren(make('p', { className: 'muted', text: t('organize.links.loading') }));
  try {
    renderLinks(container, sessionLinkSource(session), await api.sessionLinks(session.id), onUnauthorized);
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) onUnauthorized(error);
    else container.replaceChildren(make('p', { className: 'notice notice-error', text: errorMessage(error) }));
  }
}

/** What a meeting's "Links" say: it has none of its own. */
export const meetingLinksNote = () => t('organize.links.meeting_note');

/**
 * Loads a series' links and draws them.
 * @param {HTMLElement} container
 * @param {string} seriesId
 * @param {(error: unknown) => void} onUnauthorized
 * @param {string} [note] a line above them
 */
export async function loadSeriesLinks(container, seriesId, onUnauthorized, note) {
  container.replaceChildren(make('p', { className: 'muted', text: t('organize.links.loading_group') }));
  try {
    const detail = await api.readSeries(seriesId);
    renderLinks(container, { ...seriesLinkSource(detail), note }, detail.links, onUnauthorized);
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) onUnauthorized(error);
    else container.replaceChildren(make('p', { className: 'notice notice-error', text: errorMessage(error) }));
  }
}

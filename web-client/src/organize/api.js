// The organizers' JSON API (server/src/api), and nothing else: no DOM here,
// so the pages can change without touching how the server is spoken to.
//
// Every call is same-origin with the login cookie (HttpOnly: script never
// sees it). Calls that change something send JSON, which the server insists
// on together with a same-site Origin: its defence against forged requests.
// The few words of its own (no answer, an answer without JSON) are in
// strings-organize.js; refusals carry the server's own message.

import { t } from '../shared/i18n.js';

/**
 * The account behind the login: an organizer's, or a peer supporter's (which
 * opens only their own requests and profile: support-api.js).
 * @typedef {{id: string, email: string, name: string, time_zone: string, role: 'organizer' | 'supporter'}} Organizer
 */
/** @typedef {'check_in' | 'sharing' | 'discussion' | 'energizer' | 'breakouts' | 'wrap_up' | 'custom'} SegmentKind */
/** @typedef {{title: string, kind: SegmentKind, minutes: number, objective?: string}} AgendaItem */

/**
 * A scheduled session as the server shows it. Times are UTC RFC 3339, but
 * `starts_at_local` is the wall-clock start in the session's own time zone.
 * @typedef {object} SessionView
 * @property {string} id
 * @property {string} title
 * @property {string} starts_at
 * @property {string} starts_at_local
 * @property {string} ends_at
 * @property {string} opens_at
 * @property {string} time_zone
 * @property {number} duration_minutes
 * @property {number} capacity
 * @property {number} opens_minutes_before
 * @property {string[]} ground_rules
 * @property {AgendaItem[]} agenda
 * @property {string[]} facilitators
 * @property {number | null} break_nudge_minutes
 * @property {number[]} warning_marks
 * @property {number[]} reminder_minutes minutes before the start at which people invited by email are reminded
 * @property {string | null} series_id
 * @property {import('../shared/messages.js').E2eePolicy} e2ee whether its media is end-to-end encrypted
 * @property {boolean} cancelled
 * @property {boolean} ended
 */

/**
 * What to schedule, or (for a change) what to change. `starts_at` is a
 * wall-clock time in `time_zone` such as `2026-12-01T18:00`.
 * @typedef {object} SessionInput
 * @property {string} [title]
 * @property {string} [starts_at]
 * @property {string} [time_zone]
 * @property {number} [duration_minutes]
 * @property {number} [capacity]
 * @property {number} [opens_minutes_before]
 * @property {string[]} [ground_rules]
 * @property {AgendaItem[]} [agenda]
 * @property {string[]} [facilitators]
 * @property {import('../shared/messages.js').E2eePolicy} [e2ee]
 */

/** A session's two links; `null` when revoked. @typedef {{facilitator: string | null, participant: string | null}} Links */
/** @typedef {'facilitator' | 'participant'} LinkRole */

/**
 * What makes a session a series: its first occurrence as a `SessionInput`,
 * and the rule. Give `count` (1 to 52) or `until` (`2027-06-30`, the last day
 * a meeting may fall on), never both.
 * @typedef {SessionInput & {every_weeks: 1 | 2, count?: number, until?: string}} SeriesInput
 */

/**
 * A recurring series as the server shows it. The rule's fields are `null`
 * only for a series made before recurrence rules were stored.
 * @typedef {object} SeriesView
 * @property {string} id
 * @property {string} title
 * @property {number | null} every_weeks
 * @property {number | null} occurrences how many meetings were scheduled
 * @property {string | null} until `YYYY-MM-DD` when made with a last date
 * @property {string | null} time_zone
 */

/**
 * A series with its meetings (each a session, in their first planned order)
 * and its links, which open whichever meeting is on.
 * @typedef {{series: SeriesView, occurrences: SessionView[], links: Links}} SeriesDetail
 */

/** A refusal from the server, or no answer at all (`status` 0). */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {string | null} field the request field at fault, when one is
   * @param {number | null} retryAfterSecs for 429: how long to wait
   */
  constructor(status, code, message, field = null, retryAfterSecs = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfterSecs = retryAfterSecs;
  }
}

/**
 * One request; the parsed JSON answer, or `null` for an empty one. Exported
 * for support-api.js, the one-on-one support part of the same API.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function call(method, path, body) {
  /** @type {RequestInit} */
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers = { ...init.headers, 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', t('organize.error.no_answer'));
  }
  const text = await response.text();
  /** @type {any} */
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page, say: reported below by its status.
  }
  if (response.ok) return json;
  const error = json?.error ?? {};
  const retry = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
  throw new ApiError(
    response.status,
    typeof error.code === 'string' ? error.code : 'http',
    typeof error.message === 'string' ? error.message : t('organize.error.answered', { status: response.status }),
    typeof error.field === 'string' ? error.field : null,
    Number.isFinite(retry) ? retry : null,
  );
}

/** @returns {Promise<Organizer>} 401 if no one is logged in */
export const me = () => call('GET', '/api/me');

/**
 * @param {string} email
 * @param {string} password
 * @returns {Promise<Organizer>}
 */
export const login = (email, password) => call('POST', '/api/login', { email, password });

/** @returns {Promise<null>} */
export const logout = () => call('POST', '/api/logout', {});

/**
 * Creates the first organizer with the one-time setup token, and logs in.
 * @param {{token: string, email: string, name: string, password: string, time_zone: string}} account
 * @returns {Promise<Organizer>}
 */
export const setup = (account) => call('POST', '/api/setup', account);

/**
 * @param {'upcoming' | 'past'} when
 * @returns {Promise<SessionView[]>}
 */
export const listSessions = (when) => call('GET', `/api/sessions?when=${when}`);

/**
 * @param {SessionInput} input
 * @returns {Promise<{session: SessionView, links: Links}>}
 */
export const createSession = (input) => call('POST', '/api/sessions', input);

/**
 * @param {string} id
 * @returns {Promise<SessionView>}
 */
export const readSession = (id) => call('GET', `/api/sessions/${encodeURIComponent(id)}`);

/**
 * Changes only what `input` names.
 * @param {string} id
 * @param {SessionInput} input
 * @returns {Promise<SessionView>}
 */
export const updateSession = (id, input) => call('PATCH', `/api/sessions/${encodeURIComponent(id)}`, input);

/**
 * @param {string} id
 * @returns {Promise<SessionView>}
 */
export const cancelSession = (id) => call('POST', `/api/sessions/${encodeURIComponent(id)}/cancel`, {});

/**
 * @param {string} id
 * @returns {Promise<Links>}
 */
export const sessionLinks = (id) => call('GET', `/api/sessions/${encodeURIComponent(id)}/links`);

/**
 * A new link for the role; the old one stops working at once.
 * @param {string} id
 * @param {LinkRole} role
 * @returns {Promise<Links>}
 */
export const regenerateLink = (id, role) => call('POST', `/api/sessions/${encodeURIComponent(id)}/links/${role}/regenerate`, {});

/**
 * @param {string} id
 * @param {LinkRole} role
 * @returns {Promise<Links>}
 */
export const revokeLink = (id, role) => call('POST', `/api/sessions/${encodeURIComponent(id)}/links/${role}/revoke`, {});

/** @typedef {'takeaway' | 'consensus' | 'outcome' | 'follow_up'} SummaryKind */
/**
 * What the facilitators captured; items carry no author.
 * @typedef {{finalized: boolean, items: {kind: SummaryKind, text: string}[]}} Summary
 */

/**
 * @param {string} id
 * @returns {Promise<Summary>}
 */
export const sessionSummary = (id) => call('GET', `/api/sessions/${encodeURIComponent(id)}/summary`);

/**
 * The summary as Markdown, for a plain download link.
 * @param {string} id
 */
export const summaryMarkdownUrl = (id) => `/api/sessions/${encodeURIComponent(id)}/summary.md`;

/**
 * The session's calendar file; the login cookie authorizes a plain link to it.
 * @param {string} id
 */
export const calendarUrl = (id) => `/api/sessions/${encodeURIComponent(id)}/calendar.ics`;

/** @returns {Promise<SeriesView[]>} newest first */
export const listSeries = () => call('GET', '/api/series');

/**
 * Schedules every meeting of a series at once.
 * @param {SeriesInput} input
 * @returns {Promise<SeriesDetail>}
 */
export const createSeries = (input) => call('POST', '/api/series', input);

/**
 * @param {string} id
 * @returns {Promise<SeriesDetail>}
 */
export const readSeries = (id) => call('GET', `/api/series/${encodeURIComponent(id)}`);

/**
 * A new series link for the role; the old one stops working at once.
 * @param {string} id
 * @param {LinkRole} role
 * @returns {Promise<SeriesDetail>}
 */
export const regenerateSeriesLink = (id, role) =>
  call('POST', `/api/series/${encodeURIComponent(id)}/links/${role}/regenerate`, {});

/**
 * @param {string} id
 * @param {LinkRole} role
 * @returns {Promise<SeriesDetail>}
 */
export const revokeSeriesLink = (id, role) => call('POST', `/api/series/${encodeURIComponent(id)}/links/${role}/revoke`, {});

/**
 * The series' calendar feed: one repeating event, cancelled meetings taken
 * out, moved ones at their new time.
 * @param {string} id
 */
export const seriesCalendarUrl = (id) => `/api/series/${encodeURIComponent(id)}/calendar.ics`;

/**
 * One message to a person invited by email.
 * @typedef {object} MailView
 * @property {'invitation' | 'reminder' | 'moved' | 'cancelled'} kind
 * @property {'queued' | 'sent' | 'failed'} status
 * @property {string} queued_at
 * @property {string | null} sent_at
 * @property {number} attempts
 * @property {string | null} failure why it failed, or why the last attempt did not go through
 */

/**
 * A person invited by email, with a link of their own (`null` once revoked).
 * @typedef {{id: string, email: string, role: LinkRole, language: 'en' | 'fr', link: string | null, revoked: boolean, mail: MailView[]}} InviteeView
 */
/** @typedef {{mail_enabled: boolean, invitees: InviteeView[]}} InviteeList */
/** @typedef {{mail_enabled: boolean, added: InviteeView[], already_invited: string[]}} InviteesAdded */
/** @typedef {{emails: string[], role: LinkRole, language: 'en' | 'fr'}} InviteesInput */

/**
 * Where a session's or a series' people invited by email live.
 * @param {'sessions' | 'series'} kind
 * @param {string} id
 */
const inviteesPath = (kind, id) => `/api/${kind}/${encodeURIComponent(id)}/invitees`;

/**
 * @param {'sessions' | 'series'} kind
 * @param {string} id
 * @returns {Promise<InviteeList>}
 */
export const listInvitees = (kind, id) => call('GET', inviteesPath(kind, id));

/**
 * Invites people by email, each with a link of their own; one bad address
 * refuses the whole list and adds no one.
 * @param {'sessions' | 'series'} kind
 * @param {string} id
 * @param {InviteesInput} input
 * @returns {Promise<InviteesAdded>}
 */
export const addInvitees = (kind, id, input) => call('POST', inviteesPath(kind, id), input);

/**
 * Takes an invitation back: the person's link stops working, nothing more is sent.
 * @param {'sessions' | 'series'} kind
 * @param {string} id
 * @param {string} invitee
 * @returns {Promise<InviteeList>}
 */
export const revokeInvitee = (kind, id, invitee) =>
  call('POST', `${inviteesPath(kind, id)}/${encodeURIComponent(invitee)}/revoke`, {});

// The support front door's JSON API (`/api/support/…`), and nothing else:
// no DOM and no words, so the page can change without touching how the
// server is spoken to, and a refusal reaches the page with its code and the
// field at fault for the page to word in the person's language.
//
// No login: the physician has no account. What proves a request is theirs is
// the token of their private link, sent in the body of a POST (never in an
// address, where it would land in logs and history). Writes send JSON, which
// the server insists on together with a same-site Origin.

/** @typedef {'en' | 'fr'} Language */
/** @typedef {{label: string, contact: string}} CrisisResource */

/**
 * What the front door needs before the form: where to turn in a crisis, the
 * deployment's practice areas (may be empty: then free text), whether the
 * server can send email at all, and whether a physician may book an open
 * time themselves (`self_booking`; an older server does not say: then no).
 * @typedef {{crisis_resources: CrisisResource[], practice_areas: string[], mail_enabled: boolean, self_booking?: boolean}} FrontDoor
 */

/**
 * An open time a physician may book: a supporter who takes requests and
 * speaks the language asked for, free then. `starts_at` is UTC RFC 3339 and
 * goes back to the server exactly as given; `time_zone` is the supporter's.
 * @typedef {object} Slot
 * @property {string} supporter_id
 * @property {string} name
 * @property {string[]} languages
 * @property {string[]} practice_areas
 * @property {string} practice_status
 * @property {string} starts_at
 * @property {number} minutes
 * @property {string} time_zone
 */

/** The slot a request books: which supporter, at which of their open times. @typedef {{supporter_id: string, starts_at: string}} SlotChoice */

/** @typedef {'same' | 'different' | 'any'} AreaPreference */
/** @typedef {'any' | 'practising' | 'resident' | 'retired'} SupporterStatus */

/**
 * A request, as the form sends it. `practice_area` is null for "prefer not
 * to say"; `email` is null unless `contact` is `email`.
 * @typedef {object} RequestInput
 * @property {string} first_name
 * @property {Language} language
 * @property {string | null} practice_area
 * @property {AreaPreference} area_preference
 * @property {SupporterStatus} supporter_status
 * @property {string} times
 * @property {'email' | 'link'} contact
 * @property {string | null} email
 * @property {string | null} time_zone the browser's, so "after 7 pm" is read on their clock
 * @property {SlotChoice} [slot] an open time to book: the request is then matched at once,
 *   or refused (409) with nothing stored if the time was just taken
 */

/**
 * The answer to a new request: the private link (`…/support#TOKEN`) is the
 * only way back to it without email.
 * @typedef {{link: string, state: State, mail_enabled: boolean}} RequestCreated
 */

/** @typedef {'requested' | 'matched' | 'proposed' | 'agreed' | 'met' | 'closed' | 'cancelled'} State */
/** @typedef {{name: string, languages: string[], practice_areas: string[]}} Supporter */
/**
 * A meeting time: UTC RFC 3339, its length, and the supporter's time zone.
 * @typedef {{starts_at: string, minutes: number, time_zone: string}} Meeting
 */
/** @typedef {'physician' | 'supporter' | 'organizer'} CancelledBy */
/** @typedef {'no_longer_needed' | 'found_support_elsewhere' | 'time_does_not_work' | 'supporter_unavailable' | 'other'} CancelReason */
/** The reasons a physician may give; `supporter_unavailable` is the supporter's. @type {readonly CancelReason[]} */
export const PHYSICIAN_REASONS = ['no_longer_needed', 'found_support_elsewhere', 'time_does_not_work', 'other'];

/**
 * A request seen through its private link.
 * @typedef {object} Status
 * @property {State} state
 * @property {string} first_name
 * @property {Language} language
 * @property {Supporter | null} supporter
 * @property {Meeting | null} [suggested] in state `matched`, the time booked (or an organizer's), which the supporter is to confirm
 * @property {Meeting | null} proposed
 * @property {Meeting | null} agreed
 * @property {string | null} room_link the one-on-one room's join link, once a time is agreed
 * @property {CancelledBy | null} cancelled_by
 * @property {CancelReason | null} cancel_reason
 */

/**
 * A refusal from the server, or no answer at all (`status` 0, code `network`).
 */
export class SupportApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code `invalid`, `not_found`, `conflict`, `too_many_requests`, …
   * @param {string} message the server's own words (English), for the rare case the page has none
   * @param {string | null} field the request field at fault, when one is
   */
  constructor(status, code, message, field = null) {
    super(message);
    this.name = 'SupportApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/**
 * One request; the parsed JSON answer.
 * @param {'GET' | 'POST'} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
async function call(method, path, body) {
  /** @type {RequestInit} */
  const init = { method, credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers = { ...init.headers, 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new SupportApiError(0, 'network', 'no answer');
  }
  /** @type {any} */
  let json = null;
  try {
    const text = await response.text();
    json = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page, say: reported below by its status.
  }
  if (response.ok) return json;
  const error = json?.error ?? {};
  throw new SupportApiError(
    response.status,
    typeof error.code === 'string' ? error.code : 'http',
    typeof error.message === 'string' ? error.message : `HTTP ${response.status}`,
    typeof error.field === 'string' ? error.field : null,
  );
}

/**
 * The agreed meeting as a calendar file (text/calendar), with the
 * physician's own link. A POST, so the token is in no URL.
 * @param {string} token
 * @returns {Promise<Blob>}
 */
export async function calendarFile(token) {
  const response = await fetch('/api/support/calendar', {
    method: 'POST', credentials: 'same-origin', cache: 'no-store',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }),
  }).catch(() => null);
  if (!response || !response.ok) throw new SupportApiError(response?.status ?? 0, 'http', 'no calendar file');
  return response.blob();
}

/** @returns {Promise<FrontDoor>} */
export const frontDoor = () => call('GET', '/api/support/front-door');

/**
 * The open times in the next two weeks for a language, earliest first.
 * @param {Language} language
 * @returns {Promise<Slot[]>} 404 when the deployment does not offer self-booking
 */
export const slots = (language) => call('GET', `/api/support/slots?language=${encodeURIComponent(language)}`);

/**
 * @param {RequestInput} input
 * @returns {Promise<RequestCreated>} 409 when the slot asked for is no longer open
 */
export const ask = (input) => call('POST', '/api/support/requests', input);

/**
 * @param {string} token
 * @returns {Promise<Status>} 404 for a token the server does not know
 */
export const status = (token) => call('POST', '/api/support/status', { token });

/**
 * Accepts the time the supporter proposed.
 * @param {string} token
 * @returns {Promise<Status>} 409 when no time is proposed
 */
export const accept = (token) => call('POST', '/api/support/accept', { token });

/**
 * @param {string} token
 * @param {CancelReason} reason
 * @returns {Promise<Status>} 409 when the request is already closed or cancelled
 */
export const cancel = (token, reason) => call('POST', '/api/support/cancel', { token, reason });

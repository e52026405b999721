// One-on-one peer support in the JSON API (docs/api.md, "One-on-one peer
// support"): what organizers call (the roster, the open requests and their
// matching, the counts) and what a peer supporter calls with their own login
// (enrolment, their profile, their requests). No DOM and no words here, as
// in api.js, whose `call` and `ApiError` these share.

import { call } from './api.js';

/** @typedef {'en' | 'fr'} Language */
/** @typedef {'practising' | 'resident' | 'retired'} PracticeStatus */
/** @typedef {'0-5' | '6-15' | '16-30' | '30+'} YearsBand */
/** @typedef {'requested' | 'matched' | 'proposed' | 'agreed' | 'met' | 'closed' | 'cancelled'} RequestState */

/** The choices the server takes, in the order the forms offer them. */
export const LANGUAGES = /** @type {const} */ (['en', 'fr']);
export const PRACTICE_STATUSES = /** @type {const} */ (['practising', 'resident', 'retired']);
export const YEARS_BANDS = /** @type {const} */ (['0-5', '6-15', '16-30', '30+']);
/** Why an organizer cancels a request. */
export const ORGANIZER_REASONS = /** @type {const} */ (['supporter_unavailable', 'other']);
/** Why a supporter cancels one. */
export const SUPPORTER_REASONS = /** @type {const} */ (['supporter_unavailable', 'time_does_not_work', 'other']);

/**
 * A weekly window a supporter is usually free: `day` 0 (Monday) to 6,
 * `from` and `to` in minutes from midnight on their own clock.
 * @typedef {{day: number, from: number, to: number}} Window
 */

/**
 * A peer supporter on the roster. `load`: requests matched with them in the
 * last 30 days.
 * @typedef {object} Supporter
 * @property {string} id
 * @property {string} name
 * @property {string} email
 * @property {string[]} practice_areas
 * @property {PracticeStatus} practice_status
 * @property {YearsBand} years_band
 * @property {Language[]} languages
 * @property {string} trained_on `YYYY-MM-DD`
 * @property {string} time_zone
 * @property {Window[]} availability
 * @property {boolean} paused
 * @property {boolean} waiting_room their meetings start with a waiting room (they let the physician in)
 * @property {boolean} enrolled
 * @property {boolean} active
 * @property {number} load
 */

/**
 * Whom to nominate.
 * @typedef {{name: string, email: string, practice_areas: string[], practice_status: string, years_band: string, languages: string[], trained_on: string}} Nomination
 */

/**
 * A supporter who suits a waiting request: `meets` and `misses` name the
 * preferences (`language`, `practice_status`, `practice_area`).
 * @typedef {{supporter_id: string, name: string, meets: string[], misses: string[]}} Suggestion
 */

/**
 * An open request as an organizer sees it: what matching needs, and never
 * who asked (no name, no address). `suggested_time` is the time on the
 * table (UTC); `time_zone` the physician's, to read `times` by.
 * @typedef {object} OpenRequest
 * @property {string} id
 * @property {string} reference
 * @property {RequestState} state
 * @property {Language} language
 * @property {string | null} practice_area
 * @property {'same' | 'different' | 'any'} area_preference
 * @property {'any' | PracticeStatus} supporter_status
 * @property {string | null} times
 * @property {string | null} time_zone
 * @property {string} created_at
 * @property {string | null} supporter_id
 * @property {string | null} suggested_time
 * @property {number | null} minutes
 * @property {Suggestion[]} suggestions
 */

/**
 * The program's counts, as `[label, count]` pairs: weeks (`2026-W48`),
 * practice areas (`''` when none was given), states. Never a person.
 * @typedef {{by_week: [string, number][], by_practice_area: [string, number][], by_state: [string, number][]}} Stats
 */

/**
 * A request as its supporter sees it: the first name or pseudonym the
 * physician chose (`null` once forgotten), the time on the table or agreed,
 * and their own host link once a time is agreed.
 * @typedef {object} Assigned
 * @property {string} id
 * @property {RequestState} state
 * @property {string | null} first_name
 * @property {Language} language
 * @property {string | null} practice_area
 * @property {string | null} times
 * @property {string | null} time_zone
 * @property {string | null} starts_at
 * @property {number | null} minutes
 * @property {string | null} room_link
 * @property {boolean | null} follow_up
 * @property {'physician' | 'supporter' | 'organizer' | null} cancelled_by
 * @property {string | null} cancel_reason
 */

/** What a supporter may change about themselves; what is left out stays. @typedef {{languages?: string[], practice_areas?: string[], availability?: Window[], paused?: boolean, time_zone?: string, waiting_room?: boolean}} ProfileChange */

const id = encodeURIComponent;

/** @returns {Promise<Supporter[]>} */
export const roster = () => call('GET', '/api/supporters');

/**
 * @param {Nomination} nomination
 * @returns {Promise<{supporter: Supporter, enrol_link: string, mail_enabled: boolean}>} the link is shown once (and emailed to them when mail is on)
 */
export const nominate = (nomination) => call('POST', '/api/supporters', nomination);

/**
 * Ends their logins and their enrolment link; no request goes to them.
 * @param {string} supporter
 * @returns {Promise<Supporter>}
 */
export const deactivate = (supporter) => call('POST', `/api/supporters/${id(supporter)}/deactivate`, {});

/**
 * A new one-time enrolment link for a supporter who has not enrolled yet:
 * the old one stops working.
 * @param {string} supporter
 * @returns {Promise<{enrol_link: string}>}
 */
export const renewEnrolment = (supporter) => call('POST', `/api/supporters/${id(supporter)}/enrol-link`, {});

/** @returns {Promise<OpenRequest[]>} oldest first */
export const openRequests = () => call('GET', '/api/support/open-requests');

/**
 * Matches a waiting request; `409` when someone matched it first or the
 * supporter no longer takes requests.
 * @param {string} request
 * @param {{supporter_id: string, starts_at: string, minutes: number}} match `starts_at` RFC 3339 with its offset
 * @returns {Promise<OpenRequest>}
 */
export const matchRequest = (request, match) => call('POST', `/api/support/open-requests/${id(request)}/match`, match);

/**
 * @param {string} request
 * @param {string} reason one of ORGANIZER_REASONS
 * @returns {Promise<OpenRequest>}
 */
export const cancelRequest = (request, reason) => call('POST', `/api/support/open-requests/${id(request)}/cancel`, { reason });

/** @returns {Promise<Stats>} */
export const stats = () => call('GET', '/api/support/stats');

/**
 * Makes the supporter's account from the one-time enrolment token, and logs in.
 * @param {{token: string, password: string, time_zone: string}} enrolment
 * @returns {Promise<Supporter>}
 */
export const enrol = (enrolment) => call('POST', '/api/supporters/enrol', enrolment);

/** @returns {Promise<Supporter>} */
export const myProfile = () => call('GET', '/api/me/supporter');

/**
 * @param {ProfileChange} change
 * @returns {Promise<Supporter>}
 */
export const changeProfile = (change) => call('PATCH', '/api/me/supporter', change);

/** @returns {Promise<Assigned[]>} newest first */
export const myRequests = () => call('GET', '/api/me/requests');

/**
 * One step of a request: `accept` (the time on the table), `propose`
 * (`{starts_at, minutes}`), `met` (`{follow_up}`), `close`, or `cancel`
 * (`{reason}`). A step out of turn is `409`.
 * @param {string} request
 * @param {'accept' | 'propose' | 'met' | 'close' | 'cancel'} step
 * @param {object} [body]
 * @returns {Promise<Assigned>}
 */
export const takeStep = (request, step, body = {}) => call('POST', `/api/me/requests/${id(request)}/${step}`, body);

// What the page says to people when something stops them. Kept in one place
// so the tone stays the same everywhere: plain, calm, and saying what to do
// next. The people reading these may be tired or in distress.
//
// Every text is looked up when it is shown, in the language in use, so a
// page that switches language says the next thing in the new one. This
// module registers the join page's words (strings-join.js, strings-media.js):
// every module of the page imports it.

import { clockTime } from './dom.js';
import { define, locale, t } from './i18n.js';
import { ProtocolError } from './protocol.js';
import joinStrings from './strings-join.js';
import mediaStrings from './strings-media.js';

define(joinStrings);
define(mediaStrings);

/** @typedef {import('./messages.js').ErrorCode} ErrorCode */
/** @typedef {import('./messages.js').Role} Role */
/** @typedef {import('./devices.js').Kind} Kind */
/** @typedef {import('./devices.js').DeviceProblem} DeviceProblem */

/** @type {Partial<Record<ErrorCode, () => string>>} */
const ERRORS = {
  invalid_token: () => t('join.error.invalid_token'),
  token_expired: () => t('join.error.token_expired'),
  token_revoked: () => t('join.error.token_revoked'),
  session_ended: () => t('join.error.session_ended'),
  session_cancelled: () => t('join.error.session_cancelled'),
  not_open_yet: () => t('join.error.not_open_yet'),
  room_locked: () => t('join.error.room_locked'),
  room_full: () => t('join.error.room_full'),
  removed: () => t('join.error.removed'),
  rate_limited: () => t('join.error.rate_limited'),
  resume_failed: () => t('join.error.resume_failed'),
  forbidden: () => t('join.error.forbidden'),
  not_in_room: () => t('join.error.not_in_room'),
  unavailable: () => t('join.error.unavailable'),
  internal: () => t('join.error.internal'),
  disconnected: () => t('join.error.disconnected'),
  timeout: () => t('join.error.timeout'),
  unsupported_version: () => t('join.error.unsupported_version'),
};

/**
 * A sentence for someone who hit this error. For input errors the server's
 * own message is the precise one (e.g. "name: at most 40 characters").
 * @param {ErrorCode | string} code
 * @param {string} serverMessage
 */
export function errorText(code, serverMessage) {
  const known = /** @type {Partial<Record<string, () => string>>} */ (ERRORS)[code];
  if (known) return known();
  if (code === 'invalid_input') return t('join.error.invalid_input', { detail: serverMessage });
  return t('join.error.other', { detail: serverMessage });
}

/**
 * The sentence for a request that was refused or not answered, whatever
 * threw it (a ProtocolError carries the server's code and message).
 * @param {unknown} error
 */
export function requestFailureText(error) {
  const code = error instanceof ProtocolError ? error.code : 'internal';
  return errorText(code, error instanceof Error ? error.message : String(error));
}

/**
 * The endings that close the page, with a heading and what to do next.
 * @type {Record<'left' | 'removed' | 'declined' | 'session_ended' | 'replaced' | 'lost', () => {heading: string, text: string}>}
 */
export const ENDINGS = {
  left: () => ({ heading: t('join.ending.left_heading'), text: t('join.ending.left') }),
  removed: () => ({ heading: t('join.ending.removed_heading'), text: t('join.error.removed') }),
  declined: () => ({ heading: t('join.ending.declined_heading'), text: t('join.ending.declined') }),
  session_ended: () => ({ heading: t('join.ending.ended_heading'), text: t('join.ending.ended') }),
  replaced: () => ({ heading: t('join.ending.replaced_heading'), text: t('join.ending.replaced') }),
  lost: () => ({ heading: t('join.ending.lost_heading'), text: t('join.ending.lost') }),
};

/** @typedef {keyof typeof ENDINGS} Ending */

/**
 * Why the microphone or camera is not in use, and what the person can do.
 * The room works without either: they can listen, watch, chat and react.
 * `both` is for the two failing the same way, said once.
 * @type {Record<Kind | 'both', Record<DeviceProblem, () => string>>}
 */
const DEVICE_PROBLEMS = {
  audio: {
    denied: () => t('media.problem.audio.denied'),
    missing: () => t('media.problem.audio.missing'),
    busy: () => t('media.problem.audio.busy'),
    insecure: () => t('media.problem.audio.insecure'),
    failed: () => t('media.problem.audio.failed'),
  },
  video: {
    denied: () => t('media.problem.video.denied'),
    missing: () => t('media.problem.video.missing'),
    busy: () => t('media.problem.video.busy'),
    insecure: () => t('media.problem.video.insecure'),
    failed: () => t('media.problem.video.failed'),
  },
  both: {
    denied: () => t('media.problem.both.denied'),
    missing: () => t('media.problem.both.missing'),
    busy: () => t('media.problem.both.busy'),
    insecure: () => t('media.problem.both.insecure'),
    failed: () => t('media.problem.both.failed'),
  },
};

/**
 * What is wrong with the devices, in one or two sentences ('' when nothing is).
 * @param {import('./devices.js').DeviceProblems} problems
 */
export function deviceProblemText({ audio, video }) {
  // Both failing the same way (a blocked page, say) is said once.
  if (audio && audio === video) return DEVICE_PROBLEMS.both[audio]();
  return [audio && DEVICE_PROBLEMS.audio[audio](), video && DEVICE_PROBLEMS.video[video]()].filter((line) => !!line).join(' ');
}

/**
 * What a host's mute or stop-video says to the person it touched.
 * @param {Kind} kind
 */
export function hostActionText(kind) {
  return kind === 'audio' ? t('media.host.audio') : t('media.host.video');
}

/**
 * For someone who came early: when the session starts and the room opens,
 * in their own time.
 * @param {string} title
 * @param {string} startsAt RFC 3339
 * @param {string} opensAt RFC 3339
 */
export function comeBackLater(title, startsAt, opensAt) {
  const day = new Date(startsAt).toLocaleDateString(locale(), { weekday: 'long', month: 'long', day: 'numeric' });
  const time = (/** @type {string} */ iso) => clockTime(Date.parse(iso));
  return t('join.come_back_later', { title, day, start: time(startsAt), opens: time(opensAt) });
}

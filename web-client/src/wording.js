// What the page says to people when something stops them. Kept in one place
// so the tone stays the same everywhere: plain, calm, and saying what to do
// next. The people reading these may be tired or in distress.

/** @typedef {import('./messages.js').ErrorCode} ErrorCode */
/** @typedef {import('./messages.js').Role} Role */

/** @type {Partial<Record<ErrorCode, string>>} */
const ERRORS = {
  invalid_token: 'This link does not work. Check that you opened the whole link you were sent, or ask the person who invited you for a new one.',
  token_expired: 'This link has expired. Ask the person who invited you for a new one.',
  token_revoked: 'This link was withdrawn by the organizer. Ask them for a new one if you still need it.',
  session_ended: 'This session has ended. Thank you for being part of it.',
  session_cancelled: 'This session was cancelled. The organizer will tell you about the next one.',
  not_open_yet: 'The waiting room is not open yet. Come back a little before the session starts.',
  room_locked: 'The facilitator has locked the room, so no one new can come in right now. Try again in a few minutes, or contact the facilitator.',
  room_full: 'This group is full. Contact the organizer to find another session.',
  removed: 'A facilitator removed you from this session, so this browser cannot rejoin it. Contact the organizer if you think this is a mistake.',
  rate_limited: 'That was a lot of messages at once. Wait a moment, then try again.',
  resume_failed: 'Your place in the room was not kept. Join again with your link.',
  forbidden: 'Only a facilitator can do that.',
  not_in_room: 'You can do that once you are in the room.',
  unavailable: 'The room is restarting. Try again in a moment.',
  internal: 'Something went wrong on the server. Try again in a moment.',
  disconnected: 'The connection to the server was lost.',
  timeout: 'The server did not answer in time. Check your connection and try again.',
  unsupported_version: 'This page is out of date. Reload it to get the current version.',
};

/**
 * A sentence for someone who hit this error. For input errors the server's
 * own message is the precise one (e.g. "name: at most 40 characters").
 * @param {ErrorCode | string} code
 * @param {string} serverMessage
 */
export function errorText(code, serverMessage) {
  const known = /** @type {Partial<Record<string, string>>} */ (ERRORS)[code];
  if (known) return known;
  if (code === 'invalid_input') return `Please check: ${serverMessage}.`;
  return `Something went wrong: ${serverMessage}.`;
}

/** The endings that close the page, with a heading and what to do next. */
export const ENDINGS = {
  left: { heading: 'You left the session', text: 'Thank you for coming. Take good care of yourself.' },
  removed: { heading: 'You were removed', text: ERRORS.removed ?? '' },
  declined: {
    heading: 'You were not admitted',
    text: 'A facilitator did not let you in to this session. If you think this is a mistake, contact the organizer.',
  },
  session_ended: { heading: 'The session has ended', text: 'Thank you for taking part. Take good care of yourself.' },
  replaced: { heading: 'Opened somewhere else', text: 'You joined this session from another tab or device, so this page has stepped aside.' },
  lost: {
    heading: 'Connection lost',
    text: 'We could not reach the server for a while, so your place in the room was not kept. Check your connection, then join again.',
  },
};

/** @typedef {keyof typeof ENDINGS} Ending */

/** @type {Record<Role, string>} */
export const ROLE_LABELS = {
  facilitator: 'Facilitator',
  co_facilitator: 'Co-facilitator',
  participant: 'Participant',
};

/** @type {Record<import('./messages.js').Reaction, string>} */
export const REACTION_LABELS = {
  nod: 'nods',
  thanks: 'says thank you',
  heart: 'sends a heart',
  me_too: 'says me too',
};

/**
 * Why the microphone or camera is not in use, and what the person can do.
 * The room works without either: they can listen, watch, chat and react.
 * `both` is for the two failing the same way, said once.
 * @type {Record<import('./devices.js').Kind | 'both', Record<import('./devices.js').DeviceProblem, string>>}
 */
export const DEVICE_PROBLEMS = {
  audio: {
    denied: 'Your browser is not letting this page use your microphone. You can still listen, chat and react. To speak, allow the microphone in the browser’s address bar, then reload the page.',
    missing: 'No microphone was found. You can still listen, chat and react.',
    busy: 'Your microphone is in use by another program. Close that program, then reload this page to speak.',
    insecure: 'Your browser only allows the microphone and camera on a secure (https) page. You can still listen, chat and react.',
    failed: 'Your microphone could not be started. You can still listen, chat and react.',
  },
  video: {
    denied: 'Your browser is not letting this page use your camera. The group will see your name instead. To turn it on, allow the camera in the browser’s address bar, then reload the page.',
    missing: 'No camera was found. The group will see your name instead.',
    busy: 'Your camera is in use by another program. The group will see your name instead.',
    insecure: 'Your browser only allows the microphone and camera on a secure (https) page. You can still listen, chat and react.',
    failed: 'Your camera could not be started. The group will see your name instead.',
  },
  both: {
    denied: 'Your browser is not letting this page use your microphone or camera. You can still listen, watch, chat and react. To take part with them, allow them in the browser’s address bar, then reload the page.',
    missing: 'No microphone or camera was found. You can still listen, watch, chat and react.',
    busy: 'Your microphone and camera are in use by another program. Close it, then reload this page.',
    insecure: 'Your browser only allows the microphone and camera on a secure (https) page. You can still listen, chat and react.',
    failed: 'Your microphone and camera could not be started. You can still listen, watch, chat and react.',
  },
};

/** What a host's mute or stop-video says to the person it touched. */
export const HOST_ACTIONS = {
  audio: 'A facilitator muted your microphone, perhaps to give someone else the floor. Turn it back on whenever you are ready to speak.',
  video: 'A facilitator turned off your camera for now. You can turn it back on whenever you are ready.',
};

/**
 * For someone who came early: when the session starts and the room opens,
 * in their own time.
 * @param {string} title
 * @param {string} startsAt RFC 3339
 * @param {string} opensAt RFC 3339
 */
export function comeBackLater(title, startsAt, opensAt) {
  const day = new Date(startsAt).toLocaleDateString([], { weekday: 'long', month: 'long', day: 'numeric' });
  const time = (/** @type {string} */ iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return `${title} starts on ${day} at ${time(startsAt)}. The waiting room opens at ${time(opensAt)}: come back then, with this same link.`;
}

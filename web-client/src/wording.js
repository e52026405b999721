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

// What the pages say when a request fails or a link does not work: one
// sentence per error code (`error.<code>` in strings-errors.js, registered
// here), in the tone every page keeps: plain, calm, and saying what to do
// next. The people reading these may be tired or in distress. No DOM here,
// and no room state: callers say where the sentence goes.

import { define, hasText, t } from './i18n.js';
import { ProtocolError } from './protocol.js';
import errorStrings from './strings-errors.js';

define(errorStrings);

/** @typedef {import('./messages.js').ErrorCode} ErrorCode */

/**
 * A sentence for someone who hit this error. For input errors the server's
 * own message is the precise one (e.g. "name: at most 40 characters"); a
 * code with no words of its own says what the server said.
 * @param {ErrorCode | string} code
 * @param {string} serverMessage
 */
export function errorText(code, serverMessage) {
  const key = `error.${code}`;
  return t(hasText(key) ? key : 'error.other', { detail: serverMessage });
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

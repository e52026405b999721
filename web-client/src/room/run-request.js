// A request sent from a panel's control, with the server's refusal shown in
// plain words next to that control. No state: the panel redraws from the
// room model when the server's event comes back.

import { show } from '../shared/dom.js';
import { requestFailureText } from '../shared/wording.js';

/**
 * Sends a request; shows the server's refusal next to the control, and
 * clears it on success. The button waits for the answer, so a double click
 * does not skip two parts.
 * @param {Promise<unknown>} request
 * @param {HTMLElement} errorBox
 * @param {{button?: HTMLButtonElement, done?: () => void, words?: (error: unknown) => string, keepFocus?: boolean}} [options]
 *   `words` says a refusal in a feature's own words (breakouts do); with
 *   `keepFocus`, a button that had the focus has it back once answered (a
 *   disabled button loses it to the page)
 */
export function runRequest(request, errorBox, { button, done, words = requestFailureText, keepFocus = false } = {}) {
  show(errorBox, false);
  const focused = keepFocus && button !== undefined && document.activeElement === button;
  if (button) button.disabled = true;
  request.catch((error) => {
    errorBox.textContent = words(error);
    show(errorBox, true);
  }).finally(() => {
    if (button) button.disabled = false;
    const lost = document.activeElement === null || document.activeElement === document.body;
    if (focused && lost && button.isConnected) button.focus();
    done?.();
  });
}

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
 * @param {{button?: HTMLButtonElement, done?: () => void}} [options]
 */
export function runRequest(request, errorBox, { button, done } = {}) {
  show(errorBox, false);
  if (button) button.disabled = true;
  request.catch((error) => {
    errorBox.textContent = requestFailureText(error);
    show(errorBox, true);
  }).finally(() => {
    if (button) button.disabled = false;
    done?.();
  });
}

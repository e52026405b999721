// The two ways in: the one-time setup of the first account, and logging in.
// It draws the two forms and calls the API for them; which view shows is
// src/organize.js's.

import * as api from './api.js';
import { byId } from '../shared/dom.js';
import { browserTimeZone, fillTimeZones } from './times.js';
import { t } from '../shared/i18n.js';
import { clearErrors, errorMessage, showError, waitText } from './page-parts.js';

/** @typedef {import('./api.js').Organizer} Organizer */

const MIN_PASSWORD_CHARS = 10;

/**
 * The setup form. `token` comes from the link's fragment, which the browser
 * never sends anywhere.
 * @param {string} token
 * @param {(organizer: Organizer) => void} onDone called once the account exists and is logged in
 */
export function startSetup(token, onDone) {
  const form = byId('setup-form', HTMLFormElement);
  const general = byId('setup-error', HTMLParagraphElement);
  const button = byId('setup-button', HTMLButtonElement);
  const email = byId('setup-email', HTMLInputElement);
  const name = byId('setup-name', HTMLInputElement);
  const password = byId('setup-password', HTMLInputElement);
  const zone = byId('setup-time-zone', HTMLSelectElement);
  fillTimeZones(zone, browserTimeZone());

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, general);
    // The checks the server would make anyway, without a round trip.
    const missing = !email.value.trim() ? 'email' : !name.value.trim() ? 'name' : null;
    if (missing) {
      showError(form, general, new api.ApiError(400, 'invalid', `${missing}: ${t('organize.check.fill_in')}`, missing));
      return;
    }
    if (password.value.length < MIN_PASSWORD_CHARS) {
      const text = `password: ${t('organize.check.password_short', { min: MIN_PASSWORD_CHARS, count: password.value.length })}`;
      showError(form, general, new api.ApiError(400, 'invalid', text, 'password'));
      return;
    }
    button.disabled = true;
    try {
      const organizer = await api.setup({
        token,
        email: email.value.trim(),
        name: name.value.trim(),
        password: password.value,
        time_zone: zone.value,
      });
      password.value = '';
      onDone(organizer);
    } catch (error) {
      showError(form, general, error);
    } finally {
      button.disabled = false;
    }
  });
}

/**
 * The login form.
 * @param {(organizer: Organizer) => void} onDone
 */
export function startLogin(onDone) {
  const form = byId('login-form', HTMLFormElement);
  const general = byId('login-error', HTMLParagraphElement);
  const button = byId('login-button', HTMLButtonElement);
  const email = byId('login-email', HTMLInputElement);
  const password = byId('login-password', HTMLInputElement);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, general);
    const missing = !email.value.trim() ? 'email' : !password.value ? 'password' : null;
    if (missing) {
      showError(form, general, new api.ApiError(400, 'invalid', `${missing}: ${t('organize.check.fill_in')}`, missing));
      return;
    }
    button.disabled = true;
    try {
      const organizer = await api.login(email.value.trim(), password.value);
      password.value = '';
      onDone(organizer);
    } catch (error) {
      general.textContent = loginErrorText(error);
      general.hidden = false;
      password.select();
      password.focus();
    } finally {
      button.disabled = false;
    }
  });
}

/** @param {unknown} error */
function loginErrorText(error) {
  if (error instanceof api.ApiError && error.status === 400) {
    // The server does not say which of the two is wrong, on purpose.
    return t('organize.login.wrong');
  }
  if (error instanceof api.ApiError && error.status === 429) {
    return t('organize.login.paused', { wait: waitText(error.retryAfterSecs ?? 15 * 60) });
  }
  return errorMessage(error);
}

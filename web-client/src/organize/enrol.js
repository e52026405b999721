// A nominated peer supporter's enrolment, from the one-time link an
// organizer sent them (/organize/enrol#TOKEN): a password, twice, and their
// time zone make their account, and log them in. The token leaves the
// address bar as soon as it is read (a one-time link must not sit in
// history, on a shared screen or in a screenshot); this tab keeps it, so a
// reload still finds it, until the account is made. Which view shows next
// is src/organize.js's.

import * as api from './api.js';
import * as support from './support-api.js';
import { byId } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { browserTimeZone, fillTimeZones } from './times.js';
import { clearErrors, say, showError, showErrors } from './page-parts.js';
import { refusal } from './support-parts.js';

/** Where this tab keeps the enrolment token (not the physician's key, nor the join page's). */
const TOKEN_KEY = 'peer-room.enrol-token';
const MIN_PASSWORD_CHARS = 10;

/**
 * The enrolment token: from the fragment (which browsers never send), then
 * cleared from the address bar; or, after a reload, the one this tab kept.
 * @returns {string}
 */
export function readEnrolToken() {
  let token = '';
  try {
    token = decodeURIComponent(location.hash.slice(1)).trim();
  } catch {
    token = '';
  }
  // Out of the address bar at once, whatever happens next.
  if (location.hash) history.replaceState(null, '', location.pathname);
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else token = sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    // Without storage, a reload needs the link again.
  }
  return token;
}

function forgetToken() {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Nothing kept, nothing to forget.
  }
}

/**
 * The enrolment form.
 * @param {string} token
 * @param {(account: api.Organizer) => void} onDone called once the account exists and is logged in
 */
export function startEnrol(token, onDone) {
  const form = byId('enrol-form', HTMLFormElement);
  const general = byId('enrol-error', HTMLParagraphElement);
  const button = byId('enrol-button', HTMLButtonElement);
  const password = byId('enrol-password', HTMLInputElement);
  const again = byId('enrol-password-again', HTMLInputElement);
  const zone = byId('enrol-time-zone', HTMLSelectElement);
  fillTimeZones(zone, browserTimeZone());

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, general);
    // The checks the server would make, and the one it cannot (the same password twice).
    const problems = [];
    if (password.value.length < MIN_PASSWORD_CHARS) {
      problems.push(refusal('password', t('organize.check.password_short', { min: MIN_PASSWORD_CHARS, count: password.value.length })));
    } else if (again.value !== password.value) {
      problems.push(refusal('password_again', t('supporter.enrol.mismatch')));
    }
    if (problems.length > 0) {
      showErrors(form, general, problems);
      return;
    }
    button.disabled = true;
    try {
      await support.enrol({ token, password: password.value, time_zone: zone.value });
      forgetToken();
      password.value = '';
      again.value = '';
      onDone(await api.me());
    } catch (error) {
      if (error instanceof api.ApiError && error.status === 403) {
        // Used already, deactivated, or never valid: the server does not say which.
        forgetToken();
        say(general, t('supporter.enrol.invalid'), 'error');
        general.focus();
      } else {
        showError(form, general, error);
      }
    } finally {
      button.disabled = false;
    }
  });
}

// What the organizers' pages share: errors next to the field at fault,
// plain sentences for the server's refusals, a confirmation that stays in the
// page (no dialog box to trap a keyboard), a button that shows and hides a
// box, and copying a link. It owns the organizers' words (registered here);
// it calls no API itself.

import { ApiError } from './api.js';
import { make, show } from '../shared/dom.js';
import { define, t, tn } from '../shared/i18n.js';
import strings from './strings-organize.js';

// Every organizer module imports this one, so their words are registered
// before the page (src/organize.js) translates itself; the header's shared
// words are i18n.js's own.
define(strings);

/**
 * A sentence for a failed call. Input errors keep the server's own words,
 * which say exactly what is wrong ("capacity: must be between 2 and 50").
 * @param {unknown} error
 */
export function errorMessage(error) {
  if (!(error instanceof ApiError)) return t('organize.error.page');
  switch (error.status) {
    case 0: return t('organize.error.unreachable');
    case 401: return t('organize.error.login_ended');
    case 404: return t('organize.error.not_found');
    case 429: return t('organize.error.too_many', { wait: waitText(error.retryAfterSecs ?? 60) });
    case 400: return t('organize.error.check', { problem: error.message });
    default:
      if (error.status >= 500) return t('organize.error.server');
      return `${capitalized(error.message)}.`;
  }
}

/** @param {string} text */
function capitalized(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * "3 minutes", "40 seconds".
 * @param {number} secs
 */
export function waitText(secs) {
  if (secs < 60) return tn('organize.time.seconds', secs);
  return tn('organize.time.minutes', Math.ceil(secs / 60));
}

/**
 * Hides every field error of a form, and the form's general error.
 * @param {HTMLFormElement} form
 * @param {HTMLElement} general
 */
export function clearErrors(form, general) {
  for (const element of form.querySelectorAll('[data-error-for]')) show(/** @type {HTMLElement} */ (element), false);
  for (const element of form.querySelectorAll('[aria-invalid]')) element.removeAttribute('aria-invalid');
  show(general, false);
}

/**
 * Shows a failure: next to the field the server named, when the form has
 * it, otherwise under the form. Focus goes to what needs fixing.
 * @param {HTMLFormElement} form
 * @param {HTMLElement} general
 * @param {unknown} error
 */
export function showError(form, general, error) {
  showErrors(form, general, [error]);
}

/**
 * Shows every failure at once, each next to its field (or under the form),
 * so someone who left three fields empty hears of all three; the focus goes
 * to the first.
 * @param {HTMLFormElement} form
 * @param {HTMLElement} general
 * @param {unknown[]} errors
 */
export function showErrors(form, general, errors) {
  /** @type {HTMLElement | null} */
  let first = null;
  for (const error of errors) {
    const target = flag(form, error);
    if (target) {
      first ??= target;
    } else {
      general.textContent = errorMessage(error);
      show(general, true);
    }
  }
  first?.focus();
}

/**
 * Writes one failure next to its field; returns what to focus, or null if
 * the form has no place for it.
 * @param {HTMLFormElement} form
 * @param {unknown} error
 * @returns {HTMLElement | null}
 */
function flag(form, error) {
  const field = error instanceof ApiError ? error.field : null;
  const slot = field ? form.querySelector(`[data-error-for="${CSS.escape(field)}"]`) : null;
  if (!(slot instanceof HTMLElement) || !(error instanceof ApiError)) return null;
  // The server says "title: must have..."; next to the title, "Must have..." is enough.
  const text = error.message.replace(/^[a-z_]+: /, '');
  slot.textContent = `${capitalized(text)}.`;
  show(slot, true);
  const control = form.elements.namedItem(field ?? '');
  if (control instanceof HTMLElement) {
    control.setAttribute('aria-invalid', 'true');
    return control;
  }
  return slot;
}

/** The answer to give each container's open question. @type {WeakMap<HTMLElement, (answer: boolean) => void>} */
const pendingQuestions = new WeakMap();

/**
 * Asks in the page before something that cannot be undone.
 * @param {HTMLElement} container where the question appears
 * @param {string} question
 * @param {string} yes the label of the button that goes ahead
 * @returns {Promise<boolean>}
 */
export function confirmInline(container, question, yes) {
  // A question asked again replaces the first, which counts as "no".
  pendingQuestions.get(container)?.(false);
  return new Promise((resolve) => {
    const confirmButton = make('button', { text: yes, className: 'danger small-button', attrs: { type: 'button' } });
    const keepButton = make('button', { text: t('organize.confirm.keep'), className: 'quiet small-button', attrs: { type: 'button' } });
    const box = make('div', { className: 'confirm', attrs: { role: 'group', 'aria-label': t('organize.confirm.label') } }, [
      make('p', { text: question }),
      make('div', { className: 'row' }, [confirmButton, keepButton]),
    ]);
    const previous = document.activeElement;
    /** @param {boolean} answer */
    const done = (answer) => {
      if (pendingQuestions.get(container) !== done) return;
      pendingQuestions.delete(container);
      box.remove();
      if (!answer && previous instanceof HTMLElement) previous.focus();
      resolve(answer);
    };
    confirmButton.addEventListener('click', () => done(true));
    keepButton.addEventListener('click', () => done(false));
    box.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') done(false);
    });
    pendingQuestions.set(container, done);
    container.replaceChildren(box);
    keepButton.focus();
  });
}

/**
 * Copies text to the clipboard. Where the browser refuses, the text is
 * selected in its field so the person can copy it themselves.
 * @param {string} text
 * @param {HTMLInputElement | HTMLTextAreaElement} field the field that shows the text
 * @returns {Promise<boolean>} whether it was copied
 */
export async function copyText(text, field) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    field.focus();
    field.select();
    return false;
  }
}

/**
 * Says something in a live region for a while.
 * @param {HTMLElement} element
 * @param {string} text
 * @param {'ok' | 'error' | 'info'} [kind]
 */
export function say(element, text, kind = 'info') {
  element.textContent = text;
  element.classList.toggle('notice-ok', kind === 'ok');
  element.classList.toggle('notice-error', kind === 'error');
  show(element, text !== '');
}

/**
 * A button that shows and hides a box, loading what goes in it on each opening.
 * @param {string} text
 * @param {string} id the box's id
 * @param {string} describedBy the id of what the box is about (a title), so "Summary" says whose
 * @param {(box: HTMLDivElement) => Promise<void>} load
 */
export function disclosure(text, id, describedBy, load) {
  const box = make('div', { className: 'links', attrs: { id } });
  show(box, false);
  const button = make('button', {
    text,
    className: 'small-button',
    attrs: { type: 'button', 'aria-expanded': 'false', 'aria-controls': id, 'aria-describedby': describedBy },
  });
  button.addEventListener('click', () => {
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    show(box, open);
    if (open) void load(box);
  });
  return { button, box };
}

// What the one-on-one support screens share, the organizers' tab and the
// supporter's own pages alike: their words (registered here), the names of
// states and languages, meeting times in a reader's zone, a time typed on
// one clock sent with its offset, weekly windows, fields with the slot for
// their refusal, the language checkboxes, a link with its Copy button, a
// reason asked before a cancellation, and a refusal turned into a sentence.
// It calls no API itself and keeps no state.

import { ApiError } from './api.js';
import { make, show } from '../shared/dom.js';
import { define, locale, t, tn } from '../shared/i18n.js';
import { timeOfDay } from '../shared/time-text.js';
import { copyText, errorMessage } from './page-parts.js';
import { sessionWhen, wallClock } from './times.js';
import organizerStrings from './strings-support-organize.js';
import supporterStrings from './strings-supporter.js';

// page-parts.js (imported above) registered the organizers' words first.
define(organizerStrings);
define(supporterStrings);

/** The shortest and longest meeting the server takes, and the usual length, in minutes. */
export const MIN_MINUTES = 15;
export const MAX_MINUTES = 120;
export const DEFAULT_MINUTES = 45;
const MINUTE_MS = 60_000;

/** @param {string} code `en` or `fr` */
export const languageName = (code) => t(`peer.language.${code === 'fr' ? 'fr' : 'en'}`);

/** @param {string} state */
export const stateName = (state) => t(`peer.state.${state}`);

/**
 * "A, B and C", as the page's language joins a list.
 * @param {string[]} items
 */
export function listText(items) {
  try {
    return new Intl.ListFormat(locale(), { type: 'conjunction' }).format(items);
  } catch {
    return items.join(', ');
  }
}

/**
 * "Wednesday, 3 December 2026, 19:00 to 19:45 EST": a meeting on the
 * reader's clock.
 * @param {string} startsAt UTC, RFC 3339
 * @param {number} minutes
 * @param {string} timeZone the reader's
 */
export function meetingText(startsAt, minutes, timeZone) {
  const ends = new Date(Date.parse(startsAt) + minutes * MINUTE_MS).toISOString();
  const { day, time } = sessionWhen({ starts_at: startsAt, ends_at: ends }, timeZone);
  return `${day}, ${time}`;
}

/**
 * How far a zone's clock is ahead of UTC at a moment, in minutes.
 * @param {number} millis
 * @param {string} timeZone
 */
function offsetMinutes(millis, timeZone) {
  const minute = Math.floor(millis / MINUTE_MS) * MINUTE_MS;
  return Math.round((Date.parse(`${wallClock(minute, timeZone)}:00Z`) - minute) / MINUTE_MS);
}

/**
 * A wall-clock time typed in a datetime-local field, on the clock of
 * `timeZone` (not the computer's: an organizer's account may be elsewhere),
 * as RFC 3339 with that zone's offset then: `2026-12-03T19:00:00-05:00`.
 * Null when nothing (or nothing sensible) was typed.
 * @param {string} local `2026-12-03T19:00`
 * @param {string} timeZone
 */
export function withOffset(local, timeZone) {
  // `2026-12-03T19:00`, or with seconds (a field whose step asks for them): the minute is what counts.
  const wall = local.slice(0, 16);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(wall)) return null;
  const asUtc = Date.parse(`${wall}:00Z`);
  if (Number.isNaN(asUtc)) return null;
  // The offset at the guess, then at the moment it gives (they differ only
  // near a change of the clocks).
  let offset = offsetMinutes(asUtc, timeZone);
  offset = offsetMinutes(asUtc - offset * MINUTE_MS, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${wall}:00${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/**
 * A first suggestion for a meeting: the next whole hour at least a day
 * ahead, on the reader's clock, as a datetime-local field takes it.
 * @param {string} timeZone
 */
export function suggestedTime(timeZone) {
  const hour = 3_600_000;
  return wallClock(Math.ceil((Date.now() + 24 * hour) / hour) * hour, timeZone);
}

/**
 * "3 hours", "2 days": how long since a moment, roughly.
 * @param {string} since UTC, RFC 3339
 */
export function ageText(since) {
  const minutes = Math.max(1, Math.floor((Date.now() - Date.parse(since)) / MINUTE_MS));
  if (minutes < 60) return tn('peer.age.minutes', minutes);
  if (minutes < 48 * 60) return tn('peer.age.hours', Math.floor(minutes / 60));
  return tn('peer.age.days', Math.floor(minutes / (24 * 60)));
}

/**
 * A weekday's name, Monday being 0 (as the API counts).
 * @param {number} day
 */
export function dayName(day) {
  // 1 January 2024 was a Monday.
  return capitalized(new Date(Date.UTC(2024, 0, 1 + day)).toLocaleDateString(locale(), { weekday: 'long', timeZone: 'UTC' }));
}

/**
 * "18:00" or "6:00 PM", for minutes from midnight.
 * @param {number} minutes
 */
export function minutesText(minutes) {
  return new Date(Date.UTC(2024, 0, 1, 0, minutes)).toLocaleTimeString(locale(), { timeZone: 'UTC', ...timeOfDay() });
}

/**
 * "Monday, 18:00 to 20:00".
 * @param {{day: number, from: number, to: number}} window
 */
export function windowText(window) {
  return t('supporter.free.window', { day: dayName(window.day), from: minutesText(window.from), to: minutesText(window.to) });
}

/**
 * A date such as `2026-09-30`, written as the page's language writes it.
 * @param {string} date
 */
export function dateText(date) {
  const parsed = Date.parse(`${date}T12:00:00Z`);
  if (Number.isNaN(parsed)) return date;
  return new Date(parsed).toLocaleDateString(locale(), { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' });
}

/** Each field's ids are unique on the page: the same card can be drawn twice. */
let fields = 0;

/** A fresh id prefix. @param {string} what */
export function freshId(what) {
  fields += 1;
  return `${what}-${fields}`;
}

/**
 * A link shown in full in a read-only field, with Copy beside it and what
 * Copy did said beside that.
 * @param {string} link
 * @param {string} label the field's accessible name
 * @param {string} copied what to say once copied
 * @param {string} [copyLabel] Copy's text
 */
export function linkWithCopy(link, label, copied, copyLabel = t('supporter.copy')) {
  const field = make('input', { className: 'link-text', attrs: { type: 'text', readonly: '', spellcheck: 'false', 'aria-label': label } });
  field.value = link;
  const said = make('span', { className: 'copied', attrs: { role: 'status' } });
  const copy = make('button', { text: copyLabel, className: 'small-button', attrs: { type: 'button', 'aria-label': `${copyLabel}: ${label}` } });
  copy.addEventListener('click', async () => {
    said.textContent = (await copyText(link, field)) ? copied : t('supporter.select_to_copy');
  });
  return make('div', { className: 'link-field' }, [field, copy, said]);
}

/**
 * Radio choices in a fieldset, with a line for "choose one first".
 * @param {string} name
 * @param {string} legend
 * @param {{value: string, label: string}[]} options
 */
export function radioChoices(name, legend, options) {
  const group = freshId(name);
  const problem = make('p', { className: 'field-error', attrs: { role: 'alert' } });
  show(problem, false);
  const fieldset = make('fieldset', { className: 'choice-group' }, [
    make('legend', { text: legend }),
    make('div', { className: 'choices' }, options.map(({ value, label }) => make('label', { className: 'choice' }, [
      make('input', { attrs: { type: 'radio', name: group, value } }),
      document.createTextNode(` ${label}`),
    ]))),
    problem,
  ]);
  // A choice made answers "choose one first".
  fieldset.addEventListener('change', () => show(problem, false));
  const chosen = () => {
    const checked = fieldset.querySelector('input:checked');
    return checked instanceof HTMLInputElement ? checked.value : null;
  };
  return { fieldset, problem, chosen };
}

/**
 * A sentence for a failed call on these screens: what has moved on
 * meanwhile (404, 409) in their own words, the rest as the organizers'
 * pages say it.
 * @param {unknown} error
 * @param {string} conflict what to say for a 409
 */
export function refusalText(error, conflict) {
  if (error instanceof ApiError && error.status === 409) return conflict;
  if (error instanceof ApiError && error.status === 404) return t('peer.gone');
  return errorMessage(error);
}

/** Whether a failure means the login has ended (expired, logged out elsewhere, or deactivated). @param {unknown} error */
export const loginEnded = (error) => error instanceof ApiError && error.status === 401;

/** The answer to give each container's open question. @type {WeakMap<HTMLElement, (answer: string | null) => void>} */
const pendingReasons = new WeakMap();

/**
 * Asks in the page for a reason, then goes ahead: a cancellation that
 * cannot be undone, with the reason it is told with. Like confirmInline
 * (page-parts.js), no dialog box to trap a keyboard; Escape keeps it.
 * @param {HTMLElement} container where the question appears
 * @param {{legend: string, note: string, reasons: {value: string, label: string}[], yes: string, keep: string, choose: string}} words
 * @returns {Promise<string | null>} the reason chosen, or null to keep it
 */
export function askReason(container, { legend, note, reasons, yes, keep, choose }) {
  // A question asked again replaces the first, which counts as "keep it".
  pendingReasons.get(container)?.(null);
  return new Promise((resolve) => {
    const { fieldset, problem, chosen } = radioChoices('reason', legend, reasons);
    const confirmButton = make('button', { text: yes, className: 'danger small-button', attrs: { type: 'button' } });
    const keepButton = make('button', { text: keep, className: 'quiet small-button', attrs: { type: 'button' } });
    const box = make('div', { className: 'confirm reason-box' }, [
      fieldset,
      make('p', { className: 'small', text: note }),
      make('div', { className: 'row' }, [confirmButton, keepButton]),
    ]);
    const previous = document.activeElement;
    const first = () => fieldset.querySelector('input');
    /** @param {string | null} answer */
    const done = (answer) => {
      if (pendingReasons.get(container) !== done) return;
      pendingReasons.delete(container);
      box.remove();
      if (answer === null && previous instanceof HTMLElement) previous.focus();
      resolve(answer);
    };
    confirmButton.addEventListener('click', () => {
      const reason = chosen();
      if (reason) {
        done(reason);
        return;
      }
      problem.textContent = choose;
      show(problem, true);
      first()?.focus();
    });
    keepButton.addEventListener('click', () => done(null));
    box.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') done(null);
    });
    pendingReasons.set(container, done);
    container.replaceChildren(box);
    first()?.focus();
  });
}

/**
 * A labelled field with its hint and the slot where a refusal of it is
 * shown (page-parts.js' showError finds it by the API's field name).
 * @param {string} prefix the form's own id prefix
 * @param {string} name the API's field, and the control's name
 * @param {string} label
 * @param {HTMLElement} control
 * @param {string} [hint]
 */
export function labelledField(prefix, name, label, control, hint) {
  control.id = `${prefix}-${name}`;
  control.setAttribute('name', name);
  const described = [`${prefix}-${name}-error`];
  const hintLine = hint ? [make('p', { className: 'hint', text: hint, attrs: { id: `${prefix}-${name}-hint` } })] : [];
  if (hint) described.unshift(`${prefix}-${name}-hint`);
  control.setAttribute('aria-describedby', described.join(' '));
  const error = make('p', { className: 'field-error', attrs: { id: `${prefix}-${name}-error`, 'data-error-for': name } });
  show(error, false);
  return make('div', { className: 'field' }, [make('label', { text: label, attrs: { for: control.id } }), ...hintLine, control, error]);
}

/**
 * Checkboxes for the languages of support, in a fieldset with the slot for
 * its refusal (`languages`).
 * @param {string} prefix
 * @param {string} legend
 * @param {string[]} checked
 */
export function languageChoices(prefix, legend, checked) {
  const error = make('p', { className: 'field-error', attrs: { id: `${prefix}-languages-error`, 'data-error-for': 'languages', tabindex: '-1' } });
  show(error, false);
  const boxes = ['en', 'fr'].map((code) => {
    const box = make('input', { attrs: { type: 'checkbox', name: 'languages', value: code } });
    box.checked = checked.includes(code);
    return box;
  });
  const fieldset = make('fieldset', { className: 'choice-group', attrs: { 'aria-describedby': error.id } }, [
    make('legend', { text: legend }),
    make('div', { className: 'choices' }, boxes.map((box) => make('label', { className: 'choice' }, [box, document.createTextNode(` ${capitalized(languageName(box.value))}`)]))),
    error,
  ]);
  return { fieldset, chosen: () => boxes.filter((box) => box.checked).map((box) => box.value) };
}

/**
 * A label's first letter up ("français" starts a sentence, not a choice).
 * @param {string} text
 */
function capitalized(text) {
  return text.charAt(0).toLocaleUpperCase(locale()) + text.slice(1);
}

/**
 * A refusal made in the page, worded as the server words its own.
 * @param {string} field
 * @param {string} text
 */
export const refusal = (field, text) => new ApiError(400, 'invalid', `${field}: ${text}`, field);

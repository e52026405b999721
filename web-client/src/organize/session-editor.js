// A form that changes one scheduled session, in place under it: its title,
// date and time, length, places and facilitators. A meeting of a group
// changes alone; the group's other meetings stay as they were. Only what was
// changed is sent, and a refusal shows next to its field: the server changes
// nothing when it refuses. The list it opens under is the caller's to redraw.

import * as api from './api.js';
import { make, show } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { clearErrors, say, showError } from './page-parts.js';

/** @typedef {import('./api.js').SessionView} SessionView */
/** @typedef {import('./api.js').SessionInput} SessionInput */

/**
 * @typedef {object} EditHooks
 * @property {(changed: SessionView) => void | Promise<void>} onSaved
 * @property {() => void} onClose closed without saving: put focus back
 * @property {(error: unknown) => void} onUnauthorized
 */

/** Each form's ids are its own, though the same session can show twice. */
let forms = 0;

/**
 * Opens the form in `slot` (replacing what is there) and focuses its title.
 * @param {HTMLElement} slot
 * @param {SessionView} session
 * @param {EditHooks} hooks
 * @returns {HTMLFormElement}
 */
export function openEditor(slot, session, hooks) {
  forms += 1;
  const prefix = `edit-${forms}`;
  const meeting = session.series_id !== null;
  const headingId = `${prefix}-heading`;
  const zone = session.time_zone.replaceAll('_', ' ');

  /**
   * A labelled control with its hint and its error slot.
   * @param {string} name the API's field name, which the server's errors name
   * @param {string} label
   * @param {string} hint
   * @param {HTMLInputElement | HTMLSelectElement} control
   */
  const field = (name, label, hint, control) => {
    const id = `${prefix}-${name}`;
    control.id = id;
    control.name = name;
    control.setAttribute('aria-describedby', `${id}-hint ${id}-error`);
    const error = make('p', { className: 'field-error', attrs: { id: `${id}-error`, 'data-error-for': name } });
    show(error, false);
    return make('div', { className: 'field' }, [
      make('label', { text: label, attrs: { for: id } }),
      make('p', { className: 'hint', text: hint, attrs: { id: `${id}-hint` } }),
      control,
      error,
    ]);
  };
  /** @param {Record<string, string>} attrs @param {string} value */
  const input = (attrs, value) => {
    const control = make('input', { attrs });
    control.value = value;
    return control;
  };
  const number = { type: 'number', inputmode: 'numeric', step: '1' };
  // The media's end-to-end encryption: a change reaches a live room at once.
  const e2ee = make('select', {}, ['off', 'offered', 'required'].map((policy) =>
    make('option', { text: t(`organize.form.e2ee_${policy}`), attrs: { value: policy } })));
  e2ee.value = session.e2ee;

  const general = make('p', { className: 'notice notice-error', attrs: { role: 'alert' } });
  show(general, false);
  const note = make('p', { className: 'notice', attrs: { role: 'status', 'aria-live': 'polite' } });
  show(note, false);
  const save = make('button', { text: t('organize.edit.save'), className: 'primary', attrs: { type: 'submit' } });
  const close = make('button', { text: t('organize.close'), className: 'quiet', attrs: { type: 'button' } });
  const form = make('form', { className: 'form edit-form', attrs: { novalidate: '', 'aria-labelledby': headingId } }, [
    make('h3', { className: 'edit-heading', text: meeting ? t('organize.edit.heading_meeting') : t('organize.edit.heading_session'), attrs: { id: headingId } }),
    ...(meeting ? [make('p', { className: 'hint', text: t('organize.edit.meeting_note') })] : []),
    field('title', t('organize.form.title'), t('organize.edit.title_hint'), input({ type: 'text', maxlength: '200', required: '' }, session.title)),
    make('div', { className: 'field-grid' }, [
      field('starts_at', t('organize.form.starts_at'), t('organize.edit.starts_at_hint', { zone }),
        input({ type: 'datetime-local', required: '' }, session.starts_at_local)),
      field('duration_minutes', t('organize.form.length'), t('organize.form.length_hint'),
        input({ ...number, min: '1', max: '720', required: '' }, String(session.duration_minutes))),
      field('capacity', t('organize.form.places'), t('organize.form.places_hint'),
        input({ ...number, min: '2', max: '50', required: '' }, String(session.capacity))),
      field('facilitators', t('organize.form.facilitators'), t('organize.edit.facilitators_hint'),
        input({ type: 'text', autocomplete: 'off' }, session.facilitators.join(', '))),
    ]),
    field('e2ee', t('organize.form.e2ee'), t('organize.form.e2ee_hint'), e2ee),
    make('div', { className: 'row form-actions' }, [save, close]),
    general,
    note,
  ]);

  /** @param {string} name */
  const value = (name) => {
    const control = form.elements.namedItem(name);
    return control instanceof HTMLInputElement ? control.value.trim() : '';
  };

  /** @returns {api.ApiError | null} what the server would refuse, found before asking it */
  const check = () => {
    /** @param {string} name @param {string} message */
    const refuse = (name, message) => new api.ApiError(400, 'invalid', `${name}: ${message}`, name);
    if (!value('title')) return refuse('title', meeting ? t('organize.check.meeting_title') : t('organize.check.title'));
    if (!value('starts_at')) return refuse('starts_at', t('organize.check.starts_at'));
    for (const name of ['duration_minutes', 'capacity']) {
      if (!/^\d+$/.test(value(name))) return refuse(name, t('organize.check.whole_number'));
    }
    return null;
  };

  /** @returns {SessionInput} only what differs from the session as it is */
  const changes = () => {
    /** @type {SessionInput} */
    const input = {};
    if (value('title') !== session.title) input.title = value('title');
    if (value('starts_at') !== session.starts_at_local) input.starts_at = value('starts_at');
    if (Number(value('duration_minutes')) !== session.duration_minutes) input.duration_minutes = Number(value('duration_minutes'));
    if (Number(value('capacity')) !== session.capacity) input.capacity = Number(value('capacity'));
    const names = value('facilitators').split(',').map((n) => n.trim()).filter(Boolean);
    if (names.join('\n') !== session.facilitators.join('\n')) input.facilitators = names;
    if (e2ee.value !== session.e2ee) input.e2ee = /** @type {SessionInput['e2ee']} */ (e2ee.value);
    return input;
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, general);
    say(note, '');
    const problem = check();
    if (problem) {
      showError(form, general, problem);
      return;
    }
    const input = changes();
    if (Object.keys(input).length === 0) {
      say(note, t('organize.edit.nothing'), 'info');
      return;
    }
    save.disabled = true;
    try {
      const changed = await api.updateSession(session.id, input);
      await hooks.onSaved(changed);
    } catch (error) {
      if (error instanceof api.ApiError && error.status === 401) hooks.onUnauthorized(error);
      else showError(form, general, error);
    } finally {
      save.disabled = false;
    }
  });
  const dismiss = () => {
    form.remove();
    hooks.onClose();
  };
  close.addEventListener('click', dismiss);
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') dismiss();
  });

  slot.replaceChildren(form);
  const title = form.elements.namedItem('title');
  if (title instanceof HTMLInputElement) title.focus();
  return form;
}

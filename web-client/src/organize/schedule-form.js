// The form that schedules a session, with its optional agenda of timed
// segments, or a group that repeats (repeat-choice.js asks how). It turns
// what was typed into the API's `SessionInput` (or `SeriesInput`), and shows
// the server's refusals next to the field at fault. What is shown once it
// is scheduled is src/organize.js's.

import * as api from './api.js';
import { byId, make } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { RepeatChoice } from './repeat-choice.js';
import { fillTimeZones, suggestedStart } from './times.js';
import { clearErrors, showError, showErrors } from './page-parts.js';

/** @typedef {import('../shared/messages.js').E2eePolicy} E2eePolicy */
/** @typedef {import('./api.js').SessionInput} SessionInput */
/** @typedef {import('./api.js').SessionView} SessionView */
/** @typedef {import('./api.js').Links} Links */
/** @typedef {import('./api.js').SeriesDetail} SeriesDetail */
/** @typedef {import('./api.js').SegmentKind} SegmentKind */

/** Each kind and the key of its name (strings-organize.js). @type {[SegmentKind, string][]} */
const SEGMENT_KINDS = [
  ['check_in', 'organize.kind.check_in'],
  ['sharing', 'organize.kind.sharing'],
  ['discussion', 'organize.kind.discussion'],
  ['energizer', 'organize.kind.energizer'],
  ['breakouts', 'organize.kind.breakouts'],
  ['wrap_up', 'organize.kind.wrap_up'],
  ['custom', 'organize.kind.custom'],
];
const MAX_SEGMENTS = 30;

/**
 * @typedef {object} FormHooks
 * @property {(created: {session: SessionView, links: Links}) => void} onCreated a single session
 * @property {(created: SeriesDetail) => void} onSeriesCreated a group and all its meetings
 * @property {(error: unknown) => void} onUnauthorized
 */

export class SessionForm {
  /** @param {FormHooks} hooks */
  constructor({ onCreated, onSeriesCreated, onUnauthorized }) {
    this.onCreated = onCreated;
    this.onSeriesCreated = onSeriesCreated;
    this.onUnauthorized = onUnauthorized;
    this.panel = byId('form-panel', HTMLElement);
    this.heading = byId('form-heading', HTMLHeadingElement);
    this.form = byId('session-form', HTMLFormElement);
    this.general = byId('session-error', HTMLParagraphElement);
    this.submit = byId('session-submit', HTMLButtonElement);
    this.rows = byId('agenda-rows', HTMLOListElement);
    this.addSegment = byId('add-segment', HTMLButtonElement);
    this.zone = byId('s-time-zone', HTMLSelectElement);
    this.segmentCount = 0;
    this.repeat = new RepeatChoice(this.form, this.submit);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
    this.addSegment.addEventListener('click', () => this.addRow());
  }

  /**
   * Opens the form, fresh, with the organizer's time zone.
   * @param {string} timeZone
   */
  open(timeZone) {
    this.form.reset();
    this.rows.replaceChildren();
    clearErrors(this.form, this.general);
    fillTimeZones(this.zone, timeZone);
    this.input('starts_at').value = suggestedStart(timeZone);
    this.repeat.update();
    this.panel.hidden = false;
    this.input('title').focus();
  }

  close() {
    this.panel.hidden = true;
  }

  /**
   * A named control of the form.
   * @param {string} name
   * @returns {HTMLInputElement}
   */
  input(name) {
    const control = this.form.elements.namedItem(name);
    if (!(control instanceof HTMLInputElement)) throw new Error(`the session form has no input ${name}`);
    return control;
  }

  /** Adds an agenda segment row and focuses its title. */
  addRow() {
    if (this.rows.children.length >= MAX_SEGMENTS) return;
    this.segmentCount += 1;
    const id = `seg-${this.segmentCount}`;
    const title = make('input', { attrs: { id: `${id}-title`, type: 'text', maxlength: '100', 'data-part': 'title' } });
    const kind = make('select', { attrs: { id: `${id}-kind`, 'data-part': 'kind' } },
      SEGMENT_KINDS.map(([value, key]) => make('option', { text: t(key), attrs: { value, 'data-i18n': key } })));
    const minutes = make('input', {
      attrs: { id: `${id}-minutes`, type: 'number', inputmode: 'numeric', min: '1', max: '240', value: '10', 'data-part': 'minutes' },
    });
    const objective = make('input', { attrs: { id: `${id}-objective`, type: 'text', maxlength: '300', 'data-part': 'objective' } });
    // The rows' words carry their keys, so a change of language translates them in place.
    const remove = make('button', { text: t('organize.segment.remove'), className: 'quiet small-button',
      attrs: { type: 'button', 'data-i18n': 'organize.segment.remove' } });
    /** @param {string} key @param {HTMLElement} control @param {string} extra */
    const labelled = (key, control, extra = '') =>
      make('div', { className: `field ${extra}` }, [make('label', { text: t(key), attrs: { for: control.id, 'data-i18n': key } }), control]);
    const row = make('li', { className: 'agenda-row' }, [
      labelled('organize.segment.title', title, 'seg-title'),
      labelled('organize.segment.kind', kind, 'seg-kind'),
      labelled('organize.segment.minutes', minutes, 'seg-minutes'),
      labelled('organize.segment.objective', objective, 'seg-objective'),
      remove,
    ]);
    remove.addEventListener('click', () => {
      const next = row.nextElementSibling ?? row.previousElementSibling;
      row.remove();
      const focusable = next?.querySelector('input') ?? this.addSegment;
      focusable.focus();
    });
    this.rows.append(row);
    this.addSegment.disabled = this.rows.children.length >= MAX_SEGMENTS;
    title.focus();
  }

  /** @returns {SessionInput} */
  read() {
    const value = (/** @type {string} */ name) => this.input(name).value.trim();
    const number = (/** @type {string} */ name) => (value(name) === '' ? undefined : Number(value(name)));
    /** @type {SessionInput} */
    const input = {
      title: value('title'),
      starts_at: value('starts_at'),
      time_zone: this.zone.value,
      duration_minutes: number('duration_minutes'),
      capacity: number('capacity'),
      opens_minutes_before: number('opens_minutes_before'),
      facilitators: value('facilitators').split(',').map((n) => n.trim()).filter(Boolean),
      e2ee: /** @type {E2eePolicy} */ (byId('s-e2ee', HTMLSelectElement).value),
    };
    const rules = byId('s-rules', HTMLTextAreaElement).value.split('\n').map((r) => r.trim()).filter(Boolean);
    if (rules.length > 0) input.ground_rules = rules;
    const agenda = [...this.rows.children].map((row) => {
      const part = (/** @type {string} */ name) => {
        const control = row.querySelector(`[data-part="${name}"]`);
        return control instanceof HTMLInputElement || control instanceof HTMLSelectElement ? control.value.trim() : '';
      };
      const objective = part('objective');
      return {
        title: part('title'),
        kind: /** @type {SegmentKind} */ (part('kind')),
        minutes: Number(part('minutes')),
        ...(objective ? { objective } : {}),
      };
    });
    if (agenda.length > 0) input.agenda = agenda;
    return input;
  }

  /**
   * What the server would refuse, found before asking it: every field at
   * once (the server names only the first it meets).
   * @returns {api.ApiError[]}
   */
  problems() {
    /** @param {string} field @param {string} message */
    const refuse = (field, message) => new api.ApiError(400, 'invalid', `${field}: ${message}`, field);
    const found = [];
    if (!this.input('title').value.trim()) found.push(refuse('title', t('organize.check.title')));
    if (!this.input('starts_at').value) found.push(refuse('starts_at', t('organize.check.starts_at')));
    for (const name of ['duration_minutes', 'capacity', 'opens_minutes_before']) {
      const text = this.input(name).value.trim();
      if (text !== '' && !/^\d+$/.test(text)) found.push(refuse(name, t('organize.check.whole_number')));
    }
    if (!this.input('duration_minutes').value.trim()) found.push(refuse('duration_minutes', t('organize.check.length')));
    const repeat = this.repeat.check();
    if (repeat) found.push(repeat);
    return found;
  }

  async send() {
    clearErrors(this.form, this.general);
    const problems = this.problems();
    if (problems.length > 0) {
      showErrors(this.form, this.general, problems);
      return;
    }
    this.submit.disabled = true;
    try {
      const rule = this.repeat.rule();
      if (rule) {
        const created = await api.createSeries({ ...this.read(), ...rule });
        this.close();
        this.onSeriesCreated(created);
      } else {
        const created = await api.createSession(this.read());
        this.close();
        this.onCreated(created);
      }
    } catch (error) {
      if (error instanceof api.ApiError && error.status === 401) this.onUnauthorized(error);
      else showError(this.form, this.general, error);
    } finally {
      this.submit.disabled = false;
    }
  }
}

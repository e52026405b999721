// The schedule form's "Repeats" choice: does not repeat, every week or every
// two weeks; and then for a number of meetings or until a date. It shows
// the second question only when the first needs it, and turns both into the
// rule of the API's `SeriesInput`. It sends nothing: the form does.

import * as api from './api.js';
import { byId, show } from '../shared/dom.js';
import { t } from '../shared/i18n.js';

/** @typedef {{every_weeks: 1 | 2, count?: number, until?: string}} Rule */

export class RepeatChoice {
  /**
   * @param {HTMLFormElement} form the schedule form, which holds the radios
   * @param {HTMLButtonElement} submit its button, which says what it makes
   */
  constructor(form, submit) {
    this.form = form;
    this.submit = submit;
    this.end = byId('repeat-end', HTMLDivElement);
    this.countField = byId('count-field', HTMLDivElement);
    this.untilField = byId('until-field', HTMLDivElement);
    this.count = byId('s-count', HTMLInputElement);
    this.until = byId('s-until', HTMLInputElement);
    form.addEventListener('change', (event) => {
      const target = event.target;
      if (target instanceof HTMLInputElement && (target.name === 'repeat' || target.name === 'repeat_end')) this.update();
    });
  }

  /**
   * The value of the checked radio of a group.
   * @param {string} name
   */
  checked(name) {
    const radio = this.form.querySelector(`input[name="${name}"]:checked`);
    return radio instanceof HTMLInputElement ? radio.value : '';
  }

  /** @returns {0 | 1 | 2} 0: a single session */
  everyWeeks() {
    const value = this.checked('repeat');
    return value === '1' ? 1 : value === '2' ? 2 : 0;
  }

  /** @returns {'count' | 'until'} */
  endsBy() {
    return this.checked('repeat_end') === 'until' ? 'until' : 'count';
  }

  /** Shows what the choice needs, after a change or a reset of the form. */
  update() {
    const repeats = this.everyWeeks() !== 0;
    show(this.end, repeats);
    show(this.countField, this.endsBy() === 'count');
    show(this.untilField, this.endsBy() === 'until');
    this.submit.textContent = repeats ? t('organize.form.submit_group') : t('organize.form.submit');
  }

  /** @returns {Rule | null} null for a single session */
  rule() {
    const every = this.everyWeeks();
    if (every === 0) return null;
    return this.endsBy() === 'count'
      ? { every_weeks: every, count: Number(this.count.value.trim()) }
      : { every_weeks: every, until: this.until.value };
  }

  /** @returns {api.ApiError | null} what the server would refuse, found before asking it */
  check() {
    if (this.everyWeeks() === 0) return null;
    /** @param {string} field @param {string} message */
    const refuse = (field, message) => new api.ApiError(400, 'invalid', `${field}: ${message}`, field);
    if (this.endsBy() === 'count' && !/^\d+$/.test(this.count.value.trim())) {
      return refuse('count', t('organize.check.count'));
    }
    if (this.endsBy() === 'until' && !this.until.value) return refuse('until', t('organize.check.until'));
    return null;
  }
}

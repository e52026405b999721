// The request form and its confirmation. The form asks first for what a
// match needs (a name, a language, the times that suit, how to come back)
// and folds the optional preferences away, so that on a phone the whole form
// and its button are in view at once. The server checks everything: a
// refusal is shown next to the field it names, in the page's language, and
// nothing typed is lost. Once the request is in, the confirmation says what
// happens next and gives the private link to keep.

import * as api from './api.js';
import { byId, make, show, tx } from '../shared/dom.js';
import { LANGUAGE_CHANGED, language, t } from '../shared/i18n.js';
import { failureText, linkBox, rememberToken } from './request-status.js';

/** @typedef {import('./api.js').FrontDoor} FrontDoor */
/** @typedef {import('./api.js').RequestInput} RequestInput */

/**
 * What to say next to each field the server may name. Fields it names that
 * are not here get its own words under the form.
 * @type {Record<string, string>}
 */
const FIELD_WORDS = {
  first_name: 'door.error.first_name',
  language: 'door.error.choice',
  times: 'door.error.times',
  contact: 'door.error.choice',
  email: 'door.error.email',
  practice_area: 'door.error.practice_area',
  area_preference: 'door.error.choice',
  supporter_status: 'door.error.choice',
};

/**
 * The value of a <select> if it is one of `allowed`, else the first.
 * @template {string} T
 * @param {HTMLSelectElement} select
 * @param {readonly T[]} allowed
 * @returns {T}
 */
function chosen(select, allowed) {
  return allowed.find((value) => value === select.value) ?? allowed[0];
}

export class FrontDoorForm {
  /**
   * @param {{showView: (view: 'ask' | 'sent', focus: boolean) => void}} page
   */
  constructor(page) {
    this.page = page;
    this.el = {
      form: byId('ask-form', HTMLFormElement),
      name: byId('first-name', HTMLInputElement),
      language: byId('talk-language', HTMLSelectElement),
      times: byId('times', HTMLTextAreaElement),
      contact: byId('contact-choice', HTMLFieldSetElement),
      emailField: byId('email-field', HTMLDivElement),
      email: byId('email', HTMLInputElement),
      noMail: byId('no-mail', HTMLParagraphElement),
      preferences: byId('preferences', HTMLDetailsElement),
      areaField: byId('practice-area-field', HTMLDivElement),
      areaError: byId('practice-area-error', HTMLParagraphElement),
      areaPreference: byId('area-preference', HTMLSelectElement),
      supporterStatus: byId('supporter-status', HTMLSelectElement),
      submit: byId('ask-submit', HTMLButtonElement),
      error: byId('ask-error', HTMLParagraphElement),
      sentLink: byId('sent-link', HTMLDivElement),
      sentOpen: byId('sent-open', HTMLAnchorElement),
    };
    /** The practice area's control: the roster's areas, or free text while it lists none. */
    this.area = this.areaControl([]);
    /** Whether the person chose the language to talk in, rather than it following the page's. */
    this.languageChosen = false;
    this.el.language.value = language();
    this.el.language.addEventListener('change', () => { this.languageChosen = true; });
    document.addEventListener(LANGUAGE_CHANGED, () => {
      if (!this.languageChosen) this.el.language.value = language();
    });
    this.el.contact.addEventListener('change', () => this.showEmail());
    this.el.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
  }

  /**
   * Fits the form to the deployment: its practice areas, and email only if
   * the server can send it. Without an answer (`null`) the form still works:
   * free text for the area, both ways to be reached.
   * @param {FrontDoor | null} door
   */
  setup(door) {
    this.area = this.areaControl(door?.practice_areas ?? []);
    const mail = door?.mail_enabled ?? true;
    show(this.el.contact, mail);
    show(this.el.noMail, !mail);
    if (!mail) this.contactInput('link').checked = true;
    this.showEmail();
  }

  /**
   * @param {'email' | 'link'} value
   * @returns {HTMLInputElement}
   */
  contactInput(value) {
    const input = this.el.contact.querySelector(`input[value="${value}"]`);
    if (!(input instanceof HTMLInputElement)) throw new Error(`support.html has no contact choice "${value}"`);
    return input;
  }

  /** @returns {'email' | 'link'} */
  contact() {
    return this.contactInput('email').checked && !this.el.contact.hidden ? 'email' : 'link';
  }

  showEmail() {
    show(this.el.emailField, this.contact() === 'email');
  }

  /**
   * The practice area's control, put in place under its label: the areas the
   * roster's supporters have, with "Prefer not to say" and "Another area"
   * (typed in, since theirs may be one no supporter has), or free text when
   * the roster lists none.
   * @param {string[]} areas
   * @returns {HTMLSelectElement | HTMLInputElement}
   */
  areaControl(areas) {
    const attrs = { id: 'practice-area', name: 'practice_area', 'aria-describedby': 'practice-area-error' };
    for (const id of ['practice-area', 'practice-area-hint', 'practice-area-other-field']) this.el.areaField.querySelector(`#${id}`)?.remove();
    /** The typed area, with "Another area" chosen. @type {HTMLInputElement | null} */
    this.areaOther = null;
    if (!areas.length) {
      const input = make('input', { attrs: { ...attrs, type: 'text', maxlength: '60', 'aria-describedby': 'practice-area-hint practice-area-error' } });
      this.el.areaError.before(tx('p', 'door.field.practice_area_hint', { className: 'hint', attrs: { id: 'practice-area-hint' } }), input);
      return input;
    }
    const select = make('select', { attrs }, [
      tx('option', 'door.area.unsaid', { attrs: { value: '' } }),
      ...areas.map((area) => make('option', { text: area, attrs: { value: area } })),
      tx('option', 'door.area.other', { attrs: { value: '', 'data-other': '' } }),
    ]);
    const other = make('input', { attrs: { id: 'practice-area-other', type: 'text', maxlength: '60', 'aria-describedby': 'practice-area-error' } });
    const otherField = make('div', { className: 'field', attrs: { id: 'practice-area-other-field' } }, [
      tx('label', 'door.field.practice_area_other', { attrs: { for: other.id } }),
      other,
    ]);
    show(otherField, false);
    select.addEventListener('change', () => {
      show(otherField, this.otherArea());
      if (this.otherArea()) other.focus();
    });
    this.el.areaError.before(select, otherField);
    this.areaOther = other;
    return select;
  }

  /** Whether "Another area" is chosen. */
  otherArea() {
    return this.area instanceof HTMLSelectElement && this.area.selectedOptions[0]?.hasAttribute('data-other') === true;
  }

  /** @returns {RequestInput} */
  input() {
    const contact = this.contact();
    const area = (this.otherArea() ? this.areaOther?.value ?? '' : this.area.value).trim();
    return {
      first_name: this.el.name.value.trim(),
      language: chosen(this.el.language, /** @type {const} */ (['en', 'fr'])),
      practice_area: area === '' ? null : area,
      area_preference: chosen(this.el.areaPreference, /** @type {const} */ (['any', 'same', 'different'])),
      supporter_status: chosen(this.el.supporterStatus, /** @type {const} */ (['any', 'practising', 'resident', 'retired'])),
      times: this.el.times.value.trim(),
      contact,
      email: contact === 'email' ? this.el.email.value.trim() : null,
      time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone || null,
    };
  }

  clearErrors() {
    for (const slot of this.el.form.querySelectorAll('[data-error-for]')) show(/** @type {HTMLElement} */ (slot), false);
    for (const control of this.el.form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
    show(this.el.error, false);
  }

  async send() {
    this.clearErrors();
    const input = this.input();
    this.el.submit.disabled = true;
    try {
      const created = await api.ask(input);
      this.sent(created, input);
    } catch (error) {
      this.refused(error);
    } finally {
      this.el.submit.disabled = false;
    }
  }

  /**
   * Shows a refusal next to the field it names, and puts the focus there;
   * otherwise under the form. What was typed stays.
   * @param {unknown} error
   */
  refused(error) {
    const field = error instanceof api.SupportApiError ? error.field : null;
    const slot = field ? this.el.form.querySelector(`[data-error-for="${CSS.escape(field)}"]`) : null;
    if (!(slot instanceof HTMLElement) || !field) {
      this.el.error.textContent = failureText(error);
      show(this.el.error, true);
      this.el.submit.focus();
      return;
    }
    slot.textContent = FIELD_WORDS[field] ? t(FIELD_WORDS[field]) : failureText(error);
    show(slot, true);
    // A preference at fault is folded away: unfold it first.
    if (this.el.preferences.contains(slot)) this.el.preferences.open = true;
    const control = this.el.form.elements.namedItem(field);
    const target = control instanceof RadioNodeList ? control[0] : control;
    if (target instanceof HTMLElement) {
      target.setAttribute('aria-invalid', 'true');
      target.focus();
    } else {
      slot.focus();
    }
  }

  /**
   * The request is in: what happens next, and the link to keep.
   * @param {import('./api.js').RequestCreated} created
   * @param {RequestInput} input
   */
  sent(created, input) {
    rememberToken(created.link);
    const mailed = input.contact === 'email' && created.mail_enabled;
    this.el.sentLink.replaceChildren(
      linkBox(created.link),
      tx('p', mailed ? 'door.sent.keep_link_email' : 'door.sent.keep_link', { className: 'keep-advice' }),
    );
    // The same page with the link's fragment: it opens at once, in the language in use.
    this.el.sentOpen.href = `${location.pathname}${location.search}${new URL(created.link).hash}`;
    // Asking again in this tab starts from an empty form.
    this.el.form.reset();
    this.areaOther?.parentElement?.setAttribute('hidden', '');
    this.el.language.value = language();
    this.languageChosen = false;
    this.showEmail();
    this.page.showView('sent', true);
  }
}

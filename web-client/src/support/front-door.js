// The request form and its confirmation. The form asks first for what a
// match needs (a name, a language, the times that suit, how to come back)
// and folds the optional preferences away, so that on a phone the whole form
// and its button are in view at once. Where the deployment allows it, the
// physician may instead book an open time (slots.js): "times that suit you"
// is then optional. The server checks everything: a refusal is shown next to
// the field it names, in the page's language, and nothing typed is lost.
// Once the request is in, the confirmation says what happens next (or the
// time booked) and gives the private link to keep.

import * as api from './api.js';
import { byId, make, show, tx } from '../shared/dom.js';
import { LANGUAGE_CHANGED, language, t } from '../shared/i18n.js';
import { meetingTimes } from './meeting-time.js';
import { failureText, linkBox, rememberToken } from './request-status.js';
import { SlotPicker, slotWords } from './slots.js';

/** @typedef {import('./api.js').FrontDoor} FrontDoor */
/** @typedef {import('./api.js').RequestInput} RequestInput */
/** @typedef {import('./api.js').Slot} Slot */

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
  slot: 'door.error.slot',
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
      timesLabel: byId('times-label', HTMLLabelElement),
      timesHint: byId('times-hint', HTMLParagraphElement),
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
      sentHeading: byId('sent-heading', HTMLHeadingElement),
      sentNext: byId('sent-next', HTMLParagraphElement),
      sentBooked: byId('sent-booked', HTMLDivElement),
      sentLink: byId('sent-link', HTMLDivElement),
      sentOpen: byId('sent-open', HTMLAnchorElement),
    };
    this.slots = new SlotPicker({ changed: () => this.bookingChanged() });
    /**
     * The time the request just sent booked, and whether news comes by
     * email: to word the confirmation again in another language.
     * @type {{slot: Slot, mailed: boolean} | null}
     */
    this.booked = null;
    /** The practice area's control: the roster's areas, or free text while it lists none. */
    this.area = this.areaControl([]);
    /** Whether the person chose the language to talk in, rather than it following the page's. */
    this.languageChosen = false;
    this.el.language.value = language();
    this.el.language.addEventListener('change', () => {
      this.languageChosen = true;
      void this.slots.load(this.talkLanguage());
    });
    document.addEventListener(LANGUAGE_CHANGED, () => {
      if (!this.languageChosen && this.el.language.value !== language()) {
        this.el.language.value = language();
        void this.slots.load(this.talkLanguage());
      }
      if (this.booked) this.drawBooked(this.booked);
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
    this.slots.setup(door?.self_booking === true, this.talkLanguage());
  }

  /** The language to talk in, as the server takes it. */
  talkLanguage() {
    return chosen(this.el.language, /** @type {const} */ (['en', 'fr']));
  }

  /**
   * With a time chosen, "times that suit you" is optional (other times, in
   * case the supporter must propose one) and the button says it books.
   */
  bookingChanged() {
    const booked = this.slots.chosen() !== null;
    for (const [element, key] of /** @type {const} */ ([
      [this.el.timesLabel, booked ? 'door.field.times_booked' : 'door.field.times'],
      [this.el.timesHint, booked ? 'door.field.times_booked_hint' : 'door.field.times_hint'],
      [this.el.submit, booked ? 'door.ask.book' : 'door.ask.submit'],
    ])) {
      element.setAttribute('data-i18n', key);
      element.textContent = t(key);
    }
    this.el.times.required = !booked;
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
      language: this.talkLanguage(),
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
    // Only the page knows the physician meant to book: with times on offer, one must be chosen.
    const slot = this.slots.chosen();
    if (this.slots.offered() && !slot) {
      this.slots.askForOne();
      return;
    }
    if (slot) {
      input.slot = { supporter_id: slot.supporter_id, starts_at: slot.starts_at };
      // The server wants some times; the one booked, in words, says enough.
      if (!input.times) input.times = slotWords(slot);
    }
    this.el.submit.disabled = true;
    try {
      const created = await api.ask(input);
      this.sent(created, input, slot);
    } catch (error) {
      if (slot && error instanceof api.SupportApiError && error.status === 409) await this.taken();
      else this.refused(error);
    } finally {
      this.el.submit.disabled = false;
    }
  }

  /** The time was just taken: the times again, and a plain word; what was typed stays. */
  async taken() {
    if (await this.slots.taken()) return;
    // Booking is no longer offered: the form as it always was.
    this.el.error.textContent = t('door.error.booking_off');
    show(this.el.error, true);
    this.el.times.focus();
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
   * The request is in: what happens next (or the time booked), and the link to keep.
   * @param {import('./api.js').RequestCreated} created
   * @param {RequestInput} input
   * @param {Slot | null} slot the time booked with it
   */
  sent(created, input, slot) {
    rememberToken(created.link);
    const mailed = input.contact === 'email' && created.mail_enabled;
    this.booked = slot && created.state === 'matched' ? { slot, mailed } : null;
    const heading = this.booked ? 'door.sent.booked_heading' : 'door.sent.heading';
    this.el.sentHeading.setAttribute('data-i18n', heading);
    this.el.sentHeading.textContent = t(heading);
    show(this.el.sentNext, !this.booked);
    show(this.el.sentBooked, this.booked !== null);
    if (this.booked) this.drawBooked(this.booked);
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
    this.slots.reset(this.talkLanguage());
    this.bookingChanged();
    this.page.showView('sent', true);
  }

  /**
   * The time booked, on the physician's clock and the supporter's, and that
   * the supporter confirms it: drawn again when the language changes.
   * @param {{slot: Slot, mailed: boolean}} booked
   */
  drawBooked({ slot, mailed }) {
    this.el.sentBooked.replaceChildren(
      make('p', { text: t('door.sent.booked', { name: slot.name, minutes: slot.minutes }) }),
      meetingTimes(slot, slot.name),
      make('p', { text: t(mailed ? 'door.sent.booked_next_email' : 'door.sent.booked_next', { name: slot.name }) }),
    );
  }
}

// Booking an open time at the front door, where the deployment offers it:
// the choice between "Book a time now" and "Let an organizer match me" (the
// form as before), and under the first the open times for the language to
// talk in, grouped by day on the physician's own clock, each with who the
// supporter is. The server decides what is open, up to the last moment (a
// time just taken is refused, and this loads the times again); the times
// kept here are only to draw them again (another language, "More times")
// and to keep a choice that is still open across a reload.

import * as api from './api.js';
import { button, byId, make, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, locale, t } from '../shared/i18n.js';
import { timeOfDay } from '../shared/time-text.js';
import { ownZone, span, zoneName } from './meeting-time.js';
import { failureText } from './request-status.js';

/** @typedef {import('./api.js').Slot} Slot */
/** @typedef {import('./api.js').Language} Language */

/**
 * How many times show before "More times": enough to choose from without
 * pushing the form's button far down a phone (each takes three lines there).
 */
const FIRST_SHOWN = 6;

/** A slot's value in its radio: the same time stays chosen across a reload. @param {Slot} slot */
const keyOf = (slot) => `${slot.supporter_id} ${slot.starts_at}`;

/** The calendar day a time falls on in the viewer's zone ("2026-12-03"), to group by. @param {number} millis */
function dayKey(millis) {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: ownZone() }).format(millis);
}

/**
 * "Tomorrow, Wednesday 2 December" (or "Demain, mercredi 2 décembre"): the
 * day in the viewer's zone, with "today" or "tomorrow" where it is one, so
 * that a time a few hours away is not misread as next week's.
 * @param {number} millis
 */
function dayLabel(millis) {
  const date = new Intl.DateTimeFormat(locale(), { weekday: 'long', month: 'long', day: 'numeric', timeZone: ownZone() }).format(millis);
  const now = Date.now();
  const offset = [dayKey(now), dayKey(now + 86_400_000)].indexOf(dayKey(millis));
  const words = offset < 0 ? date : `${new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' }).format(offset, 'day')}, ${date}`;
  return words.charAt(0).toLocaleUpperCase(locale()) + words.slice(1);
}

/** "19:00–19:45" on the viewer's clock. @param {Slot} slot */
function hours(slot) {
  const start = Date.parse(slot.starts_at);
  return new Intl.DateTimeFormat(locale(), { ...timeOfDay(), timeZone: ownZone() }).formatRange(start, start + slot.minutes * 60_000);
}

/**
 * A slot's time in words with the viewer's zone, "Thursday 3 December,
 * 19:00–19:45 (Toronto)": what goes in "times that suit you" when the
 * physician booked and wrote nothing there (the server wants some).
 * @param {Slot} slot
 */
export function slotWords(slot) {
  const start = Date.parse(slot.starts_at);
  return `${span(start, start + slot.minutes * 60_000, ownZone())} (${zoneName(ownZone())})`;
}

export class SlotPicker {
  /**
   * @param {{changed: () => void}} form told when what is chosen changes,
   *   since "times that suit you" and the button's words follow it
   */
  constructor(form) {
    this.form = form;
    this.el = {
      box: byId('booking', HTMLFieldSetElement),
      list: byId('slots', HTMLDivElement),
      zone: byId('slots-zone', HTMLParagraphElement),
      state: byId('slots-state', HTMLParagraphElement),
      days: byId('slot-days', HTMLDivElement),
      error: byId('slot-error', HTMLParagraphElement),
    };
    this.enabled = false;
    /** @type {Language} */
    this.language = 'en';
    /** The open times last loaded; null while loading or when they could not be. @type {Slot[] | null} */
    this.slots = null;
    /** Whether "More times" was pressed. */
    this.all = false;
    /** Only the latest load may draw: a slower answer for another language is dropped. */
    this.loads = 0;
    this.el.box.addEventListener('change', (event) => {
      if (event.target instanceof HTMLInputElement && event.target.name === 'booking') this.showList();
      // A choice made answers what was said about the last one.
      show(this.el.error, false);
      this.form.changed();
    });
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
  }

  /**
   * Offers booking, or not (then nothing of this shows, as before).
   * @param {boolean} enabled
   * @param {Language} language
   */
  setup(enabled, language) {
    this.enabled = enabled;
    show(this.el.box, enabled);
    this.showList();
    if (enabled) void this.load(language);
  }

  /** @returns {HTMLInputElement} */
  bookingInput(/** @type {'slot' | 'match'} */ value) {
    const input = this.el.box.querySelector(`input[name="booking"][value="${value}"]`);
    if (!(input instanceof HTMLInputElement)) throw new Error(`support.html has no booking choice "${value}"`);
    return input;
  }

  /** Whether the physician means to book a time (rather than be matched). */
  booking() {
    return this.enabled && this.bookingInput('slot').checked;
  }

  /** Whether there are times to choose from under "Book a time now". */
  offered() {
    return this.booking() && (this.slots?.length ?? 0) > 0;
  }

  /** The time chosen, if booking. @returns {Slot | null} */
  chosen() {
    if (!this.booking() || !this.slots) return null;
    const checked = this.el.days.querySelector('input[name="slot"]:checked');
    return this.slots.find((slot) => checked instanceof HTMLInputElement && keyOf(slot) === checked.value) ?? null;
  }

  /** The chosen time's radio value, or null. */
  chosenKey() {
    const slot = this.chosen();
    return slot ? keyOf(slot) : null;
  }

  showList() {
    show(this.el.list, this.booking());
  }

  /**
   * Loads the open times for `language` and draws them, keeping the time
   * chosen if it is still open.
   * @param {Language} language
   */
  async load(language) {
    if (!this.enabled) return;
    this.language = language;
    const load = ++this.loads;
    const kept = this.chosenKey();
    this.slots = null;
    this.say('door.slots.loading');
    this.el.days.replaceChildren();
    show(this.el.zone, false);
    this.form.changed();
    try {
      const slots = await api.slots(language);
      if (load !== this.loads) return;
      this.slots = slots;
    } catch (error) {
      if (load !== this.loads) return;
      if (error instanceof api.SupportApiError && error.status === 404) {
        // The deployment stopped offering it meanwhile: the form as before.
        this.setup(false, language);
        this.form.changed();
        return;
      }
      this.failed(error);
      return;
    }
    this.draw(kept);
    this.form.changed();
  }

  /**
   * The open times, by day. `keep` is the radio to check (by default, the
   * one checked now).
   * @param {string | null} [keep]
   */
  draw(keep = this.chosenKey()) {
    const { slots } = this;
    if (!this.enabled || slots === null) return;
    if (!slots.length) {
      this.say('door.slots.none');
      show(this.el.zone, false);
      this.el.days.replaceChildren();
      return;
    }
    this.say('');
    this.el.zone.textContent = t('door.slots.zone', { zone: zoneName(ownZone()) });
    show(this.el.zone, true);
    const keepAt = slots.findIndex((slot) => keyOf(slot) === keep);
    // A chosen time stays in view even if "More times" was never pressed.
    const shown = this.all ? slots : slots.slice(0, Math.max(FIRST_SHOWN, keepAt + 1));
    /** @type {Map<string, HTMLFieldSetElement>} */
    const days = new Map();
    shown.forEach((slot, index) => {
      const start = Date.parse(slot.starts_at);
      const day = dayKey(start);
      let group = days.get(day);
      if (!group) {
        group = make('fieldset', { className: 'slot-day' }, [make('legend', { text: dayLabel(start) })]);
        days.set(day, group);
      }
      group.append(this.slotChoice(slot, index, keyOf(slot) === keep));
    });
    /** @type {HTMLElement[]} */
    const parts = [...days.values()];
    if (shown.length < slots.length) {
      const more = button('door.slots.more', 'quiet small-button slots-more');
      more.addEventListener('click', () => {
        this.all = true;
        this.draw();
        // The first time that was hidden, so the keyboard goes on from there.
        const next = this.el.days.querySelectorAll('input[name="slot"]')[shown.length];
        if (next instanceof HTMLInputElement) next.focus();
      });
      parts.push(make('p', { className: 'row' }, [more]));
    }
    this.el.days.replaceChildren(...parts);
  }

  /**
   * One time as a radio: the hours and the supporter's name are its name;
   * their languages and areas describe it.
   * @param {Slot} slot
   * @param {number} index
   * @param {boolean} checked
   */
  slotChoice(slot, index, checked) {
    const id = `slot-${index}`;
    const list = new Intl.ListFormat(locale(), { type: 'conjunction' });
    const names = new Intl.DisplayNames([locale()], { type: 'language' });
    const about = [];
    if (slot.languages.length) about.push(t('door.supporter.languages', { languages: list.format(slot.languages.map((code) => names.of(code) ?? code)) }));
    if (slot.practice_areas.length) about.push(t('door.supporter.areas', { areas: list.format(slot.practice_areas) }));
    const input = make('input', {
      attrs: { type: 'radio', name: 'slot', value: keyOf(slot), id, 'aria-labelledby': `${id}-when ${id}-who`, 'aria-describedby': `${id}-about` },
    });
    input.checked = checked;
    return make('label', { className: 'slot', attrs: { for: id } }, [
      input,
      make('span', { className: 'slot-text' }, [
        make('span', { className: 'slot-line' }, [
          make('strong', { className: 'slot-when', text: hours(slot), attrs: { id: `${id}-when` } }),
          make('span', { className: 'slot-who', text: slot.name, attrs: { id: `${id}-who` } }),
        ]),
        make('span', { className: 'slot-about', text: about.join(' '), attrs: { id: `${id}-about` } }),
      ]),
    ]);
  }

  /**
   * The times could not be loaded: says so, with a way to try again; the
   * physician can still let an organizer match them.
   * @param {unknown} error
   */
  failed(error) {
    this.say('');
    this.el.state.append(failureText(error), ' ');
    const retry = button('door.status.retry', 'small-button');
    retry.addEventListener('click', () => void this.load(this.language));
    this.el.state.append(retry);
    show(this.el.state, true);
  }

  /**
   * The line under the choice ('' for none): marked with its key, so the
   * page's language picker words it again (failed() writes its own, unmarked).
   * @param {string} key
   */
  say(key) {
    if (key) this.el.state.setAttribute('data-i18n', key);
    else this.el.state.removeAttribute('data-i18n');
    this.el.state.textContent = key ? t(key) : '';
    show(this.el.state, key !== '');
  }

  /** No time was chosen, though there are some: says so beside them. */
  askForOne() {
    this.refuse('door.error.slot');
    const first = this.el.days.querySelector('input[name="slot"]');
    if (first instanceof HTMLInputElement) first.focus();
  }

  /**
   * The time was just taken (or is no longer open): says so beside the times,
   * loads them again, and leaves the focus on the words, which a screen
   * reader then reads; everything else typed stays as it was.
   * @returns {Promise<boolean>} whether booking is still offered (else the
   *   times are gone, and the form says so under itself)
   */
  async taken() {
    this.refuse('door.error.slot_taken');
    this.el.error.focus();
    await this.load(this.language);
    return this.enabled;
  }

  /** @param {string} key */
  refuse(key) {
    this.el.error.textContent = t(key);
    show(this.el.error, true);
  }

  /**
   * After a request is in: "Book a time now" again (the form was reset), and
   * the times loaded again, since the one booked is gone.
   * @param {Language} language
   */
  reset(language) {
    this.all = false;
    this.showList();
    if (this.enabled) void this.load(language);
  }
}

// A peer supporter's profile, under their requests: the pause switch first
// (on leave, or full: no new requests; saved as soon as it is flipped), then
// the languages they support in, their practice areas and time zone (saved
// together), and the weekly times they are usually free, as a short list of
// windows they add and remove (each saved at once; the API counts minutes
// from midnight on their own clock, Monday being day 0).

import * as support from './support-api.js';
import { byId, make, show } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { clearErrors, errorMessage, say, showError, showErrors } from './page-parts.js';
import { fillTimeZones } from './times.js';
import { dayName, freshId, labelledField, languageChoices, loginEnded, refusal, windowText } from './support-parts.js';

/** @typedef {import('./support-api.js').Supporter} Supporter */
/** @typedef {import('./support-api.js').Window} Window */

export class SupporterProfile {
  /**
   * @param {(error: unknown) => void} onUnauthorized
   * @param {(profile: Supporter) => void} onChanged told of every profile the server answers (its time zone matters to the requests)
   */
  constructor(onUnauthorized, onChanged) {
    this.onUnauthorized = onUnauthorized;
    this.onChanged = onChanged;
    this.body = byId('profile-body', HTMLDivElement);
    /** @type {Supporter | null} */
    this.profile = null;
    /** Where the weekly windows are listed, once drawn. @type {HTMLElement | null} */
    this.windows = null;
    /** The new window's day, where the focus goes when the last window is removed. @type {HTMLSelectElement | null} */
    this.dayField = null;
  }

  /** Loads the profile and draws it. */
  async load() {
    try {
      this.set(await support.myProfile());
      this.draw();
    } catch (error) {
      if (loginEnded(error)) this.onUnauthorized(error);
      else this.body.replaceChildren(make('p', { className: 'notice notice-error', text: errorMessage(error) }));
    }
  }

  /** @param {Supporter} profile */
  set(profile) {
    this.profile = profile;
    this.onChanged(profile);
  }

  /** Draws the whole profile (again, in another language). */
  draw() {
    if (!this.profile) return;
    this.body.replaceChildren(this.pauseSwitch(this.profile), this.form(this.profile), this.availability());
  }

  /** @param {Supporter} profile */
  pauseSwitch(profile) {
    const id = freshId('pause');
    const toggle = make('input', { attrs: { id, type: 'checkbox', role: 'switch', 'aria-describedby': `${id}-hint ${id}-state` } });
    toggle.checked = profile.paused;
    const state = make('p', { className: 'pause-state', attrs: { id: `${id}-state`, role: 'status' } });
    const describe = () => {
      state.textContent = toggle.checked ? t('supporter.pause.on') : t('supporter.pause.off');
      state.classList.remove('notice', 'notice-error');
      state.dataset.paused = String(toggle.checked);
    };
    describe();
    toggle.addEventListener('change', async () => {
      toggle.disabled = true;
      try {
        this.set(await support.changeProfile({ paused: toggle.checked }));
        describe();
      } catch (error) {
        toggle.checked = !toggle.checked;
        if (loginEnded(error)) this.onUnauthorized(error);
        else say(state, errorMessage(error), 'error');
      } finally {
        toggle.disabled = false;
        toggle.focus();
      }
    });
    return make('div', { className: 'pause-box' }, [
      make('label', { className: 'switch', attrs: { for: id } }, [toggle, make('span', { text: t('supporter.pause') })]),
      make('p', { className: 'hint', text: t('supporter.pause_hint'), attrs: { id: `${id}-hint` } }),
      state,
    ]);
  }

  /** @param {Supporter} profile */
  form(profile) {
    const prefix = freshId('profile');
    const languages = languageChoices(prefix, t('supporter.profile.languages'), profile.languages);
    const areas = make('input', { attrs: { type: 'text', autocomplete: 'off' } });
    areas.value = profile.practice_areas.join(', ');
    const zone = make('select');
    fillTimeZones(zone, profile.time_zone);
    // Off by default: the physician comes straight in; on, the supporter lets them in.
    const waiting = make('input', { attrs: { type: 'checkbox', id: `${prefix}-waiting-room`, 'aria-describedby': `${prefix}-waiting-room-hint` } });
    waiting.checked = profile.waiting_room;
    const submit = make('button', { text: t('supporter.profile.save'), className: 'primary', attrs: { type: 'submit' } });
    const general = make('p', { className: 'notice notice-error', attrs: { role: 'alert' } });
    show(general, false);
    const saved = make('p', { className: 'notice small', attrs: { role: 'status' } });
    show(saved, false);
    const form = make('form', { className: 'form profile-form', attrs: { novalidate: '' } }, [
      languages.fieldset,
      labelledField(prefix, 'practice_areas', t('supporter.profile.areas'), areas, t('supporter.profile.areas_hint')),
      labelledField(prefix, 'time_zone', t('supporter.profile.zone'), zone, t('supporter.profile.zone_hint')),
      make('div', { className: 'field' }, [
        make('label', { className: 'choice', attrs: { for: waiting.id } }, [waiting, document.createTextNode(` ${t('supporter.profile.waiting_room')}`)]),
        make('p', { className: 'hint', text: t('supporter.profile.waiting_room_hint'), attrs: { id: `${prefix}-waiting-room-hint` } }),
      ]),
      make('div', { className: 'row form-actions' }, [submit]),
      general,
      saved,
    ]);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form, general);
      show(saved, false);
      const change = {
        languages: languages.chosen(),
        practice_areas: areas.value.split(',').map((area) => area.trim()).filter(Boolean),
        time_zone: zone.value,
        waiting_room: waiting.checked,
      };
      const problems = [];
      if (change.languages.length === 0) problems.push(refusal('languages', t('supporter.check.languages')));
      if (change.practice_areas.length < 1 || change.practice_areas.length > 5) problems.push(refusal('practice_areas', t('supporter.check.areas')));
      if (problems.length > 0) {
        showErrors(form, general, problems);
        return;
      }
      submit.disabled = true;
      try {
        this.set(await support.changeProfile(change));
        say(saved, t('supporter.profile.saved'), 'ok');
      } catch (error) {
        if (loginEnded(error)) this.onUnauthorized(error);
        else showError(form, general, error);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  /** The weekly windows, and the form that adds one. */
  availability() {
    const prefix = freshId('free');
    const headingId = `${prefix}-heading`;
    this.windows = make('div');
    const day = make('select', {}, [0, 1, 2, 3, 4, 5, 6].map((d) => make('option', { text: dayName(d), attrs: { value: String(d) } })));
    this.dayField = day;
    const from = make('input', { attrs: { type: 'time', value: '18:00', step: '300' } });
    const to = make('input', { attrs: { type: 'time', value: '20:00', step: '300' } });
    const add = make('button', { text: t('supporter.free.add'), className: 'small-button', attrs: { type: 'submit' } });
    const error = make('p', { className: 'field-error', attrs: { id: `${prefix}-error`, 'data-error-for': 'availability', tabindex: '-1' } });
    show(error, false);
    const general = make('p', { className: 'notice notice-error', attrs: { role: 'alert' } });
    show(general, false);
    const form = make('form', { className: 'window-form', attrs: { novalidate: '', 'aria-labelledby': headingId } }, [
      make('div', { className: 'window-fields' }, [
        labelledField(prefix, 'day', t('supporter.free.day'), day),
        labelledField(prefix, 'from', t('supporter.free.from'), from),
        labelledField(prefix, 'to', t('supporter.free.to'), to),
      ]),
      error,
      make('div', { className: 'row' }, [add]),
      general,
    ]);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form, general);
      const start = minutesOf(from.value);
      const end = minutesOf(to.value, true);
      if (start === null || end === null || start >= end) {
        showErrors(form, general, [refusal('availability', t('supporter.check.window'))]);
        return;
      }
      /** @type {Window} */
      const chosen = { day: Number(day.value), from: start, to: end };
      const windows = [...(this.profile?.availability ?? []), chosen].sort((a, b) => a.day - b.day || a.from - b.from);
      add.disabled = true;
      try {
        this.set(await support.changeProfile({ availability: windows }));
        this.drawWindows(t('supporter.free.added', { window: windowText(chosen) }));
      } catch (failure) {
        if (loginEnded(failure)) this.onUnauthorized(failure);
        else showError(form, general, failure);
      } finally {
        add.disabled = false;
      }
    });
    this.drawWindows('');
    return make('section', { className: 'availability', attrs: { 'aria-labelledby': headingId } }, [
      make('h3', { text: t('supporter.free.heading'), attrs: { id: headingId } }),
      make('p', { className: 'hint', text: t('supporter.free.hint') }),
      this.windows,
      form,
    ]);
  }

  /**
   * The list of windows, each with Remove, and what just changed.
   * @param {string} news
   */
  drawWindows(news) {
    if (!this.windows || !this.profile) return;
    const windows = this.profile.availability;
    const status = make('p', { className: 'notice small', attrs: { role: 'status' } });
    show(status, false);
    const items = windows.map((window, index) => {
      const text = windowText(window);
      const remove = make('button', {
        text: t('supporter.free.remove'), className: 'quiet small-button', attrs: { type: 'button', 'aria-label': t('supporter.free.remove_label', { window: text }) },
      });
      remove.addEventListener('click', async () => {
        remove.disabled = true;
        try {
          this.set(await support.changeProfile({ availability: windows.filter((_, other) => other !== index) }));
          this.drawWindows(t('supporter.free.removed', { window: text }));
          // Its button is gone: the focus goes to the next one, or to the form.
          (this.windows?.querySelector('button') ?? this.dayField)?.focus();
        } catch (error) {
          remove.disabled = false;
          if (loginEnded(error)) this.onUnauthorized(error);
          else say(status, errorMessage(error), 'error');
        }
      });
      return make('li', { className: 'window' }, [make('span', { text }), remove]);
    });
    const list = windows.length > 0
      ? make('ul', { className: 'windows', attrs: { 'aria-label': t('supporter.free.list_label') } }, items)
      : make('p', { className: 'muted small', text: t('supporter.free.empty') });
    this.windows.replaceChildren(list, status);
    if (news) say(status, news, 'ok');
  }
}

/**
 * Minutes from midnight of a time field's `18:30`; midnight as an end is
 * the end of the day (1440), which a time field cannot write otherwise.
 * @param {string} value
 * @param {boolean} [end]
 */
function minutesOf(value, end = false) {
  const found = /^(\d{2}):(\d{2})/.exec(value);
  if (!found) return null;
  const minutes = Number(found[1]) * 60 + Number(found[2]);
  return end && minutes === 0 ? 24 * 60 : minutes;
}

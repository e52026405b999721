// "Nominate a supporter", in the organizers' "Peer support" tab: the form
// (name, email, practice areas, status, years in practice, languages, the
// date their training was completed), refusals next to their field, and
// once they are on the roster, their one-time enrolment link with Copy. The
// server shows that link only once, so the page says so and keeps it on
// screen until Done; it is never drawn again.

import * as support from './support-api.js';
import { make, show } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { clearErrors, showError, showErrors } from './page-parts.js';
import { freshId, labelledField, languageChoices, linkWithCopy, loginEnded, refusal } from './support-parts.js';

/**
 * @typedef {object} NominateHooks
 * @property {(error: unknown) => void} onUnauthorized
 * @property {() => Promise<void>} reload loads the whole tab again
 */

export class NominateForm {
  /**
   * @param {HTMLButtonElement} opener the "Nominate a supporter" button
   * @param {HTMLElement} slot where the form, then the link, are drawn
   * @param {NominateHooks} hooks
   */
  constructor(opener, slot, hooks) {
    this.opener = opener;
    this.slot = slot;
    this.hooks = hooks;
    opener.setAttribute('aria-controls', slot.id);
    opener.setAttribute('aria-expanded', 'false');
    opener.addEventListener('click', () => {
      if (opener.getAttribute('aria-expanded') === 'true') {
        // Open already: keep what was typed, or the link not yet copied.
        this.slot.querySelector('input')?.focus();
        return;
      }
      this.open();
    });
  }

  open() {
    this.opener.setAttribute('aria-expanded', 'true');
    this.slot.replaceChildren(this.form());
    show(this.slot, true);
    this.slot.querySelector('input')?.focus();
  }

  close() {
    this.opener.setAttribute('aria-expanded', 'false');
    this.slot.replaceChildren();
    show(this.slot, false);
    this.opener.focus();
  }

  form() {
    const prefix = freshId('nominate');
    /** @param {string} name @param {string} label @param {HTMLElement} control @param {string} [hint] */
    const field = (name, label, control, hint) => labelledField(prefix, name, label, control, hint);
    const name = make('input', { attrs: { type: 'text', maxlength: '100', autocomplete: 'off' } });
    const email = make('input', { attrs: { type: 'email', autocomplete: 'off', spellcheck: 'false' } });
    const areas = make('input', { attrs: { type: 'text', autocomplete: 'off' } });
    const status = make('select', {}, support.PRACTICE_STATUSES.map((value) => make('option', { text: t(`peer.status.${value}`), attrs: { value } })));
    const years = make('select', {}, support.YEARS_BANDS.map((value) => make('option', { text: value.replace('-', '–'), attrs: { value } })));
    years.value = '6-15';
    const languages = languageChoices(prefix, t('peer.nominate.languages'), []);
    const trained = make('input', { attrs: { type: 'date' } });
    const submit = make('button', { text: t('peer.nominate.submit'), className: 'primary', attrs: { type: 'submit' } });
    const cancel = make('button', { text: t('organize.close'), className: 'quiet', attrs: { type: 'button' } });
    cancel.addEventListener('click', () => this.close());
    const general = make('p', { className: 'notice notice-error', attrs: { role: 'alert' } });
    show(general, false);
    const form = make('form', { className: 'form panel', attrs: { novalidate: '', 'aria-labelledby': `${prefix}-heading` } }, [
      make('h3', { text: t('peer.nominate.heading'), attrs: { id: `${prefix}-heading` } }),
      make('p', { className: 'hint', text: t('peer.nominate.intro') }),
      make('div', { className: 'field-grid' }, [
        field('name', t('peer.nominate.name'), name),
        field('email', t('peer.nominate.email'), email),
      ]),
      field('practice_areas', t('peer.nominate.areas'), areas, t('peer.nominate.areas_hint')),
      make('div', { className: 'field-grid' }, [
        field('practice_status', t('peer.nominate.status'), status),
        field('years_band', t('peer.nominate.years'), years),
      ]),
      languages.fieldset,
      field('trained_on', t('peer.nominate.trained'), trained),
      make('div', { className: 'row form-actions' }, [submit, cancel]),
      general,
    ]);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form, general);
      const nomination = {
        name: name.value.trim(),
        email: email.value.trim(),
        practice_areas: areas.value.split(',').map((area) => area.trim()).filter(Boolean),
        practice_status: status.value,
        years_band: years.value,
        languages: languages.chosen(),
        trained_on: trained.value,
      };
      // What the server would refuse, all at once (it names only the first).
      const problems = [];
      if (!nomination.name) problems.push(refusal('name', t('peer.check.name')));
      if (!nomination.email) problems.push(refusal('email', t('peer.check.email')));
      if (nomination.practice_areas.length < 1 || nomination.practice_areas.length > 5) problems.push(refusal('practice_areas', t('peer.check.areas')));
      if (nomination.languages.length === 0) problems.push(refusal('languages', t('peer.check.languages')));
      if (!nomination.trained_on) problems.push(refusal('trained_on', t('peer.check.trained')));
      if (problems.length > 0) {
        showErrors(form, general, problems);
        return;
      }
      submit.disabled = true;
      try {
        const made = await support.nominate(nomination);
        this.showLink(made.supporter.name, made.enrol_link, made.mail_enabled);
        await this.hooks.reload();
      } catch (error) {
        if (loginEnded(error)) this.hooks.onUnauthorized(error);
        else showError(form, general, error);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  /**
   * The one-time enrolment link, once: with Copy, and Done to put it away.
   * @param {string} name
   * @param {string} link
   * @param {boolean} mailed whether the server emailed it to them too
   */
  showLink(name, link, mailed) {
    const headingId = freshId('nominated');
    const done = make('button', { text: t('organize.created.done'), className: 'quiet', attrs: { type: 'button' } });
    done.addEventListener('click', () => this.close());
    const panel = make('section', { className: 'panel created enrol-link', attrs: { 'aria-labelledby': headingId, tabindex: '-1' } }, [
      make('h3', { text: t('peer.nominate.done_heading', { name }), attrs: { id: headingId } }),
      make('p', { text: t('peer.nominate.done_text') }),
      ...(mailed ? [make('p', { className: 'small', text: t('peer.nominate.mailed', { name }) })] : []),
      linkWithCopy(link, t('peer.nominate.link_label', { name }), t('peer.nominate.copied')),
      make('div', { className: 'row' }, [done]),
    ]);
    this.slot.replaceChildren(panel);
    panel.focus();
  }
}

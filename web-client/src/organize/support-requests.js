// The open requests for a peer, in the organizers' "Peer support" tab: each
// with its reference (never who asked), language, practice area and
// preferences, the times that suit the physician on their clock, how long it
// has waited and where it stands; for a waiting one, the suggested
// supporters with what they meet and miss, and a form to match it (a
// supporter, a time on the organizer's clock, a length); and Cancel with a
// reason. It draws what support-tab.js loaded and asks it to load again
// after each change.

import * as support from './support-api.js';
import { ApiError } from './api.js';
import { make, show } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { clearErrors, say, showError, showErrors } from './page-parts.js';
import {
  DEFAULT_MINUTES, MAX_MINUTES, MIN_MINUTES, ageText, askReason, freshId, labelledField, languageName, listText, loginEnded,
  meetingText, refusal, refusalText, stateName, suggestedTime, withOffset,
} from './support-parts.js';

/** @typedef {import('./support-api.js').OpenRequest} OpenRequest */
/** @typedef {import('./support-api.js').Supporter} Supporter */

/**
 * @typedef {object} RequestHooks
 * @property {HTMLElement} message the page's live message line
 * @property {(error: unknown) => void} onUnauthorized
 * @property {() => Promise<void>} reload loads the whole tab again
 */

export class SupportRequests {
  /**
   * @param {HTMLUListElement} list
   * @param {HTMLElement} empty
   * @param {RequestHooks} hooks
   */
  constructor(list, empty, hooks) {
    this.list = list;
    this.empty = empty;
    this.hooks = hooks;
    this.timeZone = 'UTC';
  }

  /**
   * @param {OpenRequest[]} requests
   * @param {Supporter[]} roster to name each request's supporter
   */
  draw(requests, roster) {
    const names = new Map(roster.map((person) => [person.id, person.name]));
    this.list.replaceChildren(...requests.map((request) => this.item(request, names)));
    show(this.empty, requests.length === 0);
  }

  /**
   * One request.
   * @param {OpenRequest} request
   * @param {Map<string, string>} names
   */
  item(request, names) {
    const titleId = freshId('request');
    const lines = [
      make('p', { className: 'small', text: `${t('peer.talk_in', { language: languageName(request.language) })} · ${
        request.practice_area ? t('peer.area', { area: request.practice_area }) : t('peer.no_area')}` }),
      make('p', { className: 'small', text: preferences(request) }),
    ];
    if (request.times) {
      const label = request.time_zone ? t('peer.times', { zone: request.time_zone.replaceAll('_', ' ') }) : t('peer.times_no_zone');
      lines.push(make('p', { className: 'small times-label', text: label }), make('p', { className: 'times-quote', text: request.times }));
    }
    const age = ageText(request.created_at);
    lines.push(make('p', { className: 'muted small', text: request.state === 'requested' ? t('peer.waiting_for', { age }) : t('peer.asked_ago', { age }) }));
    const standing = this.standing(request, names);
    if (standing) lines.push(make('p', { className: 'request-standing', text: standing }));

    const parts = [];
    if (request.state === 'requested') parts.push(...this.matching(request, titleId));
    const confirmSlot = make('div');
    const cancel = make('button', {
      text: t('peer.cancel.button'), className: 'danger small-button', attrs: { type: 'button', 'aria-describedby': titleId },
    });
    cancel.addEventListener('click', () => void this.cancel(request, confirmSlot));
    return make('li', { className: 'session support-request', attrs: { 'data-request': request.id, tabindex: '-1' } }, [
      make('div', { className: 'session-head' }, [
        make('h3', { className: 'session-title', text: t('peer.request.title', { reference: request.reference }), attrs: { id: titleId } }),
        make('span', { className: 'badges' }, [make('span', { className: `badge state-${request.state}`, text: stateName(request.state) })]),
      ]),
      ...lines,
      ...parts,
      make('div', { className: 'row session-actions' }, [cancel]),
      confirmSlot,
    ]);
  }

  /**
   * Where a request with a supporter stands, in a sentence.
   * @param {OpenRequest} request
   * @param {Map<string, string>} names
   */
  standing(request, names) {
    if (!request.supporter_id) return '';
    const name = names.get(request.supporter_id) ?? t('peer.someone');
    const when = request.suggested_time ? meetingText(request.suggested_time, request.minutes ?? DEFAULT_MINUTES, this.timeZone) : '';
    if (request.state === 'matched') return t('peer.matched_with', { name, when });
    if (request.state === 'proposed') return t('peer.proposed_by', { name, when });
    if (request.state === 'agreed') return t('peer.agreed_with', { name, when });
    return '';
  }

  /**
   * The suggested supporters and the form to match a waiting request.
   * @param {OpenRequest} request
   * @param {string} titleId
   * @returns {HTMLElement[]}
   */
  matching(request, titleId) {
    if (request.suggestions.length === 0) {
      return [make('p', { className: 'notice small', text: t('peer.suggest.none', { language: languageName(request.language) }) })];
    }
    const suggested = make('ul', { className: 'suggestions' }, request.suggestions.map((s) => {
      const why = [t('peer.suggest.meets', { list: listText(s.meets.map((m) => t(`peer.pref_name.${m}`))) })];
      if (s.misses.length > 0) why.push(t('peer.suggest.misses', { list: listText(s.misses.map((m) => t(`peer.pref_name.${m}`))) }));
      return make('li', {}, [make('strong', { text: s.name }), document.createTextNode(`: ${why.join('; ')}.`)]);
    }));
    return [make('h4', { className: 'suggest-heading', text: t('peer.suggest.heading') }), suggested, this.matchForm(request, titleId)];
  }

  /**
   * @param {OpenRequest} request
   * @param {string} titleId
   */
  matchForm(request, titleId) {
    const prefix = freshId('match');
    /** @param {string} name @param {string} label @param {HTMLElement} control @param {string} [hint] */
    const field = (name, label, control, hint) => labelledField(prefix, name, label, control, hint);
    const supporter = make('select', {}, request.suggestions.map((s) => make('option', { text: s.name, attrs: { value: s.supporter_id } })));
    const when = make('input', { attrs: { type: 'datetime-local', required: '' } });
    when.value = suggestedTime(this.timeZone);
    const minutes = make('input', {
      attrs: { type: 'number', inputmode: 'numeric', min: String(MIN_MINUTES), max: String(MAX_MINUTES), step: '1', value: String(DEFAULT_MINUTES) },
    });
    const submit = make('button', { text: t('peer.match.button'), className: 'primary', attrs: { type: 'submit', 'aria-describedby': titleId } });
    const general = make('p', { className: 'notice notice-error', attrs: { role: 'alert' } });
    show(general, false);
    const form = make('form', { className: 'match-form', attrs: { novalidate: '' } }, [
      make('h4', { text: t('peer.match.heading') }),
      make('div', { className: 'field-grid' }, [
        field('supporter_id', t('peer.match.supporter'), supporter),
        field('starts_at', t('peer.match.when'), when, t('peer.match.when_hint', { zone: this.timeZone.replaceAll('_', ' ') })),
        field('minutes', t('peer.match.length'), minutes, t('peer.match.length_hint')),
      ]),
      make('div', { className: 'row form-actions' }, [submit]),
      general,
    ]);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form, general);
      const length = Number(minutes.value);
      const startsAt = withOffset(when.value, this.timeZone);
      const problems = [];
      if (!startsAt) problems.push(refusal('starts_at', t('peer.check.when')));
      if (!Number.isInteger(length) || length < MIN_MINUTES || length > MAX_MINUTES) problems.push(refusal('minutes', t('peer.check.length')));
      if (!startsAt || problems.length > 0) {
        showErrors(form, general, problems);
        return;
      }
      submit.disabled = true;
      try {
        await support.matchRequest(request.id, { supporter_id: supporter.value, starts_at: startsAt, minutes: length });
        const name = supporter.selectedOptions[0]?.textContent ?? '';
        await this.done(t('peer.match.done', { reference: request.reference, name, when: meetingText(new Date(Date.parse(startsAt)).toISOString(), length, this.timeZone) }), 'ok');
      } catch (error) {
        if (loginEnded(error)) this.hooks.onUnauthorized(error);
        else if (error instanceof ApiError && (error.status === 409 || error.status === 404)) {
          // Someone matched it first, or the supporter stopped taking requests: say so, and show the list as it is now.
          await this.done(refusalText(error, t('peer.match.conflict', { reference: request.reference })), 'error');
        } else showError(form, general, error);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  /**
   * Cancels an open request, with a reason, after asking.
   * @param {OpenRequest} request
   * @param {HTMLElement} slot
   */
  async cancel(request, slot) {
    const reason = await askReason(slot, {
      legend: t('peer.cancel.legend', { reference: request.reference }),
      note: t('peer.cancel.note'),
      reasons: support.ORGANIZER_REASONS.map((value) => ({ value, label: t(`peer.reason.${value}`) })),
      yes: t('peer.cancel.yes'),
      keep: t('organize.confirm.keep'),
      choose: t('peer.cancel.choose'),
    });
    if (!reason) return;
    try {
      await support.cancelRequest(request.id, reason);
      await this.done(t('peer.cancel.done', { reference: request.reference }), 'ok');
    } catch (error) {
      if (loginEnded(error)) this.hooks.onUnauthorized(error);
      else await this.done(refusalText(error, t('peer.gone')), 'error');
    }
  }

  /**
   * After a change (or a refusal because of one): the lists as they are
   * now, then the news, where the focus goes.
   * @param {string} text
   * @param {'ok' | 'error'} kind
   */
  async done(text, kind) {
    await this.hooks.reload();
    say(this.hooks.message, text, kind);
    this.hooks.message.focus();
  }
}

/**
 * What the physician would like in a supporter, in a sentence.
 * @param {OpenRequest} request
 */
function preferences(request) {
  const wishes = [];
  if (request.area_preference === 'same' || request.area_preference === 'different') wishes.push(t(`peer.pref.area.${request.area_preference}`));
  if (request.supporter_status !== 'any') wishes.push(t(`peer.pref.status.${request.supporter_status}`));
  return wishes.length > 0 ? t('peer.prefers', { what: listText(wishes) }) : t('peer.no_preference');
}

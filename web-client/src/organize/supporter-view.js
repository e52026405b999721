// A peer supporter's own page, in place of the organizers' schedule: the
// requests matched with them (the first name or pseudonym the physician
// chose, the language, their practice area, the times that suit them on
// their clock, the time on the table on the supporter's) with the step each
// one waits for (supporter-steps.js), and, below, their profile
// (supporter-profile.js). The server is the one source of where a request
// stands: after every step the list is loaded again.

import * as support from './support-api.js';
import { ApiError } from './api.js';
import { byId, make, show } from '../shared/dom.js';
import { t, tn } from '../shared/i18n.js';
import { errorMessage, say, showError } from './page-parts.js';
import { languageName, loginEnded, refusalText, stateName } from './support-parts.js';
import { stepControls } from './supporter-steps.js';

/** @typedef {import('./support-api.js').Assigned} Assigned */
/** @typedef {import('./supporter-steps.js').Step} Step */

/** Requests with nothing left to do. */
const DONE = new Set(['closed', 'cancelled']);

export class SupporterView {
  /**
   * @param {HTMLElement} message the page's live message line
   * @param {(error: unknown) => void} onUnauthorized
   */
  constructor(message, onUnauthorized) {
    this.message = message;
    this.onUnauthorized = onUnauthorized;
    /** The supporter's own time zone (their profile's), which times are shown and typed in. */
    this.timeZone = 'UTC';
    this.list = byId('supporter-list', HTMLUListElement);
    this.empty = byId('supporter-empty', HTMLParagraphElement);
    this.earlier = byId('supporter-earlier', HTMLDetailsElement);
    this.earlierSummary = byId('supporter-earlier-summary', HTMLElement);
    this.earlierList = byId('supporter-earlier-list', HTMLUListElement);
    /** The last answer, to draw again in another language or zone; null until loaded. @type {Assigned[] | null} */
    this.requests = null;
    byId('supporter-refresh', HTMLButtonElement).addEventListener('click', () => void this.load());
  }

  /** Loads the requests and draws them. */
  async load() {
    try {
      this.draw(await support.myRequests());
    } catch (error) {
      if (loginEnded(error)) this.onUnauthorized(error);
      else say(this.message, errorMessage(error), 'error');
    }
  }

  /** @param {Assigned[] | null} [requests] */
  draw(requests = this.requests) {
    if (!requests) return;
    this.requests = requests;
    const open = requests.filter((request) => !DONE.has(request.state));
    const done = requests.filter((request) => DONE.has(request.state));
    this.list.replaceChildren(...open.map((request) => this.card(request)));
    this.earlierList.replaceChildren(...done.map((request) => this.card(request)));
    this.earlierSummary.textContent = tn('supporter.earlier', done.length);
    show(this.earlier, done.length > 0);
    show(this.empty, open.length === 0);
  }

  /**
   * One request.
   * @param {Assigned} request
   */
  card(request) {
    const name = request.first_name ?? t('supporter.unnamed');
    const lines = [
      make('p', { className: 'small', text: [
        t('peer.talk_in', { language: languageName(request.language) }),
        request.practice_area ? t('peer.area', { area: request.practice_area }) : t('peer.no_area'),
      ].join(' · ') }),
    ];
    if (request.times) {
      const label = request.time_zone ? t('peer.times', { zone: request.time_zone.replaceAll('_', ' ') }) : t('peer.times_no_zone');
      lines.push(make('p', { className: 'small times-label', text: label }), make('p', { className: 'times-quote', text: request.times }));
    } else if (!request.first_name) {
      lines.push(make('p', { className: 'small muted', text: t('supporter.forgotten') }));
    }
    const status = make('p', { className: 'notice small card-status', attrs: { role: 'status' } });
    show(status, false);
    return make('li', { className: 'session assigned', attrs: { 'data-request': request.id, tabindex: '-1' } }, [
      make('div', { className: 'session-head' }, [
        make('h2', { className: 'session-title', text: name }),
        make('span', { className: 'badges' }, [make('span', { className: `badge state-${request.state}`, text: stateName(request.state) })]),
      ]),
      ...lines,
      // What the last step did, above what comes next ("your link is below").
      status,
      ...stepControls(request, name, this.timeZone, (step, body, doneKey, form) => this.run(request, step, body, doneKey, form)),
    ]);
  }

  /**
   * Takes a step, shows the list as it is now, and says how it went in the
   * request's own card, where the focus goes.
   * @param {Assigned} request
   * @param {Step} step
   * @param {object} body
   * @param {string} doneKey
   * @param {{form: HTMLFormElement, general: HTMLElement}} [form] where a refused field is shown
   */
  async run(request, step, body, doneKey, form) {
    try {
      await support.takeStep(request.id, step, body);
    } catch (error) {
      if (loginEnded(error)) {
        this.onUnauthorized(error);
        return;
      }
      if (form && error instanceof ApiError && error.status === 400) {
        showError(form.form, form.general, error);
        return;
      }
      await this.load();
      this.tell(request.id, refusalText(error, t('supporter.conflict')), 'error');
      return;
    }
    await this.load();
    this.tell(request.id, t(doneKey), 'ok');
  }

  /**
   * @param {string} id
   * @param {string} text
   * @param {'ok' | 'error'} kind
   */
  tell(id, text, kind) {
    const card = document.querySelector(`[data-request="${CSS.escape(id)}"]`);
    const status = card?.querySelector('.card-status');
    if (!(card instanceof HTMLElement) || !(status instanceof HTMLElement)) {
      say(this.message, text, kind);
      return;
    }
    const earlier = card.closest('details');
    if (earlier) earlier.open = true;
    say(status, text, kind);
    card.focus();
  }
}

// A physician's request seen through their private link (`/support#TOKEN`):
// where it stands in plain words, the one thing to do next in each state
// (wait for the supporter to confirm the time held, accept a proposed time,
// open the room, ask again), and "Cancel my request" with a reason and a
// confirming step while it is still open.
//
// It also owns the private link itself, which the form's confirmation shares:
// the token is taken out of the address bar as soon as it is read (a private
// link must not sit in history, on a shared screen or in a screenshot) and
// kept in this tab's session storage, so a reload still finds the request,
// as the join page does for invitations (room/place.js). It keeps the last
// answer only to draw it again in another language; the server is the one
// source of where the request stands.

import * as api from './api.js';
import { button, byId, make, show, tx } from '../shared/dom.js';
import { LANGUAGE_CHANGED, locale, t } from '../shared/i18n.js';
import { meetingTimes } from './meeting-time.js';

/** @typedef {import('./api.js').Status} Status */
/** @typedef {import('./api.js').CancelReason} CancelReason */

/** Where this tab keeps the request it was opened with (not the join page's key). */
const TOKEN_KEY = 'peer-room.support-token';
/** While the request can still be cancelled. */
const OPEN_STATES = new Set(['requested', 'matched', 'proposed', 'agreed']);
/** Coming back to the tab looks again, at most this often. */
const RECHECK_MS = 30_000;

/**
 * The private link's token: from the fragment (which browsers never send),
 * then cleared from the address bar; or, after a reload, the one this tab kept.
 */
export function readToken() {
  let token = '';
  try {
    token = decodeURIComponent(location.hash.slice(1)).trim();
  } catch {
    token = '';
  }
  try {
    if (token) {
      sessionStorage.setItem(TOKEN_KEY, token);
      history.replaceState(history.state, '', location.pathname + location.search);
    } else {
      token = sessionStorage.getItem(TOKEN_KEY) ?? '';
    }
  } catch {
    // Without storage the token stays in the address: a reload still works.
  }
  return token;
}

/**
 * Keeps a request's token for this tab, so that reloading the confirmation
 * shows the request rather than an empty form.
 * @param {string} link the private link, `…/support#TOKEN`
 */
export function rememberToken(link) {
  try {
    const token = decodeURIComponent(new URL(link).hash.slice(1));
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // No storage, or a link without a token: the confirmation shows it anyway.
  }
}

/** Forgets the request this tab came with: the next visit shows the form. */
export function forgetToken() {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Nothing was kept.
  }
}

/**
 * A sentence for a call that failed. The server's own words are English;
 * they are shown only when the page has none of its own for the case.
 * @param {unknown} error
 */
export function failureText(error) {
  if (!(error instanceof api.SupportApiError)) return t('door.error.server');
  if (error.status === 0) return t('door.error.unreachable');
  if (error.status === 429) return t('door.error.too_many');
  // The front door is full (too many open requests): come back, and the crisis lines are there.
  if (error.status === 503) return t('door.error.busy');
  if (error.status >= 500) return t('door.error.server');
  if (error.status === 400) return t('door.error.check', { problem: error.message });
  return t('door.error.other', { problem: error.message });
}

/** Each link box's ids are its own. */
let linkBoxes = 0;

/**
 * The private link in a field to select, with a Copy button that says it copied.
 * @param {string} link
 */
export function linkBox(link) {
  linkBoxes += 1;
  const id = `private-link-${linkBoxes}`;
  const field = make('input', { className: 'link-text', attrs: { id, type: 'text', readonly: '', spellcheck: 'false' } });
  field.value = link;
  const copy = tx('button', 'door.link.copy', { className: 'small-button', attrs: { type: 'button', 'aria-label': t('door.link.copy_label'), 'data-i18n-attr': 'aria-label=door.link.copy_label' } });
  const said = make('p', { className: 'copied', attrs: { role: 'status' } });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(link);
      said.textContent = t('door.link.copied');
    } catch {
      // The browser refused (no permission, an old browser): the link is
      // selected, ready to copy by hand.
      field.focus();
      field.select();
      said.textContent = t('door.link.copy_failed');
    }
  });
  return make('div', { className: 'link-box' }, [
    tx('label', 'door.link.label', { className: 'link-label', attrs: { for: id } }),
    make('div', { className: 'link-field' }, [field, copy]),
    said,
  ]);
}

/**
 * Who the supporter is: their name, the languages they speak, their areas.
 * @param {import('./api.js').Supporter} supporter
 */
function supporterCard(supporter) {
  const list = new Intl.ListFormat(locale(), { type: 'conjunction' });
  const names = new Intl.DisplayNames([locale()], { type: 'language' });
  const languages = supporter.languages.map((code) => names.of(code) ?? code);
  const parts = [make('p', { className: 'supporter-name', text: supporter.name })];
  if (languages.length) parts.push(make('p', { text: t('door.supporter.languages', { languages: list.format(languages) }) }));
  if (supporter.practice_areas.length) {
    parts.push(make('p', { text: t('door.supporter.areas', { areas: list.format(supporter.practice_areas) }) }));
  }
  return make('div', { className: 'supporter' }, parts);
}

/** "the time does not work", to end "Reason: …". @param {CancelReason} reason */
function reasonText(reason) {
  const text = t(`door.reason.${reason}`);
  return text.charAt(0).toLocaleLowerCase(locale()) + text.slice(1);
}

/**
 * "Cancel my request", its reasons and the confirming step: built once,
 * shown while the request is open, translated by their `data-i18n`.
 */
function cancelParts() {
  const open = button('door.cancel.open', 'quiet');
  open.setAttribute('aria-expanded', 'false');
  open.setAttribute('aria-controls', 'cancel-panel');
  const reasons = api.PHYSICIAN_REASONS.map((reason) => make('label', { className: 'choice' }, [
    make('input', { attrs: { type: 'radio', name: 'cancel_reason', value: reason } }),
    document.createTextNode(' '),
    tx('span', `door.reason.${reason}`),
  ]));
  const error = make('p', { className: 'field-error', attrs: { id: 'cancel-error', role: 'alert' } });
  show(error, false);
  const confirm = button('door.cancel.confirm', 'danger');
  const keep = button('door.cancel.keep', 'quiet');
  const panel = make('div', { className: 'confirm cancel-panel', attrs: { id: 'cancel-panel' } }, [
    make('fieldset', { className: 'choice-group nested', attrs: { 'aria-describedby': 'cancel-error' } }, [
      tx('legend', 'door.cancel.legend'),
      make('div', { className: 'choices stacked' }, reasons),
    ]),
    error,
    tx('p', 'door.cancel.question'),
    make('div', { className: 'row' }, [confirm, keep]),
  ]);
  show(panel, false);
  const box = make('div', { className: 'cancel-box' }, [open, panel]);
  show(box, false);
  return { box, open, panel, error, confirm, keep };
}

export class RequestStatus {
  /**
   * @param {{showView: (view: 'status', focus: boolean) => void, askAgain: () => void}} page
   */
  constructor(page) {
    this.page = page;
    this.token = '';
    /** @type {Status | 'unknown' | null} */
    this.status = null;
    this.loadedAt = 0;
    this.el = {
      hello: byId('status-hello', HTMLParagraphElement),
      heading: byId('status-heading', HTMLHeadingElement),
      body: byId('status-body', HTMLDivElement),
      message: byId('status-message', HTMLParagraphElement),
      cancel: byId('status-cancel', HTMLDivElement),
      link: byId('status-link', HTMLDivElement),
    };
    this.cancelUi = cancelParts();
    this.el.cancel.append(this.cancelUi.box);
    this.wireCancel();
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
    // Someone who left the tab open and comes back sees what changed meanwhile.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && this.token && Date.now() - this.loadedAt > RECHECK_MS) void this.load(false);
    });
  }

  /**
   * Shows the request behind `token`.
   * @param {string} token
   * @param {boolean} focus move the focus to the heading (a change within the page)
   */
  async open(token, focus) {
    this.token = token;
    this.status = null;
    this.say('');
    this.el.hello.textContent = '';
    this.el.heading.textContent = t('door.status.loading');
    this.el.body.replaceChildren();
    show(this.cancelUi.box, false);
    this.el.link.replaceChildren();
    this.page.showView('status', focus);
    await this.load(focus);
  }

  /** @param {boolean} focus */
  async load(focus) {
    try {
      this.status = await api.status(this.token);
    } catch (error) {
      if (error instanceof api.SupportApiError && error.status === 404) {
        this.status = 'unknown';
        this.token = '';
        forgetToken();
      } else {
        // Not answered: what was shown stays, with a way to try again.
        const retry = button('door.status.retry', 'small-button');
        retry.addEventListener('click', () => void this.load(true));
        this.say(failureText(error), 'error');
        this.el.message.append(' ', retry);
        return;
      }
    }
    this.loadedAt = Date.now();
    this.say('');
    this.draw();
    if (focus) this.el.heading.focus();
  }

  /**
   * @param {string} text
   * @param {'error' | 'info'} [kind]
   */
  say(text, kind = 'info') {
    this.el.message.textContent = text;
    this.el.message.classList.toggle('notice-error', kind === 'error');
    show(this.el.message, text !== '');
  }

  draw() {
    const { el, status } = this;
    if (status === null) return;
    if (status === 'unknown') {
      el.hello.textContent = '';
      el.heading.textContent = t('door.status.unknown.heading');
      el.body.replaceChildren(make('p', { text: t('door.status.unknown.text') }), this.askAgainLink());
      show(this.cancelUi.box, false);
      el.link.replaceChildren();
      return;
    }
    el.hello.textContent = status.first_name ? t('door.status.hello', { name: status.first_name }) : '';
    show(el.hello, Boolean(status.first_name));
    const open = OPEN_STATES.has(status.state);
    el.heading.textContent = t(this.headingKey(status));
    el.body.replaceChildren(...this.details(status));
    show(this.cancelUi.box, open);
    if (!open) this.closeCancel(false);
    el.link.replaceChildren(...(open ? [this.keepLink()] : []));
  }

  /** @param {Status} status */
  headingKey(status) {
    switch (status.state) {
      case 'requested': return 'door.status.requested.heading';
      case 'matched': return status.suggested ? 'door.status.suggested.heading' : 'door.status.matched.heading';
      case 'proposed': return status.proposed ? 'door.status.proposed.heading' : 'door.status.matched.heading';
      case 'agreed': return 'door.status.agreed.heading';
      case 'cancelled': return 'door.status.cancelled.heading';
      default: return 'door.status.ended.heading';
    }
  }

  /**
   * What is said under the heading, and the action the state calls for.
   * @param {Status} status
   * @returns {Node[]}
   */
  details(status) {
    const name = status.supporter?.name ?? '';
    const card = status.supporter ? [supporterCard(status.supporter)] : [];
    switch (status.state) {
      case 'requested':
        return [make('p', { text: t('door.status.requested.text') })];
      case 'matched':
        // A time booked at the front door (or an organizer's) waits for the supporter's yes.
        if (status.suggested) {
          return [
            make('p', { text: t('door.status.suggested.text', { name, minutes: status.suggested.minutes }) }),
            meetingTimes(status.suggested, name),
            make('p', { text: t('door.status.suggested.confirm', { name }) }),
            ...card,
          ];
        }
        return [make('p', { text: t('door.status.matched.text', { name }) }), ...card];
      case 'proposed': {
        if (!status.proposed) return [make('p', { text: t('door.status.matched.text', { name }) }), ...card];
        const accept = button('door.status.accept', 'primary');
        accept.addEventListener('click', () => void this.accept(accept));
        return [
          make('p', { text: t('door.status.proposed.text', { name, minutes: status.proposed.minutes }) }),
          meetingTimes(status.proposed, name),
          make('div', { className: 'row' }, [accept]),
          make('p', { className: 'muted small', text: t('door.status.proposed.other_time') }),
          ...card,
        ];
      }
      case 'agreed': {
        const parts = [];
        if (status.agreed) {
          parts.push(make('p', { text: t('door.status.agreed.text', { name, minutes: status.agreed.minutes }) }), meetingTimes(status.agreed, name));
        }
        if (status.room_link) {
          // The meeting for their calendar, with their own link: fetched by
          // POST (the token stays out of any URL) and saved as a file.
          const calendar = make('button', { className: 'small-button', text: t('door.status.calendar'), attrs: { type: 'button', id: 'meeting-calendar' } });
          const said = make('span', { className: 'copied', attrs: { role: 'status' } });
          calendar.addEventListener('click', async () => {
            try {
              const file = await api.calendarFile(this.token);
              const url = URL.createObjectURL(file);
              const save = make('a', { attrs: { href: url, download: 'peer-support.ics' } });
              save.click();
              setTimeout(() => URL.revokeObjectURL(url), 10_000);
            } catch {
              said.textContent = t('door.status.calendar_failed');
            }
          });
          parts.push(make('p', { className: 'row' }, [
            make('a', { className: 'button-like primary-link', text: t('door.status.open_room'), attrs: { href: status.room_link, id: 'open-room' } }),
            calendar, said,
          ]));
        }
        parts.push(make('p', { className: 'muted', text: t('door.status.room_note') }), ...card);
        return parts;
      }
      case 'cancelled': {
        const parts = [];
        if (status.cancelled_by) parts.push(make('p', { text: t(`door.status.by.${status.cancelled_by}`) }));
        if (status.cancel_reason) parts.push(make('p', { text: t('door.status.reason', { reason: reasonText(status.cancel_reason) }) }));
        // The supporter's words already say to ask again.
        if (status.cancelled_by !== 'supporter') parts.push(make('p', { text: t('door.status.again') }));
        parts.push(this.askAgainLink());
        return parts;
      }
      default:
        return [make('p', { text: t('door.status.ended.text') }), this.askAgainLink()];
    }
  }

  askAgainLink() {
    const link = make('a', { className: 'button-like', text: t('door.status.ask_again'), attrs: { href: '/support' } });
    link.addEventListener('click', (event) => {
      event.preventDefault();
      this.token = '';
      this.status = null;
      this.page.askAgain();
    });
    return make('p', { className: 'row' }, [link]);
  }

  /** The private link, folded away: the address bar no longer shows it. */
  keepLink() {
    const link = `${location.origin}/support#${encodeURIComponent(this.token)}`;
    return make('details', { className: 'keep-link' }, [
      make('summary', { text: t('door.status.keep_link') }),
      make('p', { className: 'hint', text: t('door.status.keep_link_text') }),
      linkBox(link),
    ]);
  }

  /** @param {HTMLButtonElement} accept */
  async accept(accept) {
    accept.disabled = true;
    try {
      this.status = await api.accept(this.token);
      this.draw();
      this.el.heading.focus();
    } catch (error) {
      accept.disabled = false;
      if (error instanceof api.SupportApiError && error.status === 409) await this.reloadAfter('door.status.accept_conflict');
      else this.say(failureText(error), 'error');
    }
  }

  /**
   * The request changed under the physician: says so, then shows it as it is.
   * @param {string} key
   */
  async reloadAfter(key) {
    await this.load(true);
    this.say(t(key));
  }

  /** Wires "Cancel my request": it opens the reasons and the confirming step, which Escape or "Keep" closes. */
  wireCancel() {
    const { open, panel, keep, confirm } = this.cancelUi;
    open.addEventListener('click', () => {
      if (!panel.hidden) {
        this.closeCancel(true);
        return;
      }
      show(panel, true);
      open.setAttribute('aria-expanded', 'true');
      panel.querySelector('input')?.focus();
    });
    keep.addEventListener('click', () => this.closeCancel(true));
    panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.closeCancel(true);
    });
    confirm.addEventListener('click', () => void this.cancel());
  }

  /** @param {boolean} focus give the focus back to "Cancel my request" */
  closeCancel(focus) {
    const { open, panel, error } = this.cancelUi;
    show(panel, false);
    show(error, false);
    open.setAttribute('aria-expanded', 'false');
    for (const radio of panel.querySelectorAll('input')) radio.checked = false;
    if (focus) open.focus();
  }

  async cancel() {
    const { panel, error: said, confirm } = this.cancelUi;
    const chosen = panel.querySelector('input:checked');
    const reason = api.PHYSICIAN_REASONS.find((r) => chosen instanceof HTMLInputElement && chosen.value === r);
    if (!reason) {
      said.textContent = t('door.cancel.choose');
      show(said, true);
      panel.querySelector('input')?.focus();
      return;
    }
    confirm.disabled = true;
    try {
      this.status = await api.cancel(this.token, reason);
      this.closeCancel(false);
      this.draw();
      this.el.heading.focus();
    } catch (error) {
      if (error instanceof api.SupportApiError && error.status === 409) {
        this.closeCancel(false);
        await this.reloadAfter('door.status.cancel_conflict');
      } else {
        said.textContent = failureText(error);
        show(said, true);
      }
    } finally {
      confirm.disabled = false;
    }
  }
}

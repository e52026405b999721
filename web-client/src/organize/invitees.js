// People invited by email to a session or a series, each with a link of
// their own: a form to add several at once (one bad address refuses the
// list, which stays in the field to fix), and each person with what their
// mail became, their link to copy, and Revoke. With no mail server set up
// on the server, the box says nothing is sent and the links are there to
// copy by hand. It draws wherever it is asked to and keeps no list.

import * as api from './api.js';
import { make, show } from '../shared/dom.js';
import { define, language, locale, t } from '../shared/i18n.js';
import { confirmInline, copyText, errorMessage, say } from './page-parts.js';
import strings from './strings-invitees.js';

define(strings);

/** @typedef {import('./api.js').InviteeList} InviteeList */
/** @typedef {import('./api.js').InviteeView} InviteeView */
/** @typedef {import('./api.js').MailView} MailView */
/** @typedef {'sessions' | 'series'} Kind */

/** Each box's ids are its own: the same session can show twice. */
let boxes = 0;

/** While mail waits to go, the box looks again this often... */
const REFRESH_MS = 2000;
/** ...this many times at most after a change (a mail server down for long shows "trying again"). */
const REFRESHES = 15;

/**
 * Loads the people invited to a session or a series and draws them.
 * @param {HTMLElement} container
 * @param {Kind} kind
 * @param {string} id
 * @param {(error: unknown) => void} onUnauthorized
 */
export async function loadInvitees(container, kind, id, onUnauthorized) {
  container.replaceChildren(make('p', { className: 'muted', text: t('invitees.loading') }));
  try {
    render(container, kind, id, await api.listInvitees(kind, id), onUnauthorized);
    // Opened to invite people: the field to type them in, in view.
    const field = container.querySelector('textarea');
    if (field instanceof HTMLElement) field.focus();
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) onUnauthorized(error);
    else container.replaceChildren(make('p', { className: 'notice notice-error', text: errorMessage(error) }));
  }
}

/**
 * @param {HTMLElement} container
 * @param {Kind} kind
 * @param {string} id
 * @param {InviteeList} list
 * @param {(error: unknown) => void} onUnauthorized
 */
function render(container, kind, id, list, onUnauthorized, refreshes = REFRESHES) {
  boxes += 1;
  const rendered = boxes;
  container.dataset.box = String(rendered);
  watch(container, kind, id, list, onUnauthorized, rendered, refreshes);
  const prefix = `invitees-${boxes}`;
  const message = make('p', { className: 'notice small', attrs: { role: 'status', 'aria-live': 'polite' } });
  show(message, false);
  const error = make('p', { className: 'field-error', attrs: { id: `${prefix}-error`, role: 'alert' } });
  show(error, false);

  const emails = make('textarea', {
    className: 'invitee-emails',
    attrs: { id: `${prefix}-emails`, name: 'emails', rows: '3', spellcheck: 'false', autocomplete: 'off', 'aria-describedby': `${prefix}-hint ${prefix}-error` },
  });
  const role = make('select', { attrs: { id: `${prefix}-role`, name: 'role' } }, [
    make('option', { text: t('invitees.role.participant'), attrs: { value: 'participant' } }),
    make('option', { text: t('invitees.role.facilitator'), attrs: { value: 'facilitator' } }),
  ]);
  const lang = make('select', { attrs: { id: `${prefix}-language`, name: 'language' } }, [
    make('option', { text: 'English', attrs: { value: 'en', lang: 'en' } }),
    make('option', { text: 'Français', attrs: { value: 'fr', lang: 'fr' } }),
  ]);
  lang.value = language();
  const submit = make('button', { text: t('invitees.invite'), className: 'primary small-button', attrs: { type: 'submit' } });
  const form = make('form', { className: 'invitee-form', attrs: { novalidate: '' } }, [
    make('div', { className: 'field' }, [
      make('label', { text: t('invitees.emails'), attrs: { for: emails.id } }),
      make('p', { className: 'hint', text: t(list.mail_enabled ? 'invitees.emails_hint' : 'invitees.emails_hint_no_mail'), attrs: { id: `${prefix}-hint` } }),
      emails,
      error,
    ]),
    make('div', { className: 'row invitee-choices' }, [
      make('div', { className: 'field' }, [make('label', { text: t('invitees.role'), attrs: { for: role.id } }), role]),
      make('div', { className: 'field' }, [make('label', { text: t('invitees.language'), attrs: { for: lang.id } }), lang]),
    ]),
    make('div', { className: 'row' }, [submit]),
  ]);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    show(error, false);
    const typed = emails.value.split(/[\s,;]+/).filter((part) => part !== '');
    if (typed.length === 0) {
      say(error, t('invitees.none_typed'), 'error');
      emails.focus();
      return;
    }
    submit.disabled = true;
    try {
      const chosenRole = role.value === 'facilitator' ? 'facilitator' : 'participant';
      const chosenLanguage = lang.value === 'fr' ? 'fr' : 'en';
      const added = await api.addInvitees(kind, id, { emails: typed, role: chosenRole, language: chosenLanguage });
      const fresh = await api.listInvitees(kind, id);
      render(container, kind, id, fresh, onUnauthorized);
      const status = container.querySelector('[role="status"]');
      const done = added.mail_enabled
        ? t('invitees.added_mailed', { count: String(added.added.length) })
        : t('invitees.added_not_mailed', { count: String(added.added.length) });
      const again = added.already_invited.length > 0 ? ` ${t('invitees.already', { emails: added.already_invited.join(', ') })}` : '';
      if (status instanceof HTMLElement) say(status, done + again, 'ok');
      const field = container.querySelector('textarea');
      if (field instanceof HTMLElement) field.focus();
    } catch (failure) {
      if (failure instanceof api.ApiError && failure.status === 401) onUnauthorized(failure);
      else {
        // The list stays as typed, to fix the one address named.
        say(error, errorMessage(failure), 'error');
        emails.focus();
      }
    } finally {
      submit.disabled = false;
    }
  });

  const notice = list.mail_enabled
    ? []
    : [make('p', { className: 'notice small', attrs: { 'data-mail': 'off' }, text: t('invitees.mail_off') })];
  const people = make('ul', { className: 'invitee-list', attrs: { 'aria-label': t('invitees.list_label') } },
    list.invitees.map((person) => row(container, kind, id, person, list.mail_enabled, onUnauthorized)));
  const empty = list.invitees.length === 0 ? [make('p', { className: 'muted small', text: t('invitees.empty') })] : [];
  container.replaceChildren(
    make('h3', { className: 'invitees-heading', text: t('invitees.heading') }),
    ...notice, form, message, people, ...empty,
  );
}

/**
 * While a message waits to go, looks again a little later and redraws the
 * people (not the form, where the organizer may be typing), so "waiting to
 * be sent" becomes "sent" without a reload. Stops when the box was drawn
 * anew or taken off the page.
 * @param {HTMLElement} container
 * @param {Kind} kind
 * @param {string} id
 * @param {InviteeList} list
 * @param {(error: unknown) => void} onUnauthorized
 * @param {number} rendered
 * @param {number} refreshes how many more times it may look
 */
function watch(container, kind, id, list, onUnauthorized, rendered, refreshes) {
  const waiting = list.invitees.some((person) => !person.revoked && person.mail.some((m) => m.status === 'queued'));
  if (!list.mail_enabled || !waiting || refreshes <= 0) return;
  setTimeout(async () => {
    if (!container.isConnected || container.dataset.box !== String(rendered)) return;
    try {
      const fresh = await api.listInvitees(kind, id);
      if (container.dataset.box !== String(rendered)) return;
      const people = container.querySelector('.invitee-list');
      if (!(people instanceof HTMLElement)) return;
      // A question being asked in a row (Revoke?) is not swept away: look again later.
      if (people.querySelector('.confirm')) {
        watch(container, kind, id, list, onUnauthorized, rendered, refreshes - 1);
        return;
      }
      people.replaceChildren(...fresh.invitees.map((person) => row(container, kind, id, person, fresh.mail_enabled, onUnauthorized)));
      watch(container, kind, id, fresh, onUnauthorized, rendered, refreshes - 1);
    } catch {
      // The next change or opening shows the news; nothing to say now.
    }
  }, REFRESH_MS);
}

/**
 * One person: their address, role and mail, their link, Revoke.
 * @param {HTMLElement} container
 * @param {Kind} kind
 * @param {string} id
 * @param {InviteeView} person
 * @param {boolean} mailEnabled
 * @param {(error: unknown) => void} onUnauthorized
 */
function row(container, kind, id, person, mailEnabled, onUnauthorized) {
  const confirmSlot = make('div');
  const parts = [
    make('p', { className: 'invitee-who' }, [
      make('strong', { text: person.email }),
      make('span', { className: 'muted small', text: ` · ${t(`invitees.role.${person.role}`)} · ${person.language === 'fr' ? 'Français' : 'English'}` }),
    ]),
    make('p', { className: 'small invitee-mail', attrs: { 'data-status': status(person, mailEnabled).kind }, text: status(person, mailEnabled).text }),
  ];
  if (person.link) {
    const field = make('input', { className: 'link-text', attrs: { type: 'text', readonly: '', spellcheck: 'false', 'aria-label': t('invitees.link_of', { email: person.email }) } });
    field.value = person.link;
    const said = make('span', { className: 'copied', attrs: { role: 'status' } });
    const copy = make('button', { text: t('invitees.copy'), className: 'small-button', attrs: { type: 'button', 'aria-label': t('invitees.copy_of', { email: person.email }) } });
    const link = person.link;
    copy.addEventListener('click', async () => {
      said.textContent = (await copyText(link, field)) ? t('invitees.copied') : t('invitees.select_to_copy');
    });
    const revoke = make('button', { text: t('invitees.revoke'), className: 'danger small-button', attrs: { type: 'button', 'aria-label': t('invitees.revoke_of', { email: person.email }) } });
    revoke.addEventListener('click', async () => {
      if (!await confirmInline(confirmSlot, t('invitees.revoke_question', { email: person.email }), t('invitees.revoke_yes'))) return;
      try {
        render(container, kind, id, await api.revokeInvitee(kind, id, person.id), onUnauthorized);
        const statusLine = container.querySelector('[role="status"]');
        if (statusLine instanceof HTMLElement) say(statusLine, t('invitees.revoked_done', { email: person.email }), 'ok');
      } catch (failure) {
        if (failure instanceof api.ApiError && failure.status === 401) onUnauthorized(failure);
        else confirmSlot.replaceChildren(make('p', { className: 'notice notice-error', text: errorMessage(failure) }));
      }
    });
    parts.push(make('div', { className: 'link-field' }, [field, copy, said]), make('div', { className: 'row link-actions' }, [revoke]));
  }
  return make('li', { className: 'invitee', attrs: { 'data-invitee': person.email } }, [...parts, confirmSlot]);
}

/**
 * What became of a person's latest message, in a sentence.
 * @param {InviteeView} person
 * @param {boolean} mailEnabled
 * @returns {{kind: string, text: string}}
 */
function status(person, mailEnabled) {
  if (person.revoked) return { kind: 'revoked', text: t('invitees.status.revoked') };
  const last = person.mail[person.mail.length - 1];
  if (!last) return { kind: 'none', text: mailEnabled ? t('invitees.status.nothing') : t('invitees.status.not_mailed') };
  const what = t(`invitees.kind.${last.kind}`);
  if (last.status === 'sent' && last.sent_at) {
    const at = new Date(last.sent_at).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' });
    return { kind: 'sent', text: t('invitees.status.sent', { what, at }) };
  }
  if (last.status === 'failed') return { kind: 'failed', text: t('invitees.status.failed', { what, why: last.failure ?? '' }) };
  if (last.failure) return { kind: 'retrying', text: t('invitees.status.retrying', { what, why: last.failure }) };
  return { kind: 'queued', text: t('invitees.status.queued', { what }) };
}

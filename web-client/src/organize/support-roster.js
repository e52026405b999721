// The peer-supporter roster, in the organizers' "Peer support" tab: each
// supporter with their practice areas, status, years in practice, languages,
// training date, whether they are enrolled, paused or deactivated, their
// usual weekly times, and their load (requests in the last 30 days, never
// which); Deactivate after a question. Nominating is support-nominate.js's.
// It draws what support-tab.js loaded and asks it to load again after a
// change.

import * as support from './support-api.js';
import { make, show } from '../shared/dom.js';
import { t, tn } from '../shared/i18n.js';
import { confirmInline, say } from './page-parts.js';
import { dateText, freshId, languageName, linkWithCopy, listText, loginEnded, refusalText, windowText } from './support-parts.js';

/** @typedef {import('./support-api.js').Supporter} Supporter */

/**
 * @typedef {object} RosterHooks
 * @property {HTMLElement} message the page's live message line
 * @property {(error: unknown) => void} onUnauthorized
 * @property {() => Promise<void>} reload loads the whole tab again
 */

export class SupportRoster {
  /**
   * @param {HTMLUListElement} list
   * @param {HTMLElement} empty
   * @param {RosterHooks} hooks
   */
  constructor(list, empty, hooks) {
    this.list = list;
    this.empty = empty;
    this.hooks = hooks;
  }

  /**
   * The active first (those who take requests, then the paused and those
   * not enrolled yet), the deactivated last.
   * @param {Supporter[]} roster
   */
  draw(roster) {
    const order = (/** @type {Supporter} */ s) => (!s.active ? 3 : !s.enrolled ? 2 : s.paused ? 1 : 0);
    const sorted = [...roster].sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name));
    this.list.replaceChildren(...sorted.map((supporter) => this.item(supporter)));
    show(this.empty, roster.length === 0);
  }

  /** @param {Supporter} supporter */
  item(supporter) {
    const nameId = freshId('supporter');
    const badges = make('span', { className: 'badges' }, [badge(supporter)]);
    const lines = [
      make('p', { className: 'small', text: t('peer.roster.areas', { areas: supporter.practice_areas.join(', ') }) }),
      make('p', { className: 'small', text: [
        t(`peer.status.${supporter.practice_status}`),
        t('peer.years', { band: supporter.years_band.replace('-', '–') }),
        t('peer.roster.speaks', { languages: listText(supporter.languages.map(languageName)) }),
      ].join(' · ') }),
      make('p', { className: 'small muted', text: `${t('peer.roster.trained', { date: dateText(supporter.trained_on) })} · ${supporter.email}` }),
      make('p', { className: 'small', text: tn('peer.roster.load', supporter.load) }),
    ];
    if (supporter.enrolled && supporter.active) {
      lines.push(make('p', { className: 'small muted', text: supporter.availability.length > 0
        ? t('peer.roster.free', { zone: supporter.time_zone.replaceAll('_', ' '), windows: supporter.availability.map(windowText).join('; ') })
        : t('peer.roster.not_free') }));
    }
    const confirmSlot = make('div');
    const actions = make('div', { className: 'row session-actions' });
    if (supporter.active && !supporter.enrolled) {
      // The first link was lost: a new one, shown once, replaces it.
      const renew = make('button', {
        text: t('peer.roster.new_link'), className: 'small-button', attrs: { type: 'button', 'aria-describedby': nameId },
      });
      renew.addEventListener('click', async () => {
        try {
          const { enrol_link: link } = await support.renewEnrolment(supporter.id);
          confirmSlot.replaceChildren(
            make('p', { className: 'small', text: t('peer.roster.new_link_done', { name: supporter.name }) }),
            linkWithCopy(link, t('peer.roster.new_link_label', { name: supporter.name }), t('peer.roster.new_link_copied')),
          );
        } catch (error) {
          if (loginEnded(error)) this.hooks.onUnauthorized(error);
          else confirmSlot.replaceChildren(make('p', { className: 'notice notice-error', text: refusalText(error, t('peer.roster.new_link_refused')) }));
        }
      });
      actions.append(renew);
    }
    if (supporter.active) {
      const deactivate = make('button', {
        text: t('peer.roster.deactivate'), className: 'danger small-button', attrs: { type: 'button', 'aria-describedby': nameId },
      });
      deactivate.addEventListener('click', async () => {
        const question = t('peer.roster.deactivate_question', { name: supporter.name });
        if (await confirmInline(confirmSlot, question, t('peer.roster.deactivate_yes'))) await this.deactivate(supporter);
      });
      actions.append(deactivate);
    }
    return make('li', { className: 'session supporter', attrs: { 'data-supporter': supporter.id, tabindex: '-1' } }, [
      make('div', { className: 'session-head' }, [
        make('h3', { className: 'session-title', text: supporter.name, attrs: { id: nameId } }),
        badges,
      ]),
      ...lines,
      actions,
      confirmSlot,
    ]);
  }

  /** @param {Supporter} supporter */
  async deactivate(supporter) {
    try {
      await support.deactivate(supporter.id);
      await this.hooks.reload();
      say(this.hooks.message, t('peer.roster.deactivated', { name: supporter.name }), 'ok');
    } catch (error) {
      if (loginEnded(error)) {
        this.hooks.onUnauthorized(error);
        return;
      }
      await this.hooks.reload();
      say(this.hooks.message, refusalText(error, t('peer.gone')), 'error');
    }
    this.hooks.message.focus();
  }
}

/**
 * Whether new requests can go to them, or why not.
 * @param {Supporter} supporter
 */
function badge(supporter) {
  if (!supporter.active) return make('span', { className: 'badge badge-cancelled', text: t('peer.badge.deactivated') });
  if (!supporter.enrolled) return make('span', { className: 'badge', text: t('peer.badge.not_enrolled') });
  if (supporter.paused) return make('span', { className: 'badge badge-paused', text: t('peer.badge.paused') });
  return make('span', { className: 'badge badge-takes', text: t('peer.badge.takes') });
}

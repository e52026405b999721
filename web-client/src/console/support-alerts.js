// For hosts: who asked for support and since when, with "Acknowledge"
// (`room/support.js` is the participant's side), as a banner over the stage
// that stays until every request is acknowledged, whatever the host is
// doing in the console. The list comes from the room model, and back with
// the room after a reconnection; a new request is also a toast (above a
// phone's open panel too), said at once, assertively, with the chime if the
// host wants it. While breakouts run, each request says where the person
// is, with Visit when they are in a group. No one but hosts ever sees it.

import { announce, byId, liveRegion, make, show, tx } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { clockTime } from '../shared/time-text.js';
import { requestFailureText } from '../shared/wording.js';
import { breakoutFailureText, groupNumber } from '../room/breakout-text.js';
import { isHost, placeOf } from '../room/selectors.js';
import './words.js';

/** @typedef {import('../room/model.js').RoomModel} RoomModel */
/** @typedef {import('../room/model.js').Change} Change */
/** @typedef {import('../room/notice.js').Notice} Notice */

export class SupportAlerts {
  /**
   * @param {RoomModel} room
   * @param {Notice} notice
   */
  constructor(room, notice) {
    this.room = room;
    this.notice = notice;
    this.list = make('ul', { className: 'support-list' });
    this.alert = make('section', { className: 'panel support-alert', attrs: { id: 'support-alert', 'aria-labelledby': 'support-alert-heading' } }, [
      tx('h2', 'support.alert_heading', { attrs: { id: 'support-alert-heading' } }),
      tx('p', 'support.alert_intro', { className: 'small' }),
      this.list,
    ]);
    this.error = make('p', { className: 'notice notice-error', attrs: { role: 'alert' } });
    show(this.error, false);
    this.alert.append(this.error);
    this.live = liveRegion();
    byId('support-slot', HTMLElement).append(this.alert, this.live);
    this.list.addEventListener('click', (event) => {
      const target = event.target instanceof Element ? event.target.closest('button[data-acknowledge], button[data-visit-support]') : null;
      if (!(target instanceof HTMLButtonElement)) return;
      if (target.dataset.acknowledge) this.acknowledge(Number(target.dataset.acknowledge));
      if (target.dataset.visitSupport) this.visit(Number(target.dataset.visitSupport));
    });
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
    this.draw();
  }

  /** @param {Change} change */
  follow({ state, before }) {
    const requests = state.activities.support.requests;
    const was = before.activities.support.requests;
    const moved = state.breakouts !== before.breakouts;
    if (requests === was && isHost(state) === isHost(before) && !moved) return;
    const known = new Set((was ?? []).map((r) => r.participant));
    const fresh = (requests ?? []).filter((r) => !known.has(r.participant));
    if (isHost(state)) {
      for (const request of fresh) {
        this.notice.toast({ key: `support-${request.participant}`, text: t('support.asked', { name: request.name }), tone: 'warm', urgent: true, chime: true, sticky: false });
      }
    }
    // Acknowledged (by this host or another): its toast goes too.
    for (const request of was ?? []) {
      if (!(requests ?? []).some((r) => r.participant === request.participant)) this.notice.dismiss(`support-${request.participant}`);
    }
    this.draw();
  }

  /** @param {number} participant */
  acknowledge(participant) {
    const name = this.room.state.activities.support.requests?.find((r) => r.participant === participant)?.name ?? '';
    show(this.error, false);
    this.room.connection.request({ type: 'acknowledge_support', participant }).then(() => {
      // The `support_requests` that follows takes this person off the list.
      announce(this.live, t('support.acknowledge_done', { name }));
    }, (error) => {
      this.error.textContent = requestFailureText(error);
      show(this.error, true);
    });
  }

  /**
   * During breakouts: to the group of someone who asked for support.
   * @param {number} participant
   */
  visit(participant) {
    const breakout = placeOf(this.room.state, participant);
    if (breakout === null) return;
    show(this.error, false);
    this.room.connection.request({ type: 'visit_breakout', breakout }).catch((error) => {
      this.error.textContent = breakoutFailureText(error);
      show(this.error, true);
    });
  }

  /**
   * Where someone is during breakouts, and Visit when that is a group
   * this host is not in already; nothing without breakouts.
   * @param {number} participant
   * @param {string} name
   * @param {string} nameId
   */
  place(participant, name, nameId) {
    const state = this.room.state;
    if (!state.breakouts) return { where: [], visit: [] };
    const group = placeOf(state, participant);
    const where = make('span', {
      className: 'muted small',
      text: group === null ? t('console.breakouts.support_main') : t('console.breakouts.support_group', { number: groupNumber(state, group) }),
    });
    if (group === null || placeOf(state, state.me.id) === group) return { where: [where], visit: [] };
    return {
      where: [where],
      visit: [make('button', {
        text: t('console.breakouts.visit'), className: 'compact',
        attrs: {
          type: 'button', 'data-visit-support': String(participant), 'aria-describedby': nameId,
          'aria-label': t('console.breakouts.support_visit_for', { name, number: groupNumber(state, group) }),
        },
      })],
    };
  }

  draw() {
    const host = isHost(this.room.state);
    const requests = this.room.state.activities.support.requests ?? [];
    show(this.alert, host && requests.length > 0);
    const active = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const focused = active?.dataset.acknowledge ?? active?.dataset.visitSupport;
    this.list.replaceChildren(...requests.map((request) => {
      const nameId = `support-name-${request.participant}`;
      const { where, visit } = this.place(request.participant, request.name, nameId);
      return make('li', {}, [
        make('span', { className: 'support-who' }, [
          make('strong', { text: request.name, attrs: { id: nameId } }),
          make('span', { className: 'muted small', text: t('support.since', { time: clockTime(request.since) }) }),
          ...where,
        ]),
        make('span', { className: 'support-actions' }, [
          ...visit,
          make('button', {
            text: t('support.acknowledge'), className: 'primary',
            attrs: { type: 'button', 'data-acknowledge': String(request.participant), 'aria-describedby': nameId },
          }),
        ]),
      ]);
    }));
    // The same Visit again, or the same person's Acknowledge once this host is in their group.
    if (active?.dataset.visitSupport && !this.list.contains(active)) {
      const same = this.list.querySelector(`[data-visit-support="${focused}"]`) ?? this.list.querySelector(`[data-acknowledge="${focused}"]`);
      if (same instanceof HTMLElement && host) {
        same.focus();
        return;
      }
    }
    if (focused) {
      // The same button if that person is still listed, else the next one,
      // else the room's title: the focus never drops to the page's start.
      const again = this.list.querySelector(`[data-acknowledge="${focused}"]`) ?? this.list.querySelector('button');
      const title = document.getElementById('room-title');
      if (again instanceof HTMLElement && host) again.focus();
      else if (title) {
        title.tabIndex = -1;
        title.focus();
      }
    }
  }
}

// For hosts: who asked for support and since when, with "Acknowledge"
// (`room/support.js` is the participant's side), as a banner over the stage
// that stays until every request is acknowledged, whatever the host is
// doing in the console. The list comes from the room model, and back with
// the room after a reconnection; a new request is also a toast (above a
// phone's open panel too), said at once, assertively, with the chime if the
// host wants it. No one but hosts ever sees it.

import { announce, byId, liveRegion, make, show, tx } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { clockTime } from '../shared/time-text.js';
import { requestFailureText } from '../shared/wording.js';
import { isHost } from '../room/selectors.js';
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
      const target = event.target instanceof Element ? event.target.closest('button[data-acknowledge]') : null;
      if (target instanceof HTMLButtonElement) this.acknowledge(Number(target.dataset.acknowledge));
    });
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
    this.draw();
  }

  /** @param {Change} change */
  follow({ state, before }) {
    const requests = state.activities.support.requests;
    const was = before.activities.support.requests;
    if (requests === was && isHost(state) === isHost(before)) return;
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

  draw() {
    const host = isHost(this.room.state);
    const requests = this.room.state.activities.support.requests ?? [];
    show(this.alert, host && requests.length > 0);
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.acknowledge : undefined;
    this.list.replaceChildren(...requests.map((request) => {
      const nameId = `support-name-${request.participant}`;
      return make('li', {}, [
        make('span', { className: 'support-who' }, [
          make('strong', { text: request.name, attrs: { id: nameId } }),
          make('span', { className: 'muted small', text: t('support.since', { time: clockTime(request.since) }) }),
        ]),
        make('button', {
          text: t('support.acknowledge'), className: 'primary',
          attrs: { type: 'button', 'data-acknowledge': String(request.participant), 'aria-describedby': nameId },
        }),
      ]);
    }));
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

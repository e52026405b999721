// "I need support": a discreet signal from a participant to the facilitators.
//
// The participant confirms in one calm step (a dialog), then is told that only
// the facilitators were alerted and that someone will reach out privately;
// when a facilitator acknowledges, they are told so, gently. It works from the
// waiting room too (the protocol allows it). Hosts see who asked and since
// when, with "Acknowledge"; the list comes back with `room_state` after a
// reconnect. No one else in the room sees anything: the server tells only the
// hosts, and this page shows the signal only to its sender.

import { byId, clockTime, make, show } from './dom.js';
import { LANGUAGE_CHANGED, t } from './i18n.js';
import { announce, button, liveRegion, tx } from './activities-ui.js';
import { requestFailureText } from './wording.js';

/** @typedef {import('./protocol.js').RoomConnection} RoomConnection */
/** @typedef {import('./room.js').RoomView} RoomView */
/** @typedef {import('./messages.js').SupportRequest} SupportRequest */
/** @typedef {'none' | 'sent' | 'acknowledged'} SignalState */


export class SupportSignal {
  /**
   * @param {RoomConnection} connection
   * @param {RoomView} room
   */
  constructor(connection, room) {
    this.connection = connection;
    this.room = room;
    /** @type {SignalState} */
    this.state = 'none';
    this.dismissed = false;
    /** Hosts: who is waiting to be seen to. @type {SupportRequest[]} */
    this.requests = [];
    /** @type {HTMLElement | null} */
    this.opener = null;
    this.buttons = [byId('support-button', HTMLButtonElement), byId('gate-support-button', HTMLButtonElement)];
    // The elements, built once; events redraw only their contents.
    // The one confirming step.
    this.sendButton = button('support.send', 'primary');
    const cancel = button('support.cancel');
    this.dialogError = make('p', { className: 'notice notice-error', attrs: { role: 'alert' } });
    show(this.dialogError, false);
    this.dialog = make('dialog', { className: 'activities-dialog', attrs: { id: 'support-dialog', 'aria-labelledby': 'support-dialog-heading' } }, [
      tx('h2', 'support.dialog_heading', { attrs: { id: 'support-dialog-heading' } }),
      tx('p', 'support.dialog_text'),
      tx('p', 'support.dialog_crisis', { className: 'muted small' }),
      this.dialogError,
      make('div', { className: 'row dialog-actions' }, [this.sendButton, cancel]),
    ]);
    byId('overlay-slot', HTMLElement).append(this.dialog);
    cancel.addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('close', () => this.opener?.focus());
    this.sendButton.addEventListener('click', () => this.send());
    for (const b of this.buttons) {
      b.addEventListener('click', () => {
        this.opener = b;
        show(this.dialogError, false);
        this.dialog.showModal();
      });
    }

    // What the sender sees afterwards, in the room and at the gate.
    this.statuses = [this.statusNotice(), this.statusNotice()];
    byId('support-slot', HTMLElement).append(this.statuses[0].box);
    byId('gate-tools', HTMLElement).after(this.statuses[1].box);

    // Hosts: who asked.
    this.alertList = make('ul', { className: 'support-list' });
    this.alert = make('section', { className: 'panel support-alert', attrs: { 'aria-labelledby': 'support-alert-heading' } }, [
      tx('h2', 'support.alert_heading', { attrs: { id: 'support-alert-heading' } }),
      tx('p', 'support.alert_intro', { className: 'small' }),
      this.alertList,
    ]);
    this.alertError = make('p', { className: 'notice notice-error', attrs: { role: 'alert' } });
    show(this.alertError, false);
    this.alert.append(this.alertError);
    this.urgent = liveRegion('assertive');
    this.live = liveRegion();
    byId('support-slot', HTMLElement).append(this.alert, this.urgent, this.live);
    this.alertList.addEventListener('click', (event) => {
      const target = event.target instanceof Element ? event.target.closest('button[data-acknowledge]') : null;
      if (target instanceof HTMLButtonElement) this.acknowledge(Number(target.dataset.acknowledge));
    });
    this.listen();
    this.draw();
  }


  /** A calm notice with a way to put it away. */
  statusNotice() {
    const text = make('p', { attrs: { role: 'status' } });
    const hide = button('support.dismiss', 'quiet');
    const box = make('div', { className: 'notice notice-ok support-status' }, [text, hide]);
    hide.addEventListener('click', () => {
      this.dismissed = true;
      this.draw();
      this.buttons.find((b) => b.offsetParent !== null)?.focus();
    });
    return { box, text, hide };
  }

  listen() {
    const c = this.connection;
    c.on('joined', ({ role }) => this.drawButtons(role === 'participant'));
    c.on('room_state', (state) => this.setRequests(state.support_requests ?? []));
    c.on('support_requests', ({ requests }) => this.setRequests(requests));
    c.on('support_acknowledged', () => {
      this.state = 'acknowledged';
      this.dismissed = false;
      this.draw();
    });
    c.on('participant_updated', ({ participant }) => {
      if (participant.id === this.room.me) this.draw();
    });
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
  }

  send() {
    this.sendButton.disabled = true;
    show(this.dialogError, false);
    this.connection.request({ type: 'need_support' }).then(() => {
      // An acknowledgement that came first is the newer news.
      if (this.state === 'none') this.state = 'sent';
      this.dismissed = false;
      this.draw();
      this.dialog.close();
    }, (error) => {
      this.dialogError.textContent = `${requestFailureText(error)} ${t('support.failed')}`;
      show(this.dialogError, true);
    }).finally(() => {
      this.sendButton.disabled = false;
    });
  }

  /** @param {SupportRequest[]} requests */
  setRequests(requests) {
    const known = new Set(this.requests.map((r) => r.participant));
    const fresh = requests.filter((r) => !known.has(r.participant));
    this.requests = requests;
    if (fresh.length && this.room.isHost) announce(this.urgent, fresh.map((r) => t('support.asked', { name: r.name })).join(' '));
    this.draw();
  }

  /** @param {number} participant */
  acknowledge(participant) {
    const name = this.requests.find((r) => r.participant === participant)?.name ?? '';
    show(this.alertError, false);
    this.connection.request({ type: 'acknowledge_support', participant }).then(() => {
      // The `support_requests` that follows takes this person off the list.
      announce(this.live, t('support.acknowledge_done', { name }));
    }, (error) => {
      this.alertError.textContent = requestFailureText(error);
      show(this.alertError, true);
    });
  }

  /** @param {boolean} participant */
  drawButtons(participant) {
    for (const b of this.buttons) show(b, participant);
  }

  draw() {
    const host = this.room.isHost;
    this.drawButtons(!host);
    const text = this.state === 'acknowledged' ? t('support.acknowledged') : this.state === 'sent' ? t('support.sent') : '';
    for (const status of this.statuses) {
      status.text.textContent = text;
      show(status.box, !host && !!text && !this.dismissed);
    }

    show(this.alert, host && this.requests.length > 0);
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.acknowledge : undefined;
    this.alertList.replaceChildren(...this.requests.map((request) => {
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
      const again = this.alertList.querySelector(`[data-acknowledge="${focused}"]`) ?? this.alertList.querySelector('button');
      const title = document.getElementById('room-title');
      if (again instanceof HTMLElement && host) again.focus();
      else if (title) {
        title.tabIndex = -1;
        title.focus();
      }
    }
  }
}

// "I need support": a discreet signal from a participant to the facilitators.
//
// The participant confirms in one calm step (a dialog), then is told that only
// the facilitators were alerted and that someone will reach out privately;
// when a facilitator acknowledges, they are told so, gently. It works from the
// waiting room too (the protocol allows it). No one else in the room sees
// anything: the server tells only the hosts (their list is the console's,
// `console/support-alerts.js`), and this page shows the signal only to its
// sender. Where the signal stands comes from the room model.

import { button, byId, make, show, tx } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { requestFailureText } from '../shared/wording.js';
import { isHost, isOneOnOne } from './selectors.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */

export class SupportSignal {
  /** @param {RoomModel} room */
  constructor(room) {
    this.room = room;
    /** The person put the notice away; a new answer brings it back. */
    this.dismissed = false;
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
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
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

  /** @param {Change} change */
  follow({ state, before }) {
    const mine = state.activities.support.mine;
    if (mine !== before.activities.support.mine) this.dismissed = false;
    const changed = mine !== before.activities.support.mine || state.me.role !== before.me.role || state.me.session !== before.me.session;
    if (changed) this.draw();
  }

  send() {
    this.sendButton.disabled = true;
    show(this.dialogError, false);
    this.room.connection.request({ type: 'need_support' }).then(() => {
      this.dismissed = false;
      this.room.note({ type: 'support_sent' });
      this.draw();
      this.dialog.close();
    }, (error) => {
      this.dialogError.textContent = `${requestFailureText(error)} ${t('support.failed')}`;
      show(this.dialogError, true);
    }).finally(() => {
      this.sendButton.disabled = false;
    });
  }

  draw() {
    const host = isHost(this.room.state);
    // In a room for two the supporter is right there: "I need more help
    // now" (help.js) is the one button, and it shows the crisis resources.
    const oneOnOne = isOneOnOne(this.room.state);
    for (const b of this.buttons) show(b, !host && !oneOnOne);
    const mine = this.room.state.activities.support.mine;
    const text = mine === 'acknowledged' ? t('support.acknowledged') : mine === 'sent' ? t('support.sent') : '';
    for (const status of this.statuses) {
      status.text.textContent = text;
      show(status.box, !host && !!text && !this.dismissed);
    }
  }
}

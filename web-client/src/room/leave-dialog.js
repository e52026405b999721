// Leave, asked first: Leave sits in the control bar, a tap from the other
// controls, and a tired person may press it by mistake. "Stay" has the focus,
// so a stray Enter changes nothing. The facilitator's console may add its own
// choice to the same question (ending the session for everyone), through
// `addChoice`; this file sends nothing but what it is given to do.

import { byId, make } from '../shared/dom.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */

export class LeaveDialog {
  /**
   * @param {RoomModel} room
   * @param {() => void} leave what leaving does (the join flow's)
   */
  constructor(room, leave) {
    this.room = room;
    this.el = {
      dialog: byId('leave-dialog', HTMLDialogElement),
      stay: byId('leave-stay', HTMLButtonElement),
      confirm: byId('leave-confirm', HTMLButtonElement),
      buttons: byId('leave-buttons', HTMLDivElement),
    };
    /** Whoever opened it, to give the focus back on "Stay". @type {HTMLElement | null} */
    this.opener = null;
    this.el.stay.addEventListener('click', () => this.el.dialog.close());
    this.el.confirm.addEventListener('click', () => {
      this.el.dialog.close('leave');
      leave();
    });
    this.el.dialog.addEventListener('close', () => {
      if (this.el.dialog.returnValue !== 'leave' && this.opener?.isConnected) this.opener.focus();
    });
    // Out of the room (ended, removed, dropped): nothing left to leave.
    room.subscribe(({ state }) => {
      if (!state.me.inRoom && this.el.dialog.open) this.el.dialog.close();
    });
  }

  ask() {
    const active = document.activeElement;
    this.opener = active instanceof HTMLElement ? active : null;
    this.el.dialog.returnValue = '';
    this.el.dialog.showModal();
    this.el.stay.focus();
  }

  /**
   * Another way out, offered beside Leave to whoever `shown` allows.
   * @param {HTMLButtonElement} button
   * @param {() => boolean} shown
   */
  addChoice(button, shown) {
    const slot = make('span', { className: 'leave-choice' }, [button]);
    this.el.buttons.prepend(slot);
    const update = () => { slot.hidden = !shown(); };
    this.room.subscribe(update);
    update();
    button.addEventListener('click', () => this.el.dialog.close('other'));
  }
}

// The calm question asked before anything that cannot be undone (removing
// someone, ending the session). Cancel has the focus, so a stray Enter
// changes nothing; Escape cancels too. It closes by itself if this person
// stops being a host meanwhile. It sends nothing: the caller acts on the answer.

import { byId } from '../shared/dom.js';
import { isHost } from '../room/selectors.js';

/** @typedef {import('../room/model.js').RoomModel} RoomModel */

export class ConfirmDialog {
  /** @param {RoomModel} room */
  constructor(room) {
    this.el = {
      dialog: byId('confirm-dialog', HTMLDialogElement),
      title: byId('confirm-title', HTMLHeadingElement),
      text: byId('confirm-text', HTMLParagraphElement),
      ok: byId('confirm-ok', HTMLButtonElement),
      cancel: byId('confirm-cancel', HTMLButtonElement),
    };
    this.el.ok.addEventListener('click', () => this.el.dialog.close('ok'));
    this.el.cancel.addEventListener('click', () => this.el.dialog.close('cancel'));
    room.subscribe(({ state }) => {
      if (!isHost(state) && this.el.dialog.open) this.el.dialog.close('cancel');
    });
  }

  /**
   * @param {{title: string, text: string, ok: string, cancel: string}} words
   * @returns {Promise<boolean>} whether the host confirmed
   */
  ask({ title, text, ok, cancel }) {
    const { dialog } = this.el;
    const opener = document.activeElement;
    this.el.title.textContent = title;
    this.el.text.textContent = text;
    this.el.ok.textContent = ok;
    this.el.cancel.textContent = cancel;
    dialog.returnValue = '';
    dialog.showModal();
    this.el.cancel.focus();
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => {
        // Back where the person was, or, if that row has gone, to the list's heading.
        if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
        else byId('people-heading', HTMLHeadingElement).focus();
        resolve(dialog.returnValue === 'ok');
      }, { once: true });
    });
  }
}

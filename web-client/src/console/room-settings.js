// The room's settings, for hosts: lock the room, newcomers wait or not, and
// for the facilitator alone, end the session for everyone (after a calm
// question). Drawn from the room model; a switch shows its new position
// when the server's `settings` event comes, not on the click.

import { byId, show } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import './words.js';

/** @typedef {import('../room/model.js').RoomModel} RoomModel */
/** @typedef {import('../room/model.js').Change} Change */
/** @typedef {import('../room/notice.js').Notice} Notice */
/** @typedef {import('./confirm-dialog.js').ConfirmDialog} ConfirmDialog */

export class RoomSettings {
  /**
   * @param {RoomModel} room
   * @param {Notice} notice
   * @param {ConfirmDialog} confirm
   */
  constructor(room, notice, confirm) {
    this.room = room;
    this.el = {
      lock: byId('lock-button', HTMLButtonElement),
      lockedNote: byId('locked-note', HTMLParagraphElement),
      waitingToggle: byId('waiting-room-toggle', HTMLInputElement),
      end: byId('end-session', HTMLButtonElement),
    };
    const c = room.connection;
    const { el } = this;
    el.lock.addEventListener('click', () => notice.run(c.request({ type: 'set_locked', locked: !this.room.state.settings.locked })));
    el.waitingToggle.addEventListener('change', () => {
      // Refused: the box goes back to what the room has.
      notice.run(c.request({ type: 'set_waiting_room', enabled: el.waitingToggle.checked }), undefined, () => this.draw());
    });
    el.end.addEventListener('click', async () => {
      const sure = await confirm.ask({
        title: t('console.confirm.end_title'),
        text: t('console.confirm.end_text'),
        ok: t('console.confirm.end_ok'),
        cancel: t('console.confirm.end_cancel'),
      });
      if (sure) notice.run(c.request({ type: 'end_session' }));
    });
    room.subscribe((change) => this.follow(change));
    this.draw();
  }

  /** @param {Change} change */
  follow({ state, before }) {
    if (state.settings !== before.settings || state.me.role !== before.me.role) this.draw();
  }

  draw() {
    const { settings, me } = this.room.state;
    // The label stays "Lock room" and aria-pressed says whether it is on; the
    // note says it in words too.
    this.el.lock.setAttribute('aria-pressed', String(settings.locked));
    show(this.el.lockedNote, settings.locked);
    this.el.waitingToggle.checked = settings.waitingRoom;
    // Only the facilitator may end the session; co-facilitators help run it.
    show(this.el.end, me.role === 'facilitator');
  }
}

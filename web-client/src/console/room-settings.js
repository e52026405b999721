// The room's settings, for hosts: lock the room, newcomers wait or not, and
// for the facilitator alone, end the session for everyone (after a calm
// question), from the run of show and from the question Leave asks. Drawn
// from the room model; a switch shows its new position when the server's
// `settings` event comes, not on the click.

import { byId, make, show } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import './words.js';

/** @typedef {import('../room/model.js').RoomModel} RoomModel */
/** @typedef {import('../room/model.js').Change} Change */
/** @typedef {import('../room/notice.js').Notice} Notice */
/** @typedef {import('./confirm-dialog.js').ConfirmDialog} ConfirmDialog */
/** @typedef {import('../room/leave-dialog.js').LeaveDialog} LeaveDialog */

export class RoomSettings {
  /**
   * @param {RoomModel} room
   * @param {Notice} notice
   * @param {ConfirmDialog} confirm
   * @param {LeaveDialog} leave
   */
  constructor(room, notice, confirm, leave) {
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
    const end = async () => {
      const sure = await confirm.ask({
        title: t('console.confirm.end_title'),
        text: t('console.confirm.end_text'),
        ok: t('console.confirm.end_ok'),
        cancel: t('console.confirm.end_cancel'),
      });
      if (sure) notice.run(c.request({ type: 'end_session' }));
    };
    el.end.addEventListener('click', end);
    // Leaving, the facilitator is asked whether to end the session for everyone instead.
    this.endFromLeave = make('button', { className: 'danger', attrs: { type: 'button', id: 'leave-end-session', 'data-i18n': 'console.settings.end' } });
    this.endFromLeave.textContent = t('console.settings.end');
    this.endFromLeave.addEventListener('click', () => void end());
    leave.addChoice(this.endFromLeave, () => this.room.state.me.role === 'facilitator');
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

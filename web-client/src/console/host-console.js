// The facilitator console's frame: the hosts' panel shows for hosts only,
// and someone who becomes a host gets what only hosts are sent (the room is
// asked for again). Participants never see the console; the server refuses
// their requests anyway. The parts are their own modules (waiting room,
// settings, talk time, person actions, and the hosts' side of the activities).

import { byId, show } from '../shared/dom.js';
import { isHost } from '../room/selectors.js';

/** @typedef {import('../room/model.js').RoomModel} RoomModel */
/** @typedef {import('../room/model.js').Change} Change */
/** @typedef {import('../room/notice.js').Notice} Notice */

export class HostConsole {
  /**
   * @param {RoomModel} room
   * @param {Notice} notice
   */
  constructor(room, notice) {
    this.room = room;
    this.notice = notice;
    this.panel = byId('host-panel', HTMLElement);
    room.subscribe((change) => this.follow(change));
  }

  /** @param {Change} change */
  follow({ state, before }) {
    const host = isHost(state);
    show(this.panel, host);
    // A new host needs what only hosts get (talk time so far, among others):
    // the server sends the waiting list, and a fresh room_state the rest.
    if (host && !isHost(before) && state.me.inRoom) this.notice.run(this.room.connection.getState());
  }
}

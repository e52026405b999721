// The ground rules in the room (#room-rules-panel): folded away until a host
// shows them to everyone, which opens the panel. Drawn from the room model.

import { byId, make } from '../shared/dom.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */

export class RoomRules {
  /** @param {RoomModel} room */
  constructor(room) {
    this.panel = byId('room-rules-panel', HTMLDetailsElement);
    this.list = byId('room-rules', HTMLOListElement);
    room.subscribe((change) => this.follow(change));
  }

  /** @param {Change} change */
  follow({ state, before, message }) {
    if (state.rules !== before.rules) this.list.replaceChildren(...state.rules.map((rule) => make('li', { text: rule })));
    if (message.type === 'rules_shown') this.panel.open = true;
  }
}

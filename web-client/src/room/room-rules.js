// The ground rules in the room: in the dock's run of show for anyone to
// reread, and over everyone's screen when a host shows them (`rules_shown`):
// a dialog that does not take the focus (someone may be typing) and is
// announced, which each person closes when they have read it. "Ground
// rules" in the control bar's More shows the same dialog to this person
// alone. The server's built-in rules are shown in the page's language.
// Drawn from the room model.

import { announce, byId, liveRegion, make, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { builtIn } from './defaults.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */

export class RoomRules {
  /** @param {RoomModel} room */
  constructor(room) {
    this.room = room;
    this.el = {
      list: byId('room-rules', HTMLOListElement),
      dialog: byId('rules-shown', HTMLDivElement),
      shown: byId('rules-shown-list', HTMLOListElement),
      close: byId('rules-shown-close', HTMLButtonElement),
    };
    this.live = liveRegion();
    this.el.dialog.after(this.live);
    this.el.close.addEventListener('click', () => this.hide());
    this.el.dialog.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.hide();
    });
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
  }

  /** @param {Change} change */
  follow({ state, before, message }) {
    if (state.rules !== before.rules) this.draw();
    if (message.type === 'rules_shown') {
      this.show();
      announce(this.live, t('room.notice.rules_shown'));
    }
    if (!state.me.inRoom) show(this.el.dialog, false);
  }

  draw() {
    const rules = this.room.state.rules.map((rule) => builtIn(rule));
    this.el.list.replaceChildren(...rules.map((rule) => make('li', { text: rule })));
    this.el.shown.replaceChildren(...rules.map((rule) => make('li', { text: rule })));
  }

  /** Over the room, in sight; the focus stays where it was. */
  show() {
    this.draw();
    show(this.el.dialog, true);
  }

  hide() {
    const hadFocus = this.el.dialog.contains(document.activeElement);
    show(this.el.dialog, false);
    if (hadFocus) byId('more-button', HTMLButtonElement).focus();
  }
}

// Reactions without unmuting: the buttons, and the feed of the recent ones
// (the room model keeps them only as long as they are shown). A line is
// written once, when its reaction comes, and never rewritten: the feed is a
// live region, and rewriting would announce it again.

import { byId, make } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { nameOf } from './selectors.js';
import { REACTION_SHOWN_MS } from './state.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */
/** @typedef {import('./notice.js').Notice} Notice */
/** @typedef {import('../shared/messages.js').Reaction} Reaction */

/** The reactions' feed lines; the keys are in strings-room.js. */
const REACTION_KEYS = {
  nod: 'room.reaction.nod',
  thanks: 'room.reaction.thanks',
  heart: 'room.reaction.heart',
  me_too: 'room.reaction.me_too',
};

export class Reactions {
  /**
   * @param {RoomModel} room
   * @param {Notice} notice
   */
  constructor(room, notice) {
    this.feed = byId('reaction-feed', HTMLUListElement);
    /** The last reaction written to the feed. */
    this.written = 0;
    for (const button of document.querySelectorAll('button[data-reaction]')) {
      button.addEventListener('click', () => {
        const reaction = /** @type {Reaction} */ (button.getAttribute('data-reaction'));
        notice.run(room.connection.request({ type: 'react', reaction }));
      });
    }
    room.subscribe((change) => this.follow(change));
  }

  /** @param {Change} change */
  follow({ state }) {
    for (const seen of state.floor.reactions) {
      if (seen.seq <= this.written) continue;
      this.written = seen.seq;
      const item = make('li', { text: t(REACTION_KEYS[seen.reaction], { name: nameOf(state, seen.from) ?? t('room.someone') }) });
      this.feed.append(item);
      setTimeout(() => item.remove(), REACTION_SHOWN_MS);
    }
  }
}

// The tab's title: the session's name once known, with a count in front of
// what waits for this person (unread chat, their turn, and for hosts people
// asking to come in and support requests), so a facilitator in another tab
// sees it. The only writer of `document.title` on the join page.

import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { waitingForMe } from './selectors.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */

export class PageTitle {
  /** @param {RoomModel} room */
  constructor(room) {
    this.room = room;
    room.subscribe(() => this.draw());
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
    this.draw();
  }

  draw() {
    const state = this.room.state;
    const session = state.me.session;
    const base = session ? t('layout.title.session', { title: session.title }) : t('join.page_title');
    const count = waitingForMe(state);
    const title = count > 0 ? `(${count}) ${base}` : base;
    if (document.title !== title) document.title = title;
  }
}

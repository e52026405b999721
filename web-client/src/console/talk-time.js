// Talk time, for hosts: a bar per person for a glance and the same in words
// (minutes, seconds and share), so who has not spoken stands out without
// colour. The room model keeps the server's totals and who speaks now; this
// panel only keeps them moving on screen while someone speaks.

import { byId, make, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, locale, t } from '../shared/i18n.js';
import { isHost, peopleInOrder, talkOf } from '../room/selectors.js';
import './words.js';

/** @typedef {import('../room/model.js').RoomModel} RoomModel */
/** @typedef {import('../room/model.js').Change} Change */

/** How often the talk-time bars move while someone speaks. */
const TALK_TICK_MS = 3_000;

export class TalkTime {
  /** @param {RoomModel} room */
  constructor(room) {
    this.room = room;
    this.panel = byId('talk-panel', HTMLElement);
    this.list = byId('talk-list', HTMLUListElement);
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.ticker = undefined;
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
  }

  /** @param {Change} change */
  follow({ state, before }) {
    if (state.people === before.people && state.media === before.media && state.me.role === before.me.role) return;
    show(this.panel, isHost(state));
    this.tick();
    this.draw();
  }

  /** Keeps the bars moving while someone speaks, and only then. */
  tick() {
    const state = this.room.state;
    const needed = isHost(state) && state.media.speaking.size > 0;
    if (needed && this.ticker === undefined) this.ticker = setInterval(() => this.draw(), TALK_TICK_MS);
    if (!needed && this.ticker !== undefined) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  draw() {
    const state = this.room.state;
    if (!isHost(state)) {
      this.list.replaceChildren();
      return;
    }
    const people = peopleInOrder(state);
    const now = Date.now();
    const talk = new Map(people.map((person) => [person.id, talkOf(state, person.id, now)]));
    const total = [...talk.values()].reduce((sum, ms) => sum + ms, 0);
    const percent = new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 0 });
    this.list.replaceChildren(...people.map((person) => {
      const ms = talk.get(person.id) ?? 0;
      const share = total > 0 ? ms / total : 0;
      const words = ms < 1000 ? t('console.talk.none')
        : t('console.talk.value', { time: minutesSeconds(ms), share: percent.format(share) });
      const fill = make('span', { className: 'talk-fill' });
      fill.style.width = `${Math.round(share * 100)}%`;
      return make('li', { attrs: { 'data-talk': String(person.id) } }, [
        make('span', { className: 'talk-line' }, [
          make('span', { text: person.name, className: 'name' }),
          make('span', { text: words, className: 'talk-words' }),
        ]),
        make('span', { className: 'talk-bar', attrs: { 'aria-hidden': 'true' } }, [fill]),
      ]);
    }));
  }
}

/**
 * "4:05" for four minutes and five seconds.
 * @param {number} ms
 */
function minutesSeconds(ms) {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

// Who is in the room: a row per person with their name and badges in words
// (role, you, hand raised, reconnecting, mic or camera off), never colour
// alone. Drawn from the room model. A host's tools for each person are the
// console's (`console/person-actions.js`), handed in by the page: this list
// only makes room for them and keeps open menus and the focus across redraws.

import { byId, make } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t, tn } from '../shared/i18n.js';
import { peopleInOrder } from './selectors.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */
/** @typedef {import('../shared/messages.js').Participant} Participant */
/**
 * What a host can do about someone, as elements for their row (none for
 * participants, and none for oneself).
 * @typedef {{tools: (person: Participant, menuOpen: boolean) => HTMLElement[]}} PersonTools
 */

/** The role badges; the keys are in strings-room.js. */
const ROLE_KEYS = {
  facilitator: 'room.role.facilitator',
  co_facilitator: 'room.role.co_facilitator',
  participant: 'room.role.participant',
};

export class PeopleList {
  /**
   * @param {RoomModel} room
   * @param {PersonTools} [actions]
   */
  constructor(room, actions) {
    this.room = room;
    this.actions = actions;
    this.list = byId('participants', HTMLUListElement);
    this.heading = byId('people-heading', HTMLHeadingElement);
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
  }

  /** @param {Change} change */
  follow({ state, before }) {
    if (state.people !== before.people || state.floor.hands !== before.floor.hands || state.me !== before.me
      || state.screenShare !== before.screenShare) this.draw();
  }

  draw() {
    const { list } = this;
    const people = peopleInOrder(this.room.state);
    // A redraw replaces the rows: keep open menus open and the focus where it was.
    const open = new Set([...list.querySelectorAll('details[open]')].map((menu) => menu.getAttribute('data-id')));
    const active = document.activeElement;
    const focus = active instanceof HTMLElement && list.contains(active)
      ? { id: active.getAttribute('data-id'), action: active.getAttribute('data-action') } : null;

    list.replaceChildren(...people.map((person) => this.row(person, open.has(String(person.id)))));
    this.heading.textContent = tn('room.people.count', people.length);

    if (focus) {
      const again = list.querySelector(`[data-id="${focus.id}"][data-action="${focus.action}"]`)
        ?? list.querySelector(`[data-id="${focus.id}"][data-action="menu"]`);
      if (again instanceof HTMLElement) again.focus();
      else this.heading.focus();
    }
  }

  /**
   * @param {Participant} person
   * @param {boolean} menuOpen
   */
  row(person, menuOpen) {
    const { me, floor } = this.room.state;
    const badges = [];
    if (person.role !== 'participant') badges.push(badge(t(ROLE_KEYS[person.role])));
    if (person.id === me.id) badges.push(badge(t('room.badge.you'), 'badge-you'));
    if (floor.hands.includes(person.id)) badges.push(badge(t('room.badge.hand'), 'badge-hand'));
    if (!person.connected) badges.push(badge(t('room.badge.reconnecting'), 'badge-away'));
    if (!person.audio) badges.push(badge(t('room.badge.mic_off'), 'badge-away'));
    if (!person.video) badges.push(badge(t('room.badge.camera_off'), 'badge-away'));
    return make('li', { attrs: { 'data-participant': String(person.id) } }, [
      make('span', { className: 'who' }, [
        make('span', { text: person.name, className: 'name' }),
        make('span', { className: 'badges' }, badges),
      ]),
      ...(this.actions?.tools(person, menuOpen) ?? []),
    ]);
  }
}

/**
 * @param {string} text
 * @param {string} [kind]
 */
function badge(text, kind = '') {
  return make('span', { text, className: `badge ${kind}`.trim() });
}

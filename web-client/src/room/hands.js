// The hand queue: this person's raise or lower (in the control bar), where
// they stand (over the stage while the hand is up), the queue in order (in
// the dock's people panel), and for hosts "give the floor to the next hand",
// "lower all hands", a lower button beside each hand, and a toast when a
// hand goes up. Drawn from the room model; the queue changes when the
// server's `hands` event comes, never on a click alone.

import { actionButton, byId, make, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, locale, t } from '../shared/i18n.js';
import { isHost, nameOf } from './selectors.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */
/** @typedef {import('./notice.js').Notice} Notice */
/** @typedef {import('./dock.js').Dock} Dock */

/** English says 1st, 2nd, 3rd, 4th; French 1re, 2e: Intl's ordinal categories. */
const ORDINAL_KEYS = {
  one: 'room.ordinal.one',
  two: 'room.ordinal.two',
  few: 'room.ordinal.few',
  other: 'room.ordinal.other',
};

/** @param {number} place 1 for the first */
function ordinal(place) {
  const category = /** @type {keyof typeof ORDINAL_KEYS} */ (new Intl.PluralRules(locale(), { type: 'ordinal' }).select(place));
  return t(ORDINAL_KEYS[category] ?? ORDINAL_KEYS.other, { count: place });
}

export class HandsPanel {
  /**
   * @param {RoomModel} room
   * @param {Notice} notice
   * @param {Dock} dock
   */
  constructor(room, notice, dock) {
    this.room = room;
    this.notice = notice;
    this.dock = dock;
    this.el = {
      button: byId('hand-button', HTMLButtonElement),
      label: /** @type {HTMLElement} */ (byId('hand-button', HTMLButtonElement).querySelector('.bar-label')),
      position: byId('hand-position', HTMLParagraphElement),
      queue: byId('hand-queue', HTMLOListElement),
      empty: byId('hand-empty', HTMLParagraphElement),
      callNext: byId('call-next', HTMLButtonElement),
      lowerAll: make('button', { attrs: { type: 'button', hidden: '' } }),
    };
    this.el.callNext.after(this.el.lowerAll);
    const c = room.connection;
    this.el.button.addEventListener('click', () => {
      const { floor, me } = this.room.state;
      notice.run(me.id !== null && floor.hands.includes(me.id) ? c.request({ type: 'lower_hand' }) : c.request({ type: 'raise_hand' }));
    });
    this.el.callNext.addEventListener('click', () => notice.run(c.request({ type: 'call_next_hand' })));
    this.el.lowerAll.addEventListener('click', () => notice.run(c.request({ type: 'lower_all_hands' })));
    // Hosts lower someone's hand from the queue too; its buttons come and go with each redraw.
    this.el.queue.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('button[data-lower-hand]') : null;
      if (button) notice.run(c.request({ type: 'lower_hand', participant: Number(button.getAttribute('data-lower-hand')) }));
    });
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
    this.draw();
  }

  /** @param {Change} change */
  follow({ state, before, message }) {
    if (message.type === 'hands' && isHost(state)) this.tellHosts(before.floor.hands, state.floor.hands);
    if (state.floor.hands !== before.floor.hands || state.people !== before.people || state.me !== before.me) this.draw();
  }

  /**
   * Hosts: a hand that went up, wherever they are looking.
   * @param {number[]} was
   * @param {number[]} now
   */
  tellHosts(was, now) {
    const state = this.room.state;
    for (const id of now.filter((hand) => !was.includes(hand) && hand !== state.me.id)) {
      const name = nameOf(state, id) ?? t('room.someone');
      this.notice.toast({
        key: `hand-${id}`,
        text: () => t('room.hands.raised', { name, place: ordinal(now.indexOf(id) + 1) }),
        chime: true,
        sticky: false,
        actions: this.dock.showing('people') ? [] : [{ label: () => t('room.hands.see_queue'), run: () => this.dock.show('people') }],
      });
    }
    for (const id of was.filter((hand) => !now.includes(hand))) this.notice.dismiss(`hand-${id}`);
  }

  draw() {
    const state = this.room.state;
    const { button, queue, empty, position, callNext, lowerAll } = this.el;
    const host = isHost(state);
    const me = state.me.id;
    const hands = state.floor.hands;
    show(callNext, host);
    show(lowerAll, host);
    lowerAll.textContent = t('room.hands.lower_all');
    const place = me === null ? 0 : hands.indexOf(me) + 1;
    this.el.label.textContent = place ? t('layout.bar.hand_lower') : t('layout.bar.hand_raise');
    button.setAttribute('aria-label', place ? t('room.hands.lower_mine') : t('room.hands.raise'));
    button.setAttribute('aria-pressed', String(place > 0));
    // Where one stands, in words: the list's numbers alone are easy to miss.
    position.textContent = place === 0 ? ''
      : t(place === 1 ? 'room.hands.position_next' : 'room.hands.position', { place: ordinal(place) });
    show(position, place > 0);
    const focused = document.activeElement instanceof HTMLElement && queue.contains(document.activeElement);
    queue.replaceChildren(...hands.map((id) => {
      const name = nameOf(state, id) ?? t('room.someone');
      const item = make('li', { attrs: { 'data-hand': String(id) } },
        [make('span', { text: id === me ? t('room.you_suffix', { name }) : name, className: 'name' })]);
      if (host && id !== me) {
        item.append(actionButton(t('room.hands.lower'), t('room.hands.lower_for', { name }), { 'data-lower-hand': String(id) }));
      }
      return item;
    }));
    // The button clicked may be gone with its hand: keep the focus in the panel.
    if (focused && !queue.contains(document.activeElement)) {
      (queue.querySelector('button') ?? (host ? callNext : button)).focus();
    }
    show(empty, hands.length === 0);
    callNext.disabled = hands.length === 0;
    lowerAll.disabled = hands.length === 0;
  }
}

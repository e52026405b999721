// The control bar's own buttons (the microphone and camera are
// `media-controls.js`'s, the hand `hands.js`'s): React and More, which open a
// small menu above the bar; Chat (with how many lines are unread), People,
// and for hosts their console, which open the dock; and Leave, which asks
// first (`leave-dialog.js`). More holds the run of show, the activities, the
// summary, the ground rules, the sound and the language. Counts and pressed
// states come from the room model and the dock.

import { byId, make, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, languagePicker, t } from '../shared/i18n.js';
import { drawIcons } from './icons.js';
import { isHost, isOneOnOne, unreadChat, waitingToAdmit } from './selectors.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./dock.js').Dock} Dock */
/** @typedef {import('./dock.js').TabId} TabId */
/** @typedef {import('./sound.js').Chime} Chime */

/** The tabs a host's console button opens, the first by default. @type {TabId[]} */
const CONSOLE_TABS = ['waiting', 'people', 'agenda', 'activities', 'breakouts', 'summary'];

export class ControlBar {
  /**
   * @param {RoomModel} room
   * @param {Dock} dock
   * @param {{chime: Chime, showRules: () => void, leave: () => void}} parts
   */
  constructor(room, dock, { chime, showRules, leave }) {
    this.room = room;
    this.dock = dock;
    /** The console tab a host last had open. @type {TabId} */
    this.hostTab = 'waiting';
    this.el = {
      react: byId('react-button', HTMLButtonElement),
      reactMenu: byId('react-menu', HTMLDivElement),
      more: byId('more-button', HTMLButtonElement),
      moreMenu: byId('more-menu', HTMLDivElement),
      chat: byId('chat-button', HTMLButtonElement),
      chatUnread: byId('chat-unread', HTMLSpanElement),
      people: byId('people-button', HTMLButtonElement),
      peopleCount: byId('people-count', HTMLSpanElement),
      console: byId('console-button', HTMLButtonElement),
      consoleCount: byId('console-count', HTMLSpanElement),
      leave: byId('leave-button', HTMLButtonElement),
      activities: byId('more-activities', HTMLButtonElement),
      sound: byId('sound-toggle', HTMLInputElement),
    };
    drawIcons(document);
    const { el } = this;
    this.menu(el.react, el.reactMenu);
    this.menu(el.more, el.moreMenu);
    // A reaction sent, or a panel or a view chosen: the menu has done its work.
    for (const [button, menu] of [[el.react, el.reactMenu], [el.more, el.moreMenu]]) {
      menu.addEventListener('click', (event) => {
        if (event.target instanceof Element && event.target.closest('button')) this.closeMenus(/** @type {HTMLButtonElement} */ (button));
      });
    }
    /** @param {string} id @param {() => void} act */
    const item = (id, act) => byId(id, HTMLButtonElement).addEventListener('click', () => {
      this.closeMenus();
      act();
    });
    item('more-agenda', () => dock.show('agenda'));
    item('more-activities', () => dock.show('activities'));
    item('more-summary', () => dock.show('summary'));
    item('more-rules', showRules);
    el.sound.checked = chime.enabled;
    el.sound.addEventListener('change', () => chime.set(el.sound.checked));
    languagePicker(byId('room-language', HTMLSelectElement));

    el.chat.addEventListener('click', () => dock.toggle('chat'));
    el.people.addEventListener('click', () => dock.toggle('people'));
    el.console.addEventListener('click', () => {
      if (this.consoleOpen()) dock.close();
      else dock.show(this.hostTab);
    });
    el.leave.addEventListener('click', leave);
    dock.on('dock', ({ open, tab }) => {
      if (open && CONSOLE_TABS.includes(tab)) this.hostTab = tab;
      this.draw();
    });
    room.subscribe(() => this.draw());
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
    this.draw();
  }

  /**
   * A button that opens a small menu above the bar: Escape or a click
   * elsewhere closes it, and the focus goes back to the button.
   * @param {HTMLButtonElement} button
   * @param {HTMLElement} menu
   */
  menu(button, menu) {
    button.addEventListener('click', () => {
      const opening = button.getAttribute('aria-expanded') !== 'true';
      this.closeMenus();
      if (!opening) return;
      button.setAttribute('aria-expanded', 'true');
      show(menu, true);
      const first = menu.querySelector('button, input, select');
      if (first instanceof HTMLElement) first.focus();
    });
    menu.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      this.closeMenus(button);
    });
    document.addEventListener('pointerdown', (event) => {
      const inside = event.target instanceof Node && (menu.contains(event.target) || button.contains(event.target));
      if (!inside && button.getAttribute('aria-expanded') === 'true') this.closeMenus();
    });
  }

  /** @param {HTMLButtonElement} [focus] where the focus goes back */
  closeMenus(focus) {
    for (const [button, menu] of [[this.el.react, this.el.reactMenu], [this.el.more, this.el.moreMenu]]) {
      button.setAttribute('aria-expanded', 'false');
      show(/** @type {HTMLElement} */ (menu), false);
    }
    focus?.focus();
  }

  consoleOpen() {
    return this.dock.open && CONSOLE_TABS.includes(this.dock.tab);
  }

  draw() {
    const state = this.room.state;
    const { el, dock } = this;
    const host = isHost(state);
    const unread = unreadChat(state);
    count(el.chatUnread, unread, 'layout.bar.unread');
    el.chat.setAttribute('aria-pressed', String(dock.showing('chat')));
    count(el.peopleCount, state.people.size, 'layout.bar.in_room');
    el.people.setAttribute('aria-pressed', String(dock.showing('people')));
    // Hosts reach the people through their console: one button fewer on a
    // phone. A one-on-one conversation has no console: there is no one to
    // admit or run a session for.
    const console = host && !isOneOnOne(state);
    show(el.people, !console);
    show(el.console, console);
    const waiting = host ? waitingToAdmit(state) + (state.activities.support.requests?.length ?? 0) : 0;
    count(el.consoleCount, waiting, 'layout.bar.waiting');
    el.console.setAttribute('aria-pressed', String(this.consoleOpen()));
    show(el.activities, dock.available().includes('activities'));
  }
}

/**
 * A count on a button: the number in sight, what it counts for screen
 * readers (so the button's name starts with its visible words).
 * @param {HTMLElement} badge
 * @param {number} n
 * @param {string} key what it counts
 */
function count(badge, n, key) {
  badge.replaceChildren(...(n > 0 ? [String(n), make('span', { text: ` ${t(key)}`, className: 'visually-hidden' })] : []));
  show(badge, n > 0);
}

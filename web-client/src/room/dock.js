// The dock: one panel at a time beside the stage (from 1024 px wide) or as a
// sheet over it (narrower), chosen by its tabs: the waiting room (hosts), the
// people and the hands, the run of show, the activities, breakouts (hosts),
// the summary, the chat. The panels are join.html's `.dock-panel`s; this file only shows one,
// keeps the tabs in step (which exist for this person's role, what each has
// waiting), and tells whoever asks which panel is in view. It opens at the
// waiting room for a host on a wide screen, so the group and the console
// are in view together. Its open panel is view state, not the room's.

import { byId, make, show } from '../shared/dom.js';
import { Emitter } from '../shared/events.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { isHost, isOneOnOne, unreadChat, waitingToAdmit } from './selectors.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./state.js').RoomState} RoomState */
/** @typedef {'waiting' | 'people' | 'agenda' | 'activities' | 'breakouts' | 'summary' | 'chat'} TabId */
/** @typedef {{type: 'dock', open: boolean, tab: TabId}} DockEvent */

/**
 * The tabs in their order, with their words, who has them, and what each
 * counts as waiting for this person.
 * @type {{id: TabId, key: string, shown: (state: RoomState) => boolean, count?: (state: RoomState) => number}[]}
 */
const TABS = [
  { id: 'waiting', key: 'layout.tab.waiting', shown: isHost, count: waitingToAdmit },
  { id: 'people', key: 'layout.tab.people', shown: () => true },
  { id: 'agenda', key: 'layout.tab.agenda', shown: () => true },
  // Participants have activities only once there is something to see (a pulse's results).
  { id: 'activities', key: 'layout.tab.activities', shown: (s) => isHost(s) || s.activities.pulse !== null },
  // A one-on-one conversation has no breakouts.
  { id: 'breakouts', key: 'layout.tab.breakouts', shown: (s) => isHost(s) && !isOneOnOne(s) },
  { id: 'summary', key: 'layout.tab.summary', shown: () => true },
  { id: 'chat', key: 'layout.tab.chat', shown: () => true, count: unreadChat },
];

/** The dock sits beside the stage from here; below, it is a sheet over it. */
const WIDE = '(min-width: 64rem)';

/** @extends {Emitter<DockEvent>} */
export class Dock extends Emitter {
  /** @param {RoomModel} room */
  constructor(room) {
    super();
    this.room = room;
    this.open = false;
    /** @type {TabId} */
    this.tab = 'people';
    /** Whether the dock was opened for this person's first view of the room. */
    this.placed = false;
    /** Where the focus goes back when the dock closes. @type {HTMLElement | null} */
    this.opener = null;
    this.el = {
      dock: byId('dock', HTMLElement),
      tabs: byId('dock-tabs', HTMLDivElement),
      close: byId('dock-close', HTMLButtonElement),
    };
    /** @type {Map<TabId, {button: HTMLButtonElement, count: HTMLSpanElement, panel: HTMLElement}>} */
    this.parts = new Map(TABS.map(({ id }) => {
      const panel = byId(`dock-${id}`, HTMLDivElement);
      const count = make('span', { className: 'tab-count' });
      const button = make('button', {
        attrs: { type: 'button', role: 'tab', id: `tab-${id}`, 'aria-controls': panel.id, 'aria-selected': 'false', tabindex: '-1' },
      });
      panel.setAttribute('aria-labelledby', button.id);
      button.addEventListener('click', () => this.show(id));
      this.el.tabs.append(button);
      return [id, { button, count, panel }];
    }));
    this.el.tabs.addEventListener('keydown', (event) => this.arrows(event));
    this.el.close.addEventListener('click', () => this.close());
    this.el.dock.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !this.wide()) {
        event.preventDefault();
        this.close();
      }
    });
    room.subscribe(({ state, before }) => {
      if (state.me.inRoom && !before.me.inRoom && !this.placed) this.place();
      this.draw();
    });
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
    this.draw();
  }

  /** The first view of the room: hosts on a wide screen see the console beside the group. */
  place() {
    this.placed = true;
    if (isHost(this.room.state) && this.wide()) this.show('waiting', { focus: false });
  }

  wide() {
    return typeof matchMedia === 'function' && matchMedia(WIDE).matches;
  }

  /** The tabs this person has now. */
  available() {
    const state = this.room.state;
    return TABS.filter((tab) => tab.shown(state)).map((tab) => tab.id);
  }

  /**
   * Opens the dock at a tab.
   * @param {TabId} tab
   * @param {{focus?: boolean}} [options] moves the focus to the tab (a click on a control does)
   */
  show(tab, { focus = true } = {}) {
    if (!this.available().includes(tab)) return;
    const active = document.activeElement;
    if (!this.open && active instanceof HTMLElement && !this.el.dock.contains(active)) this.opener = active;
    this.open = true;
    this.tab = tab;
    this.draw();
    if (focus) this.parts.get(tab)?.button.focus();
    this.emit({ type: 'dock', open: true, tab });
  }

  close() {
    const hadFocus = this.el.dock.contains(document.activeElement);
    this.open = false;
    this.draw();
    if (hadFocus) {
      const back = this.opener && this.opener.isConnected && this.opener.offsetParent !== null ? this.opener : byId('leave-button', HTMLButtonElement);
      back.focus();
    }
    this.emit({ type: 'dock', open: false, tab: this.tab });
  }

  /**
   * A control bar button: its tab, or closed if it is the one showing.
   * @param {TabId} tab
   */
  toggle(tab) {
    if (this.showing(tab)) this.close();
    else this.show(tab);
  }

  /**
   * Whether this tab's panel is in view now.
   * @param {TabId} tab
   */
  showing(tab) {
    return this.open && this.tab === tab && this.room.state.me.inRoom;
  }

  draw() {
    const state = this.room.state;
    const available = this.available();
    // A tab that went away (a host who is a participant again) closes with it.
    if (this.open && !available.includes(this.tab)) {
      this.open = false;
      this.emit({ type: 'dock', open: false, tab: this.tab });
    }
    show(this.el.dock, this.open);
    for (const { id, key, count } of TABS) {
      const part = this.parts.get(id);
      if (!part) continue;
      const selected = this.open && this.tab === id;
      const waiting = count ? count(state) : 0;
      part.count.replaceChildren(String(waiting), make('span', { text: ` ${t('layout.tab.new')}`, className: 'visually-hidden' }));
      part.button.replaceChildren(t(key), ...(waiting > 0 ? [part.count] : []));
      show(part.button, available.includes(id));
      part.button.setAttribute('aria-selected', String(selected));
      part.button.tabIndex = selected || (!this.open && id === available[0]) ? 0 : -1;
      show(part.panel, selected);
    }
  }

  /**
   * Arrow keys move between the tabs, Home and End to the ends.
   * @param {KeyboardEvent} event
   */
  arrows(event) {
    const order = this.available();
    const at = order.indexOf(this.tab);
    /** @type {Record<string, number>} */
    const moves = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: order.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = order[(moves[event.key] + order.length) % order.length];
    this.show(next);
  }
}

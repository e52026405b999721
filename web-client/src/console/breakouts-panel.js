// The hosts' breakouts, in the dock's Groups tab: the planner while none
// run (breakout-planner.js), the groups while they run (breakouts-running.js),
// one or the other from the room model's `breakouts`. When one gives way to
// the other under the focus (Open breakouts, End now), the focus goes to
// the heading of the one that replaced it. Everyone's side (the banner, the
// toasts) is room/breakout-banner.js. Never in a one-on-one conversation:
// the dock has no such tab there.

import { byId, make, show, tx } from '../shared/dom.js';
import { LANGUAGE_CHANGED } from '../shared/i18n.js';
import { isHost } from '../room/selectors.js';
import { BreakoutPlanner } from './breakout-planner.js';
import { BreakoutsRunning } from './breakouts-running.js';
import './words.js';

/** @typedef {import('../room/model.js').RoomModel} RoomModel */
/** @typedef {import('../room/model.js').Change} Change */
/** @typedef {import('../room/notice.js').Notice} Notice */
/** @typedef {import('../room/dock.js').Dock} Dock */

export class BreakoutsPanel {
  /**
   * @param {RoomModel} room
   * @param {Notice} notice
   * @param {Dock} dock
   */
  constructor(room, notice, dock) {
    this.room = room;
    this.dock = dock;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.timer = undefined;
    this.planner = new BreakoutPlanner(room, () => dock.showing('breakouts'));
    this.running = new BreakoutsRunning(room, notice, (id) => this.showPerson(id));
    this.heading = tx('h2', 'console.breakouts.heading', { attrs: { id: 'breakout-heading', tabindex: '-1' } });
    this.panel = make('section', { className: 'panel breakouts-panel', attrs: { id: 'breakout-panel', 'aria-labelledby': 'breakout-heading' } }, [
      this.heading, this.planner.form, this.running.element,
    ]);
    byId('breakouts-slot', HTMLElement).append(this.panel);
    room.subscribe((change) => this.follow(change));
    // The host sees the plan: from now on it is shuffled again only when they ask.
    dock.on('dock', ({ open, tab }) => {
      if (open && tab === 'breakouts' && !this.room.state.breakouts) {
        this.planner.follow();
        this.planner.draw();
      }
    });
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
    this.draw();
  }

  /** @param {Change} change */
  follow(change) {
    const { state, before } = change;
    if (!isHost(state)) return;
    this.running.follow(change);
    if (before.breakouts && !state.breakouts) this.planner.reset();
    else if (state.people !== before.people || state.me !== before.me || state.clock.runOfShow !== before.clock.runOfShow) this.planner.follow();
    const redraw = state.breakouts !== before.breakouts || state.people !== before.people || state.me !== before.me
      || state.clock.runOfShow !== before.clock.runOfShow;
    if (redraw) this.draw();
    else if (state.media.speaking !== before.media.speaking) this.running.drawSpeaking();
  }

  draw() {
    const running = this.room.state.breakouts !== null;
    const focused = document.activeElement;
    const from = running ? this.planner.form : this.running.element;
    const handOver = from.contains(focused);
    show(this.planner.form, !running);
    show(this.running.element, running);
    clearInterval(this.timer);
    this.timer = undefined;
    if (running) {
      this.running.draw();
      this.timer = setInterval(() => this.running.tick(), 1000);
    } else {
      this.planner.draw();
    }
    if (handOver) (running ? byId('breakout-running-heading', HTMLHeadingElement) : this.heading).focus();
  }

  /**
   * A late arrival's toast: their select, in view.
   * @param {number} id
   */
  showPerson(id) {
    this.dock.show('breakouts', { focus: false });
    const select = this.running.element.querySelector(`[data-move="${id}"]`);
    if (!(select instanceof HTMLElement)) return;
    select.scrollIntoView({ block: 'nearest' });
    select.focus();
  }
}

// The waiting room's line about the start: "The session starts at 14:00 (in
// 12 minutes)", or that it has started, in this person's own time and
// language. Redrawn while it shows; not a live region, so it is read by
// whoever looks rather than announced every minute. The start is the
// server's time: it is compared with the server's clock as the room model
// knows it.

import { show } from '../shared/dom.js';
import { t, tn } from '../shared/i18n.js';
import { clockTime, dayText } from '../shared/time-text.js';
import { serverNow } from './selectors.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */

const MINUTE_MS = 60_000;
/** Past this, the day and time read better than a count of minutes. */
const COUNT_UP_TO_MINUTES = 120;

export class StartLine {
  /**
   * @param {HTMLElement} element
   * @param {RoomModel} room
   */
  constructor(element, room) {
    this.element = element;
    this.room = room;
    /** @type {number | null} when the session starts, ms since the epoch */
    this.startsAt = null;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.timer = undefined;
  }

  /** @param {number} startsAt */
  start(startsAt) {
    this.startsAt = startsAt;
    clearInterval(this.timer);
    // A few times a minute, so the count is never a minute late.
    this.timer = setInterval(() => this.draw(), MINUTE_MS / 4);
    this.draw();
    show(this.element, true);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
    show(this.element, false);
  }

  /** Draws the line again (each tick, and after a change of language) while it shows. */
  draw() {
    if (this.startsAt === null || this.timer === undefined) return;
    const time = clockTime(this.startsAt);
    const minutes = Math.ceil((this.startsAt - serverNow(this.room.state)) / MINUTE_MS);
    let text;
    if (minutes <= 0) text = t('join.gate.started', { time });
    else if (minutes <= 1) text = t('join.gate.starts_soon', { time });
    else if (minutes <= COUNT_UP_TO_MINUTES) text = tn('join.gate.starts_in', minutes, { time });
    else {
      text = t('join.gate.starts_later', { day: dayText(this.startsAt), time });
    }
    if (this.element.textContent !== text) this.element.textContent = text;
  }
}

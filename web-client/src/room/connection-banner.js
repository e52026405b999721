// The connection banner: visible on every step, announced politely, it says
// calmly how the connection stands (connecting, reconnecting, back). A calm
// message goes away by itself once it has been read. It follows the room
// model's connection news; the join flow says when a connection starts.

import { byId } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */

const FADES_AFTER_MS = 6_000;

export class ConnectionBanner {
  /** @param {RoomModel} room */
  constructor(room) {
    this.element = byId('connection-banner', HTMLParagraphElement);
    /** The text shown, as the function that makes it, for a change of language. @type {(() => string) | null} */
    this.text = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => {
      if (this.text) this.element.textContent = this.text();
    });
  }

  /** @param {Change} change */
  follow({ state, message }) {
    if (message.type === 'server_restarting') this.say(() => t('join.banner.restarting'));
    if (message.type !== 'connection') return;
    if (message.state === 'reconnecting') {
      const { attempt } = message;
      if (state.connection.restarting && attempt <= 2) this.say(() => t('join.banner.restarting'));
      else if (attempt <= 2) this.say(() => t('join.banner.reconnecting'));
      else this.say(() => t('join.banner.still_reconnecting', { attempt }));
    } else if (message.state === 'resumed') {
      this.say(() => t('join.banner.resumed'), { fades: true, tone: 'ok' });
    } else if (message.state === 'rejoined') {
      this.say(() => t('join.banner.rejoined'), { fades: true, tone: 'ok' });
    } else {
      this.say(null);
    }
  }

  /**
   * @param {(() => string) | null} text
   * @param {{fades?: boolean, tone?: 'busy' | 'ok'}} [options]
   */
  say(text, { fades = false, tone = 'busy' } = {}) {
    clearTimeout(this.timer);
    this.text = text;
    this.element.textContent = text ? text() : '';
    this.element.classList.toggle('banner-ok', tone === 'ok');
    if (text && fades) this.timer = setTimeout(() => this.say(null), FADES_AFTER_MS);
  }
}

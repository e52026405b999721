// End-to-end encryption in the people panel: whether the room's media is
// encrypted end to end, the safety code made from everyone's public keys
// (the same on every page that sees the same keys, so people can compare it
// aloud), each symbol with its name in the page's language (the name is
// what is read aloud, and what shows where a device has no emoji), and, for hosts where
// the organizer offers encryption, the switch. Drawn from the room model:
// the code is a pure function of the keys it shows (`e2ee-keys.js`),
// worked out again whenever they change.

import { byId, make, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { SAFETY_SYMBOLS, safetyCode } from './e2ee-keys.js';
import { runRequest } from './run-request.js';
import { isHost, keyHolders } from './selectors.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */
/** @typedef {import('./e2ee.js').E2eeSession} E2eeSession */

export class SafetyCode {
  /**
   * @param {RoomModel} room
   * @param {E2eeSession} e2ee
   */
  constructor(room, e2ee) {
    this.room = room;
    this.e2ee = e2ee;
    this.panel = byId('e2ee-panel', HTMLElement);
    this.status = byId('e2ee-status', HTMLParagraphElement);
    this.block = byId('e2ee-code-block', HTMLDivElement);
    this.code = byId('safety-code', HTMLOListElement);
    this.waiting = byId('safety-waiting', HTMLParagraphElement);
    this.toggle = byId('e2ee-toggle', HTMLButtonElement);
    this.error = byId('e2ee-error', HTMLParagraphElement);
    /** The keys the code shown was made from. */
    this.shownFor = '';
    /** @type {number[]} */
    this.symbols = [];
    this.toggle.addEventListener('click', () => {
      const on = !this.room.state.e2ee.on;
      runRequest(this.room.connection.request({ type: 'set_e2ee', on }), this.error, { button: this.toggle });
    });
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
  }

  /** @param {Change} change */
  follow({ state, before }) {
    if (state.e2ee !== before.e2ee || state.people !== before.people || state.me !== before.me) this.draw();
  }

  draw() {
    const { state } = this.room;
    const { policy, on } = state.e2ee;
    show(this.panel, policy !== 'off' && state.me.inRoom);
    this.status.textContent = on ? (this.e2ee.api ? t('e2ee.on') : t('e2ee.unsupported_room')) : t('e2ee.offered_off');
    show(this.block, on);
    show(this.toggle, policy === 'offered' && isHost(state));
    this.toggle.textContent = t(on ? 'e2ee.turn_off' : 'e2ee.turn_on');
    this.drawCode();
  }

  /** The code of the keys in the room now; worked out once per set of keys. */
  drawCode() {
    const keys = keyHolders(this.room.state).map((holder) => holder.publicKey);
    const everyone = keys.length === this.room.state.people.size && keys.length > 0;
    const wanted = everyone ? keys.join(' ') : '';
    if (wanted !== this.shownFor) {
      this.shownFor = wanted;
      this.symbols = [];
      if (everyone) {
        void safetyCode(keys).then((symbols) => {
          if (this.shownFor !== wanted) return; // the keys changed meanwhile
          this.symbols = symbols;
          this.drawCode();
        });
      }
    }
    this.code.replaceChildren(...this.symbols.map((i) => make('li', {}, [
      make('span', { className: 'safety-symbol', text: SAFETY_SYMBOLS[i], attrs: { 'aria-hidden': 'true' } }),
      make('span', { text: t(`e2ee.symbol.${i}`) }),
    ])));
    this.code.dataset.code = this.symbols.join('-');
    show(this.waiting, this.symbols.length === 0);
  }
}

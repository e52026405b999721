// The gate (#gate): the session's title and times, its ground rules, "I
// accept", and the waiting room with the line about the start; and the
// session's title and times in the room's header. Drawn from the room model:
// the server decides what is still needed to enter. Which step shows is the
// join flow's (`join-flow.js`).

import { byId, make, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { timeSpan } from '../shared/time-text.js';
import { requestFailureText } from '../shared/wording.js';
import { builtIn } from './defaults.js';
import { StartLine } from './start-line.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */
/** @typedef {import('../shared/messages.js').Gate} Gate */

/**
 * The header's word for someone at the gate.
 * @param {Gate} gate
 * @returns {() => string}
 */
export function gateStatus(gate) {
  if (gate.rules_accepted) return () => t('join.status.waiting');
  return gate.admitted ? () => t('join.status.accept') : () => t('join.status.read_rules');
}

export class GateStep {
  /** @param {RoomModel} room */
  constructor(room) {
    this.room = room;
    this.el = {
      title: byId('session-title', HTMLHeadingElement),
      times: byId('session-times', HTMLParagraphElement),
      rules: byId('rules', HTMLOListElement),
      accept: byId('accept-rules', HTMLButtonElement),
      error: byId('gate-error', HTMLParagraphElement),
      accepted: byId('rules-accepted', HTMLParagraphElement),
      waiting: byId('waiting', HTMLParagraphElement),
      roomTitle: byId('room-title', HTMLHeadingElement),
      roomTimes: byId('room-times', HTMLParagraphElement),
    };
    this.startLine = new StartLine(byId('session-start', HTMLParagraphElement), room);
    this.el.accept.addEventListener('click', () => {
      const { accept, error } = this.el;
      accept.disabled = true;
      show(error, false);
      room.connection.request({ type: 'accept_rules' }).catch((failure) => {
        error.textContent = requestFailureText(failure);
        // The button stays: trying again is the way on.
        show(error, true);
      }).finally(() => {
        accept.disabled = false;
      });
    });
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => {
      this.drawSession();
      this.drawRules();
      this.startLine.draw();
    });
  }

  /** @param {Change} change */
  follow({ state, before }) {
    if (state.me.session !== before.me.session) this.drawSession();
    if (state.rules !== before.rules) this.drawRules();
    if (state.me !== before.me || state.connection.status !== before.connection.status) this.drawGate();
  }

  /** The rules to accept, the server's built-in ones in the page's language. */
  drawRules() {
    this.el.rules.replaceChildren(...this.room.state.rules.map((rule) => make('li', { text: builtIn(rule) })));
  }

  /** The session's title and its day and times, in this person's own time and language. */
  drawSession() {
    const { session } = this.room.state.me;
    if (!session) return;
    this.el.title.textContent = session.title;
    this.el.roomTitle.textContent = session.title;
    this.el.times.textContent = timeSpan(session.starts_at, session.ends_at);
    this.el.roomTimes.textContent = this.el.times.textContent;
  }

  drawGate() {
    const { me, connection } = this.room.state;
    const gate = me.gate;
    const waiting = Boolean(gate && gate.rules_accepted && !gate.admitted) && connection.status !== 'closed';
    if (waiting && me.session) this.startLine.start(me.session.starts_at);
    else this.startLine.stop();
    if (!gate || (gate.rules_accepted && gate.admitted)) return;
    show(this.el.accept, !gate.rules_accepted);
    show(this.el.accepted, gate.rules_accepted);
    show(this.el.waiting, waiting);
  }
}

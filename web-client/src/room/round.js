// The check-in round: whose turn it is, who is next, who passed, and a
// "Pass" for anyone in the round, on their turn or in advance. Hosts start
// it (raised hands first, or shuffled), move to the next speaker and end it;
// they are not in the round themselves (the server leaves them out).
//
// Participants see the panel only while a round runs; hosts always, to start
// one. Whoever has the turn also gets a banner over the stage that stays
// while it is their turn, with Speak (which turns their microphone on) and
// Pass, and the chime if they want it. The round and the names come from
// the room model; this panel keeps neither.

import { byId, make, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { runRequest } from './run-request.js';
import { isHost, myTurn, nameOf } from './selectors.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */
/** @typedef {import('../shared/messages.js').Round} Round */
/** @typedef {import('../shared/messages.js').RoundOrder} RoundOrder */

export class RoundPanel {
  /**
   * @param {RoomModel} room
   * @param {{speak: () => void, chime: () => void}} actions turning the microphone on, and the optional sound
   */
  constructor(room, { speak, chime }) {
    this.room = room;
    this.chime = chime;
    /** This person pressed Speak during the current turn. */
    this.speaking = false;
    this.turn = this.buildTurn(speak);
    byId('turn-slot', HTMLElement).append(this.turn.box);
    this.el = {
      panel: byId('round-panel', HTMLElement),
      speaker: byId('round-speaker', HTMLParagraphElement),
      next: byId('round-next', HTMLParagraphElement),
      order: byId('round-order', HTMLOListElement),
      orderHeading: byId('round-order-heading', HTMLHeadingElement),
      pass: byId('round-pass', HTMLButtonElement),
      mine: byId('round-mine', HTMLParagraphElement),
      host: byId('round-host', HTMLElement),
      setup: byId('round-setup', HTMLElement),
      choice: byId('round-order-choice', HTMLSelectElement),
      start: byId('round-start', HTMLButtonElement),
      running: byId('round-running', HTMLElement),
      nextSpeaker: byId('round-next-speaker', HTMLButtonElement),
      end: byId('round-end', HTMLButtonElement),
      error: byId('round-error', HTMLParagraphElement),
      live: byId('round-live', HTMLParagraphElement),
    };
    this.wire();
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => {
      this.draw();
      this.drawTurn();
    });
  }

  /**
   * The banner for whoever has the turn: Speak and Pass, in sight.
   * @param {() => void} speak
   */
  buildTurn(speak) {
    const text = make('p', { attrs: { id: 'turn-text' } });
    const speakButton = make('button', { className: 'primary', attrs: { type: 'button', id: 'turn-speak' } });
    const passButton = make('button', { attrs: { type: 'button', id: 'turn-pass' } });
    const error = make('p', { className: 'notice notice-error', attrs: { role: 'alert' } });
    show(error, false);
    const box = make('div', { className: 'banner-box turn-banner', attrs: { id: 'turn-banner', role: 'region', 'aria-labelledby': 'turn-text' } },
      [text, make('div', { className: 'row' }, [speakButton, passButton]), error]);
    show(box, false);
    speakButton.addEventListener('click', () => {
      speak();
      this.speaking = true;
      this.drawTurn();
      passButton.focus();
    });
    passButton.addEventListener('click', () => runRequest(this.room.connection.request({ type: 'pass' }), error, { button: passButton }));
    return { box, text, speakButton, passButton };
  }

  drawTurn() {
    const mine = myTurn(this.room.state);
    const { box, text, speakButton, passButton } = this.turn;
    const hadFocus = box.contains(document.activeElement);
    show(box, mine);
    if (!mine) {
      this.speaking = false;
      if (hadFocus) byId('hand-button', HTMLButtonElement).focus();
      return;
    }
    text.textContent = this.speaking ? t('round.turn_speaking') : t('round.turn_banner');
    speakButton.textContent = t('round.turn_speak');
    passButton.textContent = t('round.turn_pass');
    show(speakButton, !this.speaking);
  }

  /** @param {Change} change */
  follow({ state, before, message }) {
    const round = state.activities.round;
    if (message.type === 'round') this.announceChange(before.activities.round, round);
    if (myTurn(state) !== myTurn(before)) {
      this.speaking = false;
      if (myTurn(state)) this.chime();
    }
    this.drawTurn();
    // Names and roles come from the room: redraw when they change too.
    if (round !== before.activities.round || state.people !== before.people || state.me !== before.me) this.draw();
  }

  wire() {
    const { el } = this;
    const c = this.room.connection;
    const redraw = () => this.draw();
    el.start.addEventListener('click', () => {
      const order = /** @type {RoundOrder} */ (el.choice.value);
      runRequest(c.request({ type: 'start_round', order }), el.error, { button: el.start, done: redraw });
    });
    el.nextSpeaker.addEventListener('click', () => runRequest(c.request({ type: 'next_speaker' }), el.error, { button: el.nextSpeaker, done: redraw }));
    el.end.addEventListener('click', () => runRequest(c.request({ type: 'end_round' }), el.error, { button: el.end, done: redraw }));
    el.pass.addEventListener('click', () => runRequest(c.request({ type: 'pass' }), el.error, { button: el.pass, done: redraw }));
  }

  /**
   * @param {Round} before
   * @param {Round} after
   */
  announceChange(before, after) {
    const parts = [];
    if (!before.active && after.active) parts.push(t('round.announce_started'));
    if (before.active && !after.active) parts.push(t('round.announce_ended'));
    if (after.active && (before.speaker !== after.speaker || !before.active)) parts.push(this.speakerText());
    if (parts.length) this.el.live.textContent = parts.join(' ');
  }

  /** @param {number} id */
  nameOf(id) {
    return nameOf(this.room.state, id) ?? t('round.someone');
  }

  get round() {
    return this.room.state.activities.round;
  }

  /** Where the round stands: the speaker's place in the order (its length once over). */
  position() {
    const { order, speaker } = this.round;
    return speaker === null ? order.length : order.indexOf(speaker);
  }

  speakerText() {
    const { order, speaker } = this.round;
    if (speaker === this.room.state.me.id) return t('round.your_turn');
    if (speaker !== null) return t('round.speaking', { name: this.nameOf(speaker) });
    return order.length ? t('round.done') : t('round.empty');
  }

  draw() {
    const { el, round } = this;
    const host = isHost(this.room.state);
    // A control that disappears with this redraw hands the focus on to the one that replaces it.
    const focused = document.activeElement;
    show(el.panel, host || round.active);
    show(el.host, host);
    show(el.setup, !round.active);
    show(el.running, round.active);
    for (const part of [el.speaker, el.order, el.orderHeading]) show(part, round.active);
    el.nextSpeaker.disabled = round.speaker === null;
    if (!round.active) {
      show(el.next, false);
      show(el.pass, false);
      show(el.mine, false);
      if (host && (focused === el.end || focused === el.nextSpeaker)) el.start.focus();
      return;
    }
    if (host && focused === el.start) el.nextSpeaker.focus();
    const me = this.room.state.me.id;
    const at = this.position();
    el.speaker.textContent = this.speakerText();
    const next = round.order.find((id, index) => index > at && !round.passed.includes(id));
    el.next.textContent = next === undefined ? '' : next === me ? t('round.next_you') : t('round.next', { name: this.nameOf(next) });
    show(el.next, next !== undefined);

    el.order.replaceChildren(...round.order.map((id, index) => {
      const status = round.passed.includes(id) ? t('round.status_passed')
        : id === round.speaker ? t('round.status_speaking')
          : index < at ? t('round.status_spoken') : '';
      const name = id === me ? `${this.nameOf(id)} ${t('round.you')}` : this.nameOf(id);
      const item = make('li', { className: id === round.speaker ? 'round-item round-speaking' : 'round-item' },
        [make('span', { text: name, className: 'name' })]);
      if (id === round.speaker) item.setAttribute('aria-current', 'true');
      if (status) item.append(make('span', { text: status, className: 'muted small' }));
      return item;
    }));

    // Passing is always allowed until one's turn is over.
    const mine = me === null ? -1 : round.order.indexOf(me);
    const passed = me !== null && round.passed.includes(me);
    const canPass = mine >= 0 && !passed && mine >= at;
    show(el.pass, canPass);
    el.pass.textContent = round.speaker === me ? t('round.pass_now') : t('round.pass_ahead');
    el.mine.textContent = passed ? t('round.you_passed') : '';
    show(el.mine, passed);
    if (focused === el.pass && !canPass) {
      el.mine.tabIndex = -1;
      el.mine.focus();
    }
  }
}

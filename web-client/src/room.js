// The room once someone is in it: the chat, the hand queue, reactions and
// notices. The people list is `people.js`'s; the hosts' waiting room,
// settings and talk time are `host-console.js`'s; the video tiles `stage.js`'s.
//
// It keeps a copy of the room built from `room_state` and the events after
// it, and redraws the part an event touched. The server is the authority:
// a control only sends a request; the screen changes when the event comes back.

import { byId, clockTime, make, show } from './dom.js';
import { HostConsole } from './host-console.js';
import { LANGUAGE_CHANGED, t } from './i18n.js';
import { PeopleList } from './people.js';
import { actionButton, ordinal } from './room-helpers.js';
import { requestFailureText } from './wording.js';

/** @typedef {import('./protocol.js').RoomConnection} RoomConnection */
/** @typedef {import('./messages.js').Participant} Participant */
/** @typedef {import('./messages.js').Waiting} Waiting */
/** @typedef {import('./messages.js').ChatLine} ChatLine */
/** @typedef {import('./messages.js').Role} Role */
/** @typedef {import('./messages.js').RoomStateMessage} RoomStateMessage */

/** Long enough to read, short enough that reactions do not pile up. */
const REACTION_SHOWN_MS = 8_000;
const NOTICE_SHOWN_MS = 12_000;

/** The reactions' feed lines; the keys are in strings-room.js. */
const REACTION_KEYS = {
  nod: 'room.reaction.nod',
  thanks: 'room.reaction.thanks',
  heart: 'room.reaction.heart',
  me_too: 'room.reaction.me_too',
};

export class RoomView {
  /** @param {RoomConnection} connection */
  constructor(connection) {
    this.connection = connection;
    this.me = 0;
    /** @type {Role} */
    this.role = 'participant';
    /** Set once the first room_state arrived: role changes after it are news. */
    this.loaded = false;
    /** @type {Map<number, Participant>} */
    this.people = new Map();
    /** @type {number[]} */
    this.hands = [];
    /** @type {Waiting[]} */
    this.waiting = [];
    /** @type {ChatLine[]} */
    this.chat = [];
    this.locked = false;
    this.waitingRoom = true;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.noticeTimer = undefined;

    this.el = {
      chatLog: byId('chat-log', HTMLOListElement),
      chatEmpty: byId('chat-empty', HTMLParagraphElement),
      chatForm: byId('chat-form', HTMLFormElement),
      chatInput: byId('chat-input', HTMLInputElement),
      handButton: byId('hand-button', HTMLButtonElement),
      handPosition: byId('hand-position', HTMLParagraphElement),
      handQueue: byId('hand-queue', HTMLOListElement),
      handEmpty: byId('hand-empty', HTMLParagraphElement),
      callNext: byId('call-next', HTMLButtonElement),
      feed: byId('reaction-feed', HTMLUListElement),
      rulesPanel: byId('room-rules-panel', HTMLDetailsElement),
      rules: byId('room-rules', HTMLOListElement),
      notice: byId('notice', HTMLParagraphElement),
    };
    this.peopleList = new PeopleList(this);
    this.console = new HostConsole(this);
    this.listen();
    this.wireControls();
    document.addEventListener(LANGUAGE_CHANGED, () => this.redraw());
  }

  get isHost() {
    return this.role === 'facilitator' || this.role === 'co_facilitator';
  }

  /**
   * @param {Role} role
   * @param {boolean} [announce] say so: a facilitator changed it during the session
   */
  setRole(role, announce = false) {
    const wasHost = this.isHost;
    const changed = role !== this.role;
    this.role = role;
    show(this.el.callNext, this.isHost);
    if (!this.isHost) {
      // What only hosts are sent goes stale the moment one stops being a host.
      this.waiting = [];
    }
    this.console.showFor(role);
    this.peopleList.draw();
    this.drawHands();
    if (announce && changed) {
      this.notice(t(role === 'co_facilitator' ? 'room.notice.now_co' : 'room.notice.now_participant'));
    }
    // A new host needs what only hosts get (talk time so far, among others):
    // the server sends the waiting list, and a fresh room_state the rest.
    if (this.loaded && this.isHost && !wasHost) this.run(this.connection.getState());
  }

  listen() {
    const c = this.connection;
    c.on('room_state', (state) => this.load(state));
    c.on('participant_joined', ({ participant }) => {
      this.people.set(participant.id, participant);
      this.peopleList.draw();
      this.console.drawTalk();
    });
    c.on('participant_updated', ({ participant }) => {
      this.people.set(participant.id, participant);
      if (participant.id === this.me) this.setRole(participant.role, true);
      this.peopleList.draw();
      this.drawHands();
      this.console.drawTalk();
    });
    c.on('participant_left', ({ participant }) => {
      this.people.delete(participant);
      this.hands = this.hands.filter((id) => id !== participant);
      this.peopleList.draw();
      this.drawHands();
      this.console.drawTalk();
    });
    c.on('waiting_room', ({ waiting }) => {
      this.waiting = waiting;
      this.console.drawWaiting();
    });
    c.on('settings', ({ locked, waiting_room }) => {
      this.locked = locked;
      this.waitingRoom = waiting_room;
      this.console.drawSettings();
    });
    c.on('chat', (line) => this.addChat(line));
    c.on('hands', ({ queue }) => {
      this.hands = queue;
      this.drawHands();
      this.peopleList.draw();
    });
    c.on('hand_called', ({ participant }) => {
      this.notice(participant === this.me ? t('room.notice.floor_mine')
        : t('room.notice.floor_other', { name: this.nameOf(participant) }));
    });
    c.on('reaction', ({ from, reaction }) => this.showReaction(t(REACTION_KEYS[reaction], { name: this.nameOf(from) })));
    c.on('mute_requested', () => this.notice(t('room.notice.mute_requested')));
    c.on('ground_rules', ({ rules }) => this.drawRules(rules));
    c.on('rules_shown', ({ rules }) => {
      this.drawRules(rules);
      this.el.rulesPanel.open = true;
      this.notice(t('room.notice.rules_shown'));
    });
    // Time warnings and the break nudge: agenda.js shows them beside the clock.
  }

  wireControls() {
    const { el } = this;
    el.chatForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = el.chatInput.value.trim();
      if (!text) return;
      // Cleared only once the server took it, so a refused line is not lost.
      this.run(this.connection.chat(text), () => {
        el.chatInput.value = '';
      });
    });
    el.handButton.addEventListener('click', () => {
      this.run(this.hands.includes(this.me) ? this.connection.lowerHand() : this.connection.raiseHand());
    });
    el.callNext.addEventListener('click', () => this.run(this.connection.callNextHand()));
    // Hosts lower someone's hand from the queue too; its buttons come and go with each redraw.
    el.handQueue.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('button[data-lower-hand]') : null;
      if (button) this.run(this.connection.lowerHand(Number(button.getAttribute('data-lower-hand'))));
    });
    for (const button of document.querySelectorAll('button[data-reaction]')) {
      button.addEventListener('click', () => {
        const reaction = /** @type {import('./messages.js').Reaction} */ (button.getAttribute('data-reaction'));
        this.run(this.connection.react(reaction));
      });
    }
  }

  /**
   * Carries out a request; shows what went wrong if the server refused.
   * @param {Promise<unknown>} request
   * @param {() => void} [then]
   * @param {() => void} [onError]
   */
  run(request, then, onError) {
    request.then(then, (error) => {
      onError?.();
      this.notice(requestFailureText(error));
    });
  }

  /** @param {RoomStateMessage} state */
  load(state) {
    this.me = state.you;
    this.people = new Map(state.participants.map((p) => [p.id, p]));
    this.hands = state.hands;
    this.waiting = state.waiting ?? [];
    this.console.setTalk(state.talk_time ?? []);
    this.locked = state.locked;
    this.waitingRoom = state.waiting_room;
    this.chat = [...state.chat];
    const mine = this.people.get(this.me);
    if (mine) this.setRole(mine.role);
    this.loaded = true;
    this.drawRules(state.ground_rules);
    this.redraw();
    this.el.chatLog.scrollTop = this.el.chatLog.scrollHeight;
  }

  /** Everything this view drew, again: after a new state or a language change. */
  redraw() {
    this.el.chatLog.replaceChildren(...this.chat.map((line) => this.chatItem(line)));
    show(this.el.chatEmpty, this.chat.length === 0);
    this.peopleList.draw();
    this.drawHands();
    this.console.drawAll();
  }

  /** @param {number} id */
  nameOf(id) {
    return this.people.get(id)?.name ?? t('room.someone');
  }

  drawHands() {
    const { handButton, handQueue, handEmpty, handPosition, callNext } = this.el;
    const place = this.hands.indexOf(this.me) + 1;
    handButton.textContent = place ? t('room.hands.lower_mine') : t('room.hands.raise');
    handButton.setAttribute('aria-pressed', String(place > 0));
    // Where one stands, in words: the list's numbers alone are easy to miss.
    handPosition.textContent = place === 0 ? ''
      : t(place === 1 ? 'room.hands.position_next' : 'room.hands.position', { place: ordinal(place) });
    show(handPosition, place > 0);
    const focused = document.activeElement instanceof HTMLElement && handQueue.contains(document.activeElement);
    handQueue.replaceChildren(...this.hands.map((id) => {
      const name = this.nameOf(id);
      const item = make('li', { attrs: { 'data-hand': String(id) } },
        [make('span', { text: id === this.me ? t('room.you_suffix', { name }) : name, className: 'name' })]);
      if (this.isHost && id !== this.me) {
        item.append(actionButton(t('room.person.lower_hand'), t('room.person.lower_hand_for', { name }),
          { 'data-lower-hand': String(id) }));
      }
      return item;
    }));
    // The button clicked may be gone with its hand: keep the focus in the panel.
    if (focused && !handQueue.contains(document.activeElement)) {
      (handQueue.querySelector('button') ?? (this.isHost ? callNext : handButton)).focus();
    }
    show(handEmpty, this.hands.length === 0);
    callNext.disabled = this.hands.length === 0;
  }

  /** @param {string[]} rules */
  drawRules(rules) {
    this.el.rules.replaceChildren(...rules.map((rule) => make('li', { text: rule })));
  }

  /** @param {ChatLine} line */
  addChat(line) {
    const log = this.el.chatLog;
    this.chat.push(line);
    // Stay at the bottom only if the reader was there: do not yank someone
    // who scrolled up to reread.
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    log.append(this.chatItem(line));
    show(this.el.chatEmpty, false);
    if (atBottom) log.scrollTop = log.scrollHeight;
  }

  /** @param {ChatLine} line */
  chatItem(line) {
    const mine = line.from === this.me;
    return make('li', { className: mine ? 'mine' : '', attrs: { 'data-seq': String(line.seq) } }, [
      make('span', { className: 'meta' }, [
        make('span', { text: mine ? t('room.you_suffix', { name: line.name }) : line.name, className: 'name' }),
        make('time', { text: clockTime(line.at), attrs: { datetime: new Date(line.at).toISOString() } }),
      ]),
      make('span', { text: line.text, className: 'text' }),
    ]);
  }

  /** @param {string} text */
  showReaction(text) {
    const item = make('li', { text });
    this.el.feed.append(item);
    setTimeout(() => item.remove(), REACTION_SHOWN_MS);
  }

  /** @param {string} text */
  notice(text) {
    this.el.notice.textContent = text;
    show(this.el.notice, true);
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => show(this.el.notice, false), NOTICE_SHOWN_MS);
  }
}

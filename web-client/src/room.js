// The room once someone is in it: who is here, the chat, the hand queue,
// reactions, and for hosts the waiting room, the room's settings, mute and
// stop-video, and talk time. (The video tiles are `stage.js`'s.)
//
// It keeps a copy of the room built from `room_state` and the events after
// it, and redraws the part an event touched. The server is the authority:
// a control only sends a request; the screen changes when the event comes back.

import { byId, clockTime, make, show } from './dom.js';
import { ProtocolError } from './protocol.js';
import { REACTION_LABELS, ROLE_LABELS, errorText } from './wording.js';

/** @typedef {import('./protocol.js').RoomConnection} RoomConnection */
/** @typedef {import('./messages.js').Participant} Participant */
/** @typedef {import('./messages.js').Waiting} Waiting */
/** @typedef {import('./messages.js').ChatLine} ChatLine */
/** @typedef {import('./messages.js').Role} Role */
/** @typedef {import('./messages.js').RoomStateMessage} RoomStateMessage */

/** Long enough to read, short enough that reactions do not pile up. */
const REACTION_SHOWN_MS = 8_000;
const NOTICE_SHOWN_MS = 12_000;

export class RoomView {
  /** @param {RoomConnection} connection */
  constructor(connection) {
    this.connection = connection;
    this.me = 0;
    /** @type {Role} */
    this.role = 'participant';
    /** @type {Map<number, Participant>} */
    this.people = new Map();
    /** @type {number[]} */
    this.hands = [];
    /** @type {Waiting[]} */
    this.waiting = [];
    /** How long each person has spoken, in ms: hosts only. @type {Map<number, number>} */
    this.talk = new Map();
    this.locked = false;
    this.waitingRoom = true;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.noticeTimer = undefined;

    this.el = {
      participants: byId('participants', HTMLUListElement),
      count: byId('people-count', HTMLSpanElement),
      chatLog: byId('chat-log', HTMLOListElement),
      chatEmpty: byId('chat-empty', HTMLParagraphElement),
      chatForm: byId('chat-form', HTMLFormElement),
      chatInput: byId('chat-input', HTMLInputElement),
      handButton: byId('hand-button', HTMLButtonElement),
      handQueue: byId('hand-queue', HTMLOListElement),
      handEmpty: byId('hand-empty', HTMLParagraphElement),
      callNext: byId('call-next', HTMLButtonElement),
      feed: byId('reaction-feed', HTMLUListElement),
      rulesPanel: byId('room-rules-panel', HTMLDetailsElement),
      rules: byId('room-rules', HTMLOListElement),
      notice: byId('notice', HTMLParagraphElement),
      hostPanel: byId('host-panel', HTMLElement),
      waitingList: byId('waiting-list', HTMLUListElement),
      waitingEmpty: byId('waiting-empty', HTMLParagraphElement),
      admitAll: byId('admit-all', HTMLButtonElement),
      lockButton: byId('lock-button', HTMLButtonElement),
      waitingToggle: byId('waiting-room-toggle', HTMLInputElement),
      endSession: byId('end-session', HTMLButtonElement),
    };
    this.listen();
    this.wireControls();
  }

  get isHost() {
    return this.role === 'facilitator' || this.role === 'co_facilitator';
  }

  /** @param {Role} role */
  setRole(role) {
    this.role = role;
    show(this.el.hostPanel, this.isHost);
    show(this.el.callNext, this.isHost);
    // Only the facilitator may end the session; co-facilitators help run it.
    show(this.el.endSession, role === 'facilitator');
  }

  listen() {
    const c = this.connection;
    c.on('room_state', (state) => this.load(state));
    c.on('participant_joined', ({ participant }) => {
      this.people.set(participant.id, participant);
      this.drawPeople();
    });
    c.on('participant_updated', ({ participant }) => {
      this.people.set(participant.id, participant);
      if (participant.id === this.me) this.setRole(participant.role);
      this.drawPeople();
      this.drawHands();
    });
    c.on('participant_left', ({ participant }) => {
      this.people.delete(participant);
      this.hands = this.hands.filter((id) => id !== participant);
      this.drawPeople();
      this.drawHands();
    });
    c.on('waiting_room', ({ waiting }) => {
      this.waiting = waiting;
      this.drawWaiting();
    });
    c.on('settings', ({ locked, waiting_room }) => {
      this.locked = locked;
      this.waitingRoom = waiting_room;
      this.drawSettings();
    });
    c.on('chat', (line) => this.addChat(line));
    c.on('talk_time', ({ totals }) => {
      this.talk = new Map(totals.map((t) => [t.participant, t.ms]));
      // In place: a redraw of the list would take the focus off its buttons.
      for (const [id, ms] of this.talk) {
        const span = this.el.participants.querySelector(`li[data-participant="${id}"] .talk-time`);
        if (span) span.textContent = talkTime(ms);
      }
    });
    c.on('hands', ({ queue }) => {
      this.hands = queue;
      this.drawHands();
      this.drawPeople();
    });
    c.on('hand_called', ({ participant }) => {
      this.notice(participant === this.me ? 'You have the floor. Go ahead when you are ready.'
        : `${this.nameOf(participant)} has the floor.`);
    });
    c.on('reaction', ({ from, reaction }) => this.showReaction(`${this.nameOf(from)} ${REACTION_LABELS[reaction]}`));
    c.on('mute_requested', () => this.notice('A facilitator asked you to mute your microphone.'));
    c.on('ground_rules', ({ rules }) => this.drawRules(rules));
    c.on('rules_shown', ({ rules }) => {
      this.drawRules(rules);
      this.el.rulesPanel.open = true;
      this.notice('The facilitator is showing the ground rules to everyone.');
    });
    c.on('time_warning', (warning) => {
      if (warning.kind === 'session_ending' && warning.minutes !== undefined) {
        this.notice(warning.minutes === 1 ? 'One minute left in this session.' : `${warning.minutes} minutes left in this session.`);
      } else if (warning.kind === 'segment_over') {
        this.notice('The time for this part of the session is up.');
      }
    });
    // Hosts only: the server tracks how long the group has gone without a break.
    c.on('break_nudge', ({ minutes }) => this.notice(`The group has gone ${minutes} minutes without a break. Consider a short one.`));
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
    for (const button of document.querySelectorAll('button[data-reaction]')) {
      button.addEventListener('click', () => {
        const reaction = /** @type {import('./messages.js').Reaction} */ (button.getAttribute('data-reaction'));
        this.run(this.connection.react(reaction));
      });
    }
    // One listener for the whole list: its buttons come and go with each redraw.
    el.waitingList.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('button') : null;
      const admit = button?.getAttribute('data-admit');
      const decline = button?.getAttribute('data-decline');
      if (admit) this.run(this.connection.admit(Number(admit)));
      if (decline) this.run(this.connection.decline(Number(decline)));
    });
    el.participants.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('button') : null;
      const mute = button?.getAttribute('data-mute');
      const stopVideo = button?.getAttribute('data-stop-video');
      if (mute) this.run(this.connection.mute(Number(mute)));
      if (stopVideo) this.run(this.connection.stopVideo(Number(stopVideo)));
    });
    el.admitAll.addEventListener('click', () => this.run(this.connection.admitAll()));
    el.lockButton.addEventListener('click', () => this.run(this.connection.setLocked(!this.locked)));
    el.waitingToggle.addEventListener('change', () => {
      this.run(this.connection.setWaitingRoom(el.waitingToggle.checked), undefined, () => this.drawSettings());
    });
    el.endSession.addEventListener('click', () => {
      if (window.confirm('End the session for everyone? The chat will be gone.')) {
        this.run(this.connection.endSession());
      }
    });
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
      const code = error instanceof ProtocolError ? error.code : 'internal';
      this.notice(errorText(code, error instanceof Error ? error.message : String(error)));
    });
  }

  /** @param {RoomStateMessage} state */
  load(state) {
    this.me = state.you;
    this.people = new Map(state.participants.map((p) => [p.id, p]));
    this.hands = state.hands;
    this.waiting = state.waiting ?? [];
    this.talk = new Map((state.talk_time ?? []).map((t) => [t.participant, t.ms]));
    this.locked = state.locked;
    this.waitingRoom = state.waiting_room;
    const mine = this.people.get(this.me);
    if (mine) this.setRole(mine.role);
    this.drawRules(state.ground_rules);
    this.el.chatLog.replaceChildren(...state.chat.map((line) => this.chatItem(line)));
    this.el.chatLog.scrollTop = this.el.chatLog.scrollHeight;
    show(this.el.chatEmpty, state.chat.length === 0);
    this.drawPeople();
    this.drawHands();
    this.drawWaiting();
    this.drawSettings();
  }

  /** @param {number} id */
  nameOf(id) {
    return this.people.get(id)?.name ?? 'Someone';
  }

  drawPeople() {
    // Hosts first, then everyone in the order they came in.
    const rank = { facilitator: 0, co_facilitator: 1, participant: 2 };
    const people = [...this.people.values()].sort((a, b) => rank[a.role] - rank[b.role] || a.id - b.id);
    this.el.participants.replaceChildren(...people.map((person) => {
      const badges = [];
      if (person.role !== 'participant') badges.push(make('span', { text: ROLE_LABELS[person.role], className: 'badge' }));
      if (person.id === this.me) badges.push(make('span', { text: 'you', className: 'badge badge-you' }));
      if (this.hands.includes(person.id)) badges.push(make('span', { text: 'hand raised', className: 'badge badge-hand' }));
      if (!person.connected) badges.push(make('span', { text: 'reconnecting', className: 'badge badge-away' }));
      if (!person.audio) badges.push(make('span', { text: 'mic off', className: 'badge badge-away' }));
      return make('li', { attrs: { 'data-participant': String(person.id) } },
        [make('span', { text: person.name, className: 'name' }), ...badges, ...this.hostTools(person)]);
    }));
    this.el.count.textContent = `(${people.length})`;
  }

  /**
   * For hosts: how long someone has spoken, and mute and stop-video for
   * those of a lower role (the server refuses the rest).
   * @param {Participant} person
   * @returns {HTMLElement[]}
   */
  hostTools(person) {
    if (!this.isHost) return [];
    const tools = [make('span', { text: talkTime(this.talk.get(person.id) ?? 0), className: 'talk-time muted small' })];
    const rank = { facilitator: 0, co_facilitator: 1, participant: 2 };
    if (rank[person.role] > rank[this.role]) {
      tools.push(make('span', { className: 'actions' }, [
        make('button', { text: person.audio ? 'Mute' : 'Muted', className: 'quiet small-button',
          attrs: { type: 'button', 'data-mute': String(person.id), 'aria-label': `Mute ${person.name}` } }),
        make('button', { text: person.video ? 'Stop video' : 'Video off', className: 'quiet small-button',
          attrs: { type: 'button', 'data-stop-video': String(person.id), 'aria-label': `Stop ${person.name}’s video` } }),
      ]));
      const [mute, stop] = /** @type {HTMLButtonElement[]} */ ([...tools[1].children]);
      // A host can mute but never unmute: only the person turns it back on.
      mute.disabled = !person.audio;
      stop.disabled = !person.video;
    }
    return tools;
  }

  drawHands() {
    const raised = this.hands.includes(this.me);
    this.el.handButton.textContent = raised ? 'Lower my hand' : 'Raise hand';
    this.el.handButton.setAttribute('aria-pressed', String(raised));
    this.el.handQueue.replaceChildren(...this.hands.map((id) =>
      make('li', { text: id === this.me ? `${this.nameOf(id)} (you)` : this.nameOf(id) })));
    show(this.el.handEmpty, this.hands.length === 0);
    this.el.callNext.disabled = this.hands.length === 0;
  }

  drawWaiting() {
    const { waitingList, waitingEmpty, admitAll } = this.el;
    waitingList.replaceChildren(...this.waiting.map((person) => {
      const state = person.rules_accepted
        ? (person.admitted ? 'admitted' : 'accepted the ground rules')
        : (person.admitted ? 'admitted, still reading the ground rules' : 'reading the ground rules');
      const buttons = [];
      if (!person.admitted) {
        buttons.push(make('button', { text: 'Admit', className: 'primary small-button',
          attrs: { type: 'button', 'data-admit': String(person.id), 'aria-label': `Admit ${person.name}` } }));
      }
      buttons.push(make('button', { text: 'Decline', className: 'quiet small-button',
        attrs: { type: 'button', 'data-decline': String(person.id), 'aria-label': `Decline ${person.name}` } }));
      return make('li', { attrs: { 'data-waiting': String(person.id) } }, [
        make('span', { className: 'who' }, [
          make('span', { text: person.name, className: 'name' }),
          make('span', { text: state, className: 'muted small' }),
        ]),
        make('span', { className: 'actions' }, buttons),
      ]);
    }));
    show(waitingEmpty, this.waiting.length === 0);
    admitAll.disabled = !this.waiting.some((person) => !person.admitted);
  }

  /** @param {string[]} rules */
  drawRules(rules) {
    this.el.rules.replaceChildren(...rules.map((rule) => make('li', { text: rule })));
  }

  drawSettings() {
    this.el.lockButton.textContent = this.locked ? 'Unlock room' : 'Lock room';
    this.el.lockButton.setAttribute('aria-pressed', String(this.locked));
    this.el.waitingToggle.checked = this.waitingRoom;
  }

  /** @param {ChatLine} line */
  addChat(line) {
    const log = this.el.chatLog;
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
        make('span', { text: mine ? `${line.name} (you)` : line.name, className: 'name' }),
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

/**
 * Talk time, rounded for a glance: "spoke 4 min".
 * @param {number} ms
 */
function talkTime(ms) {
  const seconds = Math.round(ms / 1000);
  // Nothing until someone has spoken: a column of "0 s" is only noise.
  if (seconds < 1) return '';
  return seconds < 60 ? `spoke ${seconds} s` : `spoke ${Math.round(seconds / 60)} min`;
}

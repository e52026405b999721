// The chat: the log, drawn from the room model, and the line to write in.
// A line is cleared only once the server took it; it shows when the
// server's `chat` event brings it back, like everyone else's. While the chat
// is not in view, a new line from someone else shows as a toast and counts
// as unread (the control bar and the tab's title say how many); once the
// chat is in view, the model is told it was seen. During breakouts a line
// reaches only the people in the same place: a line said in a group carries
// its tag ("Group 2"), and the panel says who reads what is written now. It
// keeps no copy of the chat and knows no one's name but what each line
// carries.

import { byId, make, setText, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { clockTime } from '../shared/time-text.js';
import { chatTag } from './breakout-text.js';
import { placeOf } from './selectors.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */
/** @typedef {import('./notice.js').Notice} Notice */
/** @typedef {import('./dock.js').Dock} Dock */
/** @typedef {import('../shared/messages.js').ChatLine} ChatLine */

export class ChatPanel {
  /**
   * @param {RoomModel} room
   * @param {Notice} notice
   * @param {Dock} dock
   */
  constructor(room, notice, dock) {
    this.room = room;
    this.notice = notice;
    this.dock = dock;
    this.el = {
      log: byId('chat-log', HTMLOListElement),
      empty: byId('chat-empty', HTMLParagraphElement),
      form: byId('chat-form', HTMLFormElement),
      input: byId('chat-input', HTMLInputElement),
      place: byId('chat-place', HTMLParagraphElement),
    };
    this.el.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = this.el.input.value.trim();
      if (!text) return;
      // Cleared only once the server took it, so a refused line is not lost.
      notice.run(room.connection.request({ type: 'chat', text }), () => {
        this.el.input.value = '';
      });
    });
    room.subscribe((change) => this.follow(change));
    dock.on('dock', () => this.seen());
    document.addEventListener(LANGUAGE_CHANGED, () => {
      this.draw();
      this.drawPlace();
    });
  }

  /** Who reads what is written now: everyone, this person's group, or the main room. */
  drawPlace() {
    const state = this.room.state;
    const inGroup = placeOf(state, state.me.id) !== null;
    this.el.input.placeholder = t(inGroup ? 'breakout.chat.placeholder' : 'room.chat.placeholder');
    const note = state.breakouts ? t(inGroup ? 'breakout.chat.note_group' : 'breakout.chat.note_main') : '';
    setText(this.el.place, note);
    show(this.el.place, note !== '');
  }

  /** The chat is in view: what it shows has been seen. */
  seen() {
    if (!this.dock.showing('chat')) return;
    this.notice.dismiss('chat');
    const last = this.room.state.floor.chat.at(-1)?.seq ?? 0;
    // After every view has had the change that brought the line: a change
    // recorded in the middle of another would reach some views first.
    if (last > this.room.state.floor.chatSeen) queueMicrotask(() => this.room.note({ type: 'chat_seen', seq: last }));
    this.el.log.scrollTop = this.el.log.scrollHeight;
  }

  /**
   * Someone else's line, for a person whose chat is not in view.
   * @param {ChatLine} line
   */
  tell(line) {
    const excerpt = line.text.length > 140 ? `${line.text.slice(0, 139)}…` : line.text;
    this.notice.toast({
      key: 'chat',
      text: t('room.chat.toast', { name: line.name, text: excerpt }),
      sticky: false,
      actions: [{ label: () => t('room.chat.open'), run: () => this.dock.show('chat') }],
    });
  }

  /** @param {Change} change */
  follow({ state, before, message }) {
    if (state.breakouts !== before.breakouts || state.me.id !== before.me.id) this.drawPlace();
    const chat = state.floor.chat;
    if (chat === before.floor.chat && state.me.id === before.me.id) return;
    const added = chat.length === before.floor.chat.length + 1 && message.type === 'chat';
    if (added) {
      const line = chat[chat.length - 1];
      this.add(line);
      if (this.dock.showing('chat')) this.seen();
      else if (line.from !== state.me.id) this.tell(line);
    } else {
      this.draw();
      this.el.log.scrollTop = this.el.log.scrollHeight;
    }
  }

  /** The whole log again: a new room, or a change of language. */
  draw() {
    const { chat } = this.room.state.floor;
    this.el.log.replaceChildren(...chat.map((line) => this.item(line)));
    show(this.el.empty, chat.length === 0);
  }

  /** @param {ChatLine} line */
  add(line) {
    const { log } = this.el;
    // Stay at the bottom only if the reader was there: do not yank someone
    // who scrolled up to reread.
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    log.append(this.item(line));
    show(this.el.empty, false);
    if (atBottom) log.scrollTop = log.scrollHeight;
  }

  /** @param {ChatLine} line */
  item(line) {
    const mine = line.from === this.room.state.me.id;
    const group = line.breakout === undefined ? [] : [make('span', { text: chatTag(this.room.state, line.breakout), className: 'badge chat-group' })];
    return make('li', { className: mine ? 'mine' : '', attrs: { 'data-seq': String(line.seq) } }, [
      make('span', { className: 'meta' }, [
        ...group,
        make('span', { text: mine ? t('room.you_suffix', { name: line.name }) : line.name, className: 'name' }),
        make('time', { text: clockTime(line.at), attrs: { datetime: new Date(line.at).toISOString() } }),
      ]),
      make('span', { text: line.text, className: 'text' }),
    ]);
  }
}

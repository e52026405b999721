// The waiting room, for hosts: who waits and where they are (reading or
// accepted the ground rules, admitted), "Admit", "Decline", "Admit all"; a
// toast with Admit inside when someone arrives, wherever the host is looking;
// and over the stage how many wait to be let in, with a way to the list.
// Decline waits a few seconds with an Undo before anything is sent, since a
// tap beside Admit is easy to get wrong and the person declined is told at
// once. Drawn from the room model (its `waiting` is there for hosts only);
// the declines waiting for their Undo are this page's own.

import { actionButton, byId, make, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t, tn } from '../shared/i18n.js';
import { clockTime } from '../shared/time-text.js';
import { isHost } from '../room/selectors.js';
import './words.js';

/** @typedef {import('../room/model.js').RoomModel} RoomModel */
/** @typedef {import('../room/model.js').Change} Change */
/** @typedef {import('../room/notice.js').Notice} Notice */
/** @typedef {import('../room/dock.js').Dock} Dock */
/** @typedef {import('../shared/messages.js').Waiting} Waiting */

/** How long a decline can be undone before it is sent. */
export const DECLINE_UNDO_MS = 5_000;

export class WaitingRoom {
  /**
   * @param {RoomModel} room
   * @param {Notice} notice
   * @param {Dock} dock
   */
  constructor(room, notice, dock) {
    this.room = room;
    this.notice = notice;
    this.dock = dock;
    /** Declines not sent yet, by person, until their Undo runs out. @type {Map<number, ReturnType<typeof setTimeout>>} */
    this.declining = new Map();
    this.el = {
      list: byId('waiting-list', HTMLUListElement),
      empty: byId('waiting-empty', HTMLParagraphElement),
      alert: byId('waiting-alert', HTMLDivElement),
      alertText: byId('waiting-alert-text', HTMLParagraphElement),
      alertGo: byId('waiting-alert-go', HTMLButtonElement),
      admitAll: byId('admit-all', HTMLButtonElement),
      lock: byId('lock-button', HTMLButtonElement),
    };
    const c = room.connection;
    const { el } = this;
    el.alertGo.addEventListener('click', () => this.goToList());
    // One listener for the whole list: its buttons come and go with each redraw.
    el.list.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('button') : null;
      const admit = button?.getAttribute('data-admit');
      const decline = button?.getAttribute('data-decline');
      const undo = button?.getAttribute('data-undo');
      if (admit) this.admit(Number(admit));
      if (decline) this.decline(Number(decline));
      if (undo) this.undo(Number(undo));
    });
    el.admitAll.addEventListener('click', () => notice.run(c.request({ type: 'admit_all' })));
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
    this.draw();
  }

  /** @param {Change} change */
  follow({ state, before }) {
    if (state.waiting === before.waiting) return;
    const waiting = state.waiting ?? [];
    // Someone no longer waiting needs neither their toast nor their decline.
    for (const id of this.declining.keys()) if (!waiting.some((p) => p.id === id)) this.undo(id, false);
    const known = new Set((before.waiting ?? []).filter((p) => !p.admitted).map((p) => p.id));
    for (const person of before.waiting ?? []) {
      if (!waiting.some((p) => p.id === person.id && !p.admitted)) this.notice.dismiss(`arrival-${person.id}`);
    }
    if (isHost(state)) for (const person of waiting.filter((p) => !p.admitted && !known.has(p.id))) this.arrived(person);
    this.draw();
  }

  /**
   * A toast wherever the host is looking, with Admit inside.
   * @param {Waiting} person
   */
  arrived(person) {
    if (this.dock.showing('waiting')) return;
    this.notice.toast({
      key: `arrival-${person.id}`,
      text: () => t('console.waiting.arrived', { name: person.name }),
      chime: true,
      actions: [
        { label: () => t('console.waiting.admit'), run: () => this.admit(person.id), primary: true },
        { label: () => t('console.waiting.see'), run: () => this.goToList() },
      ],
    });
  }

  /** @param {number} id */
  admit(id) {
    this.notice.run(this.room.connection.request({ type: 'admit', participant: id }));
  }

  /**
   * Declines after a few seconds, unless undone meanwhile.
   * @param {number} id
   */
  decline(id) {
    if (this.declining.has(id)) return;
    this.declining.set(id, setTimeout(() => {
      this.declining.delete(id);
      this.notice.run(this.room.connection.request({ type: 'decline', participant: id }), undefined, () => this.draw());
    }, DECLINE_UNDO_MS));
    this.notice.dismiss(`arrival-${id}`);
    this.draw();
    this.focusRow(id, 'undo');
  }

  /**
   * @param {number} id
   * @param {boolean} [redraw]
   */
  undo(id, redraw = true) {
    clearTimeout(this.declining.get(id));
    if (!this.declining.delete(id) || !redraw) return;
    this.draw();
    this.focusRow(id, 'decline');
  }

  /**
   * @param {number} id
   * @param {'undo' | 'decline'} action
   */
  focusRow(id, action) {
    const button = this.el.list.querySelector(`[data-${action}="${id}"]`);
    if (button instanceof HTMLElement) button.focus();
  }

  /** To the waiting room's list, with the focus on the first person to let in. */
  goToList() {
    this.dock.show('waiting', { focus: false });
    const first = this.el.list.querySelector('button[data-admit]');
    const target = first instanceof HTMLElement ? first : byId('waiting-heading', HTMLHeadingElement);
    if (!(first instanceof HTMLElement)) target.tabIndex = -1;
    target.scrollIntoView({ block: 'nearest' });
    target.focus();
  }

  draw() {
    const { list, empty, admitAll } = this.el;
    const waiting = this.room.state.waiting ?? [];
    const focused = document.activeElement instanceof HTMLElement && list.contains(document.activeElement);
    list.replaceChildren(...waiting.map((person) => this.row(person)));
    show(empty, waiting.length === 0);
    admitAll.disabled = !waiting.some((person) => !person.admitted);
    this.drawAlert();
    // The row whose button was pressed is gone: do not drop the focus on the page's body.
    if (focused && !list.contains(document.activeElement)) {
      const next = list.querySelector('button');
      (next instanceof HTMLElement ? next : this.el.lock).focus();
    }
  }

  /** @param {Waiting} person */
  row(person) {
    const { name } = person;
    const id = String(person.id);
    if (this.declining.has(person.id)) {
      return make('li', { attrs: { 'data-waiting': id } }, [
        make('span', { className: 'who' }, [
          make('span', { text: name, className: 'name' }),
          make('span', { text: t('console.waiting.declining'), className: 'muted small' }),
        ]),
        make('span', { className: 'actions' }, [
          actionButton(t('console.waiting.undo'), t('console.waiting.undo_for', { name }), { 'data-undo': id }, 'compact primary'),
        ]),
      ]);
    }
    const state = person.rules_accepted
      ? (person.admitted ? t('console.waiting.admitted') : t('console.waiting.accepted'))
      : (person.admitted ? t('console.waiting.admitted_reading') : t('console.waiting.reading'));
    const buttons = [];
    if (!person.admitted) {
      buttons.push(actionButton(t('console.waiting.admit'), t('console.waiting.admit_for', { name }), { 'data-admit': id }, 'compact primary'));
    }
    buttons.push(actionButton(t('console.waiting.decline'), t('console.waiting.decline_for', { name }), { 'data-decline': id }));
    return make('li', { attrs: { 'data-waiting': id } }, [
      make('span', { className: 'who' }, [
        make('span', { text: name, className: 'name' }),
        make('span', { text: state, className: 'muted small' }),
        make('span', { text: t('console.waiting.since', { time: clockTime(person.since) }), className: 'muted small' }),
      ]),
      make('span', { className: 'actions' }, buttons),
    ]);
  }

  /** Only a change of the count is announced. */
  drawAlert() {
    const { alert, alertText } = this.el;
    const count = (this.room.state.waiting ?? []).filter((person) => !person.admitted).length;
    show(alert, count > 0);
    const text = count > 0 ? tn('console.waiting.alert', count) : '';
    if (alertText.textContent !== text) alertText.textContent = text;
  }
}

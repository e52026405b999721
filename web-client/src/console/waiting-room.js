// The waiting room, for hosts: who waits and where they are (reading or
// accepted the ground rules, admitted), "Admit", "Decline", "Admit all", and
// at the top of the room how many wait to be let in, with a way down to the
// list. Drawn from the room model (its `waiting` is there for hosts only).

import { actionButton, byId, make, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t, tn } from '../shared/i18n.js';
import { clockTime } from '../shared/time-text.js';
import './words.js';

/** @typedef {import('../room/model.js').RoomModel} RoomModel */
/** @typedef {import('../room/model.js').Change} Change */
/** @typedef {import('../room/notice.js').Notice} Notice */

export class WaitingRoom {
  /**
   * @param {RoomModel} room
   * @param {Notice} notice
   */
  constructor(room, notice) {
    this.room = room;
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
    el.alertGo.addEventListener('click', () => {
      // To the first person to let in, or the list's heading.
      const first = el.list.querySelector('button[data-admit]');
      const target = first instanceof HTMLElement ? first : byId('waiting-heading', HTMLHeadingElement);
      if (!(first instanceof HTMLElement)) target.tabIndex = -1;
      target.scrollIntoView({ block: 'center' });
      target.focus();
    });
    // One listener for the whole list: its buttons come and go with each redraw.
    el.list.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('button') : null;
      const admit = button?.getAttribute('data-admit');
      const decline = button?.getAttribute('data-decline');
      if (admit) notice.run(c.request({ type: 'admit', participant: Number(admit) }));
      if (decline) notice.run(c.request({ type: 'decline', participant: Number(decline) }));
    });
    el.admitAll.addEventListener('click', () => notice.run(c.request({ type: 'admit_all' })));
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
    this.draw();
  }

  /** @param {Change} change */
  follow({ state, before }) {
    if (state.waiting !== before.waiting) this.draw();
  }

  draw() {
    const { list, empty, admitAll } = this.el;
    const waiting = this.room.state.waiting ?? [];
    const focused = document.activeElement instanceof HTMLElement && list.contains(document.activeElement);
    list.replaceChildren(...waiting.map((person) => {
      const state = person.rules_accepted
        ? (person.admitted ? t('console.waiting.admitted') : t('console.waiting.accepted'))
        : (person.admitted ? t('console.waiting.admitted_reading') : t('console.waiting.reading'));
      const { name } = person;
      const buttons = [];
      if (!person.admitted) {
        buttons.push(actionButton(t('console.waiting.admit'), t('console.waiting.admit_for', { name }),
          { 'data-admit': String(person.id) }, 'compact primary'));
      }
      buttons.push(actionButton(t('console.waiting.decline'), t('console.waiting.decline_for', { name }),
        { 'data-decline': String(person.id) }));
      return make('li', { attrs: { 'data-waiting': String(person.id) } }, [
        make('span', { className: 'who' }, [
          make('span', { text: name, className: 'name' }),
          make('span', { text: state, className: 'muted small' }),
          make('span', { text: t('console.waiting.since', { time: clockTime(person.since) }), className: 'muted small' }),
        ]),
        make('span', { className: 'actions' }, buttons),
      ]);
    }));
    show(empty, waiting.length === 0);
    admitAll.disabled = !waiting.some((person) => !person.admitted);
    this.drawAlert();
    // The row whose button was pressed is gone: do not drop the focus on the page's body.
    if (focused && !list.contains(document.activeElement)) {
      const next = list.querySelector('button');
      (next instanceof HTMLElement ? next : this.el.lock).focus();
    }
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

// The hosts' breakouts panel while breakouts run: the time left, each group
// with its members (and who of them is speaking now), its visitors and a
// Visit (or Leave) button, the main room with whoever arrived late, a select
// beside each person to move them, a message to every group, more time, and
// the way back: in a minute (everyone warned at once) or now. Drawn from the
// room model; this view keeps only who was in the room when the groups
// opened, to tell a late arrival from someone the plan left in the main room.

import { button, make, setText, show, tx } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { icon } from '../room/icons.js';
import { breakoutFailureText, groupName, groupNumber, namesText, timeLeft } from '../room/breakout-text.js';
import { runRequest } from '../room/run-request.js';
import { isHost, nameOf, peopleInOrder, placeOf } from '../room/selectors.js';
import './words.js';

/** @typedef {import('../room/model.js').RoomModel} RoomModel */
/** @typedef {import('../room/model.js').Change} Change */
/** @typedef {import('../room/state.js').RoomState} RoomState */
/** @typedef {import('../room/notice.js').Notice} Notice */
/** @typedef {import('../shared/messages.js').Breakouts} Breakouts */
/** @typedef {import('../shared/messages.js').ClientMessage} ClientMessage */

/** Long enough for someone coming back to be put in their group again before a host is told. */
const LATE_NOTICE_MS = 2_000;
const EXTEND_MINUTES = 5;

export class BreakoutsRunning {
  /**
   * @param {RoomModel} room
   * @param {Notice} notice
   * @param {(id: number) => void} showPerson brings someone's select into view
   */
  constructor(room, notice, showPerson) {
    this.room = room;
    this.notice = notice;
    this.showPerson = showPerson;
    /** Who was in the room when the groups opened (or when this page first saw them). @type {Set<number> | null} */
    this.before = null;
    /** The speaking marks drawn, by person: they change more often than the rest. @type {Map<number, HTMLElement>} */
    this.marks = new Map();
    this.time = make('span', { className: 'breakout-clock-time', attrs: { id: 'breakout-time-left', role: 'timer' } });
    this.ending = tx('p', 'console.breakouts.ending', { className: 'notice breakout-ending', attrs: { id: 'breakout-ending' } });
    this.mine = make('p', { className: 'muted small', attrs: { id: 'breakout-my-place' } });
    this.error = make('p', { className: 'notice notice-error', attrs: { id: 'breakout-running-error', role: 'alert' } });
    show(this.error, false);
    this.groups = make('ul', { className: 'breakout-groups', attrs: { id: 'breakout-groups' } });
    this.mainList = make('ul', { className: 'breakout-people', attrs: { id: 'breakout-main-room' } });
    this.mainEmpty = tx('p', 'console.breakouts.main_empty', { className: 'muted small' });
    this.message = make('input', { attrs: { type: 'text', id: 'breakout-message', maxlength: '280', autocomplete: 'off' } });
    this.send = button('console.breakouts.send', 'primary');
    this.send.id = 'breakout-send';
    this.send.type = 'submit';
    this.extend = button('console.breakouts.extend');
    this.extend.id = 'breakout-extend';
    this.endSoon = button('console.breakouts.end_soon');
    this.endSoon.id = 'breakout-end-soon';
    this.endNow = button('console.breakouts.end_now', 'danger');
    this.endNow.id = 'breakout-end-now';
    this.element = make('div', { className: 'breakout-running', attrs: { id: 'breakout-running', 'data-ending': 'false' } }, [
      tx('h3', 'console.breakouts.running_heading', { attrs: { id: 'breakout-running-heading', tabindex: '-1' } }),
      make('p', { className: 'breakout-clock' }, [tx('span', 'console.breakouts.time_label'), make('span', { text: ' ' }), this.time]),
      this.ending,
      this.mine,
      tx('h4', 'console.breakouts.groups_heading'),
      this.groups,
      tx('h4', 'breakout.main_room'),
      this.mainList,
      this.mainEmpty,
      make('form', { className: 'breakout-message' }, [
        tx('label', 'console.breakouts.message_label', { attrs: { for: 'breakout-message' } }),
        make('div', { className: 'breakout-message-row' }, [this.message, this.send]),
      ]),
      make('div', { className: 'row breakout-buttons' }, [this.extend, this.endSoon, this.endNow]),
      this.error,
    ]);
    this.wire();
  }

  wire() {
    const c = this.room.connection;
    /**
     * @param {ClientMessage} message
     * @param {HTMLButtonElement} [control]
     * @param {() => void} [done]
     */
    const run = (message, control, done) => {
      const request = c.request(message);
      if (done) request.then(done, () => {});
      runRequest(request, this.error, { button: control, words: breakoutFailureText, keepFocus: true, done: () => this.draw() });
    };
    this.element.addEventListener('click', (event) => {
      const target = event.target instanceof Element ? event.target.closest('button[data-visit]') : null;
      if (!(target instanceof HTMLButtonElement)) return;
      const group = Number(target.dataset.visit);
      const here = placeOf(this.room.state, this.room.state.me.id) === group;
      run(here ? { type: 'visit_breakout' } : { type: 'visit_breakout', breakout: group }, target);
    });
    this.element.addEventListener('change', (event) => {
      const target = event.target;
      if (!(target instanceof HTMLSelectElement) || !target.dataset.move) return;
      const participant = Number(target.dataset.move);
      run(target.value === 'main' ? { type: 'move_to_breakout', participant } : { type: 'move_to_breakout', participant, breakout: Number(target.value) });
    });
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = this.message.value.trim();
      if (!text) {
        this.error.textContent = t('breakout.refused.message');
        show(this.error, true);
        return;
      }
      // Cleared only once the server took it, so a refused message is not lost.
      run({ type: 'broadcast_to_breakouts', text }, this.send, () => { this.message.value = ''; });
    });
    this.extend.addEventListener('click', () => run({ type: 'extend_breakouts', minutes: EXTEND_MINUTES }, this.extend));
    this.endSoon.addEventListener('click', () => run({ type: 'end_breakouts', in_seconds: 60 }, this.endSoon));
    this.endNow.addEventListener('click', () => run({ type: 'end_breakouts' }, this.endNow));
  }

  /** @param {Change} change */
  follow({ state, message }) {
    if (!state.breakouts) {
      this.before = null;
      return;
    }
    // Everyone there when the groups opened (or when this page first saw
    // them) was placed or left in the main room on purpose.
    this.before ??= new Set(state.people.keys());
    if (message.type === 'participant_joined' && !this.before.has(message.participant.id) && message.participant.role === 'participant') {
      this.arrived(message.participant.id);
    }
  }

  /**
   * Someone came in during breakouts: the hosts are told, unless they were
   * put back in their group (a link used again does that at once).
   * @param {number} id
   */
  arrived(id) {
    setTimeout(() => {
      const state = this.room.state;
      const name = nameOf(state, id);
      if (!state.breakouts || !isHost(state) || name === null || placeOf(state, id) !== null) return;
      this.notice.toast({
        key: `breakout-late-${id}`,
        text: () => t('console.breakouts.late_toast', { name }),
        sticky: false,
        actions: [{ label: () => t('console.breakouts.late_place'), run: () => this.showPerson(id), primary: true }],
      });
    }, LATE_NOTICE_MS);
  }

  /** Whether someone in the main room came after the groups opened. @param {number} id */
  late(id) {
    const person = this.room.state.people.get(id);
    return Boolean(this.before && !this.before.has(id) && person?.role === 'participant');
  }

  draw() {
    const state = this.room.state;
    const breakouts = state.breakouts;
    if (!breakouts) return;
    const me = state.me.id;
    const focused = document.activeElement instanceof HTMLElement && this.element.contains(document.activeElement) ? document.activeElement : null;
    const refocus = focused?.dataset.move ? `[data-move="${focused.dataset.move}"]` : focused?.dataset.visit ? `[data-visit="${focused.dataset.visit}"]` : null;

    this.element.dataset.ending = String(breakouts.ending);
    show(this.ending, breakouts.ending);
    const place = placeOf(state, me);
    const visiting = breakouts.groups.some((g) => me !== null && g.visitors.includes(me));
    setText(this.mine, place === null ? t('console.breakouts.you_main')
      : t(visiting ? 'console.breakouts.you_visiting' : 'console.breakouts.you_member', { number: groupNumber(state, place) }));

    this.marks.clear();
    this.groups.replaceChildren(...breakouts.groups.map((group) => {
      const here = place === group.id;
      const number = groupNumber(state, group.id);
      const visit = make('button', {
        text: t(here ? 'console.breakouts.leave' : 'console.breakouts.visit'),
        className: here ? 'compact' : 'compact primary',
        attrs: { type: 'button', 'data-visit': String(group.id), 'aria-label': t(here ? 'console.breakouts.leave_for' : 'console.breakouts.visit_for', { number }) },
      });
      // A member (a co-facilitator placed in a group) leaves through the banner.
      visit.hidden = here && !visiting;
      const visitors = namesText(state, group.visitors);
      return make('li', { className: 'breakout-group', attrs: { 'data-breakout': String(group.id) } }, [
        make('div', { className: 'breakout-group-head' }, [make('h5', { text: groupName(state, group.id) }), visit]),
        group.members.length
          ? make('ul', { className: 'breakout-people' }, group.members.map((id) => this.person(state, breakouts, id, group.id)))
          : tx('p', 'console.breakouts.empty_group', { className: 'muted small' }),
        ...(visitors ? [make('p', { text: t('console.breakouts.visiting', { names: visitors }), className: 'muted small breakout-visitors' })] : []),
      ]);
    }));
    const inMain = peopleInOrder(state).filter((p) => p.id !== me && placeOf(state, p.id) === null);
    this.mainList.replaceChildren(...inMain.map((p) => this.person(state, breakouts, p.id, null)));
    show(this.mainEmpty, inMain.length === 0);
    this.tick();
    if (refocus) {
      const again = this.element.querySelector(refocus);
      if (again instanceof HTMLElement) again.focus();
    }
  }

  /**
   * One person, with the mark of speaking and the select that moves them.
   * @param {RoomState} state
   * @param {Breakouts} breakouts
   * @param {number} id
   * @param {number | null} place their group, null: the main room
   */
  person(state, breakouts, id, place) {
    const name = nameOf(state, id) ?? t('room.someone');
    const label = id === state.me.id ? t('room.you_suffix', { name }) : name;
    const mark = make('span', { className: 'breakout-speaking' }, [icon('speaking'), tx('span', 'console.breakouts.speaking', { className: 'visually-hidden' })]);
    show(mark, state.media.speaking.has(id));
    this.marks.set(id, mark);
    const select = make('select', { attrs: { 'data-move': String(id), 'aria-label': t('console.breakouts.move_for', { name }) } }, [
      ...breakouts.groups.map((g) => make('option', { text: groupName(state, g.id), attrs: { value: String(g.id) } })),
      make('option', { text: t('breakout.main_room'), attrs: { value: 'main' } }),
    ]);
    select.value = place === null ? 'main' : String(place);
    const who = make('span', { className: 'who' }, [make('span', { className: 'name' }, [make('span', { text: label }), mark])]);
    if (place === null && this.late(id)) who.append(tx('span', 'console.breakouts.late', { className: 'small breakout-late' }));
    return make('li', { attrs: { 'data-person': String(id) } }, [who, select]);
  }

  /** Who speaks changed: only the marks. */
  drawSpeaking() {
    const speaking = this.room.state.media.speaking;
    for (const [id, mark] of this.marks) show(mark, speaking.has(id));
  }

  /** Once a second: the time left, from the server's clock. */
  tick() {
    const breakouts = this.room.state.breakouts;
    if (breakouts) setText(this.time, timeLeft(this.room.state, breakouts));
  }
}

// The hosts' breakouts planner, while no breakouts run: the groups' size
// (pairs, threes, a number of groups), who goes where (at random, by hand,
// each person chooses), co-facilitators in the groups or not, how long, and
// a preview of the groups with the main room. By hand, each person has a
// select (the keyboard's way) and can be dragged between the groups.
//
// The plan is this page's own until it is sent (`breakout-plan.js` makes and
// keeps it). It follows the room: whoever leaves is gone from it, whoever
// comes is put in the main room; it is shuffled again only when the host
// asks (Shuffle again, or a change of size or way), never under their eyes,
// though it is made afresh while the panel is out of sight. The person who
// plans and the facilitator stay in the main room.

import { button, make, show, tx } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { breakoutFailureText } from '../room/breakout-text.js';
import { runRequest } from '../room/run-request.js';
import { currentSegment, nameOf, peopleInOrder } from '../room/selectors.js';
import { groupCount, groupsToOpen, keepPlan, movePerson, planGroups } from './breakout-plan.js';
import './words.js';

/** @typedef {import('../room/model.js').RoomModel} RoomModel */
/** @typedef {import('../room/state.js').RoomState} RoomState */
/** @typedef {import('./breakout-plan.js').Plan} Plan */
/** @typedef {import('./breakout-plan.js').Split} Split */
/** @typedef {'pairs' | 'threes' | 'groups'} Size */
/** @typedef {'random' | 'hand' | 'choose'} Assign */

/** Without a breakouts part running in the agenda, a conversation of five minutes. */
const DEFAULT_MINUTES = 5;
const MOST_GROUPS = 20;

/**
 * A radio button with its label, on one row.
 * @param {string} name
 * @param {string} value
 * @param {string} key its label's words
 * @param {boolean} [checked]
 */
function radio(name, value, key, checked = false) {
  const id = `${name}-${value}`;
  const input = make('input', { attrs: { type: 'radio', name, value, id } });
  input.checked = checked;
  return make('p', { className: 'row check-row breakout-option' }, [input, tx('label', key, { attrs: { for: id } })]);
}

export class BreakoutPlanner {
  /**
   * @param {RoomModel} room
   * @param {() => boolean} inSight whether the panel is in view now
   */
  constructor(room, inSight) {
    this.room = room;
    this.inSight = inSight;
    /** @type {Plan} */
    this.plan = { groups: [], main: [] };
    /** The host has had this plan in view: from now on it only follows the room. */
    this.seen = false;
    /** The host set the minutes: the agenda no longer does. */
    this.minutesSet = false;
    /** Who is being dragged, by id. @type {number | null} */
    this.dragging = null;

    this.count = make('input', { attrs: { type: 'number', id: 'breakout-group-count', min: '2', max: String(MOST_GROUPS), value: '2', inputmode: 'numeric' } });
    this.includeHosts = make('input', { attrs: { type: 'checkbox', id: 'breakout-include-hosts' } });
    this.minutes = make('input', { attrs: { type: 'number', id: 'breakout-minutes', min: '1', max: '60', value: String(DEFAULT_MINUTES), inputmode: 'numeric' } });
    this.note = make('p', { className: 'muted small breakout-note' });
    this.tooFew = tx('p', 'console.breakouts.too_few', { className: 'notice', attrs: { id: 'breakout-too-few' } });
    this.groups = make('ol', { className: 'breakout-plan' });
    this.mainList = make('ul', { className: 'breakout-people', attrs: { id: 'breakout-plan-main' } });
    this.main = make('div', { className: 'breakout-plan-main', attrs: { 'data-drop': 'main' } }, [
      tx('h4', 'breakout.main_room'), this.mainList,
    ]);
    this.preview = make('div', { className: 'breakout-preview', attrs: { id: 'breakout-preview' } }, [this.note, this.tooFew, this.groups, this.main]);
    this.shuffle = button('console.breakouts.shuffle');
    this.shuffle.id = 'breakout-shuffle';
    this.open = button('console.breakouts.open', 'primary');
    this.open.id = 'breakout-open';
    this.error = make('p', { className: 'notice notice-error', attrs: { id: 'breakout-error', role: 'alert' } });
    show(this.error, false);
    this.form = make('div', { className: 'breakout-planner', attrs: { id: 'breakout-planner' } }, [
      tx('p', 'console.breakouts.intro', { className: 'muted small' }),
      make('fieldset', { className: 'breakout-choice' }, [
        tx('legend', 'console.breakouts.size_legend'),
        radio('breakout-size', 'pairs', 'console.breakouts.size_pairs', true),
        radio('breakout-size', 'threes', 'console.breakouts.size_threes'),
        radio('breakout-size', 'groups', 'console.breakouts.size_groups'),
        make('p', { className: 'breakout-field breakout-count' }, [tx('label', 'console.breakouts.count_label', { attrs: { for: 'breakout-group-count' } }), this.count]),
      ]),
      make('fieldset', { className: 'breakout-choice' }, [
        tx('legend', 'console.breakouts.assign_legend'),
        radio('breakout-assign', 'random', 'console.breakouts.assign_random', true),
        radio('breakout-assign', 'hand', 'console.breakouts.assign_hand'),
        radio('breakout-assign', 'choose', 'console.breakouts.assign_choose'),
      ]),
      make('p', { className: 'row check-row' }, [this.includeHosts, tx('label', 'console.breakouts.include_hosts', { attrs: { for: 'breakout-include-hosts' } })]),
      make('p', { className: 'breakout-field' }, [tx('label', 'console.breakouts.minutes_label', { attrs: { for: 'breakout-minutes' } }), this.minutes]),
      tx('h3', 'console.breakouts.preview_heading'),
      this.preview,
      make('div', { className: 'row breakout-buttons' }, [this.shuffle, this.open]),
      this.error,
    ]);
    this.wire();
    this.replan();
  }

  wire() {
    const { form } = this;
    form.addEventListener('change', (event) => {
      const target = event.target;
      if (!(target instanceof HTMLInputElement || target instanceof HTMLSelectElement)) return;
      if (target.name === 'breakout-size') this.replan();
      else if (target.name === 'breakout-assign') {
        // At random is a fresh shuffle; by hand starts from the groups in view.
        if (this.assign() === 'random') this.replan();
      } else if (target === this.includeHosts) {
        if (this.assign() === 'random') this.replan();
        else this.follow();
      } else if (target instanceof HTMLSelectElement && target.dataset.movePerson) {
        // Redrawn with the focus kept on this person's select.
        this.movePerson(Number(target.dataset.movePerson), target.value === 'main' ? null : Number(target.value));
        return;
      }
      this.draw();
    });
    this.count.addEventListener('input', () => {
      const n = Number(this.count.value);
      if (Number.isInteger(n) && n >= 2 && n <= MOST_GROUPS) {
        this.replan();
        this.draw();
      }
    });
    this.minutes.addEventListener('input', () => { this.minutesSet = true; });
    this.shuffle.addEventListener('click', () => {
      this.replan();
      this.draw();
    });
    this.open.addEventListener('click', () => this.send());
    this.dragAndDrop();
  }

  /** By hand, people can also be dragged from one group to another. */
  dragAndDrop() {
    const { preview } = this;
    /** @param {Event} event */
    const dropZone = (event) => (event.target instanceof Element ? event.target.closest('[data-drop]') : null);
    preview.addEventListener('dragstart', (event) => {
      const item = event.target instanceof Element ? event.target.closest('li[data-person]') : null;
      if (!(item instanceof HTMLElement) || this.assign() !== 'hand' || !event.dataTransfer) return;
      this.dragging = Number(item.dataset.person);
      event.dataTransfer.setData('text/plain', String(this.dragging));
      event.dataTransfer.effectAllowed = 'move';
    });
    preview.addEventListener('dragover', (event) => {
      const zone = dropZone(event);
      if (!zone || this.dragging === null) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
      for (const other of preview.querySelectorAll('.breakout-drop-over')) if (other !== zone) other.classList.remove('breakout-drop-over');
      zone.classList.add('breakout-drop-over');
    });
    preview.addEventListener('drop', (event) => {
      const zone = dropZone(event);
      if (!(zone instanceof HTMLElement) || this.dragging === null) return;
      event.preventDefault();
      const to = zone.dataset.drop;
      this.movePerson(this.dragging, to === 'main' || to === undefined ? null : Number(to));
      this.dragging = null;
    });
    preview.addEventListener('dragend', () => {
      this.dragging = null;
      for (const zone of preview.querySelectorAll('.breakout-drop-over')) zone.classList.remove('breakout-drop-over');
    });
  }

  /** @returns {Size} */
  size() {
    const checked = this.form.querySelector('input[name="breakout-size"]:checked');
    return /** @type {Size} */ (checked instanceof HTMLInputElement ? checked.value : 'pairs');
  }

  /** @returns {Assign} */
  assign() {
    const checked = this.form.querySelector('input[name="breakout-assign"]:checked');
    return /** @type {Assign} */ (checked instanceof HTMLInputElement ? checked.value : 'random');
  }

  /** @returns {Split} */
  split() {
    const size = this.size();
    if (size === 'groups') return { count: Math.min(MOST_GROUPS, Math.max(2, Math.floor(Number(this.count.value)) || 2)) };
    return { size: size === 'threes' ? 3 : 2 };
  }

  /**
   * The people the plan places: participants, and co-facilitators if the
   * host asked; never the person planning, nor the facilitator.
   * @param {RoomState} state
   */
  placeable(state) {
    const withHosts = this.includeHosts.checked;
    return peopleInOrder(state)
      .filter((p) => p.id !== state.me.id && (p.role === 'participant' || (withHosts && p.role === 'co_facilitator')))
      .map((p) => p.id);
  }

  /** A fresh plan for the people there now. */
  replan() {
    const ids = this.placeable(this.room.state);
    this.plan = keepPlan({ groups: planGroups(ids, this.split()), main: [] }, ids);
    show(this.error, false);
  }

  /** The room changed: the plan follows it, shuffled again only out of sight (or when it has no group at all). */
  follow() {
    if (this.inSight()) this.seen = true;
    if (!this.seen || this.plan.groups.length === 0) this.replan();
    else this.plan = keepPlan(this.plan, this.placeable(this.room.state));
    if (!this.minutesSet) this.minutes.value = String(this.defaultMinutes());
  }

  /** Breakouts ended: the next plan starts afresh. */
  reset() {
    this.seen = false;
    this.minutesSet = false;
    this.follow();
  }

  defaultMinutes() {
    const segment = currentSegment(this.room.state);
    return segment?.kind === 'breakouts' ? Math.min(60, Math.max(1, segment.minutes)) : DEFAULT_MINUTES;
  }

  /**
   * @param {number} id
   * @param {number | null} index the group's place, or null for the main room
   */
  movePerson(id, index) {
    this.plan = movePerson(this.plan, id, index);
    show(this.error, false);
    this.draw();
  }

  /** @param {string} key @param {Record<string, string | number>} [params] */
  refuse(key, params) {
    this.error.textContent = t(key, params);
    show(this.error, true);
  }

  send() {
    const minutes = Number(this.minutes.value);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) return this.refuse('breakout.refused.minutes');
    const choose = this.assign() === 'choose';
    let groups;
    if (choose) {
      groups = Array.from({ length: groupCount(this.placeable(this.room.state).length, this.split()) }, () => []);
      if (groups.length === 0) return this.refuse('console.breakouts.too_few');
    } else {
      const planned = groupsToOpen(this.plan);
      if ('problem' in planned) {
        return planned.problem === 'alone' ? this.refuse('console.breakouts.alone', { number: planned.index + 1 }) : this.refuse('console.breakouts.none');
      }
      groups = planned.groups;
    }
    runRequest(this.room.connection.request({ type: 'open_breakouts', groups, minutes, choose }), this.error, { button: this.open, words: breakoutFailureText, keepFocus: true });
  }

  draw() {
    const state = this.room.state;
    const assign = this.assign();
    const byHand = assign === 'hand';
    const placeable = this.placeable(state);
    const count = assign === 'choose' ? groupCount(placeable.length, this.split()) : this.plan.groups.length;
    const tooFew = placeable.length < 2;
    this.count.disabled = this.size() !== 'groups';
    show(this.tooFew, tooFew);
    show(this.shuffle, assign === 'random');
    this.shuffle.disabled = tooFew;
    this.open.disabled = tooFew;
    const noteKey = { random: '', hand: 'console.breakouts.hand_note', choose: 'console.breakouts.choose_note' }[assign];
    this.note.textContent = noteKey && !tooFew ? t(noteKey) : '';
    show(this.note, this.note.textContent !== '');
    this.preview.dataset.assign = assign;

    // A select rebuilt under the focus gives it to its successor: the same person's.
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.movePerson : undefined;
    const groups = assign === 'choose' ? Array.from({ length: count }, () => []) : this.plan.groups;
    const inGroups = new Set(groups.flat());
    /** @param {number} id */
    const person = (id) => this.person(state, id, byHand && placeable.includes(id), count, groups.findIndex((g) => g.includes(id)));
    this.groups.replaceChildren(...groups.map((members, index) => make('li', {
      className: 'breakout-plan-group', attrs: { 'data-group-index': String(index), 'data-drop': String(index) },
    }, [
      make('h4', { text: t('breakout.group', { number: index + 1 }) }),
      members.length
        ? make('ul', { className: 'breakout-people' }, members.map(person))
        : make('p', { text: t('console.breakouts.empty_group'), className: 'muted small' }),
    ])));
    // The main room: the hosts who stay, then whoever the plan leaves there.
    const staying = peopleInOrder(state).map((p) => p.id).filter((id) => !inGroups.has(id));
    this.mainList.replaceChildren(...staying.map(person));
    if (staying.length === 0) this.mainList.append(make('li', { text: t('console.breakouts.no_one'), className: 'muted small' }));
    const again = focused ? this.preview.querySelector(`select[data-move-person="${focused}"]`) : null;
    if (again instanceof HTMLSelectElement) again.focus();
  }

  /**
   * One person in the preview: by hand, with the select that moves them.
   * @param {RoomState} state
   * @param {number} id
   * @param {boolean} movable
   * @param {number} count how many groups
   * @param {number} at their group's place, or -1 for the main room
   */
  person(state, id, movable, count, at) {
    const name = nameOf(state, id) ?? t('room.someone');
    const label = id === state.me.id ? t('room.you_suffix', { name }) : name;
    const item = make('li', { attrs: { 'data-person': String(id) } }, [make('span', { text: label, className: 'name' })]);
    if (!movable) return item;
    item.draggable = true;
    const select = make('select', { attrs: { 'data-move-person': String(id), 'aria-label': t('console.breakouts.group_for', { name }) } }, [
      ...Array.from({ length: count }, (_, i) => make('option', { text: t('breakout.group', { number: i + 1 }), attrs: { value: String(i) } })),
      make('option', { text: t('breakout.main_room'), attrs: { value: 'main' } }),
    ]);
    select.value = at >= 0 ? String(at) : 'main';
    item.append(select);
    return item;
  }
}

// Breakouts as everyone meets them: while they run, a banner over the stage
// says where this person is (their group and who is in it, a group they
// visit as a host, or the main room) and how long is left, with "Return to
// main room" for anyone in a group and, when people choose, a button per
// group for a participant in the main room. A minute before the end it asks
// everyone to finish, once. Toasts tell what happened to this person: placed
// in a group, a host visiting, the group gone because the others left,
// everyone back, a host's message to all groups. The groups and the clock
// come from the room model; this view keeps only whether the last move was
// this person's own (which needs no toast). Hosts plan and run breakouts in
// the console (console/breakouts-panel.js).

import { byId, make, setText, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t, tn } from '../shared/i18n.js';
import { breakoutFailureText, groupNumber, namesText, timeLeft } from './breakout-text.js';
import { runRequest } from './run-request.js';
import { isHost, isOneOnOne, nameOf, placeOf } from './selectors.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */
/** @typedef {import('./notice.js').Notice} Notice */
/** @typedef {import('./state.js').RoomState} RoomState */
/** @typedef {import('../shared/messages.js').Breakouts} Breakouts */
/** @typedef {import('../shared/messages.js').BreakoutGroup} BreakoutGroup */

export class BreakoutBanner {
  /**
   * @param {RoomModel} room
   * @param {Notice} notice
   */
  constructor(room, notice) {
    this.room = room;
    this.notice = notice;
    /** This person asked to change place; the change that follows needs no toast. */
    this.asked = false;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.timer = undefined;
    this.slot = byId('breakout-slot', HTMLDivElement);
    this.where = make('span', { attrs: { id: 'breakout-where' } });
    // A timer is a live region that is never spoken: the banner's changes
    // are announced, not its seconds.
    this.time = make('span', { className: 'breakout-time', attrs: { id: 'breakout-banner-time', role: 'timer' } });
    this.visitors = make('p', { className: 'breakout-visitors' });
    this.ending = make('p', { className: 'breakout-ending', attrs: { id: 'breakout-ending-line' } });
    this.back = make('button', { className: 'compact', attrs: { type: 'button', id: 'breakout-return' } });
    this.choices = make('span', { className: 'breakout-choices' });
    this.error = make('p', { className: 'notice notice-error', attrs: { role: 'alert' } });
    show(this.error, false);
    this.banner = make('div', {
      className: 'banner-box breakout-banner',
      attrs: { id: 'breakout-banner', role: 'status', 'aria-atomic': 'false', 'data-ending': 'false' },
    }, [
      make('p', { className: 'breakout-line' }, [this.where, make('span', { text: ' · ', attrs: { 'aria-hidden': 'true' } }), this.time]),
      this.visitors,
      this.ending,
      // Its buttons come and go as people choose: not news to announce.
      make('div', { className: 'breakout-actions', attrs: { 'aria-live': 'off' } }, [this.back, this.choices]),
      this.error,
    ]);
    this.slot.append(this.banner);
    show(this.slot, false);

    const c = room.connection;
    this.back.addEventListener('click', () => {
      const visiting = this.visiting();
      this.move(visiting ? c.request({ type: 'visit_breakout' }) : c.request({ type: 'choose_breakout' }), this.back);
    });
    this.choices.addEventListener('click', (event) => {
      const target = event.target instanceof Element ? event.target.closest('button[data-choose]') : null;
      if (target instanceof HTMLButtonElement) this.move(c.request({ type: 'choose_breakout', breakout: Number(target.dataset.choose) }), target);
    });
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
    this.draw();
  }

  /**
   * This person's own move: shown by the banner when it comes back, so no toast.
   * @param {Promise<unknown>} request
   * @param {HTMLButtonElement} button
   */
  move(request, button) {
    this.asked = true;
    request.catch(() => { this.asked = false; });
    runRequest(request, this.error, { button, words: breakoutFailureText, keepFocus: true });
  }

  /** Whether this person is a host looking in on a group. */
  visiting() {
    const state = this.room.state;
    const me = state.me.id;
    return Boolean(me !== null && state.breakouts?.groups.some((g) => g.visitors.includes(me)));
  }

  /** @param {Change} change */
  follow({ state, before, message }) {
    if (message.type === 'breakout_message') this.message(state, message.from, message.text);
    if (message.type === 'breakouts') this.tell(state, before);
    if (state.breakouts !== before.breakouts || state.people !== before.people || state.me !== before.me) this.draw();
  }

  /**
   * A host's message to all groups: it stays until put away.
   * @param {RoomState} state
   * @param {number} from
   * @param {string} text
   */
  message(state, from, text) {
    if (from === state.me.id) {
      this.notice.say(() => t('breakout.toast.message_sent'), 'ok');
      return;
    }
    const name = nameOf(state, from) ?? t('room.someone');
    this.notice.toast({ key: 'breakout-message', text: () => t('breakout.toast.message', { name, text }), tone: 'warm', sticky: true, chime: true });
  }

  /**
   * What changed for this person, as a toast.
   * @param {RoomState} state
   * @param {RoomState} before
   */
  tell(state, before) {
    const me = state.me.id;
    const now = state.breakouts;
    const was = before.breakouts;
    if (me === null || !state.me.inRoom || isOneOnOne(state)) return;
    if (was && !now) {
      this.asked = false;
      this.notice.dismiss('breakouts');
      this.notice.toast({ key: 'breakouts', text: () => t('breakout.toast.back'), tone: 'ok' });
      return;
    }
    if (!now) return;
    const place = placeOf(state, me);
    const wasPlace = placeOf(before, me);
    const group = now.groups.find((g) => g.id === place);
    const member = Boolean(group?.members.includes(me));
    if (place !== wasPlace || !was) {
      const asked = this.asked;
      this.asked = false;
      const wasGroup = was?.groups.find((g) => g.id === wasPlace);
      if (group && member) {
        if (!asked) this.placed(state, group);
      } else if (!group && !was && now.choose && !isHost(state)) {
        this.notice.toast({ key: 'breakouts', text: () => t('breakout.toast.choose'), chime: true });
      } else if (!group && wasGroup?.members.includes(me)) {
        // A planned group left with one person ends: that is why, not a host.
        const ended = !now.groups.some((g) => g.id === wasPlace);
        if (ended) this.notice.toast({ key: 'breakouts', text: () => t('breakout.toast.group_left'), tone: 'warm' });
        else if (!asked) this.notice.toast({ key: 'breakouts', text: () => t('breakout.toast.moved_main') });
      }
      return;
    }
    // A host came to look in on this person's group.
    const wasGroup = was?.groups.find((g) => g.id === place);
    if (!group || !member || !wasGroup) return;
    for (const visitor of group.visitors.filter((id) => !wasGroup.visitors.includes(id))) {
      const name = nameOf(state, visitor) ?? t('room.someone');
      this.notice.toast({ key: `breakout-visit-${visitor}`, text: () => t('breakout.toast.visiting', { name }) });
    }
  }

  /**
   * "You are now in Group 2 with Alex": where this person was put.
   * @param {RoomState} state
   * @param {BreakoutGroup} group
   */
  placed(state, group) {
    const others = group.members.filter((id) => id !== state.me.id);
    const names = namesText(state, others);
    const number = groupNumber(state, group.id);
    this.notice.toast({
      key: 'breakouts',
      text: () => (names ? t('breakout.toast.placed', { number, names }) : t('breakout.toast.placed_alone', { number })),
      chime: true,
    });
  }

  draw() {
    const state = this.room.state;
    const breakouts = state.breakouts;
    const on = breakouts !== null && state.me.inRoom && !isOneOnOne(state);
    const focused = document.activeElement instanceof HTMLElement && this.banner.contains(document.activeElement) ? document.activeElement : null;
    show(this.slot, on);
    if (!on) {
      clearInterval(this.timer);
      this.timer = undefined;
      show(this.error, false);
      if (focused) byId('hand-button', HTMLButtonElement).focus();
      return;
    }
    const me = state.me.id;
    const place = placeOf(state, me);
    const group = breakouts.groups.find((g) => g.id === place);
    const visiting = Boolean(group && me !== null && group.visitors.includes(me));
    setText(this.where, this.whereText(state, breakouts, group, visiting));
    const visitors = group && !visiting ? namesText(state, group.visitors) : '';
    setText(this.visitors, visitors ? t('breakout.banner.visitors', { names: visitors }) : '');
    show(this.visitors, visitors !== '');
    this.banner.dataset.ending = String(breakouts.ending);
    setText(this.ending, breakouts.ending ? t(group ? 'breakout.banner.ending' : 'breakout.banner.ending_main') : '');
    show(this.ending, breakouts.ending);
    setText(this.back, t('breakout.banner.return'));
    show(this.back, group !== undefined);
    this.drawChoices(breakouts, group === undefined && breakouts.choose && !isHost(state));
    this.tick();
    this.timer ??= setInterval(() => this.tick(), 1000);
    // The button pressed went with the move: the focus goes to the one in its place.
    if (focused && !this.banner.contains(document.activeElement)) {
      const next = [this.back, ...this.choices.querySelectorAll('button')].find((b) => b instanceof HTMLButtonElement && !b.hidden);
      (next instanceof HTMLButtonElement ? next : byId('hand-button', HTMLButtonElement)).focus();
    }
  }

  /**
   * @param {RoomState} state
   * @param {Breakouts} breakouts
   * @param {BreakoutGroup | undefined} group
   * @param {boolean} visiting
   */
  whereText(state, breakouts, group, visiting) {
    const number = group ? groupNumber(state, group.id) : 0;
    if (group && visiting) return t('breakout.banner.visiting', { number });
    if (group) {
      const names = namesText(state, group.members.filter((id) => id !== state.me.id));
      return names ? t('breakout.banner.in_group', { number, names }) : t('breakout.banner.in_group_alone', { number });
    }
    if (isHost(state)) return t('breakout.banner.main');
    return `${t('breakout.banner.main')} ${t(breakouts.choose ? 'breakout.banner.main_choose' : 'breakout.banner.main_wait')}`;
  }

  /**
   * One button a group, for a participant in the main room when people choose.
   * @param {Breakouts} breakouts
   * @param {boolean} choosing
   */
  drawChoices(breakouts, choosing) {
    const state = this.room.state;
    const labels = choosing ? breakouts.groups.map((g) => tn('breakout.banner.join', g.members.length, { number: groupNumber(state, g.id) })) : [];
    const shown = [...this.choices.querySelectorAll('button')].map((b) => b.textContent);
    if (labels.join('\n') === shown.join('\n')) return;
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.choose : undefined;
    this.choices.replaceChildren(...(choosing ? breakouts.groups : []).map((g, i) => make('button', {
      text: labels[i], className: 'compact', attrs: { type: 'button', 'data-choose': String(g.id) },
    })));
    if (focused) {
      const again = this.choices.querySelector(`[data-choose="${focused}"]`);
      if (again instanceof HTMLElement) again.focus();
    }
  }

  /** Once a second: the time left, from the server's clock. */
  tick() {
    const breakouts = this.room.state.breakouts;
    if (breakouts) setText(this.time, t('breakout.banner.left', { time: timeLeft(this.room.state, breakouts) }));
  }
}

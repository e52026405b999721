// The run of show in the room: the session clock, the current part of the
// agenda with its countdown (also at a glance in the room's top bar), the
// agenda itself, and time warnings (as toasts too, so they are seen with
// the dock closed), for everyone. The hosts' controls and the live editing of the agenda are the
// console's (`console/agenda-editor.js`), which this panel gives room to in
// each line of the agenda.
//
// The server owns the clock and sends absolute times with its own `now`; no
// ticks come. This panel counts down once a second from the server's
// deadlines, on the server's clock as the room model knows it, so a skewed
// clock here does not skew the countdown.

import { byId, make, setText, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t, tn } from '../shared/i18n.js';
import { clockTime, formatClock } from '../shared/time-text.js';
import { currentSegment, isHost, serverNow } from './selectors.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */
/** @typedef {import('./notice.js').Notice} Notice */
/** @typedef {import('./state.js').RoomState} RoomState */
/** @typedef {import('../shared/messages.js').Segment} Segment */
/** @typedef {NonNullable<RoomState['clock']['runOfShow']>} RunOfShow */
/**
 * The hosts' tools for the agenda's lines, while they edit it.
 * @typedef {object} AgendaTools
 * @property {(segment: Segment, index: number, count: number, isCurrent: boolean) => HTMLElement | null} itemTools
 * @property {() => void} focusAway where the focus goes when its line's button is gone
 */

/** A warning stays on screen this long: long enough to notice, then out of the way. */
const NOTICE_SHOWN_MS = 90_000;

export class AgendaPanel {
  /**
   * @param {RoomModel} room
   * @param {Notice} toasts
   */
  constructor(room, toasts) {
    this.room = room;
    this.toasts = toasts;
    /** Set by the console for hosts. @type {AgendaTools | null} */
    this.tools = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.noticeTimer = undefined;
    this.el = {
      segment: byId('agenda-segment', HTMLParagraphElement),
      objective: byId('agenda-objective', HTMLParagraphElement),
      countdown: byId('agenda-countdown', HTMLParagraphElement),
      session: byId('agenda-session', HTMLParagraphElement),
      paused: byId('agenda-paused', HTMLParagraphElement),
      notice: byId('agenda-notice', HTMLParagraphElement),
      live: byId('agenda-live', HTMLParagraphElement),
      list: byId('agenda-list', HTMLOListElement),
      empty: byId('agenda-empty', HTMLParagraphElement),
      chip: byId('room-clock', HTMLParagraphElement),
    };
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
    setInterval(() => this.tick(), 1000);
  }

  /** @param {Change} change */
  follow({ state, before, message }) {
    if (message.type === 'time_warning') this.warn(message);
    // Hosts only (the server sends it to no one else): a gentle reminder.
    if (message.type === 'break_nudge') this.notice(t('agenda.break_nudge', { minutes: message.minutes }));
    const after = state.clock.runOfShow;
    const was = before.clock.runOfShow;
    if (message.type === 'run_of_show' && after && was) this.announceChange(was, after);
    if (after !== was || state.clock.offset !== before.clock.offset || isHost(state) !== isHost(before)) this.draw();
  }

  /** @param {Extract<Change['message'], {type: 'time_warning'}>} warning */
  warn(warning) {
    if (warning.kind === 'session_ending' && warning.minutes !== undefined) {
      this.notice(tn('agenda.warning_session', warning.minutes));
    } else if (warning.kind === 'segment_over') {
      const title = this.room.state.clock.runOfShow?.segments.find((s) => s.id === warning.segment)?.title;
      this.notice(title ? t('agenda.warning_segment', { title }) : t('agenda.warning_segment_plain'));
    }
  }

  /**
   * Says what changed for everyone: the start, a new part, pause and resume.
   * @param {RunOfShow} before
   * @param {RunOfShow} after
   */
  announceChange(before, after) {
    const parts = [];
    if (before.clock.started_at === null && after.clock.started_at !== null) parts.push(t('agenda.announce_started'));
    if (before.clock.current_segment !== after.clock.current_segment) {
      const current = after.segments.find((s) => s.id === after.clock.current_segment);
      if (current) parts.push(t('agenda.announce_segment', { title: current.title }));
      else if (after.clock.started_at !== null && after.segments.length > 0) parts.push(t('agenda.announce_done'));
    }
    const wasPaused = before.clock.paused_at !== null;
    const isPaused = after.clock.paused_at !== null;
    if (!wasPaused && isPaused) parts.push(t('agenda.announce_paused'));
    if (wasPaused && !isPaused && before.clock.current_segment === after.clock.current_segment) parts.push(t('agenda.announce_resumed'));
    if (parts.length) this.el.live.textContent = parts.join(' ');
  }

  /** @param {string} text a warning, shown here and as a toast (which announces it) */
  notice(text) {
    this.el.notice.textContent = text;
    show(this.el.notice, true);
    this.toasts.toast({ key: 'time-warning', text, tone: 'warm' });
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => show(this.el.notice, false), NOTICE_SHOWN_MS);
  }

  draw() {
    const { el } = this;
    const state = this.room.state;
    const showing = state.clock.runOfShow;
    if (!showing) return;
    const { clock, segments } = showing;
    const started = clock.started_at !== null;
    const current = currentSegment(state);

    show(el.segment, started && segments.length > 0);
    setText(el.segment, current ? t('agenda.now', { title: current.title }) : t('agenda.done'));
    el.objective.textContent = current?.objective ?? '';
    show(el.objective, Boolean(current?.objective));
    show(el.countdown, Boolean(current && clock.segment_deadline !== null));
    show(el.paused, clock.paused_at !== null);
    setText(el.paused, t('agenda.paused_note'));
    show(el.empty, segments.length === 0);
    setText(el.empty, t('agenda.empty'));
    this.drawList();
    this.tick();
  }

  drawList() {
    const showing = this.room.state.clock.runOfShow;
    if (!showing) return;
    const { clock, segments } = showing;
    // The list is rebuilt: put the focus back on the same control afterwards.
    const focused = document.activeElement;
    const refocus = focused instanceof HTMLElement && this.el.list.contains(focused)
      ? { id: focused.getAttribute('data-segment'), action: focused.getAttribute('data-action') } : null;
    this.el.list.replaceChildren(...segments.map((segment, index) => {
      const isCurrent = segment.id === clock.current_segment;
      const item = make('li', { className: isCurrent ? 'agenda-item agenda-current' : 'agenda-item' }, [
        make('span', { text: segment.title, className: 'agenda-title' }),
        make('span', { text: tn('agenda.minutes', segment.minutes), className: 'agenda-minutes' }),
      ]);
      if (isCurrent) {
        item.setAttribute('aria-current', 'step');
        item.append(make('span', { text: t('agenda.current_badge'), className: 'badge' }));
      }
      const tools = this.tools?.itemTools(segment, index, segments.length, isCurrent);
      if (tools) item.append(tools);
      return item;
    }));
    if (refocus?.id && refocus.action) {
      const target = this.el.list.querySelector(`button[data-segment="${refocus.id}"][data-action="${refocus.action}"]`);
      if (target instanceof HTMLButtonElement && !target.disabled) target.focus();
      else this.tools?.focusAway();
    }
  }

  /** Once a second: the countdowns, from the server's times. */
  tick() {
    const state = this.room.state;
    const showing = state.clock.runOfShow;
    if (!showing) return;
    const { clock } = showing;
    const now = serverNow(state);
    let glance = '';
    if (clock.segment_deadline !== null) {
      const paused = clock.paused_at !== null;
      const left = clock.segment_deadline - (clock.paused_at ?? now);
      const time = formatClock(Math.abs(left), left >= 0 ? 'up' : 'down');
      const key = paused ? (left >= 0 ? 'agenda.paused_left' : 'agenda.paused_over') : (left >= 0 ? 'agenda.left' : 'agenda.over');
      setText(this.el.countdown, t(key, { time }));
      const title = currentSegment(state)?.title;
      if (title) glance = t('layout.clock.segment', { title, time: t(key, { time }) });
    }
    if (clock.started_at === null) {
      setText(this.el.session, t('agenda.not_started_end', { time: clockTime(clock.planned_end) }));
      this.glance('');
      return;
    }
    const elapsed = formatClock(now - clock.started_at, 'down');
    const left = clock.planned_end - now;
    setText(this.el.session, left >= 0
      ? t('agenda.session', { elapsed, left: formatClock(left, 'up') })
      : t('agenda.session_over', { elapsed, over: formatClock(-left, 'down') }));
    this.glance(glance || (left >= 0 ? t('layout.clock.session', { time: formatClock(left, 'up') })
      : t('layout.clock.session_over', { time: formatClock(-left, 'down') })));
  }

  /** @param {string} text the top bar's clock, empty before the start */
  glance(text) {
    setText(this.el.chip, text);
    show(this.el.chip, text !== '');
  }
}

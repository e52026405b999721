// The run of show in the room: the session clock, the current part of the
// agenda with its countdown, the agenda itself, time warnings, and for hosts
// the controls to run it (start, next, previous, pause, extend, show the
// ground rules) and to edit the agenda live.
//
// The server owns the clock and sends absolute times with its own `now`
// (`server_time`); no ticks come. This panel keeps the difference between the
// server's clock and this computer's, and counts down once a second from the
// server's deadlines, so a skewed clock here does not skew the countdown.

import { byId, clockTime, make, show } from './dom.js';
import { LANGUAGE_CHANGED, define, t, tn } from './i18n.js';
import strings from './strings-agenda.js';
import { requestFailureText } from './wording.js';

define(strings);

/** @typedef {import('./protocol.js').RoomConnection} RoomConnection */
/** @typedef {import('./room.js').RoomView} RoomView */
/** @typedef {import('./messages.js').RunOfShow} RunOfShow */
/** @typedef {import('./messages.js').Segment} Segment */
/** @typedef {import('./messages.js').SegmentKind} SegmentKind */

/** The segment kinds, in the order the form offers them, with their words. */
const KIND_KEYS = /** @type {const} */ ({
  check_in: 'agenda.kind.check_in',
  sharing: 'agenda.kind.sharing',
  discussion: 'agenda.kind.discussion',
  energizer: 'agenda.kind.energizer',
  wrap_up: 'agenda.kind.wrap_up',
  custom: 'agenda.kind.custom',
});
/** A warning stays on screen this long: long enough to notice, then out of the way. */
const NOTICE_SHOWN_MS = 90_000;

/** This computer's clock, corrected by the server's `server_time`. */
export class ServerClock {
  constructor() {
    this.offset = 0;
  }

  /** @param {number} serverTime the server's clock when it sent a message */
  sync(serverTime) {
    this.offset = serverTime - Date.now();
  }

  now() {
    return Date.now() + this.offset;
  }
}

/**
 * A duration as a clock: "4:05", or "1:02:09" past an hour. Countdowns round
 * up (0:00 only when the time is really up); elapsed times round down.
 * @param {number} ms
 * @param {'up' | 'down'} rounding
 */
export function formatClock(ms, rounding) {
  const seconds = Math.max(0, rounding === 'up' ? Math.ceil(ms / 1000) : Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * Sends a request; shows the server's refusal in plain words next to the
 * control, and clears it on success. The button waits for the answer, so a
 * double click does not skip two parts.
 * @param {Promise<unknown>} request
 * @param {HTMLElement} errorBox
 * @param {{button?: HTMLButtonElement, done?: () => void}} [options]
 */
export function runRequest(request, errorBox, { button, done } = {}) {
  show(errorBox, false);
  if (button) button.disabled = true;
  request.catch((error) => {
    errorBox.textContent = requestFailureText(error);
    show(errorBox, true);
  }).finally(() => {
    if (button) button.disabled = false;
    done?.();
  });
}

/**
 * Sets an element's text only when it changed, so a once-a-second tick does
 * not disturb assistive technology or layout for nothing.
 * @param {HTMLElement} element
 * @param {string} text
 */
function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

export class AgendaPanel {
  /**
   * @param {RoomConnection} connection
   * @param {RoomView} room
   */
  constructor(connection, room) {
    this.connection = connection;
    this.room = room;
    this.clock = new ServerClock();
    /** @type {RunOfShow | null} */
    this.show = null;
    this.editing = false;
    /** The segment the form is changing, or null when it adds one. @type {number | null} */
    this.editingId = null;
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
      host: byId('agenda-host', HTMLElement),
      start: byId('agenda-start', HTMLButtonElement),
      previous: byId('agenda-previous', HTMLButtonElement),
      next: byId('agenda-next', HTMLButtonElement),
      pause: byId('agenda-pause', HTMLButtonElement),
      extendRow: byId('agenda-extend', HTMLElement),
      extendMinutes: byId('agenda-extend-minutes', HTMLSelectElement),
      extendSegment: byId('agenda-extend-segment', HTMLButtonElement),
      extendSession: byId('agenda-extend-session', HTMLButtonElement),
      showRules: byId('agenda-show-rules', HTMLButtonElement),
      editToggle: byId('agenda-edit-toggle', HTMLButtonElement),
      error: byId('agenda-error', HTMLParagraphElement),
      form: byId('agenda-form', HTMLFormElement),
      formHeading: byId('agenda-form-heading', HTMLHeadingElement),
      title: byId('agenda-form-title', HTMLInputElement),
      minutes: byId('agenda-form-minutes', HTMLInputElement),
      kind: byId('agenda-form-kind', HTMLSelectElement),
      submit: byId('agenda-form-submit', HTMLButtonElement),
      cancel: byId('agenda-form-cancel', HTMLButtonElement),
      formError: byId('agenda-form-error', HTMLParagraphElement),
    };
    this.fillKinds();
    this.listen();
    this.wire();
    setInterval(() => this.tick(), 1000);
  }

  listen() {
    const c = this.connection;
    c.on('room_state', (state) => this.load(state.run_of_show, false));
    c.on('run_of_show', (message) => this.load(message, true));
    c.on('participant_updated', ({ participant }) => {
      if (participant.id === this.room.me) this.draw();
    });
    c.on('time_warning', (warning) => {
      if (warning.kind === 'session_ending' && warning.minutes !== undefined) {
        this.notice(tn('agenda.warning_session', warning.minutes));
      } else if (warning.kind === 'segment_over') {
        const title = this.show?.segments.find((s) => s.id === warning.segment)?.title;
        this.notice(title ? t('agenda.warning_segment', { title }) : t('agenda.warning_segment_plain'));
      }
    });
    // Hosts only (the server sends it to no one else): a gentle reminder.
    c.on('break_nudge', ({ minutes }) => this.notice(t('agenda.break_nudge', { minutes })));
    document.addEventListener(LANGUAGE_CHANGED, () => {
      this.fillKinds();
      this.draw();
    });
  }

  wire() {
    const { el } = this;
    const c = this.connection;
    const redraw = () => this.draw();
    el.start.addEventListener('click', () => runRequest(c.request({ type: 'start_session' }), el.error, { button: el.start, done: redraw }));
    el.previous.addEventListener('click', () => runRequest(c.request({ type: 'previous_segment' }), el.error, { button: el.previous, done: redraw }));
    el.next.addEventListener('click', () => runRequest(c.request({ type: 'next_segment' }), el.error, { button: el.next, done: redraw }));
    el.pause.addEventListener('click', () => {
      const paused = this.show?.clock.paused_at != null;
      runRequest(c.request({ type: paused ? 'resume_clock' : 'pause_clock' }), el.error, { button: el.pause, done: redraw });
    });
    /** @param {'segment' | 'session'} scope @param {HTMLButtonElement} button */
    const extend = (scope, button) => runRequest(
      c.request({ type: 'extend', minutes: Number(el.extendMinutes.value), scope }), el.error, { button, done: redraw });
    el.extendSegment.addEventListener('click', () => extend('segment', el.extendSegment));
    el.extendSession.addEventListener('click', () => extend('session', el.extendSession));
    el.showRules.addEventListener('click', () => runRequest(c.request({ type: 'show_rules' }), el.error, { button: el.showRules }));
    el.editToggle.addEventListener('click', () => {
      this.editing = !this.editing;
      this.resetForm();
      this.draw();
    });
    el.list.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('button') : null;
      const id = Number(button?.getAttribute('data-segment'));
      const action = button?.getAttribute('data-action');
      const segments = this.show?.segments ?? [];
      const at = segments.findIndex((s) => s.id === id);
      if (!button || at < 0) return;
      if (action === 'up' || action === 'down') {
        const position = action === 'up' ? at - 1 : at + 1;
        runRequest(c.request({ type: 'move_segment', segment_id: id, position }), el.error);
      } else if (action === 'remove') {
        runRequest(c.request({ type: 'remove_segment', segment_id: id }), el.error);
      } else if (action === 'edit') {
        this.startEditing(segments[at]);
      }
    });
    el.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submitForm();
    });
    el.cancel.addEventListener('click', () => {
      this.resetForm();
      el.title.focus();
    });
  }

  fillKinds() {
    const chosen = this.el.kind.value || 'custom';
    this.el.kind.replaceChildren(...Object.entries(KIND_KEYS).map(([kind, key]) =>
      make('option', { text: t(key), attrs: { value: kind } })));
    this.el.kind.value = chosen;
  }

  /** @param {Segment} segment */
  startEditing(segment) {
    const { el } = this;
    this.editingId = segment.id;
    el.title.value = segment.title;
    el.minutes.value = String(segment.minutes);
    el.kind.value = segment.kind;
    show(el.formError, false);
    this.drawForm();
    el.title.focus();
  }

  resetForm() {
    const { el } = this;
    this.editingId = null;
    el.title.value = '';
    el.minutes.value = '10';
    el.kind.value = 'custom';
    show(el.formError, false);
    this.drawForm();
  }

  submitForm() {
    const { el } = this;
    const title = el.title.value.trim();
    const minutes = Number(el.minutes.value);
    if (!title || !Number.isInteger(minutes) || minutes < 1 || minutes > 240) {
      el.formError.textContent = t('agenda.form_missing');
      show(el.formError, true);
      (title ? el.minutes : el.title).focus();
      return;
    }
    const kind = /** @type {SegmentKind} */ (el.kind.value);
    const editing = this.show?.segments.find((s) => s.id === this.editingId);
    /** @type {import('./messages.js').SegmentDraft} */
    const segment = { title, kind, minutes };
    // The form does not show objectives: keep the one the segment had.
    if (editing?.objective) segment.objective = editing.objective;
    const request = editing
      ? this.connection.request({ type: 'update_segment', segment_id: editing.id, segment })
      : this.connection.request({ type: 'add_segment', segment });
    // Cleared only once the server took it, so a refused entry is not lost.
    runRequest(request.then(() => {
      this.resetForm();
      el.title.focus();
    }), el.formError, { button: el.submit });
  }

  /**
   * @param {RunOfShow} next
   * @param {boolean} announce whether this is news to announce (not a first load)
   */
  load(next, announce) {
    const before = this.show;
    this.clock.sync(next.server_time);
    this.show = { segments: next.segments, clock: next.clock, server_time: next.server_time };
    if (announce && before) this.announceChange(before, this.show);
    this.draw();
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

  /** @param {string} text a warning, shown and announced politely */
  notice(text) {
    this.el.notice.textContent = text;
    show(this.el.notice, true);
    this.el.live.textContent = text;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => show(this.el.notice, false), NOTICE_SHOWN_MS);
  }

  current() {
    return this.show?.segments.find((s) => s.id === this.show?.clock.current_segment) ?? null;
  }

  draw() {
    const { el } = this;
    const showing = this.show;
    if (!showing) return;
    const { clock, segments } = showing;
    const started = clock.started_at !== null;
    const current = this.current();

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
    this.drawHost();
    this.tick();
  }

  drawList() {
    const { clock, segments } = /** @type {RunOfShow} */ (this.show);
    const editing = this.editing && this.room.isHost;
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
      if (editing) item.append(this.itemTools(segment, index, segments.length, isCurrent));
      return item;
    }));
    if (refocus?.id && refocus.action) {
      const target = this.el.list.querySelector(`button[data-segment="${refocus.id}"][data-action="${refocus.action}"]`);
      if (target instanceof HTMLButtonElement && !target.disabled) target.focus();
      else this.el.editToggle.focus();
    }
  }

  /**
   * Move up, move down, change and remove, named with the segment's title.
   * @param {Segment} segment
   * @param {number} index
   * @param {number} count
   * @param {boolean} isCurrent
   */
  itemTools(segment, index, count, isCurrent) {
    const title = segment.title;
    /** @type {[string, string, string, boolean][]} */
    const tools = [
      ['up', t('agenda.move_up'), t('agenda.move_up_label', { title }), index === 0],
      ['down', t('agenda.move_down'), t('agenda.move_down_label', { title }), index === count - 1],
      ['edit', t('agenda.edit'), t('agenda.edit_label', { title }), false],
      // The server refuses to remove the running part: say so by disabling it.
      ['remove', t('agenda.remove'), t('agenda.remove_label', { title }), isCurrent],
    ];
    return make('span', { className: 'agenda-tools' }, tools.map(([action, text, label, disabled]) => {
      const button = make('button', { text, className: 'quiet', attrs: {
        type: 'button', 'data-segment': String(segment.id), 'data-action': action, 'aria-label': label } });
      button.disabled = disabled;
      return button;
    }));
  }

  drawHost() {
    const { el } = this;
    const host = this.room.isHost;
    show(el.host, host);
    if (!host) return;
    const { clock, segments } = /** @type {RunOfShow} */ (this.show);
    const started = clock.started_at !== null;
    const at = segments.findIndex((s) => s.id === clock.current_segment);
    const agendaDone = started && at < 0 && clock.segment_started_at !== null;
    show(el.start, !started);
    for (const button of [el.previous, el.next, el.pause]) show(button, started);
    show(el.extendRow, started);
    show(el.previous, started && segments.length > 0);
    show(el.next, started && segments.length > 0);
    el.previous.disabled = at === 0 || segments.length === 0;
    el.next.disabled = agendaDone || segments.length === 0;
    setText(el.pause, t(clock.paused_at !== null ? 'agenda.resume' : 'agenda.pause'));
    el.extendSegment.disabled = clock.segment_deadline === null;
    setText(el.editToggle, t(this.editing ? 'agenda.edit_done' : 'agenda.edit_toggle'));
    el.editToggle.setAttribute('aria-expanded', String(this.editing));
    show(el.form, this.editing);
    this.drawForm();
  }

  drawForm() {
    const { el } = this;
    const editing = this.editingId !== null;
    setText(el.formHeading, t(editing ? 'agenda.form_edit' : 'agenda.form_add'));
    setText(el.submit, t(editing ? 'agenda.form_submit_edit' : 'agenda.form_submit_add'));
    show(el.cancel, editing);
  }

  /** Once a second: the countdowns, from the server's times. */
  tick() {
    const showing = this.show;
    if (!showing) return;
    const { clock } = showing;
    const now = this.clock.now();
    if (clock.segment_deadline !== null) {
      const paused = clock.paused_at !== null;
      const left = clock.segment_deadline - (clock.paused_at ?? now);
      const time = formatClock(Math.abs(left), left >= 0 ? 'up' : 'down');
      const key = paused ? (left >= 0 ? 'agenda.paused_left' : 'agenda.paused_over') : (left >= 0 ? 'agenda.left' : 'agenda.over');
      setText(this.el.countdown, t(key, { time }));
    }
    if (clock.started_at === null) {
      setText(this.el.session, t('agenda.not_started_end', { time: clockTime(clock.planned_end) }));
      return;
    }
    const elapsed = formatClock(now - clock.started_at, 'down');
    const left = clock.planned_end - now;
    setText(this.el.session, left >= 0
      ? t('agenda.session', { elapsed, left: formatClock(left, 'up') })
      : t('agenda.session_over', { elapsed, over: formatClock(-left, 'down') }));
  }
}

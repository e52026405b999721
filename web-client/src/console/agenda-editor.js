// The hosts' side of the run of show: start the session, move to the next
// or previous part, pause, extend, show the ground rules to everyone, and
// edit the agenda live (add, change, move, remove a part, with its
// objective). It draws the
// hosts' controls under the agenda and the tools in each of its lines (the
// agenda itself is `room/agenda.js`'s); what changed shows when the
// server's `run_of_show` comes back.

import { byId, make, setText, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { isHost } from '../room/selectors.js';
import { runRequest } from '../room/run-request.js';
import './words.js';

/** @typedef {import('../room/model.js').RoomModel} RoomModel */
/** @typedef {import('../room/model.js').Change} Change */
/** @typedef {import('../room/agenda.js').AgendaPanel} AgendaPanel */
/** @typedef {import('../shared/messages.js').Segment} Segment */
/** @typedef {import('../shared/messages.js').SegmentKind} SegmentKind */
/** @typedef {import('../shared/messages.js').SegmentDraft} SegmentDraft */

/** The segment kinds, in the order the form offers them, with their words. */
const KIND_KEYS = /** @type {const} */ ({
  check_in: 'agenda.kind.check_in',
  sharing: 'agenda.kind.sharing',
  discussion: 'agenda.kind.discussion',
  energizer: 'agenda.kind.energizer',
  breakouts: 'agenda.kind.breakouts',
  wrap_up: 'agenda.kind.wrap_up',
  custom: 'agenda.kind.custom',
});

export class AgendaEditor {
  /**
   * @param {RoomModel} room
   * @param {AgendaPanel} agenda whose lines get the editing tools
   */
  constructor(room, agenda) {
    this.room = room;
    this.agenda = agenda;
    this.editing = false;
    /** The segment the form is changing, or null when it adds one. @type {number | null} */
    this.editingId = null;
    this.el = {
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
      list: byId('agenda-list', HTMLOListElement),
      form: byId('agenda-form', HTMLFormElement),
      formHeading: byId('agenda-form-heading', HTMLHeadingElement),
      title: byId('agenda-form-title', HTMLInputElement),
      minutes: byId('agenda-form-minutes', HTMLInputElement),
      kind: byId('agenda-form-kind', HTMLSelectElement),
      objective: byId('agenda-form-objective', HTMLTextAreaElement),
      submit: byId('agenda-form-submit', HTMLButtonElement),
      cancel: byId('agenda-form-cancel', HTMLButtonElement),
      formError: byId('agenda-form-error', HTMLParagraphElement),
    };
    agenda.tools = {
      itemTools: (segment, index, count, isCurrent) => this.itemTools(segment, index, count, isCurrent),
      focusAway: () => this.el.editToggle.focus(),
    };
    this.fillKinds();
    this.wire();
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => {
      this.fillKinds();
      this.draw();
    });
  }

  /** @param {Change} change */
  follow({ state, before }) {
    // The agenda redraws its own lines (with these tools) on the same changes.
    if (state.clock.runOfShow !== before.clock.runOfShow || isHost(state) !== isHost(before)) this.drawHost();
  }

  wire() {
    const { el } = this;
    const c = this.room.connection;
    const redraw = () => this.draw();
    el.start.addEventListener('click', () => runRequest(c.request({ type: 'start_session' }), el.error, { button: el.start, done: redraw }));
    el.previous.addEventListener('click', () => runRequest(c.request({ type: 'previous_segment' }), el.error, { button: el.previous, done: redraw }));
    el.next.addEventListener('click', () => runRequest(c.request({ type: 'next_segment' }), el.error, { button: el.next, done: redraw }));
    el.pause.addEventListener('click', () => {
      const paused = this.room.state.clock.runOfShow?.clock.paused_at != null;
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
      const segments = this.room.state.clock.runOfShow?.segments ?? [];
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
    el.objective.value = segment.objective ?? '';
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
    el.objective.value = '';
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
    const editing = this.room.state.clock.runOfShow?.segments.find((s) => s.id === this.editingId);
    /** @type {SegmentDraft} */
    const segment = { title, kind, minutes };
    const objective = el.objective.value.trim();
    if (objective) segment.objective = objective;
    const c = this.room.connection;
    const request = editing
      ? c.request({ type: 'update_segment', segment_id: editing.id, segment })
      : c.request({ type: 'add_segment', segment });
    // Cleared only once the server took it, so a refused entry is not lost.
    runRequest(request.then(() => {
      this.resetForm();
      el.title.focus();
    }), el.formError, { button: el.submit });
  }

  /**
   * Move up, move down, change and remove, named with the segment's title;
   * only while a host edits the agenda.
   * @param {Segment} segment
   * @param {number} index
   * @param {number} count
   * @param {boolean} isCurrent
   * @returns {HTMLElement | null}
   */
  itemTools(segment, index, count, isCurrent) {
    if (!this.editing || !isHost(this.room.state)) return null;
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

  /** The hosts' controls, and the agenda's lines with or without their tools. */
  draw() {
    this.drawHost();
    this.agenda.drawList();
  }

  drawHost() {
    const { el } = this;
    const state = this.room.state;
    const host = isHost(state);
    const showing = state.clock.runOfShow;
    if (!showing) return;
    show(el.host, host);
    if (!host) return;
    const { clock, segments } = showing;
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
}

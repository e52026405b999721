// Energizers: the hosts' picker (the server's library, a seated variant,
// launch for everyone) and the overlay everyone sees while one runs: its
// steps, a countdown to the server's `ends_at`, "I'm back", and for hosts how
// many are back and a button to end it.
//
// The overlay is a non-modal dialog: focus moves into it when it opens and
// back where it was when it closes, Escape tucks it into a small strip at the
// bottom of the screen, and the rest of the room (the header's Help button
// above all) stays reachable. It closes for everyone when a host ends it; the
// server does not end it on its own when the countdown runs out.

import { ServerClock, formatClock, runRequest } from './agenda.js';
import { byId, make, show } from './dom.js';
import { LANGUAGE_CHANGED, t } from './i18n.js';

/** @typedef {import('./protocol.js').RoomConnection} RoomConnection */
/** @typedef {import('./room.js').RoomView} RoomView */
/** @typedef {import('./messages.js').Energizer} Energizer */
/** @typedef {import('./messages.js').ActiveEnergizer} ActiveEnergizer */

export class EnergizerOverlay {
  /**
   * @param {RoomConnection} connection
   * @param {RoomView} room
   */
  constructor(connection, room) {
    this.connection = connection;
    this.room = room;
    this.clock = new ServerClock();
    /** The library, once a host asked for it. @type {Energizer[] | null} */
    this.library = null;
    this.loading = false;
    /** @type {ActiveEnergizer | null} */
    this.active = null;
    this.backSent = false;
    /** Hosts only: how many are back, once the server said. @type {{back: number, total: number} | null} */
    this.progress = null;
    /** Tucked away with Escape or "Hide". */
    this.minimized = false;
    /** Where the focus was before the overlay took it. @type {HTMLElement | null} */
    this.returnFocus = null;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.timer = undefined;
    this.el = {
      picker: byId('energizer-picker', HTMLElement),
      choice: byId('energizer-choice', HTMLSelectElement),
      preview: byId('energizer-preview', HTMLOListElement),
      seated: byId('energizer-seated', HTMLInputElement),
      launch: byId('energizer-launch', HTMLButtonElement),
      pickerError: byId('energizer-picker-error', HTMLParagraphElement),
      dialog: byId('energizer-dialog', HTMLElement),
      title: byId('energizer-title', HTMLHeadingElement),
      variant: byId('energizer-variant', HTMLParagraphElement),
      steps: byId('energizer-steps', HTMLOListElement),
      countdown: byId('energizer-countdown', HTMLParagraphElement),
      progress: byId('energizer-progress', HTMLParagraphElement),
      thanks: byId('energizer-thanks', HTMLParagraphElement),
      back: byId('energizer-back', HTMLButtonElement),
      end: byId('energizer-end', HTMLButtonElement),
      hide: byId('energizer-hide', HTMLButtonElement),
      error: byId('energizer-error', HTMLParagraphElement),
      strip: byId('energizer-strip', HTMLElement),
      stripText: byId('energizer-strip-text', HTMLSpanElement),
      stripTime: byId('energizer-strip-time', HTMLSpanElement),
      reopen: byId('energizer-show', HTMLButtonElement),
      live: byId('energizer-live', HTMLParagraphElement),
    };
    this.listen();
    this.wire();
  }

  listen() {
    const c = this.connection;
    c.on('room_state', (state) => {
      this.drawPicker();
      if (state.energizer) {
        this.open(state.energizer);
        // Hosts: the count of who is back comes with the room after a reload.
        if (state.energizer_progress) {
          this.progress = state.energizer_progress;
          this.drawOverlay();
        }
      } else if (this.active) this.close();
    });
    c.on('participant_updated', ({ participant }) => {
      if (participant.id !== this.room.me) return;
      this.drawPicker();
      this.drawOverlay();
    });
    c.on('energizers', ({ energizers }) => {
      this.library = energizers;
      this.drawPicker();
    });
    c.on('energizer_started', (message) => this.open(message));
    c.on('energizer_progress', ({ back, total }) => {
      this.progress = { back, total };
      this.drawOverlay();
    });
    c.on('energizer_ended', () => this.close());
    document.addEventListener(LANGUAGE_CHANGED, () => {
      this.drawPicker();
      this.drawOverlay();
    });
  }

  wire() {
    const { el } = this;
    const c = this.connection;
    el.choice.addEventListener('change', () => this.drawPreview());
    el.seated.addEventListener('change', () => this.drawPreview());
    el.launch.addEventListener('click', () => {
      if (!el.choice.value) return;
      runRequest(c.request({ type: 'launch_energizer', energizer: el.choice.value, seated: el.seated.checked }),
        el.pickerError, { button: el.launch });
    });
    el.back.addEventListener('click', () => {
      runRequest(c.request({ type: 'im_back' }).then(() => {
        this.backSent = true;
        this.drawOverlay();
        // The button is gone: keep the focus in the dialog, on the thanks.
        el.thanks.focus();
      }), el.error, { button: el.back });
    });
    el.end.addEventListener('click', () => runRequest(c.request({ type: 'end_energizer' }), el.error, { button: el.end }));
    el.hide.addEventListener('click', () => this.minimize());
    el.dialog.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      this.minimize();
    });
    el.reopen.addEventListener('click', () => {
      this.minimized = false;
      this.drawOverlay();
      el.title.focus();
    });
  }

  /** Hosts get the picker; the library is asked for once. */
  drawPicker() {
    const { el } = this;
    const host = this.room.isHost;
    show(el.picker, host);
    if (!host) return;
    if (!this.library) {
      if (!this.loading) {
        this.loading = true;
        runRequest(this.connection.request({ type: 'list_energizers' }).finally(() => { this.loading = false; }), el.pickerError);
      }
      el.choice.replaceChildren(make('option', { text: t('energizer.loading'), attrs: { value: '' } }));
      el.launch.disabled = true;
      return;
    }
    const chosen = el.choice.value;
    el.choice.replaceChildren(...this.library.map((energizer) => make('option', {
      text: t('energizer.option', { title: energizer.title, time: formatClock(energizer.seconds * 1000, 'up') }),
      attrs: { value: energizer.id },
    })));
    if (chosen && this.library.some((e) => e.id === chosen)) el.choice.value = chosen;
    el.launch.disabled = this.library.length === 0;
    this.drawPreview();
  }

  /** The chosen energizer's steps, so a host knows what everyone will see. */
  drawPreview() {
    const energizer = this.library?.find((e) => e.id === this.el.choice.value);
    const steps = energizer ? (this.el.seated.checked ? energizer.seated : energizer.steps) : [];
    this.el.preview.replaceChildren(...steps.map((step) => make('li', { text: step })));
  }

  /** @param {ActiveEnergizer} active */
  open(active) {
    this.clock.sync(active.server_time);
    const same = this.active && this.active.energizer.id === active.energizer.id && this.active.ends_at === active.ends_at;
    this.active = active;
    if (same) {
      // A fresh room_state after a reconnect: the same energizer goes on.
      this.drawOverlay();
      return;
    }
    this.backSent = false;
    this.progress = null;
    this.minimized = false;
    const focused = document.activeElement;
    if (focused instanceof HTMLElement && !this.contains(focused)) this.returnFocus = focused;
    clearInterval(this.timer);
    this.timer = setInterval(() => this.tick(), 1000);
    this.drawOverlay();
    this.el.title.focus();
  }

  close() {
    if (!this.active) return;
    const hadFocus = this.contains(document.activeElement);
    this.active = null;
    clearInterval(this.timer);
    this.drawOverlay();
    this.el.live.textContent = t('energizer.announce_ended');
    // Give the focus back only if the overlay had it: never pull it from elsewhere.
    if (hadFocus) this.restoreFocus();
  }

  minimize() {
    const hadFocus = this.contains(document.activeElement);
    this.minimized = true;
    this.drawOverlay();
    if (hadFocus) this.restoreFocus(this.el.reopen);
  }

  /** @param {HTMLElement} [fallback] */
  restoreFocus(fallback) {
    const target = this.returnFocus;
    if (target && target.isConnected && target.offsetParent !== null && !(target instanceof HTMLButtonElement && target.disabled)) {
      target.focus();
    } else if (fallback) {
      fallback.focus();
    } else {
      byId('main', HTMLElement).focus();
    }
  }

  /** @param {Element | null} element */
  contains(element) {
    return Boolean(element && (this.el.dialog.contains(element) || this.el.strip.contains(element)));
  }

  drawOverlay() {
    const { el, active } = this;
    show(el.dialog, Boolean(active) && !this.minimized);
    show(el.strip, Boolean(active) && this.minimized);
    if (!active) return;
    const host = this.room.isHost;
    const { energizer, seated } = active;
    el.title.textContent = energizer.title;
    el.stripText.textContent = t('energizer.strip', { title: energizer.title });
    show(el.variant, seated);
    el.variant.textContent = t('energizer.seated_note');
    el.steps.replaceChildren(...(seated ? energizer.seated : energizer.steps).map((step) => make('li', { text: step })));
    show(el.back, !host && !this.backSent);
    show(el.thanks, !host && this.backSent);
    el.thanks.textContent = t('energizer.thanks');
    show(el.end, host);
    show(el.progress, host && this.progress !== null);
    el.progress.textContent = this.progress ? t('energizer.back_count', { back: this.progress.back, total: this.progress.total }) : '';
    this.tick();
  }

  tick() {
    const { active } = this;
    if (!active) return;
    const left = active.ends_at - this.clock.now();
    const text = left > 0 ? t('energizer.left', { time: formatClock(left, 'up') })
      : t(this.room.isHost ? 'energizer.time_up_host' : 'energizer.time_up');
    for (const element of [this.el.countdown, this.el.stripTime]) {
      if (element.textContent !== text) element.textContent = text;
    }
  }
}

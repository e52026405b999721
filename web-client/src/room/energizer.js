// The energizer everyone sees while one runs: its steps, a countdown to the
// server's `ends_at`, "I'm back", and for hosts how many are back and a
// button to end it. The hosts' picker is the console's
// (`console/energizer-picker.js`). What runs, and who said they are back,
// come from the room model.
//
// The overlay is a non-modal dialog: focus moves into it when it opens and
// back where it was when it closes, Escape tucks it into a small strip at the
// bottom of the screen, and the rest of the room (the header's Help button
// above all) stays reachable. It closes for everyone when a host ends it; the
// server does not end it on its own when the countdown runs out.

import { byId, make, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { formatClock } from '../shared/time-text.js';
import { energizerWords } from './defaults.js';
import { runRequest } from './run-request.js';
import { isHost, sameEnergizer, serverNow } from './selectors.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */

export class EnergizerOverlay {
  /** @param {RoomModel} room */
  constructor(room) {
    this.room = room;
    /** Tucked away with Escape or "Hide". */
    this.minimized = false;
    /** Where the focus was before the overlay took it. @type {HTMLElement | null} */
    this.returnFocus = null;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.timer = undefined;
    this.el = {
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
    this.wire();
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
  }

  /** @param {Change} change */
  follow({ state, before }) {
    const after = state.activities.energizer;
    const was = before.activities.energizer;
    if (after.active && !sameEnergizer(was.active, after.active)) this.open();
    else if (!after.active && was.active) this.close();
    else if (after !== was || isHost(state) !== isHost(before)) this.draw();
  }

  wire() {
    const { el } = this;
    const c = this.room.connection;
    el.back.addEventListener('click', () => {
      runRequest(c.request({ type: 'im_back' }).then(() => {
        this.room.note({ type: 'energizer_back' });
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
      this.draw();
      el.title.focus();
    });
  }

  /** A new energizer: shown in full, with the focus in it. */
  open() {
    this.minimized = false;
    const focused = document.activeElement;
    if (focused instanceof HTMLElement && !this.contains(focused)) this.returnFocus = focused;
    clearInterval(this.timer);
    this.timer = setInterval(() => this.tick(), 1000);
    this.draw();
    this.el.title.focus();
  }

  close() {
    const hadFocus = this.contains(document.activeElement);
    clearInterval(this.timer);
    this.draw();
    this.el.live.textContent = t('energizer.announce_ended');
    // Give the focus back only if the overlay had it: never pull it from elsewhere.
    if (hadFocus) this.restoreFocus();
  }

  minimize() {
    const hadFocus = this.contains(document.activeElement);
    this.minimized = true;
    this.draw();
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

  draw() {
    const { el } = this;
    const state = this.room.state;
    const { active, back, progress } = state.activities.energizer;
    show(el.dialog, Boolean(active) && !this.minimized);
    show(el.strip, Boolean(active) && this.minimized);
    if (!active) return;
    const host = isHost(state);
    // The server's built-in energizers are shown in the page's language.
    const { seated } = active;
    const energizer = energizerWords(active.energizer);
    el.title.textContent = energizer.title;
    el.stripText.textContent = t('energizer.strip', { title: energizer.title });
    show(el.variant, seated);
    el.variant.textContent = t('energizer.seated_note');
    el.steps.replaceChildren(...(seated ? energizer.seated : energizer.steps).map((step) => make('li', { text: step })));
    show(el.back, !host && !back);
    show(el.thanks, !host && back);
    el.thanks.textContent = t('energizer.thanks');
    show(el.end, host);
    show(el.progress, host && progress !== null);
    el.progress.textContent = progress ? t('energizer.back_count', { back: progress.back, total: progress.total }) : '';
    this.tick();
  }

  tick() {
    const state = this.room.state;
    const { active } = state.activities.energizer;
    if (!active) return;
    const left = active.ends_at - serverNow(state);
    const text = left > 0 ? t('energizer.left', { time: formatClock(left, 'up') })
      : t(isHost(state) ? 'energizer.time_up_host' : 'energizer.time_up');
    for (const element of [this.el.countdown, this.el.stripTime]) {
      if (element.textContent !== text) element.textContent = text;
    }
  }
}

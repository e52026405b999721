// The room's toasts: news for this person that must be seen wherever they
// are looking (the floor given to someone, a host asking to mute, the ground
// rules shown, a change of role, a chat line or a hand for someone who has
// the chat or the console closed, an arrival with its Admit inside) and what
// went wrong with a request. They appear above the control bar, never take
// the focus, and are said through a live region; a toast with an action
// stays until it is acted on or put away, the others fade after a while
// (not while the pointer or the focus is on them). Other views say things
// through `say` or `toast` and send requests through `run`; it keeps nothing
// of the room.

import { announce, byId, make } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { requestFailureText } from '../shared/wording.js';
import { nameOf } from './selectors.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */
/** @typedef {import('./sound.js').Chime} Chime */
/** @typedef {string | (() => string)} Words */

/**
 * @typedef {object} ToastOptions
 * @property {Words} text
 * @property {string} [key] a toast with the same key replaces it; `dismiss(key)` takes it away
 * @property {'info' | 'ok' | 'warm' | 'error'} [tone]
 * @property {{label: Words, run: () => void, primary?: boolean}[]} [actions] buttons inside; a toast with actions stays, unless `sticky` is false
 * @property {boolean} [sticky] stays until put away (true), or fades even with actions (false)
 * @property {boolean} [chime] plays the sound, if this person turned it on
 * @property {boolean} [urgent] said assertively
 */

/** Long enough to read a sentence, then out of the way. */
const SHOWN_MS = 8_000;
const ERROR_SHOWN_MS = 12_000;
/** More than this and the oldest fading ones go first. */
const MOST = 4;

/** @param {Words} words */
const say = (words) => (typeof words === 'function' ? words() : words);

/** @param {ToastOptions} options */
const stays = (options) => options.sticky ?? Boolean(options.actions?.length);

export class Notice {
  /**
   * @param {RoomModel} room
   * @param {Chime} chime
   */
  constructor(room, chime) {
    this.chime = chime;
    this.layer = byId('toasts', HTMLDivElement);
    this.live = byId('toast-live', HTMLParagraphElement);
    this.urgent = byId('toast-urgent', HTMLParagraphElement);
    /** @type {Map<string, {element: HTMLElement, options: ToastOptions, timer?: ReturnType<typeof setTimeout>}>} */
    this.shown = new Map();
    this.counter = 0;
    this.paused = false;
    // Reading or reaching for a toast holds every toast where it is.
    const hold = (/** @type {boolean} */ paused) => {
      this.paused = paused;
      for (const [key, entry] of this.shown) this.time(key, entry);
    };
    this.layer.addEventListener('pointerenter', () => hold(true));
    this.layer.addEventListener('pointerleave', () => hold(this.layer.contains(document.activeElement)));
    this.layer.addEventListener('focusin', () => hold(true));
    this.layer.addEventListener('focusout', (event) => {
      if (!(event.relatedTarget instanceof Node && this.layer.contains(event.relatedTarget))) hold(false);
    });
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => {
      for (const entry of this.shown.values()) this.fill(entry.element, entry.options);
    });
  }

  /** @param {Change} change */
  follow({ state, before, message }) {
    switch (message.type) {
      case 'hand_called': {
        const { participant } = message;
        if (participant === state.me.id) this.toast({ text: () => t('room.notice.floor_mine'), tone: 'warm', chime: true });
        else this.say(t('room.notice.floor_other', { name: nameOf(state, participant) ?? t('room.someone') }));
        break;
      }
      case 'mute_requested': this.toast({ text: () => t('room.notice.mute_requested'), tone: 'warm', chime: true }); break;
      // A host turned end-to-end encryption on or off, or the organizer changed it.
      case 'e2ee_changed':
        if (state.e2ee.on !== before.e2ee.on) this.say(() => t(state.e2ee.on ? 'e2ee.now_on' : 'e2ee.now_off'));
        break;
      case 'participant_updated':
        // A facilitator changed this person's role during the session.
        if (state.me.role !== before.me.role) {
          this.say(t(state.me.role === 'co_facilitator' ? 'room.notice.now_co' : 'room.notice.now_participant'));
        }
        break;
      default: break;
    }
  }

  /**
   * A toast that fades.
   * @param {Words} text
   * @param {ToastOptions['tone']} [tone]
   */
  say(text, tone = 'info') {
    this.toast({ text, tone });
  }

  /** @param {ToastOptions} options */
  toast(options) {
    const key = options.key ?? `toast-${(this.counter += 1)}`;
    const existing = this.shown.get(key);
    const element = existing?.element ?? make('div', { className: 'toast', attrs: { 'data-toast': key } });
    clearTimeout(existing?.timer);
    element.className = `toast toast-${options.tone ?? 'info'}`;
    const entry = { element, options };
    this.shown.set(key, entry);
    this.fill(element, options, key);
    if (!existing) this.layer.prepend(element);
    this.trim();
    this.time(key, entry);
    announce(options.urgent || options.tone === 'error' ? this.urgent : this.live, say(options.text));
    if (options.chime) this.chime.play();
  }

  /**
   * @param {HTMLElement} element
   * @param {ToastOptions} options
   * @param {string} [key]
   */
  fill(element, options, key = element.getAttribute('data-toast') ?? '') {
    const buttons = (options.actions ?? []).map((action) => {
      const button = make('button', { text: say(action.label), className: action.primary ? 'primary' : '', attrs: { type: 'button' } });
      button.addEventListener('click', () => {
        this.dismiss(key);
        action.run();
      });
      return button;
    });
    const close = make('button', {
      text: '×', className: 'quiet toast-close', attrs: { type: 'button', 'aria-label': t('layout.toast.close') },
    });
    close.addEventListener('click', () => this.dismiss(key));
    element.replaceChildren(make('p', { text: say(options.text) }), make('span', { className: 'toast-actions' }, buttons), close);
  }

  /**
   * Starts or stops a toast's countdown.
   * @param {string} key
   * @param {{element: HTMLElement, options: ToastOptions, timer?: ReturnType<typeof setTimeout>}} entry
   */
  time(key, entry) {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    const { options } = entry;
    if (this.paused || stays(options)) return;
    entry.timer = setTimeout(() => this.dismiss(key), options.tone === 'error' ? ERROR_SHOWN_MS : SHOWN_MS);
  }

  /** Too many at once: the oldest that would fade anyway go first. */
  trim() {
    const fading = [...this.shown].filter(([, entry]) => !stays(entry.options));
    while (this.shown.size > MOST && fading.length) {
      const [key] = /** @type {[string, unknown]} */ (fading.shift());
      this.dismiss(key);
    }
  }

  /** @param {string} key */
  dismiss(key) {
    const entry = this.shown.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.shown.delete(key);
    // The focus was on it (its button): it goes to the control bar, not to nowhere.
    const hadFocus = entry.element.contains(document.activeElement);
    entry.element.remove();
    if (hadFocus) document.getElementById('leave-button')?.closest('nav')?.querySelector('button')?.focus();
    if (this.shown.size === 0) this.paused = false;
  }

  /** @param {string} key */
  has(key) {
    return this.shown.has(key);
  }

  /**
   * Carries out a request; says what went wrong if the server refused. The
   * screen changes when the event comes back, not here.
   * @param {Promise<unknown>} request
   * @param {() => void} [then]
   * @param {() => void} [onError]
   */
  run(request, then, onError) {
    request.then(then, (error) => {
      onError?.();
      this.say(requestFailureText(error), 'error');
    });
  }
}

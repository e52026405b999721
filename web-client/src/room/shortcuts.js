// Keyboard shortcuts in the room: M for the microphone, V for the camera,
// H to raise or lower the hand. Never while typing (an input, a text area, a
// list, anything editable) and never with Ctrl, Alt or Meta, so the browser's
// and the screen reader's own keys keep working. Each press is announced.
// Whether the hand is up comes from the room model; the switches are
// `media-controls.js`'s.

import { byId } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { requestFailureText } from '../shared/wording.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./media-controls.js').MediaControls} MediaControls */

/** The buttons each key stands for, so they can say so (aria-keyshortcuts). */
const KEYS = { m: 'mic-button', v: 'camera-button', h: 'hand-button' };

/**
 * Whether a key press belongs to something being typed into.
 * @param {EventTarget | null} target
 */
function typing(target) {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement
    || target instanceof HTMLSelectElement;
}

export class Shortcuts {
  /**
   * @param {RoomModel} room
   * @param {MediaControls} switches
   * @param {() => boolean} inRoom whether the room is the step on screen
   */
  constructor(room, switches, inRoom) {
    this.room = room;
    this.switches = switches;
    this.inRoom = inRoom;
    this.live = byId('shortcut-live', HTMLParagraphElement);
    for (const [key, id] of Object.entries(KEYS)) document.getElementById(id)?.setAttribute('aria-keyshortcuts', key.toUpperCase());
    document.addEventListener('keydown', (event) => this.onKey(event));
  }

  /** @param {KeyboardEvent} event */
  onKey(event) {
    if (event.ctrlKey || event.altKey || event.metaKey || event.repeat || event.isComposing) return;
    if (!this.inRoom() || typing(event.target)) return;
    // An open dialog (a confirmation, say) has the keyboard to itself.
    if (document.querySelector('dialog[open]')) return;
    const key = event.key.toLowerCase();
    if (key === 'm') this.toggle('audio');
    else if (key === 'v') this.toggle('video');
    else if (key === 'h') this.hand();
    else return;
    event.preventDefault();
  }

  /** @param {'audio' | 'video'} kind */
  toggle(kind) {
    const on = this.switches.toggle(kind);
    if (kind === 'audio') this.say(on === null ? t('media.key.no_mic') : on ? t('media.key.mic_on') : t('media.key.mic_off'));
    else this.say(on === null ? t('media.key.no_camera') : on ? t('media.key.camera_on') : t('media.key.camera_off'));
  }

  hand() {
    const { floor, me } = this.room.state;
    const raised = me.id !== null && floor.hands.includes(me.id);
    const c = this.room.connection;
    c.request({ type: raised ? 'lower_hand' : 'raise_hand' })
      .then(() => this.say(raised ? t('media.key.hand_lowered') : t('media.key.hand_raised')))
      .catch((error) => {
        this.say(requestFailureText(error));
      });
  }

  /**
   * Says it through the live region; cleared first, so pressing the same
   * key twice is announced twice.
   * @param {string} text
   */
  say(text) {
    this.live.textContent = '';
    setTimeout(() => { this.live.textContent = text; }, 50);
  }
}

// The microphone and camera switches in the control bar, and what they say:
// how the media connection stands, a device that is refused or missing, a
// host's mute (a banner over the stage that stays until the switch is turned
// back on). A switch that is off is red with a crossed-out icon, and says so
// in words to screen readers. It drives the media session (`media.js`) and
// listens to it; it keeps nothing of the room, and draws no tiles
// (`stage.js` does).

import { byId, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { requestFailureText } from '../shared/wording.js';
import { setIcon } from './icons.js';
import { RELAY_FROM_ATTEMPT } from './setup-watch.js';
import { deviceProblemText } from './words.js';

/** @typedef {import('./media.js').MediaSession} MediaSession */
/** @typedef {import('./devices.js').Kind} Kind */
/** @typedef {import('./devices.js').DeviceProblems} DeviceProblems */

/** @typedef {import('./media.js').MediaStatus} MediaStatus */

/** @type {Record<MediaStatus, (attempt: number) => string>} */
const STATUS = {
  connecting: () => t('media.stage.connecting'),
  // After the relay attempt too (setup-watch.js), the network is the likely cause: say what to do.
  retrying: (attempt) => (attempt > RELAY_FROM_ATTEMPT ? t('media.stage.blocked', { attempt }) : t('media.stage.retrying', { attempt })),
  connected: () => '',
  interrupted: () => t('media.stage.interrupted'),
  failed: () => t('media.stage.failed'),
  unsupported: () => t('media.stage.unsupported'),
};

export class MediaControls {
  /** @param {MediaSession} media */
  constructor(media) {
    this.media = media;
    /** @type {Kind | null} what the host notice is about */
    this.hostKind = null;
    /** The host notice's text, kept as a function so a language change redraws it. @type {() => string} */
    this.hostText = () => '';
    /** @type {DeviceProblems} */
    this.problems = {};
    /** @type {MediaStatus} */
    this.mediaStatus = 'connected';
    /** Which fresh connection this is, while retrying. */
    this.attempt = 0;
    this.el = {
      status: byId('media-status', HTMLParagraphElement),
      mic: byId('mic-button', HTMLButtonElement),
      camera: byId('camera-button', HTMLButtonElement),
      devices: byId('device-notice', HTMLParagraphElement),
      host: byId('host-action-notice', HTMLParagraphElement),
    };
    media.on('localstream', ({ problems }) => {
      this.drawButtons();
      this.problems = problems;
      this.drawProblems();
    });
    media.on('localstate', ({ byHost }) => {
      this.drawButtons();
      if (byHost) this.hostNotice(() => t(byHost === 'audio' ? 'media.host.audio' : 'media.host.video'), byHost);
    });
    media.on('status', ({ state, attempt }) => {
      this.mediaStatus = state;
      this.attempt = attempt ?? 0;
      this.drawStatus();
    });
    this.el.mic.addEventListener('click', () => this.toggle('audio'));
    this.el.camera.addEventListener('click', () => this.toggle('video'));
    document.addEventListener(LANGUAGE_CHANGED, () => this.redraw());
    this.drawButtons();
  }

  /** Everything this file wrote, again, in the language now in use. */
  redraw() {
    this.drawButtons();
    this.drawStatus();
    this.drawProblems();
    if (!this.el.host.hidden) this.el.host.textContent = this.hostText();
  }

  drawStatus() {
    const text = STATUS[this.mediaStatus](this.attempt);
    this.el.status.textContent = text;
    show(this.el.status, text !== '');
  }

  drawProblems() {
    const text = deviceProblemText(this.problems);
    this.el.devices.textContent = text;
    show(this.el.devices, text !== '');
  }

  /**
   * Switches the microphone or camera; the keyboard shortcuts use it too.
   * @param {Kind} kind
   * @returns {boolean | null} whether it is now on, or null if there is no such device
   */
  toggle(kind) {
    if (!this.media.has(kind)) return null;
    const on = !this.media.state()[kind];
    if (on && this.hostKind === kind) show(this.el.host, false);
    this.media.setEnabled(kind, on).catch((error) => {
      this.hostNotice(() => requestFailureText(error), null);
    });
    return on;
  }

  /**
   * Turns the microphone or camera on if it is off (the round's Speak).
   * @param {Kind} kind
   */
  turnOn(kind) {
    if (this.media.has(kind) && !this.media.state()[kind]) this.toggle(kind);
  }

  drawButtons() {
    const state = this.media.state();
    for (const [kind, button] of /** @type {const} */ ([['audio', this.el.mic], ['video', this.el.camera]])) {
      const present = this.media.has(kind);
      button.disabled = !present;
      button.setAttribute('aria-pressed', String(present && state[kind]));
      const holder = button.querySelector('.bar-icon');
      const on = present && state[kind];
      if (holder) setIcon(holder, kind === 'audio' ? (on ? 'mic' : 'micOff') : (on ? 'camera' : 'cameraOff'));
      const label = button.querySelector('.media-state');
      if (!label) continue;
      if (!present) label.textContent = t('media.stage.unavailable');
      else if (kind === 'audio') label.textContent = state.audio ? t('media.stage.audio_on') : t('media.stage.audio_off');
      else label.textContent = state.video ? t('media.stage.video_on') : t('media.stage.video_off');
    }
  }

  /**
   * A note about the switches that stays until it no longer holds.
   * @param {() => string} text
   * @param {Kind | null} kind the switch it is about, which clears it
   */
  hostNotice(text, kind) {
    this.hostKind = kind;
    this.hostText = text;
    this.el.host.textContent = text();
    show(this.el.host, true);
  }
}

// The device check before entering: a preview of the camera, a live level
// for the microphone, a choice of each, and whether to enter with them off.
// It never stands in the way: whatever is refused or missing is said plainly
// and the person can continue without it. What it opened is handed to the
// room (`media.js`), so the camera is not opened twice. It runs before any
// connection: nothing of it reaches the server, and it knows nothing of the room.

import { byId, make, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { listDevices, openDevice, openDevices, saveChoice } from './devices.js';
import { deviceProblemText } from './words.js';

/** @typedef {import('./devices.js').Kind} Kind */
/** @typedef {import('./devices.js').DeviceChoice} DeviceChoice */
/** @typedef {import('./devices.js').DeviceProblems} DeviceProblems */
/** @typedef {import('./devices.js').Opened} Opened */

/** How often the level is read: smooth enough to watch, light on a phone. */
const LEVEL_EVERY_MS = 100;
/** A level (0 to 100) that means the microphone picks up a voice or a sound. */
const HEARD_LEVEL = 20;

export class DeviceCheck {
  constructor() {
    this.el = {
      preview: byId('preview', HTMLVideoElement),
      previewOff: byId('preview-off', HTMLElement),
      state: byId('device-state', HTMLParagraphElement),
      cameraField: byId('camera-field', HTMLElement),
      micField: byId('mic-field', HTMLElement),
      camera: byId('camera-select', HTMLSelectElement),
      mic: byId('mic-select', HTMLSelectElement),
      levelField: byId('level-field', HTMLElement),
      level: byId('mic-level', HTMLMeterElement),
      heard: byId('mic-heard', HTMLParagraphElement),
      micOff: byId('mic-off-choice', HTMLInputElement),
      cameraOff: byId('camera-off-choice', HTMLInputElement),
    };
    /** The preview's tracks, which become the room's. */
    this.stream = new MediaStream();
    /** @type {DeviceProblems} */
    this.problems = {};
    /** The latest open or switch; finishing waits for it. @type {Promise<void>} */
    this.pending = Promise.resolve();
    /** True between open() and finish() or cancel(). */
    this.active = false;
    this.opened = false;
    this.heard = false;
    /** @type {{context: AudioContext, timer: ReturnType<typeof setInterval>} | null} */
    this.meter = null;

    this.el.camera.addEventListener('change', () => this.switchTo('video', this.el.camera.value));
    this.el.mic.addEventListener('change', () => this.switchTo('audio', this.el.mic.value));
    this.el.micOff.addEventListener('change', () => this.applySwitches());
    this.el.cameraOff.addEventListener('change', () => this.applySwitches());
    navigator.mediaDevices?.addEventListener?.('devicechange', () => { if (this.active) void this.fillLists(); });
    document.addEventListener(LANGUAGE_CHANGED, () => {
      this.drawState();
      this.drawHeard();
      if (this.active) void this.fillLists();
    });
  }

  /**
   * Asks for the devices (the chosen ones, if the person chose before) and
   * shows them.
   * @param {DeviceChoice} choice
   */
  open(choice) {
    this.active = true;
    this.opened = false;
    this.heard = false;
    this.problems = {};
    this.el.micOff.checked = choice.audioOff;
    this.el.cameraOff.checked = choice.videoOff;
    this.drawState();
    this.drawHeard();
    this.pending = openDevices(choice).then((opened) => this.take(opened));
  }

  /**
   * Puts newly opened tracks in the preview, in place of those of their kind.
   * @param {Opened} opened
   */
  async take({ tracks, problems }) {
    if (!this.active) {
      for (const track of tracks) track.stop(); // the person went back meanwhile
      return;
    }
    for (const track of tracks) {
      for (const old of this.stream.getTracks().filter((other) => other.kind === track.kind)) {
        old.stop();
        this.stream.removeTrack(old);
      }
      this.stream.addTrack(track);
    }
    this.problems = { ...this.problems, ...problems };
    for (const track of tracks) delete this.problems[/** @type {Kind} */ (track.kind)];
    this.opened = true;
    this.applySwitches();
    this.showPreview();
    if (tracks.some((track) => track.kind === 'audio')) this.startMeter();
    this.drawState();
    await this.fillLists();
  }

  /**
   * @param {Kind} kind
   * @param {string} deviceId
   */
  switchTo(kind, deviceId) {
    const current = this.track(kind)?.getSettings().deviceId;
    if (!deviceId || deviceId === current) return;
    // Let go of the old one first: some cameras cannot be open twice.
    if (kind === 'video') this.track('video')?.stop();
    this.pending = this.pending.then(() => openDevice(kind, deviceId)).then((opened) => this.take(opened));
  }

  /** @param {Kind} kind */
  track(kind) {
    return this.stream.getTracks().find((track) => track.kind === kind && track.readyState === 'live');
  }

  /** Lists the devices, with the one in use selected; hides a kind there is none of. */
  async fillLists() {
    const lists = await listDevices();
    for (const [kind, select, field] of /** @type {const} */ ([
      ['video', this.el.camera, this.el.cameraField], ['audio', this.el.mic, this.el.micField]])) {
      const inUse = this.track(kind);
      const devices = lists[kind];
      select.replaceChildren(...devices.map((device, index) => make('option', {
        // A device's label is its own name (e.g. "Logitech C920"), never someone's.
        text: device.label || (kind === 'video' ? t('media.check.camera_n', { n: index + 1 })
          : t('media.check.microphone_n', { n: index + 1 })),
        attrs: { value: device.deviceId },
      })));
      const usedId = inUse?.getSettings().deviceId;
      if (usedId && devices.some((device) => device.deviceId === usedId)) select.value = usedId;
      show(field, !!inUse && devices.length > 0);
    }
    show(this.el.levelField, !!this.track('audio'));
  }

  showPreview() {
    const video = this.track('video');
    this.el.preview.srcObject = video ? new MediaStream([video]) : null;
    if (video) this.el.preview.play().catch(() => {}); // muted: autoplay is allowed; a refusal only leaves it still
    this.drawPreviewOff();
  }

  drawPreviewOff() {
    const video = this.track('video');
    show(this.el.preview, !!video && !this.el.cameraOff.checked);
    show(this.el.previewOff, !video || this.el.cameraOff.checked);
  }

  /** The two "join with … off" boxes switch the preview's tracks, as the room's switches would. */
  applySwitches() {
    const audio = this.track('audio');
    const video = this.track('video');
    if (audio) audio.enabled = !this.el.micOff.checked;
    if (video) video.enabled = !this.el.cameraOff.checked;
    this.drawPreviewOff();
    this.drawHeard();
  }

  drawState() {
    const problems = deviceProblemText(this.problems);
    this.el.state.textContent = !this.opened ? t('media.check.asking') : problems || t('media.check.ready');
    this.el.state.classList.toggle('notice-error', this.opened && problems !== '');
  }

  drawHeard() {
    this.el.heard.textContent = this.el.micOff.checked ? t('media.check.level_off')
      : this.heard ? t('media.check.level_heard') : t('media.check.level_quiet');
  }

  /** A level meter from the microphone, read through an AnalyserNode (nothing is played or kept). */
  startMeter() {
    this.stopMeter();
    const track = this.track('audio');
    if (!track || typeof AudioContext === 'undefined') return;
    const context = new AudioContext();
    void context.resume().catch(() => {});
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let shown = 0;
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      // Loudness in decibels, -60 dB (silence) to 0 dB (full scale), as 0 to 100.
      const decibels = 20 * Math.log10(Math.sqrt(sum / samples.length) || 1e-6);
      const level = track.enabled ? Math.max(0, Math.min(100, Math.round(((decibels + 60) / 60) * 100))) : 0;
      // Rises at once, falls gently, so a word is visible.
      shown = Math.round(Math.max(level, shown * 0.7));
      this.el.level.value = shown;
      if (!this.heard && level >= HEARD_LEVEL) {
        this.heard = true;
        this.drawHeard();
      }
    }, LEVEL_EVERY_MS);
    this.meter = { context, timer };
  }

  stopMeter() {
    if (!this.meter) return;
    clearInterval(this.meter.timer);
    void this.meter.context.close().catch(() => {});
    this.meter = null;
    this.el.level.value = 0;
  }

  /**
   * Done: the tracks (once the browser has answered) go to the room with the
   * switches as chosen, and the choice is kept for a reload.
   * @returns {{ready: Promise<Opened>, choice: DeviceChoice}}
   */
  finish() {
    const choice = { audioOff: this.el.micOff.checked, videoOff: this.el.cameraOff.checked };
    const ready = this.pending.then(() => {
      this.active = false;
      this.stopMeter();
      this.el.preview.srcObject = null;
      const tracks = this.stream.getTracks().filter((track) => track.readyState === 'live');
      for (const track of tracks) this.stream.removeTrack(track);
      saveChoice({ ...choice, audio: idOf(tracks, 'audio'), video: idOf(tracks, 'video') });
      return { tracks, problems: { ...this.problems } };
    });
    return { ready, choice };
  }

  /** Back to the name: let go of the camera and microphone. */
  cancel() {
    this.active = false;
    this.stopMeter();
    this.el.preview.srcObject = null;
    for (const track of this.stream.getTracks()) {
      track.stop();
      this.stream.removeTrack(track);
    }
  }
}

/**
 * @param {MediaStreamTrack[]} tracks
 * @param {Kind} kind
 */
function idOf(tracks, kind) {
  return tracks.find((track) => track.kind === kind)?.getSettings().deviceId;
}

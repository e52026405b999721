// An optional chime for what needs this person (someone asking to come in, a
// hand, a support request, their turn), off unless they turn it on; the
// choice is kept in this browser. A short tone made with Web Audio: no file
// to load. It knows nothing of the room.

const KEY = 'peer-room.sound';

export class Chime {
  constructor() {
    /** @type {AudioContext | null} */
    this.context = null;
    this.enabled = false;
    try {
      this.enabled = localStorage.getItem(KEY) === 'on';
    } catch {
      // No storage: off, as by default.
    }
  }

  /** @param {boolean} on */
  set(on) {
    this.enabled = on;
    try {
      localStorage.setItem(KEY, on ? 'on' : 'off');
    } catch {
      // The choice lasts for this page only.
    }
    // Turning it on is a click: the moment a browser lets audio start.
    if (on) this.play();
  }

  /** Two soft notes, if the person wants them. */
  play() {
    if (!this.enabled || typeof AudioContext === 'undefined') return;
    try {
      this.context ??= new AudioContext();
      const { context } = this;
      const start = context.currentTime;
      for (const [offset, frequency] of [[0, 660], [0.16, 880]]) {
        const tone = context.createOscillator();
        const gain = context.createGain();
        tone.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, start + offset);
        gain.gain.exponentialRampToValueAtTime(0.15, start + offset + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.3);
        tone.connect(gain).connect(context.destination);
        tone.start(start + offset);
        tone.stop(start + offset + 0.32);
      }
    } catch {
      // A browser that will not play it: the toast and the title still say it.
    }
  }
}

// Sharing one's own screen: "Share your screen" in More for whoever may
// (hosts, and anyone a host allowed; never where the browser cannot), and
// while sharing, a chip over the stage that says so with "Stop sharing".
// The browser asks which screen, window or tab; the room is asked first
// (one share at a time), and only once it says yes is the screen sent, on
// the media session's screen section (`media.js`). A share ends when the
// person stops it here or in the browser's own bar, or when the room says
// it ended (a host stopped it, the permission was taken back).

import { byId, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { requestFailureText } from '../shared/wording.js';
import { mayShareScreen } from './selectors.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */
/** @typedef {import('./notice.js').Notice} Notice */
/** @typedef {import('./media.js').MediaSession} MediaSession */

/** Slides and documents: full HD at most, a few frames a second. */
const CAPTURE = { video: { width: { max: 1920 }, height: { max: 1080 }, frameRate: { ideal: 5, max: 15 } }, audio: false };

export class ScreenShareControl {
  /**
   * @param {RoomModel} room
   * @param {MediaSession} media
   * @param {Notice} notice
   */
  constructor(room, media, notice) {
    this.room = room;
    this.media = media;
    this.notice = notice;
    /** The browser is asking which screen: a second click waits. */
    this.choosing = false;
    this.el = {
      item: byId('more-share', HTMLButtonElement),
      chip: byId('screen-chip', HTMLElement),
      stop: byId('screen-stop', HTMLButtonElement),
    };
    this.el.item.addEventListener('click', () => (this.sharing() ? this.stop() : void this.start()));
    this.el.stop.addEventListener('click', () => this.stop());
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
    this.draw();
  }

  /** Whether the room says this person shares now. */
  sharing() {
    const { me, screenShare } = this.room.state;
    return me.id !== null && screenShare.sharer === me.id;
  }

  /** @param {Change} change */
  follow({ state, before }) {
    if (state.screenShare === before.screenShare && state.me.role === before.me.role && state.me.inRoom === before.me.inRoom) return;
    const mine = state.me.id !== null && before.screenShare.sharer === state.me.id;
    if (mine && !this.sharing() && this.media.screen) {
      // Ended by the room, not here: a host stopped it or took the permission back.
      void this.media.screen.stop();
      void this.media.setScreen(null);
      if (state.me.inRoom) this.notice.say(t('media.screen.stopped_by_host'));
    }
    this.draw();
  }

  async start() {
    if (this.choosing) return;
    this.choosing = true;
    /** @type {MediaStreamTrack | undefined} */
    let track;
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia(CAPTURE);
      track = stream.getVideoTracks()[0];
    } catch (error) {
      // The person closed the browser's picker: nothing to say.
      if (!(error instanceof DOMException && error.name === 'NotAllowedError')) this.notice.say(t('media.screen.failed'));
    } finally {
      this.choosing = false;
    }
    if (!track) return;
    const shared = track;
    try {
      await this.room.connection.request({ type: 'start_screen_share' });
    } catch (error) {
      shared.stop();
      this.notice.say(requestFailureText(error), 'error');
      return;
    }
    // The browser's own "Stop sharing" ends the track.
    shared.addEventListener('ended', () => {
      if (this.media.screen === shared) this.stop();
    });
    await this.media.setScreen(shared);
    this.draw();
  }

  stop() {
    const track = this.media.screen;
    void this.media.setScreen(null);
    track?.stop();
    if (this.sharing()) this.notice.run(this.room.connection.request({ type: 'stop_screen_share' }));
    this.draw();
  }

  draw() {
    const { state } = this.room;
    const supported = typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function';
    show(this.el.item, state.me.inRoom && supported && (mayShareScreen(state) || this.sharing()));
    this.el.item.textContent = t(this.sharing() ? 'media.screen.stop' : 'media.screen.share');
    show(this.el.chip, this.sharing());
  }
}

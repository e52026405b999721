// A shared screen on the stage: large, with the people's tiles in a strip
// beside it (below it on a phone). The screen's track comes from the media
// session (`media.js`, streams named `s<id>`); whose it is and whether it
// is shared at all come from the room model, so a share that stopped, or a
// sharer in another breakout group, is never drawn. Nothing is recorded:
// the picture only plays in a <video>.

import { byId, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { nameOf, peopleInSight } from './selectors.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */
/** @typedef {import('./media.js').MediaSession} MediaSession */

export class ScreenView {
  /**
   * @param {RoomModel} room
   * @param {MediaSession} media
   * @param {() => void} relayout the stage lays its tiles out again in the room left
   */
  constructor(room, media, relayout) {
    this.room = room;
    this.relayout = relayout;
    /** Each sharer's screen track, as it came. @type {Map<number, MediaStreamTrack>} */
    this.tracks = new Map();
    this.el = {
      stage: byId('stage', HTMLElement),
      view: byId('screen-view', HTMLElement),
      video: byId('screen-video', HTMLVideoElement),
      caption: byId('screen-caption', HTMLElement),
    };
    media.on('remotescreen', ({ participant, track }) => {
      this.tracks.set(participant, track);
      this.draw();
    });
    media.on('remotescreenended', ({ participant, track }) => {
      if (this.tracks.get(participant) === track) this.tracks.delete(participant);
      this.draw();
    });
    room.subscribe(({ state, before }) => {
      if (state.screenShare !== before.screenShare || state.breakouts !== before.breakouts || state.people !== before.people) this.draw();
    });
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
  }

  /** Who is shown sharing now: the sharer, if their screen is here and they are in sight. */
  shown() {
    const { sharer } = this.room.state.screenShare;
    if (sharer === null || sharer === this.room.state.me.id) return null;
    if (!peopleInSight(this.room.state).has(sharer) || !this.tracks.has(sharer)) return null;
    return sharer;
  }

  draw() {
    const sharer = this.shown();
    const track = sharer === null ? null : this.tracks.get(sharer) ?? null;
    const current = this.el.video.srcObject instanceof MediaStream ? this.el.video.srcObject.getTracks()[0] : null;
    if (track !== current) {
      this.el.video.srcObject = track ? new MediaStream([track]) : null;
      if (track) this.el.video.play().catch(() => {}); // muted: no autoplay rule applies
    }
    const name = sharer === null ? '' : nameOf(this.room.state, sharer) ?? t('room.someone');
    this.el.caption.textContent = sharer === null ? '' : t('media.screen.caption', { name });
    this.el.video.setAttribute('aria-label', this.el.caption.textContent);
    const sharing = sharer !== null;
    if (sharing !== (this.el.stage.dataset.sharing === 'true')) {
      this.el.stage.dataset.sharing = String(sharing);
      show(this.el.view, sharing);
      this.relayout();
    }
  }
}

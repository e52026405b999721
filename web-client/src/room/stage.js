// The stage: a video tile for everyone in the room (this person's own camera
// first, as a preview), with who is speaking and whose microphone or camera
// is off. Who is in the room and who speaks come from the room model; the
// tracks come from the media session (`media.js`), which this file never
// drives. The switches and what they say are `media-controls.js`'s.

import { byId, make, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { gridColumns } from './tile-grid.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */
/** @typedef {import('./media.js').MediaSession} MediaSession */
/** @typedef {import('../shared/messages.js').Participant} Participant */

/**
 * @typedef {object} Tile
 * @property {HTMLLIElement} item
 * @property {HTMLVideoElement} video
 * @property {HTMLSpanElement} name
 * @property {HTMLSpanElement} initial
 * @property {HTMLSpanElement} flags
 * @property {HTMLSpanElement} speaking
 */

/** A small line icon (decorative: the text beside it says the same). */
const ICONS = {
  micOff: 'M12 3a3 3 0 0 0-3 3v5a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3M4 4l16 16',
  cameraOff: 'M3 7h12v10H3zM15 10l6-3v10l-6-3M3 3l18 18',
  speaking: 'M4 10v4M8 7v10M12 4v16M16 7v10M20 10v4',
};

/** @param {string} words */
const text = (words) => document.createTextNode(words);

/** @param {keyof typeof ICONS} name */
function icon(name) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', ICONS[name]);
  svg.append(path);
  return svg;
}

export class Stage {
  /**
   * @param {RoomModel} room
   * @param {MediaSession} media
   */
  constructor(room, media) {
    this.room = room;
    this.media = media;
    /** @type {Map<number, Tile>} */
    this.tiles = new Map();
    /** The media each person sends; a track may come before its owner's tile. @type {Map<number, MediaStreamTrack[]>} */
    this.tracks = new Map();
    this.el = {
      stage: byId('stage', HTMLElement),
      tiles: byId('tiles', HTMLUListElement),
      play: byId('play-button', HTMLButtonElement),
    };
    room.subscribe((change) => this.follow(change));
    media.on('localstream', ({ stream }) => {
      const me = this.room.state.me.id;
      if (me !== null) this.setTracks(me, stream.getTracks());
    });
    media.on('remotetrack', ({ participant, track }) => {
      const others = (this.tracks.get(participant) ?? []).filter((t) => t.kind !== track.kind);
      this.setTracks(participant, [...others, track]);
    });
    media.on('remotetrackended', ({ participant, track }) => {
      this.setTracks(participant, (this.tracks.get(participant) ?? []).filter((t) => t !== track));
    });
    this.el.play.addEventListener('click', () => {
      show(this.el.play, false);
      for (const tile of this.tiles.values()) this.play(tile.video);
    });
    // The stage's own width, not the tiles': their width follows the columns chosen.
    if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => this.layout()).observe(this.el.stage);
    window.addEventListener('resize', () => this.layout());
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
  }

  /** @param {Change} change */
  follow({ state, before }) {
    if (state.people !== before.people || state.me.id !== before.me.id) {
      // Someone who left takes their media along.
      for (const id of before.people.keys()) if (!state.people.has(id)) this.tracks.delete(id);
      this.draw();
    } else if (state.media.speaking !== before.media.speaking) {
      // Only the tiles of who started or stopped: speaking changes often.
      for (const id of new Set([...state.media.speaking.keys(), ...before.media.speaking.keys()])) {
        const person = state.people.get(id);
        if (person && state.media.speaking.has(id) !== before.media.speaking.has(id)) this.drawTile(person);
      }
    }
  }

  /** A tile for each person in the room, and none for anyone else. */
  draw() {
    const { people } = this.room.state;
    for (const id of [...this.tiles.keys()]) if (!people.has(id)) this.removeTile(id);
    for (const person of people.values()) this.drawTile(person);
  }

  /**
   * Draws someone's tile, making it if needed.
   * @param {Participant} person
   */
  drawTile(person) {
    const { me, media } = this.room.state;
    let tile = this.tiles.get(person.id);
    if (!tile) {
      tile = this.makeTile(person.id, person.id === me.id);
      this.tiles.set(person.id, tile);
      if (person.id === me.id) {
        this.el.tiles.prepend(tile.item);
        this.tracks.set(person.id, this.media.local.getTracks());
      } else {
        this.el.tiles.append(tile.item);
      }
      this.attach(tile, this.tracks.get(person.id) ?? []);
      this.layout();
    }
    tile.name.textContent = person.id === me.id ? t('media.stage.you', { name: person.name }) : person.name;
    tile.initial.textContent = [...person.name.trim()][0]?.toUpperCase() ?? '';
    const speaking = media.speaking.has(person.id);
    tile.item.classList.toggle('tile-speaking', speaking);
    tile.speaking.replaceChildren(icon('speaking'), t('media.stage.speaking'));
    show(tile.speaking, speaking);
    // Each state as an icon and words, never colour alone.
    /** @type {Node[]} */
    const flags = [];
    const flag = (/** @type {Node[]} */ ...parts) => flags.push(make('span', { className: 'tile-flag-item' }, parts));
    if (!person.audio) flag(icon('micOff'), text(t('media.stage.mic_off')));
    if (!person.video) flag(icon('cameraOff'), text(t('media.stage.camera_off')));
    if (!person.connected) flag(text(t('media.stage.reconnecting')));
    tile.flags.replaceChildren(...flags);
    show(tile.flags, flags.length > 0);
    // No picture to show: the camera is off, missing, or not here yet.
    const hasVideo = person.video && (this.tracks.get(person.id) ?? []).some((track) => track.kind === 'video');
    tile.item.classList.toggle('tile-no-video', !hasVideo);
  }

  /**
   * @param {number} id
   * @param {MediaStreamTrack[]} tracks
   */
  setTracks(id, tracks) {
    this.tracks.set(id, tracks);
    const tile = this.tiles.get(id);
    const person = this.room.state.people.get(id);
    if (tile) this.attach(tile, tracks);
    if (person) this.drawTile(person);
  }

  /**
   * @param {number} id
   * @param {boolean} mine
   */
  makeTile(id, mine) {
    // Muted: one's own voice played back would echo; others' audio plays here.
    const video = make('video', { attrs: { autoplay: '', playsinline: '', 'aria-hidden': 'true' } });
    video.muted = mine;
    const name = make('span', { className: 'tile-name' });
    const initial = make('span', { className: 'tile-initial' });
    const flags = make('span', { className: 'tile-flag' });
    const speaking = make('span', { className: 'tile-speaking-label' });
    const item = make('li', { className: mine ? 'tile tile-mine' : 'tile', attrs: { 'data-participant': String(id) } }, [
      video,
      make('span', { className: 'tile-placeholder', attrs: { 'aria-hidden': 'true' } }, [initial]),
      make('span', { className: 'tile-caption' }, [name, speaking, flags]),
    ]);
    return { item, video, name, initial, flags, speaking };
  }

  /** @param {number} id */
  removeTile(id) {
    const tile = this.tiles.get(id);
    if (!tile) return;
    tile.video.srcObject = null;
    tile.item.remove();
    this.tiles.delete(id);
    this.layout();
  }

  /** Picks the columns for the number of tiles and the room the stage has. */
  layout() {
    const width = this.el.stage.clientWidth || window.innerWidth;
    const columns = gridColumns(this.tiles.size, width, Math.max(240, window.innerHeight * 0.62));
    this.el.tiles.style.setProperty('--columns', String(columns));
    this.el.tiles.dataset.columns = String(columns);
  }

  /**
   * Shows these tracks in the tile. A new MediaStream each time: simpler and
   * surer across browsers than adding to a stream a <video> is playing.
   * @param {Tile} tile
   * @param {MediaStreamTrack[]} tracks
   */
  attach(tile, tracks) {
    tile.video.srcObject = tracks.length ? new MediaStream(tracks) : null;
    if (tracks.length) this.play(tile.video);
  }

  /** @param {HTMLVideoElement} video */
  play(video) {
    video.play().catch((error) => {
      // Autoplay with sound needs a click on some browsers: offer one.
      if (error instanceof DOMException && error.name === 'NotAllowedError') show(this.el.play, true);
    });
  }
}

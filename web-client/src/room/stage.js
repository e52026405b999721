// The stage: a video tile for everyone in the room (this person's own camera
// first, as a preview; during breakouts, the people in the same group or in
// the main room only), filling the space the room gives it, as a grid or in
// speaker view (the one speaking large, everyone else in a strip). Each tile
// says, in icons with words for screen readers, whose it is (the name, cut
// short if it must be), who speaks, whose microphone or camera is off, who is
// reconnecting, whose hand is up and where, and a reaction just sent. Who is
// in the room, who speaks and the hands come from the room model; the tracks
// from the media session (`media.js`), which this file never drives. The
// switches are `media-controls.js`'s.

import { byId, make, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { icon } from './icons.js';
import { peopleInSight } from './selectors.js';
import { REACTION_SHOWN_MS } from './state.js';
import { gridLayout, speakerLayout, stripLayout } from './tile-grid.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */
/** @typedef {import('./state.js').RoomState} RoomState */
/** @typedef {import('./media.js').MediaSession} MediaSession */
/** @typedef {import('./icons.js').IconName} IconName */
/** @typedef {import('../shared/messages.js').Participant} Participant */
/** @typedef {import('../shared/messages.js').Reaction} Reaction */

/**
 * @typedef {object} Tile
 * @property {HTMLLIElement} item
 * @property {HTMLVideoElement} video
 * @property {HTMLSpanElement} name
 * @property {HTMLSpanElement} initial
 * @property {HTMLSpanElement} flags
 * @property {HTMLSpanElement} speaking
 * @property {HTMLSpanElement} hand
 * @property {HTMLSpanElement} reaction
 */

/** A reaction as a tile shows it (an icon: no emoji font is needed), with the words a screen reader says. */
const REACTION_MARKS = /** @type {const} */ ({ nod: 'react', thanks: 'star', heart: 'heart', me_too: 'hand' });
const REACTION_WORDS = {
  nod: 'layout.tile.nod', thanks: 'layout.tile.thanks', heart: 'layout.tile.heart', me_too: 'layout.tile.me_too',
};

/**
 * An icon with its words, which only screen readers hear.
 * @param {IconName} name
 * @param {string} words
 */
function marked(name, words) {
  return make('span', { className: 'tile-flag-item' }, [icon(name), make('span', { text: words, className: 'visually-hidden' })]);
}

/**
 * A state worth reading at a glance: its icon and its words, both shown.
 * @param {IconName} name
 * @param {string} words
 */
function spelled(name, words) {
  return make('span', { className: 'tile-flag-item tile-flag-spelled' }, [icon(name), make('span', { text: words })]);
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
    /** Grid, or the speaker in focus with a strip: this person's choice for this page. */
    this.mode = /** @type {'grid' | 'speaker'} */ ('grid');
    /** Who is in focus in speaker view: the last to speak stays there until someone else does. @type {number | null} */
    this.focus = null;
    this.el = {
      stage: byId('stage', HTMLElement),
      tiles: byId('tiles', HTMLUListElement),
      play: byId('play-button', HTMLButtonElement),
      layout: byId('layout-button', HTMLButtonElement),
      paused: byId('incoming-video-notice', HTMLParagraphElement),
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
    this.el.layout.addEventListener('click', () => {
      this.mode = this.mode === 'grid' ? 'speaker' : 'grid';
      this.layout();
    });
    // The stage's own size: the dock opening or a phone turning changes it;
    // a shared screen takes part of it (`screen-view.js`).
    if (typeof ResizeObserver !== 'undefined') {
      const observer = new ResizeObserver(() => this.layout());
      observer.observe(this.el.stage);
      observer.observe(this.el.tiles);
    }
    window.addEventListener('resize', () => this.layout());
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
  }

  /** @param {Change} change */
  follow({ state, before }) {
    if (state.people !== before.people || state.me.id !== before.me.id || state.breakouts !== before.breakouts
      || state.media.incomingVideoPaused !== before.media.incomingVideoPaused) {
      // Someone who left takes their media along.
      for (const id of before.people.keys()) if (!state.people.has(id)) this.tracks.delete(id);
      this.draw();
      return;
    }
    /** @type {Set<number>} */
    const changed = new Set();
    if (state.media.speaking !== before.media.speaking) {
      // Only the tiles of who started or stopped: speaking changes often.
      for (const id of new Set([...state.media.speaking.keys(), ...before.media.speaking.keys()])) {
        if (state.media.speaking.has(id) !== before.media.speaking.has(id)) changed.add(id);
      }
      if (this.mode === 'speaker' && this.pickFocus() !== this.focus) this.layout();
    }
    if (state.floor.hands !== before.floor.hands) {
      for (const id of new Set([...state.floor.hands, ...before.floor.hands])) changed.add(id);
    }
    if (state.floor.reactions !== before.floor.reactions) {
      const fresh = state.floor.reactions.filter((r) => r.seq > before.floor.reactionsSeen);
      for (const reaction of fresh) {
        changed.add(reaction.from);
        // Shown for a while, then gone: redrawn once it is over.
        setTimeout(() => {
          const person = this.room.state.people.get(reaction.from);
          if (person && this.tiles.has(person.id)) this.drawTile(person);
        }, REACTION_SHOWN_MS + 50);
      }
    }
    for (const id of changed) {
      const person = state.people.get(id);
      if (person && this.tiles.has(id)) this.drawTile(person);
    }
  }

  /** A tile for each person in sight (in the same place), and none for anyone else. */
  draw() {
    const { media } = this.room.state;
    const people = peopleInSight(this.room.state);
    show(this.el.paused, media.incomingVideoPaused);
    for (const id of [...this.tiles.keys()]) if (!people.has(id)) this.removeTile(id);
    for (const person of people.values()) this.drawTile(person);
    this.layout();
  }

  /**
   * Draws someone's tile, making it if needed.
   * @param {Participant} person
   */
  drawTile(person) {
    const { me, media, floor } = this.room.state;
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
    const name = person.id === me.id ? t('media.stage.you', { name: person.name }) : person.name;
    tile.name.textContent = name;
    tile.name.title = name;
    tile.initial.textContent = [...person.name.trim()][0]?.toUpperCase() ?? '';
    const speaking = media.speaking.has(person.id);
    tile.item.classList.toggle('tile-speaking', speaking);
    tile.speaking.replaceChildren(icon('speaking'), make('span', { text: t('media.stage.speaking'), className: 'tile-speaking-words' }));
    show(tile.speaking, speaking);
    // Each state as an icon and words, never colour alone.
    const flags = [];
    if (!person.audio) flags.push(marked('micOff', t('media.stage.mic_off')));
    if (!person.video) flags.push(marked('cameraOff', t('media.stage.camera_off')));
    if (!person.connected) flags.push(marked('reconnecting', t('media.stage.reconnecting')));
    // Their socket is fine but their audio and video are not through: their
    // page is trying again; the others know why the tile is still.
    else if (person.media === 'trouble') flags.push(spelled('reconnecting', t('media.stage.trouble')));
    // The server holds their video back from this page (its downlink is
    // too small): their initial, and why, rather than a frozen picture.
    const held = media.incomingVideoPaused && person.id !== me.id && person.video;
    if (held) flags.push(spelled('cameraOff', t('media.stage.video_paused')));
    tile.flags.replaceChildren(...flags);
    show(tile.flags, flags.length > 0);
    const place = floor.hands.indexOf(person.id) + 1;
    tile.hand.replaceChildren(...(place > 0 ? [icon('hand'), make('span', { text: String(place), attrs: { 'aria-hidden': 'true' } }),
      make('span', { text: t('layout.tile.hand', { place }), className: 'visually-hidden' })] : []));
    const reaction = this.recentReaction(person.id);
    tile.reaction.replaceChildren(...(reaction ? [icon(REACTION_MARKS[reaction]),
      make('span', { text: t(REACTION_WORDS[reaction]), className: 'visually-hidden' })] : []));
    // No picture to show: the camera is off, missing, or not here yet.
    const hasVideo = person.video && !held && (this.tracks.get(person.id) ?? []).some((track) => track.kind === 'video');
    tile.item.classList.toggle('tile-no-video', !hasVideo);
  }

  /**
   * The reaction someone sent in the last few seconds, if any.
   * @param {number} id
   * @returns {Reaction | null}
   */
  recentReaction(id) {
    const now = Date.now();
    const recent = this.room.state.floor.reactions.filter((r) => r.from === id && now - r.at < REACTION_SHOWN_MS);
    return recent.at(-1)?.reaction ?? null;
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
    if (person && tile) this.drawTile(person);
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
    const hand = make('span', { className: 'tile-hand' });
    const reaction = make('span', { className: 'tile-reaction' });
    const item = make('li', { className: mine ? 'tile tile-mine' : 'tile', attrs: { 'data-participant': String(id) } }, [
      video,
      make('span', { className: 'tile-placeholder', attrs: { 'aria-hidden': 'true' } }, [initial]),
      make('span', { className: 'tile-badges' }, [hand, reaction]),
      make('span', { className: 'tile-caption' }, [name, speaking, flags]),
    ]);
    return { item, video, name, initial, flags, speaking, hand, reaction };
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

  /** Who the speaker view shows large: whoever started speaking last, else whoever was there. */
  pickFocus() {
    const { media, me } = this.room.state;
    const people = peopleInSight(this.room.state);
    const speakers = [...media.speaking].filter(([id]) => id !== me.id && people.has(id)).sort((a, b) => b[1] - a[1]);
    if (speakers.length) return speakers[0][0];
    if (this.focus !== null && people.has(this.focus) && this.focus !== me.id) return this.focus;
    return [...people.keys()].find((id) => id !== me.id) ?? me.id;
  }

  /** Sizes the tiles to the room the stage has now, in the chosen view. */
  layout() {
    const count = this.tiles.size;
    // A shared screen is the focus: the tiles go beside it, in a column.
    const sharing = this.el.stage.dataset.sharing === 'true';
    const speaker = !sharing && this.mode === 'speaker' && count >= 3;
    show(this.el.layout, count >= 3);
    this.el.layout.textContent = t(this.mode === 'speaker' ? 'layout.stage.grid' : 'layout.stage.speaker');
    this.el.layout.setAttribute('aria-pressed', String(this.mode === 'speaker'));
    // The room the tiles have: the stage's, less a shared screen's.
    const width = Math.max(0, this.el.tiles.clientWidth);
    const height = Math.max(0, this.el.tiles.clientHeight);
    if (width === 0 || height === 0) return;
    const layout = sharing ? stripLayout(count, width, height)
      : speaker ? speakerLayout(count, width, height) : gridLayout(count, width, height);
    this.focus = speaker ? this.pickFocus() : null;
    for (const [id, tile] of this.tiles) tile.item.classList.toggle('tile-focus', id === this.focus);
    const { tiles } = this.el;
    tiles.dataset.layout = speaker ? 'speaker' : 'grid';
    tiles.dataset.columns = String(layout.columns);
    tiles.style.setProperty('--columns', String(layout.columns));
    tiles.style.setProperty('--tile-w', `${layout.tileWidth}px`);
    tiles.style.setProperty('--tile-h', `${layout.tileHeight}px`);
    tiles.style.setProperty('--focus-h', `${layout.focusHeight ?? 0}px`);
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

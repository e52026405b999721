// The stage: a video tile for everyone in the room (this person's own camera
// first, as a preview), who is speaking, and the microphone and camera
// switches. The media itself is `media.js`'s business; this file only puts
// its streams on the page and says, kindly, what is not working.

import { byId, make, show } from './dom.js';
import { ProtocolError } from './protocol.js';
import { DEVICE_PROBLEMS, HOST_ACTIONS, errorText } from './wording.js';

/** @typedef {import('./protocol.js').RoomConnection} RoomConnection */
/** @typedef {import('./media.js').MediaSession} MediaSession */
/** @typedef {import('./devices.js').Kind} Kind */
/** @typedef {import('./messages.js').Participant} Participant */

/**
 * @typedef {object} Tile
 * @property {HTMLLIElement} item
 * @property {HTMLVideoElement} video
 * @property {HTMLSpanElement} name
 * @property {HTMLSpanElement} initial
 * @property {HTMLSpanElement} flags
 */

const STATUS = {
  connecting: 'Connecting audio and video…',
  connected: '',
  interrupted: 'Audio and video were interrupted. Trying to reconnect…',
  failed: 'Audio and video could not connect. The chat and reactions still work. Leaving and joining again with your link usually brings them back.',
  unsupported: 'This browser cannot send or receive audio and video. The chat and reactions still work.',
};

export class Stage {
  /**
   * @param {RoomConnection} connection
   * @param {MediaSession} media
   */
  constructor(connection, media) {
    this.connection = connection;
    this.media = media;
    this.me = 0;
    /** @type {Map<number, Participant>} */
    this.people = new Map();
    /** @type {Map<number, Tile>} */
    this.tiles = new Map();
    /** What the server sends of each person; a track may come before its owner's tile. @type {Map<number, MediaStreamTrack[]>} */
    this.tracks = new Map();
    /** @type {Kind | null} what the host notice is about */
    this.hostKind = null;
    this.el = {
      tiles: byId('tiles', HTMLUListElement),
      status: byId('media-status', HTMLParagraphElement),
      mic: byId('mic-button', HTMLButtonElement),
      camera: byId('camera-button', HTMLButtonElement),
      devices: byId('device-notice', HTMLParagraphElement),
      host: byId('host-action-notice', HTMLParagraphElement),
      play: byId('play-button', HTMLButtonElement),
    };
    this.listen();
    this.el.mic.addEventListener('click', () => this.toggle('audio'));
    this.el.camera.addEventListener('click', () => this.toggle('video'));
    this.el.play.addEventListener('click', () => {
      show(this.el.play, false);
      for (const tile of this.tiles.values()) this.play(tile.video);
    });
    this.drawButtons();
  }

  listen() {
    const c = this.connection;
    c.on('room_state', (state) => {
      this.me = state.you;
      this.people = new Map(state.participants.map((p) => [p.id, p]));
      for (const id of this.tiles.keys()) if (!this.people.has(id)) this.removeTile(id);
      for (const person of this.people.values()) this.drawTile(person);
    });
    c.on('participant_joined', ({ participant }) => this.update(participant));
    c.on('participant_updated', ({ participant }) => this.update(participant));
    c.on('participant_left', ({ participant }) => {
      this.people.delete(participant);
      this.tracks.delete(participant);
      this.removeTile(participant);
    });
    c.on('speaking', ({ participant, speaking }) => {
      this.tiles.get(participant)?.item.classList.toggle('tile-speaking', speaking);
    });
    c.on('connection', (event) => {
      if (event.state !== 'closed') return;
      for (const id of [...this.tiles.keys()]) this.removeTile(id);
      this.people.clear();
      this.tracks.clear();
    });

    const m = this.media;
    m.on('localstream', ({ stream, problems }) => {
      this.setTracks(this.me, stream.getTracks());
      this.drawButtons();
      const { audio, video } = problems;
      // Both failing the same way (a blocked page, say) is said once.
      const lines = audio && audio === video ? [DEVICE_PROBLEMS.both[audio]]
        : [audio && DEVICE_PROBLEMS.audio[audio], video && DEVICE_PROBLEMS.video[video]].filter((line) => !!line);
      this.el.devices.textContent = lines.join(' ');
      show(this.el.devices, lines.length > 0);
    });
    m.on('localstate', ({ byHost }) => {
      this.drawButtons();
      if (byHost) this.hostNotice(HOST_ACTIONS[byHost], byHost);
    });
    m.on('remotetrack', ({ participant, track }) => {
      const others = (this.tracks.get(participant) ?? []).filter((t) => t.kind !== track.kind);
      this.setTracks(participant, [...others, track]);
    });
    m.on('remotetrackended', ({ participant, track }) => {
      this.setTracks(participant, (this.tracks.get(participant) ?? []).filter((t) => t !== track));
    });
    m.on('status', ({ state }) => {
      this.el.status.textContent = STATUS[state];
      show(this.el.status, STATUS[state] !== '');
    });
  }

  /** @param {Participant} person */
  update(person) {
    this.people.set(person.id, person);
    this.drawTile(person);
  }

  /**
   * Draws someone's tile, making it if needed.
   * @param {Participant} person
   */
  drawTile(person) {
    let tile = this.tiles.get(person.id);
    if (!tile) {
      tile = this.makeTile(person.id);
      this.tiles.set(person.id, tile);
      if (person.id === this.me) {
        this.el.tiles.prepend(tile.item);
        this.tracks.set(this.me, this.media.local.getTracks());
      } else {
        this.el.tiles.append(tile.item);
      }
      this.attach(tile, this.tracks.get(person.id) ?? []);
    }
    tile.name.textContent = person.id === this.me ? `${person.name} (you)` : person.name;
    tile.initial.textContent = [...person.name.trim()][0]?.toUpperCase() ?? '';
    const flags = [];
    if (!person.audio) flags.push('Mic off');
    if (!person.connected) flags.push('Reconnecting');
    tile.flags.textContent = flags.join(' · ');
    // A muted person is not heard, so not speaking: the server sends no
    // `speaking: false` when a mute cuts a stretch short.
    if (!person.audio) tile.item.classList.remove('tile-speaking');
    show(tile.flags, flags.length > 0);
    // No picture to show: the camera is off, missing, or not here yet.
    const hasVideo = person.video && (this.tracks.get(person.id) ?? []).some((t) => t.kind === 'video');
    tile.item.classList.toggle('tile-no-video', !hasVideo);
  }

  /**
   * @param {number} id
   * @param {MediaStreamTrack[]} tracks
   */
  setTracks(id, tracks) {
    this.tracks.set(id, tracks);
    const tile = this.tiles.get(id);
    const person = this.people.get(id);
    if (tile) this.attach(tile, tracks);
    if (person) this.drawTile(person);
  }

  /** @param {number} id */
  makeTile(id) {
    const mine = id === this.me;
    // Muted: one's own voice played back would echo; others' audio plays here.
    const video = make('video', { attrs: { autoplay: '', playsinline: '', 'aria-hidden': 'true' } });
    video.muted = mine;
    const name = make('span', { className: 'tile-name' });
    const initial = make('span', { className: 'tile-initial' });
    const flags = make('span', { className: 'tile-flag' });
    const item = make('li', { className: mine ? 'tile tile-mine' : 'tile', attrs: { 'data-participant': String(id) } }, [
      video,
      make('span', { className: 'tile-placeholder', attrs: { 'aria-hidden': 'true' } }, [initial]),
      make('span', { className: 'tile-caption' }, [name, flags]),
    ]);
    return { item, video, name, initial, flags };
  }

  /** @param {number} id */
  removeTile(id) {
    const tile = this.tiles.get(id);
    if (!tile) return;
    tile.video.srcObject = null;
    tile.item.remove();
    this.tiles.delete(id);
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

  /** @param {Kind} kind */
  toggle(kind) {
    const on = !this.media.state()[kind];
    if (on && this.hostKind === kind) show(this.el.host, false);
    this.media.setEnabled(kind, on).catch((error) => {
      const code = error instanceof ProtocolError ? error.code : 'internal';
      this.hostNotice(errorText(code, error instanceof Error ? error.message : String(error)), null);
    });
  }

  drawButtons() {
    const state = this.media.state();
    for (const [kind, button] of /** @type {const} */ ([['audio', this.el.mic], ['video', this.el.camera]])) {
      const present = this.media.has(kind);
      button.disabled = !present;
      button.setAttribute('aria-pressed', String(present && state[kind]));
      const label = button.querySelector('.media-state');
      if (label) label.textContent = !present ? 'unavailable' : state[kind] ? 'on' : 'off';
    }
  }

  /**
   * A note about the switches that stays until it no longer holds.
   * @param {string} text
   * @param {Kind | null} kind the switch it is about, which clears it
   */
  hostNotice(text, kind) {
    this.hostKind = kind;
    this.el.host.textContent = text;
    show(this.el.host, true);
  }
}

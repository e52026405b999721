// The stage: a video tile for everyone in the room (this person's own camera
// first, as a preview), who is speaking, and the microphone and camera
// switches. The media itself is `media.js`'s business; this file only puts
// its streams on the page, lays the tiles out for the screen, and says,
// kindly, what is not working.

import { byId, make, show } from './dom.js';
import { LANGUAGE_CHANGED, t } from './i18n.js';
import { deviceProblemText, hostActionText, requestFailureText } from './wording.js';

/** @typedef {import('./protocol.js').RoomConnection} RoomConnection */
/** @typedef {import('./media.js').MediaSession} MediaSession */
/** @typedef {import('./devices.js').Kind} Kind */
/** @typedef {import('./devices.js').DeviceProblems} DeviceProblems */
/** @typedef {import('./messages.js').Participant} Participant */

/**
 * @typedef {object} Tile
 * @property {HTMLLIElement} item
 * @property {HTMLVideoElement} video
 * @property {HTMLSpanElement} name
 * @property {HTMLSpanElement} initial
 * @property {HTMLSpanElement} flags
 * @property {HTMLSpanElement} speaking
 */

/** @type {Record<'connecting' | 'connected' | 'interrupted' | 'failed' | 'unsupported', () => string>} */
const STATUS = {
  connecting: () => t('media.stage.connecting'),
  connected: () => '',
  interrupted: () => t('media.stage.interrupted'),
  failed: () => t('media.stage.failed'),
  unsupported: () => t('media.stage.unsupported'),
};

/** Below this width (a phone), tiles go two across whatever their number. */
const PHONE_WIDTH = 600;
/** The largest a tile gets, so one or two people do not fill a wide screen. */
const MAX_TILE_WIDTH = 560;
const GAP = 12;

/**
 * How many columns make the tiles biggest: each count of columns gives rows
 * of 16:9 tiles that must fit the width and, as far as possible, the height
 * left for the stage. On a phone: two across (one alone).
 * @param {number} count tiles
 * @param {number} width of the stage, px
 * @param {number} height the stage may take, px
 */
export function gridColumns(count, width, height) {
  if (count <= 1) return 1;
  if (width < PHONE_WIDTH) return 2;
  let best = 1;
  let bestSize = 0;
  for (let columns = 1; columns <= count; columns += 1) {
    const rows = Math.ceil(count / columns);
    const byWidth = (width - GAP * (columns - 1)) / columns;
    const byHeight = ((height - GAP * (rows - 1)) / rows) * (16 / 9);
    const size = Math.min(byWidth, byHeight, MAX_TILE_WIDTH);
    if (size > bestSize + 1) {
      best = columns;
      bestSize = size;
    }
  }
  return best;
}

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
    /** Who is speaking now, by the server's `speaking` messages. @type {Set<number>} */
    this.speaking = new Set();
    /** @type {Kind | null} what the host notice is about */
    this.hostKind = null;
    /** The host notice's text, kept as a function so a language change redraws it. @type {() => string} */
    this.hostText = () => '';
    /** @type {DeviceProblems} */
    this.problems = {};
    /** @type {keyof typeof STATUS} */
    this.mediaStatus = 'connected';
    this.el = {
      stage: byId('stage', HTMLElement),
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
    // The stage's own width, not the tiles': their width follows the columns chosen.
    if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => this.layout()).observe(this.el.stage);
    window.addEventListener('resize', () => this.layout());
    document.addEventListener(LANGUAGE_CHANGED, () => this.redraw());
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
      this.speaking.delete(participant);
      this.removeTile(participant);
    });
    c.on('speaking', ({ participant, speaking }) => {
      if (speaking) this.speaking.add(participant);
      else this.speaking.delete(participant);
      const person = this.people.get(participant);
      if (person) this.drawTile(person);
    });
    c.on('connection', (event) => {
      if (event.state !== 'closed') return;
      for (const id of [...this.tiles.keys()]) this.removeTile(id);
      this.people.clear();
      this.tracks.clear();
      this.speaking.clear();
    });

    const m = this.media;
    m.on('localstream', ({ stream, problems }) => {
      this.setTracks(this.me, stream.getTracks());
      this.drawButtons();
      this.problems = problems;
      this.drawProblems();
    });
    m.on('localstate', ({ byHost }) => {
      this.drawButtons();
      if (byHost) this.hostNotice(() => hostActionText(byHost), byHost);
    });
    m.on('remotetrack', ({ participant, track }) => {
      const others = (this.tracks.get(participant) ?? []).filter((t) => t.kind !== track.kind);
      this.setTracks(participant, [...others, track]);
    });
    m.on('remotetrackended', ({ participant, track }) => {
      this.setTracks(participant, (this.tracks.get(participant) ?? []).filter((t) => t !== track));
    });
    m.on('status', ({ state }) => {
      this.mediaStatus = state;
      this.drawStatus();
    });
  }

  /** Everything this file wrote, again, in the language now in use. */
  redraw() {
    for (const person of this.people.values()) this.drawTile(person);
    this.drawButtons();
    this.drawStatus();
    this.drawProblems();
    if (!this.el.host.hidden) this.el.host.textContent = this.hostText();
  }

  drawStatus() {
    const text = STATUS[this.mediaStatus]();
    this.el.status.textContent = text;
    show(this.el.status, text !== '');
  }

  drawProblems() {
    const text = deviceProblemText(this.problems);
    this.el.devices.textContent = text;
    show(this.el.devices, text !== '');
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
      this.layout();
    }
    tile.name.textContent = person.id === this.me ? t('media.stage.you', { name: person.name }) : person.name;
    tile.initial.textContent = [...person.name.trim()][0]?.toUpperCase() ?? '';
    // A muted person is not heard, so not speaking: the server sends no
    // `speaking: false` when a mute cuts a stretch short.
    if (!person.audio) this.speaking.delete(person.id);
    const speaking = this.speaking.has(person.id);
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

  drawButtons() {
    const state = this.media.state();
    for (const [kind, button] of /** @type {const} */ ([['audio', this.el.mic], ['video', this.el.camera]])) {
      const present = this.media.has(kind);
      button.disabled = !present;
      button.setAttribute('aria-pressed', String(present && state[kind]));
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

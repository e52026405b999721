// Tells the server whose camera this page shows and how tall, so that it
// sends each picture no larger than its tile needs and none at all for a
// tile out of sight (`video_sizes`, docs/protocol.md; the layers are
// `send-settings.js`). It measures the tiles the stage draws (`stage.js`:
// one <li data-participant> with a <video> per person in sight), from the
// DOM, as they are now: who is in the room stays the room model's to say.
//
// Measuring is cheap and layouts settle in steps (the dock opening, a
// phone turning), so a change is sent once the tiles have held still for a
// moment, and only if it matters: someone shown or hidden, or a tile that
// grew or shrank enough to change which layer fits. The server forgets
// what a page showed when its media connection is made again, so the list
// is sent again each time the connection comes up and after a resume.
//
// The pure part (the list from the measurements, and whether it changed
// enough) is exported for the unit tests, which run without a DOM.

/** @typedef {import('../shared/messages.js').ShownVideo} ShownVideo */
/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./media.js').MediaSession} MediaSession */

/** How long the tiles must hold still before their sizes are sent. */
export const SETTLE_MS = 300;
/** A tile this much taller or shorter than last said is worth a message; less would not change the layer. */
export const WORTH_SENDING = 0.15;
/** What the server takes (protocol/media.rs): at most this many entries, each at most this tall. */
export const MAX_SHOWN = 64;
export const MAX_HEIGHT = 4320;
/** A camera's shape until its first frame says otherwise (`devices.js` asks for 16:9). */
const CAMERA_ASPECT = 16 / 9;

/**
 * A tile as the page measured it, in CSS pixels. `aspect` is its video's
 * width over height, once a frame has come.
 * @typedef {object} MeasuredTile
 * @property {number} participant
 * @property {number} width
 * @property {number} height
 * @property {boolean} inView some of it is inside the viewport
 * @property {number} [aspect]
 */

/**
 * Whose camera the page shows now and how tall the picture is drawn, in
 * device pixels: nobody's when the page is hidden, never this person's
 * own. A tile crops its video to fill it (`object-fit: cover`), so a tile
 * wider than the picture draws it taller than the tile: that height is the
 * one that says which layer looks sharp.
 * @param {MeasuredTile[]} tiles
 * @param {{me: number | null, visible: boolean, pixelRatio: number}} page
 * @returns {ShownVideo[]}
 */
export function shownVideos(tiles, { me, visible, pixelRatio }) {
  if (!visible) return [];
  /** @type {Map<number, number>} */
  const heights = new Map();
  for (const tile of tiles) {
    if (tile.participant === me || !tile.inView || tile.width <= 0 || tile.height <= 0) continue;
    const aspect = tile.aspect && tile.aspect > 0 ? tile.aspect : CAMERA_ASPECT;
    const drawn = Math.max(tile.height, tile.width / aspect) * pixelRatio;
    const height = Math.min(MAX_HEIGHT, Math.max(1, Math.round(drawn)));
    heights.set(tile.participant, Math.max(height, heights.get(tile.participant) ?? 0));
  }
  // More than the server takes cannot happen in a room today; if it did, the largest matter most.
  const largest = [...heights].sort((a, b) => b[1] - a[1]).slice(0, MAX_SHOWN);
  return largest.sort((a, b) => a[0] - b[0]).map(([participant, height]) => ({ participant, height }));
}

/**
 * Whether `next` is worth telling the server after `sent`: the first list,
 * someone shown or no longer shown, or a height that moved by
 * `WORTH_SENDING` or more since it was last sent.
 * @param {ShownVideo[] | null} sent what the server was last told, null if nothing
 * @param {ShownVideo[]} next
 */
export function changedEnough(sent, next) {
  if (sent === null || sent.length !== next.length) return true;
  const before = new Map(sent.map((video) => [video.participant, video.height]));
  return next.some(({ participant, height }) => {
    const was = before.get(participant);
    return was === undefined || Math.abs(height - was) >= WORTH_SENDING * was;
  });
}

export class VideoSizes {
  /**
   * @param {RoomModel} room who this person is, how to send, and when the connection came back
   * @param {MediaSession} media when its connection comes up
   * @param {HTMLElement} tiles the stage's list of tiles
   */
  constructor(room, media, tiles) {
    this.room = room;
    this.tiles = tiles;
    /** What the server was last told (or is being told), null when it must be told again. @type {ShownVideo[] | null} */
    this.sent = null;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
    /** Whether each tile's video shows inside the viewport, as the observer last said. @type {WeakMap<Element, boolean>} */
    this.inView = new WeakMap();
    /** @type {Set<HTMLVideoElement>} */
    this.watched = new Set();
    this.resizes = new ResizeObserver(() => this.soon());
    this.sights = new IntersectionObserver((entries) => {
      for (const entry of entries) this.inView.set(entry.target, entry.isIntersecting);
      this.soon();
    });
    new MutationObserver(() => this.watchTiles()).observe(tiles, { childList: true });
    this.watchTiles();
    // Hidden: nothing needs sending to this page now, at once; shown again, its tiles' sizes.
    document.addEventListener('visibilitychange', () => this.measure());
    // The pixel ratio changes with the zoom, which resizes the window.
    window.addEventListener('resize', () => this.soon());
    media.on('status', ({ state }) => {
      if (state === 'connected') this.again();
    });
    room.subscribe(({ message }) => {
      if (message.type === 'connection' && (message.state === 'resumed' || message.state === 'rejoined')) this.again();
    });
  }

  /** Follows the tiles the stage has now: new ones observed, gone ones let go. */
  watchTiles() {
    const videos = new Set(/** @type {NodeListOf<HTMLVideoElement>} */ (this.tiles.querySelectorAll('li[data-participant] > video')));
    for (const video of this.watched) {
      if (videos.has(video)) continue;
      this.resizes.unobserve(video);
      this.sights.unobserve(video);
      this.watched.delete(video);
    }
    for (const video of videos) {
      if (this.watched.has(video)) continue;
      this.watched.add(video);
      this.resizes.observe(video);
      this.sights.observe(video);
      // The first frame says the picture's shape.
      video.addEventListener('resize', () => this.soon());
    }
    this.soon();
  }

  /** Measures once the tiles have held still for `SETTLE_MS`. */
  soon() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.measure(), SETTLE_MS);
  }

  /** The server forgot: the next list is sent whatever it is. */
  again() {
    this.sent = null;
    this.soon();
  }

  /** @returns {MeasuredTile[]} */
  measureTiles() {
    return [...this.watched].flatMap((video) => {
      const participant = Number(video.closest('li[data-participant]')?.getAttribute('data-participant'));
      if (!Number.isInteger(participant)) return [];
      const box = video.getBoundingClientRect();
      const aspect = video.videoHeight > 0 ? video.videoWidth / video.videoHeight : undefined;
      return [{ participant, width: box.width, height: box.height, inView: this.inView.get(video) ?? false, aspect }];
    });
  }

  /** Sends the list of shown tiles if it changed enough since it was last sent. */
  measure() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (!this.room.state.me.inRoom) return;
    const page = { me: this.room.state.me.id, visible: document.visibilityState !== 'hidden', pixelRatio: window.devicePixelRatio || 1 };
    const shown = shownVideos(this.measureTiles(), page);
    if (!changedEnough(this.sent, shown)) return;
    this.sent = shown;
    this.room.connection.request({ type: 'video_sizes', shown }).catch((error) => {
      // Not taken (the socket dropped, say): said again once it is back.
      if (this.sent === shown) this.sent = null;
      console.warn('video_sizes was not taken', error);
    });
  }
}

// How the stage's video tiles fill it: pure arithmetic on the number of
// tiles and the stage's size, no DOM (the grid test runs it in Node). The
// stage (`stage.js`) measures and applies it.
//
// - A grid on a laptop: as many columns as make 16:9 tiles biggest, within
//   the stage's width and height, so everyone is seen without scrolling.
// - A grid on a phone: the tiles fill the height (one column for two people,
//   two up to eight, three beyond), cropped rather than letterboxed.
// - Speaker view: the one in focus fills the top, everyone else sits in a
//   strip of small tiles below it (at most two fifths of the height).
// - Beside a shared screen: one column of tiles (`stripLayout`).

/** Below this stage width, a phone's rules. */
export const PHONE_WIDTH = 600;
/** Between tiles, px (the stage's CSS says the same). */
export const GAP = 8;

/**
 * @typedef {object} TileLayout
 * @property {number} columns
 * @property {number} rows
 * @property {number} tileWidth px
 * @property {number} tileHeight px
 * @property {number} [focusHeight] speaker view: the tile in focus, px, as wide as the stage
 */

/**
 * @param {number} count tiles
 * @param {number} width of the stage, px
 * @param {number} height of the stage, px
 * @returns {TileLayout}
 */
export function gridLayout(count, width, height) {
  const n = Math.max(1, count);
  if (width < PHONE_WIDTH) {
    const columns = n <= 2 ? 1 : n <= 8 ? 2 : 3;
    return fill(n, columns, width, height);
  }
  let best = fitted(n, 1, width, height);
  for (let columns = 2; columns <= n; columns += 1) {
    const layout = fitted(n, columns, width, height);
    if (layout.tileWidth > best.tileWidth + 1) best = layout;
  }
  return best;
}

/**
 * @param {number} count tiles, the one in focus included
 * @param {number} width
 * @param {number} height
 * @returns {TileLayout}
 */
export function speakerLayout(count, width, height) {
  const others = Math.max(1, count - 1);
  const phone = width < PHONE_WIDTH;
  const columns = Math.min(others, phone ? 3 : 6);
  const rows = Math.ceil(others / columns);
  const tileWidth = (width - GAP * (columns - 1)) / columns;
  // A phone's strip tiles are nearly square: faces, not landscapes.
  const wanted = phone ? tileWidth * 0.8 : (tileWidth * 9) / 16;
  const strip = height * 0.4;
  const tileHeight = Math.min(wanted, (strip - GAP * (rows - 1)) / rows);
  const focusHeight = height - rows * tileHeight - GAP * rows;
  return { columns, rows, tileWidth: floor(tileWidth), tileHeight: floor(tileHeight), focusHeight: floor(focusHeight) };
}

/**
 * Beside a shared screen: the tiles in a column, 16:9, as large as fit, one
 * under the other (a strip taller than wide); below a screen on a phone (a
 * strip wider than tall), the grid's rules.
 * @param {number} count tiles
 * @param {number} width of the strip, px
 * @param {number} height of the strip, px
 * @returns {TileLayout}
 */
export function stripLayout(count, width, height) {
  if (width >= height) return gridLayout(count, width, height);
  return fitted(Math.max(1, count), 1, width, height);
}

/**
 * Tiles that fill the stage whatever their shape.
 * @param {number} n
 * @param {number} columns
 * @param {number} width
 * @param {number} height
 * @returns {TileLayout}
 */
function fill(n, columns, width, height) {
  const rows = Math.ceil(n / columns);
  return {
    columns,
    rows,
    tileWidth: floor((width - GAP * (columns - 1)) / columns),
    tileHeight: floor((height - GAP * (rows - 1)) / rows),
  };
}

/**
 * 16:9 tiles as large as fit in `columns`.
 * @param {number} n
 * @param {number} columns
 * @param {number} width
 * @param {number} height
 * @returns {TileLayout}
 */
function fitted(n, columns, width, height) {
  const rows = Math.ceil(n / columns);
  const byWidth = (width - GAP * (columns - 1)) / columns;
  const byHeight = ((height - GAP * (rows - 1)) / rows) * (16 / 9);
  const tileWidth = floor(Math.min(byWidth, byHeight));
  return { columns, rows, tileWidth, tileHeight: floor((tileWidth * 9) / 16) };
}

/** Whole pixels, never rounded up past the room there is. @param {number} px */
function floor(px) {
  return Math.max(0, Math.floor(px));
}

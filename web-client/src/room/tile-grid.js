// How many columns the stage's video tiles take: pure arithmetic on the
// number of tiles and the room the stage has, no DOM (the grid test runs it
// in Node). The stage (`stage.js`) measures and applies it.

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

// How the video tiles fill the stage from 1 to 16 people, by the stage's own
// rule (`gridLayout` and `speakerLayout` in web-client/src/room/tile-grid.js,
// which touch no DOM): on a laptop every tile fits the stage's width and
// height, at a size where a face can be read, side by side rather than in
// one tall column; on a phone the tiles fill the height; in speaker view the
// one in focus takes most of the stage and the strip the rest.
// (layout.test.mjs checks the rule is applied in Chromium.)

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { root } from './support.mjs';

const { GAP, gridLayout, speakerLayout, stripLayout } = await import(pathToFileURL(join(root, 'web-client', 'src', 'room', 'tile-grid.js')).href);

/**
 * @param {{columns: number, rows: number, tileWidth: number, tileHeight: number}} layout
 * @param {number} width
 * @param {number} height
 * @param {string} what
 */
function fits(layout, width, height, what) {
  const { columns, rows, tileWidth, tileHeight } = layout;
  assert.ok(columns * tileWidth + GAP * (columns - 1) <= width, `${what}: the tiles fit the width`);
  assert.ok(rows * tileHeight + GAP * (rows - 1) <= height, `${what}: the tiles fit the height`);
}

test('on a laptop, 2 to 16 people fit the stage at a readable size, side by side', () => {
  // A laptop's stage beside the facilitator's console, and without it.
  for (const [width, height] of [[920, 620], [1340, 620]]) {
    for (let count = 2; count <= 16; count += 1) {
      const layout = gridLayout(count, width, height);
      const what = `${count} people on a ${width}x${height} stage`;
      fits(layout, width, height, what);
      assert.ok(layout.columns * layout.rows >= count, `${what}: everyone has a place`);
      assert.ok(layout.tileWidth >= 200, `${what}: tiles at least 200 px wide (${layout.tileWidth})`);
      if (count >= 3) assert.ok(layout.columns >= 2, `${what}: side by side, not one column`);
      assert.equal(layout.tileHeight, Math.floor((layout.tileWidth * 9) / 16), `${what}: 16:9`);
    }
  }
  assert.equal(gridLayout(16, 1340, 620).columns, 4, 'sixteen people in four columns');
});

test('on a phone, the tiles fill the height, two across from three people', () => {
  const width = 374;
  const height = 680;
  for (let count = 1; count <= 16; count += 1) {
    const layout = gridLayout(count, width, height);
    const what = `${count} people on a phone`;
    fits(layout, width, height, what);
    assert.ok(height - (layout.rows * layout.tileHeight + GAP * (layout.rows - 1)) < layout.rows + 1, `${what}: the height is filled`);
    assert.ok(layout.tileWidth >= 100 && layout.tileHeight >= 70, `${what}: tiles of ${layout.tileWidth}x${layout.tileHeight}`);
  }
  assert.equal(gridLayout(2, width, height).columns, 1, 'two people one above the other');
  assert.equal(gridLayout(6, width, height).columns, 2, 'six people two across');
});

test('in speaker view the one in focus is larger than everyone in the strip', () => {
  for (const [width, height] of [[374, 680], [920, 620]]) {
    for (let count = 3; count <= 16; count += 1) {
      const layout = speakerLayout(count, width, height);
      const what = `${count} people, ${width}x${height}`;
      const strip = layout.rows * layout.tileHeight + GAP * layout.rows;
      assert.ok(strip + layout.focusHeight <= height, `${what}: the focus and the strip fit`);
      assert.ok(layout.focusHeight >= height * 0.55, `${what}: the focus takes most of the stage`);
      assert.ok(layout.columns * layout.rows >= count - 1, `${what}: everyone else in the strip`);
    }
  }
});

test('beside a shared screen the tiles stand in one column that fits', () => {
  const [width, height] = [282, 630];
  for (let count = 1; count <= 16; count += 1) {
    const layout = stripLayout(count, width, height);
    const what = `${count} people beside a screen`;
    assert.equal(layout.columns, 1, `${what}: one column`);
    fits(layout, width, height, what);
    assert.equal(layout.tileHeight, Math.floor((layout.tileWidth * 9) / 16), `${what}: 16:9`);
  }
  // Below a screen on a phone (wider than tall): the grid's own rules.
  assert.deepEqual(stripLayout(3, 374, 300), gridLayout(3, 374, 300));
});

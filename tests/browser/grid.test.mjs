// The video grid's layout from 2 to 16 people, by the stage's own rule
// (`gridColumns` in web-client/src/room/tile-grid.js, which touches no DOM): on a
// laptop every tile is wide enough for a face to be read, and people sit
// side by side rather than in one tall column; on a phone, two
// across. (device-check.test.mjs checks the rule is applied in Chromium.)

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { root } from './support.mjs';

const { gridColumns } = await import(pathToFileURL(join(root, 'web-client', 'src', 'room', 'tile-grid.js')).href);
const GAP = 12;

/** The columns, rows and tile width the rule gives for `count` tiles. */
function layout(count, width, height) {
  const columns = gridColumns(count, width, height);
  const rows = Math.ceil(count / columns);
  return { columns, rows, tileWidth: (width - GAP * (columns - 1)) / columns };
}

test('on a laptop, 2 to 16 people sit side by side at a readable size', () => {
  for (let count = 2; count <= 16; count += 1) {
    const { columns, rows, tileWidth } = layout(count, 1200, 500);
    assert.ok(columns >= 2, `${count} people: side by side, not one column`);
    assert.ok(columns * rows >= count, `${count} people: everyone has a place`);
    assert.ok(tileWidth >= 200, `${count} people: tiles at least 200 px wide (${tileWidth.toFixed(0)})`);
  }
  assert.equal(gridColumns(16, 1200, 500), 4, 'sixteen people in four columns');
});

test('on a phone, tiles go two across whatever their number, and one person fills the width', () => {
  for (let count = 2; count <= 16; count += 1) assert.equal(gridColumns(count, 358, 520), 2, `${count} people on a phone`);
  assert.equal(gridColumns(1, 358, 520), 1);
});

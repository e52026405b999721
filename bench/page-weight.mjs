// What a browser downloads to open the room: the join page, its
// stylesheets and every module web-client/src/join.js imports (statically:
// modules a page loads only when asked, like the report's renderer, are not
// counted), plain and gzipped at level 9 as the server sends them.
//
// Run from the repository root: `node bench/page-weight.mjs web-client`
// (or a checkout of an older tree's web-client/, to compare).

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
const seen = new Set();
function walk(file) {
  if (seen.has(file)) return; seen.add(file);
  const src = readFileSync(file, 'utf8');
  for (const m of src.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\s+['"](\.[^'"]+)['"]/g)) walk(resolve(dirname(file), m[1] ?? m[2]));
}
const root = process.argv[2];
walk(resolve(root, 'src/join.js'));
const css = readFileSync(resolve(root, 'join.html'), 'utf8').match(/href="\/assets\/[^"]+\.css"/g).map((h) => resolve(root, h.slice(14, -1)));
let plain = 0, gz = 0;
for (const f of [...seen, ...css, resolve(root, 'join.html')]) { const b = readFileSync(f); plain += b.length; gz += gzipSync(b, { level: 9 }).length; }
console.log(`${seen.size} modules + ${css.length} stylesheets + the page: ${plain} bytes, ${gz} gzipped`);

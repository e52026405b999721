// The words of the web client in English and French stay in step: every
// `strings-*.js` module (in any folder of web-client/src) has the same keys
// in both languages with the same {placeholders}, no key is defined by two
// modules, every key the pages and the scripts use exists, and every key
// that exists is used.
//
// A key is used wherever it appears as a string in a script, whatever
// carries it: `t('…')`, a helper (`tx('h2', '…')`, `button('…')`), a table
// of keys, a ternary. A plural's base (`tn('room.people.count', n)`) uses its
// `.one` and `.other`; a prefix that code completes (`'error.' + code`,
// `` `media.problem.${kind}.${problem}` ``) uses every key it starts. A string
// is taken for a key when it is dotted words whose first word names a group
// of defined keys (`agenda.`, `room.`, …), so no key is listed here by hand.
// Runs in Node without a browser: the strings modules touch no DOM.

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { root } from './support.mjs';

const CLIENT = join(root, 'web-client');
const SOURCES = join(CLIENT, 'src');
/** File names look like keys ("summary.md"); they are not. */
const FILE_NAME = /\.(md|js|mjs|html|css|svg|json|ics|png)$/;

/**
 * Every script under `dir`, in every folder.
 * @param {string} dir
 * @returns {Promise<string[]>}
 */
async function scripts(dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...await scripts(path));
    else if (entry.name.endsWith('.js')) found.push(path);
  }
  return found.sort();
}

const isStrings = (/** @type {string} */ path) => /(^|\/)strings-[^/]*\.js$/.test(path);

/** @returns {Promise<Map<string, {en: Record<string,string>, fr: Record<string,string>}>>} */
async function stringModules() {
  const modules = new Map();
  for (const path of (await scripts(SOURCES)).filter(isStrings)) {
    const module = await import(pathToFileURL(path).href);
    modules.set(relative(SOURCES, path), module.default);
  }
  return modules;
}

/** @param {string} text */
const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

/**
 * The strings of a script: each quoted string, and each template literal's
 * fixed parts (a part an interpolation follows is marked `open`: code
 * completes it). Comments are skipped, and so are regular expressions, so
 * a quote inside either does not start a string.
 * @param {string} source
 * @returns {{text: string, open: boolean}[]}
 */
export function stringsOf(source) {
  /** @type {{text: string, open: boolean}[]} */
  const found = [];
  let i = 0;
  /** The last character of code before `i` that is not a space: tells a regex from a division. */
  let last = '';

  /** Reads code until an unmatched `}` (inside a template's `${…}`) or the end. */
  function code() {
    let depth = 0;
    while (i < source.length) {
      const c = source[i];
      const next = source[i + 1];
      if (c === '/' && next === '/') {
        i = source.indexOf('\n', i);
        if (i < 0) i = source.length;
      } else if (c === '/' && next === '*') {
        i = source.indexOf('*/', i + 2) + 2;
        if (i < 2) i = source.length;
      } else if (c === "'" || c === '"') {
        found.push({ text: quoted(c), open: false });
        last = c;
      } else if (c === '`') {
        template();
        last = c;
      } else if (c === '/' && (last === '' || '(,=:[!&|?{};+-*%<>~^'.includes(last) || /\breturn$/.test(source.slice(0, i).trimEnd()))) {
        regex();
        last = '/';
      } else {
        if (c === '{') depth += 1;
        if (c === '}') {
          if (depth === 0) return;
          depth -= 1;
        }
        if (!/\s/.test(c)) last = c;
        i += 1;
      }
    }
  }

  /** @param {string} quote */
  function quoted(quote) {
    let text = '';
    for (i += 1; i < source.length && source[i] !== quote; i += 1) {
      if (source[i] === '\\') i += 1;
      text += source[i];
    }
    i += 1;
    return text;
  }

  function template() {
    let text = '';
    for (i += 1; i < source.length && source[i] !== '`'; i += 1) {
      if (source[i] === '\\') {
        i += 1;
        text += source[i];
      } else if (source[i] === '$' && source[i + 1] === '{') {
        found.push({ text, open: true });
        text = '';
        i += 2;
        last = '{';
        code();
      } else {
        text += source[i];
      }
    }
    found.push({ text, open: false });
    i += 1;
  }

  function regex() {
    let inClass = false;
    for (i += 1; i < source.length; i += 1) {
      const c = source[i];
      if (c === '\\') i += 1;
      else if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) break;
    }
    i += 1;
    while (/[a-z]/.test(source[i] ?? '')) i += 1;
  }

  code();
  return found;
}

/**
 * Which keys the pages and scripts use, and which they ask for in vain.
 * @param {Set<string>} defined
 */
async function usage(defined) {
  const groups = new Set([...defined].map((key) => key.split('.')[0]));
  const looksLikeKey = (/** @type {string} */ text) => /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\.?$/.test(text)
    && text.includes('.') && groups.has(text.split('.')[0]) && !FILE_NAME.test(text);
  const used = new Set();
  const missing = [];
  /** @param {string} where @param {string} key */
  const use = (where, key) => {
    if (defined.has(key)) used.add(key);
    else missing.push(`${where}: ${key}`);
  };

  // The pages, and the header and footer the server puts into each.
  const pages = [
    ...(await readdir(CLIENT)).filter((name) => name.endsWith('.html')),
    ...(await readdir(join(CLIENT, 'partials'))).map((name) => join('partials', name)),
  ];
  for (const page of pages) {
    const html = await readFile(join(CLIENT, page), 'utf8');
    for (const [, key] of html.matchAll(/data-i18n="([^"]+)"/g)) use(page, key);
    for (const [, pairs] of html.matchAll(/data-i18n-attr="([^"]+)"/g)) {
      for (const pair of pairs.split(';')) use(page, pair.split('=')[1]?.trim() ?? pair);
    }
  }
  for (const path of (await scripts(SOURCES)).filter((file) => !isStrings(file))) {
    const file = relative(SOURCES, path);
    const source = await readFile(path, 'utf8');
    // Whatever a direct call asks for is a key, even one whose first word
    // names no group (a typo in it would otherwise pass unseen).
    for (const [, key] of source.matchAll(/\bt\('([^']+)'/g)) use(file, key);
    for (const [, key] of source.matchAll(/\btn\('([^']+)'/g)) for (const form of ['one', 'other']) use(file, `${key}.${form}`);
    for (const { text, open } of stringsOf(source)) {
      if (!looksLikeKey(text)) continue;
      if (open || text.endsWith('.')) {
        // A prefix that code completes: every key it starts is used.
        const completed = [...defined].filter((key) => key.startsWith(text));
        if (completed.length === 0) missing.push(`${file}: ${text}…`);
        for (const key of completed) used.add(key);
      } else if (!defined.has(text) && defined.has(`${text}.one`) && defined.has(`${text}.other`)) {
        // A plural's base, for tn().
        used.add(`${text}.one`);
        used.add(`${text}.other`);
      } else {
        use(file, text);
      }
    }
  }
  return { used, missing };
}

/** Every English key, from every module. */
async function englishKeys() {
  const keys = new Set();
  for (const strings of (await stringModules()).values()) for (const key of Object.keys(strings.en)) keys.add(key);
  return keys;
}

test('both languages have the same keys and placeholders, and no key is defined twice', async () => {
  const modules = await stringModules();
  assert.ok(modules.size > 0, 'no strings-*.js modules found');
  assert.ok([...modules.keys()].some((file) => file.includes('/')), 'the strings modules of the folders are found');
  const owner = new Map();
  for (const [file, strings] of modules) {
    assert.deepEqual(Object.keys(strings.fr).sort(), Object.keys(strings.en).sort(), `${file}: French and English keys differ`);
    for (const [key, english] of Object.entries(strings.en)) {
      assert.ok(english.trim() && strings.fr[key].trim(), `${file}: "${key}" is empty`);
      assert.deepEqual(placeholders(strings.fr[key]), placeholders(english), `${file}: "${key}" has different placeholders`);
      assert.ok(!owner.has(key), `"${key}" is defined in both ${owner.get(key)} and ${file}`);
      owner.set(key, file);
    }
  }
});

test('every key the pages and scripts use is defined', async () => {
  const { missing } = await usage(await englishKeys());
  assert.deepEqual(missing, [], 'keys used but not defined');
});

test('every key defined is used somewhere', async () => {
  const defined = await englishKeys();
  const { used } = await usage(defined);
  const unused = [...defined].filter((key) => !used.has(key)).sort();
  assert.deepEqual(unused, [], 'keys defined but used nowhere (or used in a way this test cannot see)');
});

test('the scan finds keys however the code carries them', () => {
  const found = stringsOf([
    "t('a.b'); tx('h2', \"c.d\"); // 'not.this'",
    '/* or \'this.either\' */ const re = /\'[a-z]+/g;',
    'x = `e.${kind}.${t(`f.g`)}` + \'h.\' + i;',
  ].join('\n')).map(({ text, open }) => (open ? `${text}…` : text));
  assert.deepEqual(found, ['a.b', 'h2', 'c.d', 'e.…', '.…', 'f.g', '', 'h.']);
});

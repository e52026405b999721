// The words of the web client in English and French stay in step: every
// `strings-*.js` module has the same keys in both languages with the same
// {placeholders}, no key is defined by two modules, and every key the pages
// (`data-i18n`) and the scripts (`t('…')`, `tn('…')`) ask for exists.
// Runs in Node without a browser: the strings modules touch no DOM.

import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { root } from './support.mjs';

const CLIENT = join(root, 'web-client');
const SOURCES = join(CLIENT, 'src');

/** @returns {Promise<Map<string, {en: Record<string,string>, fr: Record<string,string>}>>} */
async function stringModules() {
  const modules = new Map();
  for (const file of (await readdir(SOURCES)).filter((name) => /^strings-.*\.js$/.test(name)).sort()) {
    const module = await import(pathToFileURL(join(SOURCES, file)).href);
    modules.set(file, module.default);
  }
  return modules;
}

/** @param {string} text */
const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

/** Every English key, from every module. */
async function englishKeys() {
  const keys = new Set();
  for (const strings of (await stringModules()).values()) for (const key of Object.keys(strings.en)) keys.add(key);
  return keys;
}

test('both languages have the same keys and placeholders, and no key is defined twice', async () => {
  const modules = await stringModules();
  assert.ok(modules.size > 0, 'no strings-*.js modules found');
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
  const defined = await englishKeys();
  const missing = [];
  for (const page of (await readdir(CLIENT)).filter((name) => name.endsWith('.html'))) {
    const html = await readFile(join(CLIENT, page), 'utf8');
    for (const [, key] of html.matchAll(/data-i18n="([^"]+)"/g)) if (!defined.has(key)) missing.push(`${page}: ${key}`);
    for (const [, pairs] of html.matchAll(/data-i18n-attr="([^"]+)"/g)) {
      for (const pair of pairs.split(';')) {
        const key = pair.split('=')[1]?.trim();
        if (!key || !defined.has(key)) missing.push(`${page}: ${pair}`);
      }
    }
  }
  for (const file of (await readdir(SOURCES)).filter((name) => name.endsWith('.js'))) {
    const source = await readFile(join(SOURCES, file), 'utf8');
    for (const [, key] of source.matchAll(/\bt\('([^']+)'/g)) if (!defined.has(key)) missing.push(`${file}: t('${key}')`);
    for (const [, key] of source.matchAll(/\btn\('([^']+)'/g)) {
      for (const form of ['one', 'other']) if (!defined.has(`${key}.${form}`)) missing.push(`${file}: tn('${key}') .${form}`);
    }
  }
  assert.deepEqual(missing, [], 'keys used but not defined');
});

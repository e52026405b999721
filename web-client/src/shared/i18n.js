// The page's language: English or French, and the words in each. It owns
// the dictionaries and the choice of language; it knows no feature's words
// but the header's (strings-common.js).
//
// Every feature keeps its own words in a `strings-<feature>.js` module (no
// DOM, so the test suite can import them and check that both languages have
// the same keys and the same {placeholders}), and registers them here with
// `define`. Code asks for text with `t(key, {name})`; static markup carries
// `data-i18n="key"` (its text) or `data-i18n-attr="aria-label=key;placeholder=key"`
// and is filled by `translatePage`.
//
// Chosen in this order: `?lang=fr` in the address, the person's earlier choice
// (localStorage), the browser's languages, then English.

import commonStrings from './strings-common.js';

/** @typedef {'en' | 'fr'} Language */
/** @typedef {{en: Record<string, string>, fr: Record<string, string>}} Strings */

/** @type {readonly Language[]} */
export const LANGUAGES = ['en', 'fr'];
/** Each language's name in itself, for the picker. */
export const LANGUAGE_NAMES = { en: 'English', fr: 'Français' };
const CHOICE_KEY = 'peer-room.language';
/** Sent on `document` after a change, so views can redraw what they built. */
export const LANGUAGE_CHANGED = 'peer-room:language';

/** @type {Record<Language, Map<string, string>>} */
const dictionaries = { en: new Map(), fr: new Map() };
/** @type {Language} */
let current = 'en';

/**
 * Registers a feature's words. A key defined twice is a mistake in the
 * client (two features would fight over one text), so it throws.
 * @param {Strings} strings
 */
export function define(strings) {
  for (const language of LANGUAGES) {
    for (const [key, text] of Object.entries(strings[language])) {
      if (dictionaries[language].has(key)) throw new Error(`i18n: "${key}" is defined twice`);
      dictionaries[language].set(key, text);
    }
  }
}

// The words every page shares (header, language picker), for every page.
define(commonStrings);

/** @param {unknown} value @returns {value is Language} */
function isLanguage(value) {
  return typeof value === 'string' && /** @type {readonly string[]} */ (LANGUAGES).includes(value);
}

/**
 * The language to start in (see the top of this file).
 * @param {{search: string, stored: string | null, preferred: readonly string[]}} sources
 * @returns {Language}
 */
export function pickLanguage({ search, stored, preferred }) {
  const asked = new URLSearchParams(search).get('lang');
  if (isLanguage(asked)) return asked;
  if (isLanguage(stored)) return stored;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

/** The language in use. */
export function language() {
  return current;
}

/**
 * The BCP 47 tag for dates and times in the language in use: the browser's
 * own variant of it when it has one (en-GB writes "12 March, 14:00", fr-CA
 * "14 h 00"), else the language alone.
 */
export function locale() {
  const preferred = typeof navigator === 'undefined' ? [] : navigator.languages ?? [];
  return preferred.find((tag) => tag.toLowerCase().split('-')[0] === current) ?? current;
}

/**
 * Whether some feature defined `key`: for text picked by a code the server
 * sends (an error's), which may have no words of its own.
 * @param {string} key
 */
export function hasText(key) {
  return dictionaries.en.has(key);
}

/**
 * The text for `key` in the language in use, with `{name}` placeholders
 * filled. A key missing in French falls back to English; a key missing
 * everywhere shows itself, which the strings test prevents from shipping.
 * @param {string} key
 * @param {Record<string, string | number>} [params]
 */
export function t(key, params = {}) {
  const text = dictionaries[current].get(key) ?? dictionaries.en.get(key) ?? key;
  // A value that ends a sentence with its own full stop ("10:38 p.m.") takes
  // the place of the sentence's, rather than doubling it ("p.m..").
  return text.replace(/\{(\w+)\}(\.?)/g, (whole, name, stop) => {
    if (!(name in params)) return whole;
    const value = String(params[name]);
    return stop && value.endsWith('.') ? value : value + stop;
  });
}

const plurals = { en: new Intl.PluralRules('en'), fr: new Intl.PluralRules('fr') };

/**
 * A counted text: `key.one` or `key.other` (French counts 0 as one), with
 * `{count}` filled.
 * @param {string} key
 * @param {number} count
 * @param {Record<string, string | number>} [params]
 */
export function tn(key, count, params = {}) {
  const form = plurals[current].select(count) === 'one' ? 'one' : 'other';
  return t(`${key}.${form}`, { ...params, count });
}

/**
 * What `build` makes while `t`, `tn` and `locale` speak `other`: for
 * something made in a language that need not be the page's (a report to
 * download). `build` must not wait on anything: the page's language is back
 * as soon as it returns.
 * @template T
 * @param {Language} other
 * @param {() => T} build
 * @returns {T}
 */
export function speaking(other, build) {
  const before = current;
  current = other;
  try {
    return build();
  } finally {
    current = before;
  }
}

/**
 * Fills the page's marked elements with the current language's words.
 * @param {ParentNode} root
 */
export function translatePage(root = document) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    const key = element.getAttribute('data-i18n');
    if (key) element.textContent = t(key);
  }
  for (const element of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of (element.getAttribute('data-i18n-attr') ?? '').split(';')) {
      const [attribute, key] = pair.split('=').map((part) => part.trim());
      if (attribute && key) element.setAttribute(attribute, t(key));
    }
  }
  document.documentElement.lang = current;
}

/**
 * Switches language, remembers the choice, translates the page and tells
 * the views to redraw.
 * @param {Language} next
 */
export function setLanguage(next) {
  current = next;
  try {
    localStorage.setItem(CHOICE_KEY, next);
  } catch {
    // Storage can be disabled; the choice then lasts for this page only.
  }
  translatePage();
  document.dispatchEvent(new CustomEvent(LANGUAGE_CHANGED, { detail: next }));
}

/** Picks the starting language from the address, the stored choice and the browser. */
export function startLanguage() {
  let stored = null;
  try {
    stored = localStorage.getItem(CHOICE_KEY);
  } catch {
    // As above: no storage, no remembered choice.
  }
  current = pickLanguage({ search: location.search, stored, preferred: navigator.languages ?? [] });
  translatePage();
}

/**
 * Wires a <select> to choose the language.
 * @param {HTMLSelectElement} select
 */
export function languagePicker(select) {
  select.replaceChildren(
    ...LANGUAGES.map((code) => {
      const option = document.createElement('option');
      option.value = code;
      option.textContent = LANGUAGE_NAMES[code];
      option.lang = code;
      return option;
    }),
  );
  select.value = current;
  select.addEventListener('change', () => {
    if (isLanguage(select.value)) setLanguage(select.value);
  });
  // A page may have more than one (the header's, the room's): they agree.
  document.addEventListener(LANGUAGE_CHANGED, () => {
    select.value = current;
  });
}

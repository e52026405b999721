// The server's built-in ground rules, crisis resources and energizers in the
// page's language. The server keeps one copy of them, in English, and sends them as
// any session's rules or any deployment's resources; this file recognises
// them by their exact English words (strings-defaults.js) and gives the
// words of the language in use. Whatever an organizer or a deployment wrote
// is shown as written: only the built-in sentences are ours to translate.
// Recognising them here, rather than the server marking them, keeps the wire
// and the store unchanged, and a rule an organizer edited by one word is
// theirs, not ours. The French browser test fails if the server's defaults
// change without this file.

import { t } from '../shared/i18n.js';
import defaults from './strings-defaults.js';
import './words.js';

/** @typedef {import('../shared/messages.js').CrisisResource} CrisisResource */
/** @typedef {import('../shared/messages.js').Energizer} Energizer */

/** The built-in English sentences, to their keys (all of strings-defaults.js's). */
const KEYS = new Map(Object.entries(defaults.en)
  .filter(([key]) => key.startsWith('defaults.'))
  .map(([key, english]) => [english, key]));

/**
 * A sentence in the page's language if it is one of the built-in ones.
 * @param {string} text as the server sent it
 */
export function builtIn(text) {
  const key = KEYS.get(text.trim());
  return key ? t(key) : text;
}

/**
 * An energizer in the page's language, as far as its words are built-in ones.
 * @param {Energizer} energizer
 * @returns {Energizer}
 */
export function energizerWords(energizer) {
  return {
    ...energizer,
    title: builtIn(energizer.title),
    steps: energizer.steps.map(builtIn),
    seated: energizer.seated.map(builtIn),
  };
}

/**
 * A crisis resource in the page's language, if it is a built-in one.
 * @param {CrisisResource} resource
 * @returns {CrisisResource}
 */
export function crisisResource(resource) {
  return { label: builtIn(resource.label), contact: builtIn(resource.contact) };
}

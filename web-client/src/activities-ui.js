// What the pulse check, the summary, the support signal and Help share:
// their words (registered once here, since all four import this module),
// elements whose text follows the language, live announcements, and the
// idempotency keys of summary changes.

import { make } from './dom.js';
import { define, t } from './i18n.js';
import { ProtocolError } from './protocol.js';
import strings from './strings-activities.js';

define(strings);

/**
 * An element whose text is the translation of `key`; `data-i18n` lets
 * i18n.js translate it again when the language changes.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} key
 * @param {{className?: string, attrs?: Record<string, string>}} [options]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function tx(tag, key, options = {}) {
  return make(tag, { ...options, text: t(key), attrs: { ...options.attrs, 'data-i18n': key } });
}

/**
 * A button whose label follows the language.
 * @param {string} key
 * @param {string} [className]
 * @returns {HTMLButtonElement}
 */
export function button(key, className = '') {
  return tx('button', key, { className, attrs: { type: 'button' } });
}

/** Errors a retry of the very same action may fix. */
const TRANSIENT = new Set(['disconnected', 'timeout', 'rate_limited', 'unavailable', 'internal']);

/**
 * Idempotency keys for summary changes: one per user action, kept while the
 * action may still be retried (the server applies a key once, even after a
 * restart), dropped once it succeeded or was refused for good.
 */
export class ActionKeys {
  constructor() {
    /** @type {Map<string, string>} */
    this.keys = new Map();
  }

  /**
   * The key for an action, the same one each time it is retried.
   * @param {string} action what the action does, e.g. `move:3:0`
   */
  for(action) {
    let key = this.keys.get(action);
    if (!key) this.keys.set(action, (key = crypto.randomUUID()));
    return key;
  }

  /**
   * The action is settled: the next one like it gets a fresh key, unless it
   * failed in a way that a retry of the same action might fix.
   * @param {string} action
   * @param {unknown} [error]
   */
  settle(action, error) {
    const transient = error instanceof ProtocolError && TRANSIENT.has(error.code);
    if (!transient) this.keys.delete(action);
  }
}

/**
 * A visually hidden live region, for announcing what changed.
 * @param {'polite' | 'assertive'} politeness
 */
export function liveRegion(politeness = 'polite') {
  return make('p', { className: 'visually-hidden', attrs: { 'aria-live': politeness } });
}

/**
 * Says `text` through a live region: emptied first, so saying the same
 * thing twice is announced twice.
 * @param {HTMLElement} region
 * @param {string} text
 */
export function announce(region, text) {
  region.textContent = '';
  requestAnimationFrame(() => { region.textContent = text; });
}

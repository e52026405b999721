// Small DOM helpers shared by the pages. Text from other people (names,
// chat) only ever goes in through `textContent`, so it can never become
// markup. No state and no connection here.

import { t } from './i18n.js';

/**
 * The element with this id, which the page is known to have.
 * @template {HTMLElement} E
 * @param {string} id
 * @param {new () => E} type the element's class, checked so a page edit that
 *   breaks the script fails loudly here rather than somewhere later
 * @returns {E}
 */
export function byId(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`the page has no #${id} of the expected kind`);
  return element;
}

/**
 * A new element with text and attributes.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {{text?: string, className?: string, attrs?: Record<string, string>}} [options]
 * @param {Node[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function make(tag, options = {}, children = []) {
  const element = document.createElement(tag);
  if (options.text !== undefined) element.textContent = options.text;
  if (options.className) element.className = options.className;
  for (const [name, value] of Object.entries(options.attrs ?? {})) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/**
 * Shows or hides an element with the `hidden` attribute.
 * @param {HTMLElement} element
 * @param {boolean} visible
 */
export function show(element, visible) {
  element.hidden = !visible;
}

/**
 * Sets an element's text only when it changed, so a once-a-second tick does
 * not disturb assistive technology or layout for nothing.
 * @param {HTMLElement} element
 * @param {string} text
 */
export function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

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

/**
 * A button that names whom it acts on, with its visible text at the start
 * of its accessible name (WCAG 2.5.3, "label in name").
 * @param {string} text
 * @param {string} label
 * @param {Record<string, string>} attrs
 * @param {string} [className]
 */
export function actionButton(text, label, attrs, className = 'compact') {
  return make('button', { text, className, attrs: { type: 'button', 'aria-label': label, ...attrs } });
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

// Small DOM helpers shared by the pages. Text from other people (names,
// chat) only ever goes in through `textContent`, so it can never become markup.

import { locale } from './i18n.js';

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

/** @param {number} millis a time since the Unix epoch */
export function clockTime(millis) {
  return new Date(millis).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });
}

/**
 * "Tuesday 12 March, 14:00–15:00" (or "mardi 12 mars, 14 h 00 à 15 h 00"),
 * in the viewer's own time zone and the page's language: the browser words
 * the range, so no "to" needs translating.
 * @param {number} startsAt
 * @param {number} endsAt
 */
export function timeSpan(startsAt, endsAt) {
  const format = new Intl.DateTimeFormat(locale(), { weekday: 'long', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return format.formatRange(startsAt, endsAt);
}

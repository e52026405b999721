// What the room's views share (room.js, people.js, host-console.js): their
// words, the order of roles, times of day and buttons that name a person.

import { make } from './dom.js';
import { define, locale, t } from './i18n.js';
import strings from './strings-room.js';

define(strings);

/** Hosts first, then everyone in the order they came in; a host acts only on a lower rank. */
export const RANK = { facilitator: 0, co_facilitator: 1, participant: 2 };

/** The role badges; the keys are in strings-room.js. */
export const ROLE_KEYS = {
  facilitator: 'room.role.facilitator',
  co_facilitator: 'room.role.co_facilitator',
  participant: 'room.role.participant',
};

/** English says 1st, 2nd, 3rd, 4th; French 1re, 2e: Intl's ordinal categories. */
const ORDINAL_KEYS = {
  one: 'room.ordinal.one',
  two: 'room.ordinal.two',
  few: 'room.ordinal.few',
  other: 'room.ordinal.other',
};

/** @param {number} place 1 for the first */
export function ordinal(place) {
  const category = /** @type {keyof typeof ORDINAL_KEYS} */ (new Intl.PluralRules(locale(), { type: 'ordinal' }).select(place));
  return t(ORDINAL_KEYS[category] ?? ORDINAL_KEYS.other, { count: place });
}

/**
 * A button that names whom it acts on, with its visible text at the start
 * of its accessible name (see the top of strings-room.js).
 * @param {string} text
 * @param {string} label
 * @param {Record<string, string>} attrs
 * @param {string} [className]
 */
export function actionButton(text, label, attrs, className = 'compact') {
  return make('button', { text, className, attrs: { type: 'button', 'aria-label': label, ...attrs } });
}

// The breakouts' words that the banner, the chat and the console share: a
// group's name, a list of people's names, the time left, and the server's
// refusals in plain words in the page's language. No DOM.
//
// A group is named by its place among the groups opened together: "Group 1"
// and "Group 2" each time, though the server numbers groups once a session
// (3 and 4 the second time). The server gives the groups of one opening
// consecutive numbers and only ever ends some, so the first number of each
// opening this page has seen is all it remembers (`openings`); a chat line
// from groups this page never saw (it loaded after they ended) is tagged
// "Small group".

import { locale, t } from '../shared/i18n.js';
import { ProtocolError } from '../shared/protocol.js';
import { formatClock } from '../shared/time-text.js';
import { requestFailureText } from '../shared/wording.js';
import { nameOf, serverNow } from './selectors.js';
import './words.js';

/** @typedef {import('./state.js').RoomState} RoomState */
/** @typedef {import('../shared/messages.js').Breakouts} Breakouts */

/**
 * The openings of breakouts this page has seen: the lowest and highest
 * group number (id) of each.
 * @type {{first: number, last: number}[]}
 */
const openings = [];

/**
 * Remembers the opening these groups belong to: one already seen if they
 * share a number with it, else a new one (its numbers are all higher).
 * @param {Breakouts} breakouts
 */
function note(breakouts) {
  const ids = breakouts.groups.map((g) => g.id);
  if (ids.length === 0) return;
  const known = openings.find((o) => ids.some((id) => id >= o.first && id <= o.last));
  if (known) {
    // After a server restart the numbers start again: one range still holds them.
    known.first = Math.min(known.first, ...ids);
    known.last = Math.max(known.last, ...ids);
  } else {
    openings.push({ first: Math.min(...ids), last: Math.max(...ids) });
  }
}

/**
 * A group's place among the groups opened with it (1 for the first), or
 * null for a group of an opening this page never saw.
 * @param {RoomState} state
 * @param {number} id the group's id
 */
function placeAmongOpened(state, id) {
  if (state.breakouts) note(state.breakouts);
  const opening = openings.find((o) => id >= o.first && id <= o.last);
  return opening ? id - opening.first + 1 : null;
}

/**
 * The number people see for a group: 1, 2, 3 for the groups opened together.
 * @param {RoomState} state
 * @param {number} id the group's id
 */
export function groupNumber(state, id) {
  return placeAmongOpened(state, id) ?? id;
}

/**
 * "Group 2".
 * @param {RoomState} state
 * @param {number} id the group's id
 */
export function groupName(state, id) {
  return t('breakout.group', { number: groupNumber(state, id) });
}

/**
 * A chat line's tag: "Group 2", or "Small group" for a group this page
 * never saw open.
 * @param {RoomState} state
 * @param {number} id the group's id
 */
export function chatTag(state, id) {
  const number = placeAmongOpened(state, id);
  return number === null ? t('breakout.chat.tag') : t('breakout.group', { number });
}

/**
 * "Alex, River and Sam" in the page's language; someone no longer in the
 * room is left out.
 * @param {RoomState} state
 * @param {readonly number[]} ids
 */
export function namesText(state, ids) {
  const names = ids.map((id) => nameOf(state, id)).filter((name) => name !== null);
  return new Intl.ListFormat(locale(), { style: 'long', type: 'conjunction' }).format(names);
}

/**
 * The time left as a clock ("4:32"), from the server's end and its clock.
 * @param {RoomState} state
 * @param {Breakouts} breakouts
 */
export function timeLeft(state, breakouts) {
  return formatClock(breakouts.ends_at - serverNow(state), 'up');
}

/**
 * The server's reasons for refusing a breakouts request (server/src/room/
 * breakouts.rs), by its exact words, with ours.
 * @type {Record<string, string>}
 */
const REFUSALS = {
  'breakouts are open already: end them first': 'breakout.refused.open_already',
  'breakouts last 1 to 60 minutes': 'breakout.refused.minutes',
  'breakouts are 1 to 50 groups': 'breakout.refused.groups',
  'a breakout needs two people at least': 'breakout.refused.too_small',
  'someone is in two groups': 'breakout.refused.twice',
  'breakouts are not open': 'breakout.refused.not_open',
  'there is no breakout with that number': 'breakout.refused.no_group',
  'the facilitator chose the groups': 'breakout.refused.chosen',
  'breakouts are extended by 1 to 30 minutes': 'breakout.refused.extend',
  'a countdown is at most 10 minutes': 'breakout.refused.countdown',
  'a message to the groups is 1 to 280 characters of plain text': 'breakout.refused.message',
  'a one-on-one conversation has no breakouts': 'breakout.refused.one_on_one',
};

/**
 * A breakouts request's refusal in plain words: the server's reason in the
 * page's language when it is one of ours, else what any request says.
 * @param {unknown} error
 */
export function breakoutFailureText(error) {
  if (error instanceof ProtocolError) {
    const key = error.code === 'not_found' ? 'breakout.refused.not_found' : REFUSALS[error.message];
    if (key) return t(key);
  }
  return requestFailureText(error);
}

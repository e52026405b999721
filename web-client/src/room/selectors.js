// What views ask of the room's state (`state.js`): who is a host, someone's
// name, the people in order, the server's clock now, talk time, the part of
// the agenda that runs, and what waits for this person (unread chat, people
// to let in, support requests, their turn). Pure reads: no DOM, and nothing
// here changes the state.

/** @typedef {import('../shared/messages.js').Role} Role */
/** @typedef {import('../shared/messages.js').Segment} Segment */
/** @typedef {import('../shared/messages.js').ActiveEnergizer} ActiveEnergizer */
/** @typedef {import('./state.js').RoomState} RoomState */

/** Hosts first, then everyone in the order they came in; a host acts only on a lower rank. */
export const RANK = { facilitator: 0, co_facilitator: 1, participant: 2 };

/** @param {Role} role */
export function isHostRole(role) {
  return role === 'facilitator' || role === 'co_facilitator';
}

/** @param {RoomState} state */
export function isHost(state) {
  return isHostRole(state.me.role);
}

/**
 * A one-on-one peer support conversation: two people, no console, the
 * crisis resources one click away as "I need more help now".
 * @param {RoomState} state
 */
export function isOneOnOne(state) {
  return state.me.session?.kind === 'one_on_one';
}

/**
 * Someone's name, or null if they are not (or no longer) in the room.
 * @param {RoomState} state
 * @param {number} id
 */
export function nameOf(state, id) {
  return state.people.get(id)?.name ?? null;
}

/**
 * Everyone in the room, hosts first, then in the order they came in.
 * @param {RoomState} state
 */
export function peopleInOrder(state) {
  return [...state.people.values()].sort((a, b) => RANK[a.role] - RANK[b.role] || a.id - b.id);
}

/**
 * The server's clock now, from this browser's.
 * @param {RoomState} state
 * @param {number} [now] this browser's clock
 */
export function serverNow(state, now = Date.now()) {
  return now + state.clock.offset;
}

/**
 * How long someone has spoken, counting a stretch in progress (hosts only: 0 otherwise).
 * @param {RoomState} state
 * @param {number} id
 * @param {number} [now] this browser's clock
 */
export function talkOf(state, id, now = Date.now()) {
  const talk = state.media.talk;
  if (!talk) return 0;
  const since = state.media.speaking.get(id);
  return (talk.totals.get(id) ?? 0) + (talk.extra.get(id) ?? 0) + (since === undefined ? 0 : now - Math.max(since, talk.at));
}

/**
 * The part of the agenda that runs now, if any.
 * @param {RoomState} state
 * @returns {Segment | null}
 */
export function currentSegment(state) {
  const show = state.clock.runOfShow;
  return show?.segments.find((s) => s.id === show.clock.current_segment) ?? null;
}

/**
 * Whether two running energizers are the same run.
 * @param {ActiveEnergizer | null} a
 * @param {ActiveEnergizer | null} b
 */
export function sameEnergizer(a, b) {
  return Boolean(a && b && a.energizer.id === b.energizer.id && a.ends_at === b.ends_at);
}

/**
 * The breakout group someone is in (as a member or visiting), or null: the
 * main room (and always, when there are no breakouts).
 * @param {RoomState} state
 * @param {number | null} id
 * @returns {number | null}
 */
export function placeOf(state, id) {
  const group = state.breakouts?.groups.find((g) => g.members.includes(id ?? -1) || g.visitors.includes(id ?? -1));
  return group?.id ?? null;
}

/**
 * The people this person sees and hears: those in the same place (their
 * breakout group, or the main room); everyone when there are no breakouts.
 * @param {RoomState} state
 */
export function peopleInSight(state) {
  if (!state.breakouts) return state.people;
  const mine = placeOf(state, state.me.id);
  return new Map([...state.people].filter(([id]) => placeOf(state, id) === mine));
}

/**
 * Whether this person may share their screen: hosts may, and anyone a host allowed.
 * @param {RoomState} state
 */
export function mayShareScreen(state) {
  return isHost(state) || (state.me.id !== null && state.screenShare.allowed.includes(state.me.id));
}

/**
 * Chat lines from others that came after the last one this person had in view.
 * @param {RoomState} state
 */
export function unreadChat(state) {
  const { chat, chatSeen } = state.floor;
  return chat.filter((line) => line.seq > chatSeen && line.from !== state.me.id).length;
}

/**
 * Hosts: people in the waiting room a host has not let in yet.
 * @param {RoomState} state
 */
export function waitingToAdmit(state) {
  return (state.waiting ?? []).filter((person) => !person.admitted).length;
}

/**
 * Whether the check-in round gives this person the floor now.
 * @param {RoomState} state
 */
export function myTurn(state) {
  const { round } = state.activities;
  return round.active && state.me.id !== null && round.speaker === state.me.id;
}

/**
 * How many things wait for this person: unread chat, their turn, and for
 * hosts people to let in and support requests not yet seen to. The tab's
 * title shows it.
 * @param {RoomState} state
 */
export function waitingForMe(state) {
  if (!state.me.inRoom) return 0;
  return unreadChat(state) + (myTurn(state) ? 1 : 0) + waitingToAdmit(state)
    + (state.activities.support.requests?.length ?? 0);
}

/**
 * The people in the room whose pages have published a public key for
 * end-to-end encrypted media, this person included: who is sent media keys,
 * and whose keys make the safety code.
 * @param {RoomState} state
 * @returns {{id: number, publicKey: string}[]} by id
 */
export function keyHolders(state) {
  return [...state.people.values()]
    .flatMap((p) => (p.e2ee_key ? [{ id: p.id, publicKey: p.e2ee_key }] : []))
    .sort((a, b) => a.id - b.id);
}

// How each part of the room's state changes, for `apply` (`state.js`): each
// function takes a state and returns the next one, leaving the one it was
// given as it was, and sharing every part that did not change. Pure: no DOM,
// no timers, no clock (`now` is an argument).

import { sameEnergizer } from './selectors.js';

/** No one shares a screen, and no participant may. @type {import('../shared/messages.js').ScreenShare} */
export const NO_SHARE = { sharer: null, allowed: [] };

/** @typedef {import('../shared/messages.js').ServerMessage} ServerMessage */
/** @typedef {import('../shared/messages.js').RoomEvent} RoomEvent */
/** @typedef {import('../shared/messages.js').Gate} Gate */
/** @typedef {import('../shared/messages.js').Participant} Participant */
/** @typedef {import('../shared/messages.js').ActiveEnergizer} ActiveEnergizer */
/** @typedef {import('./state.js').RoomState} RoomState */
/** @typedef {import('./state.js').ClockState} ClockState */
/** @typedef {import('./state.js').Activities} Activities */
/** @typedef {import('./state.js').EnergizerState} EnergizerState */
/** @typedef {import('./state.js').SupportState} SupportState */
/** @typedef {import('./state.js').TalkState} TalkState */

/**
 * `joined` answers a join and a resume alike. The room it describes comes
 * with the `room_state` that follows (if the gate is passed), which replaces
 * every list: nothing from before is kept as if it were current.
 * @param {RoomState} s
 * @param {Extract<ServerMessage, {type: 'joined'}>} m
 * @returns {RoomState}
 */
export function joined(s, m) {
  const me = {
    id: m.you, role: m.role, gate: m.gate, session: m.session, iceServers: m.ice_servers,
    // A resumed place in the room stays in it; a fresh place starts at the gate.
    inRoom: s.me.inRoom && s.me.id === m.you && passed(m.gate),
    ending: null,
  };
  return { ...s, me, rules: m.session.ground_rules, connection: { ...s.connection, status: 'open', attempt: 0 } };
}

/**
 * The whole room, as the server has it: it replaces every list.
 * @param {RoomState} s
 * @param {Extract<ServerMessage, {type: 'room_state'}>} m
 * @param {number} now
 * @returns {RoomState}
 */
export function roomState(s, m, now) {
  const people = new Map(m.participants.map((p) => [p.id, p]));
  const role = people.get(m.you)?.role ?? s.me.role;
  const energizer = m.energizer ?? null;
  /** @type {Map<number, number>} */
  const speaking = new Map([...s.media.speaking].filter(([id]) => people.has(id)));
  return {
    ...s,
    me: { ...s.me, id: m.you, role, inRoom: true },
    rules: m.ground_rules,
    people,
    waiting: m.waiting ?? null,
    settings: { locked: m.locked, waitingRoom: m.waiting_room },
    // What was said before this view of the room counts as seen, not unread.
    floor: { ...s.floor, hands: m.hands, chat: [...m.chat], chatSeen: Math.max(s.floor.chatSeen, m.chat.at(-1)?.seq ?? 0) },
    clock: { ...synced(s.clock, m.server_time, now), runOfShow: { segments: m.run_of_show.segments, clock: m.run_of_show.clock } },
    activities: {
      round: m.round,
      energizer: {
        ...energizerStarted(s.activities.energizer, energizer),
        progress: energizer ? m.energizer_progress ?? null : null,
      },
      pulse: m.pulse ?? null,
      summary: { items: m.summary.items, proposals: m.summary.proposals ?? null, finalized: m.summary.finalized, previous: m.previous_outcomes },
      support: { ...s.activities.support, requests: m.support_requests ?? null },
    },
    media: { ...s.media, speaking, talk: m.talk_time ? freshTalk(m.talk_time, now) : null },
    breakouts: m.breakouts ?? null,
    screenShare: m.screen_share,
    e2ee: m.e2ee,
  };
}

/**
 * Someone came in or changed (their role, connection, microphone or camera).
 * @param {RoomState} s
 * @param {Participant} person
 * @param {number} now
 * @returns {RoomState}
 */
export function personChanged(s, person, now) {
  const people = new Map(s.people).set(person.id, person);
  const me = person.id === s.me.id && person.role !== s.me.role ? { ...s.me, role: person.role } : s.me;
  const next = { ...s, me, people };
  // A muted person is not heard, so not speaking: the server sends no
  // `speaking: false` when a mute cuts a stretch short.
  return person.audio ? next : speaking(next, person.id, false, now);
}

/**
 * @param {RoomState} s
 * @param {number} id
 * @param {number} now
 * @returns {RoomState}
 */
export function personLeft(s, id, now) {
  const gone = speaking(s, id, false, now);
  const people = new Map(gone.people);
  people.delete(id);
  const hands = gone.floor.hands.includes(id) ? gone.floor.hands.filter((other) => other !== id) : gone.floor.hands;
  const talk = gone.media.talk;
  /** @type {Map<number, number> | undefined} */
  const extra = talk?.extra.has(id) ? new Map(talk.extra) : undefined;
  extra?.delete(id);
  return {
    ...gone,
    people,
    floor: hands === gone.floor.hands ? gone.floor : { ...gone.floor, hands },
    media: talk && extra ? { ...gone.media, talk: { ...talk, extra } } : gone.media,
  };
}

/**
 * Someone started or stopped speaking. A stretch that ends is added to the
 * talk time seen since the last totals (the totals already count what came
 * before them).
 * @param {RoomState} s
 * @param {number} id
 * @param {boolean} on whether they speak now
 * @param {number} now
 * @returns {RoomState}
 */
export function speaking(s, id, on, now) {
  const since = s.media.speaking.get(id);
  if (on === (since !== undefined)) return s;
  const speakers = new Map(s.media.speaking);
  if (on) return { ...s, media: { ...s.media, speaking: speakers.set(id, now) } };
  speakers.delete(id);
  const talk = s.media.talk;
  if (!talk || since === undefined) return { ...s, media: { ...s.media, speaking: speakers } };
  const extra = new Map(talk.extra).set(id, (talk.extra.get(id) ?? 0) + now - Math.max(since, talk.at));
  return { ...s, media: { ...s.media, speaking: speakers, talk: { ...talk, extra } } };
}

/**
 * @param {RoomState} s
 * @param {Extract<RoomEvent, {type: 'connection'}>} m
 * @returns {RoomState}
 */
export function connection(s, m) {
  switch (m.state) {
    case 'reconnecting': return { ...s, connection: { ...s.connection, status: 'reconnecting', attempt: m.attempt } };
    case 'resumed':
    case 'rejoined': return { ...s, connection: { status: 'open', attempt: 0, restarting: false } };
    // Out of the room for good: nobody is seen or heard any more.
    case 'closed': return {
      ...s,
      breakouts: null,
      screenShare: NO_SHARE,
      me: { ...s.me, inRoom: false },
      connection: { ...s.connection, status: 'closed', attempt: 0 },
      people: new Map(),
      media: { ...s.media, speaking: new Map() },
    };
    default: return s;
  }
}

/**
 * The energizer that runs now; "I'm back" and the count carry over only if
 * it is the same one (a fresh `room_state` after a reconnection).
 * @param {EnergizerState} before
 * @param {ActiveEnergizer | null} active
 * @returns {EnergizerState}
 */
export function energizerStarted(before, active) {
  const same = sameEnergizer(before.active, active);
  return { ...before, active, back: same && before.back, progress: same ? before.progress : null };
}

/**
 * The one place the server's clock is read: every message that carries the
 * server's time corrects the offset.
 * @param {ClockState} clock
 * @param {number} serverTime
 * @param {number} now
 * @returns {ClockState}
 */
export function synced(clock, serverTime, now) {
  const offset = serverTime - now;
  return offset === clock.offset ? clock : { ...clock, offset };
}

/**
 * @param {{participant: number, ms: number}[]} totals
 * @param {number} now
 * @returns {TalkState}
 */
export function freshTalk(totals, now) {
  return { totals: new Map(totals.map((total) => [total.participant, total.ms])), at: now, extra: new Map() };
}

/**
 * What only hosts are sent goes stale the moment one stops being a host.
 * @param {RoomState} s
 * @returns {RoomState}
 */
export function withoutHostOnly(s) {
  const { activities: a } = s;
  if (s.waiting === null && s.media.talk === null && a.support.requests === null
    && a.summary.proposals === null && a.energizer.progress === null) return s;
  return {
    ...s,
    waiting: null,
    media: { ...s.media, talk: null },
    activities: {
      ...a,
      support: { ...a.support, requests: null },
      summary: { ...a.summary, proposals: null },
      energizer: { ...a.energizer, progress: null },
    },
  };
}

/**
 * @param {RoomState} s
 * @param {Partial<Activities>} changes
 * @returns {RoomState}
 */
export function withActivities(s, changes) {
  return { ...s, activities: { ...s.activities, ...changes } };
}

/**
 * @param {RoomState} s
 * @param {Partial<EnergizerState>} changes
 */
export function withEnergizer(s, changes) {
  return withActivities(s, { energizer: { ...s.activities.energizer, ...changes } });
}

/**
 * @param {RoomState} s
 * @param {Partial<SupportState>} changes
 */
export function withSupport(s, changes) {
  return withActivities(s, { support: { ...s.activities.support, ...changes } });
}

/** @param {Gate} gate */
export function passed(gate) {
  return gate.rules_accepted && gate.admitted;
}

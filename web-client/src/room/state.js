// The room as this browser knows it: one state, changed only by `apply`.
//
// `apply(state, message, now)` takes the state and one of the server's room
// events (or the connection's news, or a local confirmation) and returns the
// next state. It is pure: no DOM, no timers, no clock of its own (`now`, this
// browser's time when the message came, is an argument), and it never
// changes the state it was given: a slice that changed is a new object, a
// slice that did not is the same one, so a view can tell what to redraw with
// `after.x !== before.x`. `room/model.js` feeds it; the views only read it.
//
// What only hosts are sent (the waiting list, talk time, support requests,
// summary proposals, energizer progress) is `null` for everyone else, and
// goes back to `null` the moment someone stops being a host.
//
// This file has the state's shape and `apply`; `state-changes.js` how each
// part changes, and `selectors.js` what views read from it.

import { isHost } from './selectors.js';
import {
  NO_SHARE, connection, energizerStarted, freshTalk, joined, passed, personChanged, personLeft, roomState,
  speaking, synced, withActivities, withEnergizer, withoutHostOnly, withSupport,
} from './state-changes.js';

/** @typedef {import('../shared/messages.js').RoomEvent} RoomEvent */
/** @typedef {import('../shared/messages.js').Role} Role */
/** @typedef {import('../shared/messages.js').Gate} Gate */
/** @typedef {import('../shared/messages.js').Session} Session */
/** @typedef {import('../shared/messages.js').IceServer} IceServer */
/** @typedef {import('../shared/messages.js').CrisisResource} CrisisResource */
/** @typedef {import('../shared/messages.js').Participant} Participant */
/** @typedef {import('../shared/messages.js').Waiting} Waiting */
/** @typedef {import('../shared/messages.js').ChatLine} ChatLine */
/** @typedef {import('../shared/messages.js').Reaction} Reaction */
/** @typedef {import('../shared/messages.js').Segment} Segment */
/** @typedef {import('../shared/messages.js').Clock} SessionClock */
/** @typedef {import('../shared/messages.js').Round} Round */
/** @typedef {import('../shared/messages.js').Energizer} Energizer */
/** @typedef {import('../shared/messages.js').ActiveEnergizer} ActiveEnergizer */
/** @typedef {import('../shared/messages.js').Pulse} Pulse */
/** @typedef {import('../shared/messages.js').SummaryItem} SummaryItem */
/** @typedef {import('../shared/messages.js').SupportRequest} SupportRequest */
/** @typedef {import('../shared/messages.js').Breakouts} Breakouts */
/** @typedef {import('../shared/messages.js').ScreenShare} ScreenShare */
/** @typedef {import('../shared/messages.js').E2ee} E2ee */

/**
 * What the client records itself once the server has taken a request that
 * no event answers for the asker (a bare `ack`): it goes through `apply`
 * like the server's events, so the state has one way in.
 * @typedef {{type: 'pulse_answered', pulse: number}
 *   | {type: 'support_sent'}
 *   | {type: 'energizer_back'}
 *   | {type: 'leaving'}
 *   | {type: 'chat_seen', seq: number}} LocalEvent
 */
/** @typedef {RoomEvent | LocalEvent} Input */

/**
 * Why the connection is about to close, once an event has said: the person
 * left, a host removed or declined them, the session ended, or the organizer
 * cancelled it.
 * @typedef {'left' | 'removed' | 'declined' | 'session_ended' | 'session_cancelled'} Ending
 */

/**
 * @typedef {object} Me
 * @property {number | null} id this person's id in the room, once joined
 * @property {Role} role
 * @property {Gate | null} gate what is still needed to enter
 * @property {Session | null} session
 * @property {IceServer[]} iceServers
 * @property {boolean} inRoom past the gate, with the room sent (`room_state`)
 * @property {Ending | null} ending
 */

/**
 * @typedef {object} ConnectionState
 * @property {'offline' | 'open' | 'reconnecting' | 'closed'} status
 * @property {number} attempt the reconnection attempt under way, 0 when none
 * @property {boolean} restarting the server said it is restarting: the drop that follows is why
 */

/** @typedef {{seq: number, from: number, reaction: Reaction, at: number}} SeenReaction */

/**
 * @typedef {object} Floor
 * @property {number[]} hands the queue; the first is next
 * @property {ChatLine[]} chat
 * @property {SeenReaction[]} reactions the recent ones, oldest first (`at` is this browser's clock)
 * @property {number} reactionsSeen how many reactions came so far: the next one's `seq`
 * @property {number} chatSeen the last chat line this person has had in view (what was
 *   there when they entered counts as seen): the ones after it are unread
 */

/**
 * @typedef {object} ClockState
 * @property {number} offset the server's clock minus this browser's, ms
 * @property {{segments: Segment[], clock: SessionClock} | null} runOfShow
 */

/**
 * @typedef {object} EnergizerState
 * @property {ActiveEnergizer | null} active
 * @property {boolean} back this person said "I'm back" to the active one
 * @property {{back: number, total: number} | null} progress hosts only
 * @property {Energizer[] | null} library once a host asked for it
 */

/**
 * @typedef {object} SummaryState
 * @property {SummaryItem[]} items
 * @property {SummaryItem[] | null} proposals hosts only
 * @property {boolean} finalized
 * @property {SummaryItem[]} previous the outcomes of the series' previous session
 */

/**
 * @typedef {object} SupportState
 * @property {'none' | 'sent' | 'acknowledged'} mine this person's own signal
 * @property {SupportRequest[] | null} requests hosts only: who asked and has not been seen to
 */

/**
 * @typedef {object} Activities
 * @property {Round} round
 * @property {EnergizerState} energizer
 * @property {Pulse | null} pulse
 * @property {SummaryState} summary
 * @property {SupportState} support
 */

/**
 * Talk time, for hosts: the server's totals, when they came, and the
 * stretches this page has seen end since (from `speaking`), so a long
 * stretch shows as it goes rather than only once the next totals come.
 * @typedef {{totals: ReadonlyMap<number, number>, at: number, extra: ReadonlyMap<number, number>}} TalkState
 */

/**
 * @typedef {object} MediaState
 * @property {ReadonlyMap<number, number>} speaking who speaks now, since when (this browser's clock)
 * @property {TalkState | null} talk hosts only
 * @property {boolean} incomingVideoPaused the server holds the others' video back: this page's downlink cannot carry it
 */

/**
 * @typedef {object} RoomState
 * @property {Me} me
 * @property {ConnectionState} connection
 * @property {CrisisResource[]} crisis the deployment's, once `welcome` said them
 * @property {string[]} rules the session's ground rules, at the gate and in the room
 * @property {ReadonlyMap<number, Participant>} people who is in the room, with their microphone and camera flags
 * @property {Waiting[] | null} waiting hosts only
 * @property {{locked: boolean, waitingRoom: boolean}} settings
 * @property {Floor} floor
 * @property {ClockState} clock
 * @property {Activities} activities
 * @property {MediaState} media
 * @property {Breakouts | null} breakouts the groups while they run: everyone
 *   not in one is in the main room, and each person sees and hears only the
 *   people in the same place
 * @property {ScreenShare} screenShare who shares a screen now, and who besides the hosts may
 * @property {E2ee} e2ee whether the media is end-to-end encrypted now, and the session's policy
 */

/** Long enough to read, short enough that reactions do not pile up. */
export const REACTION_SHOWN_MS = 8_000;

/** @type {Round} */
const NO_ROUND = { active: false, order: [], speaker: null, passed: [] };

/** @returns {RoomState} */
export function initialState() {
  return {
    me: { id: null, role: 'participant', gate: null, session: null, iceServers: [], inRoom: false, ending: null },
    connection: { status: 'offline', attempt: 0, restarting: false },
    crisis: [],
    rules: [],
    people: new Map(),
    waiting: null,
    settings: { locked: false, waitingRoom: true },
    floor: { hands: [], chat: [], reactions: [], reactionsSeen: 0, chatSeen: 0 },
    clock: { offset: 0, runOfShow: null },
    activities: {
      round: NO_ROUND,
      energizer: { active: null, back: false, progress: null, library: null },
      pulse: null,
      summary: { items: [], proposals: null, finalized: false, previous: [] },
      support: { mine: 'none', requests: null },
    },
    media: { speaking: new Map(), talk: null, incomingVideoPaused: false },
    breakouts: null,
    screenShare: NO_SHARE,
    e2ee: { policy: 'off', on: false },
  };
}

/**
 * The next state after one message; `state` itself is left as it was.
 * @param {RoomState} state
 * @param {Input} message
 * @param {number} now this browser's clock when the message came, ms
 * @returns {RoomState}
 */
export function apply(state, message, now) {
  const next = step(state, message, now);
  return isHost(next) ? next : withoutHostOnly(next);
}

/**
 * @param {RoomState} s
 * @param {Input} m
 * @param {number} now
 * @returns {RoomState}
 */
function step(s, m, now) {
  switch (m.type) {
    case 'welcome':
      return { ...s, crisis: m.crisis_resources ?? [], clock: synced(s.clock, m.server_time, now) };
    case 'joined': return joined(s, m);
    case 'gate': {
      const gate = { rules_accepted: m.rules_accepted, admitted: m.admitted };
      return { ...s, me: { ...s.me, gate, inRoom: s.me.inRoom && passed(gate) } };
    }
    case 'room_state': return roomState(s, m, now);
    case 'participant_joined':
    case 'participant_updated': return personChanged(s, m.participant, now);
    case 'participant_left': return personLeft(s, m.participant, now);
    case 'waiting_room': return { ...s, waiting: m.waiting };
    case 'settings': return { ...s, settings: { locked: m.locked, waitingRoom: m.waiting_room } };
    case 'chat': {
      /** @type {ChatLine} */
      const line = { seq: m.seq, from: m.from, name: m.name, text: m.text, at: m.at };
      if (m.breakout !== undefined) line.breakout = m.breakout;
      return { ...s, floor: { ...s.floor, chat: [...s.floor.chat, line] } };
    }
    case 'hands': return { ...s, floor: { ...s.floor, hands: m.queue } };
    case 'reaction': {
      const seq = s.floor.reactionsSeen + 1;
      const recent = s.floor.reactions.filter((r) => now - r.at < REACTION_SHOWN_MS);
      const reactions = [...recent, { seq, from: m.from, reaction: m.reaction, at: now }];
      return { ...s, floor: { ...s.floor, reactions, reactionsSeen: seq } };
    }
    case 'declined':
    case 'removed':
    case 'session_ended':
    case 'session_cancelled': return { ...s, me: { ...s.me, ending: m.type } };
    // An organizer changed the title, the time or the rules while the room is live.
    case 'session_changed': return { ...s, me: { ...s.me, session: m.session } };
    case 'server_restarting': return { ...s, connection: { ...s.connection, restarting: true } };
    case 'run_of_show':
      return { ...s, clock: { ...synced(s.clock, m.server_time, now), runOfShow: { segments: m.segments, clock: m.clock } } };
    case 'round':
      return withActivities(s, { round: { active: m.active, order: m.order, speaker: m.speaker, passed: m.passed } });
    case 'rules_shown':
    case 'ground_rules': return { ...s, rules: m.rules };
    case 'energizers': return withEnergizer(s, { library: m.energizers });
    case 'energizer_started': {
      const active = { energizer: m.energizer, seated: m.seated, ends_at: m.ends_at, server_time: m.server_time };
      return { ...withEnergizer(s, energizerStarted(s.activities.energizer, active)), clock: synced(s.clock, m.server_time, now) };
    }
    case 'energizer_progress': return withEnergizer(s, { progress: { back: m.back, total: m.total } });
    case 'energizer_ended': return withEnergizer(s, { active: null, back: false, progress: null });
    case 'pulse': {
      const { type: _type, ...pulse } = m;
      return withActivities(s, { pulse });
    }
    case 'summary':
      return withActivities(s, { summary: { ...s.activities.summary, items: m.items, proposals: m.proposals ?? null, finalized: m.finalized } });
    case 'speaking': return speaking(s, m.participant, m.speaking, now);
    case 'talk_time': return { ...s, media: { ...s.media, talk: freshTalk(m.totals, now) } };
    case 'incoming_video_paused': return { ...s, media: { ...s.media, incomingVideoPaused: m.paused } };
    case 'support_requests': return withSupport(s, { requests: m.requests });
    case 'support_acknowledged': return withSupport(s, { mine: 'acknowledged' });
    case 'screen_share': return { ...s, screenShare: { sharer: m.sharer, allowed: m.allowed } };
    case 'e2ee_changed': return { ...s, e2ee: m.e2ee };
    case 'breakouts':
      return { ...s, breakouts: m.breakouts ?? null, clock: m.breakouts ? synced(s.clock, m.breakouts.server_time, now) : s.clock };
    case 'connection': return connection(s, m);
    // What the client records itself, once the server took the request.
    case 'pulse_answered': {
      const pulse = s.activities.pulse;
      return pulse && pulse.id === m.pulse && !pulse.you_answered ? withActivities(s, { pulse: { ...pulse, you_answered: true } }) : s;
    }
    // An acknowledgement that came first is the newer news.
    case 'support_sent': return s.activities.support.mine === 'none' ? withSupport(s, { mine: 'sent' }) : s;
    case 'energizer_back': return withEnergizer(s, { back: true });
    case 'leaving': return { ...s, me: { ...s.me, ending: 'left' } };
    case 'chat_seen':
      return m.seq > s.floor.chatSeen ? { ...s, floor: { ...s.floor, chatSeen: m.seq } } : s;
    // News with nothing to keep (a hand called, a reaction's sound, a warning,
    // a host's mute): the views hear of it from the model's notification.
    default: return s;
  }
}

// The room model: the one listener to the server's room events. It keeps the
// room's state (`state.js`), applies each event to it, and then tells every
// view at once what changed. Views read `model.state`, subscribe to changes,
// and send their requests through `model.connection`; none of them listens
// to the connection's room events itself, so none depends on the order in
// which the others were made. Media signalling is not a room event: the
// media session (`media.js`) takes its own offers, answers and candidates.
//
// No DOM here: the unit tests drive it with recorded messages.

import { Emitter } from '../shared/events.js';
import { apply, initialState } from './state.js';

/** @typedef {import('../shared/protocol.js').RoomConnection} RoomConnection */
/** @typedef {import('../shared/messages.js').RoomEvent} RoomEvent */
/** @typedef {import('./state.js').RoomState} RoomState */
/** @typedef {import('./state.js').Input} Input */
/** @typedef {import('./state.js').LocalEvent} LocalEvent */

/**
 * The media session's own messages, which the model leaves to it, and the
 * media keys sealed for this page, which `e2ee.js` takes.
 * @typedef {'media_offer' | 'media_answer' | 'ice_candidate' | 'media_restart' | 'media_failed' | 'media_key'} Signalling
 */
/** Replies, which settle their request's Promise and are news to nobody else. */
/** @typedef {'ack' | 'error' | 'report' | 'room_elsewhere'} Reply */
/** @typedef {Exclude<RoomEvent['type'], Signalling | Reply>} RoomEventType */

/**
 * Every room event the model applies. A record, not a list, so that
 * `tsc` fails here when the server gains a message type nobody handles.
 * @type {Record<RoomEventType, true>}
 */
const ROOM_EVENTS = {
  welcome: true, joined: true, gate: true, room_state: true,
  participant_joined: true, participant_updated: true, participant_left: true,
  waiting_room: true, settings: true, chat: true, hands: true, hand_called: true, reaction: true,
  mute_requested: true, declined: true, removed: true, session_ended: true, session_cancelled: true, server_restarting: true,
  session_changed: true,
  run_of_show: true, time_warning: true, round: true, rules_shown: true, ground_rules: true,
  energizers: true, energizer_started: true, energizer_progress: true, energizer_ended: true, break_nudge: true,
  pulse: true, summary: true, speaking: true, talk_time: true, muted_by_host: true, video_stopped_by_host: true,
  incoming_video_paused: true,
  support_requests: true, support_acknowledged: true, connection: true,
  breakouts: true, breakout_message: true, screen_share: true, e2ee_changed: true,
};

/** The room event types, for whoever needs to list them (the tests do). */
export const ROOM_EVENT_TYPES = /** @type {RoomEventType[]} */ (Object.keys(ROOM_EVENTS));

/**
 * What a view is told after each change. `message` says what just happened,
 * for what is news rather than state (a hand called, a time warning) and
 * for telling a first load from a change worth announcing; everything to
 * draw is read from `state`. `before` is the state it replaced.
 * @typedef {{type: 'change', state: RoomState, before: RoomState, message: Input}} Change
 */

export class RoomModel {
  /**
   * @param {RoomConnection} connection
   * @param {() => number} [clock] this browser's clock, ms
   */
  constructor(connection, clock = Date.now) {
    /** How views send their requests. */
    this.connection = connection;
    this.clock = clock;
    /** @type {RoomState} */
    this.state = initialState();
    /** @type {Emitter<Change>} */
    this.changes = new Emitter();
    for (const type of ROOM_EVENT_TYPES) connection.on(type, (message) => this.take(message));
  }

  /**
   * Calls `view` after every change, once the state is complete.
   * @param {(change: Change) => void} view
   * @returns {() => void} stops calling it
   */
  subscribe(view) {
    return this.changes.on('change', view);
  }

  /**
   * Records what the server took from this browser with a bare `ack`.
   * @param {LocalEvent} event
   */
  note(event) {
    this.take(event);
  }

  /** @param {Input} message */
  take(message) {
    const before = this.state;
    this.state = apply(before, message, this.clock());
    this.changes.emit({ type: 'change', state: this.state, before, message });
  }
}

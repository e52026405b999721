// The wire vocabulary as the web client names it. Every message's shape
// comes from `wire.d.ts`, which is generated from the server's Rust types
// (server/src/protocol/) and checked by a test to be current: nothing here
// repeats a shape. This file only gives the client's names to parts of it,
// and adds what the client makes up itself: the connection's own news and
// two error codes for requests that never got an answer.

/** @typedef {import('./wire.js').Role} Role */
/** @typedef {import('./wire.js').Reaction} Reaction */
/** @typedef {import('./wire.js').LeaveReason} LeaveReason */
/** @typedef {import('./wire.js').Session} Session */
/** @typedef {import('./wire.js').Gate} Gate */
/** @typedef {import('./wire.js').Participant} Participant */
/** @typedef {import('./wire.js').Waiting} Waiting */
/** @typedef {import('./wire.js').ChatLine} ChatLine */
/** @typedef {import('./wire.js').SegmentKind} SegmentKind */
/** @typedef {import('./wire.js').ExtendScope} ExtendScope */
/** @typedef {import('./wire.js').WarningKind} WarningKind */
/** @typedef {import('./wire.js').RoundOrder} RoundOrder */
/** @typedef {import('./wire.js').PulseKind} PulseKind */
/** @typedef {import('./wire.js').SummaryKind} SummaryKind */
/** @typedef {import('./wire.js').SegmentDraft} SegmentDraft */
/** @typedef {import('./wire.js').Segment} Segment */
/** @typedef {import('./wire.js').Clock} Clock */
/** @typedef {import('./wire.js').RunOfShow} RunOfShow */
/** @typedef {import('./wire.js').Round} Round */
/** @typedef {import('./wire.js').Energizer} Energizer */
/** @typedef {import('./wire.js').ActiveEnergizer} ActiveEnergizer */
/** @typedef {import('./wire.js').Pulse} Pulse */
/** @typedef {import('./wire.js').SummaryItem} SummaryItem */
/** @typedef {import('./wire.js').Summary} Summary */
/** @typedef {import('./wire.js').IceServer} IceServer */
/** @typedef {import('./wire.js').IceCandidate} IceCandidate */
/** @typedef {import('./wire.js').ShownVideo} ShownVideo */
/** @typedef {import('./wire.js').TalkTime} TalkTime */
/** @typedef {import('./wire.js').CrisisResource} CrisisResource */
/** @typedef {import('./wire.js').Breakouts} Breakouts */
/** @typedef {import('./wire.js').BreakoutGroup} BreakoutGroup */
/** @typedef {import('./wire.js').ScreenShare} ScreenShare */
/** @typedef {import('./wire.js').E2ee} E2ee */
/** @typedef {import('./wire.js').E2eePolicy} E2eePolicy */
/** @typedef {import('./wire.js').SessionReport} SessionReport */
/** Hosts only: someone who asked for support and has not been seen to. @typedef {import('./wire.js').SupportSignal} SupportRequest */

/**
 * The server's codes, plus two the client makes up itself for requests that
 * never got an answer: `disconnected` and `timeout`.
 * @typedef {import('./wire.js').ErrorCode | 'disconnected' | 'timeout'} ErrorCode
 */

/** Every message the server sends, with the `id` of the request it answers. @typedef {import('./wire.js').WithId<import('./wire.js').ServerMessage>} ServerMessage */
/** Every message a client may send (without the `id`, which the connection adds). @typedef {import('./wire.js').ClientMessage} ClientMessage */
/** @typedef {Extract<ServerMessage, {type: 'joined'}>} JoinedMessage */
/** @typedef {Extract<ServerMessage, {type: 'error'}>} ErrorMessage */
/** @typedef {Extract<ServerMessage, {type: 'room_state'}>} RoomStateMessage */

// ---- What the connection itself reports -------------------------------------

/**
 * How the socket stands. `reconnecting` while it retries after a drop;
 * `resumed` when it got the same place back; `rejoined` when the place was
 * gone and it joined afresh (the gate starts over); `closed` when it will not
 * retry: `code` is the WebSocket close code, `error` the protocol error that
 * ended it, if any.
 * @typedef {{type: 'connection', state: 'reconnecting', attempt: number}
 *   | {type: 'connection', state: 'resumed'}
 *   | {type: 'connection', state: 'rejoined'}
 *   | {type: 'connection', state: 'closed', code: number, reason: string, error?: ErrorCode}} ConnectionMessage
 */

/** @typedef {ServerMessage | ConnectionMessage} RoomEvent */

export {};

// The wire vocabulary, as JSDoc types that mirror `server/src/protocol/`
// (`client.rs`, `server.rs`, `wire.rs`, `errors.rs`).
// This file has no code on purpose: it is the one place to update when the
// server's messages change, and `tsc --noEmit` then shows every use to fix.
// Times are milliseconds since the Unix epoch.

/** @typedef {'facilitator' | 'co_facilitator' | 'participant'} Role */
/** @typedef {'nod' | 'thanks' | 'heart' | 'me_too'} Reaction */
/** @typedef {'left' | 'timed_out' | 'removed' | 'declined'} LeaveReason */

/**
 * The codes of `server/src/protocol/errors.rs`, plus two the client makes up
 * itself for requests that never got an answer: `disconnected` and `timeout`.
 * @typedef {'bad_json' | 'unknown_type' | 'unknown_field' | 'invalid_message'
 *   | 'invalid_input' | 'too_large' | 'binary_not_supported' | 'rate_limited'
 *   | 'handshake_required' | 'unsupported_version' | 'already_joined'
 *   | 'not_joined' | 'invalid_token' | 'token_expired' | 'token_revoked'
 *   | 'session_ended' | 'session_cancelled' | 'not_open_yet' | 'room_locked' | 'room_full' | 'removed'
 *   | 'resume_failed' | 'forbidden' | 'not_found' | 'not_in_room'
 *   | 'unavailable' | 'internal' | 'disconnected' | 'timeout'} ErrorCode
 */

/**
 * @typedef {object} Session
 * @property {string} id
 * @property {string} title
 * @property {number} starts_at
 * @property {number} ends_at
 * @property {string[]} ground_rules
 */

/**
 * The two conditions for entering: rules accepted and admitted by a host.
 * @typedef {object} Gate
 * @property {boolean} rules_accepted
 * @property {boolean} admitted
 */

/**
 * @typedef {object} Participant
 * @property {number} id
 * @property {string} name
 * @property {Role} role
 * @property {boolean} connected
 * @property {boolean} audio their microphone is on (a host's mute turns it off)
 * @property {boolean} video their camera is on
 */

/**
 * Someone in the waiting room, as hosts see them.
 * @typedef {object} Waiting
 * @property {number} id
 * @property {string} name
 * @property {boolean} rules_accepted
 * @property {boolean} admitted
 * @property {number} since
 */

/**
 * @typedef {object} ChatLine
 * @property {number} seq
 * @property {number} from
 * @property {string} name
 * @property {string} text
 * @property {number} at
 */

// ---- The facilitation toolkit's shapes (server/src/protocol/wire.rs) -------

/** @typedef {'check_in' | 'sharing' | 'discussion' | 'energizer' | 'wrap_up' | 'custom'} SegmentKind */
/** @typedef {'segment' | 'session'} ExtendScope */
/** @typedef {'session_ending' | 'segment_over'} WarningKind */
/** @typedef {'hands_first' | 'shuffled'} RoundOrder */
/** @typedef {'scale' | 'word'} PulseKind */
/** @typedef {'takeaway' | 'consensus' | 'outcome' | 'follow_up'} SummaryKind */

/** @typedef {{title: string, kind: SegmentKind, minutes: number, objective?: string}} SegmentDraft */
/** @typedef {SegmentDraft & {id: number}} Segment */

/**
 * The session clock, as absolute times: clients count down themselves,
 * correcting with `server_time`; the server sends no ticks.
 * @typedef {object} Clock
 * @property {number | null} started_at
 * @property {number} planned_end
 * @property {number | null} current_segment
 * @property {number | null} segment_started_at
 * @property {number | null} segment_deadline
 * @property {number | null} paused_at
 */

/** @typedef {{segments: Segment[], clock: Clock, server_time: number}} RunOfShow */
/** @typedef {{active: boolean, order: number[], speaker: number | null, passed: number[]}} Round */
/** @typedef {{id: string, title: string, seconds: number, steps: string[], seated: string[]}} Energizer */
/** @typedef {{energizer: Energizer, seated: boolean, ends_at: number, server_time: number}} ActiveEnergizer */

/**
 * A pulse check; the distribution appears once it is closed (and, for
 * participants, shared).
 * @typedef {object} Pulse
 * @property {number} id
 * @property {string} question
 * @property {PulseKind} kind
 * @property {boolean} open
 * @property {number} answered
 * @property {boolean} you_answered
 * @property {boolean} shared whether a host has shared the results with everyone
 * @property {[number, number, number, number, number]} [scale]
 * @property {{word: string, count: number}[]} [words]
 */

/** @typedef {{id: number, kind: SummaryKind, text: string}} SummaryItem */

// ---- Media (server/src/protocol/wire.rs) ------------------------------------

/**
 * A STUN or TURN server, in the shape of the browser's own `RTCIceServer`.
 * @typedef {{urls: string[], username?: string, credential?: string}} IceServer
 */
/**
 * A candidate as `RTCIceCandidate.toJSON()` gives it; the server sends no
 * `usernameFragment`.
 * @typedef {{candidate: string, sdpMid?: string | null, sdpMLineIndex?: number | null, usernameFragment?: string | null}} IceCandidate
 */
/**
 * How long someone in the room has spoken, for hosts only.
 * @typedef {{participant: number, ms: number}} TalkTime
 */
/** @typedef {{items: SummaryItem[], proposals?: SummaryItem[], finalized: boolean}} Summary */

// ---- Server messages -------------------------------------------------------

/** @typedef {{label: string, contact: string}} CrisisResource */
/** Hosts only: someone who asked for support and has not been seen to. @typedef {{participant: number, name: string, since: number}} SupportRequest */
/** @typedef {{type: 'welcome', id?: number, version: number, server_time: number, crisis_resources: CrisisResource[]}} WelcomeMessage */
/** @typedef {{type: 'joined', id?: number, you: number, role: Role, resume_token: string, session: Session, gate: Gate, ice_servers: IceServer[]}} JoinedMessage */
/** @typedef {{type: 'ack', id: number}} AckMessage */
/** @typedef {{type: 'error', id?: number, code: ErrorCode, message: string}} ErrorMessage */
/** @typedef {{type: 'gate'} & Gate} GateMessage */
/**
 * Everything needed to draw the room; `waiting` and `talk_time` are present
 * for hosts only.
 * @typedef {{type: 'room_state', id?: number, you: number, server_time: number,
 *   participants: Participant[], hands: number[], chat: ChatLine[],
 *   locked: boolean, waiting_room: boolean, waiting?: Waiting[],
 *   ground_rules: string[], run_of_show: RunOfShow, round: Round,
 *   energizer?: ActiveEnergizer, energizer_progress?: {back: number, total: number}, pulse?: Pulse, summary: Summary,
 *   previous_outcomes: SummaryItem[], talk_time?: TalkTime[],
 *   support_requests?: SupportRequest[]}} RoomStateMessage
 */
/** @typedef {{type: 'participant_joined', participant: Participant}} ParticipantJoinedMessage */
/** @typedef {{type: 'participant_updated', participant: Participant}} ParticipantUpdatedMessage */
/** @typedef {{type: 'participant_left', participant: number, reason: LeaveReason}} ParticipantLeftMessage */
/** @typedef {{type: 'waiting_room', waiting: Waiting[]}} WaitingRoomMessage */
/** @typedef {{type: 'settings', locked: boolean, waiting_room: boolean}} SettingsMessage */
/** @typedef {{type: 'chat'} & ChatLine} ChatMessage */
/** @typedef {{type: 'hands', queue: number[]}} HandsMessage */
/** @typedef {{type: 'hand_called', participant: number}} HandCalledMessage */
/** @typedef {{type: 'reaction', from: number, reaction: Reaction}} ReactionMessage */
/** @typedef {{type: 'mute_requested'}} MuteRequestedMessage */
/** @typedef {{type: 'declined'}} DeclinedMessage */
/** @typedef {{type: 'removed'}} RemovedMessage */
/** @typedef {{type: 'session_ended'}} SessionEndedMessage */
/** @typedef {{type: 'server_restarting'}} ServerRestartingMessage */
/** @typedef {{type: 'run_of_show'} & RunOfShow} RunOfShowMessage */
/** @typedef {{type: 'time_warning', kind: WarningKind, minutes?: number, segment?: number}} TimeWarningMessage */
/** @typedef {{type: 'round'} & Round} RoundMessage */
/** @typedef {{type: 'rules_shown', rules: string[]}} RulesShownMessage */
/** @typedef {{type: 'ground_rules', rules: string[]}} GroundRulesMessage */
/** @typedef {{type: 'energizers', id?: number, energizers: Energizer[]}} EnergizersMessage */
/** @typedef {{type: 'energizer_started'} & ActiveEnergizer} EnergizerStartedMessage */
/** @typedef {{type: 'energizer_progress', back: number, total: number}} EnergizerProgressMessage */
/** @typedef {{type: 'energizer_ended'}} EnergizerEndedMessage */
/** @typedef {{type: 'break_nudge', minutes: number}} BreakNudgeMessage */
/** @typedef {{type: 'pulse'} & Pulse} PulseMessage */
/** @typedef {{type: 'summary'} & Summary} SummaryMessage */
/** @typedef {{type: 'media_answer', sdp: string}} MediaAnswerMessage */
/** @typedef {{type: 'media_offer', sdp: string}} MediaOfferMessage */
/** @typedef {{type: 'ice_candidate', candidate: IceCandidate}} IceCandidateMessage */
/** @typedef {{type: 'media_failed', reason: string}} MediaFailedMessage */
/** @typedef {{type: 'media_restart'}} MediaRestartMessage */
/** @typedef {{type: 'speaking', participant: number, speaking: boolean}} SpeakingMessage */
/** @typedef {{type: 'talk_time', totals: TalkTime[]}} TalkTimeMessage */
/** @typedef {{type: 'muted_by_host'}} MutedByHostMessage */
/** @typedef {{type: 'video_stopped_by_host'}} VideoStoppedByHostMessage */
/** @typedef {{type: 'support_requests', requests: SupportRequest[]}} SupportRequestsMessage */
/** @typedef {{type: 'support_acknowledged'}} SupportAcknowledgedMessage */

/**
 * @typedef {WelcomeMessage | JoinedMessage | AckMessage | ErrorMessage
 *   | GateMessage | RoomStateMessage | ParticipantJoinedMessage
 *   | ParticipantUpdatedMessage | ParticipantLeftMessage | WaitingRoomMessage
 *   | SettingsMessage | ChatMessage | HandsMessage | HandCalledMessage
 *   | ReactionMessage | MuteRequestedMessage | DeclinedMessage | RemovedMessage
 *   | SessionEndedMessage | ServerRestartingMessage | RunOfShowMessage
 *   | TimeWarningMessage | RoundMessage | RulesShownMessage | GroundRulesMessage
 *   | EnergizersMessage | EnergizerStartedMessage | EnergizerProgressMessage
 *   | EnergizerEndedMessage | BreakNudgeMessage | PulseMessage | SummaryMessage
 *   | MediaAnswerMessage | MediaOfferMessage | IceCandidateMessage | MediaFailedMessage | MediaRestartMessage
 *   | SpeakingMessage | TalkTimeMessage | MutedByHostMessage | VideoStoppedByHostMessage
 *   | SupportRequestsMessage | SupportAcknowledgedMessage} ServerMessage
 */

// ---- Client messages (without the `id`, which the connection adds) ---------

/**
 * @typedef {{type: 'hello', version: number}
 *   | {type: 'join', token: string, name: string, device: string}
 *   | {type: 'resume', resume_token: string}
 *   | {type: 'get_state'}
 *   | {type: 'accept_rules'}
 *   | {type: 'chat', text: string}
 *   | {type: 'raise_hand'}
 *   | {type: 'lower_hand', participant?: number}
 *   | {type: 'call_next_hand'}
 *   | {type: 'react', reaction: Reaction}
 *   | {type: 'admit', participant: number}
 *   | {type: 'decline', participant: number}
 *   | {type: 'admit_all'}
 *   | {type: 'set_waiting_room', enabled: boolean}
 *   | {type: 'set_locked', locked: boolean}
 *   | {type: 'remove', participant: number}
 *   | {type: 'ask_to_mute', participant: number}
 *   | {type: 'set_role', participant: number, role: Role}
 *   | {type: 'end_session'}
 *   | {type: 'leave'}
 *   | {type: 'start_session'} | {type: 'next_segment'} | {type: 'previous_segment'}
 *   | {type: 'pause_clock'} | {type: 'resume_clock'}
 *   | {type: 'extend', minutes: number, scope: ExtendScope}
 *   | {type: 'add_segment', segment: SegmentDraft, position?: number}
 *   | {type: 'update_segment', segment_id: number, segment: SegmentDraft}
 *   | {type: 'remove_segment', segment_id: number}
 *   | {type: 'move_segment', segment_id: number, position: number}
 *   | {type: 'start_round', order: RoundOrder} | {type: 'next_speaker'} | {type: 'pass'} | {type: 'end_round'}
 *   | {type: 'show_rules'} | {type: 'set_ground_rules', rules: string[]}
 *   | {type: 'list_energizers'} | {type: 'launch_energizer', energizer: string, seated?: boolean}
 *   | {type: 'im_back'} | {type: 'end_energizer'}
 *   | {type: 'start_pulse', kind: PulseKind, question?: string}
 *   | {type: 'answer_pulse', pulse: number, scale?: number, word?: string}
 *   | {type: 'close_pulse'} | {type: 'share_pulse'}
 *   | {type: 'add_summary_item', key: string, kind: SummaryKind, text: string}
 *   | {type: 'edit_summary_item', key: string, item: number, kind: SummaryKind, text: string}
 *   | {type: 'delete_summary_item', key: string, item: number}
 *   | {type: 'move_summary_item', key: string, item: number, position: number}
 *   | {type: 'propose_summary_item', kind: SummaryKind, text: string}
 *   | {type: 'accept_proposal', key: string, proposal: number}
 *   | {type: 'decline_proposal', proposal: number}
 *   | {type: 'finalize_summary', key: string}
 *   | {type: 'set_media_state', audio: boolean, video: boolean}
 *   | {type: 'mute', participant: number} | {type: 'stop_video', participant: number}
 *   | {type: 'media_offer', sdp: string} | {type: 'media_answer', sdp: string}
 *   | {type: 'ice_candidate', candidate: IceCandidate}
 *   | {type: 'need_support'} | {type: 'acknowledge_support', participant: number}} ClientMessage
 */

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

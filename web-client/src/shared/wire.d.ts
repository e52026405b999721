// The PeerRoom wire protocol's types, generated from the Rust types in
// server/src/protocol/ by server/src/protocol/typescript.rs. Do not edit:
// a test fails when this file and the Rust types differ. To regenerate:
//   PEER_ROOM_UPDATE_GENERATED=1 cargo test -p peer-room --lib protocol::typescript
// Times are milliseconds since the Unix epoch (UTC).

/** A message as it travels: a reply echoes the `id` of the request it answers. */
export type WithId<M> = M & { id?: number };

export type ActiveEnergizer = { energizer: Energizer, 
/**
 * Whether everyone is shown the seated variant.
 */
seated: boolean, ends_at: number, server_time: number, };

export type BreakoutEvent =
  | { "type": "breakouts", breakouts?: Breakouts, }
  | { "type": "breakout_message", from: ParticipantId, text: string, at: number, };

export type BreakoutGroup = { 
/**
 * Numbers are never reused in a session, so a chat line's `breakout`
 * names one group only.
 */
id: number, members: Array<ParticipantId>, 
/**
 * Hosts looking in.
 */
visitors: Array<ParticipantId>, };

export type BreakoutRequest =
  | { "type": "open_breakouts", groups: Array<Array<ParticipantId>>, minutes: number, choose: boolean, }
  | { "type": "move_to_breakout", participant: ParticipantId, breakout?: number, }
  | { "type": "visit_breakout", breakout?: number, }
  | { "type": "choose_breakout", breakout?: number, }
  | { "type": "extend_breakouts", minutes: number, }
  | { "type": "end_breakouts", in_seconds?: number, }
  | { "type": "broadcast_to_breakouts", text: string, };

export type BreakoutRun = { opened_at: number, 
/**
 * Absent while they run.
 */
closed_at: number | null, groups: number, people: number, planned_minutes: number, };

/**
 * Breakouts while they run. Anyone not in a group (as a member or a
 * visitor) is in the main room.
 */
export type Breakouts = { groups: Array<BreakoutGroup>, ends_at: number, server_time: number, 
/**
 * People choose their group.
 */
choose: boolean, 
/**
 * Less than a minute is left: everyone is told to finish.
 */
ending: boolean, };

export type ChatLine = { seq: number, from: ParticipantId, name: string, text: string, at: number, 
/**
 * Said in this breakout group, for its members only; absent: said in
 * the main room.
 */
breakout?: number, };

/**
 * Every message a client may send.
 */
export type ClientMessage = ConnectionRequest | RoomRequest;

/**
 * Where the session is in its run-of-show. Clients count down from these
 * absolute times, using `server_time` to correct for their own clock; no
 * ticks are sent.
 */
export type Clock = { started_at: number | null, 
/**
 * When the session is planned to end; extending it moves this.
 */
planned_end: number, current_segment: number | null, segment_started_at: number | null, segment_deadline: number | null, 
/**
 * While paused, the segment countdown stands still. The session's planned
 * end does not move: a pause is not an extension.
 */
paused_at: number | null, };

export type ConnectionEvent =
  | { "type": "welcome", version: number, server_time: number, 
/**
 * Where to turn in a crisis: shown from the first screen on.
 */
crisis_resources: Array<CrisisResource>, }
  | { "type": "joined", you: ParticipantId, role: Role, resume_token: string, session: Session, gate: Gate, 
/**
 * STUN and TURN servers for the client's peer connection.
 */
ice_servers: Array<IceServer>, }
  | { "type": "ack", }
  | { "type": "error", code: ErrorCode, 
/**
 * English, for people; it may change. Match on `code`.
 */
message: string, }
  | { "type": "server_restarting", }
  | { "type": "room_elsewhere", ws_url: string, };

export type ConnectionRequest =
  | { "type": "hello", version: number, }
  | { "type": "join", token: string, 
/**
 * A display name; a pseudonym is fine.
 */
name: string, 
/**
 * The browser's own random key: how a removed person is kept out
 * when everyone shares one participant link.
 */
device: string, }
  | { "type": "resume", resume_token: string, };

/**
 * Where to turn in a crisis, as a deployment sets it.
 */
export type CrisisResource = { 
/**
 * What it is, e.g. "9-8-8 Suicide Crisis Helpline".
 */
label: string, 
/**
 * How to reach it, e.g. "Call or text 988".
 */
contact: string, };

/**
 * Whether the room's media is end-to-end encrypted now, and on what terms.
 */
export type E2ee = { policy: E2eePolicy, 
/**
 * The pages encrypt every frame they send and decrypt every frame they
 * receive. Always on where it is required, never where it is off.
 */
on: boolean, };

export type E2eeEvent =
  | { "type": "media_key", from: ParticipantId, key: string, }
  | { "type": "e2ee_changed", e2ee: E2ee, };

/**
 * What an organizer asks of a session's media.
 */
export type E2eePolicy = "off" | "offered" | "required";

export type E2eeRequest =
  | { "type": "set_e2ee_key", public_key: string, }
  | { "type": "send_media_keys", keys: Array<SealedKey>, }
  | { "type": "set_e2ee", on: boolean, };

/**
 * One activity, as a facilitator picks it and everyone sees it. A
 * deployment's own library is read in this shape too.
 */
export type Energizer = { 
/**
 * A short stable name, such as `box-breathing`.
 */
id: string, title: string, 
/**
 * How long it runs; everyone sees the countdown.
 */
seconds: number, steps: Array<string>, 
/**
 * The version for someone seated, with limited mobility, or in a shared space.
 */
seated: Array<string>, };

/**
 * How many are back from an energizer, of how many (hosts aside).
 */
export type EnergizerProgress = { back: number, total: number, };

export type EnergyEvent =
  | { "type": "energizers", energizers: Array<Energizer>, }
  | { "type": "energizer_started" } & ActiveEnergizer
  | { "type": "energizer_progress" } & EnergizerProgress
  | { "type": "energizer_ended", }
  | { "type": "break_nudge", minutes: number, }
  | { "type": "pulse" } & Pulse;

export type EnergyRequest =
  | { "type": "list_energizers", }
  | { "type": "launch_energizer", energizer: string, 
/**
 * Show everyone the seated variant.
 */
seated?: boolean, }
  | { "type": "im_back", }
  | { "type": "end_energizer", }
  | { "type": "start_pulse", kind: PulseKind, question?: string, }
  | { "type": "answer_pulse", pulse: number, scale?: number, word?: string, }
  | { "type": "close_pulse", }
  | { "type": "share_pulse", };

export type ErrorCode = "bad_json" | "unknown_type" | "unknown_field" | "invalid_message" | "invalid_input" | "too_large" | "binary_not_supported" | "rate_limited" | "handshake_required" | "unsupported_version" | "already_joined" | "not_joined" | "invalid_token" | "token_expired" | "token_revoked" | "session_ended" | "session_cancelled" | "not_open_yet" | "room_locked" | "room_full" | "waiting_room_full" | "declined" | "removed" | "resume_failed" | "forbidden" | "not_found" | "not_in_room" | "e2ee_key_required" | "unavailable" | "internal";

export type ExtendScope = "segment" | "session";

export type FacilitationEvent =
  | { "type": "run_of_show" } & RunOfShow
  | { "type": "time_warning", kind: WarningKind, 
/**
 * For `session_ending`: minutes left.
 */
minutes?: number, 
/**
 * For `segment_over`: the segment whose time is up.
 */
segment?: number, }
  | { "type": "round" } & Round
  | { "type": "rules_shown", rules: Array<string>, }
  | { "type": "ground_rules", rules: Array<string>, };

export type FacilitationRequest =
  | { "type": "start_session", }
  | { "type": "next_segment", }
  | { "type": "previous_segment", }
  | { "type": "pause_clock", }
  | { "type": "resume_clock", }
  | { "type": "extend", minutes: number, scope: ExtendScope, }
  | { "type": "add_segment", segment: SegmentDraft, 
/**
 * Where in the agenda, from 0; the end if absent.
 */
position?: number, }
  | { "type": "update_segment", segment_id: number, segment: SegmentDraft, }
  | { "type": "remove_segment", segment_id: number, }
  | { "type": "move_segment", segment_id: number, position: number, }
  | { "type": "start_round", order: RoundOrder, }
  | { "type": "next_speaker", }
  | { "type": "pass", }
  | { "type": "end_round", }
  | { "type": "show_rules", }
  | { "type": "set_ground_rules", rules: Array<string>, };

export type FloorEvent =
  | { "type": "chat" } & ChatLine
  | { "type": "hands", queue: Array<ParticipantId>, }
  | { "type": "hand_called", participant: ParticipantId, }
  | { "type": "reaction", from: ParticipantId, reaction: Reaction, };

export type FloorRequest =
  | { "type": "chat", text: string, }
  | { "type": "raise_hand", }
  | { "type": "lower_hand", participant?: ParticipantId, }
  | { "type": "call_next_hand", }
  | { "type": "lower_all_hands", }
  | { "type": "react", reaction: Reaction, };

/**
 * The two conditions for being in the room: the ground rules accepted, and
 * admitted by a host (or by the waiting room being off).
 */
export type Gate = { rules_accepted: boolean, admitted: boolean, };

export type HostingEvent =
  | { "type": "waiting_room", waiting: Array<Waiting>, }
  | { "type": "settings", locked: boolean, waiting_room: boolean, }
  | { "type": "mute_requested", }
  | { "type": "declined", }
  | { "type": "removed", }
  | { "type": "session_ended", }
  | { "type": "session_cancelled", };

export type HostingRequest =
  | { "type": "admit", participant: ParticipantId, }
  | { "type": "decline", participant: ParticipantId, }
  | { "type": "admit_all", }
  | { "type": "set_waiting_room", enabled: boolean, }
  | { "type": "set_locked", locked: boolean, }
  | { "type": "remove", participant: ParticipantId, }
  | { "type": "ask_to_mute", participant: ParticipantId, }
  | { "type": "set_role", participant: ParticipantId, role: Role, }
  | { "type": "end_session", };

/**
 * An ICE candidate exactly as a browser's `RTCIceCandidate.toJSON()` gives it
 * (whose fields may be null).
 */
export type IceCandidate = { candidate: string, sdpMid?: string | null, sdpMLineIndex?: number | null, 
/**
 * Accepted and ignored: the server matches candidates by m-line.
 */
usernameFragment?: string | null, };

/**
 * A STUN or TURN server for the client's peer connection, in the shape of
 * the browser's `RTCIceServer`.
 */
export type IceServer = { urls: Array<string>, username?: string, credential?: string, };

/**
 * Why someone is no longer in the room.
 */
export type LeaveReason = "left" | "timed_out" | "removed" | "declined";

export type MediaEvent =
  | { "type": "media_answer", sdp: string, }
  | { "type": "media_offer", sdp: string, }
  | { "type": "ice_candidate", candidate: IceCandidate, }
  | { "type": "media_failed", reason: string, }
  | { "type": "media_restart", }
  | { "type": "incoming_video_paused", paused: boolean, }
  | { "type": "speaking", participant: ParticipantId, speaking: boolean, }
  | { "type": "talk_time", totals: Array<TalkTime>, }
  | { "type": "muted_by_host", }
  | { "type": "video_stopped_by_host", };

/**
 * How someone's audio and video connection with the server stands, as the
 * server sees it: the others' tiles show a problem, and the person's own
 * page keeps trying.
 */
export type MediaLink = "connecting" | "connected" | "trouble";

export type MediaRequest =
  | { "type": "set_media_state", audio: boolean, video: boolean, }
  | { "type": "mute", participant: ParticipantId, }
  | { "type": "stop_video", participant: ParticipantId, }
  | { "type": "media_offer", sdp: string, }
  | { "type": "media_answer", sdp: string, }
  | { "type": "ice_candidate", candidate: IceCandidate, }
  | { "type": "video_sizes", shown: Array<ShownVideo>, };

/**
 * A person as everyone in the room sees them.
 */
export type Participant = { id: ParticipantId, name: string, role: Role, connected: boolean, 
/**
 * Microphone on and camera on, as the person set them (a host's mute or
 * stop-video turns them off).
 */
audio: boolean, video: boolean, 
/**
 * How their audio and video connection with the server stands.
 */
media: MediaLink, 
/**
 * Their page's public key for end-to-end encrypted media, once it has
 * published one (base64url; see `set_e2ee_key`).
 */
e2ee_key?: string, };

/**
 * A participant's number within one room. Numbers are never reused in a
 * room, so an id in a stale message can only miss, never hit someone else.
 */
export type ParticipantId = number;

export type PresenceEvent =
  | { "type": "gate" } & Gate
  | { "type": "room_state" } & RoomState
  | { "type": "participant_joined", participant: Participant, }
  | { "type": "participant_updated", participant: Participant, }
  | { "type": "participant_left", participant: ParticipantId, reason: LeaveReason, }
  | { "type": "session_changed", session: Session, };

export type PresenceRequest =
  | { "type": "get_state", }
  | { "type": "accept_rules", }
  | { "type": "leave", };

/**
 * A pulse check. The distribution (`scale` or `words`) appears only once the
 * check is closed with at least three answers, and for participants only
 * once a host shares it.
 */
export type Pulse = { id: number, question: string, kind: PulseKind, open: boolean, answered: number, you_answered: boolean, 
/**
 * Whether a host has shared the results with everyone: a host's page
 * reloaded after sharing knows not to offer it again.
 */
shared: boolean, 
/**
 * How many chose 1, 2, 3, 4 and 5.
 */
scale?: [number, number, number, number, number], words?: Array<WordCount>, };

export type PulseKind = "scale" | "word";

/**
 * A pulse check as it closed: how many answered and, for the energy
 * scale, how many chose each point. Words people typed are not kept.
 */
export type PulseResult = { at: number, question: string, kind: PulseKind, answered: number, 
/**
 * How many chose 1 (drained) to 5 (energized).
 */
scale: [number, number, number, number, number] | null, 
/**
 * The mean of the scale in tenths (34 is 3.4); absent for words or
 * when no one answered.
 */
average_tenths: number | null, };

/**
 * The reactions someone can send without unmuting.
 */
export type Reaction = "nod" | "thanks" | "heart" | "me_too";

export type ReportEvent = { "type": "report", report: SessionReport, };

export type ReportRequest = { "type": "get_report", };

/**
 * Roles, in decreasing order of authority.
 */
export type Role = "facilitator" | "co_facilitator" | "participant";

/**
 * Everything a room tells the people in it.
 */
export type RoomEvent = PresenceEvent | HostingEvent | FloorEvent | FacilitationEvent | EnergyEvent | SummaryEvent | MediaEvent | SupportEvent | BreakoutEvent | ReportEvent | ScreenEvent | E2eeEvent;

/**
 * Everything a joined person may ask of their room.
 */
export type RoomRequest = PresenceRequest | HostingRequest | FloorRequest | FacilitationRequest | EnergyRequest | SummaryRequest | MediaRequest | SupportRequest | BreakoutRequest | ReportRequest | ScreenRequest | E2eeRequest;

/**
 * The whole room, as one person may see it.
 */
export type RoomState = { you: ParticipantId, server_time: number, participants: Array<Participant>, hands: Array<ParticipantId>, chat: Array<ChatLine>, locked: boolean, waiting_room: boolean, 
/**
 * Hosts only.
 */
waiting?: Array<Waiting>, ground_rules: Array<string>, run_of_show: RunOfShow, round: Round, energizer?: ActiveEnergizer, 
/**
 * Hosts only, while an energizer runs.
 */
energizer_progress?: EnergizerProgress, pulse?: Pulse, summary: Summary, 
/**
 * The outcomes and follow-ups of the series' previous session.
 */
previous_outcomes: Array<SummaryItem>, 
/**
 * Hosts only.
 */
talk_time?: Array<TalkTime>, 
/**
 * Hosts only.
 */
support_requests?: Array<SupportSignal>, 
/**
 * While breakouts run.
 */
breakouts?: Breakouts, screen_share: ScreenShare, e2ee: E2ee, };

/**
 * The check-in round as everyone sees it.
 */
export type Round = { 
/**
 * False once the round has been ended; the other fields are then empty.
 */
active: boolean, order: Array<ParticipantId>, speaker: ParticipantId | null, passed: Array<ParticipantId>, };

export type RoundOrder = "hands_first" | "shuffled";

export type RunOfShow = { segments: Array<Segment>, clock: Clock, server_time: number, };

export type ScreenEvent = { "type": "screen_share" } & ScreenShare;

export type ScreenRequest =
  | { "type": "start_screen_share", }
  | { "type": "stop_screen_share", participant?: ParticipantId, }
  | { "type": "allow_screen_share", participant: ParticipantId, allowed: boolean, };

/**
 * Who shares now, and who besides the hosts may.
 */
export type ScreenShare = { sharer: ParticipantId | null, allowed: Array<ParticipantId>, };

/**
 * A media key sealed for one person.
 */
export type SealedKey = { to: ParticipantId, key: string, };

export type Segment = { id: number, title: string, kind: SegmentKind, minutes: number, objective?: string, };

/**
 * A segment as a facilitator describes it, before it has an id.
 */
export type SegmentDraft = { title: string, kind: SegmentKind, minutes: number, objective?: string, };

/**
 * The kinds of segment an agenda is made of. The names are also how the
 * store and the organizers' API write them.
 */
export type SegmentKind = "check_in" | "sharing" | "discussion" | "energizer" | "breakouts" | "wrap_up" | "custom";

export type SegmentTime = { segment: number, title: string, kind: SegmentKind, planned_minutes: number, started_at: number, 
/**
 * How long it ran; absent while it still runs.
 */
actual_ms: number | null, };

/**
 * Every message the server sends. Times are milliseconds since the Unix
 * epoch (UTC); `server_time` lets a client correct for its own clock.
 */
export type ServerMessage = ConnectionEvent | RoomEvent;

/**
 * What a newcomer needs to know about the session.
 */
export type Session = { id: string, title: string, starts_at: number, ends_at: number, ground_rules: Array<string>, kind: SessionKind, };

/**
 * A group with a facilitator, or a one-on-one conversation between a
 * physician and a peer supporter (two people, no console, the crisis
 * resources one click away).
 */
export type SessionKind = "group" | "one_on_one";

export type SessionReport = { title: string, 
/**
 * The time it was booked for.
 */
planned_start: number, planned_end: number, 
/**
 * When a facilitator started the clock and ended the session, if they did.
 */
started_at: number | null, ended_at: number | null, 
/**
 * Each part of the agenda as it ran, in the order it ran (a part gone
 * back to shows twice).
 */
segments: Array<SegmentTime>, rounds_completed: number, pulses: Array<PulseResult>, 
/**
 * Talk time per person, most first.
 */
talk: Array<TalkShare>, 
/**
 * How much of all the talking the most talkative third did, in percent
 * (33 is perfectly even); absent before anyone spoke.
 */
top_third_percent: number | null, hands_raised: number, 
/**
 * Hands a host gave the floor to.
 */
hands_answered: number, breakouts: Array<BreakoutRun>, };

/**
 * One camera a page shows, and how many device pixels tall.
 */
export type ShownVideo = { participant: ParticipantId, height: number, };

export type Summary = { items: Array<SummaryItem>, 
/**
 * Waiting proposals: hosts only.
 */
proposals?: Array<SummaryItem>, finalized: boolean, };

export type SummaryEvent = { "type": "summary" } & Summary;

/**
 * A summary item or a proposal. Neither carries an author.
 */
export type SummaryItem = { id: number, kind: SummaryKind, text: string, };

/**
 * The kinds of item. The names are also how the store and the export
 * write them.
 */
export type SummaryKind = "takeaway" | "consensus" | "outcome" | "follow_up";

export type SummaryRequest =
  | { "type": "add_summary_item", key: string, kind: SummaryKind, text: string, }
  | { "type": "edit_summary_item", key: string, item: number, kind: SummaryKind, text: string, }
  | { "type": "delete_summary_item", key: string, item: number, }
  | { "type": "move_summary_item", key: string, item: number, position: number, }
  | { "type": "propose_summary_item", kind: SummaryKind, text: string, }
  | { "type": "accept_proposal", key: string, proposal: number, }
  | { "type": "decline_proposal", proposal: number, }
  | { "type": "finalize_summary", key: string, };

export type SupportEvent =
  | { "type": "support_requests", requests: Array<SupportSignal>, }
  | { "type": "support_acknowledged", };

export type SupportRequest =
  | { "type": "need_support", }
  | { "type": "acknowledge_support", participant: ParticipantId, };

/**
 * Someone's "I need support" signal, as the hosts see it.
 */
export type SupportSignal = { participant: ParticipantId, name: string, since: number, };

export type TalkShare = { 
/**
 * The first name only.
 */
name: string, ms: number, 
/**
 * Of all talk time, rounded.
 */
percent: number, };

export type TalkTime = { participant: ParticipantId, ms: number, };

/**
 * A person in the waiting room, as the hosts see them.
 */
export type Waiting = { id: ParticipantId, name: string, rules_accepted: boolean, admitted: boolean, since: number, };

export type WarningKind = "session_ending" | "segment_over";

export type WordCount = { word: string, count: number, };

//! What the server sends.

use serde::{Deserialize, Serialize};

use super::RequestId;
use super::errors::ErrorCode;
use super::wire::*;

/// Every message the server sends. Times are milliseconds since the Unix
/// epoch (UTC); `server_time` lets a client correct for its own clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
/// (Unknown fields are not denied here: the server writes these, and the
/// protocol doc test compares every example with what the server would send.)
#[serde(tag = "type", rename_all = "snake_case")]
// A message is built, serialized and dropped at once, never kept in bulk: the
// size of its largest variant costs nothing worth boxing for.
#[allow(clippy::large_enum_variant)]
pub enum ServerMessage {
    Welcome {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<RequestId>,
        version: u32,
        server_time: i64,
        /// Where to turn in a crisis: shown from the first screen on.
        crisis_resources: Vec<WireCrisisResource>,
    },
    Joined {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<RequestId>,
        you: u32,
        role: WireRole,
        resume_token: String,
        session: WireSession,
        gate: WireGate,
        /// STUN and TURN servers for the client's peer connection.
        ice_servers: Vec<WireIceServer>,
    },
    Ack {
        id: RequestId,
    },
    Error {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<RequestId>,
        code: ErrorCode,
        message: String,
    },
    Gate {
        rules_accepted: bool,
        admitted: bool,
    },
    RoomState {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<RequestId>,
        you: u32,
        server_time: i64,
        participants: Vec<WireParticipant>,
        hands: Vec<u32>,
        chat: Vec<WireChat>,
        locked: bool,
        waiting_room: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        waiting: Option<Vec<WireWaiting>>,
        ground_rules: Vec<String>,
        run_of_show: WireRunOfShow,
        round: WireRound,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        energizer: Option<WireActiveEnergizer>,
        /// Hosts only, while an energizer runs.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        energizer_progress: Option<WireEnergizerProgress>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pulse: Option<WirePulse>,
        summary: WireSummary,
        previous_outcomes: Vec<WireSummaryItem>,
        /// Hosts only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        talk_time: Option<Vec<WireTalkTime>>,
        /// Hosts only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        support_requests: Option<Vec<WireSupportRequest>>,
    },
    ParticipantJoined {
        participant: WireParticipant,
    },
    ParticipantUpdated {
        participant: WireParticipant,
    },
    ParticipantLeft {
        participant: u32,
        reason: WireLeaveReason,
    },
    WaitingRoom {
        waiting: Vec<WireWaiting>,
    },
    Settings {
        locked: bool,
        waiting_room: bool,
    },
    Chat(WireChat),
    Hands {
        queue: Vec<u32>,
    },
    HandCalled {
        participant: u32,
    },
    Reaction {
        from: u32,
        reaction: WireReaction,
    },
    MuteRequested {},
    Declined {},
    Removed {},
    SessionEnded {},
    ServerRestarting {},
    RunOfShow(WireRunOfShow),
    TimeWarning {
        kind: WireWarningKind,
        /// For `session_ending`: minutes left.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        minutes: Option<u32>,
        /// For `segment_over`: the segment whose time is up.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        segment: Option<u32>,
    },
    Round(WireRound),
    RulesShown {
        rules: Vec<String>,
    },
    GroundRules {
        rules: Vec<String>,
    },
    Energizers {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<RequestId>,
        energizers: Vec<WireEnergizer>,
    },
    EnergizerStarted(WireActiveEnergizer),
    EnergizerProgress {
        back: u32,
        total: u32,
    },
    EnergizerEnded {},
    BreakNudge {
        minutes: u32,
    },
    Pulse(WirePulse),
    Summary(WireSummary),
    MediaAnswer {
        sdp: String,
    },
    MediaOffer {
        sdp: String,
    },
    IceCandidate {
        candidate: WireIceCandidate,
    },
    MediaFailed {
        reason: String,
    },
    MediaRestart {},
    Speaking {
        participant: u32,
        speaking: bool,
    },
    TalkTime {
        totals: Vec<WireTalkTime>,
    },
    MutedByHost {},
    VideoStoppedByHost {},
    SupportRequests {
        requests: Vec<WireSupportRequest>,
    },
    SupportAcknowledged {},
}

impl ServerMessage {
    /// Every `"type"` the server may send, for the test that checks the docs.
    pub const TYPES: &'static [&'static str] = &[
        "welcome",
        "joined",
        "ack",
        "error",
        "gate",
        "room_state",
        "participant_joined",
        "participant_updated",
        "participant_left",
        "waiting_room",
        "settings",
        "chat",
        "hands",
        "hand_called",
        "reaction",
        "mute_requested",
        "declined",
        "removed",
        "session_ended",
        "server_restarting",
        "run_of_show",
        "time_warning",
        "round",
        "rules_shown",
        "ground_rules",
        "energizers",
        "energizer_started",
        "energizer_progress",
        "energizer_ended",
        "break_nudge",
        "pulse",
        "summary",
        "media_answer",
        "media_offer",
        "ice_candidate",
        "media_failed",
        "media_restart",
        "speaking",
        "talk_time",
        "muted_by_host",
        "video_stopped_by_host",
        "support_requests",
        "support_acknowledged",
    ];

    /// The `"type"` of this message on the wire. The match is exhaustive, so
    /// a new variant does not compile until it is named here too.
    pub fn kind(&self) -> &'static str {
        match self {
            ServerMessage::Welcome { .. } => "welcome",
            ServerMessage::Joined { .. } => "joined",
            ServerMessage::Ack { .. } => "ack",
            ServerMessage::Error { .. } => "error",
            ServerMessage::Gate { .. } => "gate",
            ServerMessage::RoomState { .. } => "room_state",
            ServerMessage::ParticipantJoined { .. } => "participant_joined",
            ServerMessage::ParticipantUpdated { .. } => "participant_updated",
            ServerMessage::ParticipantLeft { .. } => "participant_left",
            ServerMessage::WaitingRoom { .. } => "waiting_room",
            ServerMessage::Settings { .. } => "settings",
            ServerMessage::Chat(_) => "chat",
            ServerMessage::Hands { .. } => "hands",
            ServerMessage::HandCalled { .. } => "hand_called",
            ServerMessage::Reaction { .. } => "reaction",
            ServerMessage::MuteRequested {} => "mute_requested",
            ServerMessage::Declined {} => "declined",
            ServerMessage::Removed {} => "removed",
            ServerMessage::SessionEnded {} => "session_ended",
            ServerMessage::ServerRestarting {} => "server_restarting",
            ServerMessage::RunOfShow(_) => "run_of_show",
            ServerMessage::TimeWarning { .. } => "time_warning",
            ServerMessage::Round(_) => "round",
            ServerMessage::RulesShown { .. } => "rules_shown",
            ServerMessage::GroundRules { .. } => "ground_rules",
            ServerMessage::Energizers { .. } => "energizers",
            ServerMessage::EnergizerStarted(_) => "energizer_started",
            ServerMessage::EnergizerProgress { .. } => "energizer_progress",
            ServerMessage::EnergizerEnded {} => "energizer_ended",
            ServerMessage::BreakNudge { .. } => "break_nudge",
            ServerMessage::Pulse(_) => "pulse",
            ServerMessage::Summary(_) => "summary",
            ServerMessage::MediaAnswer { .. } => "media_answer",
            ServerMessage::MediaOffer { .. } => "media_offer",
            ServerMessage::IceCandidate { .. } => "ice_candidate",
            ServerMessage::MediaFailed { .. } => "media_failed",
            ServerMessage::MediaRestart {} => "media_restart",
            ServerMessage::Speaking { .. } => "speaking",
            ServerMessage::TalkTime { .. } => "talk_time",
            ServerMessage::MutedByHost {} => "muted_by_host",
            ServerMessage::VideoStoppedByHost {} => "video_stopped_by_host",
            ServerMessage::SupportRequests { .. } => "support_requests",
            ServerMessage::SupportAcknowledged {} => "support_acknowledged",
        }
    }

    pub fn error(id: Option<RequestId>, code: ErrorCode, message: impl Into<String>) -> ServerMessage {
        ServerMessage::Error {
            id,
            code,
            message: message.into(),
        }
    }

    /// The JSON text of this message. Serializing these types cannot fail:
    /// they hold only strings, numbers, booleans and lists of them.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self)
            .unwrap_or_else(|_| r#"{"type":"error","code":"internal","message":"encoding failed"}"#.to_owned())
    }
}

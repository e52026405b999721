//! The wire protocol: the only module that knows about JSON.
//!
//! Every frame is a JSON object with a `"type"`. The client's first message is
//! `hello` with the protocol version. A client message may carry a numeric
//! `"id"`; the reply to it (`ack`, `error`, or a typed answer) echoes that id.
//! `docs/protocol.md` shows every message with an example, and a test keeps
//! the two in step.

mod convert;
mod errors;
mod parse;

use serde::{Deserialize, Serialize};

pub use convert::{error_from_invite, error_from_room, event_message, joined_message, role_to_wire, state_message};
pub use errors::{ErrorCode, close_code, close_for};
pub use parse::{ParseError, parse_client_message};

/// The protocol version this server speaks. A client that says another is
/// refused with `unsupported_version`.
pub const PROTOCOL_VERSION: u32 = 1;

/// No message or frame may be larger than this.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// The `"id"` a client puts on a request, echoed in the reply.
pub type RequestId = u64;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireRole {
    Facilitator,
    CoFacilitator,
    Participant,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireReaction {
    Nod,
    Thanks,
    Heart,
    MeToo,
}

/// Every message a client may send.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    Hello {
        version: u32,
    },
    Join {
        token: String,
        name: String,
        device: String,
    },
    Resume {
        resume_token: String,
    },
    GetState {},
    AcceptRules {},
    Chat {
        text: String,
    },
    RaiseHand {},
    LowerHand {
        #[serde(default)]
        participant: Option<u32>,
    },
    CallNextHand {},
    React {
        reaction: WireReaction,
    },
    Admit {
        participant: u32,
    },
    Decline {
        participant: u32,
    },
    AdmitAll {},
    SetWaitingRoom {
        enabled: bool,
    },
    SetLocked {
        locked: bool,
    },
    Remove {
        participant: u32,
    },
    AskToMute {
        participant: u32,
    },
    SetRole {
        participant: u32,
        role: WireRole,
    },
    EndSession {},
    Leave {},
}

impl ClientMessage {
    /// Every `"type"` a client may send, for the error that names them and
    /// the test that checks the docs.
    pub const TYPES: &'static [&'static str] = &[
        "hello",
        "join",
        "resume",
        "get_state",
        "accept_rules",
        "chat",
        "raise_hand",
        "lower_hand",
        "call_next_hand",
        "react",
        "admit",
        "decline",
        "admit_all",
        "set_waiting_room",
        "set_locked",
        "remove",
        "ask_to_mute",
        "set_role",
        "end_session",
        "leave",
    ];
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireSession {
    pub id: String,
    pub title: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub ground_rules: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireGate {
    pub rules_accepted: bool,
    pub admitted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireParticipant {
    pub id: u32,
    pub name: String,
    pub role: WireRole,
    pub connected: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireWaiting {
    pub id: u32,
    pub name: String,
    pub rules_accepted: bool,
    pub admitted: bool,
    pub since: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireChat {
    pub seq: u64,
    pub from: u32,
    pub name: String,
    pub text: String,
    pub at: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireLeaveReason {
    Left,
    TimedOut,
    Removed,
    Declined,
}

/// Every message the server sends. Times are milliseconds since the Unix
/// epoch (UTC); `server_time` lets a client correct for its own clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ServerMessage {
    Welcome {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<RequestId>,
        version: u32,
        server_time: i64,
    },
    Joined {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<RequestId>,
        you: u32,
        role: WireRole,
        resume_token: String,
        session: WireSession,
        gate: WireGate,
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

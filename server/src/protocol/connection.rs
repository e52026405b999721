//! Getting a connection into a room, and the answers every request gets.
//! Handled by the socket layer (`ws`), never by a room.

use serde::{Deserialize, Serialize};
use strum::{IntoStaticStr, VariantNames};
use ts_rs::TS;

use super::presence::{Gate, Session};
use super::{ErrorCode, Millis, ParticipantId, Role};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
pub enum ConnectionRequest {
    /// The first message on every connection.
    Hello { version: u32 },
    /// Take a place in the session the invitation token belongs to.
    Join {
        token: String,
        /// A display name; a pseudonym is fine.
        name: String,
        /// The browser's own random key: how a removed person is kept out
        /// when everyone shares one participant link.
        device: String,
    },
    /// Take back one's place after a dropped connection.
    Resume { resume_token: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ConnectionEvent {
    Welcome {
        version: u32,
        server_time: Millis,
        /// Where to turn in a crisis: shown from the first screen on.
        crisis_resources: Vec<CrisisResource>,
    },
    Joined {
        you: ParticipantId,
        role: Role,
        resume_token: String,
        session: Session,
        gate: Gate,
        /// STUN and TURN servers for the client's peer connection.
        ice_servers: Vec<IceServer>,
    },
    /// A request succeeded; its events follow.
    Ack {},
    Error {
        code: ErrorCode,
        /// English, for people; it may change. Match on `code`.
        message: String,
    },
    /// The server is stopping: join again with the link in a moment.
    ServerRestarting {},
    /// The room runs on another node of this deployment (the reply to a
    /// `join` or a `resume`, or news to everyone of a node about to stop):
    /// connect to `ws_url` and send the same `hello` and `join` or
    /// `resume` there.
    RoomElsewhere { ws_url: String },
}

/// Where to turn in a crisis, as a deployment sets it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct CrisisResource {
    /// What it is, e.g. "9-8-8 Suicide Crisis Helpline".
    pub label: String,
    /// How to reach it, e.g. "Call or text 988".
    pub contact: String,
}

/// A STUN or TURN server for the client's peer connection, in the shape of
/// the browser's `RTCIceServer`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct IceServer {
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

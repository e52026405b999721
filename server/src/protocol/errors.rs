//! Stable error codes and close codes. Clients match on these; renaming one
//! is a protocol change.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS, strum::IntoStaticStr, strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    /// The frame is not a JSON object.
    BadJson,
    /// The `"type"` is missing or not one the server knows.
    UnknownType,
    /// A field the message type does not have.
    UnknownField,
    /// A field is missing, has the wrong type, or appears twice.
    InvalidMessage,
    /// A field has the right type but a value the server cannot accept.
    InvalidInput,
    /// The message is over 64 KiB.
    TooLarge,
    /// Binary frames carry nothing in this protocol.
    BinaryNotSupported,
    /// Slow down: the message was dropped.
    RateLimited,
    /// The first message must be `hello`.
    HandshakeRequired,
    UnsupportedVersion,
    /// `join` or `resume` on a connection that already joined.
    AlreadyJoined,
    /// A room message before `join` or `resume` succeeded.
    NotJoined,
    /// The invitation link is unknown or malformed.
    InvalidToken,
    TokenExpired,
    TokenRevoked,
    SessionEnded,
    SessionCancelled,
    /// Too early: the message says when the waiting room opens.
    NotOpenYet,
    RoomLocked,
    RoomFull,
    /// The waiting room is full, or people arrive faster than hosts can let
    /// them in: try again in a minute.
    WaitingRoomFull,
    /// A facilitator turned this device away from the waiting room: it may
    /// not wait again this session.
    Declined,
    /// This device was removed from the session by a facilitator.
    Removed,
    /// The resume token is unknown or its grace period is over: join again.
    ResumeFailed,
    /// The action needs a facilitator.
    Forbidden,
    /// No such participant in this room.
    NotFound,
    /// The action needs you to be in the room (admitted, rules accepted).
    NotInRoom,
    /// The room's media is end-to-end encrypted and this page has not
    /// published its key (`set_e2ee_key`): it may not send media.
    E2eeKeyRequired,
    /// The room is restarting or stopped; try again.
    Unavailable,
    Internal,
}

impl ErrorCode {
    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// WebSocket close codes the server uses. 1000-1015 are the standard ones;
/// 4000-4999 are this protocol's own.
pub mod close_code {
    pub const NORMAL: u16 = 1000;
    pub const POLICY: u16 = 1008;
    pub const TOO_BIG: u16 = 1009;
    pub const RESTARTING: u16 = 1012;
    pub const REMOVED: u16 = 4001;
    pub const DECLINED: u16 = 4002;
    pub const REPLACED: u16 = 4003;
    pub const SESSION_ENDED: u16 = 4004;
    pub const TIMED_OUT: u16 = 4006;

    /// Every close code the server sends, for the test that checks the docs.
    pub const ALL: &[u16] = &[
        NORMAL,
        POLICY,
        TOO_BIG,
        RESTARTING,
        REMOVED,
        DECLINED,
        REPLACED,
        SESSION_ENDED,
        TIMED_OUT,
    ];
}

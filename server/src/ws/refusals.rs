//! How the room's and the store's refusals, and the room's reasons for
//! closing a connection, are said on the wire: a stable code and words for
//! people.

use crate::protocol::{ErrorCode, close_code};
use crate::room::{CloseReason, RoomError};
use crate::store::InviteError;

pub fn from_room(error: RoomError) -> (ErrorCode, String) {
    let code = match error {
        RoomError::Forbidden => ErrorCode::Forbidden,
        RoomError::NotFound => ErrorCode::NotFound,
        RoomError::NotInRoom => ErrorCode::NotInRoom,
        RoomError::NotJoined => ErrorCode::NotJoined,
        RoomError::AlreadyJoined => ErrorCode::AlreadyJoined,
        RoomError::Locked => ErrorCode::RoomLocked,
        RoomError::Full => ErrorCode::RoomFull,
        RoomError::WaitingRoomFull => ErrorCode::WaitingRoomFull,
        RoomError::Declined => ErrorCode::Declined,
        RoomError::Removed => ErrorCode::Removed,
        RoomError::Ended => ErrorCode::SessionEnded,
        RoomError::ResumeFailed => ErrorCode::ResumeFailed,
        RoomError::Invalid(_) => ErrorCode::InvalidInput,
        RoomError::E2eeKeyRequired => ErrorCode::E2eeKeyRequired,
        RoomError::Unavailable => ErrorCode::Unavailable,
    };
    (code, error.to_string())
}

pub fn from_invite(error: &InviteError) -> (ErrorCode, String) {
    let code = match error {
        InviteError::Unknown => ErrorCode::InvalidToken,
        InviteError::Expired => ErrorCode::TokenExpired,
        InviteError::Revoked => ErrorCode::TokenRevoked,
        InviteError::SessionEnded => ErrorCode::SessionEnded,
        InviteError::Cancelled => ErrorCode::SessionCancelled,
        InviteError::NotOpenYet { opens_at, starts_at } => {
            let when =
                |ms: &i64| chrono::DateTime::from_timestamp_millis(*ms).map_or_else(String::new, |t| t.to_rfc3339());
            let message = format!(
                "the waiting room opens at {} (UTC); the session starts at {}",
                when(opens_at),
                when(starts_at)
            );
            return (ErrorCode::NotOpenYet, message);
        }
        InviteError::Store(_) => return (ErrorCode::Internal, "the server could not check this link".into()),
    };
    (code, error.to_string())
}

/// The close code and reason text for a room's decision to close a socket.
pub fn close_for(reason: CloseReason) -> (u16, &'static str) {
    match reason {
        CloseReason::Left => (close_code::NORMAL, "left"),
        CloseReason::Removed => (close_code::REMOVED, "removed"),
        CloseReason::Declined => (close_code::DECLINED, "declined"),
        CloseReason::SessionEnded => (close_code::SESSION_ENDED, "session ended"),
        CloseReason::SessionCancelled => (close_code::SESSION_ENDED, "session cancelled"),
        CloseReason::Replaced => (close_code::REPLACED, "resumed on another connection"),
        CloseReason::RoomRestarting => (close_code::RESTARTING, "room restarting"),
    }
}

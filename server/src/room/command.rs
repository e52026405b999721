//! What can be asked of a room, what it answers, and how it can refuse.

use super::media::MediaReport;
use super::types::ConnId;
use crate::protocol::{ParticipantId, Role, RoomEvent, RoomRequest, presence};

/// What the room is asked to do.
#[derive(Clone, Debug)]
pub enum Command {
    Join(JoinRequest),
    Resume {
        conn: ConnId,
        resume_hash: [u8; 32],
    },
    /// A joined person's request.
    Act {
        conn: ConnId,
        request: RoomRequest,
    },
    /// The connection closed without saying goodbye.
    Disconnected {
        conn: ConnId,
    },
    /// Time has passed; deadlines may have expired.
    Tick,
    /// The media layer reports something.
    Media(MediaReport),
    /// The session as the store now holds it, after an organizer changed it
    /// (`planning.rs`). Boxed: the largest command otherwise.
    Replanned(Box<super::Plan>),
}

/// A request to take a place in the room, after the invitation was checked.
#[derive(Clone, Debug)]
pub struct JoinRequest {
    pub conn: ConnId,
    /// The role the invitation grants.
    pub role: Role,
    pub name: String,
    /// A hash of the browser's own random key: how a removed person is kept out
    /// when everyone shares one participant link.
    pub device_hash: [u8; 32],
    /// A hash of the resume token the connection will hand to the client.
    pub resume_hash: [u8; 32],
}

/// The answer to a command: a reply for the asker (none for `Disconnected`,
/// `Tick`, `Media` and `Replanned`) and the effects to carry out, in order.
#[derive(Debug, Default)]
pub struct Outcome {
    pub reply: Option<Result<Reply, RoomError>>,
    pub effects: Vec<super::types::Effect>,
}

/// A successful answer to the person who asked.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    Ack,
    /// To `Join` and `Resume`: the connection has a place.
    Entered(Entered),
    /// A typed answer (`room_state`, `energizers`), sent with the request's id.
    Message(Box<RoomEvent>),
    /// To `get_report`: the asker may have it. The room keeps no report
    /// (it is in the store), so the plumbing reads it, once the room's
    /// writes are done, and answers with it.
    Report,
}

/// What the connection needs to tell a newcomer they have a place.
#[derive(Clone, Debug, PartialEq)]
pub struct Entered {
    pub you: ParticipantId,
    pub role: Role,
    pub gate: presence::Gate,
    pub session: presence::Session,
}

/// Why the room refused. Every refusal leaves the room exactly as it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RoomError {
    #[error("that needs a facilitator (or a co-facilitator, for host controls)")]
    Forbidden,
    #[error("no such participant in this room")]
    NotFound,
    #[error("you must be in the room to do that")]
    NotInRoom,
    #[error("this connection has not joined the room")]
    NotJoined,
    #[error("this connection has already joined")]
    AlreadyJoined,
    #[error("the room is locked")]
    Locked,
    #[error("the room is full")]
    Full,
    #[error("the waiting room is full or people are arriving too fast: try again in a minute")]
    WaitingRoomFull,
    #[error("a facilitator declined you for this session")]
    Declined,
    #[error("you were removed from this session")]
    Removed,
    #[error("the session has ended")]
    Ended,
    #[error("nothing to resume: the grace period is over or the token is unknown")]
    ResumeFailed,
    #[error("{0}")]
    Invalid(&'static str),
    #[error(
        "this room's media is end-to-end encrypted: your page must publish its key (set_e2ee_key) before it sends media"
    )]
    E2eeKeyRequired,
    /// The store failed; the room restarts from what is stored.
    #[error("the room could not save this and is restarting; join again")]
    Unavailable,
}

impl Reply {
    /// A typed answer.
    pub(super) fn message(event: impl Into<RoomEvent>) -> Reply {
        Reply::Message(Box::new(event.into()))
    }
}

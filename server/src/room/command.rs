//! What can be asked of a room, and how it can refuse.

use super::types::{ConnId, ParticipantId, Reaction, Role};

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

/// Everything a joined person can ask of the room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    GetState,
    AcceptRules,
    Chat {
        text: String,
    },
    RaiseHand,
    /// `None` lowers one's own hand; lowering someone else's is a host control.
    LowerHand {
        of: Option<ParticipantId>,
    },
    CallNextHand,
    React(Reaction),
    Admit(ParticipantId),
    Decline(ParticipantId),
    AdmitAll,
    SetWaitingRoom(bool),
    SetLocked(bool),
    Remove(ParticipantId),
    AskToMute(ParticipantId),
    SetRole {
        of: ParticipantId,
        role: Role,
    },
    EndSession,
    Leave,
}

impl Action {
    /// The permission the action needs, checked before anything changes.
    pub(super) fn needs(&self) -> Permission {
        match self {
            Action::AcceptRules | Action::Leave => Permission::Joined,
            // Only people in the room see it: the waiting see nothing of it.
            Action::GetState | Action::Chat { .. } | Action::RaiseHand | Action::React(_) => Permission::InRoom,
            Action::LowerHand { of: None } => Permission::InRoom,
            Action::LowerHand { of: Some(_) }
            | Action::CallNextHand
            | Action::Admit(_)
            | Action::Decline(_)
            | Action::AdmitAll
            | Action::SetWaitingRoom(_)
            | Action::SetLocked(_)
            | Action::Remove(_)
            | Action::AskToMute(_) => Permission::Host,
            Action::SetRole { .. } | Action::EndSession => Permission::Facilitator,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Permission {
    Joined,
    InRoom,
    Host,
    Facilitator,
}

/// A successful answer to the person who asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    Ack,
    Joined {
        you: ParticipantId,
        role: Role,
        gate: super::types::Gate,
        /// What the newcomer needs to know about the session: its title,
        /// times and ground rules.
        session: super::types::SessionInfo,
    },
    State(super::types::Snapshot),
}

/// Why the room refused. Every refusal leaves the room exactly as it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RoomError {
    #[error("only a facilitator may do that")]
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
    #[error("you were removed from this session")]
    Removed,
    #[error("the session has ended")]
    Ended,
    #[error("nothing to resume: the grace period is over or the token is unknown")]
    ResumeFailed,
    #[error("{0}")]
    Invalid(&'static str),
}

//! What the room is given and what it asks the caller to do.
//!
//! The room speaks the wire's vocabulary (`crate::protocol`) for what crosses
//! the edge: the requests it handles and the events it sends. Everything
//! here is what stays between the room and the live plumbing around it: the
//! session it hosts, connections, writes to make durable, and closes.

use super::agenda::RunOfShow;
use super::media::MediaCommand;
use super::summary::SummaryItem;
use crate::protocol::{Role, RoomEvent, presence};

pub use crate::protocol::{Millis, ParticipantId};

/// One WebSocket connection, numbered by the server process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

impl Role {
    fn rank(self) -> u8 {
        match self {
            Role::Facilitator => 2,
            Role::CoFacilitator => 1,
            Role::Participant => 0,
        }
    }

    /// May use the host controls (admit, mute, remove, lock, hands).
    pub fn is_host(self) -> bool {
        self.rank() >= 1
    }

    /// A host may act on someone only if they rank strictly below them:
    /// a co-facilitator cannot remove the facilitator who promoted them.
    pub fn outranks(self, other: Role) -> bool {
        self.rank() > other.rank()
    }
}

impl presence::Gate {
    /// Both conditions hold: the person is in the room.
    pub fn open(self) -> bool {
        self.rules_accepted && self.admitted
    }
}

/// What the room knows about the session it hosts, loaded from the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionInfo {
    pub id: String,
    pub title: String,
    pub starts_at: Millis,
    pub ends_at: Millis,
    pub capacity: u32,
    pub ground_rules: Vec<String>,
    /// A one-on-one peer support conversation, not a group.
    pub one_on_one: bool,
    /// Whether its media must, may or may not be end-to-end encrypted.
    pub e2ee: crate::protocol::e2ee::E2eePolicy,
}

impl SessionInfo {
    /// What a newcomer is told about the session.
    pub fn to_wire(&self) -> presence::Session {
        presence::Session {
            id: self.id.clone(),
            title: self.title.clone(),
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            ground_rules: self.ground_rules.clone(),
            kind: if self.one_on_one {
                presence::SessionKind::OneOnOne
            } else {
                presence::SessionKind::Group
            },
        }
    }
}

/// Who may come in now, and how many are in and waiting, as the plumbing
/// around the room publishes it for readers that must not wait on the room
/// (a link's page before anyone joins; `/metrics`). Plain data, read from
/// `Room::door_state`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DoorState {
    pub locked: bool,
    /// People let in who are not hosts, as the capacity counts them.
    pub admitted: usize,
    pub capacity: u32,
    /// Hosts in the room: with `admitted`, everyone let in.
    pub hosts: usize,
    /// People in the waiting room.
    pub waiting: usize,
}

impl DoorState {
    /// No place left for a participant.
    pub fn full(&self) -> bool {
        self.admitted >= self.capacity as usize
    }
}

/// Why a connection is being closed by the room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseReason {
    Left,
    Removed,
    Declined,
    SessionEnded,
    /// The organizer cancelled the session while it was live.
    SessionCancelled,
    /// The same person resumed on a newer connection.
    Replaced,
    /// The room failed to save and restarts from the store.
    RoomRestarting,
}

/// A write the actor must make durable before it acts on the rest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Persist {
    /// The device of a removed person may not come back to this session.
    BanDevice {
        device_hash: [u8; 32],
    },
    SessionEnded {
        at: Millis,
    },
    RunOfShow(Box<RunOfShow>),
    /// The summary after the change made under `key`, written with the key in
    /// one transaction so that a retry is recognised.
    Summary {
        key: String,
        items: Vec<SummaryItem>,
        finalized: bool,
    },
    GroundRules(Vec<String>),
    /// The door as a facilitator just set it.
    Door(super::seed::DoorSettings),
    /// A device came into the room: back after a restart, it need not
    /// accept the rules or wait again.
    EnteredRoom {
        device_hash: [u8; 32],
    },
    /// Something for the facilitator's report, as it happened.
    ReportEntry {
        at: Millis,
        entry: super::report::ReportEntry,
    },
    /// Counts for the report, to add to what is stored.
    ReportTally(super::report::ReportTally),
}

/// What the actor must do, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Something for the media layer, carried out after the reply.
    Media(MediaCommand),
    Persist(Persist),
    Send {
        conn: ConnId,
        event: RoomEvent,
    },
    Close {
        conn: ConnId,
        reason: CloseReason,
    },
}

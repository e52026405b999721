//! The room's vocabulary: who is in it, what they may ask, what it answers.
//!
//! These types know nothing of JSON or sockets; `protocol` converts them at the
//! edge. Times are milliseconds since the Unix epoch, passed in by the caller.

use std::fmt;

use super::agenda::{RunOfShow, Warning};
use super::media::{IceCandidate, MediaCommand};
use super::pulse::PulseResults;
use super::summary::{Proposal, SummaryItem};
use crate::energizers::Energizer;

/// Milliseconds since the Unix epoch (UTC). The room never reads a clock.
pub type Millis = i64;

/// A participant's number within one room. Numbers are never reused in a room,
/// so an id in a stale message can only miss, never hit someone else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParticipantId(pub u32);

impl fmt::Display for ParticipantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{}", self.0)
    }
}

/// One WebSocket connection, numbered by the server process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

/// Roles in decreasing order of authority.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Joined with the facilitator link: leads the session, may end it.
    Facilitator,
    /// Promoted by a facilitator: every host control except ending the
    /// session and changing roles.
    CoFacilitator,
    Participant,
}

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

/// The reactions someone can send without unmuting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reaction {
    Nod,
    Thanks,
    Heart,
    MeToo,
}

/// Why someone is no longer in the room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaveReason {
    Left,
    /// Their connection dropped and they did not come back within the grace.
    TimedOut,
    Removed,
    Declined,
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
}

/// A person as everyone in the room sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParticipantInfo {
    pub id: ParticipantId,
    pub name: String,
    pub role: Role,
    pub connected: bool,
    pub audio: bool,
    pub video: bool,
}

/// A person in the waiting room, as the hosts see them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitingInfo {
    pub id: ParticipantId,
    pub name: String,
    pub rules_accepted: bool,
    pub admitted: bool,
    pub since: Millis,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatLine {
    pub seq: u64,
    pub from: ParticipantId,
    pub name: String,
    pub text: String,
    pub at: Millis,
}

/// Everything a person needs to draw the room when they enter it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub you: ParticipantId,
    pub participants: Vec<ParticipantInfo>,
    pub hands: Vec<ParticipantId>,
    pub chat: Vec<ChatLine>,
    pub locked: bool,
    pub waiting_room: bool,
    /// Only hosts see who is waiting.
    pub waiting: Option<Vec<WaitingInfo>>,
    pub ground_rules: Vec<String>,
    pub run_of_show: RunOfShow,
    pub round: Option<RoundView>,
    pub energizer: Option<EnergizerView>,
    /// Hosts only, while an energizer runs: how many are back, of how many.
    pub energizer_progress: Option<(u32, u32)>,
    pub pulse: Option<PulseView>,
    pub summary: SummaryView,
    /// The outcomes and follow-ups of the series' previous session.
    pub previous_outcomes: Vec<SummaryItem>,
    /// Hosts only: milliseconds each person in the room has spoken.
    pub talk_time: Option<Vec<(ParticipantId, Millis)>>,
    /// Hosts only: who asked for support, and since when.
    pub support_requests: Option<Vec<SupportRequest>>,
}

/// Someone's "I need support" signal, as the hosts see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupportRequest {
    pub id: ParticipantId,
    pub name: String,
    pub since: Millis,
}

/// The check-in round as everyone sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundView {
    pub order: Vec<ParticipantId>,
    pub speaker: Option<ParticipantId>,
    pub passed: Vec<ParticipantId>,
}

/// A running energizer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnergizerView {
    pub energizer: Energizer,
    pub seated: bool,
    pub ends_at: Millis,
}

/// A pulse check as one person may see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PulseView {
    pub results: PulseResults,
    /// Whether the person this view is for has answered.
    pub you_answered: bool,
}

/// The summary as one person may see it: proposals are for hosts only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryView {
    pub items: Vec<SummaryItem>,
    pub proposals: Option<Vec<Proposal>>,
    pub finalized: bool,
}

/// The two conditions for being in the room: admitted by a host (or by the
/// waiting room being off) and the ground rules accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gate {
    pub rules_accepted: bool,
    pub admitted: bool,
}

impl Gate {
    pub fn open(self) -> bool {
        self.rules_accepted && self.admitted
    }
}

/// Something that happened, addressed to one connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Gate(Gate),
    RoomState(Box<Snapshot>),
    ParticipantJoined(ParticipantInfo),
    ParticipantUpdated(ParticipantInfo),
    ParticipantLeft { id: ParticipantId, reason: LeaveReason },
    WaitingRoom(Vec<WaitingInfo>),
    Settings { locked: bool, waiting_room: bool },
    Chat(ChatLine),
    Hands(Vec<ParticipantId>),
    HandCalled(ParticipantId),
    Reaction { from: ParticipantId, reaction: Reaction },
    MuteRequested,
    Declined,
    Removed,
    SessionEnded,
    RunOfShow(Box<RunOfShow>),
    TimeWarning(Warning),
    Round(Option<RoundView>),
    RulesShown(Vec<String>),
    GroundRules(Vec<String>),
    Energizer(Option<EnergizerView>),
    EnergizerProgress { back: u32, total: u32 },
    BreakNudge { minutes: u32 },
    Pulse(PulseView),
    Summary(SummaryView),
    MediaAnswer { sdp: String },
    MediaOffer { sdp: String },
    IceCandidate(IceCandidate),
    MediaFailed { reason: String },
    MediaRestart,
    Speaking { id: ParticipantId, speaking: bool },
    TalkTime(Vec<(ParticipantId, Millis)>),
    MutedByHost,
    VideoStoppedByHost,
    SupportRequests(Vec<SupportRequest>),
    SupportAcknowledged,
}

/// Why a connection is being closed by the room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseReason {
    Left,
    Removed,
    Declined,
    SessionEnded,
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
}

/// What the actor must do, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Something for the media layer, carried out after the reply.
    Media(MediaCommand),
    Persist(Persist),
    Send {
        conn: ConnId,
        event: Event,
    },
    Close {
        conn: ConnId,
        reason: CloseReason,
    },
}

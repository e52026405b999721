//! What can be asked of a room, and how it can refuse.

use super::agenda::SegmentDraft;
use super::media::IceCandidate;
use super::pulse::{PulseAnswer, PulseKind};
use super::round::RoundOrder;
use super::summary::{SummaryChange, SummaryKind};
use super::types::{ConnId, ParticipantId, Reaction, Role};
use crate::energizers::Energizer;

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
    // The run-of-show.
    StartSession,
    NextSegment,
    PreviousSegment,
    PauseClock,
    ResumeClock,
    Extend {
        minutes: u32,
        whole_session: bool,
    },
    AddSegment {
        segment: SegmentDraft,
        position: Option<usize>,
    },
    UpdateSegment {
        id: u32,
        segment: SegmentDraft,
    },
    RemoveSegment {
        id: u32,
    },
    MoveSegment {
        id: u32,
        position: usize,
    },
    // The check-in round. The caller draws `seed`, so the room stays pure.
    StartRound {
        order: RoundOrder,
        seed: u64,
    },
    NextSpeaker,
    Pass,
    EndRound,
    // Ground rules.
    ShowRules,
    SetGroundRules(Vec<String>),
    // Energizers.
    ListEnergizers,
    LaunchEnergizer {
        id: String,
        seated: bool,
    },
    ImBack,
    EndEnergizer,
    // Energy and pulse checks.
    StartPulse {
        question: Option<String>,
        kind: PulseKind,
    },
    AnswerPulse {
        pulse: u32,
        answer: PulseAnswer,
    },
    ClosePulse,
    SharePulse,
    // The summary.
    ChangeSummary {
        key: String,
        change: SummaryChange,
    },
    ProposeSummaryItem {
        kind: SummaryKind,
        text: String,
    },
    DeclineProposal(u32),
    // Media.
    SetMediaState {
        audio: bool,
        video: bool,
    },
    Mute(ParticipantId),
    StopVideo(ParticipantId),
    MediaOffer {
        sdp: String,
    },
    MediaAnswer {
        sdp: String,
    },
    IceCandidate(IceCandidate),
    // Care.
    /// "I need support": only the hosts are told, discreetly.
    NeedSupport,
    /// A host saw someone's signal and will reach out.
    AcknowledgeSupport(ParticipantId),
}

impl Action {
    /// The permission the action needs, checked before anything changes.
    pub(super) fn needs(&self) -> Permission {
        match self {
            // Someone in distress may signal before they are even let in.
            Action::AcceptRules | Action::Leave | Action::NeedSupport => Permission::Joined,
            // Only people in the room see it: the waiting see nothing of it.
            Action::GetState
            | Action::Chat { .. }
            | Action::RaiseHand
            | Action::React(_)
            | Action::LowerHand { of: None }
            | Action::Pass
            | Action::ImBack
            | Action::AnswerPulse { .. }
            | Action::ProposeSummaryItem { .. }
            | Action::SetMediaState { .. }
            | Action::MediaOffer { .. }
            | Action::MediaAnswer { .. }
            | Action::IceCandidate(_) => Permission::InRoom,
            Action::LowerHand { of: Some(_) }
            | Action::CallNextHand
            | Action::Admit(_)
            | Action::Decline(_)
            | Action::AdmitAll
            | Action::SetWaitingRoom(_)
            | Action::SetLocked(_)
            | Action::Remove(_)
            | Action::AskToMute(_)
            | Action::StartSession
            | Action::NextSegment
            | Action::PreviousSegment
            | Action::PauseClock
            | Action::ResumeClock
            | Action::Extend { .. }
            | Action::AddSegment { .. }
            | Action::UpdateSegment { .. }
            | Action::RemoveSegment { .. }
            | Action::MoveSegment { .. }
            | Action::StartRound { .. }
            | Action::NextSpeaker
            | Action::EndRound
            | Action::ShowRules
            | Action::ListEnergizers
            | Action::LaunchEnergizer { .. }
            | Action::EndEnergizer
            | Action::StartPulse { .. }
            | Action::ClosePulse
            | Action::SharePulse
            | Action::ChangeSummary { .. }
            | Action::DeclineProposal(_)
            | Action::Mute(_)
            | Action::StopVideo(_)
            | Action::AcknowledgeSupport(_) => Permission::Host,
            Action::SetRole { .. } | Action::EndSession | Action::SetGroundRules(_) => Permission::Facilitator,
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
    State(Box<super::types::Snapshot>),
    Energizers(Vec<Energizer>),
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
    #[error("you were removed from this session")]
    Removed,
    #[error("the session has ended")]
    Ended,
    #[error("nothing to resume: the grace period is over or the token is unknown")]
    ResumeFailed,
    #[error("{0}")]
    Invalid(&'static str),
    /// The store failed; the room restarts from what is stored.
    #[error("the room could not save this and is restarting; join again")]
    Unavailable,
}

//! The facilitator's structure for a session: the run-of-show (the agenda's
//! timed segments and the session clock), the check-in round, the ground
//! rules.

use serde::{Deserialize, Serialize};
use strum::{IntoStaticStr, VariantNames};
use ts_rs::TS;

use super::{Millis, ParticipantId, Permission, Request};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
#[ts(optional_fields)]
pub enum FacilitationRequest {
    /// Start the session's clock and its first segment.
    StartSession {},
    NextSegment {},
    PreviousSegment {},
    /// The segment countdown stands still; the planned end does not move.
    PauseClock {},
    ResumeClock {},
    Extend {
        minutes: u32,
        scope: ExtendScope,
    },
    AddSegment {
        segment: SegmentDraft,
        /// Where in the agenda, from 0; the end if absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        position: Option<u32>,
    },
    UpdateSegment {
        segment_id: u32,
        segment: SegmentDraft,
    },
    RemoveSegment {
        segment_id: u32,
    },
    MoveSegment {
        segment_id: u32,
        position: u32,
    },
    /// Everyone in turn, hosts aside.
    StartRound {
        order: RoundOrder,
    },
    NextSpeaker {},
    /// Pass now, or in advance when one's turn comes.
    Pass {},
    EndRound {},
    /// Show the ground rules to everyone now.
    ShowRules {},
    /// Replace the session's ground rules.
    SetGroundRules {
        rules: Vec<String>,
    },
}

impl Request for FacilitationRequest {
    fn needs(&self, _me: ParticipantId) -> Permission {
        match self {
            FacilitationRequest::Pass {} => Permission::InRoom,
            FacilitationRequest::SetGroundRules { .. } => Permission::Facilitator,
            _ => Permission::Host,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[ts(optional_fields)]
pub enum FacilitationEvent {
    RunOfShow(RunOfShow),
    TimeWarning {
        kind: WarningKind,
        /// For `session_ending`: minutes left.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        minutes: Option<u32>,
        /// For `segment_over`: the segment whose time is up.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        segment: Option<u32>,
    },
    Round(Round),
    /// A host shows the ground rules to everyone.
    RulesShown {
        rules: Vec<String>,
    },
    /// The session's ground rules changed.
    GroundRules {
        rules: Vec<String>,
    },
}

/// The kinds of segment an agenda is made of. The names are also how the
/// store and the organizers' API write them.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS, IntoStaticStr, strum::EnumString, strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SegmentKind {
    CheckIn,
    Sharing,
    Discussion,
    Energizer,
    /// Time in pairs or small groups (`breakouts.rs`).
    Breakouts,
    WrapUp,
    Custom,
}

/// A segment as a facilitator describes it, before it has an id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct SegmentDraft {
    pub title: String,
    pub kind: SegmentKind,
    pub minutes: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct Segment {
    pub id: u32,
    pub title: String,
    pub kind: SegmentKind,
    pub minutes: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<String>,
}

/// Where the session is in its run-of-show. Clients count down from these
/// absolute times, using `server_time` to correct for their own clock; no
/// ticks are sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Clock {
    pub started_at: Option<Millis>,
    /// When the session is planned to end; extending it moves this.
    pub planned_end: Millis,
    pub current_segment: Option<u32>,
    pub segment_started_at: Option<Millis>,
    pub segment_deadline: Option<Millis>,
    /// While paused, the segment countdown stands still. The session's planned
    /// end does not move: a pause is not an extension.
    pub paused_at: Option<Millis>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RunOfShow {
    pub segments: Vec<Segment>,
    pub clock: Clock,
    pub server_time: Millis,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExtendScope {
    Segment,
    Session,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    SessionEnding,
    SegmentOver,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RoundOrder {
    /// Whoever raised a hand first speaks first; then everyone else.
    HandsFirst,
    Shuffled,
}

/// The check-in round as everyone sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Round {
    /// False once the round has been ended; the other fields are then empty.
    pub active: bool,
    pub order: Vec<ParticipantId>,
    pub speaker: Option<ParticipantId>,
    pub passed: Vec<ParticipantId>,
}

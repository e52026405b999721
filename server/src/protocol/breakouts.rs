//! Breakouts: the room split into small groups (pairs, threes, or a number
//! of groups) for a while, each hearing only itself, then brought back
//! together. There is one room throughout: the server only changes who
//! receives whose audio and video, and whose chat.

use serde::{Deserialize, Serialize};
use strum::{IntoStaticStr, VariantNames};
use ts_rs::TS;

use super::{Millis, ParticipantId, Permission, Request};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
#[ts(optional_fields)]
pub enum BreakoutRequest {
    /// A host opens breakouts: the groups as the console planned them (at
    /// random or by hand), for `minutes`. With `choose`, the groups may
    /// start empty and each person picks one.
    OpenBreakouts {
        groups: Vec<Vec<ParticipantId>>,
        minutes: u32,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        choose: bool,
    },
    /// A host puts someone in a group, or (`null`) back in the main room.
    MoveToBreakout {
        participant: ParticipantId,
        breakout: Option<u32>,
    },
    /// A host looks in on a group (its members see them), or (`null`) goes
    /// back to the main room.
    VisitBreakout { breakout: Option<u32> },
    /// Someone goes back to the main room (`null`, always allowed) or, when
    /// people choose, into a group.
    ChooseBreakout { breakout: Option<u32> },
    /// More time for every group.
    ExtendBreakouts { minutes: u32 },
    /// Everyone back: now (no `in_seconds`, or 0), or after a countdown that
    /// everyone sees.
    EndBreakouts {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        in_seconds: Option<u32>,
    },
    /// A short message from a host to every group and the main room.
    BroadcastToBreakouts { text: String },
}

impl Request for BreakoutRequest {
    fn needs(&self, _me: ParticipantId) -> Permission {
        match self {
            BreakoutRequest::ChooseBreakout { .. } => Permission::InRoom,
            BreakoutRequest::OpenBreakouts { .. }
            | BreakoutRequest::MoveToBreakout { .. }
            | BreakoutRequest::VisitBreakout { .. }
            | BreakoutRequest::ExtendBreakouts { .. }
            | BreakoutRequest::EndBreakouts { .. }
            | BreakoutRequest::BroadcastToBreakouts { .. } => Permission::Host,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[ts(optional_fields)]
pub enum BreakoutEvent {
    /// The groups as they stand, to everyone; `breakouts` is absent once
    /// everyone is back in the main room.
    Breakouts {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        breakouts: Option<Breakouts>,
    },
    /// A host's message to everyone, wherever they are.
    BreakoutMessage {
        from: ParticipantId,
        text: String,
        at: Millis,
    },
}

/// Breakouts while they run. Anyone not in a group (as a member or a
/// visitor) is in the main room.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Breakouts {
    pub groups: Vec<BreakoutGroup>,
    pub ends_at: Millis,
    pub server_time: Millis,
    /// People choose their group.
    pub choose: bool,
    /// Less than a minute is left: everyone is told to finish.
    pub ending: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BreakoutGroup {
    /// Numbers are never reused in a session, so a chat line's `breakout`
    /// names one group only.
    pub id: u32,
    pub members: Vec<ParticipantId>,
    /// Hosts looking in.
    pub visitors: Vec<ParticipantId>,
}

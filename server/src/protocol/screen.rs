//! Screen share: one person at a time shows a screen, a window or a tab to
//! everyone in their place, as a video track of its own. Hosts may share,
//! and anyone a host allows; a host may stop anyone's share. Nothing is
//! recorded.

use serde::{Deserialize, Serialize};
use strum::{IntoStaticStr, VariantNames};
use ts_rs::TS;

use super::{ParticipantId, Permission, Request};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
#[ts(optional_fields)]
pub enum ScreenRequest {
    /// Start sharing: the page sends its screen on its screen section once
    /// this is acknowledged. A host, or someone a host allowed.
    StartScreenShare {},
    /// Stop one's own share, or, for a host, someone else's.
    StopScreenShare {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        participant: Option<ParticipantId>,
    },
    /// Let someone share their screen, or no longer (which stops their share).
    AllowScreenShare { participant: ParticipantId, allowed: bool },
}

impl Request for ScreenRequest {
    fn needs(&self, me: ParticipantId) -> Permission {
        match self {
            // Whether a participant was allowed is the room's to check.
            ScreenRequest::StartScreenShare {} => Permission::InRoom,
            ScreenRequest::StopScreenShare { participant: Some(id) } if *id != me => Permission::Host,
            ScreenRequest::StopScreenShare { .. } => Permission::InRoom,
            ScreenRequest::AllowScreenShare { .. } => Permission::Host,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ScreenEvent {
    ScreenShare(ScreenShare),
}

/// Who shares now, and who besides the hosts may.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScreenShare {
    pub sharer: Option<ParticipantId>,
    pub allowed: Vec<ParticipantId>,
}

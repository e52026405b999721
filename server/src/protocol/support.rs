//! The discreet "I need support" signal: only the hosts are told who and
//! since when, until one of them acknowledges it.

use serde::{Deserialize, Serialize};
use strum::{IntoStaticStr, VariantNames};
use ts_rs::TS;

use super::{Millis, ParticipantId, Permission, Request};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
pub enum SupportRequest {
    /// "I need support": from the waiting room too.
    NeedSupport {},
    /// A host saw someone's signal and will reach out.
    AcknowledgeSupport { participant: ParticipantId },
}

impl Request for SupportRequest {
    fn needs(&self, _me: ParticipantId) -> Permission {
        match self {
            // Someone in distress may signal before they are even let in.
            SupportRequest::NeedSupport {} => Permission::Joined,
            SupportRequest::AcknowledgeSupport { .. } => Permission::Host,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SupportEvent {
    /// Hosts only: who is waiting for support, longest first.
    SupportRequests { requests: Vec<SupportSignal> },
    /// To the person who asked: a host saw it.
    SupportAcknowledged {},
}

/// Someone's "I need support" signal, as the hosts see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SupportSignal {
    pub participant: ParticipantId,
    pub name: String,
    pub since: Millis,
}

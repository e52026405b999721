//! Capturing the summary while the session runs: takeaways, consensus,
//! outcomes and follow-ups. Items carry no author. Hosts change items
//! directly, each change under an idempotency `key` so that a retry is
//! recognised; everyone else proposes.

use serde::{Deserialize, Serialize};
use strum::{IntoStaticStr, VariantNames};
use ts_rs::TS;

use super::{ParticipantId, Permission, Request};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
pub enum SummaryRequest {
    AddSummaryItem {
        key: String,
        kind: SummaryKind,
        text: String,
    },
    EditSummaryItem {
        key: String,
        item: u32,
        kind: SummaryKind,
        text: String,
    },
    DeleteSummaryItem {
        key: String,
        item: u32,
    },
    MoveSummaryItem {
        key: String,
        item: u32,
        position: u32,
    },
    /// Suggest an item; only hosts see it until one accepts it.
    ProposeSummaryItem {
        kind: SummaryKind,
        text: String,
    },
    AcceptProposal {
        key: String,
        proposal: u32,
    },
    DeclineProposal {
        proposal: u32,
    },
    /// No more changes.
    FinalizeSummary {
        key: String,
    },
}

impl Request for SummaryRequest {
    fn needs(&self, _me: ParticipantId) -> Permission {
        match self {
            SummaryRequest::ProposeSummaryItem { .. } => Permission::InRoom,
            _ => Permission::Host,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SummaryEvent {
    Summary(Summary),
}

/// The kinds of item. The names are also how the store and the export
/// write them.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS, IntoStaticStr, strum::EnumString, strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SummaryKind {
    Takeaway,
    Consensus,
    Outcome,
    FollowUp,
}

/// A summary item or a proposal. Neither carries an author.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SummaryItem {
    pub id: u32,
    pub kind: SummaryKind,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct Summary {
    pub items: Vec<SummaryItem>,
    /// Waiting proposals: hosts only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposals: Option<Vec<SummaryItem>>,
    pub finalized: bool,
}

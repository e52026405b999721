//! Watching the group's energy: energizers with an "I'm back" count, a
//! nudge when the group has gone long without a break, and anonymous pulse
//! checks.

use serde::{Deserialize, Serialize};
use strum::{IntoStaticStr, VariantNames};
use ts_rs::TS;

use super::{Millis, ParticipantId, Permission, Request};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
#[ts(optional_fields)]
pub enum EnergyRequest {
    /// The library to pick from; answered with `energizers`.
    ListEnergizers {},
    LaunchEnergizer {
        energizer: String,
        /// Show everyone the seated variant.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        #[ts(as = "Option<bool>", optional)]
        seated: bool,
    },
    /// Back from the energizer.
    ImBack {},
    EndEnergizer {},
    StartPulse {
        kind: PulseKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        question: Option<String>,
    },
    /// Exactly one of `scale` (1 to 5) and `word`.
    AnswerPulse {
        pulse: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scale: Option<u8>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        word: Option<String>,
    },
    ClosePulse {},
    /// Show the closed check's results to everyone.
    SharePulse {},
}

impl Request for EnergyRequest {
    fn needs(&self, _me: ParticipantId) -> Permission {
        match self {
            EnergyRequest::ImBack {} | EnergyRequest::AnswerPulse { .. } => Permission::InRoom,
            _ => Permission::Host,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EnergyEvent {
    /// The answer to `list_energizers`.
    Energizers {
        energizers: Vec<Energizer>,
    },
    EnergizerStarted(ActiveEnergizer),
    /// Hosts only: how many are back, of how many.
    EnergizerProgress(EnergizerProgress),
    EnergizerEnded {},
    /// Hosts only: the group has gone this long without a break.
    BreakNudge {
        minutes: u32,
    },
    Pulse(Pulse),
}

/// One activity, as a facilitator picks it and everyone sees it. A
/// deployment's own library is read in this shape too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Energizer {
    /// A short stable name, such as `box-breathing`.
    pub id: String,
    pub title: String,
    /// How long it runs; everyone sees the countdown.
    pub seconds: u32,
    pub steps: Vec<String>,
    /// The version for someone seated, with limited mobility, or in a shared space.
    pub seated: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActiveEnergizer {
    pub energizer: Energizer,
    /// Whether everyone is shown the seated variant.
    pub seated: bool,
    pub ends_at: Millis,
    pub server_time: Millis,
}

/// How many are back from an energizer, of how many (hosts aside).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EnergizerProgress {
    pub back: u32,
    pub total: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PulseKind {
    /// 1 (drained) to 5 (energized).
    Scale,
    /// One word.
    Word,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WordCount {
    pub word: String,
    pub count: u32,
}

/// A pulse check. The distribution (`scale` or `words`) appears only once the
/// check is closed with at least three answers, and for participants only
/// once a host shares it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct Pulse {
    pub id: u32,
    pub question: String,
    pub kind: PulseKind,
    pub open: bool,
    pub answered: u32,
    pub you_answered: bool,
    /// Whether a host has shared the results with everyone: a host's page
    /// reloaded after sharing knows not to offer it again.
    pub shared: bool,
    /// How many chose 1, 2, 3, 4 and 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<[u32; 5]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub words: Option<Vec<WordCount>>,
}

//! The facilitator's report after (or during) a session: how the time went
//! against the plan, how energy moved, how the talking was shared. Times,
//! counts and first names only: nothing anyone said, no chat. The same shape
//! is the answer to `get_report` in the room and the body of
//! `GET /sessions/{id}/report.json` for the facilitator's link afterwards.

use serde::{Deserialize, Serialize};
use strum::{IntoStaticStr, VariantNames};
use ts_rs::TS;

use super::energy::PulseKind;
use super::facilitation::SegmentKind;
use super::{Millis, ParticipantId, Permission, Request};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
pub enum ReportRequest {
    /// The report so far, answered with `report`.
    GetReport {},
}

impl Request for ReportRequest {
    fn needs(&self, _me: ParticipantId) -> Permission {
        Permission::Host
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ReportEvent {
    /// The answer to `get_report`.
    Report { report: SessionReport },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SessionReport {
    pub title: String,
    /// The time it was booked for.
    pub planned_start: Millis,
    pub planned_end: Millis,
    /// When a facilitator started the clock and ended the session, if they did.
    pub started_at: Option<Millis>,
    pub ended_at: Option<Millis>,
    /// Each part of the agenda as it ran, in the order it ran (a part gone
    /// back to shows twice).
    pub segments: Vec<SegmentTime>,
    pub rounds_completed: u32,
    pub pulses: Vec<PulseResult>,
    /// Talk time per person, most first.
    pub talk: Vec<TalkShare>,
    /// How much of all the talking the most talkative third did, in percent
    /// (33 is perfectly even); absent before anyone spoke.
    pub top_third_percent: Option<u32>,
    pub hands_raised: u32,
    /// Hands a host gave the floor to.
    pub hands_answered: u32,
    pub breakouts: Vec<BreakoutRun>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SegmentTime {
    pub segment: u32,
    pub title: String,
    pub kind: SegmentKind,
    pub planned_minutes: u32,
    pub started_at: Millis,
    /// How long it ran; absent while it still runs.
    pub actual_ms: Option<Millis>,
}

/// A pulse check as it closed: how many answered and, for the energy
/// scale, how many chose each point. Words people typed are not kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PulseResult {
    pub at: Millis,
    pub question: String,
    pub kind: PulseKind,
    pub answered: u32,
    /// How many chose 1 (drained) to 5 (energized).
    pub scale: Option<[u32; 5]>,
    /// The mean of the scale in tenths (34 is 3.4); absent for words or
    /// when no one answered.
    pub average_tenths: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TalkShare {
    /// The first name only.
    pub name: String,
    pub ms: Millis,
    /// Of all talk time, rounded.
    pub percent: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BreakoutRun {
    pub opened_at: Millis,
    /// Absent while they run.
    pub closed_at: Option<Millis>,
    pub groups: u32,
    pub people: u32,
    pub planned_minutes: u32,
}

//! The shapes that messages are made of. Times are milliseconds since the
//! Unix epoch, UTC; ids are small integers, unique within a room.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireRole {
    Facilitator,
    CoFacilitator,
    Participant,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireReaction {
    Nod,
    Thanks,
    Heart,
    MeToo,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireSession {
    pub id: String,
    pub title: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub ground_rules: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireGate {
    pub rules_accepted: bool,
    pub admitted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireParticipant {
    pub id: u32,
    pub name: String,
    pub role: WireRole,
    pub connected: bool,
    /// Microphone on and camera on, as the person set them (a host's mute or
    /// stop-video turns them off).
    pub audio: bool,
    pub video: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireWaiting {
    pub id: u32,
    pub name: String,
    pub rules_accepted: bool,
    pub admitted: bool,
    pub since: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireChat {
    pub seq: u64,
    pub from: u32,
    pub name: String,
    pub text: String,
    pub at: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireLeaveReason {
    Left,
    TimedOut,
    Removed,
    Declined,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireSegmentKind {
    CheckIn,
    Sharing,
    Discussion,
    Energizer,
    WrapUp,
    Custom,
}

/// A segment as a facilitator describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireSegmentDraft {
    pub title: String,
    pub kind: WireSegmentKind,
    pub minutes: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireSegment {
    pub id: u32,
    pub title: String,
    pub kind: WireSegmentKind,
    pub minutes: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<String>,
}

/// The session clock. Clients count down from these absolute times, using
/// `server_time` to correct for their own clock; no ticks are sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireClock {
    pub started_at: Option<i64>,
    pub planned_end: i64,
    pub current_segment: Option<u32>,
    pub segment_started_at: Option<i64>,
    pub segment_deadline: Option<i64>,
    pub paused_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireRunOfShow {
    pub segments: Vec<WireSegment>,
    pub clock: WireClock,
    pub server_time: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireExtendScope {
    Segment,
    Session,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireWarningKind {
    SessionEnding,
    SegmentOver,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireRoundOrder {
    HandsFirst,
    Shuffled,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireRound {
    /// False once the round has been ended; the other fields are then empty.
    pub active: bool,
    pub order: Vec<u32>,
    pub speaker: Option<u32>,
    pub passed: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireEnergizer {
    pub id: String,
    pub title: String,
    pub seconds: u32,
    pub steps: Vec<String>,
    pub seated: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireActiveEnergizer {
    pub energizer: WireEnergizer,
    /// Whether everyone is shown the seated variant.
    pub seated: bool,
    pub ends_at: i64,
    pub server_time: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WirePulseKind {
    Scale,
    Word,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireWordCount {
    pub word: String,
    pub count: u32,
}

/// A pulse check. The distribution (`scale` or `words`) appears only once the
/// check is closed with at least three answers, and for participants only
/// once a host shares it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WirePulse {
    pub id: u32,
    pub question: String,
    pub kind: WirePulseKind,
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
    pub words: Option<Vec<WireWordCount>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireSummaryKind {
    Takeaway,
    Consensus,
    Outcome,
    FollowUp,
}

/// A summary item or a proposal. Neither carries an author.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireSummaryItem {
    pub id: u32,
    pub kind: WireSummaryKind,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireSummary {
    pub items: Vec<WireSummaryItem>,
    /// Waiting proposals: hosts only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposals: Option<Vec<WireSummaryItem>>,
    pub finalized: bool,
}

/// An ICE candidate exactly as a browser's `RTCIceCandidate.toJSON()` gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireIceCandidate {
    pub candidate: String,
    #[serde(rename = "sdpMid", default, skip_serializing_if = "Option::is_none")]
    pub sdp_mid: Option<String>,
    #[serde(rename = "sdpMLineIndex", default, skip_serializing_if = "Option::is_none")]
    pub sdp_mline_index: Option<u16>,
    /// Accepted and ignored: the server matches candidates by m-line.
    #[serde(rename = "usernameFragment", default, skip_serializing)]
    pub username_fragment: Option<String>,
}

/// A STUN or TURN server for the client's peer connection, in the shape of
/// the browser's `RTCIceServer`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireIceServer {
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

/// How many are back from an energizer, of how many (hosts aside).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireEnergizerProgress {
    pub back: u32,
    pub total: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireTalkTime {
    pub participant: u32,
    pub ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireSupportRequest {
    pub participant: u32,
    pub name: String,
    pub since: i64,
}

/// Where to turn in a crisis, as a deployment sets it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireCrisisResource {
    pub label: String,
    pub contact: String,
}

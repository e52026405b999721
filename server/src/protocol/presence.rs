//! Being in the room: the gate (ground rules accepted, admitted), the whole
//! room as one snapshot, and people arriving, changing and leaving.

use serde::{Deserialize, Serialize};
use strum::{IntoStaticStr, VariantNames};
use ts_rs::TS;

use super::breakouts::Breakouts;
use super::e2ee::E2ee;
use super::energy::{ActiveEnergizer, EnergizerProgress, Pulse};
use super::facilitation::{Round, RunOfShow};
use super::floor::ChatLine;
use super::hosting::Waiting;
use super::media::TalkTime;
use super::screen::ScreenShare;
use super::summary::{Summary, SummaryItem};
use super::support::SupportSignal;
use super::{Millis, ParticipantId, Permission, Request, Role};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
pub enum PresenceRequest {
    /// The whole room again; answered with `room_state`.
    GetState {},
    /// Accept the session's ground rules.
    AcceptRules {},
    /// Leave the room: everyone is told at once, and the place is kept out
    /// of sight for the reconnect grace, so that `resume` can bring one back.
    Leave {},
}

impl Request for PresenceRequest {
    fn needs(&self, _me: ParticipantId) -> Permission {
        match self {
            // The waiting see nothing of the room.
            PresenceRequest::GetState {} => Permission::InRoom,
            PresenceRequest::AcceptRules {} | PresenceRequest::Leave {} => Permission::Joined,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum PresenceEvent {
    /// Where someone at the gate stands.
    Gate(Gate),
    /// Everything a person needs to draw the room: on entering, on resuming,
    /// and in answer to `get_state`. Boxed: it is many times the size of any
    /// other event, and every event travels in queues.
    RoomState(Box<RoomState>),
    ParticipantJoined {
        participant: Participant,
    },
    /// Their role, connection or media changed.
    ParticipantUpdated {
        participant: Participant,
    },
    ParticipantLeft {
        participant: ParticipantId,
        reason: LeaveReason,
    },
    /// An organizer changed the session (its title, its time, its rules)
    /// while its room is live: everyone, waiting or in, is sent it again.
    SessionChanged {
        session: Session,
    },
}

/// What a newcomer needs to know about the session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Session {
    pub id: String,
    pub title: String,
    pub starts_at: Millis,
    pub ends_at: Millis,
    pub ground_rules: Vec<String>,
    pub kind: SessionKind,
}

/// A group with a facilitator, or a one-on-one conversation between a
/// physician and a peer supporter (two people, no console, the crisis
/// resources one click away).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    Group,
    OneOnOne,
}

/// The two conditions for being in the room: the ground rules accepted, and
/// admitted by a host (or by the waiting room being off).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Gate {
    pub rules_accepted: bool,
    pub admitted: bool,
}

/// A person as everyone in the room sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Participant {
    pub id: ParticipantId,
    pub name: String,
    pub role: Role,
    pub connected: bool,
    /// Microphone on and camera on, as the person set them (a host's mute or
    /// stop-video turns them off).
    pub audio: bool,
    pub video: bool,
    /// How their audio and video connection with the server stands.
    pub media: MediaLink,
    /// Their page's public key for end-to-end encrypted media, once it has
    /// published one (base64url; see `set_e2ee_key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub e2ee_key: Option<String>,
}

/// How someone's audio and video connection with the server stands, as the
/// server sees it: the others' tiles show a problem, and the person's own
/// page keeps trying.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MediaLink {
    /// Not up yet: no connection made, or one being set up.
    #[default]
    Connecting,
    Connected,
    /// Not up after a while, or up and then lost: their page tries again.
    Trouble,
}

/// Why someone is no longer in the room.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LeaveReason {
    Left,
    /// Their connection dropped and they did not come back within the grace.
    TimedOut,
    Removed,
    Declined,
}

/// The whole room, as one person may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct RoomState {
    pub you: ParticipantId,
    pub server_time: Millis,
    pub participants: Vec<Participant>,
    pub hands: Vec<ParticipantId>,
    pub chat: Vec<ChatLine>,
    pub locked: bool,
    pub waiting_room: bool,
    /// Hosts only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting: Option<Vec<Waiting>>,
    pub ground_rules: Vec<String>,
    pub run_of_show: RunOfShow,
    pub round: Round,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energizer: Option<ActiveEnergizer>,
    /// Hosts only, while an energizer runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energizer_progress: Option<EnergizerProgress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pulse: Option<Pulse>,
    pub summary: Summary,
    /// The outcomes and follow-ups of the series' previous session.
    pub previous_outcomes: Vec<SummaryItem>,
    /// Hosts only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub talk_time: Option<Vec<TalkTime>>,
    /// Hosts only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_requests: Option<Vec<SupportSignal>>,
    /// While breakouts run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakouts: Option<Breakouts>,
    pub screen_share: ScreenShare,
    pub e2ee: E2ee,
}

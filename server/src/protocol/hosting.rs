//! The host controls: the waiting room, the lock, roles, removal, the end.

use serde::{Deserialize, Serialize};
use strum::{IntoStaticStr, VariantNames};
use ts_rs::TS;

use super::{Millis, ParticipantId, Permission, Request, Role};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
pub enum HostingRequest {
    /// Let someone in from the waiting room.
    Admit {
        participant: ParticipantId,
    },
    /// Turn away someone who is waiting.
    Decline {
        participant: ParticipantId,
    },
    AdmitAll {},
    /// With the waiting room off, participants are admitted as they arrive.
    SetWaitingRoom {
        enabled: bool,
    },
    /// A locked room lets no new participant in.
    SetLocked {
        locked: bool,
    },
    /// Their device may not come back to this session.
    Remove {
        participant: ParticipantId,
    },
    AskToMute {
        participant: ParticipantId,
    },
    /// Make someone a co-facilitator, or a participant again.
    SetRole {
        participant: ParticipantId,
        role: Role,
    },
    /// End the session for everyone.
    EndSession {},
}

impl Request for HostingRequest {
    fn needs(&self, _me: ParticipantId) -> Permission {
        match self {
            HostingRequest::SetRole { .. } | HostingRequest::EndSession {} => Permission::Facilitator,
            _ => Permission::Host,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum HostingEvent {
    /// Hosts only: who waits to be let in, in order of arrival.
    WaitingRoom {
        waiting: Vec<Waiting>,
    },
    Settings {
        locked: bool,
        waiting_room: bool,
    },
    /// A host asks you to mute.
    MuteRequested {},
    /// A host turned you away from the waiting room.
    Declined {},
    /// A host removed you from the session.
    Removed {},
    SessionEnded {},
    /// The organizer cancelled the session while its room was live: the
    /// room closes for everyone, as when a facilitator ends it.
    SessionCancelled {},
}

/// A person in the waiting room, as the hosts see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Waiting {
    pub id: ParticipantId,
    pub name: String,
    pub rules_accepted: bool,
    pub admitted: bool,
    pub since: Millis,
}

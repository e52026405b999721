//! Who has the floor: chat, the hand queue and reactions.

use serde::{Deserialize, Serialize};
use strum::{IntoStaticStr, VariantNames};
use ts_rs::TS;

use super::{Millis, ParticipantId, Permission, Request};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[strum(serialize_all = "snake_case")]
#[ts(optional_fields)]
pub enum FloorRequest {
    /// Say something to everyone in the room (or, in a breakout, to the
    /// group). Kept in memory only.
    Chat {
        text: String,
    },
    /// Join the end of the hand queue.
    RaiseHand {},
    /// Lower one's own hand, or, for a host, someone else's.
    LowerHand {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        participant: Option<ParticipantId>,
    },
    /// Give the floor to the first hand in the queue.
    CallNextHand {},
    /// Lower every raised hand at once.
    LowerAllHands {},
    React {
        reaction: Reaction,
    },
}

impl Request for FloorRequest {
    fn needs(&self, me: ParticipantId) -> Permission {
        match self {
            FloorRequest::LowerHand { participant: Some(id) } if *id != me => Permission::Host,
            FloorRequest::CallNextHand {} | FloorRequest::LowerAllHands {} => Permission::Host,
            FloorRequest::Chat { .. }
            | FloorRequest::RaiseHand {}
            | FloorRequest::LowerHand { .. }
            | FloorRequest::React { .. } => Permission::InRoom,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, VariantNames, IntoStaticStr)]
#[serde(tag = "type", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FloorEvent {
    Chat(ChatLine),
    /// The hand queue, first raised first.
    Hands {
        queue: Vec<ParticipantId>,
    },
    /// A host gave this person the floor.
    HandCalled {
        participant: ParticipantId,
    },
    Reaction {
        from: ParticipantId,
        reaction: Reaction,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(optional_fields)]
pub struct ChatLine {
    pub seq: u64,
    pub from: ParticipantId,
    pub name: String,
    pub text: String,
    pub at: Millis,
    /// Said in this breakout group, for its members only; absent: said in
    /// the main room.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakout: Option<u32>,
}

/// The reactions someone can send without unmuting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Reaction {
    Nod,
    Thanks,
    Heart,
    MeToo,
}

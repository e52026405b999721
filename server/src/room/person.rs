//! One person's place in a room.

use super::types::*;

/// One person's place in the room. It outlives their connection for the grace.
#[derive(Clone, Debug)]
pub(super) struct Person {
    pub id: ParticipantId,
    pub name: String,
    pub role: Role,
    pub device_hash: [u8; 32],
    pub resume_hash: [u8; 32],
    pub gate: Gate,
    pub conn: Option<ConnId>,
    /// When they asked to join: the waiting room is shown in this order.
    pub since: Millis,
    /// When their connection dropped, while they are within the grace.
    pub dropped_at: Option<Millis>,
}

impl Person {
    pub fn present(&self) -> bool {
        self.gate.open()
    }

    pub fn info(&self) -> ParticipantInfo {
        ParticipantInfo {
            id: self.id,
            name: self.name.clone(),
            role: self.role,
            connected: self.conn.is_some(),
        }
    }
}

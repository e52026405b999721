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
    /// What they say they send: microphone on, camera on.
    pub audio: bool,
    pub video: bool,
    /// A host muted them or stopped their video: the server forwards none of
    /// it until they turn it back on themselves.
    pub host_muted: bool,
    pub host_stopped_video: bool,
    /// Time spent speaking, for the hosts' talk-time balance.
    pub talk_ms: Millis,
    pub speaking_since: Option<Millis>,
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
            audio: self.audio,
            video: self.video,
        }
    }
}

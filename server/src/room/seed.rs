//! What a room is made from: its settings and what was stored of it.

use std::collections::HashSet;
use std::sync::Arc;

use super::agenda::RunOfShow;
use super::summary::{StoredSummary, SummaryItem};
use super::types::*;
use crate::protocol::energy::Energizer;
use crate::protocol::facilitation::SegmentDraft;

/// Limits and timings of one room, fixed when the room starts.
#[derive(Clone, Debug)]
pub struct RoomConfig {
    /// How long a dropped participant keeps their place.
    pub grace_ms: Millis,
    /// How many chat lines a newcomer is shown.
    pub chat_history: usize,
    /// How many may wait to be let in at once, whatever the room's size.
    pub waiting_capacity: usize,
    /// How many may arrive in the waiting room in a minute.
    pub arrivals_per_minute: usize,
}

impl Default for RoomConfig {
    fn default() -> Self {
        RoomConfig {
            grace_ms: 30_000,
            chat_history: 200,
            waiting_capacity: 30,
            arrivals_per_minute: 30,
        }
    }
}

/// How a facilitator left the door: stored, so that a restart keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DoorSettings {
    pub locked: bool,
    pub waiting_room: bool,
}

impl Default for DoorSettings {
    /// Unlocked, with a waiting room: a facilitator sees who comes in.
    fn default() -> Self {
        DoorSettings {
            locked: false,
            waiting_room: true,
        }
    }
}

/// What a room starts from: its session and what was saved of it.
#[derive(Clone, Debug)]
pub struct RoomSeed {
    pub session: SessionInfo,
    pub banned_devices: HashSet<[u8; 32]>,
    /// Devices that have been in the room this session.
    pub entered_devices: HashSet<[u8; 32]>,
    /// The door as a facilitator last set it.
    pub door: DoorSettings,
    pub run_of_show: RunOfShow,
    /// The agenda as the organizer last wrote it: what an organizer's later
    /// edit is compared with (`planning.rs`).
    pub planned_agenda: Vec<SegmentDraft>,
    pub summary: StoredSummary,
    pub previous_outcomes: Vec<SummaryItem>,
    pub energizers: Arc<[Energizer]>,
    /// Nudge the hosts after this long without a break, if set.
    pub break_nudge_minutes: Option<u32>,
    /// Where the room's random numbers start (the order of a shuffled
    /// round). The caller draws it, so the room itself stays pure.
    pub random: u64,
}

impl RoomSeed {
    /// A session with nothing saved yet: an empty agenda and summary.
    pub fn fresh(session: SessionInfo, energizers: Arc<[Energizer]>) -> RoomSeed {
        RoomSeed {
            run_of_show: RunOfShow::new(session.ends_at, vec![5, 1]),
            session,
            planned_agenda: Vec::new(),
            banned_devices: HashSet::new(),
            entered_devices: HashSet::new(),
            door: DoorSettings::default(),
            summary: StoredSummary::default(),
            previous_outcomes: Vec::new(),
            energizers,
            break_nudge_minutes: None,
            random: 0,
        }
    }
}

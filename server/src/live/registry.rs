//! Finds the live room of a session, starting its actor on first use.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use dashmap::DashMap;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::actor::{Actor, RoomHandle};
use super::placement::{Located, Placement};
use crate::energizers;
use crate::media::Media;
use crate::metrics::Metrics;
use crate::protocol::energy::Energizer;
use crate::room::{DoorState, Room, RoomConfig, RoomSeed};
use crate::store::{Store, StoreError};

/// How many commands may queue for one room before senders wait.
const ROOM_QUEUE: usize = 1024;

#[derive(Clone, Debug)]
pub struct RoomsConfig {
    pub room: RoomConfig,
    /// How long an empty room lingers before its actor stops.
    pub idle: Duration,
    /// The energizer library every room offers.
    pub energizers: Arc<[Energizer]>,
}

impl Default for RoomsConfig {
    fn default() -> Self {
        RoomsConfig {
            room: RoomConfig::default(),
            idle: Duration::from_secs(60),
            energizers: energizers::builtin().into(),
        }
    }
}

/// All live rooms of this server. Cloning shares the same registry.
#[derive(Clone)]
pub struct RoomRegistry {
    rooms: Arc<DashMap<String, RoomHandle>>,
    generations: Arc<AtomicU64>,
    pub(super) store: Store,
    config: RoomsConfig,
    shutdown: CancellationToken,
    tasks: TaskTracker,
    /// The media layer; `None` runs rooms without audio and video.
    media: Option<Media>,
    /// What the actors note for `/metrics`: their store writes' time, their
    /// outboxes' fill.
    metrics: Arc<Metrics>,
    /// With many nodes: where rooms run. `None`: every room runs here.
    placement: Option<Placement>,
}

/// How many rooms are live and how many people are in them and waiting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Census {
    pub rooms: usize,
    /// People let in, hosts included.
    pub in_rooms: usize,
    pub waiting: usize,
}

impl RoomRegistry {
    pub fn new(
        store: Store,
        config: RoomsConfig,
        media: Option<Media>,
        metrics: Arc<Metrics>,
        shutdown: CancellationToken,
        tasks: TaskTracker,
    ) -> RoomRegistry {
        RoomRegistry {
            media,
            metrics,
            rooms: Arc::new(DashMap::new()),
            generations: Arc::new(AtomicU64::new(0)),
            store,
            config,
            shutdown,
            tasks,
            placement: None,
        }
    }

    /// Places rooms among the nodes sharing this store.
    pub fn with_placement(mut self, placement: Placement) -> RoomRegistry {
        self.placement = Some(placement);
        self
    }

    pub fn placement(&self) -> Option<&Placement> {
        self.placement.as_ref()
    }

    /// Where a session's room runs: here when rooms are not placed among
    /// nodes, or when it is placed on this one.
    pub async fn locate(&self, session_id: &str) -> Result<Located, StoreError> {
        match &self.placement {
            // A room running here is here, whatever a lease says since.
            Some(placement) if self.live(session_id).is_none() => placement.locate(session_id).await,
            _ => Ok(Located::Here),
        }
    }

    /// The sessions of the rooms live here, and their people: what a
    /// heartbeat reports and renews.
    pub fn live_sessions(&self) -> (Vec<String>, u64) {
        let rooms = self
            .rooms
            .iter()
            .filter(|h| !h.tx.is_closed())
            .map(|h| h.key().clone())
            .collect();
        let census = self.census();
        (rooms, (census.in_rooms + census.waiting) as u64)
    }

    /// The live room of a session, if its actor is running.
    pub fn get(&self, session_id: &str) -> Option<RoomHandle> {
        self.rooms.get(session_id).map(|h| h.clone())
    }

    /// The room of a session whose actor still takes commands (`get` may
    /// answer one that has just stopped).
    pub(super) fn live(&self, session_id: &str) -> Option<RoomHandle> {
        self.get(session_id).filter(|h| !h.tx.is_closed())
    }

    /// Who may come into a session's live room now; None if it is not live
    /// (then it is empty, behind the door stored for it).
    pub fn door(&self, session_id: &str) -> Option<DoorState> {
        self.live(session_id).map(|h| h.door())
    }

    /// Every live room's people, from the door states the actors publish:
    /// no room is asked, and none waits for a scrape.
    pub fn census(&self) -> Census {
        let mut census = Census::default();
        for handle in self.rooms.iter().filter(|h| !h.tx.is_closed()) {
            let door = handle.door();
            census.rooms += 1;
            census.in_rooms += door.admitted + door.hosts;
            census.waiting += door.waiting;
        }
        census
    }

    /// The live room of a session, started from the store if needed.
    pub async fn get_or_start(&self, session_id: &str) -> Result<RoomHandle, StoreError> {
        if let Some(handle) = self.live(session_id) {
            return Ok(handle);
        }
        // Loading happens outside the map's lock; if two joins race here, the
        // first to insert wins and the other's load is dropped.
        let seed = self.seed(session_id).await?;
        let entry = self.rooms.entry(session_id.to_owned());
        let handle = match entry {
            dashmap::Entry::Occupied(slot) if !slot.get().tx.is_closed() => slot.get().clone(),
            dashmap::Entry::Occupied(mut slot) => {
                let handle = self.spawn(Room::new(seed, self.config.room.clone()));
                slot.insert(handle.clone());
                handle
            }
            dashmap::Entry::Vacant(slot) => {
                let handle = self.spawn(Room::new(seed, self.config.room.clone()));
                slot.insert(handle.clone());
                handle
            }
        };
        Ok(handle)
    }

    /// Stops a room whose lease another node holds now: its people rejoin
    /// and are sent there.
    pub fn move_away(&self, session_id: &str) {
        if let Some(handle) = self.get(session_id) {
            handle.moved.cancel();
        }
    }

    /// Everything a room starts from, as stored.
    async fn seed(&self, session_id: &str) -> Result<RoomSeed, StoreError> {
        let record = self.store.session(session_id).await?;
        Ok(RoomSeed {
            run_of_show: self.store.run_of_show(session_id, record.ends_at()).await?,
            planned_agenda: record.agenda.clone(),
            summary: self.store.summary(session_id).await?,
            previous_outcomes: self.store.previous_outcomes(session_id).await?,
            banned_devices: self.store.banned_devices(session_id).await?,
            entered_devices: self.store.entered_devices(session_id).await?,
            door: self.store.door(session_id).await?,
            energizers: Arc::clone(&self.config.energizers),
            break_nudge_minutes: record.break_nudge_minutes,
            session: record.room_info(),
            // Drawn here, outside the room, so the room itself stays pure.
            random: rand::random(),
        })
    }

    fn spawn(&self, room: Room) -> RoomHandle {
        let (tx, rx) = mpsc::channel(ROOM_QUEUE);
        let (report, reports) = mpsc::unbounded_channel();
        let (door_tx, door) = watch::channel(room.door_state());
        let generation = self.generations.fetch_add(1, Ordering::Relaxed);
        let moved = CancellationToken::new();
        let handle = RoomHandle {
            tx,
            generation,
            door,
            moved: moved.clone(),
        };
        let session_id = room.session().id.clone();
        let actor = Actor {
            room,
            rx,
            reports,
            store: self.store.clone(),
            outboxes: HashMap::new(),
            idle: self.config.idle,
            shutdown: self.shutdown.clone(),
            moved,
            failed: false,
            media: self.media.as_ref().map(|m| m.start_session(report)),
            door: door_tx,
            metrics: Arc::clone(&self.metrics),
        };
        let rooms = Arc::clone(&self.rooms);
        let placement = self.placement.clone();
        self.tasks.spawn(async move {
            actor.run().await;
            // Forget this room, unless a newer actor already took its place.
            let gone = rooms
                .remove_if(&session_id, |_, h| h.generation == generation)
                .is_some();
            if let Some(placement) = placement.filter(|_| gone && !rooms.contains_key(&session_id)) {
                placement.release(&session_id).await;
            }
        });
        handle
    }
}

//! The task that owns one live room and does its I/O.
//!
//! Every command for the room arrives on one channel and is handled to the
//! end before the next, so the room needs no locks. The actor never waits on
//! a client: events go into each connection's bounded outbox with `try_send`,
//! and a connection whose outbox is full is closed rather than slowing the
//! room for everyone else.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot, watch};
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

use crate::clock;
use crate::media::MediaSession;
use crate::metrics::Metrics;
use crate::protocol::RoomEvent;
use crate::protocol::report::ReportEvent;
use crate::room::media::{MediaCommand, MediaReport};
use crate::room::{CloseReason, Command, ConnId, DoorState, Effect, Outcome, Persist, Reply, Room, RoomError};
use crate::store::{Store, StoreError};

/// How many events may wait for one slow connection before it is dropped.
pub const OUTBOX_CAPACITY: usize = 256;

/// What the room sends to one connection's own loop. The event is boxed so
/// that the queue's slots stay a pointer wide: tokio allocates a queue's
/// slots in blocks of 32 up front, and an unboxed event (the size of its
/// largest variant) made that block several KiB for every connected person,
/// idle or not (docs/benchmarks.md, memory per participant).
#[derive(Debug)]
pub enum Outbound {
    Event(Box<RoomEvent>),
    Close(CloseReason),
}

/// A command on its way to the room, with where its answer goes.
pub(super) struct Envelope {
    pub command: Command,
    /// For `Join` and `Resume`: the new connection's outbox.
    pub attach: Option<(ConnId, mpsc::Sender<Outbound>)>,
    /// Answered after the command's writes are durable and before its events
    /// are queued, so the asker always sees its reply first.
    pub done: Option<oneshot::Sender<Result<Reply, RoomError>>>,
}

/// A cheap, cloneable way to reach a live room.
#[derive(Clone)]
pub struct RoomHandle {
    pub(super) tx: mpsc::Sender<Envelope>,
    pub(super) generation: u64,
    /// The room's door as its actor last published it.
    pub(super) door: watch::Receiver<DoorState>,
    /// Cancelled when the room must leave this node (`RoomRegistry::move_away`).
    pub(super) moved: CancellationToken,
}

impl RoomHandle {
    /// Who may come in, as of the last command the room handled: read
    /// without a round trip, so a page asking about its link never queues
    /// behind the room's work.
    pub fn door(&self) -> DoorState {
        *self.door.borrow()
    }

    /// Sends a command and waits for the room's answer. `None` means the room
    /// stopped before answering (it went idle or the server is stopping).
    pub async fn ask(
        &self,
        command: Command,
        attach: Option<(ConnId, mpsc::Sender<Outbound>)>,
    ) -> Option<Result<Reply, RoomError>> {
        let (done, answer) = oneshot::channel();
        let envelope = Envelope {
            command,
            attach,
            done: Some(done),
        };
        self.tx.send(envelope).await.ok()?;
        answer.await.ok()
    }

    /// Tells the room something that needs no answer, such as a dropped socket.
    pub async fn tell(&self, command: Command) {
        let envelope = Envelope {
            command,
            attach: None,
            done: None,
        };
        // If the room has stopped there is no one left to tell.
        let _ = self.tx.send(envelope).await;
    }
}

pub(super) struct Actor {
    pub room: Room,
    pub rx: mpsc::Receiver<Envelope>,
    /// What the room's media layer reports. Its own channel, read beside
    /// the commands: the media tasks never wait on the room's queue, and
    /// the room never waits on them. Unbounded, yet bounded in practice by
    /// what causes reports: each is the answer to a client's rate-limited
    /// signalling, or a change of who is speaking (a few a second).
    pub reports: mpsc::UnboundedReceiver<MediaReport>,
    pub store: Store,
    pub outboxes: HashMap<ConnId, mpsc::Sender<Outbound>>,
    /// How long an empty room lingers before its actor stops.
    pub idle: Duration,
    pub shutdown: CancellationToken,
    /// The room runs elsewhere now: everyone rejoins, and finds it there.
    pub moved: CancellationToken,
    /// A write failed: the actor stops, and the room restarts from the store.
    pub failed: bool,
    /// The room's media session; `None` where the server runs without media.
    pub media: Option<MediaSession>,
    /// Where the room's door state is published for `RoomHandle::door`.
    pub door: watch::Sender<DoorState>,
    /// Where the store writes' time and the outboxes' fill are noted.
    pub metrics: Arc<Metrics>,
}

impl Actor {
    /// Runs until the session ends, the room stays empty for `idle`, or the
    /// server shuts down. The chat dies with the actor.
    pub async fn run(mut self) {
        let session = self.room.session().id.clone();
        debug!(room = %session, "room started");
        loop {
            let deadline = self.room.next_deadline().map(clock::instant_at);
            let idle_deadline = self.room.is_empty().then(|| tokio::time::Instant::now() + self.idle);
            tokio::select! {
                envelope = self.rx.recv() => match envelope {
                    Some(envelope) => self.handle(envelope).await,
                    None => break,
                },
                Some(report) = self.reports.recv() => {
                    let outcome = self.room.handle(Command::Media(report), clock::now_millis());
                    self.carry_out(outcome, None).await;
                }
                _ = sleep_until(deadline), if deadline.is_some() => {
                    let outcome = self.room.handle(Command::Tick, clock::now_millis());
                    self.carry_out(outcome, None).await;
                }
                _ = sleep_until(idle_deadline), if idle_deadline.is_some() => break,
                _ = self.shutdown.cancelled() => break,
                _ = self.moved.cancelled() => self.fail_everyone(),
            }
            let door = self.room.door_state();
            self.door.send_if_modified(|published| {
                let changed = *published != door;
                *published = door;
                changed
            });
            if self.room.is_ended() || self.failed {
                break;
            }
        }
        debug!(room = %session, "room stopped");
    }

    async fn handle(&mut self, envelope: Envelope) {
        let Envelope { command, attach, done } = envelope;
        if let Some((conn, outbox)) = &attach {
            self.outboxes.insert(*conn, outbox.clone());
        }
        let outcome = self.room.handle(command, clock::now_millis());
        // A refused join or resume leaves no connection behind in the room.
        if let (Some((conn, _)), Some(Err(_))) = (&attach, &outcome.reply) {
            self.outboxes.remove(conn);
        }
        self.carry_out(outcome, done).await;
    }

    async fn carry_out(&mut self, outcome: Outcome, done: Option<oneshot::Sender<Result<Reply, RoomError>>>) {
        let Outcome { reply, effects } = outcome;
        let (writes, rest): (Vec<Effect>, Vec<Effect>) =
            effects.into_iter().partition(|e| matches!(e, Effect::Persist(_)));
        for write in writes {
            if let Effect::Persist(what) = write
                && let Err(error) = self.persist_timed(what).await
            {
                // The room has changed in memory but not on disk. Rather than
                // go on with state that a restart would lose, the room stops
                // and everyone rejoins into a room rebuilt from the store.
                warn!(room = %self.room.session().id, ?error, "could not save a room change; restarting the room");
                if let Some(done) = done {
                    let _ = done.send(Err(RoomError::Unavailable));
                }
                self.fail_everyone();
                return;
            }
        }
        let reply = match reply {
            Some(Ok(Reply::Report)) => Some(self.report().await),
            other => other,
        };
        if let (Some(done), Some(reply)) = (done, reply) {
            // The asker may have gone away meanwhile; nothing to do then.
            let _ = done.send(reply);
        }
        for effect in rest {
            match effect {
                Effect::Send { conn, event } => self.deliver(conn, Outbound::Event(Box::new(event))),
                Effect::Close { conn, reason } => {
                    self.deliver(conn, Outbound::Close(reason));
                    self.outboxes.remove(&conn);
                }
                Effect::Media(command) => self.send_to_media(command),
                Effect::Persist(_) => {}
            }
        }
    }

    /// Every room change waits for its write: how long that takes is what
    /// people feel when the store is slow.
    async fn persist_timed(&self, what: Persist) -> Result<(), StoreError> {
        let started = Instant::now();
        let written = self.persist(what).await;
        self.metrics.store_write_took(started.elapsed());
        written
    }

    async fn persist(&self, what: Persist) -> Result<(), StoreError> {
        let session = &self.room.session().id;
        let now = clock::now_millis();
        match &what {
            Persist::BanDevice { device_hash } => self.store.ban_device(session, device_hash).await,
            Persist::SessionEnded { at } => self.store.end_session(session, *at).await,
            Persist::RunOfShow(show) => self.store.save_run_of_show(session, show, now).await,
            Persist::Summary { key, items, finalized } => {
                self.store.save_summary(session, key, items, *finalized, now).await
            }
            Persist::GroundRules(rules) => self.store.set_ground_rules(session, rules).await,
            Persist::Door(door) => self.store.save_door(session, door).await,
            Persist::EnteredRoom { device_hash } => self.store.remember_entry(session, device_hash).await,
            Persist::ReportEntry { at, entry } => self.store.note_report_entry(session, *at, entry).await,
            Persist::ReportTally(tally) => self.store.add_report_tally(session, tally).await,
        }
    }

    /// The facilitator's report, as the store has it now.
    async fn report(&self) -> Result<Reply, RoomError> {
        match self.store.session_report(&self.room.session().id).await {
            Ok(report) => Ok(Reply::Message(Box::new(ReportEvent::Report { report }.into()))),
            Err(error) => {
                warn!(room = %self.room.session().id, ?error, "could not read the report");
                Err(RoomError::Unavailable)
            }
        }
    }

    /// Hands a command to the room's media session, if media is on.
    fn send_to_media(&mut self, command: MediaCommand) {
        if let Some(media) = &self.media {
            media.send(command);
        }
    }

    /// Closes every connection so its client rejoins (into a room rebuilt
    /// from the store, here or where it is placed now), and stops the actor.
    fn fail_everyone(&mut self) {
        for (_, outbox) in self.outboxes.drain() {
            let _ = outbox.try_send(Outbound::Close(CloseReason::RoomRestarting));
        }
        self.failed = true;
    }

    fn deliver(&mut self, conn: ConnId, message: Outbound) {
        let Some(outbox) = self.outboxes.get(&conn) else {
            return;
        };
        match outbox.try_send(message) {
            Ok(()) => self
                .metrics
                .outbox_holds(outbox.max_capacity().saturating_sub(outbox.capacity())),
            Err(mpsc::error::TrySendError::Full(_)) => {
                // A client this far behind would only fall further behind. Its
                // loop notices the dropped sender and closes the socket.
                warn!(room = %self.room.session().id, conn = conn.0, "outbox full: dropping a slow connection");
                self.outboxes.remove(&conn);
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {}
        }
    }
}

async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

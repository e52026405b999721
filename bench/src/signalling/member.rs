//! One synthetic member of a room under signalling load: sends the events
//! its room's driver asks for, and times every event the room broadcasts.
//!
//! How a receipt is matched to its send: the server handles one
//! connection's messages in order, and one room's broadcasts reach each
//! member in order. So the n-th chat (hand change, reaction) from sender X
//! that a member receives is the n-th one X sent; the room's log holds its
//! send time and how many members have yet to receive it. Chat lines also
//! carry their send time in the text, as the issue suggests, and that is
//! the time used for them.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use crate::stats::{Samples, micros_since};
use crate::ws::Socket;

/// The events of the steady mix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Chat,
    /// Raise the hand if it is down, lower it if it is up: every request
    /// changes the queue, so every one is broadcast.
    Hand,
    Reaction,
}

/// What every member of every room adds to.
pub struct Shared {
    pub epoch: Instant,
    /// Events sent while this is true are timed; the warm-up's are not.
    pub recording: AtomicBool,
    /// One sample per member per event: send to that member's receipt.
    pub deliveries: Samples,
    /// One sample per event: send to the last member's receipt.
    pub completions: Samples,
    pub events_recorded: AtomicU64,
    pub events_sent: AtomicU64,
    pub errors: AtomicU64,
    /// Receipts that matched no sent event (should stay 0).
    pub unmatched: AtomicU64,
    pub disconnects: AtomicU64,
}

impl Shared {
    pub fn new() -> Shared {
        Shared {
            epoch: Instant::now(),
            recording: AtomicBool::new(false),
            deliveries: Samples::default(),
            completions: Samples::default(),
            events_recorded: AtomicU64::new(0),
            events_sent: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            unmatched: AtomicU64::new(0),
            disconnects: AtomicU64::new(0),
        }
    }
}

impl Default for Shared {
    fn default() -> Self {
        Shared::new()
    }
}

struct Pending {
    sent_us: u64,
    remaining: u32,
    recorded: bool,
}

#[derive(Default)]
struct LogInner {
    members: u32,
    next: HashMap<(u64, Kind), u32>,
    pending: HashMap<(u64, Kind, u32), Pending>,
}

/// One room's events in flight.
#[derive(Default)]
pub struct RoomLog(Mutex<LogInner>);

impl RoomLog {
    pub fn set_members(&self, members: u32) {
        self.0.lock().expect("room log").members = members;
    }

    /// Notes an event about to be sent; every member will receive it.
    fn sent(&self, from: u64, kind: Kind, sent_us: u64, recorded: bool) {
        let mut log = self.0.lock().expect("room log");
        let members = log.members;
        let next = log.next.entry((from, kind)).or_insert(0);
        let n = *next;
        *next += 1;
        let pending = Pending {
            sent_us,
            remaining: members,
            recorded,
        };
        log.pending.insert((from, kind, n), pending);
    }

    /// Notes that one member received the n-th event of `kind` from `from`.
    fn received(&self, key: (u64, Kind, u32), stamped_us: Option<u64>, now_us: u64, shared: &Shared) {
        let mut log = self.0.lock().expect("room log");
        let Some(pending) = log.pending.get_mut(&key) else {
            shared.unmatched.fetch_add(1, Ordering::Relaxed);
            return;
        };
        let sent_us = stamped_us.unwrap_or(pending.sent_us);
        if pending.recorded {
            shared.deliveries.record(now_us.saturating_sub(sent_us));
        }
        pending.remaining = pending.remaining.saturating_sub(1);
        if pending.remaining == 0 {
            if pending.recorded {
                shared.completions.record(now_us.saturating_sub(sent_us));
            }
            log.pending.remove(&key);
        }
    }

    /// Recorded events some member has not received: (events, receipts).
    pub fn missing(&self) -> (u64, u64) {
        let log = self.0.lock().expect("room log");
        log.pending
            .values()
            .filter(|p| p.recorded)
            .fold((0, 0), |(events, receipts), p| {
                (events + 1, receipts + u64::from(p.remaining))
            })
    }
}

pub struct Member {
    pub you: u64,
    pub room: std::sync::Arc<RoomLog>,
    pub shared: std::sync::Arc<Shared>,
    hand_up: bool,
    /// The hand queue as this member last saw it.
    hands: Vec<u64>,
    /// How many events of each kind this member has received from each sender.
    seen: HashMap<(u64, Kind), u32>,
}

impl Member {
    pub fn new(you: u64, room: std::sync::Arc<RoomLog>, shared: std::sync::Arc<Shared>) -> Member {
        Member {
            you,
            room,
            shared,
            hand_up: false,
            hands: Vec::new(),
            seen: HashMap::new(),
        }
    }

    /// Sends what the driver asks and reads everything, until the driver
    /// hangs up (then closes) or the connection drops.
    pub async fn run(mut self, mut socket: Socket, mut commands: mpsc::Receiver<Kind>) {
        loop {
            tokio::select! {
                command = commands.recv() => {
                    let Some(kind) = command else { break };
                    let text = self.stamp(kind);
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        self.shared.disconnects.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                }
                frame = socket.next() => match frame {
                    Some(Ok(Message::Text(text))) => self.on_text(text.as_str()),
                    Some(Ok(_)) => {}
                    Some(Err(_)) | None => {
                        self.shared.disconnects.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                },
            }
        }
        let _ = socket.close(None).await;
    }

    /// The message for `kind`, noted in the room's log just before it goes.
    fn stamp(&mut self, kind: Kind) -> String {
        let recorded = self.shared.recording.load(Ordering::Relaxed);
        let sent_us = micros_since(self.shared.epoch);
        self.room.sent(self.you, kind, sent_us, recorded);
        self.shared.events_sent.fetch_add(1, Ordering::Relaxed);
        if recorded {
            self.shared.events_recorded.fetch_add(1, Ordering::Relaxed);
        }
        // No `id`: success is silent, so the only traffic is the broadcast.
        let message = match kind {
            Kind::Chat => json!({"type": "chat", "text": format!("bench t={sent_us}")}),
            Kind::Hand => {
                self.hand_up = !self.hand_up;
                json!({"type": if self.hand_up { "raise_hand" } else { "lower_hand" }})
            }
            Kind::Reaction => json!({"type": "react", "reaction": "nod"}),
        };
        message.to_string()
    }

    fn on_text(&mut self, text: &str) {
        let now_us = micros_since(self.shared.epoch);
        let Ok(message) = serde_json::from_str::<Value>(text) else {
            return;
        };
        match message["type"].as_str() {
            Some("chat") => {
                let stamped = message["text"]
                    .as_str()
                    .and_then(|t| t.strip_prefix("bench t="))
                    .and_then(|t| t.parse().ok());
                if let Some(from) = message["from"].as_u64() {
                    self.receive(from, Kind::Chat, stamped, now_us);
                }
            }
            Some("reaction") => {
                if let Some(from) = message["from"].as_u64() {
                    self.receive(from, Kind::Reaction, None, now_us);
                }
            }
            Some("hands") => {
                let queue: Vec<u64> = message["queue"]
                    .as_array()
                    .map(|ids| ids.iter().filter_map(Value::as_u64).collect())
                    .unwrap_or_default();
                // Whoever is in one queue and not the other raised or lowered.
                let changed: Vec<u64> = queue
                    .iter()
                    .filter(|id| !self.hands.contains(id))
                    .chain(self.hands.iter().filter(|id| !queue.contains(id)))
                    .copied()
                    .collect();
                self.hands = queue;
                for from in changed {
                    self.receive(from, Kind::Hand, None, now_us);
                }
            }
            Some("error") => self.on_error(&message),
            _ => {}
        }
    }

    /// Counts a refusal; shows the first few, which say what went wrong.
    fn on_error(&self, message: &Value) {
        if self.shared.errors.fetch_add(1, Ordering::Relaxed) < 5 {
            eprintln!("member {}: {message}", self.you);
        }
    }

    fn receive(&mut self, from: u64, kind: Kind, stamped_us: Option<u64>, now_us: u64) {
        let seen = self.seen.entry((from, kind)).or_insert(0);
        let n = *seen;
        *seen += 1;
        self.room.received((from, kind, n), stamped_us, now_us, &self.shared);
    }
}

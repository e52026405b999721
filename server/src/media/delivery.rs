//! Handing a forwarded packet to one subscriber's connection, so that one
//! subscriber who cannot take packets never holds up the others.
//!
//! The crate's `write_rtp` waits for room in the connection's queue, and
//! that queue drains only as fast as the connection's socket. Over ICE-TCP
//! the crate writes each packet whole before it does anything else, so a
//! laptop that went to sleep, or a Wi-Fi that dropped, stops that
//! connection's queue within a second. A forwarder waiting there stops
//! forwarding its publisher to everyone: the whole room froze for one
//! person's network (and the crate's queue of the published track
//! overflowed, an error logged per packet).
//!
//! So a forwarder waits a little for room (a burst of keyframes after a
//! breakout ends, a busy moment on the machine, clears in far less), and a
//! subscriber whose queue stays full is taken as behind for a while: their
//! packets are dropped at once if there is no room, as a congested link
//! would, and counted. Nobody else notices. One shared state per
//! subscriber, so a stalled connection costs all the forwarders together
//! one short wait a second.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::FutureExt;

/// How long a forwarder waits for room in a subscriber's queue.
const PATIENCE: Duration = Duration::from_millis(20);
/// A subscriber found behind is not waited for again for this long.
const BEHIND_FOR: Duration = Duration::from_secs(1);

/// What became of one packet handed to one subscriber's connection.
#[derive(Debug, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// Its connection's queue had no room: lost, as on a congested link.
    Behind,
    /// Its connection is closing.
    Gone,
}

/// Whether a subscriber's connection has lately been too far behind to wait
/// for. Shared by every forwarder that sends to that subscriber.
#[derive(Debug)]
pub struct Backlog {
    start: Instant,
    /// Until when (microseconds after `start`) nobody waits; 0: not behind.
    behind_until: AtomicU64,
}

impl Default for Backlog {
    fn default() -> Self {
        Backlog {
            start: Instant::now(),
            behind_until: AtomicU64::new(0),
        }
    }
}

impl Backlog {
    fn micros(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.start).as_micros()).unwrap_or(u64::MAX)
    }

    /// Whether a forwarder may wait for room now.
    pub fn patient(&self, now: Instant) -> bool {
        self.micros(now) >= self.behind_until.load(Ordering::Relaxed)
    }

    /// A forwarder waited its while and found no room.
    pub fn fell_behind(&self, now: Instant) {
        self.behind_until
            .fetch_max(self.micros(now + BEHIND_FOR), Ordering::Relaxed);
    }
}

/// Hands over one write (the crate's `write_rtp` for a packet): done at
/// once if there is room, else waited for up to `PATIENCE` unless the
/// subscriber is behind. Run outside tokio's cooperative budget: a busy
/// forwarder's spent budget would look like a full queue.
pub async fn deliver<E>(backlog: &Backlog, write: impl Future<Output = Result<(), E>>) -> Delivery {
    let mut write = std::pin::pin!(tokio::task::unconstrained(write));
    if let Some(done) = write.as_mut().now_or_never() {
        return delivered(done);
    }
    if !backlog.patient(Instant::now()) {
        return Delivery::Behind;
    }
    match tokio::time::timeout(PATIENCE, write).await {
        Ok(done) => delivered(done),
        Err(_) => {
            backlog.fell_behind(Instant::now());
            Delivery::Behind
        }
    }
}

fn delivered<E>(done: Result<(), E>) -> Delivery {
    match done {
        Ok(()) => Delivery::Sent,
        Err(_) => Delivery::Gone,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A paused clock: the waits are tokio's, taken in order, whatever the
    // machine's load.
    #[tokio::test(start_paused = true)]
    async fn a_full_queue_is_waited_for_briefly_then_not_for_a_while() {
        let backlog = Backlog::default();
        let (tx, mut rx) = tokio::sync::mpsc::channel::<u32>(1);
        let send = |n| {
            let tx = tx.clone();
            async move { tx.send(n).await.map_err(|_| ()) }
        };
        assert_eq!(deliver(&backlog, send(1)).await, Delivery::Sent);
        // Full: waited for, then taken as behind.
        let started = tokio::time::Instant::now();
        assert_eq!(deliver(&backlog, send(2)).await, Delivery::Behind);
        assert_eq!(started.elapsed(), PATIENCE, "it waited for room first");
        assert!(!backlog.patient(Instant::now()));
        // Behind: no room means dropped at once, room means sent.
        assert_eq!(deliver(&backlog, send(3)).await, Delivery::Behind);
        assert_eq!(rx.recv().await, Some(1));
        assert_eq!(deliver(&backlog, send(4)).await, Delivery::Sent);
        assert_eq!(rx.recv().await, Some(4), "what was dropped never arrives");
        assert!(backlog.patient(Instant::now() + BEHIND_FOR), "waited for again later");
        drop(rx);
        assert_eq!(deliver(&backlog, send(5)).await, Delivery::Gone);
    }

    #[tokio::test(start_paused = true)]
    async fn room_made_while_waiting_is_taken() {
        let backlog = Backlog::default();
        let (tx, mut rx) = tokio::sync::mpsc::channel::<u32>(1);
        tx.send(1).await.expect("open");
        let reader = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(2)).await;
            let first = rx.recv().await;
            (first, rx.recv().await)
        });
        let send = tx.send(2);
        assert_eq!(
            deliver(&backlog, async { send.await.map_err(|_| ()) }).await,
            Delivery::Sent
        );
        assert!(backlog.patient(Instant::now()));
        assert_eq!(reader.await.expect("reader"), (Some(1), Some(2)));
    }
}

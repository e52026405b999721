//! What the media layer counts for `/metrics`: plain atomics that the
//! forwarding path adds to with no lock and no allocation, and that
//! `metrics.rs` reads at each scrape. Nothing here knows Prometheus, and
//! nothing here knows who: counts for the whole server, no person or room.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Relaxed throughout: each is a count on its own, read now and then; no
/// other memory is published through them.
#[derive(Debug, Default)]
pub struct MediaCounters {
    packets_forwarded: AtomicU64,
    bytes_forwarded: AtomicU64,
    packets_lost_reported: AtomicU64,
    peer_connections: AtomicU64,
    datagrams_unrouted: AtomicU64,
    datagrams_unsent: AtomicU64,
    packets_subscriber_behind: AtomicU64,
    packets_unrepaired: AtomicU64,
    packets_repaired_over_rtx: AtomicU64,
}

impl MediaCounters {
    /// One packet of `bytes` (RTP header and payload) went to a subscriber.
    pub fn forwarded(&self, bytes: usize) {
        self.packets_forwarded.fetch_add(1, Ordering::Relaxed);
        self.bytes_forwarded
            .fetch_add(u64::try_from(bytes).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// A subscriber's reception reports say it lost `packets` more.
    pub fn lost(&self, packets: u64) {
        self.packets_lost_reported.fetch_add(packets, Ordering::Relaxed);
    }

    /// A peer connection opened: it counts until the returned guard drops.
    pub fn peer_connection_opened(self: &Arc<Self>) -> OpenPeerConnection {
        self.peer_connections.fetch_add(1, Ordering::Relaxed);
        OpenPeerConnection(Arc::clone(self))
    }

    /// A datagram on the shared media port was for no connection known
    /// (or for one too far behind to take it), and was dropped.
    pub fn datagram_unrouted(&self) {
        self.datagrams_unrouted.fetch_add(1, Ordering::Relaxed);
    }

    /// A datagram for the shared media port found the socket's send buffer
    /// full, and was dropped.
    pub fn datagram_unsent(&self) {
        self.datagrams_unsent.fetch_add(1, Ordering::Relaxed);
    }

    /// A packet for a subscriber whose connection could not take it at
    /// once (its queue full: its network or machine is behind) was dropped.
    pub fn subscriber_behind(&self) {
        self.packets_subscriber_behind.fetch_add(1, Ordering::Relaxed);
    }

    /// Packets a publisher's network lost that were asked for again and
    /// never came in time: each leaves a picture waiting for a keyframe.
    pub fn unrepaired(&self, packets: u64) {
        self.packets_unrepaired.fetch_add(packets, Ordering::Relaxed);
    }

    /// A publisher's retransmission came on its RTX stream and was put
    /// back in its place (`incoming_rtx.rs`).
    pub fn repaired_over_rtx(&self) {
        self.packets_repaired_over_rtx.fetch_add(1, Ordering::Relaxed);
    }

    pub fn packets_repaired_over_rtx(&self) -> u64 {
        self.packets_repaired_over_rtx.load(Ordering::Relaxed)
    }

    pub fn packets_unrepaired(&self) -> u64 {
        self.packets_unrepaired.load(Ordering::Relaxed)
    }

    pub fn packets_subscriber_behind(&self) -> u64 {
        self.packets_subscriber_behind.load(Ordering::Relaxed)
    }

    pub fn datagrams_unrouted(&self) -> u64 {
        self.datagrams_unrouted.load(Ordering::Relaxed)
    }

    pub fn datagrams_unsent(&self) -> u64 {
        self.datagrams_unsent.load(Ordering::Relaxed)
    }

    pub fn packets_forwarded(&self) -> u64 {
        self.packets_forwarded.load(Ordering::Relaxed)
    }

    pub fn bytes_forwarded(&self) -> u64 {
        self.bytes_forwarded.load(Ordering::Relaxed)
    }

    pub fn packets_lost_reported(&self) -> u64 {
        self.packets_lost_reported.load(Ordering::Relaxed)
    }

    pub fn peer_connections(&self) -> u64 {
        self.peer_connections.load(Ordering::Relaxed)
    }
}

/// One open peer connection, counted for as long as it is held.
pub struct OpenPeerConnection(Arc<MediaCounters>);

impl Drop for OpenPeerConnection {
    fn drop(&mut self) {
        self.0.peer_connections.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_peer_connection_counts_while_it_is_held() {
        let counters = Arc::new(MediaCounters::default());
        let first = counters.peer_connection_opened();
        let second = counters.peer_connection_opened();
        assert_eq!(counters.peer_connections(), 2);
        drop(first);
        drop(second);
        assert_eq!(counters.peer_connections(), 0);
        counters.forwarded(100);
        counters.forwarded(60);
        assert_eq!((counters.packets_forwarded(), counters.bytes_forwarded()), (2, 160));
    }
}

//! What an operator can watch: every metric `/metrics` exposes, named in
//! this one file, written in Prometheus' text format (prometheus-client).
//!
//! Counts, never who: no label carries a name, a token, or a session's or a
//! person's id (docs/security.md), and there is no label per room. The few
//! labels there are take values fixed in the code, so the number of series
//! stays the same however many rooms and people come.
//!
//! The figures come three ways:
//! - handles the code adds to as things happen: joins, WebSocket
//!   connections and messages, the room actors' store writes;
//! - what is live, read at each scrape (`Live`): rooms and people from each
//!   room's published door state, mail due from the store, and the fullest
//!   outbox the actors noted since the last scrape;
//! - the media layer's plain atomics (`media::MediaCounters`), read by a
//!   collector, so the forwarding path adds to them without this crate.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

use crate::media::MediaCounters;

/// Every metric's name starts with it.
pub const PREFIX: &str = "peer_room";

/// The `Content-Type` of what `encode` writes (the text format, 0.0.4).
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// A label set with one label whose value is fixed in the code.
type OneLabel = [(&'static str, &'static str); 1];

/// What is live at a scrape, gathered by the `/metrics` handler.
#[derive(Clone, Copy, Debug, Default)]
pub struct Live {
    pub rooms: usize,
    /// People let into a room, facilitators included.
    pub in_rooms: usize,
    pub waiting: usize,
    /// Mail due now, counted up to a bound; `None` if the store did not say
    /// in time (the gauge keeps its last value).
    pub mail_due: Option<u64>,
}

/// The registry and every handle, made in `Server::start` and shared as an
/// `Arc` through `AppState` and the room actors.
pub struct Metrics {
    registry: Registry,
    joins: Family<OneLabel, Counter>,
    ws_open: Gauge,
    ws_received: Counter,
    ws_sent: Counter,
    ws_closed: Family<OneLabel, Counter>,
    store_writes: Histogram,
    scrapes: Histogram,
    rooms: Gauge,
    in_rooms: Gauge,
    waiting: Gauge,
    mail_due: Gauge,
    fullest_outbox: Gauge,
    /// The most events one connection's outbox held since the last scrape:
    /// the actors raise it, each scrape reads and clears it.
    outbox_high_water: AtomicU64,
}

impl Metrics {
    pub fn new(media: Arc<MediaCounters>) -> Metrics {
        let mut metrics = Metrics {
            registry: Registry::with_prefix(PREFIX),
            joins: Family::default(),
            ws_open: Gauge::default(),
            ws_received: Counter::default(),
            ws_sent: Counter::default(),
            ws_closed: Family::default(),
            // 0.5 ms to 4 s: a write with `synchronous=FULL` waits for an
            // fsync, a few milliseconds on a local disk.
            store_writes: Histogram::new(exponential_buckets(0.0005, 2.0, 14)),
            scrapes: Histogram::new(exponential_buckets(0.0005, 2.0, 12)),
            rooms: Gauge::default(),
            in_rooms: Gauge::default(),
            waiting: Gauge::default(),
            mail_due: Gauge::default(),
            fullest_outbox: Gauge::default(),
            outbox_high_water: AtomicU64::new(0),
        };
        // Both outcomes from the start, so that a rate has a zero to start from.
        for outcome in ["entered", "refused"] {
            let _ = metrics.joins.get_or_create(&[("outcome", outcome)]);
        }
        metrics.register_all(media);
        metrics
    }

    /// Every metric, its name and its help: the one list of them.
    fn register_all(&mut self, media: Arc<MediaCounters>) {
        let registry = &mut self.registry;
        registry.register(
            "rooms_live",
            "Rooms live on this node (an empty one stops after a minute)",
            self.rooms.clone(),
        );
        registry.register(
            "people_in_rooms",
            "People let into a room, facilitators included (someone whose connection dropped keeps their place for the reconnect grace)",
            self.in_rooms.clone(),
        );
        registry.register(
            "people_waiting",
            "People in a waiting room, not let in yet",
            self.waiting.clone(),
        );
        registry.register(
            "joins",
            "Joins with an invitation link, by outcome: entered (the room or its waiting room) or refused (a bad or expired link, a locked or full room, bad input)",
            self.joins.clone(),
        );
        registry.register(
            "ws_connections",
            "WebSocket connections open, in a room or not",
            self.ws_open.clone(),
        );
        registry.register(
            "ws_messages_received",
            "WebSocket messages received from clients (text or binary frames)",
            self.ws_received.clone(),
        );
        registry.register(
            "ws_messages_sent",
            "WebSocket messages sent to clients",
            self.ws_sent.clone(),
        );
        registry.register(
            "ws_closed",
            "WebSocket connections closed, by the reason the server's close frame gives (left, removed, flooding, too slow to keep up...) or \"the client went away\"",
            self.ws_closed.clone(),
        );
        registry.register(
            "ws_outbox_fullest",
            "The most events waiting in any one connection's outbox since the last scrape (a connection is dropped at 256)",
            self.fullest_outbox.clone(),
        );
        registry.register(
            "mail_due",
            "Messages in the mail outbox due to be sent now (counted up to 10000)",
            self.mail_due.clone(),
        );
        registry.register_with_unit(
            "store_persist",
            "Time a room's write to the store takes; the change is acknowledged once it is durable",
            Unit::Seconds,
            self.store_writes.clone(),
        );
        registry.register_with_unit(
            "metrics_scrape",
            "Time gathering and writing these metrics took",
            Unit::Seconds,
            self.scrapes.clone(),
        );
        registry.register_collector(Box::new(MediaCollector(media)));
    }

    /// A join with an invitation link ended: the connection is in (the room
    /// or its waiting room), or was refused.
    pub fn joined(&self, entered: bool) {
        let outcome = if entered { "entered" } else { "refused" };
        self.joins.get_or_create(&[("outcome", outcome)]).inc();
    }

    /// A WebSocket opened; it counts as open until the guard drops.
    pub fn connection_opened(self: &Arc<Self>) -> OpenConnection {
        self.ws_open.inc();
        OpenConnection(Arc::clone(self))
    }

    pub fn message_received(&self) {
        self.ws_received.inc();
    }

    pub fn message_sent(&self) {
        self.ws_sent.inc();
    }

    /// A connection closed, for `reason`: a close frame's reason, written
    /// in the code, so the label's values are a fixed set.
    pub fn connection_closed(&self, reason: &'static str) {
        self.ws_closed.get_or_create(&[("reason", reason)]).inc();
    }

    /// A room's outbox for one connection holds `events` after a send.
    pub fn outbox_holds(&self, events: usize) {
        self.outbox_high_water
            .fetch_max(u64::try_from(events).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    pub fn store_write_took(&self, time: Duration) {
        self.store_writes.observe(time.as_secs_f64());
    }

    pub fn scrape_took(&self, time: Duration) {
        self.scrapes.observe(time.as_secs_f64());
    }

    /// The text a scrape reads, with `live` as it is now.
    pub fn encode(&self, live: &Live) -> Result<String, std::fmt::Error> {
        self.rooms.set(count(live.rooms));
        self.in_rooms.set(count(live.in_rooms));
        self.waiting.set(count(live.waiting));
        if let Some(due) = live.mail_due {
            self.mail_due.set(i64::try_from(due).unwrap_or(i64::MAX));
        }
        let fullest = self.outbox_high_water.swap(0, Ordering::Relaxed);
        self.fullest_outbox.set(i64::try_from(fullest).unwrap_or(i64::MAX));
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// One open WebSocket, counted until it drops, however its loop ends.
pub struct OpenConnection(Arc<Metrics>);

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.ws_open.dec();
    }
}

/// Reads the media layer's counters at each scrape. Its help texts end with
/// their period written out: the crate adds one only to what is registered.
#[derive(Debug)]
struct MediaCollector(Arc<MediaCounters>);

impl Collector for MediaCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let media = &self.0;
        let gauge = ConstGauge::new(i64::try_from(media.peer_connections()).unwrap_or(i64::MAX));
        let metric = encoder.encode_descriptor(
            "media_peer_connections",
            "Peer connections open, one per person sending or receiving media.",
            None,
            gauge.metric_type(),
        )?;
        gauge.encode(metric)?;
        let counters = [
            (
                "media_packets_forwarded",
                "RTP packets forwarded to subscribers, each copy counted.",
                media.packets_forwarded(),
            ),
            (
                "media_bytes_forwarded",
                "RTP bytes (header and payload) forwarded to subscribers, each copy counted.",
                media.bytes_forwarded(),
            ),
            (
                "media_packets_lost_reported",
                "Packets subscribers' reception reports say they lost of what the server sent them.",
                media.packets_lost_reported(),
            ),
            (
                "media_datagrams_unrouted",
                "Datagrams on the shared media port for no known connection, dropped.",
                media.datagrams_unrouted(),
            ),
            (
                "media_datagrams_unsent",
                "Datagrams for the shared media port dropped because its send buffer was full.",
                media.datagrams_unsent(),
            ),
            (
                "media_packets_subscriber_behind",
                "Packets for a subscriber whose connection could not take them at once, dropped.",
                media.packets_subscriber_behind(),
            ),
            (
                "media_packets_unrepaired",
                "Packets lost on a publisher's way in, asked for again and never received in time.",
                media.packets_unrepaired(),
            ),
            (
                "media_packets_repaired_over_rtx",
                "Retransmissions a publisher sent on its RTX stream, put back in place.",
                media.packets_repaired_over_rtx(),
            ),
        ];
        for (name, help, value) in counters {
            let counter = ConstCounter::new(value);
            let metric = encoder.encode_descriptor(name, help, None, counter.metric_type())?;
            counter.encode(metric)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrape(metrics: &Metrics) -> String {
        metrics.encode(&Live::default()).expect("a String takes any text")
    }

    #[test]
    fn every_metric_has_the_prefix_a_type_and_help_in_plain_words() {
        let metrics = Metrics::new(Arc::default());
        metrics.connection_closed("left");
        let text = scrape(&metrics);
        let helps: Vec<&str> = text.lines().filter(|l| l.starts_with("# HELP ")).collect();
        let types = text.lines().filter(|l| l.starts_with("# TYPE ")).count();
        assert_eq!(helps.len(), types, "{text}");
        assert_eq!(helps.len(), 21, "{text}");
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            assert!(line.starts_with("peer_room_"), "{line}");
        }
        for help in helps {
            let words = help.splitn(4, ' ').nth(3).unwrap_or("");
            assert!(words.len() > 20 && words.ends_with('.'), "{help}");
        }
        assert!(
            text.contains("peer_room_joins_total{outcome=\"entered\"} 0\n"),
            "{text}"
        );
        assert!(
            text.contains("peer_room_ws_closed_total{reason=\"left\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("# TYPE peer_room_store_persist_seconds histogram\n"),
            "{text}"
        );
        assert!(text.contains("peer_room_media_packets_forwarded_total 0\n"), "{text}");
    }

    #[test]
    fn the_fullest_outbox_is_the_most_since_the_last_scrape() {
        let metrics = Metrics::new(Arc::default());
        metrics.outbox_holds(3);
        metrics.outbox_holds(40);
        metrics.outbox_holds(7);
        assert!(scrape(&metrics).contains("peer_room_ws_outbox_fullest 40\n"));
        assert!(scrape(&metrics).contains("peer_room_ws_outbox_fullest 0\n"));
    }

    #[test]
    fn an_open_connection_counts_until_it_drops() {
        let metrics = Arc::new(Metrics::new(Arc::default()));
        let open = metrics.connection_opened();
        assert!(scrape(&metrics).contains("peer_room_ws_connections 1\n"));
        drop(open);
        assert!(scrape(&metrics).contains("peer_room_ws_connections 0\n"));
    }
}

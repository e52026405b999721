//! The last second of each simulcast layer, kept so that a subscriber
//! switched to a layer at a keyframe whose first packet came late still
//! gets the rest of that keyframe, and the frames after it.
//!
//! A subscriber moves to a layer at the first packet of that layer's
//! keyframe (`forward.rs`). On a lossy link that packet can come after the
//! ones that follow it: lost on the publisher's uplink, its repair comes a
//! round trip later (`nack_asks.rs`), or jitter reorders it. The packets
//! that came before it (the rest of the keyframe, and on a long round trip
//! the next frames too) were not sent to the subscriber, who was not on the
//! layer yet; its NACKs for them cannot be answered, since the crate
//! answers from what was sent to it. It could decode nothing until the next
//! keyframe: a picture stalled for seconds on one page, seen in the
//! 5%-loss, 100 ms bench one run in three or four (docs/benchmarks.md).
//!
//! So each layer's packets of the last second are kept (their payloads are
//! shared, not copied), and at a switch those after the keyframe's first
//! packet are sent on at once, in order. In the usual case the keyframe's
//! first packet is the newest, and there is nothing to send.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bytes::Bytes;
use rtc::rtp;

use super::timeline::newer;

/// As long as a missing packet is asked for (`nack_asks.rs`): a keyframe
/// start later than that is not coming.
const KEPT_FOR: Duration = Duration::from_secs(1);
/// At most this many per layer, whatever the rate: a second of a 720p
/// layer at 1.5 Mbit/s is about 150.
const MAX_KEPT: usize = 256;

/// One packet kept: what differs from packet to packet of a layer.
#[derive(Clone, Debug)]
struct Kept {
    seq: u16,
    timestamp: u32,
    marker: bool,
    padding: bool,
    payload: Bytes,
    came: Instant,
}

/// One layer's recent packets, in the order they came.
#[derive(Debug, Default)]
pub struct RecentPackets {
    kept: VecDeque<Kept>,
}

impl RecentPackets {
    pub fn keep(&mut self, packet: &rtp::Packet, now: Instant) {
        while self
            .kept
            .front()
            .is_some_and(|oldest| now.saturating_duration_since(oldest.came) > KEPT_FOR)
            || self.kept.len() >= MAX_KEPT
        {
            self.kept.pop_front();
        }
        self.kept.push_back(Kept {
            seq: packet.header.sequence_number,
            timestamp: packet.header.timestamp,
            marker: packet.header.marker,
            padding: packet.header.padding,
            payload: packet.payload.clone(),
            came: now,
        });
    }

    /// The packets numbered after `start` that came before it, oldest
    /// number first, each once, as packets of the same stream as `start`.
    pub fn after(&self, start: &rtp::Packet) -> Vec<rtp::Packet> {
        let first = start.header.sequence_number;
        let mut later: Vec<&Kept> = self.kept.iter().filter(|kept| newer(kept.seq, first)).collect();
        if later.is_empty() {
            return Vec::new();
        }
        later.sort_by_key(|kept| kept.seq.wrapping_sub(first));
        // A repair that came although the packet had (a late one): once.
        later.dedup_by_key(|kept| kept.seq);
        later
            .into_iter()
            .map(|kept| {
                let mut header = start.header.clone();
                header.sequence_number = kept.seq;
                header.timestamp = kept.timestamp;
                header.marker = kept.marker;
                header.padding = kept.padding;
                rtp::Packet {
                    header,
                    payload: kept.payload.clone(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet(seq: u16, timestamp: u32, marker: bool) -> rtp::Packet {
        rtp::Packet {
            header: rtp::header::Header {
                sequence_number: seq,
                timestamp,
                marker,
                ssrc: 7,
                ..Default::default()
            },
            payload: Bytes::from(vec![seq as u8; 4]),
        }
    }

    fn numbers(packets: &[rtp::Packet]) -> Vec<(u16, u32, bool)> {
        packets
            .iter()
            .map(|p| (p.header.sequence_number, p.header.timestamp, p.header.marker))
            .collect()
    }

    #[test]
    fn a_late_keyframe_start_is_followed_by_what_came_before_it_in_order() {
        let mut recent = RecentPackets::default();
        let now = Instant::now();
        // Across the wrap: 65,534 starts the keyframe and comes last, after
        // the rest of its frame (65,535 with a repeat, 0) and the next (1, 2).
        let start = packet(65_534, 900, false);
        for p in [
            packet(65_530, 0, true),
            packet(0, 900, true),
            packet(65_535, 900, false),
            packet(2, 3_600, true),
            packet(1, 3_600, false),
            packet(65_535, 900, false),
        ] {
            recent.keep(&p, now);
        }
        recent.keep(&start, now);
        let sent = recent.after(&start);
        assert_eq!(
            numbers(&sent),
            vec![
                (65_535, 900, false),
                (0, 900, true),
                (1, 3_600, false),
                (2, 3_600, true)
            ]
        );
        assert!(sent.iter().all(|p| p.header.ssrc == 7));
        assert_eq!(&sent[1].payload[..], &[0, 0, 0, 0], "each packet's own payload");
    }

    #[test]
    fn a_keyframe_start_that_came_in_order_has_nothing_after_it() {
        let mut recent = RecentPackets::default();
        let now = Instant::now();
        for seq in 100..110 {
            recent.keep(&packet(seq, 0, false), now);
        }
        assert!(recent.after(&packet(109, 0, false)).is_empty());
        assert_eq!(recent.after(&packet(107, 0, false)).len(), 2);
    }

    #[test]
    fn kept_for_a_second_and_never_more_than_the_bound() {
        let mut recent = RecentPackets::default();
        let start = Instant::now();
        for seq in 0..1_000u16 {
            recent.keep(&packet(seq, 0, false), start);
        }
        assert_eq!(recent.kept.len(), MAX_KEPT);
        assert_eq!(recent.kept.front().map(|k| k.seq), Some(1_000 - MAX_KEPT as u16));
        recent.keep(&packet(1_000, 0, false), start + Duration::from_millis(1_500));
        assert_eq!(recent.kept.len(), 1, "what is older than a second goes");
    }
}

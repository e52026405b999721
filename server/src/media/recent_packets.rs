//! The last second of each simulcast layer, kept so that a subscriber
//! moves to a layer only once that layer's keyframe has come whole, and
//! then gets all of it and the frames after it at once.
//!
//! A subscriber waiting for a layer (a tile grew, a link cleared, a layer
//! stopped) keeps the layer it has until the new one's keyframe is whole:
//! every packet from its first to the one that ends the frame. On a lossy
//! link a keyframe, twenty packets or more, seldom comes whole the first
//! time: one of them is lost on the publisher's uplink and repaired a
//! round trip later (`nack_asks.rs`), or jitter reorders it. Switched at
//! the keyframe's first packet, the subscriber had stopped getting the old
//! layer and could decode nothing until the repair came: a picture frozen
//! at every switch. And a keyframe whose first packet came after the rest
//! left the subscriber without the rest for good (its NACKs cannot be
//! answered for packets never sent to it), stalled until the next
//! keyframe: seen in the 5%-loss, 100 ms bench one run in three or four
//! (docs/benchmarks.md).
//!
//! So each layer's packets of media of the last second are kept (their
//! payloads shared, not copied); once a keyframe is whole the forwarder
//! switches the subscriber and sends it that keyframe and everything
//! numbered after it, in order. A subscriber with no picture of that
//! camera yet (a start, or a page that lost its picture) has nothing to
//! keep showing: it starts at the keyframe's first packet, with what came
//! after it, and the rest follows as it comes.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bytes::Bytes;
use rtc::rtp;

use super::timeline::newer;

/// As long as a missing packet is asked for (`nack_asks.rs`): a keyframe
/// start later than that is not coming.
const KEPT_FOR: Duration = Duration::from_secs(1);
/// A keyframe not whole this long after its first packet came is given up
/// (another is asked for); one whole is taken only this soon after, so a
/// switch never sends a subscriber more than this much at once.
const KEYFRAME_FRESH_FOR: Duration = Duration::from_millis(500);
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
    /// It begins a keyframe.
    keyframe: bool,
    payload: Bytes,
    came: Instant,
}

/// Where a layer's newest keyframe stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keyframe {
    /// Whole: every packet from this first one to the frame's end has come.
    Whole(u16),
    /// Begun lately at this number, some of it still on its way.
    Coming(u16),
    /// None begun lately: one must be asked for.
    Wanted,
}

/// One layer's recent packets, in the order they came.
#[derive(Debug, Default)]
pub struct RecentPackets {
    kept: VecDeque<Kept>,
}

impl RecentPackets {
    /// Keeps a packet of media (never padding); `keyframe`: it begins one.
    pub fn keep(&mut self, packet: &rtp::Packet, keyframe: bool, now: Instant) {
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
            keyframe,
            payload: packet.payload.clone(),
            came: now,
        });
    }

    /// Where the newest keyframe begun in the last `KEYFRAME_FRESH_FOR`
    /// stands. Its packets share its timestamp and are numbered on from its
    /// first to the one with the marker.
    pub fn keyframe(&self, now: Instant) -> Keyframe {
        let fresh = |kept: &&Kept| now.saturating_duration_since(kept.came) <= KEYFRAME_FRESH_FOR;
        let Some(start) = self.kept.iter().rev().take_while(fresh).find(|kept| kept.keyframe) else {
            return Keyframe::Wanted;
        };
        let mut numbers: Vec<u16> = self
            .kept
            .iter()
            .filter(|kept| kept.timestamp == start.timestamp && !newer(start.seq, kept.seq))
            .map(|kept| kept.seq.wrapping_sub(start.seq))
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        let end = self
            .kept
            .iter()
            .filter(|kept| kept.timestamp == start.timestamp && kept.marker && !newer(start.seq, kept.seq))
            .map(|kept| kept.seq.wrapping_sub(start.seq))
            .min();
        // From the first (offset 0) to the end, each offset once.
        let whole = end.is_some_and(|end| numbers.iter().take_while(|&&n| n <= end).count() == usize::from(end) + 1);
        if whole {
            Keyframe::Whole(start.seq)
        } else {
            Keyframe::Coming(start.seq)
        }
    }

    /// The packets numbered `first` and after, oldest number first, each
    /// once, as packets of the same stream as `like` (the newest).
    pub fn since(&self, first: u16, like: &rtp::Packet) -> Vec<rtp::Packet> {
        let mut later: Vec<&Kept> = self.kept.iter().filter(|kept| !newer(first, kept.seq)).collect();
        later.sort_by_key(|kept| kept.seq.wrapping_sub(first));
        // A repair that came although the packet had (a late one): once.
        later.dedup_by_key(|kept| kept.seq);
        later
            .into_iter()
            .map(|kept| {
                let mut header = like.header.clone();
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
    fn a_keyframe_whose_first_packet_came_last_is_whole_then_and_sent_from_its_first_on() {
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
            recent.keep(&p, false, now);
        }
        assert_eq!(recent.keyframe(now), Keyframe::Wanted, "its start has not come");
        recent.keep(&start, true, now);
        assert_eq!(recent.keyframe(now), Keyframe::Whole(65_534));
        let sent = recent.since(65_534, &start);
        assert_eq!(
            numbers(&sent),
            vec![
                (65_534, 900, false),
                (65_535, 900, false),
                (0, 900, true),
                (1, 3_600, false),
                (2, 3_600, true)
            ]
        );
        assert!(sent.iter().all(|p| p.header.ssrc == 7));
        assert_eq!(&sent[2].payload[..], &[0, 0, 0, 0], "each packet's own payload");
    }

    #[test]
    fn a_keyframe_with_a_packet_on_its_way_is_coming_until_it_comes() {
        let mut recent = RecentPackets::default();
        let now = Instant::now();
        recent.keep(&packet(9, 0, true), false, now);
        recent.keep(&packet(10, 900, false), true, now);
        assert_eq!(recent.keyframe(now), Keyframe::Coming(10), "its end has not come");
        recent.keep(&packet(12, 900, true), false, now);
        recent.keep(&packet(13, 1_800, true), false, now);
        assert_eq!(recent.keyframe(now), Keyframe::Coming(10), "11 is missing");
        recent.keep(&packet(11, 900, false), false, now);
        assert_eq!(recent.keyframe(now), Keyframe::Whole(10));
        assert_eq!(recent.since(10, &packet(13, 0, false)).len(), 4);
        // One not whole by now is given up, and another is wanted.
        let mut recent = RecentPackets::default();
        recent.keep(&packet(10, 900, false), true, now);
        let later = now + KEYFRAME_FRESH_FOR + Duration::from_millis(1);
        recent.keep(&packet(20, 1_800, true), false, later);
        assert_eq!(recent.keyframe(later), Keyframe::Wanted);
    }

    #[test]
    fn a_whole_keyframe_is_taken_only_while_fresh_and_a_one_packet_one_is_whole() {
        let mut recent = RecentPackets::default();
        let now = Instant::now();
        recent.keep(&packet(100, 900, true), true, now);
        for seq in 101..105 {
            recent.keep(&packet(seq, 900 + u32::from(seq), true), false, now);
        }
        assert_eq!(recent.keyframe(now), Keyframe::Whole(100));
        assert_eq!(recent.since(103, &packet(104, 0, false)).len(), 2);
        let later = now + KEYFRAME_FRESH_FOR + Duration::from_millis(1);
        recent.keep(&packet(105, 2_000, true), false, later);
        assert_eq!(recent.keyframe(later), Keyframe::Wanted, "too old to send on a switch");
    }

    #[test]
    fn kept_for_a_second_and_never_more_than_the_bound() {
        let mut recent = RecentPackets::default();
        let start = Instant::now();
        for seq in 0..1_000u16 {
            recent.keep(&packet(seq, 0, false), false, start);
        }
        assert_eq!(recent.kept.len(), MAX_KEPT);
        assert_eq!(recent.kept.front().map(|k| k.seq), Some(1_000 - MAX_KEPT as u16));
        recent.keep(&packet(1_000, 0, false), false, start + Duration::from_millis(1_500));
        assert_eq!(recent.kept.len(), 1, "what is older than a second goes");
    }
}

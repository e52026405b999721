//! One sending slot's RTP timeline. A slot keeps its SSRC for its whole life
//! while the publisher feeding it changes (someone leaves, someone else
//! arrives): the library binds its retransmission cache and sender reports
//! to that SSRC once. So each feeder's sequence numbers and timestamps are
//! shifted to carry on where the last feeder stopped, and the subscriber's
//! jitter buffer sees one continuous stream; what it decodes first from a
//! new feeder is a keyframe (see `forward.rs`).

use std::time::Instant;

/// Where the slot's stream stands, and how the current feeder maps onto it.
#[derive(Debug, Default)]
pub struct Timeline {
    last: Option<Sent>,
    mapping: Option<Mapping>,
    /// VP8's own frame numbers (picture id, TL0PICIDX), run on the same
    /// way: each simulcast layer and each publisher numbers its own, and a
    /// receiver orders frames by them (`vp8::FrameIds`).
    last_frame: Option<FrameSent>,
    frame_mapping: Option<FrameMapping>,
}

#[derive(Clone, Copy, Debug)]
struct FrameSent {
    picture_id: u16,
    tl0: Option<u8>,
}

#[derive(Clone, Copy, Debug)]
struct FrameMapping {
    feeder: u64,
    picture_id_delta: u16,
    tl0_delta: u8,
}

#[derive(Clone, Copy, Debug)]
struct Sent {
    seq: u16,
    timestamp: u32,
    at: Instant,
}

#[derive(Clone, Copy, Debug)]
struct Mapping {
    /// The subscription this mapping is for.
    feeder: u64,
    seq_delta: u16,
    timestamp_delta: u32,
    /// The publisher's count of packets held back (muted) when the mapping
    /// began: later ones are taken out of the sequence so there is no gap.
    skipped_at_start: u16,
}

impl Timeline {
    /// The sequence number and timestamp under which `feeder`'s packet goes
    /// out. `skipped` is the publisher's running count of packets held back;
    /// `clock_rate` the codec's (48 kHz Opus, 90 kHz VP8).
    pub fn map(
        &mut self,
        feeder: u64,
        seq: u16,
        timestamp: u32,
        skipped: u16,
        clock_rate: u32,
        now: Instant,
    ) -> (u16, u32) {
        let mapping = match self.mapping {
            Some(mapping) if mapping.feeder == feeder => mapping,
            _ => {
                let mapping = self.begin(feeder, seq, timestamp, skipped, clock_rate, now);
                self.mapping = Some(mapping);
                mapping
            }
        };
        let out_seq = seq
            .wrapping_add(mapping.seq_delta)
            .wrapping_sub(skipped.wrapping_sub(mapping.skipped_at_start));
        let out_timestamp = timestamp.wrapping_add(mapping.timestamp_delta);
        // A retransmission of an older packet does not move where the
        // stream stands: the next feeder carries on after the newest.
        let newest = self.last.is_none_or(|last| newer(out_seq, last.seq));
        if newest {
            self.last = Some(Sent {
                seq: out_seq,
                timestamp: out_timestamp,
                at: now,
            });
        }
        (out_seq, out_timestamp)
    }

    /// A new feeder's first packet: the next sequence number, and a
    /// timestamp as far on as the time that passed since the last packet.
    fn begin(&self, feeder: u64, seq: u16, timestamp: u32, skipped: u16, clock_rate: u32, now: Instant) -> Mapping {
        let Some(last) = self.last else {
            // The slot's first feeder goes out as it comes.
            return Mapping {
                feeder,
                seq_delta: 0,
                timestamp_delta: 0,
                skipped_at_start: skipped,
            };
        };
        let elapsed = now.saturating_duration_since(last.at).as_micros();
        let ticks = elapsed * u128::from(clock_rate) / 1_000_000;
        // Truncation is the point: RTP timestamps wrap.
        let next_timestamp = last.timestamp.wrapping_add((ticks as u32).max(1));
        Mapping {
            feeder,
            seq_delta: last.seq.wrapping_add(1).wrapping_sub(seq),
            timestamp_delta: next_timestamp.wrapping_sub(timestamp),
            skipped_at_start: skipped,
        }
    }
}

impl Timeline {
    /// The picture id and TL0PICIDX under which `feeder`'s frame goes out
    /// (`span`: 0x8000 for 15-bit picture ids, 0x80 for 7-bit). A new
    /// feeder's first frame (a keyframe: `forward.rs` starts each there)
    /// follows the last frame sent, so the receiver sees the next frame,
    /// not a jump back or ahead into another layer's numbers.
    pub fn map_frame_ids(&mut self, feeder: u64, picture_id: u16, tl0: Option<u8>, span: u16) -> (u16, Option<u8>) {
        let mask = span.wrapping_sub(1);
        let mapping = match self.frame_mapping {
            Some(mapping) if mapping.feeder == feeder => mapping,
            _ => {
                let mapping = match self.last_frame {
                    None => FrameMapping {
                        feeder,
                        picture_id_delta: 0,
                        tl0_delta: 0,
                    },
                    Some(last) => FrameMapping {
                        feeder,
                        picture_id_delta: last.picture_id.wrapping_add(1).wrapping_sub(picture_id) & mask,
                        tl0_delta: match (last.tl0, tl0) {
                            (Some(last), Some(first)) => last.wrapping_add(1).wrapping_sub(first),
                            _ => 0,
                        },
                    },
                };
                self.frame_mapping = Some(mapping);
                mapping
            }
        };
        let out_picture_id = picture_id.wrapping_add(mapping.picture_id_delta) & mask;
        let out_tl0 = tl0.map(|t| t.wrapping_add(mapping.tl0_delta));
        let newest = self.last_frame.is_none_or(|last| {
            let ahead = out_picture_id.wrapping_sub(last.picture_id) & mask;
            ahead != 0 && ahead < span / 2
        });
        if newest {
            self.last_frame = Some(FrameSent {
                picture_id: out_picture_id,
                tl0: out_tl0,
            });
        }
        (out_picture_id, out_tl0)
    }
}

/// Whether sequence number `a` comes after `b`, across the wrap.
pub(super) fn newer(a: u16, b: u16) -> bool {
    a != b && a.wrapping_sub(b) < 0x8000
}

/// The packets of one source not forwarded to anyone (what a host muted;
/// a publisher's padding, probes for its own bandwidth estimate with
/// nothing to show), so that the sequence numbers sent on have no gap to
/// ask to repair. A running count, kept with where each held-back packet
/// was: a retransmission of an older packet that comes after one is held
/// back must be numbered as it was first, not one lower.
#[derive(Debug, Default)]
pub struct HeldBack {
    total: u16,
    /// The latest held back, oldest first: enough to number any packet
    /// recent enough to be repaired still.
    recent: std::collections::VecDeque<u16>,
}

/// Held-back packets remembered for numbering retransmissions: several
/// seconds of a browser's probing.
const HELD_BACK_REMEMBERED: usize = 256;

impl HeldBack {
    pub fn hold_back(&mut self, seq: u16) {
        self.total = self.total.wrapping_add(1);
        if self.recent.len() == HELD_BACK_REMEMBERED {
            self.recent.pop_front();
        }
        self.recent.push_back(seq);
    }

    /// How many packets were held back before `seq`: the running count to
    /// hand `Timeline::map` for that packet. Packets are held back in the
    /// order they come, so those after `seq` are the newest: a new packet
    /// looks at one entry, a late retransmission at the few after it.
    pub fn before(&self, seq: u16) -> u16 {
        let after = self.recent.iter().rev().take_while(|&&held| newer(held, seq)).count();
        self.total.wrapping_sub(after as u16)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_first_feeder_goes_out_unchanged_and_mutes_leave_no_gap() {
        let mut timeline = Timeline::default();
        let now = Instant::now();
        assert_eq!(timeline.map(1, 100, 5_000, 0, 90_000, now), (100, 5_000));
        assert_eq!(timeline.map(1, 101, 8_000, 0, 90_000, now), (101, 8_000));
        // Three packets held back while a host muted them.
        assert_eq!(timeline.map(1, 105, 14_000, 3, 90_000, now), (102, 14_000));
    }

    #[test]
    fn the_next_feeder_carries_on_the_same_stream() {
        let mut timeline = Timeline::default();
        let start = Instant::now();
        timeline.map(1, 65_535, 4_294_967_000, 7, 90_000, start);
        // Someone else, with their own numbers (and their own mutes), 2 s later.
        let later = start + Duration::from_secs(2);
        let (seq, ts) = timeline.map(2, 30_000, 1_000, 4, 90_000, later);
        assert_eq!(seq, 0, "the sequence continues across the wrap");
        assert_eq!(ts, 4_294_967_000u32.wrapping_add(180_000), "two seconds on at 90 kHz");
        let (seq, ts) = timeline.map(2, 30_001, 4_000, 4, 90_000, later);
        assert_eq!((seq, ts), (1, 4_294_967_000u32.wrapping_add(183_000)));
    }

    #[test]
    fn padding_held_back_leaves_no_gap_and_a_late_retransmission_keeps_its_number() {
        let mut timeline = Timeline::default();
        let mut held = HeldBack::default();
        let now = Instant::now();
        let send = |timeline: &mut Timeline, held: &HeldBack, seq: u16| {
            timeline
                .map(1, seq, u32::from(seq) * 3_000, held.before(seq), 90_000, now)
                .0
        };
        assert_eq!(send(&mut timeline, &held, 65_530), 65_530);
        // 65,531 is lost on the way in; 65,532 to 65,535 and 0 are padding.
        for seq in [65_532, 65_533, 65_534, 65_535, 0] {
            held.hold_back(seq);
        }
        assert_eq!(send(&mut timeline, &held, 1), 65_532, "five held back: no gap");
        // The lost one is repaired late: it keeps the number after 65,530.
        assert_eq!(send(&mut timeline, &held, 65_531), 65_531);
        assert_eq!(send(&mut timeline, &held, 2), 65_533);
        // A new feeder carries on after the newest, not the late repair.
        let (seq, _) = timeline.map(2, 700, 0, 0, 90_000, now);
        assert_eq!(seq, 65_534);
    }

    #[test]
    fn frame_numbers_run_on_from_one_layer_to_the_next() {
        let mut timeline = Timeline::default();
        // The first feeder's frames go out as they are.
        assert_eq!(
            timeline.map_frame_ids(1, 30_000, Some(250), 0x8000),
            (30_000, Some(250))
        );
        assert_eq!(
            timeline.map_frame_ids(1, 30_001, Some(250), 0x8000),
            (30_001, Some(250))
        );
        assert_eq!(
            timeline.map_frame_ids(1, 30_002, Some(251), 0x8000),
            (30_002, Some(251))
        );
        // Another layer, numbered far behind: its keyframe is the next frame.
        assert_eq!(timeline.map_frame_ids(2, 100, Some(3), 0x8000), (30_003, Some(252)));
        assert_eq!(timeline.map_frame_ids(2, 101, Some(3), 0x8000), (30_004, Some(252)));
        // A repair of an older frame keeps its number and moves nothing on.
        assert_eq!(timeline.map_frame_ids(2, 100, Some(3), 0x8000), (30_003, Some(252)));
        // And one numbered ahead, across the 15-bit wrap and TL0PICIDX's.
        assert_eq!(timeline.map_frame_ids(3, 20_000, Some(4), 0x8000), (30_005, Some(253)));
        let mut wrapping = Timeline::default();
        wrapping.map_frame_ids(1, 0x7fff, Some(255), 0x8000);
        assert_eq!(wrapping.map_frame_ids(2, 9, Some(9), 0x8000), (0, Some(0)));
        // 7-bit picture ids wrap at 128; a frame without TL0PICIDX keeps none.
        let mut short = Timeline::default();
        short.map_frame_ids(1, 127, None, 0x80);
        assert_eq!(short.map_frame_ids(2, 50, None, 0x80), (0, None));
    }

    #[test]
    fn a_feeder_coming_back_gets_a_fresh_mapping_not_its_old_one() {
        let mut timeline = Timeline::default();
        let now = Instant::now();
        timeline.map(1, 10, 0, 0, 48_000, now);
        timeline.map(2, 500, 0, 0, 48_000, now);
        let (seq, _) = timeline.map(1, 11, 960, 0, 48_000, now);
        assert_eq!(seq, 12, "follows feeder 2's last packet, not feeder 1's numbers");
    }
}

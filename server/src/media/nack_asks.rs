//! Asking publishers again, promptly, for packets lost on their way in
//! (generic NACK, RFC 4585), in place of the crate's generator.
//!
//! A packet a publisher's network lost must come again from the publisher
//! before anyone can have it. The crate's generator asks every 100 ms for
//! everything missing: a loss waits 50 ms on average before it is even
//! asked for, and on a 100 ms round trip the repair then lands after the
//! subscriber's jitter buffer has given up on the frame, which freezes.
//! Here a missing packet is asked for at the next 10 ms tick (a packet that
//! was only reordered has usually come by then), asked again a round trip
//! later if its repair has not come (the round trip learned from how long
//! repairs take), a few times at most, and forgotten after a second, when
//! it could no longer be shown in time anyway.
//!
//! The first ask is sent twice, the copy `ECHO_AFTER` later: an ask lost on
//! the way (as often as the packet it asks for) would otherwise cost a
//! whole round trip and a quarter before the next, and the repair then
//! comes after the subscribers' jitter buffers have moved on. A browser
//! resends a packet at most once a round trip, so the copy of an ask that
//! arrived costs the publisher's uplink nothing.
//!
//! The round trip is the longest wait for a repair over the last seconds,
//! not an average: a packet that was only reordered by a few milliseconds
//! more than the tick also "comes after its ask", and on a jittery link
//! those are many. Averaged in, they made the estimate a few milliseconds:
//! all the asks went out within one real round trip, and a packet whose one
//! repair was lost was never asked for again (measured at 5% loss, 100 ms
//! round trip and 10 ms jitter: several packets a second lost for good,
//! each a picture frozen for everyone until the next keyframe).
//!
//! Bounded: streams are the ones the connection negotiated with NACK; each
//! remembers at most `MAX_MISSING` packets; a jump in numbering larger than
//! `MAX_GAP` is a new start, not a loss to repair.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rtc::interceptor::{Interceptor, Packet, StreamInfo, TaggedPacket};
use rtc::rtcp::transport_feedbacks::transport_layer_nack::{TransportLayerNack, nack_pairs_from_sequence_numbers};
use rtc::sansio::Protocol;

use super::counters::MediaCounters;

/// How often missing packets are looked at: the longest a loss waits before
/// it is first asked for.
const TICK: Duration = Duration::from_millis(10);
/// The round trip assumed until repairs have shown the real one.
const FIRST_ROUND_TRIP: Duration = Duration::from_millis(100);
/// How long a repair's wait counts towards the round trip.
const SAMPLES_FOR: Duration = Duration::from_secs(10);
/// Waits kept at most (the oldest go first).
const MAX_SAMPLES: usize = 64;
/// How long after the first ask its copy goes (see above): apart enough
/// that a short burst of loss seldom takes both.
const ECHO_AFTER: Duration = Duration::from_millis(20);
/// Bounds on the wait before asking again, whatever the samples say.
const SHORTEST_RETRY: Duration = Duration::from_millis(20);
const LONGEST_RETRY: Duration = Duration::from_millis(500);
/// Asks per packet: a repair lost as well is asked for again, not forever.
const MAX_ASKS: u8 = 4;
/// A packet missing this long is given up: video would have moved on.
const GIVE_UP_AFTER: Duration = Duration::from_secs(1);
/// Missing packets remembered per stream (the oldest go first).
const MAX_MISSING: usize = 256;
/// A jump ahead in numbering larger than this is a new start, not a loss.
const MAX_GAP: u64 = 512;

/// One packet not yet come.
#[derive(Clone, Copy, Debug)]
struct Missing {
    since: Instant,
    asked: Option<Instant>,
    asks: u8,
    /// The first ask's copy has gone.
    echoed: bool,
}

/// What one incoming stream has had, by extended sequence number.
#[derive(Debug, Default)]
struct Stream {
    highest: Option<u64>,
    missing: BTreeMap<u64, Missing>,
    /// Missing packets forgotten to make room, not yet counted.
    pushed_out: u64,
}

impl Stream {
    /// A packet came; `Some(wait)` when it is a repair asked for once, with
    /// how long it took since that ask (a round-trip sample).
    fn received(&mut self, seq: u16, now: Instant) -> Option<Duration> {
        let Some(highest) = self.highest else {
            self.highest = Some(u64::from(seq) + (1 << 16));
            return None;
        };
        // How far from the highest, across the wrap, either way.
        let delta = i64::from(seq.wrapping_sub(highest as u16) as i16);
        let extended = highest.saturating_add_signed(delta);
        if delta <= 0 {
            // A repair asked for more than once says nothing of the round
            // trip: which ask it answers is unknown.
            let missing = self.missing.remove(&extended)?;
            if missing.asks != 1 {
                return None;
            }
            return missing.asked.map(|at| now.saturating_duration_since(at));
        }
        if extended - highest - 1 > MAX_GAP {
            // The publisher started again (or a stranger's numbers): nothing to repair.
            self.missing.clear();
        } else {
            for lost in highest + 1..extended {
                self.missing.insert(
                    lost,
                    Missing {
                        since: now,
                        asked: None,
                        asks: 0,
                        echoed: false,
                    },
                );
            }
            while self.missing.len() > MAX_MISSING {
                self.missing.pop_first();
                self.pushed_out += 1;
            }
        }
        self.highest = Some(extended);
        None
    }

    /// The packets to ask for now (noting the ask), after dropping those
    /// given up; and how many were given up.
    fn due(&mut self, now: Instant, retry: Duration) -> (Vec<u16>, u64) {
        let before = self.missing.len();
        self.missing
            .retain(|_, m| now.saturating_duration_since(m.since) < GIVE_UP_AFTER);
        let given_up = (before - self.missing.len()) as u64;
        let mut due = Vec::new();
        for (&seq, missing) in &mut self.missing {
            // Asked enough: its last repair may still come, till it is given up.
            let ready = missing.asks < MAX_ASKS
                && missing
                    .asked
                    .is_none_or(|at| now.saturating_duration_since(at) >= retry);
            // The copy leaves the ask's time alone: a repair it brings is
            // still a round-trip sample, at most `ECHO_AFTER` long.
            let echo = missing.asks == 1
                && !missing.echoed
                && missing
                    .asked
                    .is_some_and(|at| now.saturating_duration_since(at) >= ECHO_AFTER);
            if ready {
                missing.asked = Some(now);
                missing.asks += 1;
                due.push(seq as u16);
            } else if echo {
                missing.echoed = true;
                due.push(seq as u16);
            }
        }
        (due, given_up)
    }
}

/// The interceptor: one per peer connection, in the NACK generator's slot.
pub struct NackAsks {
    sender_ssrc: u32,
    streams: HashMap<u32, Stream>,
    /// The RTX streams the SDP ties to a stream followed (FID groups): the
    /// crate binds them as streams too, but a publisher never repairs a
    /// repair, so their losses are not asked for (`incoming_rtx.rs` puts
    /// what they carry in its place).
    repair_flows: HashSet<u32>,
    /// When each recent repair came, and how long after its first ask.
    samples: VecDeque<(Instant, Duration)>,
    /// Where packets never repaired are counted, for `/metrics`.
    counters: Arc<MediaCounters>,
    next_tick: Option<Instant>,
    read: VecDeque<TaggedPacket>,
    write: VecDeque<TaggedPacket>,
}

impl NackAsks {
    pub fn counting_in(counters: Arc<MediaCounters>) -> NackAsks {
        NackAsks {
            counters,
            ..NackAsks::default()
        }
    }
}

impl Default for NackAsks {
    fn default() -> Self {
        NackAsks {
            counters: Arc::default(),
            sender_ssrc: rand::random(),
            streams: HashMap::new(),
            repair_flows: HashSet::new(),
            samples: VecDeque::new(),
            next_tick: None,
            read: VecDeque::new(),
            write: VecDeque::new(),
        }
    }
}

impl NackAsks {
    /// A packet asked for once came this long after the ask.
    fn sample(&mut self, wait: Duration, now: Instant) {
        if self.samples.len() == MAX_SAMPLES {
            self.samples.pop_front();
        }
        self.samples.push_back((now, wait));
    }

    /// The longest recent wait for a repair; the first guess until there
    /// is one.
    fn round_trip(&mut self, now: Instant) -> Duration {
        while self
            .samples
            .front()
            .is_some_and(|(at, _)| now.saturating_duration_since(*at) > SAMPLES_FOR)
        {
            self.samples.pop_front();
        }
        self.samples
            .iter()
            .map(|(_, wait)| *wait)
            .max()
            .unwrap_or(FIRST_ROUND_TRIP)
    }

    /// How long after an ask a packet is asked for again: a round trip and
    /// a quarter, so a repair still on its way is seldom asked for twice.
    fn retry(&mut self, now: Instant) -> Duration {
        let round_trip = self.round_trip(now);
        (round_trip + round_trip / 4).clamp(SHORTEST_RETRY, LONGEST_RETRY)
    }

    fn ask(&mut self, now: Instant) {
        let retry = self.retry(now);
        for (&ssrc, stream) in &mut self.streams {
            let (due, given_up) = stream.due(now, retry);
            let unrepaired = given_up + std::mem::take(&mut stream.pushed_out);
            if unrepaired > 0 {
                self.counters.unrepaired(unrepaired);
            }
            if due.is_empty() {
                continue;
            }
            let nack = TransportLayerNack {
                sender_ssrc: self.sender_ssrc,
                media_ssrc: ssrc,
                nacks: nack_pairs_from_sequence_numbers(&due),
            };
            self.write.push_back(TaggedPacket {
                now,
                transport: Default::default(),
                message: Packet::Rtcp(vec![Box::new(nack)]).into(),
            });
        }
        let waiting = self.streams.values().any(|s| !s.missing.is_empty());
        self.next_tick = waiting.then_some(now + TICK);
    }
}

impl Protocol<TaggedPacket, TaggedPacket, ()> for NackAsks {
    type Rout = TaggedPacket;
    type Wout = TaggedPacket;
    type Eout = ();
    type Error = rtc::shared::error::Error;
    type Time = Instant;

    fn handle_read(&mut self, message: TaggedPacket) -> Result<(), Self::Error> {
        if let Packet::Rtp(packet) = &message.message.packet
            && let Some(stream) = self.streams.get_mut(&packet.header.ssrc)
        {
            let sample = stream.received(packet.header.sequence_number, message.now);
            if !stream.missing.is_empty() && self.next_tick.is_none() {
                self.next_tick = Some(message.now + TICK);
            }
            if let Some(wait) = sample {
                self.sample(wait, message.now);
            }
        }
        self.read.push_back(message);
        Ok(())
    }

    fn poll_read(&mut self) -> Option<Self::Rout> {
        self.read.pop_front()
    }

    fn handle_write(&mut self, message: TaggedPacket) -> Result<(), Self::Error> {
        self.write.push_back(message);
        Ok(())
    }

    fn poll_write(&mut self) -> Option<Self::Wout> {
        self.write.pop_front()
    }

    fn handle_timeout(&mut self, now: Instant) -> Result<(), Self::Error> {
        if self.next_tick.is_some_and(|tick| now >= tick) {
            self.ask(now);
        }
        Ok(())
    }

    fn poll_timeout(&mut self) -> Option<Instant> {
        self.next_tick
    }
}

impl Interceptor for NackAsks {
    fn bind_remote_stream(&mut self, info: &StreamInfo) {
        let nack = info
            .rtcp_feedback
            .iter()
            .any(|f| f.typ == "nack" && f.parameter.is_empty());
        if let Some(rtx) = info.ssrc_rtx {
            self.repair_flows.insert(rtx);
            self.streams.remove(&rtx);
        }
        if nack && !self.repair_flows.contains(&info.ssrc) {
            self.streams.entry(info.ssrc).or_default();
        }
    }

    fn unbind_remote_stream(&mut self, info: &StreamInfo) {
        self.streams.remove(&info.ssrc);
        if let Some(rtx) = info.ssrc_rtx {
            self.repair_flows.remove(&rtx);
        }
    }

    fn bind_local_stream(&mut self, _info: &StreamInfo) {}
    fn unbind_local_stream(&mut self, _info: &StreamInfo) {}
}

#[cfg(test)]
mod tests {
    use rtc::rtp::{Header, Packet as RtpPacket};

    use super::*;

    const SSRC: u32 = 7;

    fn with_stream() -> NackAsks {
        let mut asks = NackAsks::default();
        asks.bind_remote_stream(&StreamInfo {
            ssrc: SSRC,
            rtcp_feedback: vec![rtc::interceptor::RTCPFeedback {
                typ: "nack".into(),
                parameter: String::new(),
            }],
            ..StreamInfo::default()
        });
        asks
    }

    fn packet(seq: u16, now: Instant) -> TaggedPacket {
        let rtp = RtpPacket {
            header: Header {
                ssrc: SSRC,
                sequence_number: seq,
                ..Header::default()
            },
            ..RtpPacket::default()
        };
        TaggedPacket {
            now,
            transport: Default::default(),
            message: Packet::Rtp(rtp).into(),
        }
    }

    /// Runs the clock to `now` and returns the sequence numbers asked for.
    fn asked_at(asks: &mut NackAsks, now: Instant) -> Vec<u16> {
        asks.handle_timeout(now).unwrap();
        let mut seqs = Vec::new();
        while let Some(message) = asks.poll_write() {
            let Packet::Rtcp(packets) = &message.message.packet else {
                continue;
            };
            for packet in packets {
                let nack = packet.as_any().downcast_ref::<TransportLayerNack>().expect("a NACK");
                assert_eq!(nack.media_ssrc, SSRC);
                for pair in &nack.nacks {
                    seqs.extend(pair.packet_list());
                }
            }
        }
        seqs
    }

    fn receive(asks: &mut NackAsks, seq: u16, now: Instant) {
        asks.handle_read(packet(seq, now)).unwrap();
        assert!(asks.poll_read().is_some(), "every packet goes on up");
    }

    /// `seq` goes missing at `now` (the one after it comes), is asked for at
    /// the next tick, and comes `wait` after the ask; the time then.
    fn missing_then_come(asks: &mut NackAsks, seq: u16, now: Instant, wait: Duration) -> Instant {
        receive(asks, seq + 1, now);
        let asked = now + TICK;
        assert_eq!(asked_at(asks, asked), vec![seq]);
        receive(asks, seq, asked + wait);
        asked + wait
    }

    #[test]
    fn a_loss_is_asked_for_within_a_tick_and_again_a_round_trip_later() {
        let mut asks = with_stream();
        let t0 = Instant::now();
        receive(&mut asks, 65_534, t0);
        receive(&mut asks, 65_535, t0);
        // 0 and 1 lost across the wrap.
        receive(&mut asks, 2, t0);
        assert_eq!(
            asks.poll_timeout(),
            Some(t0 + TICK),
            "a tick is set when something is missing"
        );
        assert_eq!(asked_at(&mut asks, t0 + TICK), vec![0, 1]);
        // The ask's copy, once, a moment later.
        assert!(asked_at(&mut asks, t0 + TICK + ECHO_AFTER / 2).is_empty());
        assert_eq!(asked_at(&mut asks, t0 + TICK + ECHO_AFTER), vec![0, 1]);
        // Not again until a round trip (the first guess) and a quarter.
        assert!(asked_at(&mut asks, t0 + TICK + FIRST_ROUND_TRIP).is_empty());
        assert_eq!(asked_at(&mut asks, t0 + TICK + FIRST_ROUND_TRIP * 5 / 4), vec![0, 1]);
        // 0 comes (a repair asked for twice: no sample), 1 never does.
        receive(&mut asks, 0, t0 + TICK * 20);
        let mut seen = 0;
        let mut at = t0 + TICK * 20;
        while at < t0 + GIVE_UP_AFTER * 2 {
            at += TICK;
            seen += asked_at(&mut asks, at).len();
        }
        assert_eq!(
            seen,
            usize::from(MAX_ASKS) - 2,
            "1 is asked for a few times, then given up"
        );
        assert_eq!(asks.poll_timeout(), None, "nothing missing: no tick");
        assert_eq!(asks.counters.packets_unrepaired(), 1, "1 is counted as never repaired");
    }

    #[test]
    fn repairs_teach_the_round_trip_and_a_reordered_packet_is_not_asked_for() {
        let mut asks = with_stream();
        let t0 = Instant::now();
        receive(&mut asks, 10, t0);
        receive(&mut asks, 12, t0);
        // 11 was only late: it comes before the tick.
        receive(&mut asks, 11, t0 + TICK / 2);
        assert!(asked_at(&mut asks, t0 + TICK).is_empty());
        // Repairs that take 40 ms bring the wait before asking again down.
        let mut now = t0 + TICK;
        for seq in (13..200).step_by(2) {
            now = missing_then_come(&mut asks, seq, now, Duration::from_millis(40));
        }
        let retry = asks.retry(now);
        assert!(
            retry >= Duration::from_millis(45) && retry <= Duration::from_millis(55),
            "{retry:?}"
        );
        // Ten seconds on, those repairs no longer count.
        assert_eq!(asks.retry(now + SAMPLES_FOR * 2), FIRST_ROUND_TRIP * 5 / 4);
    }

    #[test]
    fn packets_only_reordered_do_not_hurry_the_asks_for_those_really_lost() {
        let mut asks = with_stream();
        let t0 = Instant::now();
        let mut now = t0;
        receive(&mut asks, 0, now);
        // A jittery link: many packets come a few milliseconds after their
        // ask; now and then a real repair takes the round trip, 120 ms.
        let mut seq = 1u16;
        for n in 0..200 {
            let wait = if n % 10 == 0 { 120 } else { 3 };
            now = missing_then_come(&mut asks, seq, now, Duration::from_millis(wait));
            seq += 2;
        }
        // A packet lost, and its repair lost too: asked again only once a
        // repair could have come.
        receive(&mut asks, seq + 1, now);
        now += TICK;
        assert_eq!(asked_at(&mut asks, now), vec![seq]);
        assert_eq!(asked_at(&mut asks, now + ECHO_AFTER), vec![seq], "the ask's copy");
        assert!(asked_at(&mut asks, now + Duration::from_millis(140)).is_empty());
        assert_eq!(asked_at(&mut asks, now + Duration::from_millis(150)), vec![seq]);
    }

    #[test]
    fn what_a_stream_remembers_is_bounded_and_a_jump_is_a_new_start() {
        let mut asks = with_stream();
        let t0 = Instant::now();
        receive(&mut asks, 0, t0);
        receive(&mut asks, 400, t0);
        assert_eq!(asks.streams[&SSRC].missing.len(), MAX_MISSING);
        assert_eq!(
            asks.streams[&SSRC].missing.keys().next().map(|k| *k as u16),
            Some(400 - MAX_MISSING as u16)
        );
        receive(&mut asks, 30_000, t0);
        assert!(asks.streams[&SSRC].missing.is_empty(), "a jump repairs nothing");
        // Other SSRCs, and streams negotiated without NACK, are not followed.
        let mut stranger = packet(5, t0);
        if let Packet::Rtp(rtp) = &mut stranger.message.packet {
            rtp.header.ssrc = 99;
        }
        asks.handle_read(stranger).unwrap();
        asks.bind_remote_stream(&StreamInfo {
            ssrc: 100,
            ..StreamInfo::default()
        });
        assert_eq!(asks.streams.len(), 1);
    }

    #[test]
    fn an_rtx_stream_tied_to_a_stream_followed_is_not_followed_itself() {
        let nack = vec![rtc::interceptor::RTCPFeedback {
            typ: "nack".into(),
            parameter: String::new(),
        }];
        let primary = StreamInfo {
            ssrc: 20,
            ssrc_rtx: Some(21),
            rtcp_feedback: nack.clone(),
            ..StreamInfo::default()
        };
        // The crate binds the repair flow with its stream's feedback, after it.
        let repair_flow = StreamInfo {
            ssrc: 21,
            rtcp_feedback: nack,
            ..StreamInfo::default()
        };
        let mut asks = NackAsks::default();
        asks.bind_remote_stream(&primary);
        asks.bind_remote_stream(&repair_flow);
        assert_eq!(asks.streams.keys().collect::<Vec<_>>(), [&20]);
        // Bound the other way round, likewise.
        let mut asks = NackAsks::default();
        asks.bind_remote_stream(&repair_flow);
        asks.bind_remote_stream(&primary);
        assert_eq!(asks.streams.keys().collect::<Vec<_>>(), [&20]);
        // Unbound, nothing is kept of either.
        asks.unbind_remote_stream(&primary);
        assert!(asks.streams.is_empty() && asks.repair_flows.is_empty());
    }
}

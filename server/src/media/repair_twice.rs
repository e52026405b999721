//! Every retransmission to a subscriber goes out twice, the copy
//! `COPY_AFTER` after the first.
//!
//! On a lossy downlink a repair is lost as often as the packet it repairs,
//! and the browser asks again only a round trip later: at 5% loss and a
//! 100 ms round trip that second ask lands the frame after the page's jitter
//! buffer has moved on, and the frame is skipped. A copy makes a lost
//! repair rare (5% of 5%) for a few percent more video to that subscriber:
//! repairs are about one packet in twenty at that loss, and none at all on
//! a clean link. Measured there: more frames shown, the freezes no fewer
//! (docs/benchmarks.md, section 7, "Repairs sent twice").
//!
//! Not on a link too small: there loss comes from the link's queue, and
//! copies would fill it further (measured: a subscriber capped at 500
//! kbit/s then lost enough for their video to be paused, in three runs of
//! four). The subscriber's own reception reports tell: while the latest
//! says more than `COPY_WHILE_LOSS_UNDER` of a stream was lost, repairs go
//! once. Random loss of a few percent, which copies are for, stays under it.
//! The reports on the repair (RTX) streams are left out: they carry a few
//! packets a second, so one lost reads as a large share (a test client
//! that took RTX found copies stopping on 5% random loss).
//!
//! Sits just wire-ward of the crate's NACK responder, so it sees exactly the
//! repairs that responder made (they carry `Attribute::Retransmission`).
//! Bounded: at most `MAX_WAITING` copies wait at once; past that a repair
//! goes out once, as it did before.

use std::collections::{HashSet, VecDeque};
use std::time::{Duration, Instant};

use rtc::interceptor::{Attribute, AttributedPacket, Interceptor, Packet, StreamInfo, TaggedPacket};
use rtc::sansio::Protocol;

use super::keyframes::report_blocks;

/// How long after a repair its copy goes: apart enough that a short burst
/// of loss seldom takes both, soon enough to be in time when one does.
pub const COPY_AFTER: Duration = Duration::from_millis(15);
/// Copies waiting at most (a NACK may name hundreds of packets).
const MAX_WAITING: usize = 512;
/// The share of a stream lost, in a subscriber's latest report, from which
/// its repairs go once (RTCP's fraction lost, out of 256): 10%.
const COPY_WHILE_LOSS_UNDER: u8 = 26;

/// The interceptor: one per peer connection.
#[derive(Default)]
pub struct RepairTwice {
    /// The worst fraction lost in the subscriber's latest report.
    lost: u8,
    /// The RTX SSRCs of the streams sent, whose report blocks are left out.
    repair_streams: HashSet<u32>,
    /// Copies to send, by when: in order, as they were made.
    waiting: VecDeque<(Instant, TaggedPacket)>,
    read: VecDeque<TaggedPacket>,
    write: VecDeque<TaggedPacket>,
}

impl Protocol<TaggedPacket, TaggedPacket, ()> for RepairTwice {
    type Rout = TaggedPacket;
    type Wout = TaggedPacket;
    type Eout = ();
    type Error = rtc::shared::error::Error;
    type Time = Instant;

    fn handle_read(&mut self, message: TaggedPacket) -> Result<(), Self::Error> {
        if let Packet::Rtcp(packets) = &message.message.packet {
            for packet in packets {
                let media = report_blocks(packet.as_ref())
                    .iter()
                    .filter(|r| !self.repair_streams.contains(&r.ssrc));
                if let Some(worst) = media.map(|r| r.fraction_lost).max() {
                    self.lost = worst;
                }
            }
        }
        self.read.push_back(message);
        Ok(())
    }

    fn poll_read(&mut self) -> Option<Self::Rout> {
        self.read.pop_front()
    }

    fn handle_write(&mut self, message: TaggedPacket) -> Result<(), Self::Error> {
        if let Packet::Rtp(rtp) = &message.message.packet
            && message.message.has(&Attribute::Retransmission)
            && self.lost < COPY_WHILE_LOSS_UNDER
            && self.waiting.len() < MAX_WAITING
        {
            let copy = TaggedPacket {
                now: message.now,
                transport: message.transport,
                message: AttributedPacket::new(Packet::Rtp(rtp.clone())).with(Attribute::Retransmission),
            };
            self.waiting.push_back((message.now + COPY_AFTER, copy));
        }
        self.write.push_back(message);
        Ok(())
    }

    fn poll_write(&mut self) -> Option<Self::Wout> {
        self.write.pop_front()
    }

    fn handle_timeout(&mut self, now: Instant) -> Result<(), Self::Error> {
        while self.waiting.front().is_some_and(|(due, _)| *due <= now) {
            if let Some((_, mut copy)) = self.waiting.pop_front() {
                copy.now = now;
                self.write.push_back(copy);
            }
        }
        Ok(())
    }

    fn poll_timeout(&mut self) -> Option<Instant> {
        self.waiting.front().map(|(due, _)| *due)
    }
}

impl Interceptor for RepairTwice {
    fn bind_local_stream(&mut self, info: &StreamInfo) {
        self.repair_streams.extend(info.ssrc_rtx);
    }
    fn unbind_local_stream(&mut self, info: &StreamInfo) {
        if let Some(rtx) = info.ssrc_rtx {
            self.repair_streams.remove(&rtx);
        }
    }
    fn bind_remote_stream(&mut self, _info: &StreamInfo) {}
    fn unbind_remote_stream(&mut self, _info: &StreamInfo) {}
}

#[cfg(test)]
mod tests {
    use rtc::rtp::{Header, Packet as RtpPacket};

    use super::*;

    fn rtp(seq: u16, now: Instant, repair: bool) -> TaggedPacket {
        let packet = AttributedPacket::new(Packet::Rtp(RtpPacket {
            header: Header {
                ssrc: 7,
                sequence_number: seq,
                ..Header::default()
            },
            ..RtpPacket::default()
        }));
        TaggedPacket {
            now,
            transport: Default::default(),
            message: if repair {
                packet.with(Attribute::Retransmission)
            } else {
                packet
            },
        }
    }

    /// The sequence numbers written out, in order.
    fn written(twice: &mut RepairTwice) -> Vec<u16> {
        std::iter::from_fn(|| twice.poll_write())
            .filter_map(|m| match m.message.packet {
                Packet::Rtp(p) => Some(p.header.sequence_number),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_repair_goes_again_a_moment_later_and_media_goes_once() {
        let mut twice = RepairTwice::default();
        let t0 = Instant::now();
        twice.handle_write(rtp(1, t0, false)).unwrap();
        twice.handle_write(rtp(2, t0, true)).unwrap();
        assert_eq!(written(&mut twice), vec![1, 2], "everything goes at once");
        assert_eq!(twice.poll_timeout(), Some(t0 + COPY_AFTER));
        twice.handle_timeout(t0 + COPY_AFTER / 2).unwrap();
        assert!(written(&mut twice).is_empty(), "not before its time");
        twice.handle_timeout(t0 + COPY_AFTER).unwrap();
        assert_eq!(written(&mut twice), vec![2], "the repair's copy");
        assert_eq!(twice.poll_timeout(), None);
        twice.handle_timeout(t0 + COPY_AFTER * 10).unwrap();
        assert!(written(&mut twice).is_empty(), "one copy, not more");
    }

    fn report(fraction_lost: u8) -> TaggedPacket {
        report_on(7, fraction_lost)
    }

    fn report_on(ssrc: u32, fraction_lost: u8) -> TaggedPacket {
        let report = rtc::rtcp::receiver_report::ReceiverReport {
            reports: vec![rtc::rtcp::reception_report::ReceptionReport {
                ssrc,
                fraction_lost,
                ..Default::default()
            }],
            ..Default::default()
        };
        TaggedPacket {
            now: Instant::now(),
            transport: Default::default(),
            message: Packet::Rtcp(vec![Box::new(report)]).into(),
        }
    }

    #[test]
    fn on_a_link_losing_much_repairs_go_once_until_it_loses_little_again() {
        let mut twice = RepairTwice::default();
        let t0 = Instant::now();
        twice.handle_read(report(COPY_WHILE_LOSS_UNDER)).unwrap();
        assert!(twice.poll_read().is_some(), "reports go on up");
        twice.handle_write(rtp(1, t0, true)).unwrap();
        twice.handle_timeout(t0 + COPY_AFTER).unwrap();
        assert_eq!(written(&mut twice), vec![1], "no copy");
        twice.handle_read(report(COPY_WHILE_LOSS_UNDER - 1)).unwrap();
        twice.handle_write(rtp(2, t0, true)).unwrap();
        twice.handle_timeout(t0 + COPY_AFTER).unwrap();
        assert_eq!(written(&mut twice), vec![2, 2]);
    }

    #[test]
    fn a_report_on_a_repair_stream_does_not_stop_the_copies() {
        let mut twice = RepairTwice::default();
        twice.bind_local_stream(&StreamInfo {
            ssrc: 7,
            ssrc_rtx: Some(8),
            ..StreamInfo::default()
        });
        let t0 = Instant::now();
        twice.handle_read(report_on(8, 128)).unwrap();
        twice.handle_write(rtp(1, t0, true)).unwrap();
        twice.handle_timeout(t0 + COPY_AFTER).unwrap();
        assert_eq!(
            written(&mut twice),
            vec![1, 1],
            "half the repairs lost says nothing of the link"
        );
        twice.handle_read(report_on(7, 128)).unwrap();
        twice.handle_write(rtp(2, t0, true)).unwrap();
        twice.handle_timeout(t0 + COPY_AFTER).unwrap();
        assert_eq!(written(&mut twice), vec![2], "half the video lost does");
    }

    #[test]
    fn copies_waiting_are_bounded() {
        let mut twice = RepairTwice::default();
        let t0 = Instant::now();
        for seq in 0..(MAX_WAITING as u16 + 100) {
            twice.handle_write(rtp(seq, t0, true)).unwrap();
        }
        assert_eq!(written(&mut twice).len(), MAX_WAITING + 100, "every repair goes once");
        twice.handle_timeout(t0 + COPY_AFTER).unwrap();
        assert_eq!(written(&mut twice), (0..MAX_WAITING as u16).collect::<Vec<_>>());
    }
}

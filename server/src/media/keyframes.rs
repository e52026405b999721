//! Lets a subscriber's keyframe requests (PLI, FIR) reach application code,
//! and keeps what their reception reports say of the streams we send them.
//!
//! On the default interceptor chain, RTCP that a subscriber sends about a
//! track we send it stops inside the stack. This interceptor, placed last,
//! marks those requests for delivery to the application, where `peer.rs`
//! reads them from the local track and relays them to the publisher. The
//! loss in reception report blocks (in receiver reports, or in sender
//! reports from a browser that also sends) is kept per stream we send, for
//! `downlink.rs`: the library's stats did not follow them (they stayed at
//! their first values in our runs with Chromium, which sends them in
//! sender reports). What each block adds to its stream's cumulative loss is
//! counted for `/metrics` (`MediaCounters::lost`).

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rtc::interceptor::{Attribute, Interceptor, Packet, StreamInfo, TaggedPacket};
use rtc::rtcp::payload_feedbacks::full_intra_request::FullIntraRequest;
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtcp::receiver_report::ReceiverReport;
use rtc::rtcp::reception_report::ReceptionReport;
use rtc::rtcp::sender_report::SenderReport;
use rtc::sansio::Protocol;

use super::MediaCounters;
use super::downlink_queue::DownlinkQueue;

/// The latest reception report block per stream we send: its loss (the
/// RFC 3550 fraction, 0 to 255), and a count of reports so a reader can
/// tell a new one.
#[derive(Debug, Default)]
pub struct ReceptionReports {
    latest: Mutex<HashMap<u32, Latest>>,
    /// Where the packets the reports say were lost are counted.
    counters: Arc<MediaCounters>,
    /// How long what is sent waits on the way, from the peer's
    /// transport-wide feedback.
    queue: Arc<DownlinkQueue>,
}

#[derive(Clone, Copy, Debug, Default)]
struct Latest {
    fraction_lost: u8,
    reports: u64,
    /// The cumulative loss the last report gave (RFC 3550), to count only
    /// what each new report adds.
    total_lost: u32,
}

/// The cumulative loss is a signed 24-bit number (duplicates can make it
/// negative): from here up it is below zero, and counts nothing.
const NEGATIVE_TOTAL: u32 = 1 << 23;

impl ReceptionReports {
    /// Reports whose losses are counted in `counters`.
    pub fn counting_losses_in(counters: Arc<MediaCounters>) -> ReceptionReports {
        ReceptionReports {
            latest: Mutex::default(),
            counters,
            queue: Arc::default(),
        }
    }

    /// Where the peer's transport-wide feedback says how long packets wait.
    pub fn queue(&self) -> &Arc<DownlinkQueue> {
        &self.queue
    }

    /// The loss reported for `ssrc`, and how many reports have come for it.
    pub fn latest(&self, ssrc: u32) -> Option<(u8, u64)> {
        let latest = *self.latest.lock().ok()?.get(&ssrc)?;
        Some((latest.fraction_lost, latest.reports))
    }

    /// The first report of a stream is where its count starts: a stream
    /// bound again after being forgotten may carry on the subscriber's
    /// earlier total, which must not be counted twice.
    fn record(&self, block: &ReceptionReport) {
        if let Ok(mut latest) = self.latest.lock() {
            let total = (block.total_lost < NEGATIVE_TOTAL).then_some(block.total_lost);
            let entry = latest.entry(block.ssrc).or_insert(Latest {
                total_lost: total.unwrap_or(0),
                ..Latest::default()
            });
            if let Some(total) = total
                && total > entry.total_lost
            {
                self.counters.lost(u64::from(total - entry.total_lost));
                entry.total_lost = total;
            }
            entry.fraction_lost = block.fraction_lost;
            entry.reports += 1;
        }
    }

    fn forget(&self, ssrc: u32) {
        if let Ok(mut latest) = self.latest.lock() {
            latest.remove(&ssrc);
        }
    }
}

#[derive(Default)]
pub struct KeyframeRequests {
    read: VecDeque<TaggedPacket>,
    write: VecDeque<TaggedPacket>,
    reports: Arc<ReceptionReports>,
    /// The streams we send: only their report blocks are kept, so a peer
    /// naming other SSRCs cannot grow the table.
    sending: HashSet<u32>,
}

impl KeyframeRequests {
    /// One that keeps reception reports in `reports`.
    pub fn keeping_reports_in(reports: Arc<ReceptionReports>) -> KeyframeRequests {
        KeyframeRequests {
            reports,
            ..KeyframeRequests::default()
        }
    }
}

/// The reception report blocks an RTCP packet carries: a receiver
/// report's, or a sender report's; none in any other.
pub fn report_blocks(packet: &dyn rtc::rtcp::Packet) -> &[ReceptionReport] {
    let any = packet.as_any();
    any.downcast_ref::<ReceiverReport>()
        .map(|r| r.reports.as_slice())
        .or_else(|| any.downcast_ref::<SenderReport>().map(|s| s.reports.as_slice()))
        .unwrap_or_default()
}

impl Protocol<TaggedPacket, TaggedPacket, ()> for KeyframeRequests {
    type Rout = TaggedPacket;
    type Wout = TaggedPacket;
    type Eout = ();
    type Error = rtc::shared::error::Error;
    type Time = Instant;

    fn handle_read(&mut self, mut message: TaggedPacket) -> Result<(), Self::Error> {
        if let Packet::Rtcp(packets) = &message.message.packet {
            for packet in packets {
                for block in report_blocks(packet.as_ref()) {
                    if self.sending.contains(&block.ssrc) {
                        self.reports.record(block);
                    }
                }
            }
            let requests: Vec<Box<dyn rtc::rtcp::Packet>> = packets
                .iter()
                .filter(|p| p.as_any().is::<PictureLossIndication>() || p.as_any().is::<FullIntraRequest>())
                .cloned()
                .collect();
            if requests.is_empty() {
                return Ok(());
            }
            message.message.packet = Packet::Rtcp(requests);
            message.message.add(Attribute::DeliverToApplication);
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
}

impl Interceptor for KeyframeRequests {
    fn bind_local_stream(&mut self, info: &StreamInfo) {
        self.sending.insert(info.ssrc);
    }
    fn unbind_local_stream(&mut self, info: &StreamInfo) {
        self.sending.remove(&info.ssrc);
        self.reports.forget(info.ssrc);
    }
    fn bind_remote_stream(&mut self, _info: &StreamInfo) {}
    fn unbind_remote_stream(&mut self, _info: &StreamInfo) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report_blocks(ssrcs: &[u32], fraction_lost: u8) -> TaggedPacket {
        losses(ssrcs, fraction_lost, 0)
    }

    fn losses(ssrcs: &[u32], fraction_lost: u8, total_lost: u32) -> TaggedPacket {
        let blocks = ssrcs
            .iter()
            .map(|&ssrc| ReceptionReport {
                ssrc,
                fraction_lost,
                total_lost,
                ..ReceptionReport::default()
            })
            .collect();
        let sender_report = SenderReport {
            ssrc: 99,
            reports: blocks,
            ..SenderReport::default()
        };
        TaggedPacket {
            now: Instant::now(),
            transport: Default::default(),
            message: Packet::Rtcp(vec![Box::new(sender_report)]).into(),
        }
    }

    #[test]
    fn only_reports_about_streams_we_send_are_kept_and_a_new_one_is_told_apart() {
        let reports = Arc::new(ReceptionReports::default());
        let mut interceptor = KeyframeRequests::keeping_reports_in(Arc::clone(&reports));
        interceptor.bind_local_stream(&StreamInfo {
            ssrc: 7,
            ..StreamInfo::default()
        });
        // A browser that also sends puts its blocks in sender reports; a
        // peer naming a thousand other SSRCs grows nothing.
        let others: Vec<u32> = (1_000..2_000).collect();
        interceptor.handle_read(report_blocks(&others, 10)).unwrap();
        interceptor.handle_read(report_blocks(&[7], 64)).unwrap();
        assert_eq!(reports.latest(7), Some((64, 1)));
        assert_eq!(reports.latest.lock().unwrap().len(), 1);
        interceptor.handle_read(report_blocks(&[7], 64)).unwrap();
        assert_eq!(reports.latest(7), Some((64, 2)), "the same loss, a new report");
        interceptor.unbind_local_stream(&StreamInfo {
            ssrc: 7,
            ..StreamInfo::default()
        });
        assert_eq!(reports.latest(7), None, "forgotten with the stream");
    }

    #[test]
    fn what_each_report_adds_to_a_streams_loss_is_counted_once() {
        let counters = Arc::new(MediaCounters::default());
        let reports = Arc::new(ReceptionReports::counting_losses_in(Arc::clone(&counters)));
        let mut interceptor = KeyframeRequests::keeping_reports_in(Arc::clone(&reports));
        for ssrc in [7, 8] {
            interceptor.bind_local_stream(&StreamInfo {
                ssrc,
                ..StreamInfo::default()
            });
        }
        // The first report of a stream starts its count.
        interceptor.handle_read(losses(&[7], 0, 5)).unwrap();
        assert_eq!(counters.packets_lost_reported(), 0);
        interceptor.handle_read(losses(&[7], 10, 12)).unwrap();
        interceptor.handle_read(losses(&[7], 0, 12)).unwrap();
        assert_eq!(counters.packets_lost_reported(), 7);
        // Duplicates can take the total down, even below zero: nothing to count.
        interceptor.handle_read(losses(&[7], 0, 9)).unwrap();
        interceptor.handle_read(losses(&[7], 0, (1 << 24) - 2)).unwrap();
        interceptor.handle_read(losses(&[7], 0, 14)).unwrap();
        assert_eq!(counters.packets_lost_reported(), 9);
        interceptor.handle_read(losses(&[8], 0, 0)).unwrap();
        interceptor.handle_read(losses(&[8], 0, 3)).unwrap();
        assert_eq!(counters.packets_lost_reported(), 12, "each stream on its own");
        // A stream we do not send counts nothing.
        interceptor.handle_read(losses(&[9], 0, 0)).unwrap();
        interceptor.handle_read(losses(&[9], 0, 100)).unwrap();
        assert_eq!(counters.packets_lost_reported(), 12);
    }
}

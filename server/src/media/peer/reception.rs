//! What a person's reception reports and transport-wide feedback say of
//! what is sent to them, read once a second: they drive the estimate of
//! what their downlink carries, and so the simulcast layer of each video
//! sent to them (`media::bandwidth`); when even the smallest layers are
//! too much, video to them pauses (`media::downlink`), and they are told
//! when that starts and ends.

use std::sync::atomic::Ordering;
use std::time::Instant;

use tracing::debug;

use super::{DOWNLINK_EVERY, Peer};
use crate::media::bandwidth::{BETWEEN_RAISES, UNLIMITED, VideoWant, choose};
use crate::media::layers::{NO_LAYER, TOP};
use crate::media::session::Kind;
use crate::room::media::MediaReport;

/// Packets a second's feedback must cover for its queue to count: a
/// handful (most of the feedback lost, or nothing much sent) says little
/// of the link.
const QUEUE_READ_FROM: u32 = 20;

impl Peer {
    pub(super) fn sends_video(&self) -> bool {
        self.subscriptions.keys().any(|(_, kind)| kind.is_video())
    }

    /// Reads what the person's reception reports say of the video sent to
    /// them: the estimate follows, then the layers; and video pauses when
    /// their downlink cannot carry even the smallest.
    pub(super) fn check_downlink(&mut self) {
        let now = Instant::now();
        // A second's queue, when the feedback covered enough packets to say.
        let queue = self.reports.queue().take();
        let reading = (queue.packets >= QUEUE_READ_FROM).then_some((queue.queued, queue.arrived_bps));
        self.estimate.queue(reading, now);
        // The mean of the new reports on the video sent: one camera's
        // bad second is not the link's.
        let (mut sum, mut reports) = (0u32, 0u32);
        let video = self.subscriptions.iter().filter(|((_, kind), _)| kind.is_video());
        for (_, subscription) in video {
            let ssrc = subscription.target.ssrc;
            let Some((lost, count)) = self.reports.latest(ssrc) else {
                continue;
            };
            if self.reports_seen.insert(ssrc, count) != Some(count) {
                sum += u32::from(lost);
                reports += 1;
            }
        }
        let lost_share = (reports > 0).then(|| sum as f64 / f64::from(reports));
        let sent = self.downlink.sent_total();
        let (sent_before, since) = std::mem::replace(&mut self.sent_before, (sent, now));
        let seconds = now.saturating_duration_since(since).as_secs_f64();
        if let Some(lost) = lost_share {
            // RFC 3550: the fraction lost, in 256ths.
            let lost = lost / 256.0;
            if seconds > 0.0 {
                let sent_bps = sent.saturating_sub(sent_before) as f64 * 8.0 / seconds;
                self.estimate.report(lost, sent_bps, now);
            }
            // Smaller layers come first; pausing is for when the smallest
            // are what is sent already and still too much. A switch down
            // happens at the smaller layer's keyframe, and the loss of the
            // bigger one before it is no verdict on the smaller: the
            // smallest must have flowed a whole report's while.
            let at_smallest = self.choose_layers();
            self.smallest_since = if at_smallest {
                self.smallest_since.or(Some(now))
            } else {
                None
            };
            let settled = self
                .smallest_since
                .is_some_and(|since| now.saturating_duration_since(since) >= DOWNLINK_EVERY);
            let lost_for_pause = if settled { lost } else { 0.0 };
            if let Some(pause) = self.downlink.report(lost_for_pause, now) {
                debug!(participant = %self.me, lost, ?pause, "video to this person paused: their downlink cannot carry it");
            }
        } else {
            self.choose_layers();
        }
        let paused = self.downlink.pausing(now);
        if paused != self.told_paused {
            self.told_paused = paused;
            self.room.tell(MediaReport::IncomingVideoPaused {
                participant: self.me,
                paused,
            });
        }
    }

    /// Chooses the layer of each camera sent to this person, from what their
    /// page shows and what their downlink carries after audio and a shared
    /// screen. True when every camera shown gets its smallest layer, and
    /// none is still sent a bigger one while it waits for the switch.
    pub(super) fn choose_layers(&mut self) -> bool {
        let now = Instant::now();
        let mut fixed = 0.0;
        let mut cameras = Vec::new();
        let mut wants = Vec::new();
        for ((publisher, kind), subscription) in &self.subscriptions {
            let Some(publication) = subscription.target.publication.upgrade() else {
                continue;
            };
            let layers = publication.layers.snapshot(now);
            if *kind != Kind::Video {
                // Audio and a shared screen are sent whole, before any camera.
                fixed += layers.iter().flatten().map(|l| f64::from(l.rate)).sum::<f64>();
                continue;
            }
            let shown = match &self.shown {
                None => Some(u16::MAX),
                Some(shown) => shown.get(publisher).copied(),
            };
            let before = subscription.target.goal.load(Ordering::Acquire);
            wants.push(VideoWant { shown, layers, before });
            cameras.push(&subscription.target);
        }
        // Raises are spaced out only while the estimate limits this person:
        // a bigger tile on a link that has never lost gets its picture at once.
        let may_raise = self.estimate.bps() >= UNLIMITED
            || self
                .raised_at
                .is_none_or(|at| now.saturating_duration_since(at) >= BETWEEN_RAISES);
        let chosen = choose(self.estimate.bps() - fixed, &wants, may_raise);
        let raised = chosen
            .iter()
            .zip(&wants)
            .any(|(layer, want)| *layer != NO_LAYER && want.before != NO_LAYER && *layer > want.before);
        if raised {
            self.raised_at = Some(now);
        }
        let mut at_smallest = true;
        for ((target, layer), want) in cameras.into_iter().zip(&chosen).zip(&wants) {
            let lowest = want.layers.iter().position(Option::is_some);
            let flowing = target.layer.load(Ordering::Acquire);
            let above_lowest = |layer: u8| layer != NO_LAYER && lowest.is_some_and(|l| usize::from(layer) > l);
            if above_lowest(*layer) || above_lowest(flowing) {
                at_smallest = false;
            }
            // A camera whose layers are not known yet starts at the top.
            let goal = if *layer == NO_LAYER && want.shown.is_some() {
                TOP
            } else {
                *layer
            };
            target.goal.store(goal, Ordering::Release);
        }
        at_smallest
    }
}

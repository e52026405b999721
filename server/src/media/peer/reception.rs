//! What a person's reception reports say of the video sent to them: read
//! once a second, it pauses that video when their downlink cannot carry it
//! (`media::downlink`), and tells them when that starts and ends.

use std::time::Instant;

use tracing::debug;

use super::Peer;
use crate::room::media::MediaReport;

impl Peer {
    pub(super) fn sends_video(&self) -> bool {
        self.subscriptions.keys().any(|(_, kind)| kind.is_video())
    }

    /// Reads what the person's reception reports say of the video sent to
    /// them, and pauses it when their downlink cannot carry it.
    pub(super) fn check_downlink(&mut self) {
        let mut worst: Option<u8> = None;
        let video = self.subscriptions.iter().filter(|((_, kind), _)| kind.is_video());
        for (_, subscription) in video {
            let ssrc = subscription.target.ssrc;
            let Some((lost, count)) = self.reports.latest(ssrc) else {
                continue;
            };
            if self.reports_seen.insert(ssrc, count) != Some(count) {
                worst = worst.max(Some(lost));
            }
        }
        if let Some(lost) = worst {
            // RFC 3550: the fraction lost, in 256ths.
            let lost = f64::from(lost) / 256.0;
            if let Some(pause) = self.downlink.report(lost, Instant::now()) {
                debug!(participant = %self.me, lost, ?pause, "video to this person paused: their downlink cannot carry it");
            }
        }
        let paused = self.downlink.pausing(Instant::now());
        if paused != self.told_paused {
            self.told_paused = paused;
            self.room.tell(MediaReport::IncomingVideoPaused {
                participant: self.me,
                paused,
            });
        }
    }
}

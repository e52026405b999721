//! Audio first on a downlink that cannot carry even the smallest video.
//! Each subscriber's reception reports (RTCP, read from the connection's
//! stats once a second) say what share of the video sent to them was lost.
//! Smaller simulcast layers come first (`bandwidth.rs`); when the smallest
//! are what is sent and the loss stays high, their video is paused, so the
//! little bandwidth they have carries everyone's sound, and tried again
//! later, after a wait that grows each time it fails (a phone in a
//! basement). The others keep their video, nothing changes for them.
//!
//! The forwarders ask `video_paused` for each video packet: an atomic load
//! while video flows. Pausing and resuming take the lock, a few times a
//! minute at most.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Video lost above this share of packets is more than NACK can repair:
/// the pictures freeze and the sound goes with them.
const TOO_MUCH_LOSS: f64 = 0.2;
/// Reports in a row above it before video is paused: one bad second is a
/// burst, two are a link too small.
const BAD_REPORTS_TO_PAUSE: u8 = 2;
/// The first pause; each that follows a failed try lasts twice as long.
/// Long enough that a person is not given video that stutters on and off
/// every few seconds: a link too small now is seldom bigger a moment later.
const FIRST_PAUSE: Duration = Duration::from_secs(10);
const LONGEST_PAUSE: Duration = Duration::from_secs(60);
/// Video back for this long without a bad report: the link carries it, and
/// the next trouble starts from the first pause again.
const PROBATION: Duration = Duration::from_secs(10);

/// The decision, without the clock or the atomics.
#[derive(Debug)]
struct Watch {
    bad_in_a_row: u8,
    /// When video came back, while it is on probation.
    resumed_at: Option<Instant>,
    pause: Duration,
}

impl Default for Watch {
    fn default() -> Self {
        Watch {
            bad_in_a_row: 0,
            resumed_at: None,
            pause: FIRST_PAUSE,
        }
    }
}

impl Watch {
    /// A new report on the video sent; `Some(pause)` when video must pause
    /// for that long.
    fn report(&mut self, lost: f64, now: Instant) -> Option<Duration> {
        if let Some(since) = self.resumed_at
            && now.saturating_duration_since(since) >= PROBATION
        {
            self.resumed_at = None;
            self.pause = FIRST_PAUSE;
        }
        if lost <= TOO_MUCH_LOSS {
            self.bad_in_a_row = 0;
            return None;
        }
        self.bad_in_a_row = self.bad_in_a_row.saturating_add(1);
        // On probation one bad report is enough: the link was just found wanting.
        let needed = if self.resumed_at.is_some() {
            1
        } else {
            BAD_REPORTS_TO_PAUSE
        };
        if self.bad_in_a_row < needed {
            return None;
        }
        if self.resumed_at.is_some() {
            // The try failed: wait longer this time.
            self.pause = (self.pause * 2).min(LONGEST_PAUSE);
        }
        let pause = self.pause;
        self.bad_in_a_row = 0;
        self.resumed_at = None;
        Some(pause)
    }

    fn resumed(&mut self, now: Instant) {
        self.resumed_at = Some(now);
    }
}

/// One subscriber's downlink, shared by their connection's task (which
/// reports) and the forwarders (which ask).
#[derive(Debug)]
pub struct Downlink {
    paused: AtomicBool,
    /// Milliseconds after `origin` at which a pause ends.
    resume_at: AtomicU64,
    /// Counts the resumes: a forwarder that sees it change starts that
    /// video again at a keyframe, on a fresh stretch of the slot's timeline.
    epoch: AtomicU16,
    origin: Instant,
    watch: Mutex<Watch>,
    /// Bytes forwarded to this subscriber, all kinds: what the link was
    /// asked to carry, for the estimate (`bandwidth.rs`).
    sent: AtomicU64,
}

impl Default for Downlink {
    fn default() -> Self {
        Downlink {
            paused: AtomicBool::new(false),
            resume_at: AtomicU64::new(0),
            epoch: AtomicU16::new(0),
            origin: Instant::now(),
            watch: Mutex::new(Watch::default()),
            sent: AtomicU64::new(0),
        }
    }
}

impl Downlink {
    fn millis(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.origin).as_millis()).unwrap_or(u64::MAX)
    }

    /// Whether a pause is on now, without ending one that is over: for
    /// telling the person, not for forwarding.
    pub fn pausing(&self, now: Instant) -> bool {
        self.paused.load(Ordering::Acquire) && self.millis(now) < self.resume_at.load(Ordering::Acquire)
    }

    /// Whether video to this subscriber is held back now. A pause that is
    /// over ends here, on the first video packet after it.
    pub fn video_paused(&self, now: Instant) -> bool {
        if !self.paused.load(Ordering::Acquire) {
            return false;
        }
        if self.millis(now) < self.resume_at.load(Ordering::Acquire) {
            return true;
        }
        if let Ok(mut watch) = self.watch.lock()
            && self.paused.swap(false, Ordering::AcqRel)
        {
            watch.resumed(now);
            self.epoch.fetch_add(1, Ordering::AcqRel);
        }
        false
    }

    /// A packet of `bytes` went to this subscriber.
    pub fn sent(&self, bytes: usize) {
        self.sent.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// Bytes sent to this subscriber so far.
    pub fn sent_total(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    pub fn epoch(&self) -> u16 {
        self.epoch.load(Ordering::Acquire)
    }

    /// The worst loss among the video streams sent, from a new reception
    /// report: `Some(pause)` when video pauses now, for that long. Resuming
    /// is `video_paused`'s.
    pub fn report(&self, lost: f64, now: Instant) -> Option<Duration> {
        if self.paused.load(Ordering::Acquire) {
            // Reports trailing a pause describe the video before it.
            return None;
        }
        let pause = self.watch.lock().ok()?.report(lost, now)?;
        self.resume_at.store(self.millis(now + pause), Ordering::Release);
        self.paused.store(true, Ordering::Release);
        Some(pause)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BAD: f64 = 0.4;
    const GOOD: f64 = 0.02;

    #[test]
    fn a_burst_is_ignored_and_a_link_too_small_pauses_video() {
        let downlink = Downlink::default();
        let mut now = downlink.origin;
        for lost in [GOOD, BAD, GOOD, BAD, GOOD] {
            now += Duration::from_secs(1);
            assert_eq!(downlink.report(lost, now), None, "one bad second at a time is a burst");
        }
        assert!(!downlink.video_paused(now));
        assert_eq!(downlink.report(BAD, now), None);
        assert_eq!(downlink.report(BAD, now), Some(FIRST_PAUSE));
        assert!(downlink.video_paused(now));
        assert!(downlink.video_paused(now + FIRST_PAUSE - Duration::from_millis(1)));
        assert_eq!(
            downlink.report(BAD, now),
            None,
            "reports during a pause are about before it"
        );
        // Over: the next video packet goes, and starts a new epoch.
        let epoch = downlink.epoch();
        assert!(!downlink.video_paused(now + FIRST_PAUSE));
        assert_eq!(downlink.epoch(), epoch + 1);
        assert!(!downlink.video_paused(now + FIRST_PAUSE), "and only once");
        assert_eq!(downlink.epoch(), epoch + 1);
    }

    #[test]
    fn each_failed_try_waits_twice_as_long_and_a_good_stretch_forgives() {
        let mut watch = Watch::default();
        let mut now = Instant::now();
        assert_eq!(watch.report(BAD, now), None);
        assert_eq!(watch.report(BAD, now), Some(FIRST_PAUSE));
        let mut pauses = Vec::new();
        for _ in 0..6 {
            now += Duration::from_secs(1);
            watch.resumed(now);
            // On probation, one bad report pauses again, for longer.
            pauses.push(watch.report(BAD, now + Duration::from_secs(1)).unwrap());
        }
        let secs: Vec<u64> = pauses.iter().map(Duration::as_secs).collect();
        assert_eq!(secs, [20, 40, 60, 60, 60, 60]);
        // A try that holds past probation starts over from the first pause.
        watch.resumed(now);
        assert_eq!(watch.report(GOOD, now + PROBATION), None);
        assert_eq!(watch.report(BAD, now + PROBATION), None, "two in a row again");
        assert_eq!(watch.report(BAD, now + PROBATION), Some(FIRST_PAUSE));
    }
}

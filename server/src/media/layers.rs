//! A publisher's simulcast layers. A browser sends its camera up to three
//! times, each smaller than the one above (rid `q`: a quarter of the size,
//! `h`: half, `f`: full), all on one track told apart by SSRC. Each
//! subscriber is sent one of them (`bandwidth.rs` chooses which); a track
//! sent once (audio, a shared screen, a browser without simulcast) is one
//! layer, the top one.
//!
//! The forwarder writes here as packets pass (atomics only); each
//! subscriber's connection reads it once a second to choose.

use std::sync::atomic::{AtomicU16, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::keyframe_pacing::KeyframePacer;

/// Layers a publication has at most: quarter, half, full.
pub const LAYERS: usize = 3;
/// The full-size layer, and what a track without simulcast is.
pub const TOP: u8 = 2;
/// No layer: a subscriber not sent this video now (not shown), or one
/// whose next layer starts at a keyframe.
pub const NO_LAYER: u8 = u8::MAX;

/// A layer that sent nothing for this long has been stopped by its
/// browser (its uplink or CPU cannot keep it up): subscribers move to
/// another.
const LIVE_FOR: Duration = Duration::from_millis(1_500);
/// A browser encodes each camera frame in every layer it keeps up, so a
/// layer silent this long while another of the same camera goes on has
/// been stopped, without waiting for `LIVE_FOR`: at 5% loss Chromium's
/// uplink estimate turns its top layer off and on every few seconds, and
/// each wait was a picture frozen for everyone watching that layer. Long
/// enough for a few frames at the lowest rates a camera sends; a gap in
/// the uplink itself silences every layer, which this does not take for a
/// stop.
const QUIET_FOR: Duration = Duration::from_millis(300);
/// A layer that sends again after a stop is taken again only once it has
/// sent this long: one that comes back for a second and stops again would
/// freeze its subscribers at each stop. Until then its subscribers keep
/// the layer below.
const STEADY_FOR: Duration = Duration::from_millis(3_000);
/// A browser starts its layers within a few milliseconds of each other, or
/// (with little uplink yet) its top ones seconds later. For this long after
/// a publication's first packet, a subscriber waits for the layer chosen
/// rather than take each smaller one as it appears, which would cost a
/// keyframe and a half-sent frame per switch.
const START_GRACE: Duration = Duration::from_millis(500);

/// The layer a rid names. The web client sends `q`, `h` and `f`; any other
/// rid (another client's) is taken as full size.
pub fn layer_for_rid(rid: Option<&str>) -> u8 {
    match rid {
        Some("q") => 0,
        Some("h") => 1,
        _ => TOP,
    }
}

#[derive(Debug, Default)]
struct Layer {
    /// 0 until the layer is known.
    ssrc: AtomicU32,
    /// Milliseconds after `origin` of its last packet of media (padding
    /// comes on a layer its browser stopped encoding), plus one; 0: never.
    heard_at: AtomicU64,
    /// Milliseconds after `origin` it sent again after a stop (or started
    /// well after the others), plus one; 0: neither.
    resumed_at: AtomicU64,
    /// Its picture's height, from its last keyframe; 0: not seen yet.
    height: AtomicU16,
    /// What it sends, bits per second, over the last second or so.
    rate: AtomicU32,
    /// Keyframe requests to this layer, paced on their own: a subscriber
    /// switching to the small layer must not wait for the big one's gap.
    keyframes: KeyframePacer,
}

/// What a subscriber's choice needs to know of one layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerInfo {
    pub rate: u32,
    pub height: u16,
}

/// A publication's layers.
#[derive(Debug)]
pub struct Layers {
    layers: [Layer; LAYERS],
    origin: Instant,
    /// Milliseconds after `origin` of the first packet of any layer, plus
    /// one; 0: none yet.
    first_heard: AtomicU64,
}

impl Default for Layers {
    fn default() -> Self {
        Layers {
            layers: Default::default(),
            origin: Instant::now(),
            first_heard: AtomicU64::new(0),
        }
    }
}

impl Layers {
    fn millis(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.origin).as_millis()).unwrap_or(u64::MAX)
    }

    fn get(&self, layer: u8) -> Option<&Layer> {
        self.layers.get(usize::from(layer))
    }

    /// A layer's SSRC became known.
    pub fn open(&self, layer: u8, ssrc: u32) {
        if let Some(slot) = self.get(layer) {
            slot.ssrc.store(ssrc, Ordering::Release);
        }
    }

    /// Which layer a packet's SSRC belongs to, if known.
    pub fn layer_of(&self, ssrc: u32) -> Option<u8> {
        (0..LAYERS as u8).find(|&l| {
            self.get(l)
                .is_some_and(|slot| slot.ssrc.load(Ordering::Acquire) == ssrc)
        })
    }

    /// The SSRCs known, with their layer: where keyframe requests go.
    pub fn known(&self) -> impl Iterator<Item = (u8, u32)> + '_ {
        (0..LAYERS as u8).filter_map(|l| {
            let ssrc = self.get(l)?.ssrc.load(Ordering::Acquire);
            (ssrc != 0).then_some((l, ssrc))
        })
    }

    pub fn pacer(&self, layer: u8) -> Option<&KeyframePacer> {
        self.get(layer).map(|slot| &slot.keyframes)
    }

    /// A packet of media on `layer` came (not padding: see `heard_at`).
    pub fn heard(&self, layer: u8, now: Instant) {
        if let Some(slot) = self.get(layer) {
            let at = self.millis(now) + 1;
            let before = slot.heard_at.swap(at, Ordering::Relaxed);
            let first = self.first_heard.load(Ordering::Relaxed);
            if first == 0 {
                self.first_heard.store(at, Ordering::Relaxed);
            }
            // A layer that starts well after the others is one its browser
            // could only now afford: as unsure as one back from a stop.
            let late_start = before == 0 && first != 0 && at >= first + START_GRACE.as_millis() as u64;
            if late_start || (before != 0 && self.silent(layer, before, now)) {
                slot.resumed_at.store(at, Ordering::Relaxed);
            }
        }
    }

    /// Whether `layer`, last heard at `heard` (as stored), is silent now:
    /// nothing for `LIVE_FOR`, or nothing for `QUIET_FOR` while another
    /// layer went on after it.
    fn silent(&self, layer: u8, heard: u64, now: Instant) -> bool {
        if heard == 0 {
            return true;
        }
        let now = self.millis(now) + 1;
        let quiet = QUIET_FOR.as_millis() as u64;
        if now >= heard + LIVE_FOR.as_millis() as u64 {
            return true;
        }
        now >= heard + quiet
            && (0..LAYERS as u8).filter(|&l| l != layer).any(|l| {
                self.get(l)
                    .is_some_and(|other| other.heard_at.load(Ordering::Relaxed) >= heard + quiet)
            })
    }

    pub fn set_height(&self, layer: u8, height: u16) {
        if let Some(slot) = self.get(layer) {
            slot.height.store(height, Ordering::Relaxed);
        }
    }

    pub fn set_rate(&self, layer: u8, rate: u32) {
        if let Some(slot) = self.get(layer) {
            slot.rate.store(rate, Ordering::Relaxed);
        }
    }

    /// Whether the layer sends now.
    pub fn live(&self, layer: u8, now: Instant) -> bool {
        self.get(layer)
            .is_some_and(|slot| !self.silent(layer, slot.heard_at.load(Ordering::Relaxed), now))
    }

    /// Whether the layer sends now and has not just come back from a stop.
    fn steady(&self, layer: u8, now: Instant) -> bool {
        self.live(layer, now)
            && self.get(layer).is_some_and(|slot| {
                let resumed = slot.resumed_at.load(Ordering::Relaxed);
                resumed == 0 || self.millis(now) + 1 >= resumed + STEADY_FOR.as_millis() as u64
            })
    }

    /// The layers sending now, for a subscriber's choice.
    pub fn snapshot(&self, now: Instant) -> [Option<LayerInfo>; LAYERS] {
        std::array::from_fn(|l| {
            let layer = l as u8;
            let slot = self.get(layer)?;
            self.live(layer, now).then(|| LayerInfo {
                rate: slot.rate.load(Ordering::Relaxed),
                height: slot.height.load(Ordering::Relaxed),
            })
        })
    }

    /// The layer to send a subscriber whose choice is `goal`: that one if
    /// it sends, else the nearest below that does, else the nearest above;
    /// `NO_LAYER` when nothing is sent to them or nothing sends. A layer
    /// just back from a stop counts only when no steady one at or below the
    /// goal will do. Just after the publisher starts, nothing below the
    /// goal is taken yet.
    pub fn settle(&self, goal: u8, now: Instant) -> u8 {
        if goal == NO_LAYER {
            return NO_LAYER;
        }
        let goal = goal.min(TOP);
        let first = self.first_heard.load(Ordering::Relaxed);
        let starting = first != 0 && self.millis(now) < first - 1 + START_GRACE.as_millis() as u64;
        // The goal, then below it nearest first; above it only when none
        // of those sends (more than the subscriber's choice).
        let at_or_below = || std::iter::once(goal).chain((0..goal).rev().filter(move |_| !starting));
        at_or_below()
            .find(|&l| self.steady(l, now))
            .or_else(|| at_or_below().find(|&l| self.live(l, now)))
            .or_else(|| (goal + 1..=TOP).find(|&l| self.live(l, now)))
            .unwrap_or(NO_LAYER)
    }
}

/// Each layer's bit rate, measured by the forwarder over windows of about
/// a second and smoothed, so one keyframe does not look like a new rate.
#[derive(Debug)]
pub struct RateMeter {
    since: Instant,
    bytes: [u64; LAYERS],
    smoothed: [Option<f64>; LAYERS],
}

const RATE_WINDOW: Duration = Duration::from_millis(500);

impl RateMeter {
    pub fn new(now: Instant) -> RateMeter {
        RateMeter {
            since: now,
            bytes: [0; LAYERS],
            smoothed: [None; LAYERS],
        }
    }

    /// A packet of `bytes` on `layer`; at the end of each window the rates
    /// are written to `layers`.
    pub fn add(&mut self, layer: u8, bytes: usize, now: Instant, layers: &Layers) {
        if let Some(count) = self.bytes.get_mut(usize::from(layer)) {
            *count += bytes as u64;
        }
        let elapsed = now.saturating_duration_since(self.since);
        if elapsed < RATE_WINDOW {
            return;
        }
        for (l, count) in self.bytes.iter_mut().enumerate() {
            let rate = *count as f64 * 8.0 / elapsed.as_secs_f64();
            let smoothed = self.smoothed[l].map_or(rate, |s| 0.6 * s + 0.4 * rate);
            self.smoothed[l] = Some(smoothed);
            layers.set_rate(l as u8, smoothed.min(f64::from(u32::MAX)) as u32);
            *count = 0;
        }
        self.since = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rids_name_layers_and_anything_else_is_full_size() {
        assert_eq!(layer_for_rid(Some("q")), 0);
        assert_eq!(layer_for_rid(Some("h")), 1);
        assert_eq!(layer_for_rid(Some("f")), TOP);
        assert_eq!(layer_for_rid(None), TOP);
        assert_eq!(layer_for_rid(Some("hi")), TOP);
    }

    #[test]
    fn a_subscriber_gets_its_layer_or_the_nearest_that_sends() {
        let layers = Layers::default();
        let now = layers.origin + Duration::from_secs(5);
        assert_eq!(layers.settle(1, now), NO_LAYER, "nothing sends yet");
        for (layer, ssrc) in [(0, 10), (1, 11), (2, 12)] {
            layers.open(layer, ssrc);
        }
        assert_eq!(layers.layer_of(11), Some(1));
        assert_eq!(layers.layer_of(99), None);
        layers.heard(0, now);
        assert_eq!(
            layers.settle(2, now),
            NO_LAYER,
            "at the start the chosen layer is waited for"
        );
        assert_eq!(layers.settle(2, now + START_GRACE), 0, "then the nearest that sends");
        layers.heard(2, now);
        assert_eq!(layers.settle(2, now), 2);
        let now = now + START_GRACE;
        layers.heard(0, now);
        layers.heard(2, now);
        assert_eq!(layers.settle(1, now), 0, "the half layer does not send: the one below");
        assert_eq!(layers.settle(NO_LAYER, now), NO_LAYER, "not shown: nothing");
        // The browser stops its two lower layers: the top one is what there is.
        let later = now + Duration::from_secs(2);
        layers.heard(2, later);
        assert_eq!(layers.settle(0, later), 2);
        assert!(layers.snapshot(later)[0].is_none());
        assert!(layers.snapshot(later)[2].is_some());
    }

    /// Every `layers` sends a packet every 50 ms from `from` until before `to`.
    fn sending(layers: &Layers, which: &[u8], from: Instant, to: Instant) {
        let mut at = from;
        while at < to {
            for &layer in which {
                layers.heard(layer, at);
            }
            at += Duration::from_millis(50);
        }
    }

    #[test]
    fn a_layer_silent_while_another_goes_on_is_left_at_once_and_a_silent_uplink_is_not_a_stop() {
        let layers = Layers::default();
        let start = layers.origin;
        let stop = start + Duration::from_secs(2);
        sending(&layers, &[1, 2], start, stop);
        // The top layer stops; the half one goes on.
        let later = stop + Duration::from_millis(300);
        sending(&layers, &[1], stop, later + Duration::from_millis(1));
        assert_eq!(
            layers.settle(2, stop + Duration::from_millis(200)),
            2,
            "a few frames late is not a stop"
        );
        assert_eq!(
            layers.settle(2, later),
            1,
            "silent while the other goes on: stopped, long before LIVE_FOR"
        );
        assert!(layers.snapshot(later)[2].is_none());

        // Both silent together (the uplink, not the encoder): no one moves
        // until LIVE_FOR says the camera stopped.
        let layers = Layers::default();
        sending(&layers, &[1, 2], start, stop);
        let last = stop - Duration::from_millis(50);
        assert_eq!(layers.settle(2, last + Duration::from_millis(1_000)), 2);
        assert_eq!(layers.settle(1, last + Duration::from_millis(1_000)), 1);
        assert_eq!(layers.settle(2, last + LIVE_FOR), NO_LAYER, "nothing sends");
    }

    #[test]
    fn a_layer_back_from_a_stop_is_taken_again_only_once_steady() {
        let layers = Layers::default();
        let start = layers.origin;
        let stop = start + Duration::from_secs(2);
        sending(&layers, &[1, 2], start, stop);
        let back = stop + Duration::from_millis(2_000);
        sending(&layers, &[1], stop, back);
        assert_eq!(layers.settle(2, back - Duration::from_millis(50)), 1);
        // It sends again: its subscribers stay below until it has held.
        let steady = back + STEADY_FOR;
        sending(&layers, &[1, 2], back, steady);
        assert_eq!(layers.settle(2, back), 1, "just back");
        assert_eq!(
            layers.settle(2, steady - Duration::from_millis(100)),
            1,
            "not yet held long enough"
        );
        sending(&layers, &[1, 2], steady, steady + Duration::from_millis(1));
        assert_eq!(layers.settle(2, steady), 2, "held: taken again");
        // A subscriber whose choice is the layer just back gets it, not the
        // steady one above it: more than was chosen for them.
        let layers = Layers::default();
        sending(&layers, &[1, 2], start, stop);
        sending(&layers, &[2], stop, back);
        sending(&layers, &[1, 2], back, back + Duration::from_millis(100));
        assert_eq!(layers.settle(1, back + Duration::from_millis(50)), 1);
        // Had the one below stopped meanwhile, the one just back is still
        // better than nothing.
        let layers = Layers::default();
        sending(&layers, &[1, 2], start, stop);
        sending(&layers, &[1], stop, back);
        sending(&layers, &[2], back, back + Duration::from_millis(500));
        assert_eq!(layers.settle(1, back + Duration::from_millis(450)), 2);
    }

    #[test]
    fn a_layer_that_starts_well_after_the_others_is_taken_once_steady() {
        let layers = Layers::default();
        let start = layers.origin;
        let late = start + Duration::from_secs(2);
        sending(&layers, &[0, 2], start, late);
        // The half layer starts two seconds on: its browser could only now afford it.
        let steady = late + STEADY_FOR;
        sending(&layers, &[0, 1, 2], late, steady + Duration::from_millis(1));
        assert_eq!(layers.settle(1, late), 0, "the one below, until it has held");
        assert_eq!(layers.settle(1, steady), 1);
        // Layers that start together are taken at once.
        let layers = Layers::default();
        sending(&layers, &[0, 1, 2], start, start + Duration::from_millis(100));
        assert_eq!(layers.settle(1, start + Duration::from_millis(60)), 1);
    }

    #[test]
    fn rates_are_measured_per_layer() {
        let layers = Layers::default();
        let start = layers.origin;
        let mut meter = RateMeter::new(start);
        // 100 packets of 1,000 bytes on the top layer, 100 of 250 on the
        // lowest, in half a second: 1.6 Mbit/s and 400 kbit/s.
        for i in 0..100u64 {
            let at = start + Duration::from_millis(5 * i);
            meter.add(2, 1_000, at, &layers);
            meter.add(0, 250, at, &layers);
        }
        meter.add(2, 0, start + RATE_WINDOW, &layers);
        layers.heard(0, start + RATE_WINDOW);
        layers.heard(2, start + RATE_WINDOW);
        let snapshot = layers.snapshot(start + RATE_WINDOW);
        assert_eq!(snapshot[2].map(|l| l.rate), Some(1_600_000));
        assert_eq!(snapshot[0].map(|l| l.rate), Some(400_000));
    }
}

//! How much a subscriber's downlink carries, and which layer of each video
//! to send them within it. Pure: the connection's task feeds it what the
//! subscriber's reception reports say once a second and applies what it
//! chooses (`peer/reception.rs`).
//!
//! The estimate follows loss and queueing, like the two halves of Google's
//! congestion control. A link that keeps losing more than about a seventh
//! of what is sent carried about what arrived, so the estimate drops to
//! that; so does one that holds the packets in a queue (`downlink_queue.rs`
//! reads the wait from the browser's transport-wide feedback), which most
//! links too small do before they lose anything, and while a queue holds
//! what arrives is what the link carries. A link that loses almost nothing
//! and queues nothing may carry more, so the estimate grows a little each
//! second, but only after a hold that doubles each time a rise fails soon
//! after (a link too small now is seldom bigger a moment later, and each
//! failed try freezes someone's picture). Random loss of a few percent
//! moves nothing: NACK repairs that, a smaller picture would not; nor does
//! jitter, which a second's mean wait smooths out.
//!
//! The choice puts audio and a shared screen first (their rate comes off
//! the top), gives each shown video its smallest layer, then raises the
//! biggest tiles first, one layer at a time, while the estimate allows and
//! no higher than the tile needs.

use std::time::{Duration, Instant};

use super::layers::{LAYERS, LayerInfo, NO_LAYER};

/// What an unconstrained downlink is assumed to carry: more than a room
/// sends anyone, so nothing is held back until loss says otherwise.
pub const UNLIMITED: f64 = 20_000_000.0;
/// The estimate never falls below what a lowest layer and some audio need.
const FLOOR: f64 = 100_000.0;
/// Loss above this, smoothed over the last few reports, is a link too
/// small: one report can be a burst (or cover a handful of packets), and a
/// few percent of random loss, which a smaller picture would not cure,
/// often reads above a tenth over one second (5% lost on each of two
/// links, publisher's and subscriber's, is 10% end to end before repair).
/// Half the video lost in one report is enough on its own; a fifth, four
/// reports in a row.
const CONGESTED: f64 = 0.15;
/// The weight of a new report in the smoothed loss.
const NEW_REPORT_WEIGHT: f64 = 0.35;
/// Below this, room to grow.
const CLEAR: f64 = 0.02;
/// What is kept in hand below what arrived, after a cut.
const HEADROOM: f64 = 0.85;
/// Growth per report while clear: 8%, plus a step so a low estimate
/// does not take a minute to climb; never past half again what was sent
/// (and a step): the link has only been shown to carry what it carried.
const GROWTH: f64 = 1.08;
const GROWTH_STEP: f64 = 10_000.0;
const BEYOND_SENT: f64 = 1.5;
const BEYOND_SENT_STEP: f64 = 150_000.0;
/// Holds after a cut before growing again, doubling when the last rise
/// failed within `FAILED_RISE_WITHIN`. Each rise that fails freezes
/// someone's picture for a moment: on a link too small for the next layer
/// up, that happens at most every 30, 60, then 120 seconds.
const FIRST_HOLD: Duration = Duration::from_secs(30);
const LONGEST_HOLD: Duration = Duration::from_secs(120);
/// After a layer is raised, no other is for this long: the reports of the
/// next seconds say whether the link took it, and a raise that fails
/// should cost one picture a moment, not every picture at once.
pub const BETWEEN_RAISES: Duration = Duration::from_secs(4);
const FAILED_RISE_WITHIN: Duration = Duration::from_secs(10);
/// A mean wait this long, two seconds in a row, is a queue that grows: a
/// link too small. Jitter of tens of milliseconds (Wi-Fi, a mobile cell)
/// averages well under it over a second.
pub const QUEUED: Duration = Duration::from_millis(60);
/// Under this the queue is empty enough for the estimate to grow.
const QUEUE_CLEAR: Duration = Duration::from_millis(30);
/// After a cut the queue drains for a while: what it says then is the
/// past, not a second cut.
const QUEUE_DRAINS: Duration = Duration::from_secs(3);

/// One subscriber's downlink estimate.
#[derive(Debug)]
pub struct Estimate {
    bps: f64,
    hold: Duration,
    hold_until: Option<Instant>,
    /// When it last grew after a cut: a cut soon after means that rise failed.
    rose_at: Option<Instant>,
    /// The loss of the last reports, smoothed.
    smoothed_loss: f64,
    /// Seconds in a row with a queue, and whether the last had one at all.
    queued_seconds: u32,
    queue_clear: bool,
    /// Queues are not read until then, after a cut.
    draining_until: Option<Instant>,
}

impl Default for Estimate {
    fn default() -> Self {
        Estimate {
            bps: UNLIMITED,
            hold: FIRST_HOLD,
            hold_until: None,
            rose_at: None,
            smoothed_loss: 0.0,
            queued_seconds: 0,
            queue_clear: true,
            draining_until: None,
        }
    }
}

impl Estimate {
    pub fn bps(&self) -> f64 {
        self.bps
    }

    /// A report: the share of video lost since the last one, and what was
    /// sent to the subscriber meanwhile, bits per second.
    pub fn report(&mut self, lost: f64, sent_bps: f64, now: Instant) {
        self.smoothed_loss += NEW_REPORT_WEIGHT * (lost - self.smoothed_loss);
        if self.smoothed_loss > CONGESTED {
            self.cut(sent_bps * (1.0 - lost) * HEADROOM, now);
            return;
        }
        let held = self.hold_until.is_some_and(|until| now < until);
        let ceiling = sent_bps * BEYOND_SENT + BEYOND_SENT_STEP;
        if lost < CLEAR && self.queue_clear && !held && self.bps < ceiling.min(UNLIMITED) {
            if self.rose_at.is_none() {
                self.rose_at = Some(now);
            }
            self.bps = (self.bps * GROWTH + GROWTH_STEP).min(ceiling).min(UNLIMITED);
        }
    }

    /// A second's queue: the mean wait of what arrived, and the rate it
    /// arrived at, bits per second; `None` when the feedback said too little
    /// to tell (or none came), which holds nothing up.
    pub fn queue(&mut self, reading: Option<(Duration, f64)>, now: Instant) {
        if self.draining_until.is_some_and(|until| now < until) {
            return;
        }
        let Some((queued, arrived_bps)) = reading else {
            self.queue_clear = true;
            self.queued_seconds = 0;
            return;
        };
        self.queue_clear = queued < QUEUE_CLEAR;
        if queued < QUEUED {
            self.queued_seconds = 0;
            return;
        }
        self.queued_seconds += 1;
        if self.queued_seconds >= 2 && arrived_bps > 0.0 {
            self.cut(arrived_bps * HEADROOM, now);
        }
    }

    fn cut(&mut self, carried: f64, now: Instant) {
        self.bps = self.bps.min(carried).max(FLOOR);
        let failed_rise = self
            .rose_at
            .is_some_and(|at| now.saturating_duration_since(at) < FAILED_RISE_WITHIN);
        self.hold = if failed_rise {
            (self.hold * 2).min(LONGEST_HOLD)
        } else {
            FIRST_HOLD
        };
        self.hold_until = Some(now + self.hold);
        self.rose_at = None;
        // What follows a cut is measured afresh, once the queue has drained.
        self.smoothed_loss = 0.0;
        self.queued_seconds = 0;
        self.draining_until = Some(now + QUEUE_DRAINS);
    }
}

/// One video a subscriber could be sent: how tall its tile is (`None`:
/// not shown), the publisher's layers sending now, and the layer chosen
/// for it last time (`NO_LAYER`: none).
#[derive(Clone, Debug)]
pub struct VideoWant {
    pub shown: Option<u16>,
    pub layers: [Option<LayerInfo>; LAYERS],
    pub before: u8,
}

/// A raise beyond the layer chosen last time needs this share of the
/// budget to spare: layers' rates move from second to second (a keyframe,
/// a publisher's own estimate), and each switch costs a keyframe and a
/// wait for it, so a choice is not undone by a small move.
const RAISE_MARGIN: f64 = 0.85;

/// The layer each video should be sent at (`NO_LAYER`: none), in the order
/// given, within `budget` bits per second (what is left after audio and a
/// shared screen). Unless `may_raise`, no video goes above its layer of
/// last time.
pub fn choose(budget: f64, wants: &[VideoWant], may_raise: bool) -> Vec<u8> {
    let lowest = |want: &VideoWant| (0..LAYERS as u8).find(|&l| want.layers[usize::from(l)].is_some());
    let mut chosen: Vec<u8> = wants
        .iter()
        .map(|want| match want.shown {
            Some(_) => lowest(want).unwrap_or(NO_LAYER),
            None => NO_LAYER,
        })
        .collect();
    let rate = |want: &VideoWant, layer: u8| want.layers[usize::from(layer)].map_or(0.0, |l| f64::from(l.rate));
    let mut spent: f64 = wants
        .iter()
        .zip(&chosen)
        .filter(|(_, layer)| **layer != NO_LAYER)
        .map(|(want, layer)| rate(want, *layer))
        .sum();
    // The biggest tiles are raised first: the speaker, the shared focus.
    let mut order: Vec<usize> = (0..wants.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(wants[i].shown.unwrap_or(0)));
    loop {
        let mut raised = false;
        for &i in &order {
            let (want, layer) = (&wants[i], chosen[i]);
            if layer == NO_LAYER || layer >= ceiling(want) {
                continue;
            }
            let Some(next) = (layer + 1..=ceiling(want)).find(|&l| want.layers[usize::from(l)].is_some()) else {
                continue;
            };
            let extra = rate(want, next) - rate(want, layer);
            let kept = next <= want.before && want.before != NO_LAYER;
            if !kept && !may_raise {
                continue;
            }
            let room = if kept { budget } else { budget * RAISE_MARGIN };
            if spent + extra <= room {
                spent += extra;
                chosen[i] = next;
                raised = true;
            }
        }
        if !raised {
            return chosen;
        }
    }
}

/// The highest layer worth sending for a tile: the smallest at least
/// nearly as tall as the tile (a picture a little smaller than its tile
/// looks the same; one much bigger is bandwidth thrown away). Layers whose
/// height is not known yet are not held back.
fn ceiling(want: &VideoWant) -> u8 {
    let tile = f64::from(want.shown.unwrap_or(0));
    let top = (0..LAYERS as u8).rev().find(|&l| want.layers[usize::from(l)].is_some());
    let Some(top) = top else {
        return 0;
    };
    (0..=top)
        .find(|&l| {
            want.layers[usize::from(l)].is_some_and(|info| info.height != 0 && f64::from(info.height) >= tile * 0.8)
        })
        .unwrap_or(top)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layers(rates: [u32; 3], heights: [u16; 3]) -> [Option<LayerInfo>; LAYERS] {
        std::array::from_fn(|l| {
            Some(LayerInfo {
                rate: rates[l],
                height: heights[l],
            })
        })
    }

    const CAMERA: [u32; 3] = [60_000, 150_000, 400_000];
    const HEIGHTS: [u16; 3] = [90, 180, 360];

    fn camera(shown: Option<u16>) -> VideoWant {
        VideoWant {
            shown,
            layers: layers(CAMERA, HEIGHTS),
            before: NO_LAYER,
        }
    }

    #[test]
    fn an_unconstrained_subscriber_gets_the_layer_each_tile_needs() {
        let wants = [camera(Some(400)), camera(Some(170)), camera(Some(60)), camera(None)];
        assert_eq!(choose(UNLIMITED, &wants, true), vec![2, 1, 0, NO_LAYER]);
        // Before heights are known nothing is held back.
        let unknown = VideoWant {
            shown: Some(100),
            layers: layers(CAMERA, [0; 3]),
            before: NO_LAYER,
        };
        assert_eq!(
            choose(UNLIMITED, &[unknown], true),
            vec![2],
            "the top layer until heights are known"
        );
    }

    #[test]
    fn a_small_budget_raises_the_biggest_tile_first_and_never_drops_below_the_lowest() {
        let wants = [camera(Some(200)), camera(Some(400))];
        // 120k: both lowest (120k) and no more.
        assert_eq!(choose(120_000.0, &wants, true), vec![0, 0]);
        // 250k: the bigger tile gets the half layer (210k, with 15% to spare).
        assert_eq!(choose(250_000.0, &wants, true), vec![0, 1]);
        // 360k: both half.
        assert_eq!(choose(360_000.0, &wants, true), vec![1, 1]);
        // 650k: the bigger one full (400k + 150k), the smaller half.
        assert_eq!(choose(650_000.0, &wants, true), vec![1, 2]);
        // Nothing: still the lowest layers; pausing is the downlink's call.
        assert_eq!(choose(0.0, &wants, true), vec![0, 0]);
    }

    #[test]
    fn a_layer_chosen_before_is_kept_while_it_still_fits_and_a_new_one_needs_room_to_spare() {
        let held = |before| VideoWant {
            before,
            ..camera(Some(400))
        };
        // 420k: the full layer (400k) fits, but a raise to it needs 15% to spare.
        assert_eq!(
            choose(420_000.0, &[held(1)], true),
            vec![1],
            "not raised on a near thing"
        );
        assert_eq!(choose(420_000.0, &[held(2)], true), vec![2], "kept while it fits");
        // Below what it costs, it goes, whatever was chosen before.
        assert_eq!(choose(390_000.0, &[held(2)], true), vec![1]);
        // Just after another raise, nothing more is raised, however much room.
        assert_eq!(choose(UNLIMITED, &[held(1), held(0)], false), vec![1, 0]);
    }

    #[test]
    fn a_publisher_sending_one_layer_is_sent_that_one() {
        let single = VideoWant {
            shown: Some(90),
            layers: [
                None,
                None,
                Some(LayerInfo {
                    rate: 500_000,
                    height: 360,
                }),
            ],
            before: NO_LAYER,
        };
        assert_eq!(choose(100_000.0, &[single], true), vec![2]);
    }

    #[test]
    fn loss_cuts_to_what_arrived_and_growth_waits_longer_after_each_failed_rise() {
        let mut estimate = Estimate::default();
        let start = Instant::now();
        for lost in [0.05, 0.12, 0.04, 0.15, 0.0, 0.08, 0.13, 0.03] {
            estimate.report(lost, 1_000_000.0, start);
        }
        assert_eq!(
            estimate.bps(),
            UNLIMITED,
            "random loss, over a tenth now and then, moves nothing"
        );
        estimate.report(0.5, 1_000_000.0, start);
        let cut = estimate.bps();
        assert!((cut - 425_000.0).abs() < 1.0, "{cut}");
        // Held: no growth for the first hold.
        estimate.report(0.0, 400_000.0, start + FIRST_HOLD - Duration::from_secs(1));
        assert_eq!(estimate.bps(), cut);
        estimate.report(0.0, 400_000.0, start + FIRST_HOLD);
        assert!(estimate.bps() > cut);
        // That rise fails within seconds (a fifth lost, four reports in a
        // row): the next hold is twice as long.
        let failed = start + FIRST_HOLD + Duration::from_secs(2);
        for _ in 0..3 {
            estimate.report(0.2, 500_000.0, failed);
        }
        assert!(estimate.bps() > cut, "not after three: {}", estimate.bps());
        estimate.report(0.2, 500_000.0, failed);
        assert!(estimate.bps() < cut, "cut again");
        estimate.report(0.0, 300_000.0, failed + FIRST_HOLD);
        let held = estimate.bps();
        estimate.report(0.0, 300_000.0, failed + FIRST_HOLD * 2 - Duration::from_millis(1));
        assert_eq!(estimate.bps(), held, "still held at twice the first hold");
        estimate.report(0.0, 300_000.0, failed + FIRST_HOLD * 2);
        assert!(estimate.bps() > held);
        // Never below the floor, however bad.
        estimate.report(1.0, 10_000.0, failed + Duration::from_secs(90));
        assert_eq!(estimate.bps(), FLOOR);
    }

    #[test]
    fn a_queue_two_seconds_running_cuts_to_what_arrived_and_holds_growth_while_it_lasts() {
        let mut estimate = Estimate::default();
        let start = Instant::now();
        let second = |n: u64| start + Duration::from_secs(n);
        // Jitter, and a moment's queue (a keyframe's burst): nothing.
        estimate.queue(Some((Duration::from_millis(25), 2_000_000.0)), second(0));
        estimate.queue(Some((QUEUED + Duration::from_millis(40), 2_000_000.0)), second(1));
        estimate.queue(Some((Duration::from_millis(10), 2_000_000.0)), second(2));
        assert_eq!(estimate.bps(), UNLIMITED);
        // Two seconds running: the link carries what arrived.
        estimate.queue(Some((Duration::from_millis(150), 480_000.0)), second(3));
        assert_eq!(estimate.bps(), UNLIMITED);
        estimate.queue(Some((Duration::from_millis(300), 500_000.0)), second(4));
        assert!((estimate.bps() - 425_000.0).abs() < 1.0, "{}", estimate.bps());
        // The queue drains for a while: no second cut from it.
        estimate.queue(Some((Duration::from_millis(250), 300_000.0)), second(5));
        estimate.queue(Some((Duration::from_millis(200), 300_000.0)), second(6));
        assert!((estimate.bps() - 425_000.0).abs() < 1.0, "{}", estimate.bps());
        // After the hold, growth waits for the queue to be clear as well
        // as for loss to be.
        let after_hold = second(4) + FIRST_HOLD;
        estimate.queue(Some((Duration::from_millis(40), 400_000.0)), after_hold);
        estimate.report(0.0, 400_000.0, after_hold);
        assert!((estimate.bps() - 425_000.0).abs() < 1.0, "{}", estimate.bps());
        estimate.queue(
            Some((Duration::from_millis(5), 400_000.0)),
            after_hold + Duration::from_secs(1),
        );
        estimate.report(0.0, 400_000.0, after_hold + Duration::from_secs(1));
        let grown = estimate.bps();
        assert!(grown > 425_000.0, "{grown}");
        // A queue read once, then no more feedback: nothing held up.
        estimate.queue(
            Some((Duration::from_millis(45), 400_000.0)),
            after_hold + Duration::from_secs(2),
        );
        estimate.queue(None, after_hold + Duration::from_secs(3));
        estimate.report(0.0, 500_000.0, after_hold + Duration::from_secs(3));
        assert!(estimate.bps() > grown, "{}", estimate.bps());
    }

    #[test]
    fn growth_stops_at_half_again_what_was_sent() {
        let mut estimate = Estimate::default();
        let start = Instant::now();
        estimate.report(0.5, 800_000.0, start);
        let mut at = start + FIRST_HOLD;
        for _ in 0..60 {
            estimate.report(0.0, 300_000.0, at);
            at += Duration::from_secs(1);
        }
        assert!((estimate.bps() - 600_000.0).abs() < 1.0, "{}", estimate.bps());
    }
}

//! How long the packets sent to a subscriber wait in a queue on their way:
//! the delay half of their downlink estimate (`bandwidth.rs` has the loss
//! half, and decides). Read from transport-wide congestion control
//! feedback: the crate's TWCC sender numbers every packet that leaves, and
//! the browser reports when each arrived.
//!
//! A link too small for what is sent queues it before it drops it (a home
//! router's buffer, a capped mobile plan): each packet's one-way delay
//! grows by the wait. The two clocks differ, so a delay means nothing on
//! its own; its rise above the lowest of the last `BASE_WINDOW` is the
//! queue. While a queue holds, what arrives is what the link carries.
//! Each second the connection's task takes a `QueueReading`: the mean wait
//! of the packets that arrived, and the rate they arrived at.
//!
//! Only a sink for the crate's congestion control interceptor (no pacer
//! reads an estimate from here): the crate keeps the send history and
//! matches the feedback to it; the estimate itself is made in
//! `bandwidth.rs`, with the loss the reception reports give.
//!
//! Bounded: one minimum a second for `BASE_WINDOW`, and running sums.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rtc::interceptor::{BandwidthEstimator, PacketReport};

use super::bandwidth::UNLIMITED;

/// How far back the lowest delay is looked for: long enough to have seen
/// an empty queue, short enough to follow a path that changed.
const BASE_WINDOW: usize = 10;
/// A rise past this is not a queue but a clock that jumped (a browser's
/// feedback starting its count again): the base starts again from it.
const IMPLAUSIBLE: Duration = Duration::from_secs(3);

/// The feedback of one second, for the connection's task.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct QueueReading {
    /// Packets the feedback said arrived.
    pub packets: u32,
    /// Their mean wait in the queue.
    pub queued: Duration,
    /// The rate they arrived at, bits per second (0 with under two).
    pub arrived_bps: f64,
}

/// What the feedback has said since the last reading: written by the
/// connection's interceptor, taken by its task.
#[derive(Debug, Default)]
pub struct DownlinkQueue {
    since_read: Mutex<Sums>,
}

#[derive(Debug, Default)]
struct Sums {
    packets: u32,
    queued_us: u64,
    bytes: u64,
    /// The first and last arrival, on the receiver's clock.
    first: Option<Duration>,
    last: Option<Duration>,
}

impl DownlinkQueue {
    /// What came since the last call, and a fresh start.
    pub fn take(&self) -> QueueReading {
        let Ok(mut sums) = self.since_read.lock() else {
            return QueueReading::default();
        };
        let sums = std::mem::take(&mut *sums);
        let span = match (sums.first, sums.last) {
            (Some(first), Some(last)) => last.saturating_sub(first).as_secs_f64(),
            _ => 0.0,
        };
        QueueReading {
            packets: sums.packets,
            queued: Duration::from_micros(sums.queued_us / u64::from(sums.packets.max(1))),
            arrived_bps: if span > 0.0 {
                sums.bytes as f64 * 8.0 / span
            } else {
                0.0
            },
        }
    }

    fn add(&self, queued_us: u64, bytes: usize, arrival: Duration) {
        if let Ok(mut sums) = self.since_read.lock() {
            sums.packets = sums.packets.saturating_add(1);
            sums.queued_us = sums.queued_us.saturating_add(queued_us);
            sums.bytes = sums.bytes.saturating_add(bytes as u64);
            sums.first = Some(sums.first.map_or(arrival, |first| first.min(arrival)));
            sums.last = Some(sums.last.map_or(arrival, |last| last.max(arrival)));
        }
    }
}

/// The interceptor's estimator: turns each report into a wait, for `queue`.
pub struct QueueWatch {
    queue: Arc<DownlinkQueue>,
    /// Departures are counted from here (the receiver's clock has its own start).
    origin: Option<Instant>,
    /// The lowest one-way delay of each of the last seconds, microseconds
    /// (receiver's clock minus ours: any offset, the same for all).
    lowest: VecDeque<(Instant, i64)>,
}

impl QueueWatch {
    pub fn into(queue: Arc<DownlinkQueue>) -> QueueWatch {
        QueueWatch {
            queue,
            origin: None,
            lowest: VecDeque::with_capacity(BASE_WINDOW + 1),
        }
    }

    /// The queue `delay` implies, after taking it into the base.
    fn queued(&mut self, now: Instant, delay: i64) -> u64 {
        let second_started = self.lowest.back().map(|(at, _)| *at);
        match second_started {
            Some(at) if now.saturating_duration_since(at) < Duration::from_secs(1) => {
                if let Some((_, lowest)) = self.lowest.back_mut() {
                    *lowest = (*lowest).min(delay);
                }
            }
            _ => {
                self.lowest.push_back((now, delay));
                if self.lowest.len() > BASE_WINDOW {
                    self.lowest.pop_front();
                }
            }
        }
        let base = self.lowest.iter().map(|(_, d)| *d).min().unwrap_or(delay);
        let queued = u64::try_from(delay - base).unwrap_or(0);
        if queued > IMPLAUSIBLE.as_micros() as u64 {
            self.lowest.clear();
            self.lowest.push_back((now, delay));
            return 0;
        }
        queued
    }
}

impl BandwidthEstimator for QueueWatch {
    fn on_reports(&mut self, now: Instant, reports: &[PacketReport]) {
        for report in reports {
            let (true, Some(arrival)) = (report.arrived, report.arrival) else {
                continue;
            };
            let origin = *self.origin.get_or_insert(report.departure);
            let departed = report.departure.saturating_duration_since(origin);
            let delay = arrival.as_micros() as i64 - departed.as_micros() as i64;
            let queued = self.queued(now, delay);
            self.queue.add(queued, report.size, arrival);
        }
    }

    /// No pacer reads it: the estimate is `bandwidth.rs`'s.
    fn target_bitrate(&self) -> f64 {
        UNLIMITED
    }
}

#[cfg(test)]
#[path = "downlink_queue_tests.rs"]
mod tests;

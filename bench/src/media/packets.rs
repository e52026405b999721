//! What the synthetic media carries (`peer_room_testkit::synthetic` sends
//! it): each packet stamped with who sent it and when, so a receiver can
//! count losses and time the trip through the server.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use bytes::Bytes;

use super::client::Publishing;
use crate::stats::{Samples, micros_since};

const MAGIC: [u8; 2] = [0xbe, 0x7c];
pub use peer_room_testkit::synthetic::{AUDIO_BYTES, STAMP_AT, VIDEO_BYTES};

/// What every packet carries from `STAMP_AT` on (after the Opus TOC byte, or
/// the VP8 descriptor and header byte the server reads for keyframes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub video: bool,
    /// Sent while the run was measuring.
    pub recorded: bool,
    pub publisher: u32,
    /// Microseconds since the counters' epoch.
    pub sent_us: u64,
}

impl Stamp {
    const LEN: usize = 16;

    pub fn write(&self, payload: &mut [u8]) {
        let out = &mut payload[STAMP_AT..STAMP_AT + Self::LEN];
        out[0..2].copy_from_slice(&MAGIC);
        out[2] = u8::from(self.video);
        out[3] = u8::from(self.recorded);
        out[4..8].copy_from_slice(&self.publisher.to_be_bytes());
        out[8..16].copy_from_slice(&self.sent_us.to_be_bytes());
    }

    pub fn read(payload: &[u8]) -> Option<Stamp> {
        let at = payload.get(STAMP_AT..STAMP_AT + Self::LEN)?;
        if at[0..2] != MAGIC {
            return None;
        }
        Some(Stamp {
            video: at[2] == 1,
            recorded: at[3] == 1,
            publisher: u32::from_be_bytes(at[4..8].try_into().ok()?),
            sent_us: u64::from_be_bytes(at[8..16].try_into().ok()?),
        })
    }
}

/// What all of a run's media clients add to.
pub struct MediaCounters {
    pub epoch: Instant,
    pub recording: AtomicBool,
    /// Packets sent while measuring.
    pub sent: AtomicU64,
    /// Those times the receivers each should reach.
    pub expected: AtomicU64,
    /// Packets sent while measuring that arrived, at any receiver.
    pub received: AtomicU64,
    /// Every packet that arrived, measuring or not: shows progress.
    pub received_any: AtomicU64,
    pub audio_latency: Samples,
    pub video_latency: Samples,
}

impl MediaCounters {
    pub fn new() -> MediaCounters {
        MediaCounters {
            epoch: Instant::now(),
            recording: AtomicBool::new(false),
            sent: AtomicU64::new(0),
            expected: AtomicU64::new(0),
            received: AtomicU64::new(0),
            received_any: AtomicU64::new(0),
            audio_latency: Samples::default(),
            video_latency: Samples::default(),
        }
    }

    pub fn received(&self, stamp: &Stamp, at: Instant) {
        self.received_any.fetch_add(1, Ordering::Relaxed);
        if !stamp.recorded {
            return;
        }
        self.received.fetch_add(1, Ordering::Relaxed);
        let now_us = u64::try_from(at.duration_since(self.epoch).as_micros()).unwrap_or(u64::MAX);
        let trip = now_us.saturating_sub(stamp.sent_us);
        if stamp.video {
            self.video_latency.record(trip);
        } else {
            self.audio_latency.record(trip);
        }
    }

    /// Notes a packet about to be sent; returns its stamp.
    pub fn sending(&self, publishing: &Publishing, video: bool) -> Stamp {
        let recorded = self.recording.load(Ordering::Relaxed);
        if recorded {
            self.sent.fetch_add(1, Ordering::Relaxed);
            self.expected.fetch_add(publishing.receivers, Ordering::Relaxed);
        }
        Stamp {
            video,
            recorded,
            publisher: publishing.publisher,
            sent_us: micros_since(self.epoch),
        }
    }
}

impl Default for MediaCounters {
    fn default() -> Self {
        MediaCounters::new()
    }
}

/// A payload of `len` bytes starting with `first` and carrying `stamp`.
pub fn payload(first: u8, len: usize, stamp: &Stamp) -> Bytes {
    let mut bytes = vec![0xaa_u8; len];
    bytes[0] = first;
    stamp.write(&mut bytes);
    Bytes::from(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_survives_the_payload() {
        let stamp = Stamp {
            video: true,
            recorded: true,
            publisher: 7,
            sent_us: 123_456_789,
        };
        let bytes = payload(0x10, VIDEO_BYTES, &stamp);
        assert_eq!(bytes[0], 0x10);
        assert_eq!(Stamp::read(&bytes), Some(stamp));
        assert_eq!(Stamp::read(&[0xfc; 60]), None);
    }
}

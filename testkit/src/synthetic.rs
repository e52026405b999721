//! Synthetic media, as a browser's microphone and camera send it: Opus every
//! 20 ms with its RFC 6464 audio level, and VP8 every 10 ms (three packets a
//! frame at about 33 frames a second). As a browser's encoder does, the video
//! is a keyframe first and then only when someone asks for one (a PLI or FIR
//! from the server); the server starts each subscriber's video at a
//! keyframe, so a server that never asked would never be seen. Payloads are
//! filler behind the bytes the server reads (an Opus TOC byte; a VP8 payload
//! descriptor and header); `stamp` may write into each from `STAMP_AT` on, to
//! tell receivers who sent it and when.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::Bytes;
use rtc::rtcp::payload_feedbacks::full_intra_request::FullIntraRequest;
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtp;
use rtc::rtp::extension::HeaderExtension;
use rtc::rtp::extension::audio_level_extension::AudioLevelExtension;
use webrtc::media_stream::Track;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_local::{TrackLocal, TrackLocalEvent};

pub const AUDIO_BYTES: usize = 60;
pub const VIDEO_BYTES: usize = 900;
/// Where a stamp may start: after the Opus TOC byte, or the VP8 payload
/// descriptor and the first byte of the VP8 header (its key-frame bit).
pub const STAMP_AT: usize = 2;

/// Aborts the keyframe listener when the sender stops.
struct Listening(tokio::task::JoinHandle<()>);

impl Drop for Listening {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Sends until the task is aborted. `level` is RFC 6464's: 0 loudest, 127
/// silence. `stamp(video, payload)` may write into each payload after its
/// first byte.
pub async fn send(
    audio: Arc<TrackLocalStaticRTP>,
    video: Arc<TrackLocalStaticRTP>,
    level: u8,
    mut stamp: impl FnMut(bool, &mut [u8]),
) {
    let video_ssrc = video.ssrcs().await[0];
    let mut microphone = Microphone::of(&audio).await;
    let mut video_seq = rand::random::<u16>();
    let mut video_ts = rand::random::<u32>();
    // The first frame is a keyframe; after that, one per request.
    let keyframe_wanted = Arc::new(AtomicBool::new(true));
    let _listening = Listening(tokio::spawn(listen_for_keyframe_requests(
        Arc::clone(&video),
        Arc::clone(&keyframe_wanted),
    )));
    let mut keyframe = false;
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    // A late tick is sent late, never twice: a stalled sender must not burst.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    for n in 0u64.. {
        tick.tick().await;
        let index = n % 3;
        if index == 0 {
            if n > 0 {
                video_ts = video_ts.wrapping_add(3_000);
            }
            keyframe = keyframe_wanted.swap(false, Ordering::AcqRel);
        }
        let packet = rtp::Packet {
            header: rtp::header::Header {
                version: 2,
                marker: index == 2,
                payload_type: 96,
                sequence_number: video_seq,
                timestamp: video_ts,
                ssrc: video_ssrc,
                ..Default::default()
            },
            // The first packet of a frame says so (S bit), and its VP8 header
            // whether it is a keyframe (P bit clear), as VP8 does.
            payload: payload(vp8_start(index == 0, keyframe), VIDEO_BYTES, true, &mut stamp),
        };
        video_seq = video_seq.wrapping_add(1);
        let _ = video.write_rtp(packet).await;
        if n % 2 == 0 {
            microphone.send(&audio, level, &mut stamp).await;
        }
    }
}

/// A microphone's stream: Opus every 20 ms, each packet with its RFC 6464
/// level. Its caller keeps the 20 ms.
pub(crate) struct Microphone {
    ssrc: u32,
    seq: u16,
    timestamp: u32,
}

impl Microphone {
    pub(crate) async fn of(audio: &TrackLocalStaticRTP) -> Microphone {
        Microphone {
            ssrc: audio.ssrcs().await[0],
            seq: rand::random(),
            timestamp: rand::random(),
        }
    }

    /// Sends the next 20 ms of sound at `level`.
    pub(crate) async fn send(
        &mut self,
        audio: &TrackLocalStaticRTP,
        level: u8,
        stamp: &mut impl FnMut(bool, &mut [u8]),
    ) {
        let packet = rtp::Packet {
            header: rtp::header::Header {
                version: 2,
                payload_type: 111,
                sequence_number: self.seq,
                timestamp: self.timestamp,
                ssrc: self.ssrc,
                ..Default::default()
            },
            payload: payload([0xfc, 0xaa], AUDIO_BYTES, false, stamp),
        };
        self.seq = self.seq.wrapping_add(1);
        self.timestamp = self.timestamp.wrapping_add(960);
        let level = HeaderExtension::AudioLevel(AudioLevelExtension {
            level,
            voice: level < 127,
        });
        let _ = audio.write_rtp_with_extensions(packet, &[level]).await;
    }
}

/// The descriptor and first header byte of a VP8 packet: a frame's first
/// packet has S set, and its header says key frame (P clear) or not.
fn vp8_start(frame_start: bool, keyframe: bool) -> [u8; 2] {
    match (frame_start, keyframe) {
        (true, true) => [0x10, 0x00],
        (true, false) => [0x10, 0x01],
        (false, _) => [0x00, 0xaa],
    }
}

fn payload(first: [u8; 2], len: usize, video: bool, stamp: &mut impl FnMut(bool, &mut [u8])) -> Bytes {
    let mut bytes = vec![0xaa_u8; len];
    bytes[..STAMP_AT].copy_from_slice(&first);
    stamp(video, &mut bytes);
    Bytes::from(bytes)
}

/// Sets `wanted` whenever the server asks this camera for a keyframe.
async fn listen_for_keyframe_requests(video: Arc<TrackLocalStaticRTP>, wanted: Arc<AtomicBool>) {
    while let Some(event) = video.poll().await {
        if let TrackLocalEvent::OnRtcpPacket(packets) = event
            && packets
                .iter()
                .any(|p| p.as_any().is::<PictureLossIndication>() || p.as_any().is::<FullIntraRequest>())
        {
            wanted.store(true, Ordering::Release);
        }
    }
}

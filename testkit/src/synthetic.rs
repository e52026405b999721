//! Synthetic media, as a browser's microphone and camera send it: Opus every
//! 20 ms with its RFC 6464 audio level, and VP8 every 10 ms (three packets a
//! frame at about 33 frames a second). The server forwards payloads without
//! looking into them, so they are filler behind a first byte that looks
//! right (an Opus TOC byte, a VP8 payload descriptor); `stamp` may write
//! into each before it goes, to tell receivers who sent it and when.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use rtc::rtp;
use rtc::rtp::extension::HeaderExtension;
use rtc::rtp::extension::audio_level_extension::AudioLevelExtension;
use webrtc::media_stream::Track;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;

pub const AUDIO_BYTES: usize = 60;
pub const VIDEO_BYTES: usize = 900;

/// Sends until the task is aborted. `level` is RFC 6464's: 0 loudest, 127
/// silence. `stamp(video, payload)` may write into each payload after its
/// first byte.
pub async fn send(
    audio: Arc<TrackLocalStaticRTP>,
    video: Arc<TrackLocalStaticRTP>,
    level: u8,
    mut stamp: impl FnMut(bool, &mut [u8]),
) {
    let (audio_ssrc, video_ssrc) = (audio.ssrcs().await[0], video.ssrcs().await[0]);
    let (mut audio_seq, mut video_seq) = (rand::random::<u16>(), rand::random::<u16>());
    let (mut audio_ts, mut video_ts) = (rand::random::<u32>(), rand::random::<u32>());
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    // A late tick is sent late, never twice: a stalled sender must not burst.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    for n in 0u64.. {
        tick.tick().await;
        let index = n % 3;
        if index == 0 && n > 0 {
            video_ts = video_ts.wrapping_add(3_000);
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
            // The first packet of a frame says so (S bit), as VP8 does.
            payload: payload(if index == 0 { 0x10 } else { 0x00 }, VIDEO_BYTES, true, &mut stamp),
        };
        video_seq = video_seq.wrapping_add(1);
        let _ = video.write_rtp(packet).await;
        if n % 2 == 0 {
            let packet = rtp::Packet {
                header: rtp::header::Header {
                    version: 2,
                    payload_type: 111,
                    sequence_number: audio_seq,
                    timestamp: audio_ts,
                    ssrc: audio_ssrc,
                    ..Default::default()
                },
                payload: payload(0xfc, AUDIO_BYTES, false, &mut stamp),
            };
            audio_seq = audio_seq.wrapping_add(1);
            audio_ts = audio_ts.wrapping_add(960);
            let level = HeaderExtension::AudioLevel(AudioLevelExtension {
                level,
                voice: level < 127,
            });
            let _ = audio.write_rtp_with_extensions(packet, &[level]).await;
        }
    }
}

fn payload(first: u8, len: usize, video: bool, stamp: &mut impl FnMut(bool, &mut [u8])) -> Bytes {
    let mut bytes = vec![0xaa_u8; len];
    bytes[0] = first;
    stamp(video, &mut bytes);
    Bytes::from(bytes)
}

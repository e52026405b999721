//! A camera sent in three simulcast layers, as a browser with simulcast on
//! sends it: rid `q` (a quarter of the size), `h` (half) and `f` (full), one
//! track whose layers are told apart by SSRC.
//!
//! How the `webrtc` crate (0.21.1) sends it, as checked in its sources: a
//! track whose `MediaStreamTrack` has one encoding per layer, each with a
//! rid and an SSRC, is kept whole by `add_transceiver_from_track` (more
//! than one encoding, all with rids, is simulcast), and its offer has
//! `a=rid:q send`, ... and `a=simulcast:send q;h;f` (`add_sender_sdp`), no
//! SSRC lines, as a browser's. What the crate does not do is mark the
//! packets: it adds no header extension itself, yet a receiver only learns
//! which layer an unannounced SSRC is from the mid and rid extensions
//! (RFC 8852). So every packet carries both, set through
//! `write_rtp_with_extensions`, which puts them under the ids the server
//! agreed to.
//!
//! Each layer's keyframes start with a real VP8 keyframe header of its own
//! height (90, 180, 360); every packet carries its layer's rid at
//! `LAYER_MARK_AT`, so a subscriber can tell which layer it is sent from
//! any packet, and, as Chromium's do, a 15-bit picture id and a TL0PICIDX
//! that each layer numbers on its own from a random start. Keyframes come first, when a PLI or FIR names the layer's
//! SSRC, and every few seconds, as a browser's encoder sends them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use peer_room::media::engine::vp8;
use rtc::media_stream::MediaStreamTrack;
use rtc::rtcp::payload_feedbacks::full_intra_request::FullIntraRequest;
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtp;
use rtc::rtp::extension::HeaderExtension;
use rtc::rtp_transceiver::rtp_sender::{RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind};
use rtc::sdp::extmap::{SDES_MID_URI, SDES_RTP_STREAM_ID_URI};
use rtc::shared::marshal::{Marshal, MarshalSize};
use webrtc::media_stream::Track;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_local::{TrackLocal, TrackLocalEvent};

use crate::synthetic::Microphone;

/// The layers, smallest first, by rid and picture height.
pub const RIDS: [&str; 3] = ["q", "h", "f"];
pub const HEIGHTS: [u16; 3] = [90, 180, 360];
/// Bigger pictures, bigger packets: each layer's rate differs as a real
/// encoder's would.
const PACKET_BYTES: [usize; 3] = [250, 500, 1_000];
/// Where each packet says its layer: after the payload descriptor and the
/// ten bytes of a keyframe's header.
pub const LAYER_MARK_AT: usize = 15;
/// The payload descriptor: X, S (a frame's first packet), then I and L,
/// the picture id (two bytes) and TL0PICIDX; the VP8 payload follows.
const DESCRIPTOR: usize = 5;
/// A browser's encoder sends a keyframe now and then unasked.
const KEYFRAME_EVERY: Duration = Duration::from_secs(4);

/// A camera track with three encodings: rids `q`, `h`, `f`, each its own SSRC.
pub fn camera() -> Arc<TrackLocalStaticRTP> {
    let encodings = RIDS
        .iter()
        .map(|rid| RTCRtpEncodingParameters {
            rtp_coding_parameters: RTCRtpCodingParameters {
                rid: (*rid).to_owned(),
                ssrc: Some(rand::random::<u32>() | 1),
                ..Default::default()
            },
            codec: vp8(),
            ..Default::default()
        })
        .collect();
    Arc::new(TrackLocalStaticRTP::new(MediaStreamTrack::new(
        "me".to_owned(),
        "camera".to_owned(),
        "camera".to_owned(),
        RtpCodecKind::Video,
        encodings,
    )))
}

/// The layer a packet of this camera belongs to, from its mark.
pub fn layer_of(payload: &[u8]) -> Option<usize> {
    let mark = *payload.get(LAYER_MARK_AT)?;
    RIDS.iter().position(|rid| rid.as_bytes()[0] == mark)
}

/// The height a keyframe's first packet of this camera announces. Only
/// this camera's layout is read: the test reads what the publisher wrote,
/// not what the server parses.
pub fn keyframe_height(payload: &[u8]) -> Option<u16> {
    let header = payload.get(DESCRIPTOR..DESCRIPTOR + 10)?;
    let starts_keyframe = payload[0] & 0x10 != 0 && header[0] & 0x01 == 0;
    (starts_keyframe && header[3..6] == [0x9d, 0x01, 0x2a]).then(|| u16::from_le_bytes([header[8], header[9]]) & 0x3fff)
}

/// A packet's picture id and TL0PICIDX, as this camera writes them.
pub fn frame_ids(payload: &[u8]) -> Option<(u16, u8)> {
    if payload.first()? & 0x80 == 0 || payload.get(1)? & 0xc0 != 0xc0 {
        return None;
    }
    let ids = payload.get(2..DESCRIPTOR)?;
    Some((u16::from_be_bytes([ids[0] & 0x7f, ids[1]]), ids[2]))
}

/// One layer's stream.
struct Layer {
    ssrc: u32,
    picture_id: u16,
    tl0: u8,
    seq: u16,
    timestamp: u32,
    keyframe_wanted: Arc<AtomicBool>,
    keyframe: bool,
    last_keyframe: Instant,
    /// A keyframe's packet held back, sent at the next frame's start.
    late: Option<rtp::Packet>,
}

impl Layer {
    /// The RTP header of its packet numbered `seq`, in its current frame.
    fn header(&self, seq: u16, marker: bool) -> rtp::header::Header {
        rtp::header::Header {
            version: 2,
            marker,
            payload_type: 96,
            sequence_number: seq,
            timestamp: self.timestamp,
            ssrc: self.ssrc,
            ..Default::default()
        }
    }
}

/// The layers' packets carry the mid and rid for the first second.
const NAMED_FOR_TICKS: u64 = 100;

/// In what order a keyframe's packets leave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyframeOrder {
    /// As numbered, one every 10 ms, as every other frame's.
    InOrder,
    /// All three at once, the first last: as a server sees a keyframe whose
    /// first packet was lost on the way and repaired, or reordered.
    FirstPacketLast,
    /// The first and last at once, the middle one a frame later: as a
    /// server sees a keyframe one of whose packets was lost and repaired.
    MiddlePacketLate,
}

/// Turns the top layer off and on, as Chromium does when its uplink
/// estimate falls below what the layer needs: while off, the layer sends
/// no frames but one packet of padding per frame (Chromium probes its
/// uplink on whichever layer it likes, a stopped one included); back on,
/// it starts with a keyframe.
#[derive(Clone, Debug, Default)]
pub struct TopLayer(Arc<AtomicBool>);

impl TopLayer {
    pub fn stop(&self) {
        self.0.store(true, Ordering::Release);
    }

    pub fn resume(&self) {
        self.0.store(false, Ordering::Release);
    }

    fn stopped(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// Sends the microphone and the camera's three layers until the task is
/// aborted: each layer a frame of three packets every 30 ms; audio every
/// 20 ms at `level` (RFC 6464). `mid` is the camera section's.
pub async fn send(
    audio: Arc<TrackLocalStaticRTP>,
    camera: Arc<TrackLocalStaticRTP>,
    mid: String,
    level: u8,
    order: KeyframeOrder,
    top: TopLayer,
) {
    let ssrcs = camera.ssrcs().await;
    let mut microphone = Microphone::of(&audio).await;
    let mut layers: Vec<Layer> = ssrcs
        .iter()
        .map(|&ssrc| Layer {
            ssrc,
            picture_id: rand::random::<u16>() & 0x7fff,
            tl0: rand::random(),
            seq: rand::random(),
            timestamp: rand::random(),
            // The first frame of each is a keyframe.
            keyframe_wanted: Arc::new(AtomicBool::new(true)),
            keyframe: false,
            last_keyframe: Instant::now(),
            late: None,
        })
        .collect();
    let wanted: Vec<(u32, Arc<AtomicBool>)> = layers
        .iter()
        .map(|l| (l.ssrc, Arc::clone(&l.keyframe_wanted)))
        .collect();
    let _listening = Listening(tokio::spawn(listen_for_keyframe_requests(Arc::clone(&camera), wanted)));
    let mid = Bytes::from(mid);
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    // A late tick is sent late, never twice: a stalled sender must not burst.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    for n in 0u64.. {
        tick.tick().await;
        let index = n % 3;
        for (at, layer) in layers.iter_mut().enumerate() {
            if index == 0 {
                if n > 0 {
                    layer.timestamp = layer.timestamp.wrapping_add(2_700);
                    layer.picture_id = layer.picture_id.wrapping_add(1) & 0x7fff;
                    layer.tl0 = layer.tl0.wrapping_add(1);
                }
                let due = layer.last_keyframe.elapsed() >= KEYFRAME_EVERY;
                layer.keyframe = layer.keyframe_wanted.swap(false, Ordering::AcqRel) || due;
                if layer.keyframe {
                    layer.last_keyframe = Instant::now();
                }
            }
            if at == RIDS.len() - 1 && top.stopped() {
                if index == 0 {
                    let padding = rtp::Packet {
                        header: rtp::header::Header {
                            padding: true,
                            ..layer.header(layer.seq, false)
                        },
                        payload: Bytes::new(),
                    };
                    let _ = camera.write_rtp(padding).await;
                    layer.seq = layer.seq.wrapping_add(1);
                    // Its first frame back is a keyframe.
                    layer.keyframe_wanted.store(true, Ordering::Release);
                }
                continue;
            }
            let reordered = layer.keyframe && order != KeyframeOrder::InOrder;
            let indexes = match (reordered, index) {
                (false, _) => vec![index],
                // The whole frame at its first tick, numbered as in order.
                (true, 0) if order == KeyframeOrder::FirstPacketLast => vec![1, 2, 0],
                (true, 0) => vec![0, 1, 2],
                (true, _) => continue,
            };
            if index == 0
                && let Some(late) = layer.late.take()
            {
                let _ = camera.write_rtp(late).await;
            }
            for frame_index in indexes {
                let seq = layer.seq.wrapping_add(frame_index as u16).wrapping_sub(index as u16);
                let packet = rtp::Packet {
                    header: layer.header(seq, frame_index == 2),
                    payload: vp8_payload(at, frame_index == 0, layer.keyframe, (layer.picture_id, layer.tl0)),
                };
                if reordered && order == KeyframeOrder::MiddlePacketLate && frame_index == 1 {
                    layer.late = Some(packet);
                    continue;
                }
                // Only at first, as a browser names them only until the first
                // reception report: the server must keep knowing each layer by
                // its SSRC alone, across its later offers.
                if n < NAMED_FOR_TICKS {
                    let marks = [
                        sdes(SDES_MID_URI, mid.clone()),
                        sdes(SDES_RTP_STREAM_ID_URI, Bytes::from_static(RIDS[at].as_bytes())),
                    ];
                    let _ = camera.write_rtp_with_extensions(packet, &marks).await;
                } else {
                    let _ = camera.write_rtp(packet).await;
                }
            }
            layer.seq = layer.seq.wrapping_add(if reordered { 3 } else { 1 });
        }
        if n % 2 == 0 {
            microphone.send(&audio, level, &mut |_, _| {}).await;
        }
    }
}

/// A packet of `layer`: a frame's first packet has S set and a VP8 header
/// (a keyframe's in full: frame tag, start code, width and height); the
/// others continue it. Each has the frame's ids and its layer's mark.
fn vp8_payload(layer: usize, frame_start: bool, keyframe: bool, (picture_id, tl0): (u16, u8)) -> Bytes {
    let mut bytes = vec![0xaa_u8; PACKET_BYTES[layer]];
    let [high, low] = picture_id.to_be_bytes();
    let start = if frame_start { 0x10 } else { 0x00 };
    bytes[..DESCRIPTOR].copy_from_slice(&[0x80 | start, 0xc0, 0x80 | high, low, tl0]);
    let header = &mut bytes[DESCRIPTOR..];
    match (frame_start, keyframe) {
        (true, true) => {
            let (width, height) = (HEIGHTS[layer] * 16 / 9, HEIGHTS[layer]);
            // Frame tag: key frame, shown; start code; width and height.
            header[..6].copy_from_slice(&[0x10, 0x00, 0x00, 0x9d, 0x01, 0x2a]);
            header[6..8].copy_from_slice(&width.to_le_bytes());
            header[8..10].copy_from_slice(&height.to_le_bytes());
        }
        // P set: an interframe.
        (true, false) => header[0] = 0x01,
        (false, _) => {}
    }
    bytes[LAYER_MARK_AT] = RIDS[layer].as_bytes()[0];
    Bytes::from(bytes)
}

fn sdes(uri: &'static str, text: Bytes) -> HeaderExtension {
    HeaderExtension::Custom {
        uri: uri.into(),
        extension: Box::new(SdesItem(text)),
    }
}

/// An RFC 8852 SDES item as a header extension's value: the mid or rid text.
struct SdesItem(Bytes);

impl MarshalSize for SdesItem {
    fn marshal_size(&self) -> usize {
        self.0.len()
    }
}

impl Marshal for SdesItem {
    fn marshal_to(&self, buf: &mut [u8]) -> rtc::shared::error::Result<usize> {
        let to = buf
            .get_mut(..self.0.len())
            .ok_or(rtc::shared::error::Error::ErrBufferTooSmall)?;
        to.copy_from_slice(&self.0);
        Ok(self.0.len())
    }
}

/// Aborts the keyframe listener when the sender stops.
struct Listening(tokio::task::JoinHandle<()>);

impl Drop for Listening {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Sets a layer's flag whenever the server asks that layer's SSRC for a
/// keyframe (a PLI for it, or a FIR entry naming it).
async fn listen_for_keyframe_requests(camera: Arc<TrackLocalStaticRTP>, wanted: Vec<(u32, Arc<AtomicBool>)>) {
    while let Some(event) = camera.poll().await {
        let TrackLocalEvent::OnRtcpPacket(packets) = event else {
            continue;
        };
        for packet in &packets {
            let any = packet.as_any();
            let asked: Vec<u32> = if let Some(pli) = any.downcast_ref::<PictureLossIndication>() {
                vec![pli.media_ssrc]
            } else if let Some(fir) = any.downcast_ref::<FullIntraRequest>() {
                fir.fir.iter().map(|entry| entry.ssrc).collect()
            } else {
                continue;
            };
            for (ssrc, flag) in &wanted {
                if asked.contains(ssrc) {
                    flag.store(true, Ordering::Release);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_layer_says_which_it_is_and_its_keyframes_how_tall() {
        for (layer, height) in HEIGHTS.into_iter().enumerate() {
            let keyframe = vp8_payload(layer, true, true, (0x1234, 9));
            assert_eq!(frame_ids(&keyframe), Some((0x1234, 9)));
            assert_eq!(layer_of(&keyframe), Some(layer));
            assert_eq!(keyframe_height(&keyframe), Some(height));
            for (start, key) in [(true, false), (false, true), (false, false)] {
                let packet = vp8_payload(layer, start, key, (7, 8));
                assert_eq!(layer_of(&packet), Some(layer));
                assert_eq!(keyframe_height(&packet), None);
            }
        }
    }

    /// What the crate offers for this camera: the check that it does send
    /// simulcast from a client, as a browser offers it.
    #[tokio::test]
    async fn the_offer_has_three_send_rids_and_the_mid_and_rid_extensions() {
        let (outgoing, mut sent) = tokio::sync::mpsc::unbounded_channel();
        let on_packet: crate::media_peer::OnPacket = Arc::new(|_, _, _| {});
        let (peer, _) = crate::media_peer::MediaPeer::offer_with_camera(outgoing, on_packet, true, false, camera())
            .await
            .unwrap();
        let offer = sent.recv().await.unwrap();
        let sdp = offer["sdp"].as_str().unwrap();
        let video = sdp.split("m=video").nth(1).expect("a video section");
        for line in [
            "a=rid:q send",
            "a=rid:h send",
            "a=rid:f send",
            "a=simulcast:send q;h;f",
            SDES_MID_URI,
            SDES_RTP_STREAM_ID_URI,
        ] {
            assert!(video.contains(line), "{line} missing from {video}");
        }
        assert_eq!(peer.camera_mid().await.as_deref(), Some("1"), "after the microphone's");
        let _ = peer.pc.close().await;
    }

    #[test]
    fn the_mid_and_rid_are_written_as_they_are() {
        let item = SdesItem(Bytes::from_static(b"1"));
        assert_eq!(&item.marshal().unwrap()[..], b"1");
        assert!(item.marshal_to(&mut []).is_err());
    }
}

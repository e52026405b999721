//! The tracks a connection sends its client. Each is a transceiver of its own
//! (a "slot") that lives as long as the connection: when the person it
//! carried leaves, it goes inactive, and once the client has seen that, the
//! next arrival of the same kind takes it over. The number of m-lines stays
//! at what the room holds at its fullest, however many come and go, so a
//! long session never needs a new connection.
//!
//! A slot keeps its SSRC and its track id for life: the library binds its
//! retransmission cache and sender reports to the SSRC, and routes the
//! client's keyframe requests by the track id. Only the stream id (whose
//! tile it is) changes, and `timeline.rs` keeps the numbering continuous.

use std::sync::{Arc, Mutex, Weak};

use rtc::media_stream::MediaStreamTrack;
use rtc::rtcp::payload_feedbacks::full_intra_request::FullIntraRequest;
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodingParameters, RTCRtpEncodingParameters, RTCRtpRtxParameters, RtpCodecKind,
};
use tokio::task::JoinHandle;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_local::{TrackLocal, TrackLocalEvent};
use webrtc::peer_connection::PeerConnection;
use webrtc::rtp_transceiver::{RTCRtpTransceiverDirection, RTCRtpTransceiverInit, RtpSender, RtpTransceiver};

use super::engine;
use super::keyframe_pacing::request_keyframe;
use super::session::{Kind, Publication, lock};
use super::timeline::Timeline;

/// One sending transceiver and what it carries now.
pub struct Slot {
    pub kind: Kind,
    transceiver: Arc<dyn RtpTransceiver>,
    pub sender: Arc<dyn RtpSender>,
    /// Bound to the sender when the slot was made: every packet for the
    /// slot goes through it, whoever's it is.
    pub track: Arc<TrackLocalStaticRTP>,
    pub ssrc: u32,
    track_id: String,
    pub timeline: Arc<Mutex<Timeline>>,
    /// Whose packets the slot carries, for the client's keyframe requests.
    feeding: Arc<Mutex<Weak<Publication>>>,
    relay: JoinHandle<()>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.relay.abort();
    }
}

/// A connection's slots that carry no one.
#[derive(Default)]
pub struct Slots {
    made: usize,
    /// Inactive, and the client has answered an offer that says so.
    free: Vec<Slot>,
    /// Made inactive since the last offer.
    retiring: Vec<Slot>,
    /// Made inactive in the offer waiting for its answer.
    retiring_offered: Vec<Slot>,
}

impl Slots {
    /// A slot for `publication`: a free one of its kind, or a new one.
    pub async fn take(
        &mut self,
        pc: &dyn PeerConnection,
        publication: &Arc<Publication>,
    ) -> Result<Slot, webrtc::error::Error> {
        // The stream id says whose track it is: `p3` is participant 3's
        // microphone and camera, `s3` their shared screen.
        let prefix = if publication.kind == Kind::Screen { 's' } else { 'p' };
        let stream = format!("{prefix}{}", publication.publisher.0);
        let reusable = self.free.iter().position(|slot| slot.kind == publication.kind);
        let slot = match reusable {
            Some(index) => {
                let slot = self.free.swap_remove(index);
                let track = stream_track(publication.kind, &stream, &slot.track_id, slot.ssrc);
                // Sending again first: the library reaches an inactive
                // transceiver's sender only once it sends.
                slot.transceiver
                    .set_direction(RTCRtpTransceiverDirection::Sendonly)
                    .await?;
                slot.sender
                    .replace_track(Arc::new(TrackLocalStaticRTP::new(track)))
                    .await?;
                slot
            }
            None => self.make(pc, publication.kind, &stream).await?,
        };
        *lock(&slot.feeding) = Arc::downgrade(publication);
        Ok(slot)
    }

    async fn make(&mut self, pc: &dyn PeerConnection, kind: Kind, stream: &str) -> Result<Slot, webrtc::error::Error> {
        self.made += 1;
        let ssrc = rand::random::<u32>() | 1;
        let track_id = format!("{}-{}", kind.name(), self.made);
        let track = Arc::new(TrackLocalStaticRTP::new(stream_track(kind, stream, &track_id, ssrc)));
        // A transceiver of its own: `add_track` would reuse the client's
        // publishing transceiver and turn it two-way.
        let init = RTCRtpTransceiverInit {
            direction: RTCRtpTransceiverDirection::Sendonly,
            streams: vec![],
            send_encodings: vec![],
        };
        let transceiver = pc.add_transceiver_from_track(track.clone(), Some(init)).await?;
        let sender = transceiver
            .sender()
            .await?
            .ok_or(webrtc::error::Error::ErrRTPSenderNotExisted)?;
        let feeding = Arc::new(Mutex::new(Weak::new()));
        let relay = tokio::spawn(relay_keyframe_requests(Arc::clone(&track), Arc::clone(&feeding)));
        Ok(Slot {
            kind,
            transceiver,
            sender,
            track,
            ssrc,
            track_id,
            timeline: Arc::default(),
            feeding,
            relay,
        })
    }

    /// The person a slot carried left: the next offer makes it inactive.
    pub async fn retire(&mut self, slot: Slot) -> Result<(), webrtc::error::Error> {
        *lock(&slot.feeding) = Weak::new();
        let inactive = slot
            .transceiver
            .set_direction(RTCRtpTransceiverDirection::Inactive)
            .await;
        // Kept even if that failed: dropping it would not take its m-line away.
        self.retiring.push(slot);
        inactive
    }

    /// Whether a slot of `kind` is free now, or will be once an offer that
    /// makes it inactive is answered: a new track of that kind waits for it
    /// rather than growing the connection by an m-line. It waits no longer
    /// than it would anyway, as a connection has one offer out at a time.
    pub fn must_wait_for(&self, kind: Kind) -> bool {
        let free = self.free.iter().any(|slot| slot.kind == kind);
        let freeing = self
            .retiring
            .iter()
            .chain(&self.retiring_offered)
            .any(|slot| slot.kind == kind);
        !free && freeing
    }

    /// An offer went out: the slots retired so far are in it.
    pub fn offered(&mut self) {
        self.retiring_offered.append(&mut self.retiring);
    }

    /// The client answered: it has seen those slots go inactive, so a new
    /// track in one of them shows as a new track, not a renamed one.
    pub fn answered(&mut self) {
        self.free.append(&mut self.retiring_offered);
    }
}

fn stream_track(kind: Kind, stream: &str, track_id: &str, ssrc: u32) -> MediaStreamTrack {
    let (codec, codec_kind) = match kind {
        Kind::Audio => (engine::opus(), RtpCodecKind::Audio),
        Kind::Video | Kind::Screen => (engine::vp8(), RtpCodecKind::Video),
    };
    // Video's retransmissions go on an SSRC of their own (RTX), also for
    // the slot's life. Slots' SSRCs are odd, so one more is no other's.
    let rtx = kind.is_video().then(|| RTCRtpRtxParameters {
        ssrc: ssrc.wrapping_add(1),
    });
    // The stream id names the publisher: it is how a client knows whose tile
    // a track belongs to.
    MediaStreamTrack::new(
        stream.to_owned(),
        track_id.to_owned(),
        track_id.to_owned(),
        codec_kind,
        vec![RTCRtpEncodingParameters {
            rtp_coding_parameters: RTCRtpCodingParameters {
                ssrc: Some(ssrc),
                rtx,
                ..Default::default()
            },
            codec,
            ..Default::default()
        }],
    )
}

/// Relays the client's keyframe requests about this slot to whoever feeds it.
async fn relay_keyframe_requests(track: Arc<TrackLocalStaticRTP>, feeding: Arc<Mutex<Weak<Publication>>>) {
    while let Some(event) = track.poll().await {
        if let TrackLocalEvent::OnRtcpPacket(packets) = event
            && packets
                .iter()
                .any(|p| p.as_any().is::<PictureLossIndication>() || p.as_any().is::<FullIntraRequest>())
            && let Some(publication) = lock(&feeding).upgrade()
        {
            request_keyframe(&publication);
        }
    }
}

//! The tracks a connection carries: the ones its person publishes, and the
//! others' it is sent, each in a reused slot (`slots.rs`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU16, AtomicU32, AtomicU64, Ordering};

use rtc::rtp_transceiver::rtp_sender::{RTCRtpCodecParameters, RTCRtpParameters, RtpCodecKind};
use tracing::debug;
use webrtc::media_stream::track_remote::TrackRemote;

use crate::media::engine::{AUDIO_LEVEL_URI, MIME_TYPE_RED, MIME_TYPE_RTX};
use crate::media::keyframe_pacing::request_keyframe;
use crate::media::layers::{NO_LAYER, TOP, layer_for_rid};
use crate::media::session::{Kind, Publication, Source, Target, write};
use crate::media::slots::Slot;
use crate::room::ParticipantId;

use super::{Peer, SignalError};

/// A track this connection sends, in the slot that carries it.
pub(super) struct Subscription {
    pub target: Arc<Target>,
    pub slot: Slot,
}

/// Tells subscriptions apart across every room, for the slots' timelines.
static NEXT_TARGET: AtomicU64 = AtomicU64::new(1);

impl Peer {
    pub(super) async fn on_remote_track(&mut self, track: Arc<dyn TrackRemote>) -> Result<(), SignalError> {
        let ssrcs = track.ssrcs().await;
        let track_id = track.track_id().await;
        // The numbers the publisher uses (for the audio level, its codecs)
        // live in the receiver; which section it came in says whether it is
        // the camera or the screen.
        let mut negotiated = Negotiated::default();
        let mut mid = None;
        for transceiver in self.pc.get_transceivers().await {
            let Ok(Some(receiver)) = transceiver.receiver().await else {
                continue;
            };
            if receiver.track().track_id().await == track_id {
                if let Ok(params) = receiver.get_parameters().await {
                    negotiated = Negotiated::from(&params.rtp_parameters);
                }
                mid = transceiver.mid().await.ok().flatten();
            }
        }
        let kind = if track.kind().await == RtpCodecKind::Audio {
            Kind::Audio
        } else if mid.is_some() && mid == self.screen_mid {
            Kind::Screen
        } else {
            Kind::Video
        };
        debug!(participant = %self.me, kind = kind.name(), "publishes a track");
        // The layers known so far; a simulcast layer that starts later is
        // met by the forwarder (`OnOpen`, or an SSRC not seen before).
        let mut layers = Vec::new();
        for ssrc in ssrcs {
            layers.push((layer_for_rid(track.rid(ssrc).await.as_deref()), ssrc));
        }
        let source = Source {
            remote: track,
            audio_level_id: negotiated.audio_level_id,
            payload_type: negotiated.payload_type,
            red_payload_type: negotiated.red_payload_type,
        };
        let remote = Arc::clone(&source.remote);
        match self.room.start_forwarding(self.me, kind, source, &layers) {
            Some(forwarding) => self.tasks.push(forwarding),
            // A track not forwarded (a second camera section, a track
            // started again): read and dropped, or the crate's queue for
            // it fills and it logs an error for every packet after.
            None => self
                .tasks
                .push(tokio::spawn(async move { while remote.poll().await.is_some() {} })),
        }
        Ok(())
    }

    pub(super) async fn subscribe(&mut self, publication: Arc<Publication>) -> Result<(), SignalError> {
        if self.pc.remote_description().await.is_none() {
            // Planned before this client's offer was taken: after it.
            self.early_subscriptions.push(publication);
            return Ok(());
        }
        let key = publication.key();
        if self.subscriptions.contains_key(&key) {
            return Ok(());
        }
        if self.slots.must_wait_for(publication.kind) {
            if !self.awaiting_slot.iter().any(|p| p.key() == key) {
                self.awaiting_slot.push(publication);
            }
            return Ok(());
        }
        let slot = self.slots.take(&*self.pc, &publication).await?;
        let target = Arc::new(Target {
            id: NEXT_TARGET.fetch_add(1, Ordering::Relaxed),
            subscriber: self.me,
            track: Arc::clone(&slot.track),
            sender: Arc::clone(&slot.sender),
            ssrc: slot.ssrc,
            timeline: Arc::clone(&slot.timeline),
            publication: Arc::downgrade(&publication),
            ready: AtomicBool::new(false),
            awaiting_keyframe: AtomicBool::new(publication.kind.is_video()),
            payload_type: AtomicU8::new(0),
            red_payload_type: AtomicU8::new(0),
            downlink: Arc::clone(&self.downlink),
            backlog: Arc::clone(&self.backlog),
            epoch_seen: AtomicU16::new(self.downlink.epoch()),
            audio_level_id: AtomicU8::new(0),
            apart: AtomicBool::new(self.room.apart(publication.publisher, self.me)),
            stretch: AtomicU32::new(0),
            layer: AtomicU8::new(NO_LAYER),
            goal: AtomicU8::new(TOP),
        });
        write(&publication.targets).push(Arc::clone(&target));
        // Breakout places may have changed between the read above and the
        // push: read again, now that a change would find the target.
        let apart = self.room.apart(publication.publisher, self.me);
        target.apart.store(apart, Ordering::Release);
        self.subscriptions.insert(
            key,
            Subscription {
                target: Arc::clone(&target),
                slot,
            },
        );
        self.pending.push(target);
        if publication.kind.is_video() {
            // Asked for as soon as the subscription is planned: the
            // publisher's encoder is at it while the offer goes round.
            request_keyframe(&publication);
        }
        self.want_offer();
        Ok(())
    }

    pub(super) async fn unsubscribe(&mut self, key: (ParticipantId, Kind)) -> Result<(), SignalError> {
        self.early_subscriptions.retain(|p| p.key() != key);
        self.awaiting_slot.retain(|p| p.key() != key);
        let Some(Subscription { target, slot }) = self.subscriptions.remove(&key) else {
            return Ok(());
        };
        target.ready.store(false, Ordering::Release);
        self.pending.retain(|t| !Arc::ptr_eq(t, &target));
        self.in_flight.retain(|t| !Arc::ptr_eq(t, &target));
        // The slot goes inactive (the offer tells the client the track
        // ended) and carries the next arrival of its kind.
        self.slots.retire(slot).await?;
        self.want_offer();
        Ok(())
    }

    /// The client answered an offer with this track: learn what it agreed to,
    /// and start forwarding once the connection is up.
    pub(super) async fn activate(&mut self, target: Arc<Target>) {
        if let Ok(params) = target.sender.get_parameters().await {
            let negotiated = Negotiated::from(&params.rtp_parameters);
            target.payload_type.store(negotiated.payload_type, Ordering::Relaxed);
            target
                .red_payload_type
                .store(negotiated.red_payload_type, Ordering::Relaxed);
            target
                .audio_level_id
                .store(negotiated.audio_level_id, Ordering::Relaxed);
        }
        let mut connected = self.connected.clone();
        self.tasks.push(tokio::spawn(async move {
            while !*connected.borrow() {
                if connected.changed().await.is_err() {
                    return;
                }
            }
            target.ready.store(true, Ordering::Release);
            // Its video starts at the next keyframe: ask for one now (paced
            // per publisher, so a group starting together costs a few).
            if let Some(publication) = target.publication.upgrade().filter(|p| p.kind.is_video()) {
                request_keyframe(&publication);
            }
        }));
    }
}

/// The numbers one side of a track agreed to: its codec's payload type
/// (Opus or VP8), RED's if it took RED, and the audio-level extension id.
#[derive(Debug, Default)]
struct Negotiated {
    payload_type: u8,
    red_payload_type: u8,
    audio_level_id: u8,
}

impl From<&RTCRtpParameters> for Negotiated {
    fn from(params: &RTCRtpParameters) -> Negotiated {
        let red = |c: &&RTCRtpCodecParameters| c.rtp_codec.mime_type.eq_ignore_ascii_case(MIME_TYPE_RED);
        // Retransmissions' payload type is the crate's business (RTX).
        let rtx = |c: &&RTCRtpCodecParameters| c.rtp_codec.mime_type.eq_ignore_ascii_case(MIME_TYPE_RTX);
        Negotiated {
            payload_type: params
                .codecs
                .iter()
                .find(|c| !red(c) && !rtx(c))
                .map_or(0, |c| c.payload_type),
            red_payload_type: params.codecs.iter().find(red).map_or(0, |c| c.payload_type),
            audio_level_id: params
                .header_extensions
                .iter()
                .find(|e| e.uri == AUDIO_LEVEL_URI)
                .map_or(0, |e| u8::try_from(e.id).unwrap_or(0)),
        }
    }
}

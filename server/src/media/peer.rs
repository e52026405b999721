//! One participant's peer connection, driven by a task of its own.
//!
//! Everything that touches this connection's signalling goes through the
//! task's queue, so an offer is never created while another is in flight.
//! The client offers once, to publish; after that only the server offers: to
//! add or remove the tracks it sends, and to restart ICE after a resume.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU16, AtomicU64, Ordering};

use rtc::media_stream::MediaStreamTrack;
use rtc::peer_connection::configuration::RTCOfferOptions;
use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;
use rtc::rtp_transceiver::rtp_sender::{RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tracing::{debug, warn};
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_local::{TrackLocal, TrackLocalEvent};
use webrtc::media_stream::track_remote::TrackRemote;
use webrtc::peer_connection::{
    PeerConnection, PeerConnectionEventHandler, RTCIceCandidateInit, RTCPeerConnectionIceEvent, RTCPeerConnectionState,
    RTCSessionDescription,
};
use webrtc::rtp_transceiver::{RTCRtpTransceiverDirection, RTCRtpTransceiverInit};

use super::engine::{self, AUDIO_LEVEL_URI, EngineError};
use super::session::{Kind, Publication, RoomMedia, Target, write};
use crate::protocol::media::IceCandidate;
use crate::room::ParticipantId;
use crate::room::media::MediaReport;

/// After this many tracks have left a connection (eight people, with audio
/// and video), the client is asked to start afresh. An answer then stays
/// far below the 48 KiB limit on a description.
pub const RETIRED_BEFORE_FRESH_START: usize = 16;
/// Candidates kept while the client's description has not come yet: a
/// browser sends a handful; more is a client that will never offer.
const MAX_EARLY_CANDIDATES: usize = 64;

pub enum PeerCommand {
    /// The client's offer.
    Offer(String),
    /// The client's answer to our offer.
    Answer(String),
    /// A candidate from the client.
    Candidate(IceCandidate),
    /// A candidate of ours, to send to the client.
    LocalCandidate(RTCIceCandidateInit),
    /// The client started sending a track.
    RemoteTrack(Arc<dyn TrackRemote>),
    Subscribe(Arc<Publication>),
    Unsubscribe((ParticipantId, Kind)),
    RestartIce,
    Close,
}

pub struct PeerHandle {
    pub commands: mpsc::UnboundedSender<PeerCommand>,
    task: JoinHandle<()>,
}

impl PeerHandle {
    pub async fn start(room: Arc<RoomMedia>, me: ParticipantId) -> Result<PeerHandle, EngineError> {
        let (commands, queue) = mpsc::unbounded_channel();
        let (connected_tx, connected) = watch::channel(false);
        let handler = Arc::new(Events {
            commands: commands.clone(),
            connected: connected_tx,
        });
        let pc = engine::peer_connection(&room.media, handler).await?;
        let peer = Peer {
            room,
            me,
            pc,
            connected,
            remote_candidates: Vec::new(),
            offer_in_flight: false,
            needs_offer: false,
            restart_ice: false,
            pending: Vec::new(),
            in_flight: Vec::new(),
            subscriptions: HashMap::new(),
            tasks: Vec::new(),
            retired: 0,
            candidate_complaint: None,
        };
        let task = tokio::spawn(peer.run(queue));
        Ok(PeerHandle { commands, task })
    }

    /// Closes the connection and waits for its task to finish.
    pub async fn close(self) {
        let _ = self.commands.send(PeerCommand::Close);
        let _ = self.task.await;
    }
}

/// The connection's callbacks. They run on its driver task, so they only
/// queue work for the peer task and never wait.
struct Events {
    commands: mpsc::UnboundedSender<PeerCommand>,
    connected: watch::Sender<bool>,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Events {
    async fn on_ice_candidate(&self, event: RTCPeerConnectionIceEvent) {
        if let Ok(candidate) = event.candidate.to_json() {
            let _ = self.commands.send(PeerCommand::LocalCandidate(candidate));
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        let _ = self.connected.send(state == RTCPeerConnectionState::Connected);
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let _ = self.commands.send(PeerCommand::RemoteTrack(track));
    }
}

struct Peer {
    room: Arc<RoomMedia>,
    me: ParticipantId,
    pc: Arc<dyn PeerConnection>,
    connected: watch::Receiver<bool>,
    /// Candidates that came before the client's description.
    remote_candidates: Vec<RTCIceCandidateInit>,
    offer_in_flight: bool,
    needs_offer: bool,
    restart_ice: bool,
    /// Tracks added since our last offer, and those in the offer in flight.
    pending: Vec<Arc<Target>>,
    in_flight: Vec<Arc<Target>>,
    subscriptions: HashMap<(ParticipantId, Kind), Arc<Target>>,
    tasks: Vec<JoinHandle<()>>,
    /// Tracks taken off this connection since it started: each left an
    /// inactive m-line behind.
    retired: usize,
    /// When a bad candidate from this client was last logged: one a client
    /// sends in a loop must not fill the log.
    candidate_complaint: Option<std::time::Instant>,
}

#[derive(Debug, thiserror::Error)]
enum SignalError {
    #[error("{0}")]
    Webrtc(#[from] webrtc::error::Error),
    #[error("{0}")]
    Refused(&'static str),
    /// The library's words for a bad candidate may quote it, addresses and
    /// all: neither the log nor the reply repeats them.
    #[error("an ICE candidate could not be used")]
    Candidate,
}

/// How often a client's bad candidates are mentioned in the log at most.
const CANDIDATE_COMPLAINT_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

impl Peer {
    async fn run(mut self, mut queue: mpsc::UnboundedReceiver<PeerCommand>) {
        while let Some(command) = queue.recv().await {
            let result = match command {
                PeerCommand::Offer(sdp) => self.on_offer(sdp).await,
                PeerCommand::Answer(sdp) => self.on_answer(sdp).await,
                PeerCommand::Candidate(candidate) => self.on_candidate(candidate).await,
                PeerCommand::LocalCandidate(candidate) => {
                    // The library gives no m-line for its candidates (an empty
                    // mid): with everything bundled on one transport, the
                    // first m-line is the one, and a browser rejects an empty
                    // mid that matches none.
                    let candidate = IceCandidate {
                        candidate: candidate.candidate,
                        sdp_mid: candidate.sdp_mid.filter(|mid| !mid.is_empty()),
                        sdp_mline_index: candidate.sdp_mline_index.or(Some(0)),
                        username_fragment: None,
                    };
                    self.room.tell(MediaReport::Candidate {
                        participant: self.me,
                        candidate,
                    });
                    Ok(())
                }
                PeerCommand::RemoteTrack(track) => self.on_remote_track(track).await,
                PeerCommand::Subscribe(publication) => self.subscribe(publication).await,
                PeerCommand::Unsubscribe(key) => self.unsubscribe(key).await,
                PeerCommand::RestartIce => self.restart_ice().await,
                PeerCommand::Close => break,
            };
            if let Err(error) = result {
                // What went wrong is the client's or the network's doing: tell
                // the client, and carry on with what still works.
                if matches!(error, SignalError::Candidate) {
                    let now = std::time::Instant::now();
                    if self
                        .candidate_complaint
                        .is_none_or(|at| now - at >= CANDIDATE_COMPLAINT_EVERY)
                    {
                        self.candidate_complaint = Some(now);
                        debug!(participant = %self.me, "a candidate from the client could not be used");
                    }
                } else {
                    debug!(participant = %self.me, %error, "signalling failed");
                }
                let reason = error.to_string();
                self.room.tell(MediaReport::Failed {
                    participant: self.me,
                    reason,
                });
            }
        }
        for task in &self.tasks {
            task.abort();
        }
        if let Err(error) = self.pc.close().await {
            warn!(participant = %self.me, %error, "closing a peer connection failed");
        }
    }

    async fn on_offer(&mut self, sdp: String) -> Result<(), SignalError> {
        if self.offer_in_flight {
            return Err(SignalError::Refused("the server's offer is waiting for your answer"));
        }
        let first = self.pc.remote_description().await.is_none();
        self.pc
            .set_remote_description(RTCSessionDescription::offer(sdp)?)
            .await?;
        let answer = self.pc.create_answer(None).await?;
        self.pc.set_local_description(answer.clone()).await?;
        let event = MediaReport::Answer {
            participant: self.me,
            sdp: answer.sdp,
        };
        self.room.tell(event);
        self.add_remote_candidates().await?;
        if first {
            for publication in self.room.publications_for(self.me) {
                self.subscribe(publication).await?;
            }
        }
        Ok(())
    }

    async fn on_answer(&mut self, sdp: String) -> Result<(), SignalError> {
        if !self.offer_in_flight {
            return Err(SignalError::Refused("there is no offer to answer"));
        }
        self.pc
            .set_remote_description(RTCSessionDescription::answer(sdp)?)
            .await?;
        self.offer_in_flight = false;
        for target in std::mem::take(&mut self.in_flight) {
            self.activate(target).await;
        }
        if self.needs_offer {
            self.send_offer().await?;
        }
        Ok(())
    }

    async fn on_candidate(&mut self, candidate: IceCandidate) -> Result<(), SignalError> {
        let candidate = RTCIceCandidateInit {
            candidate: candidate.candidate,
            sdp_mid: candidate.sdp_mid,
            sdp_mline_index: candidate.sdp_mline_index,
            ..Default::default()
        };
        if self.pc.remote_description().await.is_some() {
            self.pc
                .add_ice_candidate(candidate)
                .await
                .map_err(|_| SignalError::Candidate)?;
        } else if self.remote_candidates.len() < MAX_EARLY_CANDIDATES {
            self.remote_candidates.push(candidate);
        }
        Ok(())
    }

    async fn add_remote_candidates(&mut self) -> Result<(), SignalError> {
        let mut failed = false;
        for candidate in std::mem::take(&mut self.remote_candidates) {
            // One bad candidate must not cost the good ones after it.
            failed |= self.pc.add_ice_candidate(candidate).await.is_err();
        }
        if failed { Err(SignalError::Candidate) } else { Ok(()) }
    }

    /// Offers as soon as the connection allows: after the client's first
    /// offer, and one offer at a time.
    async fn request_offer(&mut self) -> Result<(), SignalError> {
        self.needs_offer = true;
        if !self.offer_in_flight && self.pc.remote_description().await.is_some() {
            self.send_offer().await?;
        }
        Ok(())
    }

    async fn send_offer(&mut self) -> Result<(), SignalError> {
        self.needs_offer = false;
        let options = RTCOfferOptions {
            ice_restart: std::mem::take(&mut self.restart_ice),
        };
        let offer = self.pc.create_offer(Some(options)).await?;
        self.pc.set_local_description(offer.clone()).await?;
        self.offer_in_flight = true;
        self.in_flight = std::mem::take(&mut self.pending);
        let event = MediaReport::Offer {
            participant: self.me,
            sdp: offer.sdp,
        };
        self.room.tell(event);
        Ok(())
    }

    /// The client came back on a new socket. An offer sent while it was away
    /// may never have reached it: send it again, and restart ICE once it is
    /// answered; otherwise restart ICE now.
    async fn restart_ice(&mut self) -> Result<(), SignalError> {
        self.restart_ice = true;
        if self.offer_in_flight {
            self.needs_offer = true;
            if let Some(pending) = self.pc.local_description().await {
                let event = MediaReport::Offer {
                    participant: self.me,
                    sdp: pending.sdp,
                };
                self.room.tell(event);
            }
            return Ok(());
        }
        self.request_offer().await
    }

    async fn on_remote_track(&mut self, track: Arc<dyn TrackRemote>) -> Result<(), SignalError> {
        let kind = if track.kind().await == RtpCodecKind::Audio {
            Kind::Audio
        } else {
            Kind::Video
        };
        let media_ssrc = track.ssrcs().await.first().copied().unwrap_or(0);
        let track_id = track.track_id().await;
        // The id the publisher uses for the audio level lives in the receiver.
        let mut audio_level_id = 0;
        for receiver in self.pc.get_receivers().await {
            if receiver.track().track_id().await == track_id
                && let Ok(params) = receiver.get_parameters().await
                && let Some(ext) = params
                    .rtp_parameters
                    .header_extensions
                    .iter()
                    .find(|e| e.uri == AUDIO_LEVEL_URI)
            {
                audio_level_id = u8::try_from(ext.id).unwrap_or(0);
            }
        }
        debug!(participant = %self.me, kind = kind.name(), "publishes a track");
        let publication = Arc::new(Publication {
            publisher: self.me,
            kind,
            remote: track,
            media_ssrc,
            audio_level_id,
            targets: Default::default(),
            forwarding: AtomicBool::new(self.room.allowed(self.me, kind)),
            skipped: AtomicU16::new(0),
            received: AtomicU64::new(0),
        });
        self.tasks.push(self.room.publish(publication));
        Ok(())
    }

    async fn subscribe(&mut self, publication: Arc<Publication>) -> Result<(), SignalError> {
        let key = publication.key();
        if self.subscriptions.contains_key(&key) {
            return Ok(());
        }
        let ssrc = rand::random::<u32>() | 1;
        let (codec, kind) = match publication.kind {
            Kind::Audio => (engine::opus(), RtpCodecKind::Audio),
            Kind::Video => (engine::vp8(), RtpCodecKind::Video),
        };
        // The stream id names the publisher: it is how a client knows whose
        // tile a track belongs to.
        let stream = format!("p{}", publication.publisher.0);
        let track_id = format!("{stream}-{}", publication.kind.name());
        let track = Arc::new(TrackLocalStaticRTP::new(MediaStreamTrack::new(
            stream,
            track_id.clone(),
            track_id,
            kind,
            vec![RTCRtpEncodingParameters {
                rtp_coding_parameters: RTCRtpCodingParameters {
                    ssrc: Some(ssrc),
                    ..Default::default()
                },
                codec,
                ..Default::default()
            }],
        )));
        // A transceiver of its own: `add_track` would reuse the client's
        // publishing transceiver and turn it two-way.
        let init = RTCRtpTransceiverInit {
            direction: RTCRtpTransceiverDirection::Sendonly,
            streams: vec![],
            send_encodings: vec![],
        };
        let transceiver = self.pc.add_transceiver_from_track(track.clone(), Some(init)).await?;
        let sender = transceiver
            .sender()
            .await?
            .ok_or(SignalError::Refused("no sender for a new track"))?;
        let target = Arc::new(Target {
            subscriber: self.me,
            track: Arc::clone(&track),
            sender,
            ssrc,
            ready: AtomicBool::new(false),
            payload_type: AtomicU8::new(0),
            audio_level_id: AtomicU8::new(0),
        });
        write(&publication.targets).push(Arc::clone(&target));
        self.subscriptions.insert(key, Arc::clone(&target));
        self.pending.push(target);
        if publication.kind == Kind::Video {
            self.tasks
                .push(tokio::spawn(relay_keyframe_requests(track, Arc::clone(&publication))));
        }
        self.request_offer().await
    }

    async fn unsubscribe(&mut self, key: (ParticipantId, Kind)) -> Result<(), SignalError> {
        let Some(target) = self.subscriptions.remove(&key) else {
            return Ok(());
        };
        target.ready.store(false, Ordering::Release);
        self.pending.retain(|t| !Arc::ptr_eq(t, &target));
        // The transceiver goes inactive; the offer tells the client the track ended.
        self.pc.remove_track(&target.sender).await?;
        self.retired += 1;
        if self.retired >= RETIRED_BEFORE_FRESH_START {
            // The crate never reuses an inactive transceiver: every departure
            // leaves two m-lines behind, and a long-lived connection's offers
            // grow until its answers no longer fit a message. Ask the client
            // to start afresh; its new offer replaces this connection.
            self.retired = 0;
            self.room.tell(MediaReport::StartAfresh { participant: self.me });
            return Ok(());
        }
        self.request_offer().await
    }

    /// The client answered an offer with this track: learn what it agreed to,
    /// and start forwarding once the connection is up.
    async fn activate(&mut self, target: Arc<Target>) {
        if let Ok(params) = target.sender.get_parameters().await {
            if let Some(codec) = params.rtp_parameters.codecs.first() {
                target.payload_type.store(codec.payload_type, Ordering::Relaxed);
            }
            if let Some(ext) = params
                .rtp_parameters
                .header_extensions
                .iter()
                .find(|e| e.uri == AUDIO_LEVEL_URI)
            {
                target
                    .audio_level_id
                    .store(u8::try_from(ext.id).unwrap_or(0), Ordering::Relaxed);
            }
        }
        let publication = self
            .room
            .publications_for(self.me)
            .into_iter()
            .find(|p| super::session::read(&p.targets).iter().any(|t| Arc::ptr_eq(t, &target)));
        let mut connected = self.connected.clone();
        self.tasks.push(tokio::spawn(async move {
            while !*connected.borrow() {
                if connected.changed().await.is_err() {
                    return;
                }
            }
            target.ready.store(true, Ordering::Release);
            // A newcomer sees video within a second only if the publisher
            // sends a keyframe now rather than at its next scheduled one.
            if let Some(publication) = publication.filter(|p| p.kind == Kind::Video) {
                super::forward::request_keyframe(publication);
            }
        }));
    }
}

/// Relays a subscriber's keyframe requests for this copy to the publisher.
async fn relay_keyframe_requests(track: Arc<TrackLocalStaticRTP>, publication: Arc<Publication>) {
    while let Some(event) = track.poll().await {
        if let TrackLocalEvent::OnRtcpPacket(packets) = event
            && packets.iter().any(|p| p.as_any().is::<PictureLossIndication>())
        {
            super::forward::request_keyframe(Arc::clone(&publication));
        }
    }
}

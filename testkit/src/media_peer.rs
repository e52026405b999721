//! A media participant as a browser is: one real `webrtc` peer connection
//! with the server, built with the server's own media engine, that offers a
//! microphone and a camera once and from then on answers the server's
//! offers. It speaks the protocol's media signalling as JSON; the caller
//! owns the WebSocket, passes every server message to `Signalling::handle`
//! and sends what arrives on the `outgoing` channel.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use peer_room::media::engine::{ICE_CHECK_EVERY, ICE_CHECKS_PER_PAIR, media_engine_and_interceptors, opus, vp8};
use rtc::media_stream::MediaStreamTrack;
use rtc::rtp;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodingParameters, RTCRtpEncodingParameters, RTCRtpRtxParameters, RtpCodecKind,
};
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{
    PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler, RTCConfigurationBuilder, RTCIceCandidateInit,
    RTCPeerConnectionIceEvent, RTCPeerConnectionState, RTCSessionDescription, SettingEngineBuilder,
};
use webrtc::rtp_transceiver::{RTCRtpTransceiverDirection, RTCRtpTransceiverInit, RtpTransceiver};
use webrtc::runtime::TokioRuntime;

use crate::offered_streams::OfferedStreams;
use crate::stalled_tcp::Stall;

/// Called for every packet that arrives: the sending stream's id (`p3` is
/// participant 3), audio or video, and the packet.
pub type OnPacket = Arc<dyn Fn(&str, RtpCodecKind, &rtp::Packet) + Send + Sync>;

/// One peer connection with the server, and what a test wants to know of it.
/// How a test client reaches the server's media.
#[derive(Clone, Debug)]
pub enum Transport {
    Udp,
    /// No UDP socket at all, as behind a firewall that blocks it: only ICE
    /// over TCP, the client connecting to the server's passive candidate.
    TcpOnly,
    /// As `TcpOnly`, its streams reading nothing while `Stall` says so.
    TcpStalling(Stall),
}

pub struct MediaPeer {
    pub pc: Arc<dyn PeerConnection>,
    /// The microphone and the camera: write RTP to them to publish.
    pub audio: Arc<TrackLocalStaticRTP>,
    pub video: Arc<TrackLocalStaticRTP>,
    /// A screen to share, offered third as the web client does, if asked for.
    pub screen: Option<Arc<TrackLocalStaticRTP>>,
    pub connected: watch::Receiver<bool>,
    /// The camera's section: its mid goes in each simulcast packet.
    camera_transceiver: Arc<dyn RtpTransceiver>,
}

/// What the signalling has seen, for tests that look at renegotiation.
#[derive(Clone, Default)]
pub struct SignallingLog {
    /// Stream ids whose tracks a server offer ended (made inactive).
    pub ended: Arc<Mutex<Vec<String>>>,
    /// Whose media each SSRC the server sends carries, per its last offer.
    pub streams: Arc<Mutex<OfferedStreams>>,
    /// The ICE username fragment of every server offer applied, in order:
    /// a new one means the server restarted ICE.
    pub offer_ufrags: Arc<Mutex<Vec<String>>>,
    /// Every candidate the server sent, as it sent it.
    pub server_candidates: Arc<Mutex<Vec<Value>>>,
    /// How many m-lines each server offer had, in order.
    pub offer_mlines: Arc<Mutex<Vec<usize>>>,
}

impl MediaPeer {
    /// Makes the connection and queues its offer on `outgoing`, followed by
    /// `set_media_state` (microphone and camera on if `sending`); with
    /// `screen`, a third section to share a screen on. Loopback only: these
    /// clients never send anywhere else.
    pub async fn offer(
        outgoing: mpsc::UnboundedSender<Value>,
        on_packet: OnPacket,
        sending: bool,
        screen: bool,
    ) -> anyhow::Result<(MediaPeer, Signalling)> {
        let camera = local_track(RtpCodecKind::Video, "camera");
        MediaPeer::offer_with_camera(outgoing, on_packet, sending, screen, camera).await
    }

    /// As `offer`, with `camera` as the camera: one made by
    /// `simulcast::camera` is offered in three layers.
    pub async fn offer_with_camera(
        outgoing: mpsc::UnboundedSender<Value>,
        on_packet: OnPacket,
        sending: bool,
        screen: bool,
        video: Arc<TrackLocalStaticRTP>,
    ) -> anyhow::Result<(MediaPeer, Signalling)> {
        MediaPeer::offer_over(outgoing, on_packet, sending, screen, video, Transport::Udp).await
    }

    /// As `offer_with_camera`, over `transport`.
    pub async fn offer_over(
        outgoing: mpsc::UnboundedSender<Value>,
        on_packet: OnPacket,
        sending: bool,
        screen: bool,
        video: Arc<TrackLocalStaticRTP>,
        transport: Transport,
    ) -> anyhow::Result<(MediaPeer, Signalling)> {
        let (connected_tx, connected) = watch::channel(false);
        let log = SignallingLog::default();
        let handler = Arc::new(Events {
            outgoing: outgoing.clone(),
            connected: connected_tx,
            on_packet,
            streams: Arc::clone(&log.streams),
        });
        let (engine, registry) = media_engine_and_interceptors()?;
        let pc: Arc<dyn PeerConnection> = Arc::new(
            PeerConnectionBuilder::new()
                .with_configuration(RTCConfigurationBuilder::new().build())
                .with_media_engine(engine)
                .with_setting_engine(
                    SettingEngineBuilder::new()
                        .with_ice_connection_attempts(Some(ICE_CHECK_EVERY), Some(ICE_CHECKS_PER_PAIR))
                        .build(),
                )
                .with_interceptor_registry(registry)
                .with_handler(handler)
                .with_udp_addrs(match transport {
                    Transport::Udp => vec!["127.0.0.1:0".to_owned()],
                    Transport::TcpOnly | Transport::TcpStalling(_) => Vec::new(),
                })
                .with_tcp_addrs(match transport {
                    Transport::Udp => Vec::new(),
                    Transport::TcpOnly | Transport::TcpStalling(_) => vec!["127.0.0.1:0".to_owned()],
                })
                .with_runtime(match &transport {
                    Transport::TcpStalling(stall) => stall.runtime(),
                    Transport::Udp | Transport::TcpOnly => Arc::new(TokioRuntime),
                })
                .build()
                .await?,
        );
        let audio = local_track(RtpCodecKind::Audio, "mic");
        let screen = screen.then(|| local_track(RtpCodecKind::Video, "screen"));
        let mut transceivers = Vec::new();
        for track in [Some(&audio), Some(&video), screen.as_ref()].into_iter().flatten() {
            // No encodings here: the crate takes them from the track.
            let init = RTCRtpTransceiverInit {
                direction: RTCRtpTransceiverDirection::Sendonly,
                streams: vec![],
                send_encodings: vec![],
            };
            transceivers.push(
                pc.add_transceiver_from_track(Arc::clone(track) as _, Some(init))
                    .await?,
            );
        }
        let camera_transceiver = transceivers.swap_remove(1);
        let offer = pc.create_offer(None).await?;
        pc.set_local_description(offer.clone()).await?;
        outgoing.send(json!({"type": "media_offer", "sdp": offer.sdp}))?;
        // As a browser does: say whether the microphone and camera are on.
        outgoing.send(json!({"type": "set_media_state", "audio": sending, "video": sending}))?;
        let signalling = Signalling {
            pc: Arc::clone(&pc),
            outgoing,
            early_candidates: Vec::new(),
            published: false,
            log,
        };
        Ok((
            MediaPeer {
                pc,
                audio,
                video,
                screen,
                connected,
                camera_transceiver,
            },
            signalling,
        ))
    }

    /// The camera section's mid, once the offer has been made.
    pub async fn camera_mid(&self) -> Option<String> {
        self.camera_transceiver.mid().await.ok().flatten()
    }

    /// Waits until the peer connection is connected, or `within` passes.
    pub async fn wait_connected(&mut self, within: Duration) -> bool {
        let wait = async {
            while !*self.connected.borrow() {
                if self.connected.changed().await.is_err() {
                    return false;
                }
            }
            true
        };
        tokio::time::timeout(within, wait).await.unwrap_or(false)
    }
}

struct Events {
    outgoing: mpsc::UnboundedSender<Value>,
    connected: watch::Sender<bool>,
    on_packet: OnPacket,
    streams: Arc<Mutex<OfferedStreams>>,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Events {
    async fn on_ice_candidate(&self, event: RTCPeerConnectionIceEvent) {
        if let Ok(c) = event.candidate.to_json() {
            let candidate = json!({"candidate": c.candidate, "sdpMid": c.sdp_mid, "sdpMLineIndex": c.sdp_mline_index});
            let _ = self
                .outgoing
                .send(json!({"type": "ice_candidate", "candidate": candidate}));
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        let _ = self.connected.send(state == RTCPeerConnectionState::Connected);
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let on_packet = Arc::clone(&self.on_packet);
        let streams = Arc::clone(&self.streams);
        tokio::spawn(async move {
            let (first_stream, kind) = (track.stream_id().await, track.kind().await);
            while let Some(event) = track.poll().await {
                if let TrackRemoteEvent::OnRtpPacket(packet) = event {
                    // The m-line may carry someone else by now: the offers say whom.
                    let owner = lock(&streams).stream_of(packet.header.ssrc).map(str::to_owned);
                    on_packet(owner.as_deref().unwrap_or(&first_stream), kind, &packet);
                }
            }
        });
    }
}

/// A track to publish, with an SSRC of its own.
pub fn local_track(kind: RtpCodecKind, name: &str) -> Arc<TrackLocalStaticRTP> {
    let codec = if kind == RtpCodecKind::Audio { opus() } else { vp8() };
    let ssrc = rand::random::<u32>() | 1;
    // Video repairs on an SSRC of its own, tied to the track's by the
    // offer's `a=ssrc-group:FID`, as a browser's one-layer camera or screen.
    let rtx = (kind == RtpCodecKind::Video).then(|| RTCRtpRtxParameters {
        ssrc: ssrc.wrapping_add(1),
    });
    Arc::new(TrackLocalStaticRTP::new(MediaStreamTrack::new(
        "me".to_owned(),
        name.to_owned(),
        name.to_owned(),
        kind,
        vec![RTCRtpEncodingParameters {
            rtp_coding_parameters: RTCRtpCodingParameters {
                ssrc: Some(ssrc),
                rtx,
                ..Default::default()
            },
            codec,
            ..Default::default()
        }],
    )))
}

/// The client's side of the media signalling.
pub struct Signalling {
    pc: Arc<dyn PeerConnection>,
    outgoing: mpsc::UnboundedSender<Value>,
    /// The server's candidates that came before its answer.
    early_candidates: Vec<RTCIceCandidateInit>,
    /// Whether the server has answered our offer. Server offers before that
    /// are for a connection we replaced (a reload): answering one would roll
    /// back our own offer.
    published: bool,
    log: SignallingLog,
}

impl Signalling {
    /// What it has seen so far; the log fills as messages are handled.
    pub fn log(&self) -> SignallingLog {
        self.log.clone()
    }

    /// Applies a server message if it is media signalling (an answer, an
    /// offer, a candidate): `Ok(true)`. Anything else is the caller's:
    /// `Ok(false)`. An error is a signalling step the peer refused.
    pub async fn handle(&mut self, message: &Value) -> anyhow::Result<bool> {
        let sdp = message["sdp"].as_str().unwrap_or("").to_owned();
        match message["type"].as_str() {
            Some("media_answer") => {
                self.pc
                    .set_remote_description(RTCSessionDescription::answer(sdp)?)
                    .await?;
                for candidate in self.early_candidates.drain(..) {
                    self.pc.add_ice_candidate(candidate).await?;
                }
                self.published = true;
            }
            Some("media_offer") if !self.published => {}
            Some("media_offer") => {
                if let Some(ufrag) = sdp.lines().find_map(|l| l.strip_prefix("a=ice-ufrag:")) {
                    lock(&self.log.offer_ufrags).push(ufrag.trim().to_owned());
                }
                lock(&self.log.offer_mlines).push(sdp.lines().filter(|l| l.starts_with("m=")).count());
                let ended = lock(&self.log.streams).apply(&sdp);
                lock(&self.log.ended).extend(ended);
                self.pc
                    .set_remote_description(RTCSessionDescription::offer(sdp)?)
                    .await?;
                let answer = self.pc.create_answer(None).await?;
                self.pc.set_local_description(answer.clone()).await?;
                let _ = self.outgoing.send(json!({"type": "media_answer", "sdp": answer.sdp}));
            }
            Some("ice_candidate") => {
                let c = &message["candidate"];
                lock(&self.log.server_candidates).push(c.clone());
                let candidate = RTCIceCandidateInit {
                    candidate: c["candidate"].as_str().unwrap_or("").to_owned(),
                    sdp_mid: c["sdpMid"].as_str().map(str::to_owned),
                    sdp_mline_index: c["sdpMLineIndex"].as_u64().and_then(|i| u16::try_from(i).ok()),
                    ..Default::default()
                };
                if self.pc.remote_description().await.is_some() {
                    // A candidate the peer cannot use is not a failure: a
                    // browser ignores it too.
                    let _ = self.pc.add_ice_candidate(candidate).await;
                } else {
                    self.early_candidates.push(candidate);
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// A poisoned lock means a test thread panicked; its data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

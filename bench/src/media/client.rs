//! A synthetic media participant, as a browser would be: one real `webrtc`
//! peer connection with the server, offered once with a microphone and a
//! camera, answering the server's offers after that. A publisher sends
//! synthetic Opus and VP8; everyone counts and times what arrives.
//!
//! Adapted from the end-to-end suite's client (tests/e2e/support/media_client.rs),
//! which is the reference for how a client talks to this server.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use peer_room::media::engine::{media_engine_and_interceptors, opus, vp8};
use rtc::media_stream::MediaStreamTrack;
use rtc::rtp_transceiver::rtp_sender::{RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind};
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{
    PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler, RTCConfigurationBuilder, RTCIceCandidateInit,
    RTCPeerConnectionIceEvent, RTCPeerConnectionState, RTCSessionDescription, SettingEngineBuilder,
};
use webrtc::rtp_transceiver::{RTCRtpTransceiverDirection, RTCRtpTransceiverInit};

use super::packets::{self, MediaCounters, Stamp};
use crate::ws::{Entered, Socket};

/// What one participant sends, if anything.
#[derive(Clone, Copy, Debug)]
pub struct Publishing {
    /// A number unique in the whole run, carried in every packet.
    pub publisher: u32,
    /// How many others receive each of its packets (its room's size - 1).
    pub receivers: u64,
    /// RFC 6464 audio level in its packets: 0 loudest, 127 silence. One
    /// speaker a room, as in a support group, so the server's speaking
    /// detection does its usual work.
    pub level: u8,
}

pub struct MediaPeer {
    pub you: u64,
    pc: Arc<dyn PeerConnection>,
    pub connected: watch::Receiver<bool>,
    /// To the server, through the signalling task.
    outgoing: mpsc::UnboundedSender<Value>,
    tasks: Vec<JoinHandle<()>>,
}

struct Events {
    outgoing: mpsc::UnboundedSender<Value>,
    connected: watch::Sender<bool>,
    counters: Arc<MediaCounters>,
    /// Told the moment the first packet from anyone arrives.
    first_packet: watch::Sender<Option<Instant>>,
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
        let counters = Arc::clone(&self.counters);
        let first_packet = self.first_packet.clone();
        tokio::spawn(async move {
            while let Some(event) = track.poll().await {
                let TrackRemoteEvent::OnRtpPacket(packet) = event else {
                    continue;
                };
                let now = Instant::now();
                if first_packet.borrow().is_none() {
                    first_packet.send_replace(Some(now));
                }
                if let Some(stamp) = Stamp::read(&packet.payload) {
                    counters.received(&stamp, now);
                }
            }
        });
    }
}

fn local_track(kind: RtpCodecKind) -> Arc<TrackLocalStaticRTP> {
    let codec = if kind == RtpCodecKind::Audio { opus() } else { vp8() };
    let name = if kind == RtpCodecKind::Audio { "mic" } else { "camera" };
    Arc::new(TrackLocalStaticRTP::new(MediaStreamTrack::new(
        "me".to_owned(),
        name.to_owned(),
        name.to_owned(),
        kind,
        vec![RTCRtpEncodingParameters {
            rtp_coding_parameters: RTCRtpCodingParameters {
                ssrc: Some(rand::random::<u32>() | 1),
                ..Default::default()
            },
            codec,
            ..Default::default()
        }],
    )))
}

impl MediaPeer {
    /// Starts media for someone already in the room: offers a microphone and
    /// a camera, and (a publisher) sends on them once connected. Returns the
    /// peer and a receiver told when the first remote packet arrives.
    pub async fn start(
        entered: Entered,
        publishing: Option<Publishing>,
        counters: Arc<MediaCounters>,
    ) -> anyhow::Result<(MediaPeer, watch::Receiver<Option<Instant>>)> {
        let (outgoing, to_send) = mpsc::unbounded_channel();
        let (connected_tx, connected) = watch::channel(false);
        let (first_tx, first_packet) = watch::channel(None);
        let handler = Arc::new(Events {
            outgoing: outgoing.clone(),
            connected: connected_tx,
            counters: Arc::clone(&counters),
            first_packet: first_tx,
        });
        let (engine, registry) = media_engine_and_interceptors()?;
        let pc: Arc<dyn PeerConnection> = Arc::new(
            PeerConnectionBuilder::new()
                .with_configuration(RTCConfigurationBuilder::new().build())
                .with_media_engine(engine)
                .with_setting_engine(SettingEngineBuilder::new().build())
                .with_interceptor_registry(registry)
                .with_handler(handler)
                // Loopback only, as the whole benchmark.
                .with_udp_addrs(vec!["127.0.0.1:0".to_owned()])
                .build()
                .await?,
        );
        let (audio, video) = (local_track(RtpCodecKind::Audio), local_track(RtpCodecKind::Video));
        for track in [&audio, &video] {
            let init = RTCRtpTransceiverInit {
                direction: RTCRtpTransceiverDirection::Sendonly,
                streams: vec![],
                send_encodings: vec![],
            };
            pc.add_transceiver_from_track(Arc::clone(track) as _, Some(init))
                .await?;
        }
        let offer = pc.create_offer(None).await?;
        pc.set_local_description(offer.clone()).await?;
        let on = publishing.is_some();
        outgoing.send(json!({"type": "media_offer", "sdp": offer.sdp}))?;
        outgoing.send(json!({"type": "set_media_state", "audio": on, "video": on}))?;

        let link = Signalling {
            pc: Arc::clone(&pc),
            outgoing: outgoing.clone(),
            early_candidates: Vec::new(),
            published: false,
        };
        let mut tasks = vec![tokio::spawn(link.run(entered.socket, to_send))];
        if let Some(publishing) = publishing {
            let mut ready = connected.clone();
            let counters = Arc::clone(&counters);
            tasks.push(tokio::spawn(async move {
                while !*ready.borrow() {
                    if ready.changed().await.is_err() {
                        return;
                    }
                }
                packets::send(audio, video, publishing, counters).await;
            }));
        }
        let peer = MediaPeer {
            you: entered.you,
            pc,
            connected,
            outgoing,
            tasks,
        };
        Ok((peer, first_packet))
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

    /// Leaves the room for good (no reconnect grace), then closes.
    pub async fn leave(self) {
        let _ = self.outgoing.send(json!({"type": "leave"}));
        // The signalling task sends it; the server then closes the socket.
        tokio::time::sleep(Duration::from_millis(100)).await;
        self.close().await;
    }

    pub async fn close(self) {
        for task in &self.tasks {
            task.abort();
        }
        let _ = self.pc.close().await;
    }
}

/// Carries signalling between the WebSocket and the peer connection; the
/// room's other events are read and dropped.
struct Signalling {
    pc: Arc<dyn PeerConnection>,
    outgoing: mpsc::UnboundedSender<Value>,
    early_candidates: Vec<RTCIceCandidateInit>,
    /// Whether the server has answered our offer: its offers before that
    /// would roll back our own.
    published: bool,
}

/// Set when the server refused a signalling step: a run should not go on
/// as if media were flowing.
pub static SIGNALLING_FAILED: AtomicBool = AtomicBool::new(false);

impl Signalling {
    async fn run(mut self, mut ws: Socket, mut to_send: mpsc::UnboundedReceiver<Value>) {
        loop {
            tokio::select! {
                next = to_send.recv() => match next {
                    Some(message) => {
                        if ws.send(Message::Text(message.to_string().into())).await.is_err() {
                            return;
                        }
                    }
                    None => return,
                },
                frame = ws.next() => match frame {
                    Some(Ok(Message::Text(text))) => {
                        if let Ok(message) = serde_json::from_str::<Value>(text.as_str())
                            && let Err(error) = self.handle(message).await
                        {
                            eprintln!("  media signalling: {error:#}");
                            SIGNALLING_FAILED.store(true, Ordering::Relaxed);
                        }
                    }
                    Some(Ok(_)) => {}
                    Some(Err(_)) | None => return,
                },
            }
        }
    }

    async fn handle(&mut self, message: Value) -> anyhow::Result<()> {
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
            Some("media_offer") if self.published => {
                self.pc
                    .set_remote_description(RTCSessionDescription::offer(sdp)?)
                    .await?;
                let answer = self.pc.create_answer(None).await?;
                self.pc.set_local_description(answer.clone()).await?;
                let _ = self.outgoing.send(json!({"type": "media_answer", "sdp": answer.sdp}));
            }
            Some("ice_candidate") => {
                let c = &message["candidate"];
                let candidate = RTCIceCandidateInit {
                    candidate: c["candidate"].as_str().unwrap_or("").to_owned(),
                    sdp_mid: c["sdpMid"].as_str().map(str::to_owned),
                    sdp_mline_index: c["sdpMLineIndex"].as_u64().and_then(|i| u16::try_from(i).ok()),
                    ..Default::default()
                };
                if self.pc.remote_description().await.is_some() {
                    let _ = self.pc.add_ice_candidate(candidate).await;
                } else {
                    self.early_candidates.push(candidate);
                }
            }
            Some("error") => anyhow::bail!("the server refused: {message}"),
            _ => {}
        }
        Ok(())
    }
}

//! A media participant as a browser would be: a real `webrtc` peer connection
//! that publishes synthetic Opus and VP8 and counts what it receives, with its
//! signalling over a real WebSocket to the real server.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use peer_room::media::engine::{media_engine_and_interceptors, opus, vp8};
use rtc::media_stream::MediaStreamTrack;
use rtc::rtp;
use rtc::rtp::extension::HeaderExtension;
use rtc::rtp::extension::audio_level_extension::AudioLevelExtension;
use rtc::rtp_transceiver::rtp_sender::{RTCRtpCodingParameters, RTCRtpEncodingParameters, RtpCodecKind};
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use webrtc::media_stream::Track;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{
    PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler, RTCConfigurationBuilder, RTCIceCandidateInit,
    RTCPeerConnectionIceEvent, RTCPeerConnectionState, RTCSessionDescription, SettingEngineBuilder,
};
use webrtc::rtp_transceiver::{RTCRtpTransceiverDirection, RTCRtpTransceiverInit};

use super::{TestClient, WAIT};

/// Packets received, by the sender's stream id (`p3`) and kind.
pub type Received = Arc<Mutex<HashMap<(String, RtpCodecKind), u64>>>;

pub struct MediaClient {
    pub you: u64,
    pub resume_token: String,
    pub received: Received,
    /// Stream ids whose tracks a server offer ended (made inactive).
    pub ended: Arc<Mutex<Vec<String>>>,
    /// The ICE username fragment of every server offer applied, in order:
    /// a new one means the server restarted ICE.
    pub offer_ufrags: Arc<Mutex<Vec<String>>>,
    pub connected: watch::Receiver<bool>,
    outgoing: mpsc::UnboundedSender<Value>,
    events: mpsc::UnboundedReceiver<Value>,
    unread: VecDeque<Value>,
    next_id: u64,
    pc: Arc<dyn PeerConnection>,
    tasks: Vec<JoinHandle<()>>,
}

struct Events {
    outgoing: mpsc::UnboundedSender<Value>,
    connected: watch::Sender<bool>,
    received: Received,
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
        let received = Arc::clone(&self.received);
        tokio::spawn(async move {
            let key = (track.stream_id().await, track.kind().await);
            while let Some(event) = track.poll().await {
                if let TrackRemoteEvent::OnRtpPacket(_) = event {
                    *received.lock().unwrap().entry(key.clone()).or_insert(0) += 1;
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

impl MediaClient {
    /// Starts media for a client already in the room: offers its microphone
    /// and camera, answers the server's offers, and sends synthetic media at
    /// `level` (RFC 6464: 0 loudest, 127 silence) once connected.
    pub async fn start(ws: TestClient, level: u8) -> MediaClient {
        let you = ws.you.expect("joined");
        let resume_token = ws.resume_token.clone().expect("joined");
        let (outgoing, to_send) = mpsc::unbounded_channel();
        let (events_tx, events) = mpsc::unbounded_channel();
        let (connected_tx, connected) = watch::channel(false);
        let received: Received = Arc::default();
        let ended: Arc<Mutex<Vec<String>>> = Arc::default();
        let handler = Arc::new(Events {
            outgoing: outgoing.clone(),
            connected: connected_tx,
            received: Arc::clone(&received),
        });
        let (engine, registry) = media_engine_and_interceptors().expect("media engine");
        let pc: Arc<dyn PeerConnection> = Arc::new(
            PeerConnectionBuilder::new()
                .with_configuration(RTCConfigurationBuilder::new().build())
                .with_media_engine(engine)
                .with_setting_engine(SettingEngineBuilder::new().build())
                .with_interceptor_registry(registry)
                .with_handler(handler)
                .with_udp_addrs(vec!["127.0.0.1:0".to_owned()])
                .build()
                .await
                .expect("client peer connection"),
        );
        let (audio, video) = (local_track(RtpCodecKind::Audio), local_track(RtpCodecKind::Video));
        for track in [&audio, &video] {
            let init = RTCRtpTransceiverInit {
                direction: RTCRtpTransceiverDirection::Sendonly,
                streams: vec![],
                send_encodings: vec![],
            };
            pc.add_transceiver_from_track(Arc::clone(track) as _, Some(init))
                .await
                .expect("transceiver");
        }
        let offer = pc.create_offer(None).await.expect("offer");
        pc.set_local_description(offer.clone()).await.expect("local offer");
        outgoing
            .send(json!({"type": "media_offer", "sdp": offer.sdp}))
            .expect("queue");
        // As a browser does: say the microphone and camera are on.
        outgoing
            .send(json!({"type": "set_media_state", "audio": true, "video": true}))
            .expect("queue");

        let offer_ufrags: Arc<Mutex<Vec<String>>> = Arc::default();
        let link = Signalling {
            pc: Arc::clone(&pc),
            events: events_tx,
            outgoing: outgoing.clone(),
            ended: Arc::clone(&ended),
            offer_ufrags: Arc::clone(&offer_ufrags),
            early_candidates: Vec::new(),
            published: false,
        };
        let signalling = tokio::spawn(link.run(ws, to_send));
        let mut ready = connected.clone();
        let sending = tokio::spawn(async move {
            while !*ready.borrow() {
                if ready.changed().await.is_err() {
                    return;
                }
            }
            send_media(audio, video, level).await;
        });
        MediaClient {
            you,
            resume_token,
            received,
            ended,
            offer_ufrags,
            connected,
            outgoing,
            events,
            unread: VecDeque::new(),
            next_id: 1_000_000,
            pc,
            tasks: vec![signalling, sending],
        }
    }

    pub async fn wait_connected(&mut self) {
        let wait = async {
            while !*self.connected.borrow() {
                self.connected.changed().await.expect("connection state");
            }
        };
        tokio::time::timeout(WAIT, wait)
            .await
            .expect("the peer connection connects");
    }

    /// Packets received so far from participant `from`.
    pub fn packets_from(&self, from: u64, kind: RtpCodecKind) -> u64 {
        let key = (format!("p{from}"), kind);
        self.received.lock().unwrap().get(&key).copied().unwrap_or(0)
    }

    /// Waits until packets from `from` of `kind` keep arriving.
    pub async fn wait_for_packets(&self, from: u64, kind: RtpCodecKind, at_least: u64) {
        let wait = async {
            while self.packets_from(from, kind) < at_least {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        if tokio::time::timeout(WAIT, wait).await.is_err() {
            panic!(
                "p{} got only {} {kind} packets from p{from}; all: {:?}",
                self.you,
                self.packets_from(from, kind),
                self.received.lock().unwrap()
            );
        }
    }

    pub async fn request(&mut self, mut message: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        message["id"] = json!(id);
        self.outgoing.send(message).expect("signalling task runs");
        self.expect_where(|m| m["id"] == json!(id), "a reply").await
    }

    pub async fn expect_where(&mut self, wanted: impl Fn(&Value) -> bool, what: &str) -> Value {
        if let Some(at) = self.unread.iter().position(&wanted) {
            return self.unread.remove(at).expect("in range");
        }
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(message)) if wanted(&message) => return message,
                Ok(Some(message)) => self.unread.push_back(message),
                Ok(None) => panic!("the connection closed while waiting for {what}"),
                Err(_) => panic!("no {what} within {WAIT:?}; unread: {:?}", self.unread),
            }
        }
    }

    /// Drops the WebSocket as a lost network does, and resumes on a new one;
    /// the peer connection stays. Returns the reply to `resume`.
    pub async fn resume_on_new_socket(&mut self, url: &str) -> Value {
        self.outgoing
            .send(json!({"type": RESUME_ON, "url": url}))
            .expect("signalling task runs");
        self.expect_where(|m| m["type"] == "joined" || m["code"] == "resume_failed", "the resume")
            .await
    }

    /// Leaves the room and closes the peer connection.
    pub async fn leave(mut self) {
        let _ = self.request(json!({"type": "leave"})).await;
        self.close().await;
    }

    /// Stops the signalling and sending tasks first, and waits until they
    /// have stopped, so no server offer is being applied while the
    /// connection closes (one that crossed a leave used to fail the test).
    pub async fn close(self) {
        for task in self.tasks {
            task.abort();
            let _ = task.await;
        }
        let _ = self.pc.close().await;
    }
}

/// Carries signalling between the WebSocket and the peer connection, and
/// passes every other message to the test.
struct Signalling {
    pc: Arc<dyn PeerConnection>,
    events: mpsc::UnboundedSender<Value>,
    outgoing: mpsc::UnboundedSender<Value>,
    ended: Arc<Mutex<Vec<String>>>,
    offer_ufrags: Arc<Mutex<Vec<String>>>,
    early_candidates: Vec<RTCIceCandidateInit>,
    /// Whether the server has answered our offer. Server offers before that
    /// are for a connection we replaced (a reload): answering one would roll
    /// back our own offer.
    published: bool,
}

/// A message the test sends to its own signalling task: drop the WebSocket
/// without a goodbye and resume on a new one at `url`.
pub const RESUME_ON: &str = "test_resume_on";

impl Signalling {
    async fn run(mut self, mut ws: TestClient, mut to_send: mpsc::UnboundedReceiver<Value>) {
        loop {
            let message = tokio::select! {
                next = to_send.recv() => match next {
                    Some(control) if control["type"] == RESUME_ON => {
                        let token = ws.resume_token.clone().expect("joined");
                        drop(ws);
                        ws = TestClient::greeted(control["url"].as_str().unwrap_or("")).await;
                        let joined = ws.resume(&token).await;
                        let _ = self.events.send(joined);
                        continue;
                    }
                    Some(message) => {
                        if ws.try_send_text(message.to_string()).await.is_err() {
                            return;
                        }
                        continue;
                    }
                    None => return,
                },
                message = ws.next() => match message {
                    Some(message) => message,
                    None => return,
                },
            };
            self.handle(message).await;
        }
    }

    async fn handle(&mut self, message: Value) {
        let sdp = message["sdp"].as_str().unwrap_or("").to_owned();
        match message["type"].as_str() {
            Some("media_answer") => {
                let answer = RTCSessionDescription::answer(sdp).expect("answer");
                self.pc
                    .set_remote_description(answer)
                    .await
                    .expect("the server's answer applies");
                for candidate in self.early_candidates.drain(..) {
                    self.pc.add_ice_candidate(candidate).await.expect("candidate");
                }
                self.published = true;
            }
            Some("media_offer") if !self.published => {}
            Some("media_offer") => {
                if let Some(ufrag) = sdp.lines().find_map(|l| l.strip_prefix("a=ice-ufrag:")) {
                    self.offer_ufrags.lock().unwrap().push(ufrag.trim().to_owned());
                }
                let offer = RTCSessionDescription::offer(sdp).expect("offer");
                self.pc
                    .set_remote_description(offer)
                    .await
                    .expect("the server's offer applies");
                note_ended_tracks(&*self.pc, &self.ended).await;
                let answer = self.pc.create_answer(None).await.expect("answer");
                self.pc
                    .set_local_description(answer.clone())
                    .await
                    .expect("local answer");
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
            _ => {
                let _ = self.events.send(message);
            }
        }
    }
}

/// A track the server stopped sending shows as a receiving transceiver the
/// offer made inactive: no "ended" event comes for it, so look.
async fn note_ended_tracks(pc: &dyn PeerConnection, ended: &Mutex<Vec<String>>) {
    for transceiver in pc.get_transceivers().await {
        let Ok(Some(receiver)) = transceiver.receiver().await else {
            continue;
        };
        let direction = transceiver
            .direction()
            .await
            .unwrap_or(RTCRtpTransceiverDirection::Unspecified);
        if matches!(
            direction,
            RTCRtpTransceiverDirection::Inactive | RTCRtpTransceiverDirection::Sendonly
        ) {
            let stream = receiver.track().stream_id().await;
            let mut ended = ended.lock().unwrap();
            if !ended.contains(&stream) {
                ended.push(stream);
            }
        }
    }
}

/// About 50 Opus packets a second and 100 VP8 packets (three a frame).
async fn send_media(audio: Arc<TrackLocalStaticRTP>, video: Arc<TrackLocalStaticRTP>, level: u8) {
    let (audio_ssrc, video_ssrc) = (audio.ssrcs().await[0], video.ssrcs().await[0]);
    let (mut audio_seq, mut video_seq) = (rand::random::<u16>(), rand::random::<u16>());
    let (mut audio_ts, mut video_ts) = (rand::random::<u32>(), rand::random::<u32>());
    let sent = AtomicU64::new(0);
    let mut tick = tokio::time::interval(Duration::from_millis(10));
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
            payload: vp8_payload(index == 0),
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
                payload: Bytes::from(vec![0xfc_u8; 60]),
            };
            audio_seq = audio_seq.wrapping_add(1);
            audio_ts = audio_ts.wrapping_add(960);
            let level = HeaderExtension::AudioLevel(AudioLevelExtension {
                level,
                voice: level < 127,
            });
            let _ = audio.write_rtp_with_extensions(packet, &[level]).await;
        }
        sent.fetch_add(1, Ordering::Relaxed);
    }
}

/// A VP8 payload descriptor (start of a frame or not) and filler: the server
/// forwards payloads without looking into them.
fn vp8_payload(first_of_frame: bool) -> Bytes {
    let mut payload = vec![if first_of_frame { 0x10 } else { 0x00 }];
    payload.resize(900, 0xaa);
    Bytes::from(payload)
}

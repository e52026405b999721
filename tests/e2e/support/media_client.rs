//! A media participant as a browser would be, for the end-to-end tests: the
//! shared media peer (a real `webrtc` peer connection, `peer_room_testkit`)
//! that publishes synthetic Opus and VP8 and counts what it receives, with its
//! signalling over the scripted WebSocket client. Messages that are not
//! media signalling go to the test.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use peer_room_testkit::impaired_path::{Heard, ImpairedPath, Impairment, delay_line};
use peer_room_testkit::media_peer::{MediaPeer, OnPacket, Signalling, Transport, local_track};
use peer_room_testkit::simulcast::{KeyframeOrder, TopLayer};
use peer_room_testkit::stalled_tcp::Stall;
use peer_room_testkit::{simulcast, synthetic};
use rtc::rtp_transceiver::rtp_sender::RtpCodecKind;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::video_seen::VideoSeen;
use super::{TestClient, WAIT};

/// Packets received, by the sender's stream id (`p3`) and kind.
pub type Received = Arc<Mutex<HashMap<(String, RtpCodecKind), u64>>>;

pub struct MediaClient {
    pub you: u64,
    pub resume_token: String,
    pub received: Received,
    /// Which layer of each camera came, and how its numbering ran.
    pub video_seen: VideoSeen,
    /// Stream ids whose tracks a server offer ended (made inactive).
    pub ended: Arc<Mutex<Vec<String>>>,
    /// The ICE username fragment of every server offer applied, in order:
    /// a new one means the server restarted ICE.
    pub offer_ufrags: Arc<Mutex<Vec<String>>>,
    /// Every candidate the server sent, as it sent it.
    pub server_candidates: Arc<Mutex<Vec<Value>>>,
    /// How many m-lines each server offer had, in order.
    pub offer_mlines: Arc<Mutex<Vec<usize>>>,
    peer: MediaPeer,
    outgoing: mpsc::UnboundedSender<Value>,
    events: mpsc::UnboundedReceiver<Value>,
    unread: VecDeque<Value>,
    next_id: u64,
    tasks: Vec<JoinHandle<()>>,
    /// Set: the next answer to a server offer goes out spoiled.
    spoil_answer: Arc<AtomicBool>,
    /// Datagrams an impaired path lost (stays 0 on a plain one).
    lost: Arc<AtomicUsize>,
    /// The server's RTP an impaired path carried (none on a plain one).
    heard: Heard,
}

impl MediaClient {
    /// Starts media for a client already in the room: offers its microphone
    /// and camera, answers the server's offers, and sends synthetic media at
    /// `level` (RFC 6464: 0 loudest, 127 silence) once connected.
    pub async fn start(ws: TestClient, level: u8) -> MediaClient {
        MediaClient::start_on(ws, level, None, Setup::Plain).await
    }

    /// As `start`, with the camera sent in three simulcast layers
    /// (`peer_room_testkit::simulcast`).
    pub async fn start_simulcast(ws: TestClient, level: u8) -> MediaClient {
        MediaClient::start_on(
            ws,
            level,
            None,
            Setup::Simulcast(KeyframeOrder::InOrder, TopLayer::default()),
        )
        .await
    }

    /// As `start_simulcast`, each keyframe's packets sent in `order`, as a
    /// server sees them when one was lost and repaired.
    pub async fn start_simulcast_keyframes(ws: TestClient, level: u8, order: KeyframeOrder) -> MediaClient {
        MediaClient::start_on(ws, level, None, Setup::Simulcast(order, TopLayer::default())).await
    }

    /// As `start_simulcast`, with its top layer turned off and on by `top`.
    pub async fn start_simulcast_with_top_layer(ws: TestClient, level: u8, top: TopLayer) -> MediaClient {
        MediaClient::start_on(ws, level, None, Setup::Simulcast(KeyframeOrder::InOrder, top)).await
    }

    /// As `start`, with a screen to share offered third (as the web client
    /// does) and frames sent on it from the start: the server forwards them
    /// only while the room says this person shares.
    pub async fn start_with_screen(ws: TestClient, level: u8) -> MediaClient {
        MediaClient::start_on(ws, level, None, Setup::AndScreen).await
    }

    /// As `start`, on a network that `impairment` makes worse: its
    /// signalling delayed, its media through a lossy, slow relay.
    pub async fn start_impaired(ws: TestClient, level: u8, impairment: Impairment) -> MediaClient {
        MediaClient::start_on(ws, level, Some(ImpairedPath::new(impairment)), Setup::Plain).await
    }

    /// As `start`, with no UDP socket: its media goes over ICE over TCP.
    pub async fn start_over_tcp(ws: TestClient, level: u8) -> MediaClient {
        MediaClient::start_on(ws, level, None, Setup::OverTcp(None)).await
    }

    /// As `start_over_tcp`, its TCP reading nothing while `stall` says so.
    pub async fn start_over_stalling_tcp(ws: TestClient, level: u8, stall: Stall) -> MediaClient {
        MediaClient::start_on(ws, level, None, Setup::OverTcp(Some(stall))).await
    }

    async fn start_on(ws: TestClient, level: u8, path: Option<ImpairedPath>, setup: Setup) -> MediaClient {
        let you = ws.you.expect("joined");
        let resume_token = ws.resume_token.clone().expect("joined");
        let (outgoing, to_send) = mpsc::unbounded_channel();
        let (events_tx, events) = mpsc::unbounded_channel();
        let received: Received = Arc::default();
        let counts = Arc::clone(&received);
        let video_seen = VideoSeen::default();
        let seen = video_seen.clone();
        let on_packet: OnPacket = Arc::new(move |stream, kind, packet| {
            *counts.lock().unwrap().entry((stream.to_owned(), kind)).or_insert(0) += 1;
            if kind == RtpCodecKind::Video {
                seen.note(stream, packet);
            }
        });
        let (track, screen) = match setup {
            Setup::Simulcast(..) => (simulcast::camera(), false),
            Setup::Plain | Setup::AndScreen | Setup::OverTcp(_) => (
                local_track(RtpCodecKind::Video, "camera"),
                matches!(setup, Setup::AndScreen),
            ),
        };
        let transport = match &setup {
            Setup::OverTcp(None) => Transport::TcpOnly,
            Setup::OverTcp(Some(stall)) => Transport::TcpStalling(stall.clone()),
            _ => Transport::Udp,
        };
        let (peer, signalling) = MediaPeer::offer_over(outgoing.clone(), on_packet, true, screen, track, transport)
            .await
            .expect("the client's peer connection and offer");
        let camera_mid = peer.camera_mid().await.unwrap_or_default();
        let log = signalling.log();
        let spoil_answer = Arc::new(AtomicBool::new(false));
        let lost = path.as_ref().map_or_else(Arc::default, ImpairedPath::lost);
        let heard = path.as_ref().map_or_else(Heard::default, ImpairedPath::heard);
        let link = Link {
            signalling,
            events: events_tx,
            spoil_answer: Arc::clone(&spoil_answer),
            path,
        };
        let task = tokio::spawn(link.run(ws, to_send));
        let mut ready = peer.connected.clone();
        let (audio, video) = (Arc::clone(&peer.audio), Arc::clone(&peer.video));
        let screen = peer.screen.clone();
        let sending = tokio::spawn(async move {
            while !*ready.borrow() {
                if ready.changed().await.is_err() {
                    return;
                }
            }
            if let Setup::Simulcast(order, top) = setup {
                return simulcast::send(audio, video, camera_mid, level, order, top).await;
            }
            match screen {
                // The screen's frames, with a silent track of its own that
                // no sender carries (a screen has no sound here).
                Some(screen) => {
                    let silent = local_track(RtpCodecKind::Audio, "silent");
                    tokio::join!(
                        synthetic::send(audio, video, level, |_, _| {}),
                        synthetic::send(silent, screen, 127, |_, _| {})
                    );
                }
                None => synthetic::send(audio, video, level, |_, _| {}).await,
            }
        });
        MediaClient {
            you,
            resume_token,
            received,
            video_seen,
            ended: log.ended,
            offer_ufrags: log.offer_ufrags,
            server_candidates: log.server_candidates,
            offer_mlines: log.offer_mlines,
            outgoing,
            events,
            unread: VecDeque::new(),
            next_id: 1_000_000,
            peer,
            tasks: vec![task, sending],
            spoil_answer,
            lost,
            heard,
        }
    }

    /// Datagrams the impaired path lost so far, both ways.
    pub fn lost(&self) -> usize {
        self.lost.load(Ordering::Relaxed)
    }

    /// How many times the server sent each RTP packet of `payload_type`
    /// on the impaired path, by (SSRC, sequence number).
    pub fn heard(&self, payload_type: u8) -> HashMap<(u32, u16), u32> {
        let heard = self.heard.lock().unwrap();
        heard
            .iter()
            .filter(|((pt, ..), _)| *pt == payload_type)
            .map(|(&(_, ssrc, seq), &times)| ((ssrc, seq), times))
            .collect()
    }

    /// Whether the peer connection connects within `within`.
    pub async fn connected_within(&mut self, within: Duration) -> bool {
        self.peer.wait_connected(within).await
    }

    pub async fn wait_connected(&mut self) {
        assert!(self.peer.wait_connected(WAIT).await, "the peer connection connects");
    }

    /// Packets of the screen participant `from` shares, received so far.
    pub fn screen_packets_from(&self, from: u64) -> u64 {
        let key = (format!("s{from}"), RtpCodecKind::Video);
        self.received.lock().unwrap().get(&key).copied().unwrap_or(0)
    }

    /// Waits until at least `at_least` packets of `from`'s shared screen came.
    pub async fn wait_for_screen(&self, from: u64, at_least: u64) {
        let wait = async {
            while self.screen_packets_from(from) < at_least {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        let seen = tokio::time::timeout(WAIT, wait).await;
        assert!(
            seen.is_ok(),
            "{at_least} packets of p{from}'s screen, got {}",
            self.screen_packets_from(from)
        );
    }

    /// Packets received so far from participant `from`.
    pub fn packets_from(&self, from: u64, kind: RtpCodecKind) -> u64 {
        let key = (format!("p{from}"), kind);
        self.received.lock().unwrap().get(&key).copied().unwrap_or(0)
    }

    /// Whether `at_least` packets of `kind` from `from` have come within `within`.
    pub async fn receives_within(&self, from: u64, kind: RtpCodecKind, at_least: u64, within: Duration) -> bool {
        let wait = async {
            while self.packets_from(from, kind) < at_least {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        tokio::time::timeout(within, wait).await.is_ok()
    }

    /// Waits until packets from `from` of `kind` keep arriving.
    pub async fn wait_for_packets(&self, from: u64, kind: RtpCodecKind, at_least: u64) {
        if !self.receives_within(from, kind, at_least, WAIT).await {
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

    /// Resumes on a new socket and waits for the server's ICE-restart offer
    /// (one with a fresh ufrag), as a page whose network changed would.
    pub async fn resume_with_ice_restart(&mut self, url: &str) {
        let before = self.offer_ufrags.lock().unwrap().clone();
        let joined = self.resume_on_new_socket(url).await;
        assert_eq!(joined["type"], "joined", "{joined}");
        let restarted = async {
            loop {
                let ufrags = self.offer_ufrags.lock().unwrap().clone();
                if ufrags.len() > before.len() && ufrags.last() != before.last() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(10), restarted)
            .await
            .expect("an ICE-restart offer with a fresh ufrag");
    }

    /// The number of offers the server has sent this connection so far.
    pub fn offers_received(&self) -> usize {
        self.offer_ufrags.lock().unwrap().len()
    }

    /// Messages of `kind` that came and were not waited for.
    pub fn unread_of(&mut self, kind: &str) -> Vec<Value> {
        while let Ok(message) = self.events.try_recv() {
            self.unread.push_back(message);
        }
        self.unread.iter().filter(|m| m["type"] == kind).cloned().collect()
    }

    /// The next answer to a server offer goes out as SDP no one can apply,
    /// as from a client whose signalling went wrong.
    pub fn spoil_next_answer(&self) {
        self.spoil_answer.store(true, Ordering::Release);
    }

    /// Leaves the room and closes the peer connection.
    pub async fn leave(mut self) {
        let _ = self.request(json!({"type": "leave"})).await;
        // The server closes the socket after a leave. Waiting for that close
        // keeps it the server's ("left"): dropped under it at once, the socket
        // could be counted as a client that went away.
        let closed = async { while self.events.recv().await.is_some() {} };
        let _ = tokio::time::timeout(WAIT, closed).await;
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
        let _ = self.peer.pc.close().await;
    }
}

/// What a client offers to send besides its microphone, and how it
/// reaches the server.
#[derive(Clone, Debug)]
enum Setup {
    Plain,
    AndScreen,
    /// The camera in three simulcast layers.
    Simulcast(KeyframeOrder, TopLayer),
    /// Plain, with no UDP socket: ICE over TCP only (its reading stalled
    /// on demand).
    OverTcp(Option<Stall>),
}

/// Carries messages between the WebSocket and the peer connection's
/// signalling, and passes every other message to the test.
struct Link {
    signalling: Signalling,
    events: mpsc::UnboundedSender<Value>,
    spoil_answer: Arc<AtomicBool>,
    /// The network between this client and the server, if made worse.
    path: Option<ImpairedPath>,
}

/// A message the test sends to its own signalling task: drop the WebSocket
/// without a goodbye and resume on a new one at `url`.
pub const RESUME_ON: &str = "test_resume_on";

impl Link {
    async fn run(mut self, mut ws: TestClient, to_send: mpsc::UnboundedReceiver<Value>) {
        // Both ways through the path's delay (none on a plain path).
        let one_way = self.path.as_ref().map_or(Duration::ZERO, |p| p.impairment.one_way);
        let mut to_send = delay_line(to_send, one_way);
        let (arrived, arriving) = mpsc::unbounded_channel::<Value>();
        let mut arrived = Some(arrived);
        let mut inbound = delay_line(arriving, one_way);
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
                    Some(mut message) => {
                        if message["type"] == "media_answer" && self.spoil_answer.swap(false, Ordering::AcqRel) {
                            message["sdp"] = json!("v=0\r\nnot an answer\r\n");
                        }
                        let message = match &self.path {
                            Some(path) => path.outbound(message),
                            None => Some(message),
                        };
                        // A socket the server closed drops what is sent; what
                        // it said before closing is still read below.
                        if let Some(message) = message {
                            let _ = ws.try_send_text(message.to_string()).await;
                        }
                        continue;
                    }
                    None => return,
                },
                message = ws.next(), if arrived.is_some() => {
                    match (message, &arrived) {
                        (Some(message), Some(arrived)) => {
                            let _ = arrived.send(message);
                        }
                        // Closed: what is still on its way arrives first.
                        _ => arrived = None,
                    }
                    continue;
                }
                message = inbound.recv() => match message {
                    Some(message) => message,
                    None => return,
                },
            };
            let message = match self.path.as_mut() {
                Some(path) => path.inbound(message).await.expect("a relay for the server's candidate"),
                None => message,
            };
            let handled = self.signalling.handle(&message).await;
            match handled {
                Ok(true) => {}
                Ok(false) => {
                    let _ = self.events.send(message);
                }
                Err(error) => panic!("the server's {} did not apply: {error:#}", message["type"]),
            }
        }
    }
}

//! A synthetic media participant, as a browser would be: the shared media
//! peer (`peer_room_testkit`: one real `webrtc` peer connection with the
//! server, offered once with a microphone and a camera, answering the
//! server's offers after that). A publisher sends synthetic Opus and VP8
//! stamped with who sent it and when; everyone counts and times what arrives.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use peer_room_testkit::media_peer::{MediaPeer as Peer, OnPacket, Signalling, SignallingLog};
use peer_room_testkit::synthetic;
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use super::packets::{MediaCounters, Stamp};
use crate::ws::{Entered, Socket};
use peer_room_testkit::impaired_path::{ImpairedPath, Impairment, delay_line};

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
    /// When the first packet from each publisher (by its `Publishing`
    /// number) arrived.
    pub first_from: Arc<Mutex<HashMap<u32, Instant>>>,
    /// What the signalling saw: the server's offers, among others.
    pub log: SignallingLog,
    peer: Peer,
    /// To the server, through the signalling task.
    outgoing: mpsc::UnboundedSender<Value>,
    tasks: Vec<JoinHandle<()>>,
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
        Self::start_delayed(entered, publishing, counters, Duration::ZERO).await
    }

    /// As `start`, with `one_way` added to every message and packet each way
    /// (`delay.rs`): half the added round trip.
    pub async fn start_delayed(
        entered: Entered,
        publishing: Option<Publishing>,
        counters: Arc<MediaCounters>,
        one_way: Duration,
    ) -> anyhow::Result<(MediaPeer, watch::Receiver<Option<Instant>>)> {
        let (outgoing, to_send) = mpsc::unbounded_channel();
        let (first_tx, first_packet) = watch::channel(None);
        let arrivals = Arc::clone(&counters);
        let first_from: Arc<Mutex<HashMap<u32, Instant>>> = Arc::default();
        let firsts = Arc::clone(&first_from);
        let on_packet: OnPacket = Arc::new(move |_, _, packet| {
            let now = Instant::now();
            if first_tx.borrow().is_none() {
                first_tx.send_replace(Some(now));
            }
            if let Some(stamp) = Stamp::read(&packet.payload) {
                arrivals.received(&stamp, now);
                lock(&firsts).entry(stamp.publisher).or_insert(now);
            }
        });
        let (peer, signalling) = Peer::offer(outgoing.clone(), on_packet, publishing.is_some(), false).await?;
        let log = signalling.log();
        let path = (!one_way.is_zero()).then(|| ImpairedPath::new(Impairment::delay(one_way)));
        let mut tasks = vec![tokio::spawn(run_signalling(signalling, entered.socket, to_send, path))];
        if let Some(publishing) = publishing {
            let mut ready = peer.connected.clone();
            let (audio, video) = (Arc::clone(&peer.audio), Arc::clone(&peer.video));
            tasks.push(tokio::spawn(async move {
                while !*ready.borrow() {
                    if ready.changed().await.is_err() {
                        return;
                    }
                }
                let stamp = |video: bool, payload: &mut [u8]| counters.sending(&publishing, video).write(payload);
                synthetic::send(audio, video, publishing.level, stamp).await;
            }));
        }
        let media = MediaPeer {
            you: entered.you,
            first_from,
            log,
            peer,
            outgoing,
            tasks,
        };
        Ok((media, first_packet))
    }

    /// Whether the peer connection is connected, as it changes.
    pub fn connected(&self) -> watch::Receiver<bool> {
        self.peer.connected.clone()
    }

    /// Waits until the peer connection is connected, or `within` passes.
    pub async fn wait_connected(&mut self, within: Duration) -> bool {
        self.peer.wait_connected(within).await
    }

    /// Sends a message to the server as this person (through the added
    /// delay, if any).
    pub fn send(&self, message: Value) {
        let _ = self.outgoing.send(message);
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
        let _ = self.peer.pc.close().await;
    }
}

/// Set when the server refused a signalling step: a run should not go on
/// as if media were flowing.
pub static SIGNALLING_FAILED: AtomicBool = AtomicBool::new(false);

/// Carries signalling between the WebSocket and the peer connection; the
/// room's other events are read and dropped. With a delayed path, every
/// message waits its one-way delay in each direction and candidates are
/// rewritten to go through the relays.
async fn run_signalling(
    mut signalling: Signalling,
    ws: Socket,
    to_send: mpsc::UnboundedReceiver<Value>,
    mut path: Option<ImpairedPath>,
) {
    let one_way = path.as_ref().map_or(Duration::ZERO, |p| p.impairment.one_way);
    let (mut sink, mut stream) = ws.split();
    let (inbound_tx, inbound) = mpsc::unbounded_channel();
    let reader = tokio::spawn(async move {
        while let Some(Ok(frame)) = stream.next().await {
            if let Message::Text(text) = frame
                && let Ok(message) = serde_json::from_str::<Value>(text.as_str())
                && inbound_tx.send(message).is_err()
            {
                return;
            }
        }
    });
    let (mut to_send, mut inbound) = (delay_line(to_send, one_way), delay_line(inbound, one_way));
    loop {
        tokio::select! {
            next = to_send.recv() => match next {
                Some(message) => {
                    let Some(message) = (match &path {
                        Some(path) => path.outbound(message),
                        None => Some(message),
                    }) else {
                        continue;
                    };
                    if sink.send(Message::Text(message.to_string().into())).await.is_err() {
                        break;
                    }
                }
                None => break,
            },
            message = inbound.recv() => {
                let Some(mut message) = message else { break };
                if let Some(path) = path.as_mut() {
                    match path.inbound(message).await {
                        Ok(rewritten) => message = rewritten,
                        Err(error) => {
                            eprintln!("  media signalling: no relay: {error:#}");
                            SIGNALLING_FAILED.store(true, Ordering::Relaxed);
                            break;
                        }
                    }
                }
                let refused = match signalling.handle(&message).await {
                    Err(error) => Some(format!("{error:#}")),
                    Ok(false) if message["type"] == "error" => Some(format!("the server refused: {message}")),
                    Ok(_) => None,
                };
                if let Some(why) = refused {
                    eprintln!("  media signalling: {why}");
                    SIGNALLING_FAILED.store(true, Ordering::Relaxed);
                }
            }
        }
    }
    reader.abort();
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

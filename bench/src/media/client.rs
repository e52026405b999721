//! A synthetic media participant, as a browser would be: the shared media
//! peer (`peer_room_testkit`: one real `webrtc` peer connection with the
//! server, offered once with a microphone and a camera, answering the
//! server's offers after that). A publisher sends synthetic Opus and VP8
//! stamped with who sent it and when; everyone counts and times what arrives.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use peer_room_testkit::media_peer::{MediaPeer as Peer, OnPacket, Signalling};
use peer_room_testkit::synthetic;
use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use super::packets::{MediaCounters, Stamp};
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
        let (outgoing, to_send) = mpsc::unbounded_channel();
        let (first_tx, first_packet) = watch::channel(None);
        let arrivals = Arc::clone(&counters);
        let on_packet: OnPacket = Arc::new(move |_, _, packet| {
            let now = Instant::now();
            if first_tx.borrow().is_none() {
                first_tx.send_replace(Some(now));
            }
            if let Some(stamp) = Stamp::read(&packet.payload) {
                arrivals.received(&stamp, now);
            }
        });
        let (peer, signalling) = Peer::offer(outgoing.clone(), on_packet, publishing.is_some()).await?;
        let mut tasks = vec![tokio::spawn(run_signalling(signalling, entered.socket, to_send))];
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
            peer,
            outgoing,
            tasks,
        };
        Ok((media, first_packet))
    }

    /// Waits until the peer connection is connected, or `within` passes.
    pub async fn wait_connected(&mut self, within: Duration) -> bool {
        self.peer.wait_connected(within).await
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
/// room's other events are read and dropped.
async fn run_signalling(mut signalling: Signalling, mut ws: Socket, mut to_send: mpsc::UnboundedReceiver<Value>) {
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
                    let Ok(message) = serde_json::from_str::<Value>(text.as_str()) else {
                        continue;
                    };
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
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return,
            },
        }
    }
}

//! A client's network, made worse in user space (the kernel here has no
//! netem): every WebSocket message waits half the round trip each way, and
//! the media goes through a UDP relay per server candidate that holds each
//! datagram for half the round trip each way, loses some at random, and can
//! lose the first DTLS datagrams on purpose. The client learns only the
//! relay's address (the server's candidates are rewritten) and the server
//! only the relay's (the client's candidates are not sent: the server meets
//! the client as a peer-reflexive candidate through the relay), so no packet
//! takes a shorter path. Loopback only. The admit benchmark uses it for an
//! added round trip; the end-to-end tests for media setup on a lossy link.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// What the path does to a client's traffic.
#[derive(Clone, Copy, Debug, Default)]
pub struct Impairment {
    /// Added to every message and datagram in each direction.
    pub one_way: Duration,
    /// The share of datagrams lost in each direction, 0.0 to 1.0.
    pub loss: f64,
    /// DTLS datagrams lost in each direction before any gets through: the
    /// handshake's first flights, lost on purpose.
    pub lost_dtls: usize,
    /// Server DTLS datagrams lost on their way to the client, chosen by
    /// number: a flight in the middle of the handshake, lost once.
    pub server_dtls_lost: DtlsLoss,
    /// Seeds the losses, so that a failing run can be run again as it was.
    pub seed: u64,
}

/// The server's DTLS datagrams numbered `from..from + count`, counting
/// from 0 in the order they reach the relay.
#[derive(Clone, Copy, Debug, Default)]
pub struct DtlsLoss {
    pub from: usize,
    pub count: usize,
    /// When set, the client repeats its own latest DTLS datagram this long
    /// after each loss, as a browser does: its handshake timer starts from
    /// the measured round trip, far sooner than the `webrtc` crate's 1 s,
    /// which the test client has. The server then hears the repeat before
    /// its own timer fires, as it does from Chromium.
    pub client_repeats_after: Option<Duration>,
}

/// The same DTLS records numbered anew from `first`, as a peer's
/// retransmission is (RFC 6347 4.2.4): a verbatim copy would be dropped by
/// the receiver's replay window. Epoch 0 only: those records carry no MAC,
/// so renumbering them spoils nothing.
pub fn renumbered(datagram: &[u8], first: u64) -> Vec<u8> {
    let mut copy = datagram.to_vec();
    let mut next = first;
    let mut at = 0;
    while at + 13 <= copy.len() {
        if copy[at + 3..at + 5] == [0, 0] {
            copy[at + 5..at + 11].copy_from_slice(&next.to_be_bytes()[2..]);
            next += 1;
        }
        let length = u16::from_be_bytes([copy[at + 11], copy[at + 12]]) as usize;
        at += 13 + length;
    }
    copy
}

/// The highest record sequence number among a datagram's epoch-0 records.
fn highest_record_sequence(datagram: &[u8]) -> Option<u64> {
    let mut highest = None;
    let mut at = 0;
    while at + 13 <= datagram.len() {
        if datagram[at + 3..at + 5] == [0, 0] {
            let mut sequence = [0u8; 8];
            sequence[2..].copy_from_slice(&datagram[at + 5..at + 11]);
            highest = highest.max(Some(u64::from_be_bytes(sequence)));
        }
        let length = u16::from_be_bytes([datagram[at + 11], datagram[at + 12]]) as usize;
        at += 13 + length;
    }
    highest
}

/// How far ahead of the client's own record numbers its repeats are
/// numbered: ahead, so its own later records are not taken for replays,
/// and within the receiver's 64-record replay window of them, so they are
/// not taken for stale ones either.
const REPEAT_NUMBERS_AHEAD: u64 = 24;

impl Impairment {
    /// Only a round trip added.
    pub fn delay(one_way: Duration) -> Impairment {
        Impairment {
            one_way,
            ..Impairment::default()
        }
    }
}

/// RFC 7983: a first byte from 20 to 63 is DTLS (the rest is STUN, RTP or
/// RTCP).
fn is_dtls(datagram: &[u8]) -> bool {
    datagram.first().is_some_and(|b| (20..=63).contains(b))
}

/// Which datagrams one direction of a relay lets through.
struct Losses {
    random: StdRng,
    loss: f64,
    dtls_to_lose: usize,
    /// DTLS datagrams seen so far, and which of them to lose.
    dtls_seen: usize,
    chosen: DtlsLoss,
}

/// The RTP datagrams the server sent towards the client, before the path
/// lost any: how many times each (payload type, SSRC, sequence number)
/// came. What a test reads the server's repairs with (RTP headers are in
/// the clear under SRTP).
pub type Heard = Arc<Mutex<HashMap<(u8, u32, u16), u32>>>;

/// Packets a `Heard` keeps at most: a test's worth.
const MAX_HEARD: usize = 100_000;

/// Notes an RTP datagram (not RTCP, RFC 5761) in `heard`.
fn hear(datagram: &[u8], heard: &Heard) {
    let &[first, second, s0, s1, _, _, _, _, x0, x1, x2, x3, ..] = datagram else {
        return;
    };
    let rtp = first >> 6 == 2 && !(192..=223).contains(&second);
    if !rtp {
        return;
    }
    let key = (
        second & 0x7f,
        u32::from_be_bytes([x0, x1, x2, x3]),
        u16::from_be_bytes([s0, s1]),
    );
    let mut heard = heard.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if heard.len() < MAX_HEARD || heard.contains_key(&key) {
        *heard.entry(key).or_insert(0) += 1;
    }
}

/// Which way a datagram goes through the relay.
const TO_CLIENT: u64 = 0;
const TO_SERVER: u64 = 1;

impl Losses {
    fn new(impairment: &Impairment, direction: u64) -> Losses {
        Losses {
            random: StdRng::seed_from_u64(impairment.seed.wrapping_mul(2).wrapping_add(direction)),
            loss: impairment.loss.clamp(0.0, 1.0),
            dtls_to_lose: impairment.lost_dtls,
            dtls_seen: 0,
            chosen: if direction == TO_CLIENT {
                impairment.server_dtls_lost
            } else {
                DtlsLoss::default()
            },
        }
    }

    /// Whether the datagram gets through; a chosen DTLS loss is told apart
    /// (the client may answer it with a repeat).
    fn lets_through(&mut self, datagram: &[u8], lost: &AtomicUsize) -> bool {
        self.decide(datagram, lost) == Fate::Through
    }

    fn decide(&mut self, datagram: &[u8], lost: &AtomicUsize) -> Fate {
        let number = if is_dtls(datagram) {
            self.dtls_seen += 1;
            Some(self.dtls_seen - 1)
        } else {
            None
        };
        let chosen = number.is_some_and(|n| n >= self.chosen.from && n - self.chosen.from < self.chosen.count);
        let lose = if chosen {
            lost.fetch_add(1, Ordering::Relaxed);
            return Fate::ChosenLoss;
        } else if self.dtls_to_lose > 0 && number.is_some() {
            self.dtls_to_lose -= 1;
            true
        } else {
            self.loss > 0.0 && self.random.random_bool(self.loss)
        };
        if lose {
            lost.fetch_add(1, Ordering::Relaxed);
            return Fate::Lost;
        }
        Fate::Through
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    Through,
    Lost,
    ChosenLoss,
}

/// Everything put in comes out `by` later, in order.
pub fn delay_line<T: Send + 'static>(
    mut input: mpsc::UnboundedReceiver<T>,
    by: Duration,
) -> mpsc::UnboundedReceiver<T> {
    if by.is_zero() {
        return input;
    }
    let (stamped_tx, mut stamped) = mpsc::unbounded_channel();
    let (output, out) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(item) = input.recv().await {
            if stamped_tx.send((Instant::now() + by, item)).is_err() {
                return;
            }
        }
    });
    tokio::spawn(async move {
        while let Some((due, item)) = stamped.recv().await {
            tokio::time::sleep_until(due).await;
            if output.send(item).is_err() {
                return;
            }
        }
    });
    out
}

/// A UDP relay in front of one server address, doing to each datagram what
/// the `Impairment` says, in either direction.
pub struct UdpRelay {
    pub addr: SocketAddr,
    /// Datagrams lost so far, both ways.
    pub lost: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Drop for UdpRelay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl UdpRelay {
    pub async fn start(server: SocketAddr, impairment: Impairment) -> anyhow::Result<UdpRelay> {
        UdpRelay::counting_in(server, impairment, Arc::default(), Heard::default()).await
    }

    /// As `start`, counting its losses in `lost` and the server's RTP in `heard`.
    async fn counting_in(
        server: SocketAddr,
        impairment: Impairment,
        lost: Arc<AtomicUsize>,
        heard: Heard,
    ) -> anyhow::Result<UdpRelay> {
        anyhow::ensure!(server.ip().is_loopback(), "loopback only, not {server}");
        let socket = Arc::new(UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await?);
        let addr = socket.local_addr()?;
        let (send_tx, send_rx) = mpsc::unbounded_channel::<(SocketAddr, Vec<u8>)>();
        let mut sends = delay_line(send_rx, impairment.one_way);
        let sender = Arc::clone(&socket);
        let counted = Arc::clone(&lost);
        let (mut to_client, mut to_server) = (Losses::new(&impairment, TO_CLIENT), Losses::new(&impairment, TO_SERVER));
        let task = tokio::spawn(async move {
            let forward = tokio::spawn(async move {
                while let Some((to, datagram)) = sends.recv().await {
                    let _ = sender.send_to(&datagram, to).await;
                }
            });
            let mut client: Option<SocketAddr> = None;
            let mut clients_last_dtls: Option<Vec<u8>> = None;
            let mut next_repeat_number = 0;
            let mut buffer = vec![0u8; 2048];
            while let Ok((len, from)) = socket.recv_from(&mut buffer).await {
                let datagram = &buffer[..len];
                let to = if from == server {
                    let Some(client) = client else { continue };
                    hear(datagram, &heard);
                    match to_client.decide(datagram, &counted) {
                        Fate::Through => client,
                        Fate::Lost => continue,
                        Fate::ChosenLoss => {
                            let repeat = clients_last_dtls
                                .as_deref()
                                .zip(impairment.server_dtls_lost.client_repeats_after);
                            if let Some((last, after)) = repeat {
                                let mine = highest_record_sequence(last).unwrap_or(0);
                                next_repeat_number = next_repeat_number.max(mine + REPEAT_NUMBERS_AHEAD);
                                let again = renumbered(last, next_repeat_number);
                                next_repeat_number += 8;
                                let sender = Arc::clone(&socket);
                                tokio::spawn(async move {
                                    tokio::time::sleep(after).await;
                                    let _ = sender.send_to(&again, server).await;
                                });
                            }
                            continue;
                        }
                    }
                } else {
                    client = Some(from);
                    if is_dtls(datagram) {
                        clients_last_dtls = Some(datagram.to_vec());
                    }
                    if !to_server.lets_through(datagram, &counted) {
                        continue;
                    }
                    server
                };
                if send_tx.send((to, buffer[..len].to_vec())).is_err() {
                    break;
                }
            }
            forward.abort();
        });
        Ok(UdpRelay { addr, lost, task })
    }
}

/// A client's view of the impaired network: its relays, and how its
/// signalling is rewritten.
pub struct ImpairedPath {
    pub impairment: Impairment,
    relays: HashMap<SocketAddr, UdpRelay>,
    /// Datagrams its relays lost, both ways.
    lost: Arc<AtomicUsize>,
    heard: Heard,
}

impl ImpairedPath {
    pub fn new(impairment: Impairment) -> ImpairedPath {
        ImpairedPath {
            impairment,
            relays: HashMap::new(),
            lost: Arc::default(),
            heard: Heard::default(),
        }
    }

    /// The server's RTP on its way to the client, before any was lost, as
    /// `lost` is readable later.
    pub fn heard(&self) -> Heard {
        Arc::clone(&self.heard)
    }

    /// Datagrams its relays have lost so far, now and later: the count
    /// stays readable once the path has moved into a signalling task.
    pub fn lost(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.lost)
    }

    /// A server message on its way to the client: its candidates point at
    /// relays instead.
    pub async fn inbound(&mut self, mut message: Value) -> anyhow::Result<Value> {
        if message["type"] == "ice_candidate"
            && let Some(candidate) = message["candidate"]["candidate"].as_str()
        {
            let rewritten = self.relayed(candidate).await?;
            message["candidate"]["candidate"] = Value::String(rewritten);
        }
        if let Some(sdp) = message["sdp"].as_str() {
            let mut lines = Vec::new();
            for line in sdp.split("\r\n") {
                match line.strip_prefix("a=") {
                    Some(candidate) if candidate.starts_with("candidate:") => {
                        lines.push(format!("a={}", self.relayed(candidate).await?));
                    }
                    _ => lines.push(line.to_owned()),
                }
            }
            message["sdp"] = Value::String(lines.join("\r\n"));
        }
        Ok(message)
    }

    /// A client message on its way to the server: None if it must not go
    /// (its own candidates), the rest with candidate lines taken out.
    pub fn outbound(&self, mut message: Value) -> Option<Value> {
        if message["type"] == "ice_candidate" {
            return None;
        }
        if let Some(sdp) = message["sdp"].as_str() {
            let kept: Vec<&str> = sdp.split("\r\n").filter(|l| !l.starts_with("a=candidate:")).collect();
            message["sdp"] = Value::String(kept.join("\r\n"));
        }
        Some(message)
    }

    /// The candidate with its address replaced by a relay's in front of it.
    async fn relayed(&mut self, candidate: &str) -> anyhow::Result<String> {
        let mut fields: Vec<String> = candidate.split(' ').map(str::to_owned).collect();
        let (Some(ip), Some(port)) = (fields.get(4), fields.get(5)) else {
            return Ok(candidate.to_owned());
        };
        let (Ok(ip), Ok(port)) = (ip.parse::<IpAddr>(), port.parse::<u16>()) else {
            return Ok(candidate.to_owned());
        };
        let server = SocketAddr::new(ip, port);
        if !self.relays.contains_key(&server) {
            let relay = UdpRelay::counting_in(server, self.impairment, self.lost(), self.heard()).await?;
            self.relays.insert(server, relay);
        }
        let relay = self.relays[&server].addr;
        fields[4] = relay.ip().to_string();
        fields[5] = relay.port().to_string();
        Ok(fields.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_datagram_takes_the_round_trip_and_comes_back_from_the_relay() {
        let server = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let client = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
        let relay = UdpRelay::start(
            server.local_addr().unwrap(),
            Impairment::delay(Duration::from_millis(50)),
        )
        .await
        .unwrap();
        let start = std::time::Instant::now();
        client.send_to(b"ping", relay.addr).await.unwrap();
        let mut buffer = [0u8; 16];
        let (len, from) = server.recv_from(&mut buffer).await.unwrap();
        assert_eq!((&buffer[..len], from), (&b"ping"[..], relay.addr));
        server.send_to(b"pong", from).await.unwrap();
        let (len, from) = client.recv_from(&mut buffer).await.unwrap();
        assert_eq!((&buffer[..len], from), (&b"pong"[..], relay.addr));
        // A lower bound only: a delay line cannot deliver early, however busy the machine.
        assert!(start.elapsed() >= Duration::from_millis(100), "{:?}", start.elapsed());
    }

    #[tokio::test]
    async fn candidates_are_rewritten_one_way_and_held_back_the_other() {
        let mut path = ImpairedPath::new(Impairment::delay(Duration::from_millis(1)));
        let message = serde_json::json!({"type": "ice_candidate", "candidate": {
            "candidate": "candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host", "sdpMid": "0"}});
        let rewritten = path.inbound(message).await.unwrap();
        let candidate = rewritten["candidate"]["candidate"].as_str().unwrap();
        assert!(candidate.starts_with("candidate:1 1 udp 2130706431 127.0.0.1 "));
        assert!(!candidate.contains(" 40000 "), "{candidate}");
        assert!(
            path.outbound(rewritten).is_none(),
            "the client's own candidates stay home"
        );
        let offer = serde_json::json!({"type": "media_offer", "sdp": "v=0\r\na=candidate:1 1 udp 1 127.0.0.1 5 typ host\r\na=mid:0"});
        assert_eq!(path.outbound(offer).unwrap()["sdp"], "v=0\r\na=mid:0");
    }

    #[test]
    fn the_first_dtls_datagrams_are_lost_and_the_rest_at_the_rate_asked() {
        let impairment = Impairment {
            loss: 0.05,
            lost_dtls: 2,
            seed: 7,
            ..Impairment::default()
        };
        let lost = AtomicUsize::new(0);
        let mut losses = Losses::new(&impairment, 0);
        let stun = [0u8, 1, 0, 0];
        let dtls_hello = [22u8, 254, 253, 0];
        assert!(!losses.lets_through(&dtls_hello, &lost));
        assert!(!losses.lets_through(&dtls_hello, &lost));
        let through = (0..10_000).filter(|_| losses.lets_through(&stun, &lost)).count();
        assert!(
            (9_300..=9_700).contains(&through),
            "{through} of 10000 through at 5% loss"
        );
        assert_eq!(lost.load(Ordering::Relaxed), 2 + 10_000 - through);
        assert!(!is_dtls(&stun) && is_dtls(&dtls_hello) && !is_dtls(&[128u8, 96]));
    }

    #[test]
    fn a_repeat_renumbers_epoch_0_records_and_leaves_the_rest() {
        // Two records: a handshake record in epoch 0 (sequence 6, 2 bytes)
        // and an encrypted one in epoch 1 (sequence 7, 1 byte).
        let datagram = [
            22, 254, 253, 0, 0, 0, 0, 0, 0, 0, 6, 0, 2, 0xaa, 0xbb, //
            22, 254, 253, 0, 1, 0, 0, 0, 0, 0, 7, 0, 1, 0xcc,
        ];
        assert_eq!(highest_record_sequence(&datagram), Some(6), "epoch 0 only");
        let again = renumbered(&datagram, 0x1234);
        assert_eq!(&again[5..11], &[0, 0, 0, 0, 0x12, 0x34]);
        assert_eq!(&again[11..], &datagram[11..], "the rest, epoch 1 included, untouched");
        assert_eq!(
            renumbered(&datagram[..5], 1),
            &datagram[..5],
            "a torn record is left as it is"
        );
    }
}

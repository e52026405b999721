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
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
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
    /// Seeds the losses, so that a failing run can be run again as it was.
    pub seed: u64,
}

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
}

impl Losses {
    fn new(impairment: &Impairment, direction: u64) -> Losses {
        Losses {
            random: StdRng::seed_from_u64(impairment.seed.wrapping_mul(2).wrapping_add(direction)),
            loss: impairment.loss.clamp(0.0, 1.0),
            dtls_to_lose: impairment.lost_dtls,
        }
    }

    fn lets_through(&mut self, datagram: &[u8], lost: &AtomicUsize) -> bool {
        let lose = if self.dtls_to_lose > 0 && is_dtls(datagram) {
            self.dtls_to_lose -= 1;
            true
        } else {
            self.loss > 0.0 && self.random.random_bool(self.loss)
        };
        if lose {
            lost.fetch_add(1, Ordering::Relaxed);
        }
        !lose
    }
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
        UdpRelay::counting_in(server, impairment, Arc::default()).await
    }

    /// As `start`, counting its losses in `lost`.
    async fn counting_in(
        server: SocketAddr,
        impairment: Impairment,
        lost: Arc<AtomicUsize>,
    ) -> anyhow::Result<UdpRelay> {
        anyhow::ensure!(server.ip().is_loopback(), "loopback only, not {server}");
        let socket = Arc::new(UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await?);
        let addr = socket.local_addr()?;
        let (send_tx, send_rx) = mpsc::unbounded_channel::<(SocketAddr, Vec<u8>)>();
        let mut sends = delay_line(send_rx, impairment.one_way);
        let sender = Arc::clone(&socket);
        let counted = Arc::clone(&lost);
        let (mut to_client, mut to_server) = (Losses::new(&impairment, 0), Losses::new(&impairment, 1));
        let task = tokio::spawn(async move {
            let forward = tokio::spawn(async move {
                while let Some((to, datagram)) = sends.recv().await {
                    let _ = sender.send_to(&datagram, to).await;
                }
            });
            let mut client: Option<SocketAddr> = None;
            let mut buffer = vec![0u8; 2048];
            while let Ok((len, from)) = socket.recv_from(&mut buffer).await {
                let datagram = &buffer[..len];
                let to = if from == server {
                    match client {
                        Some(client) if to_client.lets_through(datagram, &counted) => client,
                        _ => continue,
                    }
                } else {
                    client = Some(from);
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
}

impl ImpairedPath {
    pub fn new(impairment: Impairment) -> ImpairedPath {
        ImpairedPath {
            impairment,
            relays: HashMap::new(),
            lost: Arc::default(),
        }
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
            let relay = UdpRelay::counting_in(server, self.impairment, self.lost()).await?;
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
}

//! Added round trip for a synthetic client, in user space (the kernel here
//! has no netem): every WebSocket message waits half the round trip each
//! way, and the media goes through a UDP relay per server candidate that
//! holds each datagram for half the round trip each way. The client learns
//! only the relay's address (the server's candidates are rewritten) and the
//! server only the relay's (the client's candidates are not sent: the
//! server meets the client as a peer-reflexive candidate through the relay),
//! so no packet takes a shorter path. Loopback only.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

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

/// A UDP relay in front of one server address, holding each datagram for
/// `one_way` in either direction.
pub struct UdpDelayRelay {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for UdpDelayRelay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl UdpDelayRelay {
    pub async fn start(server: SocketAddr, one_way: Duration) -> anyhow::Result<UdpDelayRelay> {
        anyhow::ensure!(server.ip().is_loopback(), "loopback only, not {server}");
        let socket = Arc::new(UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)).await?);
        let addr = socket.local_addr()?;
        let (send_tx, send_rx) = mpsc::unbounded_channel::<(SocketAddr, Vec<u8>)>();
        let mut sends = delay_line(send_rx, one_way);
        let sender = Arc::clone(&socket);
        let task = tokio::spawn(async move {
            let forward = tokio::spawn(async move {
                while let Some((to, datagram)) = sends.recv().await {
                    let _ = sender.send_to(&datagram, to).await;
                }
            });
            let mut client: Option<SocketAddr> = None;
            let mut buffer = vec![0u8; 2048];
            while let Ok((len, from)) = socket.recv_from(&mut buffer).await {
                let to = if from == server {
                    match client {
                        Some(client) => client,
                        None => continue,
                    }
                } else {
                    client = Some(from);
                    server
                };
                if send_tx.send((to, buffer[..len].to_vec())).is_err() {
                    break;
                }
            }
            forward.abort();
        });
        Ok(UdpDelayRelay { addr, task })
    }
}

/// A client's view of the network with the round trip added: its relays,
/// and how its signalling is rewritten.
pub struct DelayedPath {
    pub one_way: Duration,
    relays: HashMap<SocketAddr, UdpDelayRelay>,
}

impl DelayedPath {
    pub fn new(one_way: Duration) -> DelayedPath {
        DelayedPath {
            one_way,
            relays: HashMap::new(),
        }
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
            let relay = UdpDelayRelay::start(server, self.one_way).await?;
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
        let relay = UdpDelayRelay::start(server.local_addr().unwrap(), Duration::from_millis(50))
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
        let mut path = DelayedPath::new(Duration::from_millis(1));
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
}

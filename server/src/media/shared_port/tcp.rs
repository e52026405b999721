//! ICE over TCP on the shared media port's number: one listener for every
//! connection, so an operator opens one port, UDP and TCP.
//!
//! A browser that cannot use UDP opens a TCP connection to the server's
//! passive candidate and sends a connectivity check first (RFC 6544), framed
//! with a two-byte length (RFC 4571). Its USERNAME names the connection, as
//! on UDP. The acceptor reads that one frame, finds whose ufrag it names,
//! and hands the stream, with the bytes read, to that connection's listener
//! (`RoutedListener`), where the crate accepts it as if it had listened
//! itself.
//!
//! A stranger can open connections and send nothing, or anything: each is
//! given a few seconds and one small frame, a few at once per address and a
//! bounded number in all, then closed. Nothing is logged per connection.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use webrtc::runtime::{AsyncTcpListener, AsyncTcpStream};

use super::{Port, stun};
use crate::media::counters::MediaCounters;
use crate::media::tcp_stream::MediaTcpStream;

/// How long a new connection has to send its first check.
pub const FIRST_FRAME_WITHIN: Duration = Duration::from_secs(5);
/// The largest first frame taken: a browser's check is about 100 to 200
/// bytes.
const FIRST_FRAME_MAX: usize = 1024;
/// Connections not yet known, from one address: a hospital's NAT puts many
/// people behind one, but each is unknown only for a round trip.
pub const UNKNOWN_PER_ADDRESS: usize = 8;
/// Connections not yet known, in all.
pub const UNKNOWN_IN_ALL: usize = 256;
/// Streams handed to one connection and not yet accepted by the crate.
pub const ARRIVALS_PER_CONNECTION: usize = 4;

/// A stream known to be one connection's, with what was read of it.
pub struct Arrival {
    stream: TcpStream,
    peer: SocketAddr,
    first: Vec<u8>,
}

/// Connections not yet known, by address: what the caps count.
#[derive(Default)]
struct Unknown {
    by_ip: HashMap<IpAddr, usize>,
    total: usize,
}

impl Unknown {
    fn admit(&mut self, ip: IpAddr) -> bool {
        let here = self.by_ip.entry(ip).or_default();
        if *here >= UNKNOWN_PER_ADDRESS || self.total >= UNKNOWN_IN_ALL {
            return false;
        }
        *here += 1;
        self.total += 1;
        true
    }

    fn settled(&mut self, ip: IpAddr) {
        if let Some(here) = self.by_ip.get_mut(&ip) {
            *here -= 1;
            if *here == 0 {
                self.by_ip.remove(&ip);
            }
        }
        self.total = self.total.saturating_sub(1);
    }
}

/// Counts a connection as unknown until dropped.
struct Pending {
    unknown: Arc<Mutex<Unknown>>,
    ip: IpAddr,
}

impl Drop for Pending {
    fn drop(&mut self) {
        self.unknown
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .settled(self.ip);
    }
}

/// The shared port's TCP acceptor: runs until aborted.
pub(super) async fn accept(listener: TcpListener, port: Arc<Port>) {
    let unknown = Arc::new(Mutex::new(Unknown::default()));
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            // Out of descriptors, a connection reset before it was taken:
            // the listener itself is fine. A pause, so a persistent
            // failure does not spin.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let admitted = unknown.lock().unwrap_or_else(PoisonError::into_inner).admit(peer.ip());
        if !admitted {
            continue;
        }
        let pending = Pending {
            unknown: Arc::clone(&unknown),
            ip: peer.ip(),
        };
        tokio::spawn(identify(stream, peer, Arc::clone(&port), pending));
    }
}

/// Reads a new connection's first frame and hands it to the connection it
/// names; otherwise the stream is closed (dropped).
async fn identify(mut stream: TcpStream, peer: SocketAddr, port: Arc<Port>, pending: Pending) {
    let Ok(Ok(first)) = tokio::time::timeout(FIRST_FRAME_WITHIN, first_frame(&mut stream)).await else {
        return;
    };
    drop(pending);
    let Some(ufrag) = stun::our_ufrag(&first[2..]).map(str::to_owned) else {
        return;
    };
    let Ok(to) = stream.local_addr() else {
        return;
    };
    let arrival = Arrival { stream, peer, first };
    let mut table = port.table();
    if let Some(tcp) = table.named(&ufrag).and_then(|inboxes| inboxes.tcp_for(to.ip())) {
        // Full: the crate is not taking them; the browser tries again.
        let _ = tcp.try_send(arrival);
    }
}

/// The first frame, length prefix included: RFC 4571's two bytes, then
/// that many.
async fn first_frame(stream: &mut TcpStream) -> io::Result<Vec<u8>> {
    let mut length = [0u8; 2];
    stream.read_exact(&mut length).await?;
    let length = usize::from(u16::from_be_bytes(length));
    if length > FIRST_FRAME_MAX {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "not a connectivity check"));
    }
    let mut frame = vec![0u8; 2 + length];
    frame[..2].copy_from_slice(&(length as u16).to_be_bytes());
    stream.read_exact(&mut frame[2..]).await?;
    Ok(frame)
}

/// One connection's ICE-over-TCP listener on the shared port: what the
/// acceptor routed to it.
pub struct RoutedListener {
    /// The address the crate bound its placeholder to, and made its passive
    /// candidate of: its streams say they stand there.
    local: SocketAddr,
    arrivals: tokio::sync::Mutex<mpsc::Receiver<Arrival>>,
    counters: Arc<MediaCounters>,
}

impl RoutedListener {
    pub(super) fn new(local: SocketAddr, counters: Arc<MediaCounters>) -> (RoutedListener, mpsc::Sender<Arrival>) {
        let (tx, rx) = mpsc::channel(ARRIVALS_PER_CONNECTION);
        let listener = RoutedListener {
            local,
            arrivals: tokio::sync::Mutex::new(rx),
            counters,
        };
        (listener, tx)
    }
}

impl fmt::Debug for RoutedListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RoutedListener").field("local", &self.local).finish()
    }
}

impl AsyncTcpListener for RoutedListener {
    fn accept<'a>(
        &'a self,
    ) -> Pin<Box<dyn Future<Output = io::Result<(Arc<dyn AsyncTcpStream>, SocketAddr)>> + Send + 'a>> {
        Box::pin(async move {
            loop {
                let Some(arrival) = self.arrivals.lock().await.recv().await else {
                    // The connection left the port. The crate asks again
                    // after every error: waiting forever is the quiet answer.
                    return std::future::pending().await;
                };
                // A stream that failed in between is skipped.
                let counters = Arc::clone(&self.counters);
                if let Ok(stream) = MediaTcpStream::new(arrival.stream, arrival.first, self.local, counters) {
                    return Ok((Arc::new(stream) as Arc<dyn AsyncTcpStream>, arrival.peer));
                }
            }
        })
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_connections_are_capped_per_address_and_in_all() {
        let mut unknown = Unknown::default();
        let one: IpAddr = [198, 51, 100, 1].into();
        for _ in 0..UNKNOWN_PER_ADDRESS {
            assert!(unknown.admit(one));
        }
        assert!(!unknown.admit(one), "one address holds a few at most");
        unknown.settled(one);
        assert!(unknown.admit(one), "and another once one is settled");
        let mut ips = (0..=255u8).flat_map(|a| (0..=255u8).map(move |b| IpAddr::from([10, 0, a, b])));
        let mut admitted = UNKNOWN_PER_ADDRESS;
        while unknown.admit(ips.next().unwrap()) {
            admitted += 1;
        }
        assert_eq!(admitted, UNKNOWN_IN_ALL);
        for _ in 0..UNKNOWN_PER_ADDRESS {
            unknown.settled(one);
        }
        assert!(!unknown.by_ip.contains_key(&one), "an address settled is forgotten");
    }
}

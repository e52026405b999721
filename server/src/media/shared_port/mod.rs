//! One UDP port for every peer connection's media (`--media-port`), as an
//! operator opens one port in a firewall.
//!
//! The `webrtc` crate binds each connection sockets of its own and hands
//! each to the connection's runtime (`runtime.rs`). On the shared port a
//! connection's runtime closes that socket (a placeholder on an ephemeral
//! port) and gives the crate a `VirtualSocket` instead (`socket.rs`): its
//! datagrams come from this port's one reader, which routes each one by
//! `table.rs` (a connectivity check by the ufrag it names, the rest by
//! source address), and go out of the one shared socket. What the client is
//! told is moved onto the shared port (`advertise.rs`), and each ufrag the
//! connection announces is registered as it goes out, so that an ICE
//! restart's fresh ufrag routes too. ICE over TCP listens on the same
//! port number, and each stream goes to the connection its first check
//! names (`tcp.rs`).
//!
//! - `Port`: the socket and the table, shared by the reader, the leases and
//!   the virtual sockets. The table is behind a `std` mutex: it is held for
//!   a few lookups, never across an `.await`.
//! - `Lease`: one connection's place on the port; dropping it forgets the
//!   connection's ufrags and addresses.

mod advertise;
mod socket;
mod stun;
mod table;
mod tcp;

use std::io::{self, IoSliceMut};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::warn;
use webrtc::runtime::{AsyncUdpSocket, RecvMeta, Runtime, TokioRuntime};

use self::socket::VirtualSocket;
use self::table::{ConnectionId, Table};
use self::tcp::{Arrival, RoutedListener};
pub use self::tcp::{FIRST_FRAME_WITHIN as TCP_FIRST_FRAME_WITHIN, UNKNOWN_PER_ADDRESS as TCP_UNKNOWN_PER_ADDRESS};
use super::counters::MediaCounters;
use super::runtime::MediaRuntime;

/// Datagrams waiting for one connection's driver, at most: a keyframe's
/// burst several times over. Past it they are dropped, as a socket's full
/// receive buffer drops them.
const INBOX_DATAGRAMS: usize = 1024;
/// The largest read: GRO may hand over up to 64 KiB of one flow at once.
const READ_BUFFER: usize = 65_536;

/// A datagram routed to a connection.
pub struct Datagram {
    from: SocketAddr,
    /// The address it was sent to, when the port is on every interface.
    to_ip: Option<IpAddr>,
    bytes: Box<[u8]>,
}

/// One inbox per socket of the connection's, by the interface it stands for.
struct Slot {
    id: u64,
    ip: IpAddr,
    tx: mpsc::Sender<Datagram>,
}

/// Where one connection's traffic goes: its UDP sockets, and the
/// listeners its ICE-over-TCP streams are handed to; one of each per
/// interface when the port is on every interface.
#[derive(Default)]
struct Inboxes {
    udp: Vec<Slot>,
    tcp: Vec<(IpAddr, mpsc::Sender<Arrival>)>,
}

impl Inboxes {
    /// The listener for a stream that came to `to_ip`: the one the crate
    /// bound for that interface, or any when none was.
    fn tcp_for(&self, to_ip: IpAddr) -> Option<&mpsc::Sender<Arrival>> {
        let open = || self.tcp.iter().filter(|(_, tx)| !tx.is_closed());
        open()
            .find(|(ip, _)| *ip == to_ip)
            .or_else(|| open().next())
            .map(|(_, tx)| tx)
    }
}

struct Port {
    socket: Arc<dyn AsyncUdpSocket>,
    addr: SocketAddr,
    /// Whether ICE over TCP listens on the port's number too.
    tcp: bool,
    table: Mutex<Table<Inboxes>>,
    next_id: AtomicU64,
    counters: Arc<MediaCounters>,
}

/// The shared port, bound at start; its reader and acceptor stop when it
/// is dropped.
pub struct SharedPort {
    port: Arc<Port>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for SharedPort {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl SharedPort {
    /// Binds `addr` (UDP, and TCP on the same number when `ice_tcp`) and
    /// starts reading it. Inside a tokio runtime.
    pub fn bind(addr: SocketAddr, ice_tcp: bool, counters: Arc<MediaCounters>) -> io::Result<SharedPort> {
        let std_socket = std::net::UdpSocket::bind(addr)?;
        // The crate's own wrapping: GRO, GSO and the interface each datagram
        // came in on (IP_PKTINFO), which a port on every interface needs.
        let socket = TokioRuntime.wrap_udp_socket(std_socket)?;
        let addr = socket.local_addr()?;
        // Bound before anything starts, so a port taken for TCP fails the
        // start as a port taken for UDP does.
        let listener = if ice_tcp {
            let listener = std::net::TcpListener::bind(addr)?;
            listener.set_nonblocking(true)?;
            Some(tokio::net::TcpListener::from_std(listener)?)
        } else {
            None
        };
        let port = Arc::new(Port {
            socket,
            addr,
            tcp: ice_tcp,
            table: Mutex::default(),
            next_id: AtomicU64::new(1),
            counters,
        });
        let mut tasks = vec![tokio::spawn(read(Arc::clone(&port)))];
        if let Some(listener) = listener {
            tasks.push(tokio::spawn(tcp::accept(listener, Arc::clone(&port))));
        }
        Ok(SharedPort { port, tasks })
    }

    pub fn addr(&self) -> SocketAddr {
        self.port.addr
    }

    /// A place on the port for a new connection.
    pub fn lease(&self) -> Lease {
        let id = self.port.next_id.fetch_add(1, Ordering::Relaxed);
        self.port.table().add(id, Inboxes::default());
        Lease {
            port: Arc::clone(&self.port),
            id,
        }
    }
}

impl Port {
    fn table(&self) -> std::sync::MutexGuard<'_, Table<Inboxes>> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Hands `datagram` to its connection's inbox, or drops and counts it.
    fn route(&self, datagram: &[u8], from: SocketAddr, to_ip: Option<IpAddr>) {
        let mut table = self.table();
        let Some(inboxes) = table.route(datagram, from) else {
            drop(table);
            self.counters.datagram_unrouted();
            return;
        };
        let slots = &inboxes.udp;
        let slot = slots
            .iter()
            .find(|slot| Some(slot.ip) == to_ip)
            .or_else(|| slots.first());
        let delivered = slot.is_some_and(|slot| {
            let datagram = Datagram {
                from,
                to_ip,
                bytes: datagram.into(),
            };
            slot.tx.try_send(datagram).is_ok()
        });
        drop(table);
        if !delivered {
            self.counters.datagram_unrouted();
        }
    }
}

/// The port's one reader: every datagram to its connection.
async fn read(port: Arc<Port>) {
    let mut buf = vec![0u8; READ_BUFFER];
    loop {
        let mut meta = [RecvMeta::default()];
        let received = std::future::poll_fn(|cx| {
            let mut bufs = [IoSliceMut::new(&mut buf)];
            port.socket.poll_recv(cx, &mut bufs, &mut meta)
        })
        .await;
        match received {
            Ok(0) => {}
            Ok(_) => {
                let [meta] = meta;
                let filled = &buf[..meta.len.min(buf.len())];
                // GRO: one read may hold several datagrams of one flow.
                for datagram in filled.chunks(meta.stride.max(1)) {
                    port.route(datagram, meta.addr, meta.dst_ip);
                }
            }
            // An ICMP error for one client's datagram, and the like: the
            // socket is fine.
            Err(error) if is_transient(&error) => {}
            Err(error) => {
                warn!(%error, "reading the shared media port failed; trying again");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

fn is_transient(error: &io::Error) -> bool {
    use io::ErrorKind::*;
    matches!(
        error.kind(),
        ConnectionRefused | ConnectionReset | Interrupted | WouldBlock | TimedOut
    )
}

/// One connection's place on the shared port.
pub struct Lease {
    port: Arc<Port>,
    id: ConnectionId,
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.port.table().remove(self.id);
    }
}

impl Lease {
    /// The runtime for this connection: its sockets are on the shared port.
    pub fn runtime(&self) -> Arc<dyn Runtime> {
        MediaRuntime::on_shared_port(Attach {
            port: Arc::clone(&self.port),
            id: self.id,
        })
    }
}

/// What a connection's runtime holds to put its sockets on the port.
#[derive(Clone)]
pub struct Attach {
    port: Arc<Port>,
    id: ConnectionId,
}

impl std::fmt::Debug for Attach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attach").field("connection", &self.id).finish()
    }
}

impl Attach {
    /// The crate bound `placeholder` for the connection; it is closed, and
    /// the connection gets a socket on the shared port for its interface.
    pub fn socket(&self, placeholder: std::net::UdpSocket) -> io::Result<Arc<dyn AsyncUdpSocket>> {
        let ip = placeholder.local_addr()?.ip();
        drop(placeholder);
        let (tx, rx) = mpsc::channel(INBOX_DATAGRAMS);
        let slot = self.port.next_id.fetch_add(1, Ordering::Relaxed);
        {
            let mut table = self.port.table();
            let inboxes = table.inbox_mut(self.id).ok_or_else(left_the_port)?;
            inboxes.udp.push(Slot { id: slot, ip, tx });
        }
        let shared_ip = self.port.addr.ip();
        Ok(Arc::new(VirtualSocket {
            port: Arc::clone(&self.port),
            connection: self.id,
            slot,
            local: SocketAddr::new(ip, self.port.addr.port()),
            src_ip: (shared_ip.is_unspecified() && !ip.is_unspecified()).then_some(ip),
            inbox: Mutex::new(rx),
        }))
    }
}

impl Attach {
    /// What the port's connections count in.
    pub fn counters(&self) -> Arc<MediaCounters> {
        Arc::clone(&self.port.counters)
    }

    /// Whether ICE over TCP is on the shared port.
    pub fn takes_tcp(&self) -> bool {
        self.port.tcp
    }

    /// The crate bound `placeholder` for the connection's ICE over TCP; it
    /// is closed, and the connection is handed the streams whose first
    /// check names it, on the shared port's number.
    pub fn tcp_listener(&self, placeholder: std::net::TcpListener) -> io::Result<RoutedListener> {
        let local = placeholder.local_addr()?;
        drop(placeholder);
        let (listener, tx) = RoutedListener::new(local, Arc::clone(&self.port.counters));
        let mut table = self.port.table();
        let tcp = &mut table.inbox_mut(self.id).ok_or_else(left_the_port)?.tcp;
        // A listener made again for an interface (the crate binds anew on
        // an ICE restart) takes the place of the one before.
        tcp.retain(|(ip, tx)| *ip != local.ip() && !tx.is_closed());
        tcp.push((local.ip(), tx));
        Ok(listener)
    }
}

fn left_the_port() -> io::Error {
    io::Error::new(io::ErrorKind::NotConnected, "the connection left the shared media port")
}

/// What a connection tells its client, put right for where it is reached:
/// the shared port, a public address; unchanged for a connection with a
/// port of its own and no public address.
#[derive(Default)]
pub struct Announcer {
    lease: Option<Lease>,
    public_ip: Option<IpAddr>,
}

impl Announcer {
    pub fn new(lease: Option<Lease>, public_ip: Option<IpAddr>) -> Announcer {
        Announcer { lease, public_ip }
    }

    fn reach(&self) -> advertise::Reach {
        let port = self.lease.as_ref().map(|lease| lease.port.addr.port());
        advertise::Reach {
            port,
            tcp_port: port.filter(|_| self.lease.as_ref().is_some_and(|lease| lease.port.tcp)),
            public_ip: self.public_ip,
        }
    }

    /// A description of ours about to go to the client: on the shared
    /// port its ufrag now routes to this connection (the first, and each
    /// ICE restart's); its candidates say where it is reached.
    pub fn sdp(&self, sdp: String) -> String {
        if let Some(lease) = &self.lease {
            let mut table = lease.port.table();
            for ufrag in advertise::ufrags(&sdp) {
                if !table.claim_ufrag(lease.id, ufrag) {
                    warn!("an ICE ufrag is taken on the shared media port: this connection cannot be reached");
                }
            }
        }
        if self.lease.is_none() && self.public_ip.is_none() {
            return sdp;
        }
        advertise::sdp_reached(&sdp, self.reach())
    }

    /// A candidate of ours about to go to the client.
    pub fn candidate(&self, candidate: String) -> String {
        if self.lease.is_none() && self.public_ip.is_none() {
            return candidate;
        }
        advertise::candidate_reached(&candidate, self.reach())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_goes_to_the_listener_of_the_interface_it_came_to() {
        let (a, b): (IpAddr, IpAddr) = ([10, 0, 0, 5].into(), [192, 0, 2, 7].into());
        let (tx_a, _rx_a) = mpsc::channel(1);
        let (tx_b, rx_b) = mpsc::channel(1);
        let mut inboxes = Inboxes::default();
        inboxes.tcp.push((a, tx_a.clone()));
        inboxes.tcp.push((b, tx_b.clone()));
        assert!(inboxes.tcp_for(b).is_some_and(|tx| tx.same_channel(&tx_b)));
        assert!(inboxes.tcp_for(a).is_some_and(|tx| tx.same_channel(&tx_a)));
        let elsewhere: IpAddr = [203, 0, 113, 9].into();
        assert!(inboxes.tcp_for(elsewhere).is_some(), "an address of no listener: any");
        // A listener gone (its connection closed it) is passed over.
        drop(rx_b);
        assert!(inboxes.tcp_for(b).is_some_and(|tx| tx.same_channel(&tx_a)));
    }
}

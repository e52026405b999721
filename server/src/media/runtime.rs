//! The async runtime the server's peer connections run on: the `webrtc`
//! crate's tokio runtime, with each connection's UDP socket wrapped so
//! that a lost last handshake flight is sent again when the peer repeats
//! its own (`dtls_repeat`), and each ICE-over-TCP listener capped in the
//! connections it holds, whose streams never hold up the connection
//! (`tcp_stream`). On the shared media port (`--media-port`) each
//! connection has a runtime of its own, whose UDP sockets and TCP listener
//! are that connection's place on the port (`shared_port`), wrapped the
//! same way. Everything else is the crate's.

use std::fmt;
use std::future::Future;
use std::io::{self, IoSliceMut};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use webrtc::runtime::{
    AsyncInterval, AsyncTcpListener, AsyncTcpStream, AsyncUdpSocket, JoinHandle, RecvMeta, Runtime, TokioRuntime,
    Transmit,
};

use super::counters::MediaCounters;
use super::dtls_repeat::{FlightMemory, is_dtls, is_rtp_or_rtcp};
use super::shared_port::Attach;
use super::tcp_stream::MediaTcpStream;

/// The crate's tokio runtime; only the sockets differ.
#[derive(Debug)]
pub struct MediaRuntime {
    tokio: TokioRuntime,
    /// The connection whose sockets go on the shared port; `None`: each
    /// socket is the one the crate bound.
    port: Option<Attach>,
    /// Where TCP streams count the packets they drop.
    counters: Arc<MediaCounters>,
}

impl MediaRuntime {
    /// For connections with ports of their own.
    pub fn own_ports(counters: Arc<MediaCounters>) -> Arc<dyn Runtime> {
        Arc::new(MediaRuntime {
            tokio: TokioRuntime,
            port: None,
            counters,
        })
    }

    /// For one connection on the shared port.
    pub fn on_shared_port(port: Attach) -> Arc<dyn Runtime> {
        Arc::new(MediaRuntime {
            tokio: TokioRuntime,
            counters: port.counters(),
            port: Some(port),
        })
    }
}

impl Runtime for MediaRuntime {
    fn spawn(&self, future: Pin<Box<dyn Future<Output = ()> + Send>>) -> Box<dyn JoinHandle> {
        self.tokio.spawn(future)
    }

    fn spawn_reactor(&self, pool: usize, future: Pin<Box<dyn Future<Output = ()> + Send>>) -> Box<dyn JoinHandle> {
        self.tokio.spawn_reactor(pool, future)
    }

    fn wrap_udp_socket(&self, socket: std::net::UdpSocket) -> io::Result<Arc<dyn AsyncUdpSocket>> {
        let inner = match &self.port {
            Some(port) => port.socket(socket)?,
            None => self.tokio.wrap_udp_socket(socket)?,
        };
        Ok(Arc::new(HandshakeRepeatingSocket {
            inner,
            memory: Mutex::new(FlightMemory::default()),
            media_flows: AtomicBool::new(false),
        }))
    }

    fn wrap_tcp_listener(&self, listener: std::net::TcpListener) -> io::Result<Arc<dyn AsyncTcpListener>> {
        let inner: Arc<dyn AsyncTcpListener> = match &self.port {
            Some(port) if port.takes_tcp() => Arc::new(port.tcp_listener(listener)?),
            _ => Arc::new(OwnTcpListener {
                io: tokio::net::TcpListener::from_std(listener)?,
                counters: Arc::clone(&self.counters),
            }),
        };
        Ok(Arc::new(CappedTcpListener {
            inner,
            live: Arc::new(AtomicUsize::new(0)),
        }))
    }

    fn connect_tcp<'a>(
        &'a self,
        remote: SocketAddr,
    ) -> Pin<Box<dyn Future<Output = io::Result<Arc<dyn AsyncTcpStream>>> + Send + 'a>> {
        self.tokio.connect_tcp(remote)
    }

    fn resolve_host<'a>(
        &'a self,
        host: &'a str,
    ) -> Pin<Box<dyn Future<Output = io::Result<Vec<SocketAddr>>> + Send + 'a>> {
        self.tokio.resolve_host(host)
    }

    fn now(&self) -> Instant {
        self.tokio.now()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        self.tokio.sleep(duration)
    }

    fn interval(&self, period: Duration) -> Box<dyn AsyncInterval> {
        self.tokio.interval(period)
    }

    fn block_on(&self, future: Pin<Box<dyn Future<Output = ()> + '_>>) {
        self.tokio.block_on(future)
    }

    fn yield_now(&self) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        self.tokio.yield_now()
    }

    fn name(&self) -> &'static str {
        "peer-room"
    }
}

/// A connection's UDP socket that watches its DTLS handshake go by. Once
/// RTP or RTCP flows either way the handshake is over: from then on each
/// datagram costs one atomic load, and the memory is freed.
struct HandshakeRepeatingSocket {
    inner: Arc<dyn AsyncUdpSocket>,
    memory: Mutex<FlightMemory>,
    media_flows: AtomicBool,
}

impl fmt::Debug for HandshakeRepeatingSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HandshakeRepeatingSocket")
            .field("inner", &self.inner)
            .finish()
    }
}

impl HandshakeRepeatingSocket {
    /// Called for each datagram either way while the handshake lasts.
    fn watch(&self, datagram: &[u8], peer: SocketAddr, ours: bool, cx: &mut Context<'_>) {
        if is_rtp_or_rtcp(datagram) {
            self.media_flows.store(true, Ordering::Relaxed);
            if let Ok(mut memory) = self.memory.lock() {
                *memory = FlightMemory::default();
            }
            return;
        }
        if !is_dtls(datagram) {
            return;
        }
        let again = match self.memory.lock() {
            Ok(mut memory) if ours => {
                memory.sent(peer, datagram);
                None
            }
            Ok(mut memory) => memory.heard(peer, datagram, Instant::now()),
            Err(_) => None,
        };
        for datagram in again.iter().flatten() {
            let transmit = Transmit {
                destination: peer,
                ecn: None,
                contents: datagram,
                segment_size: None,
                src_ip: None,
            };
            // A socket that cannot take it now loses it, as the network
            // might: the peer repeats itself again.
            let _ = self.inner.poll_send(cx, &transmit);
        }
    }
}

impl AsyncUdpSocket for HandshakeRepeatingSocket {
    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }

    fn max_gso_segments(&self) -> usize {
        self.inner.max_gso_segments()
    }

    fn max_gro_segments(&self) -> usize {
        self.inner.max_gro_segments()
    }

    fn poll_send(&self, cx: &mut Context<'_>, transmit: &Transmit<'_>) -> Poll<io::Result<usize>> {
        let sent = self.inner.poll_send(cx, transmit);
        if matches!(sent, Poll::Ready(Ok(_))) && !self.media_flows.load(Ordering::Relaxed) {
            let segment = transmit.segment_size.unwrap_or(transmit.contents.len()).max(1);
            for datagram in transmit.contents.chunks(segment) {
                self.watch(datagram, transmit.destination, true, cx);
            }
        }
        sent
    }

    fn poll_recv(
        &self,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
        meta: &mut [RecvMeta],
    ) -> Poll<io::Result<usize>> {
        let received = self.inner.poll_recv(cx, bufs, meta);
        if let Poll::Ready(Ok(count)) = received
            && !self.media_flows.load(Ordering::Relaxed)
        {
            for (buf, meta) in bufs.iter().zip(meta.iter()).take(count) {
                let filled = &buf[..meta.len.min(buf.len())];
                for datagram in filled.chunks(meta.stride.max(1)) {
                    self.watch(datagram, meta.addr, false, cx);
                }
            }
        }
        received
    }
}

/// A connection's own ICE-over-TCP listener (with a port range, or without
/// a shared port): the crate's, but its streams are ours (`tcp_stream`),
/// whose writes never hold up the connection.
#[derive(Debug)]
struct OwnTcpListener {
    io: tokio::net::TcpListener,
    counters: Arc<MediaCounters>,
}

impl AsyncTcpListener for OwnTcpListener {
    fn accept<'a>(
        &'a self,
    ) -> Pin<Box<dyn Future<Output = io::Result<(Arc<dyn AsyncTcpStream>, SocketAddr)>> + Send + 'a>> {
        Box::pin(async move {
            let (stream, peer) = self.io.accept().await?;
            let local = stream.local_addr()?;
            let counters = Arc::clone(&self.counters);
            let stream: Arc<dyn AsyncTcpStream> = Arc::new(MediaTcpStream::new(stream, Vec::new(), local, counters)?);
            Ok((stream, peer))
        })
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }
}

/// TCP connections one ICE-over-TCP listener holds at once. A browser opens
/// one per server candidate; a stranger who finds the port could open
/// thousands, and the crate keeps each until it closes. Beyond this, new
/// ones are closed at once: a stranger can then deny ICE over TCP to the one
/// person whose port it is, and cost the server no more than this.
pub const TCP_CONNECTIONS_PER_LISTENER: usize = 4;

#[derive(Debug)]
struct CappedTcpListener {
    inner: Arc<dyn AsyncTcpListener>,
    live: Arc<AtomicUsize>,
}

impl AsyncTcpListener for CappedTcpListener {
    fn accept<'a>(
        &'a self,
    ) -> Pin<Box<dyn Future<Output = io::Result<(Arc<dyn AsyncTcpStream>, SocketAddr)>> + Send + 'a>> {
        Box::pin(async move {
            loop {
                let (stream, peer) = self.inner.accept().await?;
                // Only this task accepts, so the count cannot pass the cap
                // between the check and the increment.
                if self.live.load(Ordering::Relaxed) >= TCP_CONNECTIONS_PER_LISTENER {
                    drop(stream);
                    continue;
                }
                self.live.fetch_add(1, Ordering::Relaxed);
                let counted: Arc<dyn AsyncTcpStream> = Arc::new(CountedTcpStream {
                    inner: stream,
                    live: Arc::clone(&self.live),
                });
                return Ok((counted, peer));
            }
        })
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// A TCP connection counted against its listener's cap until it is dropped.
#[derive(Debug)]
struct CountedTcpStream {
    inner: Arc<dyn AsyncTcpStream>,
    live: Arc<AtomicUsize>,
}

impl Drop for CountedTcpStream {
    fn drop(&mut self) {
        self.live.fetch_sub(1, Ordering::Relaxed);
    }
}

impl AsyncTcpStream for CountedTcpStream {
    fn read<'a, 'b>(&'a self, buf: &'b mut [u8]) -> Pin<Box<dyn Future<Output = io::Result<usize>> + Send + 'b>>
    where
        'a: 'b,
    {
        self.inner.read(buf)
    }

    fn write_all<'a, 'b>(&'a self, buf: &'b [u8]) -> Pin<Box<dyn Future<Output = io::Result<()>> + Send + 'b>>
    where
        'a: 'b,
    {
        self.inner.write_all(buf)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }

    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.inner.peer_addr()
    }
}

//! A test client whose ICE-over-TCP connection stops reading on demand, as
//! a laptop whose network stops taking data does: the server's writes then
//! fill its socket's buffers, and the test sees whether that holds up
//! anything else. The client's runtime is the crate's tokio runtime but for
//! `connect_tcp`: its streams are made with a small receive buffer (so
//! they fill in a moment, not after megabytes) and stop reading while the
//! switch says stalled. What the client sends goes on.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::net::TcpSocket;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::{Mutex, watch};
use webrtc::runtime::{
    AsyncInterval, AsyncTcpListener, AsyncTcpStream, AsyncUdpSocket, JoinHandle, Runtime, TokioRuntime,
};

/// The receive buffer the stalled client's streams ask for: a few packets.
const RECEIVE_BUFFER: u32 = 4096;

/// Stalls and resumes the reading of a client's TCP streams.
#[derive(Clone, Debug)]
pub struct Stall(Arc<watch::Sender<bool>>);

impl Stall {
    pub fn new() -> Stall {
        Stall(Arc::new(watch::channel(false).0))
    }

    /// Stops (true) or resumes (false) reading.
    pub fn set(&self, stalled: bool) {
        self.0.send_replace(stalled);
    }

    /// The runtime a client's peer connection runs on for this switch.
    pub fn runtime(&self) -> Arc<dyn Runtime> {
        Arc::new(StallingRuntime { stall: self.clone() })
    }
}

impl Default for Stall {
    fn default() -> Self {
        Stall::new()
    }
}

#[derive(Debug)]
struct StallingRuntime {
    stall: Stall,
}

impl Runtime for StallingRuntime {
    fn spawn(&self, future: Pin<Box<dyn Future<Output = ()> + Send>>) -> Box<dyn JoinHandle> {
        TokioRuntime.spawn(future)
    }

    fn spawn_reactor(&self, pool: usize, future: Pin<Box<dyn Future<Output = ()> + Send>>) -> Box<dyn JoinHandle> {
        TokioRuntime.spawn_reactor(pool, future)
    }

    fn wrap_udp_socket(&self, socket: std::net::UdpSocket) -> io::Result<Arc<dyn AsyncUdpSocket>> {
        TokioRuntime.wrap_udp_socket(socket)
    }

    fn wrap_tcp_listener(&self, listener: std::net::TcpListener) -> io::Result<Arc<dyn AsyncTcpListener>> {
        TokioRuntime.wrap_tcp_listener(listener)
    }

    fn connect_tcp<'a>(
        &'a self,
        remote: SocketAddr,
    ) -> Pin<Box<dyn Future<Output = io::Result<Arc<dyn AsyncTcpStream>>> + Send + 'a>> {
        Box::pin(async move {
            let socket = if remote.is_ipv4() {
                TcpSocket::new_v4()?
            } else {
                TcpSocket::new_v6()?
            };
            socket.set_recv_buffer_size(RECEIVE_BUFFER)?;
            let stream = socket.connect(remote).await?;
            stream.set_nodelay(true)?;
            let (local, peer) = (stream.local_addr()?, stream.peer_addr()?);
            let (read_half, write_half) = stream.into_split();
            let stream: Arc<dyn AsyncTcpStream> = Arc::new(StallingStream {
                read_half: Mutex::new(read_half),
                write_half: Mutex::new(write_half),
                stalled: self.stall.0.subscribe(),
                local,
                peer,
            });
            Ok(stream)
        })
    }

    fn resolve_host<'a>(
        &'a self,
        host: &'a str,
    ) -> Pin<Box<dyn Future<Output = io::Result<Vec<SocketAddr>>> + Send + 'a>> {
        TokioRuntime.resolve_host(host)
    }

    fn now(&self) -> Instant {
        TokioRuntime.now()
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        TokioRuntime.sleep(duration)
    }

    fn interval(&self, period: Duration) -> Box<dyn AsyncInterval> {
        TokioRuntime.interval(period)
    }

    fn block_on(&self, future: Pin<Box<dyn Future<Output = ()> + '_>>) {
        TokioRuntime.block_on(future)
    }

    fn yield_now(&self) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        TokioRuntime.yield_now()
    }

    fn name(&self) -> &'static str {
        "stalling test client"
    }
}

#[derive(Debug)]
struct StallingStream {
    read_half: Mutex<OwnedReadHalf>,
    write_half: Mutex<OwnedWriteHalf>,
    stalled: watch::Receiver<bool>,
    local: SocketAddr,
    peer: SocketAddr,
}

impl AsyncTcpStream for StallingStream {
    fn read<'a, 'b>(&'a self, buf: &'b mut [u8]) -> Pin<Box<dyn Future<Output = io::Result<usize>> + Send + 'b>>
    where
        'a: 'b,
    {
        Box::pin(async move {
            let mut stalled = self.stalled.clone();
            // While stalled nothing is read: the socket's buffers fill.
            if stalled.wait_for(|stalled| !*stalled).await.is_err() {
                return Ok(0);
            }
            tokio::io::AsyncReadExt::read(&mut *self.read_half.lock().await, buf).await
        })
    }

    fn write_all<'a, 'b>(&'a self, buf: &'b [u8]) -> Pin<Box<dyn Future<Output = io::Result<()>> + Send + 'b>>
    where
        'a: 'b,
    {
        Box::pin(async move { tokio::io::AsyncWriteExt::write_all(&mut *self.write_half.lock().await, buf).await })
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }

    fn peer_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.peer)
    }
}

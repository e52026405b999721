//! One ICE-over-TCP connection as the `webrtc` crate sees it, written so
//! that a connection that stops draining stops nothing else.
//!
//! The crate writes each outgoing packet with `write_all` inside the loop
//! that drives the whole peer connection, reads and timers included. With
//! the crate's own stream a laptop that went to sleep on ICE-TCP filled the
//! socket's send buffer, and that connection then neither sent nor heard
//! anything until it drained: the person fell silent for everyone. Here a
//! write only hands the framed packet to a queue that a task of the stream's
//! own empties into the socket; when that queue is full the packet is
//! dropped whole (a TCP stream cannot lose half a frame), as a congested
//! UDP path would drop it, and NACK, keyframes and DTLS's own repeats put
//! it right once the path drains.
//!
//! On the shared media port the stream also gives back first the bytes the
//! port's acceptor read to learn whose it is (`shared_port::tcp`), and says
//! it stands on the address the crate gave the connection's listener.

use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::mpsc;
use webrtc::runtime::AsyncTcpStream;

use super::counters::MediaCounters;

/// Framed packets waiting for the socket, at most: about a second of one
/// person's media (a few hundred packets) at the rates a browser sends.
/// Past it the newest are dropped.
pub const QUEUED_FRAMES: usize = 256;

pub struct MediaTcpStream {
    /// Bytes already read from the socket, given back before any more.
    first: Mutex<Vec<u8>>,
    read_half: OwnedReadHalf,
    queue: mpsc::Sender<Vec<u8>>,
    local: SocketAddr,
    peer: SocketAddr,
    /// Where a frame dropped for a full queue is counted, as a packet a
    /// subscriber could not take.
    counters: Arc<MediaCounters>,
}

impl fmt::Debug for MediaTcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MediaTcpStream")
            .field("local", &self.local)
            .field("peer", &self.peer)
            .finish()
    }
}

impl MediaTcpStream {
    /// `stream`, whose first bytes `first` were read already, standing on
    /// `local` for the crate. Inside a tokio runtime: its writer is spawned.
    pub fn new(
        stream: TcpStream,
        first: Vec<u8>,
        local: SocketAddr,
        counters: Arc<MediaCounters>,
    ) -> io::Result<MediaTcpStream> {
        let peer = stream.peer_addr()?;
        // Media is small packets that must not wait for a full segment.
        stream.set_nodelay(true)?;
        let (read_half, write_half) = stream.into_split();
        let (queue, frames) = mpsc::channel(QUEUED_FRAMES);
        tokio::spawn(write(write_half, frames));
        Ok(MediaTcpStream {
            first: Mutex::new(first),
            read_half,
            queue,
            local,
            peer,
            counters,
        })
    }

    /// Gives back bytes read before the crate had the stream, if any are left.
    fn take_first(&self, buf: &mut [u8]) -> usize {
        let Ok(mut first) = self.first.lock() else {
            return 0;
        };
        let n = first.len().min(buf.len());
        buf[..n].copy_from_slice(&first[..n]);
        first.drain(..n);
        n
    }
}

/// The stream's writer: frames in order until the stream is dropped or the
/// socket fails; then the queue closes, and what is written after is lost.
async fn write(mut socket: OwnedWriteHalf, mut frames: mpsc::Receiver<Vec<u8>>) {
    while let Some(frame) = frames.recv().await {
        if socket.write_all(&frame).await.is_err() {
            return;
        }
    }
    let _ = socket.shutdown().await;
}

impl AsyncTcpStream for MediaTcpStream {
    fn read<'a, 'b>(&'a self, buf: &'b mut [u8]) -> Pin<Box<dyn Future<Output = io::Result<usize>> + Send + 'b>>
    where
        'a: 'b,
    {
        Box::pin(async move {
            let given = self.take_first(buf);
            if given > 0 || buf.is_empty() {
                return Ok(given);
            }
            loop {
                self.read_half.readable().await?;
                match self.read_half.try_read(buf) {
                    Ok(n) => return Ok(n),
                    Err(error) if error.kind() == io::ErrorKind::WouldBlock => continue,
                    Err(error) => return Err(error),
                }
            }
        })
    }

    fn write_all<'a, 'b>(&'a self, buf: &'b [u8]) -> Pin<Box<dyn Future<Output = io::Result<()>> + Send + 'b>>
    where
        'a: 'b,
    {
        // Never waits: queued whole or dropped whole. A stream whose socket
        // failed loses what is written without an error: the crate would
        // log one per packet, and it learns of the failure from the read
        // side, which sees it too and drops the stream.
        if let Err(mpsc::error::TrySendError::Full(_)) = self.queue.try_send(buf.to_vec()) {
            self.counters.subscriber_behind();
        }
        Box::pin(std::future::ready(Ok(())))
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }

    fn peer_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.peer)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::AsyncReadExt;
    use tokio::net::TcpListener;

    use super::*;

    async fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        (server, client)
    }

    #[tokio::test]
    async fn the_bytes_read_before_come_first_then_the_socket_and_writes_arrive_in_order() {
        let (server, mut client) = pair().await;
        let label: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let stream = MediaTcpStream::new(server, b"abc".to_vec(), label, Arc::default()).unwrap();
        assert_eq!(stream.local_addr().unwrap(), label, "stands where the crate was told");
        client.write_all(b"def").await.unwrap();
        let mut buf = [0u8; 2];
        assert_eq!(stream.read(&mut buf).await.unwrap(), 2);
        assert_eq!(&buf, b"ab");
        let mut buf = [0u8; 16];
        let n = stream.read(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"c");
        let n = stream.read(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"def");

        for frame in [&b"one"[..], b"two", b"three"] {
            stream.write_all(frame).await.unwrap();
        }
        let mut got = [0u8; 11];
        client.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"onetwothree");
    }

    #[tokio::test]
    async fn a_stream_whose_peer_is_gone_takes_writes_without_an_error() {
        let (server, client) = pair().await;
        let stream = MediaTcpStream::new(server, Vec::new(), "127.0.0.1:9".parse().unwrap(), Arc::default()).unwrap();
        drop(client);
        // The first writes draw a reset, and the writer stops; the crate
        // would log each error after that, one a packet.
        for _ in 0..100 {
            stream.write_all(&[0u8; 1200]).await.expect("no error to log");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        assert!(stream.queue.is_closed(), "the writer stopped at the reset");
    }

    #[tokio::test]
    async fn a_peer_that_reads_nothing_never_holds_up_a_write_and_whole_frames_are_dropped() {
        let (server, mut client) = pair().await;
        let counters: Arc<MediaCounters> = Arc::default();
        let stream = MediaTcpStream::new(
            server,
            Vec::new(),
            "127.0.0.1:9".parse().unwrap(),
            Arc::clone(&counters),
        )
        .unwrap();
        // Far more than the socket buffers and the queue hold together:
        // every write returns at once.
        let frame = |n: u32| {
            let mut frame = vec![0u8; 1200];
            frame[..4].copy_from_slice(&n.to_be_bytes());
            frame
        };
        for n in 0..20_000 {
            let frame = frame(n);
            tokio::time::timeout(Duration::from_millis(100), stream.write_all(&frame))
                .await
                .expect("a write never waits")
                .unwrap();
        }
        // What arrives is whole frames, in order, some of them missing.
        drop(stream);
        let mut all = Vec::new();
        client.read_to_end(&mut all).await.unwrap();
        assert_eq!(all.len() % 1200, 0, "whole frames only");
        let numbers: Vec<u32> = all
            .chunks(1200)
            .map(|f| u32::from_be_bytes(f[..4].try_into().unwrap()))
            .collect();
        assert!(numbers.windows(2).all(|w| w[0] < w[1]), "in order");
        assert!(numbers.len() < 20_000, "the ones without room were dropped");
        assert_eq!(
            counters.packets_subscriber_behind(),
            20_000 - numbers.len() as u64,
            "and counted"
        );
        assert_eq!(numbers.first(), Some(&0));
    }
}

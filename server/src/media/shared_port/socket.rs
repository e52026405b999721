//! A connection's socket on the shared port, as the `webrtc` crate sees it:
//! datagrams the port's reader routed to this connection come out of an
//! inbox; datagrams sent go straight out of the shared socket.

use std::fmt;
use std::io::{self, IoSliceMut};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use tokio::sync::mpsc;
use webrtc::runtime::{AsyncUdpSocket, RecvMeta, Transmit};

use super::table::ConnectionId;
use super::{Datagram, Port};

pub struct VirtualSocket {
    pub(super) port: Arc<Port>,
    pub(super) connection: ConnectionId,
    /// Tells this socket's inbox from the connection's others (one per
    /// interface when the port is on every interface).
    pub(super) slot: u64,
    /// The interface address the crate bound its placeholder to, on the
    /// shared port: where the client sends.
    pub(super) local: SocketAddr,
    /// Set when the shared socket is on every interface: replies leave from
    /// the address the client sent to, or the client would not know them.
    pub(super) src_ip: Option<IpAddr>,
    pub(super) inbox: Mutex<mpsc::Receiver<Datagram>>,
}

impl fmt::Debug for VirtualSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VirtualSocket")
            .field("connection", &self.connection)
            .field("slot", &self.slot)
            .finish()
    }
}

impl Drop for VirtualSocket {
    fn drop(&mut self) {
        let mut table = self.port.table.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(inboxes) = table.inbox_mut(self.connection) {
            inboxes.udp.retain(|slot| slot.id != self.slot);
        }
    }
}

impl AsyncUdpSocket for VirtualSocket {
    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local)
    }

    fn max_gso_segments(&self) -> usize {
        self.port.socket.max_gso_segments()
    }

    fn max_gro_segments(&self) -> usize {
        1
    }

    /// Never waits. Every connection sends on the one socket, and tokio
    /// keeps one waker per direction per socket: a connection told to wait
    /// for room could be forgotten when another one is told the same. So a
    /// datagram the kernel cannot take now is lost, as on a full link, and
    /// counted; media and ICE are made for that.
    fn poll_send(&self, _cx: &mut Context<'_>, transmit: &Transmit<'_>) -> Poll<io::Result<usize>> {
        let transmit = Transmit {
            destination: transmit.destination,
            ecn: transmit.ecn,
            contents: transmit.contents,
            segment_size: transmit.segment_size,
            src_ip: self.src_ip.or(transmit.src_ip),
        };
        let mut no_wait = Context::from_waker(Waker::noop());
        match self.port.socket.poll_send(&mut no_wait, &transmit) {
            Poll::Ready(sent) => Poll::Ready(sent),
            Poll::Pending => {
                self.port.counters.datagram_unsent();
                Poll::Ready(Ok(transmit.contents.len()))
            }
        }
    }

    fn poll_recv(
        &self,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
        meta: &mut [RecvMeta],
    ) -> Poll<io::Result<usize>> {
        let (Some(buf), Some(meta)) = (bufs.first_mut(), meta.first_mut()) else {
            return Poll::Ready(Ok(0));
        };
        let mut inbox = self.inbox.lock().unwrap_or_else(PoisonError::into_inner);
        match inbox.poll_recv(cx) {
            Poll::Ready(Some(datagram)) => {
                // The crate's buffers take any datagram; one that did not
                // fit would be cut, as a socket cuts it.
                let len = datagram.bytes.len().min(buf.len());
                buf[..len].copy_from_slice(&datagram.bytes[..len]);
                let mut filled = RecvMeta::default();
                filled.addr = datagram.from;
                filled.len = len;
                filled.stride = len.max(1);
                filled.dst_ip = datagram.to_ip;
                *meta = filled;
                Poll::Ready(Ok(1))
            }
            // The connection left the port: nothing will come any more.
            Poll::Ready(None) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "the connection left the shared media port",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

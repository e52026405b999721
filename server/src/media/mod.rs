//! The selective forwarding unit: every participant's audio and video go
//! through the server, which forwards each packet to everyone else.
//!
//! - `engine.rs` builds a server-side peer connection: codecs (Opus, VP8), the
//!   RFC 6464 audio-level extension, interceptors, and the network settings;
//!   `runtime.rs` is the async runtime it runs on, whose sockets send a lost
//!   last DTLS flight again when the peer repeats its own (`dtls_repeat.rs`);
//!   `shared_port/` puts every connection's UDP on one port (`--media-port`).
//! - `keyframes.rs` lets subscribers' keyframe requests reach this code.
//! - `counters.rs` counts what is forwarded and lost, and the connections
//!   open, for `/metrics`: plain atomics, read at each scrape.
//! - `session.rs` is one room's media: a task that takes `MediaCommand`s from
//!   the room actor and keeps the table of who publishes what.
//! - `peer.rs` is one participant's peer connection, driven by a task of its
//!   own so that its offers and answers never interleave; `link_watch.rs`
//!   says how it stands for the others' tiles, and when to give it up.
//! - `forward.rs` reads a published track and writes each packet to every
//!   subscriber, drops what a host muted, and tells who is speaking; a
//!   camera comes in up to three simulcast layers (`layers.rs`) and each
//!   subscriber is sent the one their tile and downlink fit
//!   (`bandwidth.rs`, from their loss and the queue `downlink_queue.rs`
//!   reads, chosen by their connection's task once a second);
//!   `incoming_rtx.rs` puts a publisher's repairs back in place.
//!
//! The room never sees a WebRTC type: it sends `MediaCommand`s and hears back
//! `MediaReport`s (see `room::media`), through a channel its actor reads; no
//! task here ever waits on the room. Nothing here writes media anywhere but
//! to another participant: no recording, ever.

mod announced;
mod bandwidth;
mod counters;
mod delivery;
pub use counters::MediaCounters;
mod downlink;
mod downlink_queue;
mod dtls_repeat;
pub mod engine;
mod forward;
mod incoming_rtx;
mod keyframe_pacing;
mod keyframes;
mod layers;
mod link_watch;
mod nack_asks;
mod peer;
mod published_tracks;
mod recent_packets;
mod red;
pub mod repair_twice;
mod runtime;
pub use runtime::TCP_CONNECTIONS_PER_LISTENER;
pub use shared_port::{TCP_FIRST_FRAME_WITHIN, TCP_UNKNOWN_PER_ADDRESS};
mod session;
mod shared_port;
mod slots;
#[cfg(feature = "media-tap")]
mod tap;
mod tcp_stream;
mod timeline;
pub mod turn;
mod vp8;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::room::media::{MediaCommand, MediaReport};

/// A STUN or TURN server handed to clients, in the shape the browser takes.
pub use crate::protocol::connection::IceServer;

/// How the server's media travels: where its UDP sockets live and how
/// clients reach them.
#[derive(Clone, Debug)]
pub struct MediaConfig {
    /// The address UDP sockets bind to. Loopback by default, like the HTTP
    /// listener; `0.0.0.0` on a server people reach over a network.
    pub udp_ip: IpAddr,
    /// The UDP ports to use, inclusive, one per connection; `None`: any
    /// free port.
    pub ports: Option<(u16, u16)>,
    /// One UDP port for every connection, demultiplexed (`shared_port/`);
    /// exclusive with `ports`. 0 takes a free one (for tests).
    pub port: Option<u16>,
    /// The public address of a host behind 1:1 NAT (most cloud machines):
    /// advertised in place of the private one.
    pub public_ip: Option<IpAddr>,
    /// STUN and TURN servers for clients behind restrictive networks.
    pub ice_servers: Vec<IceServer>,
    /// TURN servers whose credentials are made per person and expire
    /// (`turn.rs`), added to `ice_servers` for each person entering.
    pub turn: Option<turn::TurnRest>,
    /// Whether each connection also takes ICE over TCP (a passive TCP
    /// candidate, on the same port number as its UDP socket when `ports` is
    /// set): for networks that block UDP.
    pub ice_tcp: bool,
    /// A connection not up this long after the client's offer is given up:
    /// closed, its port freed, the page asked to start afresh. Pages try
    /// again sooner themselves; this bounds what one that does not holds.
    pub setup_within: Duration,
    /// Once ICE has found a path, the DTLS handshake gets this long before
    /// the connection is given up the same way: the `webrtc` crate's DTLS
    /// can stall for good when its last flight is lost (docs/media.md).
    /// Pages give it 4 s themselves.
    pub handshake_within: Duration,
}

impl MediaConfig {
    /// Where people send this node's media, as an operator writes it:
    /// `203.0.113.7:50000`, `203.0.113.7:50000-50199`, or `127.0.0.1:any`.
    pub fn address(&self) -> String {
        let ip = self.public_ip.unwrap_or(self.udp_ip);
        match (self.port, self.ports) {
            (Some(port), _) => format!("{ip}:{port}"),
            (None, Some((first, last))) => format!("{ip}:{first}-{last}"),
            (None, None) => format!("{ip}:any"),
        }
    }

    /// The STUN and TURN servers for one person entering at `now`: the
    /// configured ones, and TURN with credentials of their own.
    pub fn ice_servers_for(&self, now: crate::room::Millis) -> Vec<IceServer> {
        let mut servers = self.ice_servers.clone();
        servers.extend(self.turn.as_ref().map(|turn| turn.server_for(now)));
        servers
    }
}

impl Default for MediaConfig {
    fn default() -> Self {
        MediaConfig {
            udp_ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            ports: None,
            port: None,
            public_ip: None,
            ice_servers: Vec::new(),
            turn: None,
            ice_tcp: true,
            setup_within: Duration::from_secs(30),
            handshake_within: Duration::from_secs(8),
        }
    }
}

/// The media side of the server, shared by every room.
#[derive(Clone)]
pub struct Media {
    shared: Arc<Shared>,
}

struct Shared {
    config: MediaConfig,
    /// The next port to try within `config.ports`.
    next_port: AtomicU32,
    counters: Arc<MediaCounters>,
    /// Bound at start when `config.port` is set.
    shared_port: Option<shared_port::SharedPort>,
}

/// Why media could not start.
#[derive(Debug, thiserror::Error)]
pub enum MediaStartError {
    #[error("a media port (--media-port) and a media port range (--media-ports) cannot both be set")]
    PortAndRange,
    #[error("binding the media port {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
}

impl Media {
    /// Binds the shared media port, if there is one: inside a tokio runtime.
    pub fn new(config: MediaConfig) -> Result<Media, MediaStartError> {
        let counters: Arc<MediaCounters> = Arc::default();
        let shared_port = match (config.port, config.ports) {
            (Some(_), Some(_)) => return Err(MediaStartError::PortAndRange),
            (Some(port), None) => {
                let addr = SocketAddr::new(config.udp_ip, port);
                let bound = shared_port::SharedPort::bind(addr, config.ice_tcp, Arc::clone(&counters))
                    .map_err(|source| MediaStartError::Bind { addr, source })?;
                Some(bound)
            }
            (None, _) => None,
        };
        Ok(Media {
            shared: Arc::new(Shared {
                config,
                next_port: AtomicU32::new(0),
                counters,
                shared_port,
            }),
        })
    }

    /// The shared media port's address, when there is one.
    pub fn shared_port(&self) -> Option<SocketAddr> {
        self.shared.shared_port.as_ref().map(shared_port::SharedPort::addr)
    }

    /// A place on the shared port for a new connection, when there is one.
    fn lease_on_shared_port(&self) -> Option<shared_port::Lease> {
        self.shared.shared_port.as_ref().map(shared_port::SharedPort::lease)
    }

    pub fn config(&self) -> &MediaConfig {
        &self.shared.config
    }

    /// What every room's media adds to, for `/metrics`.
    pub fn counters(&self) -> &Arc<MediaCounters> {
        &self.shared.counters
    }

    /// Starts the media of one room; what happens goes back as `reports`.
    pub fn start_session(&self, reports: mpsc::UnboundedSender<MediaReport>) -> MediaSession {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(session::run(self.clone(), reports, rx));
        MediaSession { tx }
    }

    /// The UDP addresses to try for a new peer connection, in order: with a
    /// port range, the ports from where the last allocation left off, so a
    /// port just freed is not the first one tried again.
    fn udp_addrs_to_try(&self) -> Vec<String> {
        let ip = self.shared.config.udp_ip;
        let Some((low, high)) = self.shared.config.ports else {
            return vec![format!("{}", SocketAddr::new(ip, 0))];
        };
        let span = u32::from(high.saturating_sub(low)) + 1;
        let start = self.shared.next_port.fetch_add(1, Ordering::Relaxed) % span;
        (0..span)
            .map(|i| {
                let offset = (start + i) % span;
                // `offset < span <= 65536` and `low + offset <= high`: it fits.
                let port = low.saturating_add(u16::try_from(offset).unwrap_or(u16::MAX));
                SocketAddr::new(ip, port).to_string()
            })
            .collect()
    }
}

/// The room actor's handle on its media. Dropping it ends the room's media:
/// every peer connection closes.
pub struct MediaSession {
    tx: mpsc::UnboundedSender<MediaCommand>,
}

impl MediaSession {
    /// Never waits: the room must not stall on the media layer.
    pub fn send(&self, command: MediaCommand) {
        // If the media task has ended there is nothing left to drive.
        let _ = self.tx.send(command);
    }
}

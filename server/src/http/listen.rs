//! Accepting connections, with the limits the open internet needs.
//!
//! axum's own `serve` takes every connection and waits for its headers
//! forever: a stranger who opens a thousand sockets and sends nothing holds
//! every file descriptor the process has. Here each connection is admitted
//! only under a cap in total and a cap per address (so one address cannot
//! take the room everyone else needs), must send its request headers within
//! `header_read_timeout`, and is closed when idle that long between requests
//! (hyper starts the same timer while a kept-alive connection waits). An
//! admission lasts as long as the socket: a WebSocket keeps its own.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;
use tracing::{debug, warn};

use crate::tally::{Held, Tally};

/// Descriptors kept back from connections for everything else the server
/// opens: the database and its journal, media sockets, the listener.
const RESERVED_DESCRIPTORS: usize = 256;

#[derive(Clone, Debug)]
pub struct HttpLimits {
    /// Connections open at once, in total. Lowered at start to what the
    /// process's open-files limit allows, less what the rest needs.
    pub max_connections: usize,
    /// Connections open at once from one address. A hospital's network may
    /// put a whole group behind one address: well above a room's size.
    pub max_per_address: usize,
    /// A request's headers must arrive within this, and a kept-alive
    /// connection may wait this long for its next request.
    pub header_read_timeout: Duration,
    /// Behind a reverse proxy on the same host: a request from loopback
    /// comes from the last address its `X-Forwarded-For` names. The caps on
    /// connections above still see the proxy; the proxy caps those.
    pub trust_forwarded_for: bool,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            max_connections: 8192,
            max_per_address: 256,
            header_read_timeout: Duration::from_secs(10),
            trust_forwarded_for: false,
        }
    }
}

/// The address a request came from: the socket's, or the one a trusted
/// proxy names. In every request's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    /// Who sent `headers` over a connection from `peer`.
    pub fn of(peer: SocketAddr, headers: &hyper::HeaderMap, trust_forwarded_for: bool) -> ClientAddr {
        if trust_forwarded_for && peer.ip().is_loopback() {
            let forwarded = headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(','))
                .filter_map(|entry| entry.trim().parse::<IpAddr>().ok())
                .next_back();
            if let Some(ip) = forwarded {
                return ClientAddr(ip);
            }
        }
        ClientAddr(peer.ip())
    }
}

/// Who is connected, in total and by address, under the caps.
#[derive(Clone)]
pub struct Admissions {
    limits: Arc<HttpLimits>,
    open: Tally,
}

impl Admissions {
    pub fn new(limits: HttpLimits) -> Admissions {
        Admissions {
            open: Tally::new(limits.max_connections, limits.max_per_address),
            limits: Arc::new(limits),
        }
    }
}

/// Raises the soft open-files limit to the hard one (the common 1024 is a
/// default for interactive shells, not a server's budget) and returns the
/// limit in force, so the connection cap can leave room under it.
pub fn raise_open_files_limit() -> usize {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1024;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX)
}

/// The connection cap that fits under `open_files`.
pub fn fit_to_descriptors(mut limits: HttpLimits, open_files: usize) -> HttpLimits {
    let room = open_files.saturating_sub(RESERVED_DESCRIPTORS).max(16);
    limits.max_connections = limits.max_connections.min(room);
    limits.max_per_address = limits.max_per_address.min(limits.max_connections);
    limits
}

/// Serves `app` on `listener` until `shutdown`, each connection in a task of
/// `tasks` so that a graceful shutdown can wait for them.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    admissions: Admissions,
    shutdown: CancellationToken,
    tasks: TaskTracker,
) -> std::io::Result<()> {
    let mut last_complaint: Option<Instant> = None;
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of descriptors, most likely: say so now and then,
                    // and pause rather than spin on an accept that fails.
                    if last_complaint.is_none_or(|at| at.elapsed() > Duration::from_secs(10)) {
                        warn!(%error, "could not accept a connection");
                        last_complaint = Some(Instant::now());
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = shutdown.cancelled() => return Ok(()),
        };
        let Some(admitted) = admissions.open.hold(peer.ip()) else {
            // Closed at once: the cap is what keeps room for everyone else.
            debug!("refused a connection over the cap");
            continue;
        };
        // Small messages often follow each other to the same client (an
        // ack, then the room's state): with Nagle's algorithm on, the
        // second waits for the first's delayed ACK, about 40 ms.
        let _ = tcp.set_nodelay(true);
        let limits = Arc::clone(&admissions.limits);
        tasks.spawn(connection(
            tcp,
            peer,
            Arc::new(admitted),
            app.clone(),
            limits,
            shutdown.clone(),
        ));
    }
}

async fn connection(
    tcp: tokio::net::TcpStream,
    peer: SocketAddr,
    admitted: Arc<Held>,
    app: Router,
    limits: Arc<HttpLimits>,
    shutdown: CancellationToken,
) {
    let trust = limits.trust_forwarded_for;
    let service = app.map_request(move |request: hyper::Request<Incoming>| {
        let mut request = request.map(Body::new);
        let client = ClientAddr::of(peer, request.headers(), trust);
        request.extensions_mut().insert(client);
        // A WebSocket takes its admission along when it upgrades.
        request.extensions_mut().insert(Arc::clone(&admitted));
        request
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let connection = builder
        .serve_connection(TokioIo::new(tcp), TowerToHyperService::new(service))
        .with_upgrades();
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(error) = result {
                debug!(%error, "connection ended");
            }
        }
        _ = shutdown.cancelled() => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(total: usize, per_address: usize) -> HttpLimits {
        HttpLimits {
            max_connections: total,
            max_per_address: per_address,
            ..HttpLimits::default()
        }
    }

    #[test]
    fn a_forwarded_address_counts_only_from_a_trusted_proxy_on_this_host() {
        let mut headers = hyper::HeaderMap::new();
        headers.insert("x-forwarded-for", "203.0.113.9, 198.51.100.7".parse().unwrap());
        let proxy: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        let stranger: SocketAddr = "192.0.2.1:40000".parse().unwrap();
        let last: IpAddr = "198.51.100.7".parse().unwrap();
        assert_eq!(ClientAddr::of(proxy, &headers, true), ClientAddr(last));
        assert_eq!(ClientAddr::of(proxy, &headers, false), ClientAddr(proxy.ip()));
        assert_eq!(
            ClientAddr::of(stranger, &headers, true),
            ClientAddr(stranger.ip()),
            "anyone can write the header"
        );
    }

    #[test]
    fn the_cap_fits_under_the_open_files_limit() {
        let fitted = fit_to_descriptors(limits(8192, 256), 1024);
        assert_eq!(fitted.max_connections, 1024 - RESERVED_DESCRIPTORS);
        assert_eq!(fitted.max_per_address, 256);
        assert_eq!(fit_to_descriptors(limits(8192, 256), 200).max_connections, 16);
    }
}

//! Starting and stopping the server: the shared state, the router, and a
//! graceful shutdown that tells every client before it goes.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{info, warn};

use crate::api::{LoginLimiter, MAX_REQUESTS_PER_ADDRESS, MAX_SLOT_LOOKUPS_PER_ADDRESS, RequestLimiter};
use crate::config::{self, Config, SocketConfig};
use crate::crisis::CrisisResource;
use crate::http::listen::{self, Admissions};
use crate::http::metrics_access::MetricsAccess;
use crate::live::{Placement, RoomRegistry, follow_session_changes, keep_beating};
use crate::mail::{MailHandle, Sender};
use crate::media::Media;
use crate::metrics::Metrics;
use crate::room::ConnId;
use crate::store::{Backend, Store};
use crate::tally::Tally;

/// What every request handler and connection shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub rooms: RoomRegistry,
    pub public_url: Arc<str>,
    pub allowed_origins: Arc<[String]>,
    pub socket: Arc<SocketConfig>,
    pub media: Media,
    /// Failed organizer logins, to slow down password guessing.
    pub logins: Arc<LoginLimiter>,
    /// Requests for a peer per address (the front door needs no account).
    pub support_requests: Arc<RequestLimiter>,
    /// Looks at the open times to book, per address.
    pub support_slots: Arc<RequestLimiter>,
    pub crisis_resources: Arc<[CrisisResource]>,
    /// Whether mail is on, and the sender's doorbell.
    pub mail: MailHandle,
    /// Physicians may book a supporter's open time themselves.
    pub support_self_booking: bool,
    /// WebSockets that have not joined a room yet, per address.
    pub unjoined: Tally,
    /// What `/metrics` reads, and who may read it.
    pub metrics: Arc<Metrics>,
    pub metrics_access: Arc<MetricsAccess>,
    pub shutdown: CancellationToken,
    /// Connections and room actors, so shutdown can wait for them: axum's
    /// graceful shutdown does not wait for upgraded WebSockets.
    pub tasks: TaskTracker,
    next_conn: Arc<AtomicU64>,
}

impl AppState {
    pub fn next_conn_id(&self) -> ConnId {
        ConnId(self.next_conn.fetch_add(1, Ordering::Relaxed))
    }

    /// The full link for an invitation token. The token travels in the
    /// fragment, which browsers never send to a server or put in a Referer.
    pub fn join_link(&self, token: &str) -> String {
        join_link(&self.public_url, token)
    }
}

impl AppState {
    /// A physician's private link to their request for a peer.
    pub fn support_link(&self, token: &str) -> String {
        format!("{}/support#{token}", self.public_url.trim_end_matches('/'))
    }

    /// A nominated supporter's one-time enrolment link.
    pub fn enrol_link(&self, token: &str) -> String {
        format!("{}/organize/enrol#{token}", self.public_url.trim_end_matches('/'))
    }
}

pub fn join_link(public_url: &str, token: &str) -> String {
    format!("{}/join#{token}", public_url.trim_end_matches('/'))
}

/// A running server. Dropping it does not stop it: call `shutdown`.
pub struct Server {
    pub addr: SocketAddr,
    pub public_url: String,
    pub store: Store,
    rooms: RoomRegistry,
    shutdown: CancellationToken,
    tasks: TaskTracker,
    serving: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Binds, opens the store and starts serving in the background.
    pub async fn start(config: Config) -> anyhow::Result<Server> {
        let store = Store::open(&config.database_url, config.token_key_file.as_deref()).await?;
        let listener = TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", display_addr(addr)))
            .trim_end_matches('/')
            .to_owned();
        let origins = config::allowed_origins(&public_url, config.allowed_origins.as_deref());

        let shutdown = CancellationToken::new();
        let tasks = TaskTracker::new();
        let media = Media::new(config.media.clone())?;
        let metrics = Arc::new(Metrics::new(Arc::clone(media.counters())));
        let mail = match &config.smtp {
            Some(settings) => {
                let sender = Sender::new(store.clone(), settings, &public_url)?;
                let wake = Arc::new(tokio::sync::Notify::new());
                tasks.spawn(sender.run(wake.clone(), shutdown.clone()));
                info!(host = %settings.host, port = settings.port, "mail is on");
                MailHandle::on(wake)
            }
            None => MailHandle::off(),
        };
        tasks.spawn(crate::retention::run(
            store.clone(),
            config.support_retention_days,
            shutdown.clone(),
        ));
        // With PostgreSQL, nodes may share the store: each room runs on one.
        let mut rooms = RoomRegistry::new(
            store.clone(),
            config.rooms.clone(),
            Some(media.clone()),
            Arc::clone(&metrics),
            shutdown.clone(),
            tasks.clone(),
        );
        if store.backend() == Backend::Postgres {
            if config.cluster.node_url.is_none() && addr.ip().is_unspecified() {
                warn!("no --node-url: other nodes will send people to this one at a loopback address");
            }
            let node_url = config
                .cluster
                .node_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", display_addr(addr)));
            let media_at = config.media.address();
            let placement = Placement::new(store.clone(), &node_url, &media_at, config.cluster.lease);
            // Known to the others before the first join comes.
            placement.beat(&[], 0).await?;
            rooms = rooms.with_placement(placement.clone());
            let (census, movers) = (rooms.clone(), rooms.clone());
            tasks.spawn(keep_beating(
                placement,
                move || census.live_sessions(),
                move |lost| lost.iter().for_each(|room| movers.move_away(room)),
                shutdown.clone(),
            ));
            info!(node = %node_url, "rooms are placed among the nodes sharing the store");
        }
        // An organizer's change made through another node reaches the rooms here.
        if let Some(changes) = store.session_changes().await? {
            tasks.spawn(follow_session_changes(changes, rooms.clone(), shutdown.clone()));
        }
        let state = AppState {
            mail,
            support_self_booking: config.support_self_booking,
            rooms: rooms.clone(),
            media: media.clone(),
            logins: Arc::new(LoginLimiter::default()),
            support_requests: Arc::new(RequestLimiter::new(MAX_REQUESTS_PER_ADDRESS)),
            support_slots: Arc::new(RequestLimiter::new(MAX_SLOT_LOOKUPS_PER_ADDRESS)),
            crisis_resources: config.crisis_resources.clone().into(),
            unjoined: Tally::new(usize::MAX, config.socket.max_joining_per_address),
            metrics,
            metrics_access: Arc::new(MetricsAccess {
                allow: config.metrics_allow.clone(),
                trust_forwarded_for: config.http.trust_forwarded_for,
            }),
            store: store.clone(),
            public_url: public_url.clone().into(),
            allowed_origins: origins.into(),
            socket: Arc::new(config.socket.clone()),
            shutdown: shutdown.clone(),
            tasks: tasks.clone(),
            next_conn: Arc::new(AtomicU64::new(1)),
        };
        let app: Router = crate::http::router(state);
        let limits = listen::fit_to_descriptors(config.http.clone(), listen::raise_open_files_limit());
        info!(
            connections = limits.max_connections,
            per_address = limits.max_per_address,
            "connection limits"
        );
        let serving = tokio::spawn(listen::serve(
            listener,
            app,
            Admissions::new(limits),
            shutdown.clone(),
            tasks.clone(),
        ));
        info!(%addr, "listening");
        Ok(Server {
            addr,
            public_url,
            store,
            rooms,
            shutdown,
            tasks,
            serving,
        })
    }

    /// With other nodes to go to: takes no new rooms from now on (and says
    /// so to the others and on `/readyz`), lets the rooms running here end
    /// on their own for at most `limit` or until `enough` resolves (a
    /// second signal), then hands their leases to the least busy other node,
    /// so that their people, told the server is restarting, find their
    /// rooms there at once. Then `shutdown`. Without placement, `shutdown`.
    pub async fn drain(self, limit: Duration, enough: impl std::future::Future<Output = ()>) {
        if let Some(placement) = self.rooms.placement().cloned() {
            placement.drain();
            let (rooms, people) = self.rooms.live_sessions();
            // A lease lost now moves with the rest when the node stops.
            if let Err(error) = placement.beat(&rooms, people).await {
                warn!(?error, "could not tell the other nodes this one drains");
            }
            info!(rooms = rooms.len(), "draining: no new rooms here");
            let rooms = self.rooms.clone();
            let emptied = async move {
                while rooms.census().rooms > 0 {
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
            };
            tokio::select! {
                () = emptied => {}
                () = tokio::time::sleep(limit) => {}
                () = enough => {}
            }
            match placement.hand_over().await {
                Ok(Some(_)) => info!(rooms = self.rooms.census().rooms, "rooms handed to another node"),
                Ok(None) => warn!("no other node to hand rooms to: their people come back to this one's successor"),
                Err(error) => warn!(?error, "could not hand rooms over: they move once their leases end"),
            }
        }
        self.shutdown(SHUTDOWN_GRACE).await;
    }

    /// Tells every client the server is restarting, waits for connections
    /// and rooms to finish (at most `grace`), and closes the store.
    pub async fn shutdown(self, grace: Duration) {
        self.shutdown.cancel();
        self.tasks.close();
        if tokio::time::timeout(grace, self.tasks.wait()).await.is_err() {
            warn!("some connections did not finish in time");
        }
        match tokio::time::timeout(grace, self.serving).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(error))) => warn!(%error, "the HTTP server stopped with an error"),
            Ok(Err(error)) => warn!(%error, "the HTTP server task failed"),
            Err(_) => warn!("the HTTP server did not stop in time"),
        }
        self.store.close().await;
        info!("stopped");
    }
}

/// How long shutdown waits for connections and rooms to say goodbye.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A listening address as people type it: the unspecified address becomes
/// loopback, since a link to 0.0.0.0 goes nowhere useful.
fn display_addr(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(v4) if v4.ip().is_unspecified() => format!("127.0.0.1:{}", v4.port()),
        SocketAddr::V6(v6) if v6.ip().is_unspecified() => format!("[::1]:{}", v6.port()),
        other => other.to_string(),
    }
}

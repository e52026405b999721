//! Which node runs a room, when several share one PostgreSQL database.
//!
//! A join or a resume asks `locate` first: a room with a live lease stays
//! where it is; a room with none goes to the least busy live node (this one
//! when it is among them), and the lease is taken for that node in the same
//! statement that finds no other, so that of many first joins through many
//! nodes at once exactly one placement wins. A connection that reached
//! another node is told where to go (`room_elsewhere`) and follows. Each
//! node beats every third of a lease: it says how busy it is and renews
//! the leases of the rooms it runs; a room that closes gives its lease back.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tracing::warn;

use crate::clock;
use crate::room::Millis;
use crate::store::{NodeBeat, Store, StoreError};

/// How the nodes of one deployment share their rooms.
#[derive(Clone, Debug)]
pub struct ClusterConfig {
    /// Where clients reach this node (`https://node-a.rooms.example.org`);
    /// also its id. `None`: the address it listens on.
    pub node_url: Option<String>,
    /// How long a room stays placed on a node that stopped renewing it:
    /// after a crash, the wait before its rooms can start elsewhere.
    pub lease: Duration,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            node_url: None,
            lease: Duration::from_secs(10),
        }
    }
}

/// Where a room is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Located {
    Here,
    /// On another node: its WebSocket URL.
    Elsewhere(String),
}

/// This node's part in placing rooms.
#[derive(Clone)]
pub struct Placement {
    store: Store,
    node: Arc<str>,
    /// Where this node's media is (`MediaConfig::address`), for the table.
    media: Arc<str>,
    lease: Duration,
    draining: Arc<AtomicBool>,
    /// The WebSocket origins of the nodes seen lately, as of the last beat:
    /// the room page's Content-Security-Policy lets it follow
    /// `room_elsewhere` to them, and nowhere else.
    socket_origins: Arc<RwLock<Arc<str>>>,
}

/// How long a node that stopped beating stays among the room page's
/// WebSocket sources: a node down for a while (an upgrade, a restart) is
/// still one of ours when it comes back, and one taken away for good drops
/// out after a day.
const KNOWN_NODES_FOR_MS: Millis = 24 * 3_600_000;

/// The WebSocket URL of a node's `http(s)://` URL.
pub fn socket_url(node: &str) -> String {
    let node = node.trim_end_matches('/');
    let rest = node
        .strip_prefix("https://")
        .map(|r| format!("wss://{r}"))
        .or_else(|| node.strip_prefix("http://").map(|r| format!("ws://{r}")))
        .unwrap_or_else(|| node.to_owned());
    format!("{rest}/ws")
}

/// A node URL's WebSocket origin, for a CSP source list; `None` for a URL
/// that is not a plain `http(s)://host[:port]` (another node's row is read
/// from the database: nothing in it may break the header it goes into).
fn socket_origin(node: &str) -> Option<String> {
    let origin = crate::config::origin_of(node)?;
    let plain = |c: char| c.is_ascii_alphanumeric() || ".-:[]".contains(c);
    let (scheme, host) = origin.split_once("://")?;
    if !host.chars().all(plain) {
        return None;
    }
    Some(format!("{}://{host}", if scheme == "https" { "wss" } else { "ws" }))
}

fn millis(duration: Duration) -> Millis {
    Millis::try_from(duration.as_millis()).unwrap_or(Millis::MAX)
}

impl Placement {
    pub fn new(store: Store, node_url: &str, media: &str, lease: Duration) -> Placement {
        Placement {
            store,
            node: node_url.trim_end_matches('/').into(),
            media: media.into(),
            lease,
            draining: Arc::new(AtomicBool::new(false)),
            socket_origins: Arc::default(),
        }
    }

    /// The known nodes' WebSocket origins, space-separated, as a CSP source
    /// list takes them (`ws://127.0.0.2:8080 wss://node-b.example.org`).
    pub fn socket_origins(&self) -> Arc<str> {
        self.socket_origins
            .read()
            .map_or_else(|_| Arc::from(""), |o| Arc::clone(&o))
    }

    pub fn node(&self) -> &str {
        &self.node
    }

    /// How often a node beats: a lease outlives two missed beats.
    pub fn beat_every(&self) -> Duration {
        self.lease / 3
    }

    /// Where a session's room is, placing it if it is nowhere.
    pub async fn locate(&self, session_id: &str) -> Result<Located, StoreError> {
        let now = clock::now_millis();
        let lease = millis(self.lease);
        let live = self.store.live_nodes(now - lease).await?;
        // The least busy live node that takes new rooms (a draining one,
        // this too, is not among them); this one when it is as little busy
        // (no hop), or when none beat yet.
        let mine = live.iter().find(|n| *n.url == *self.node);
        let candidate = match (live.first(), mine) {
            (Some(first), Some(me)) if (me.people, me.rooms) == (first.people, first.rooms) => me.url.clone(),
            (Some(first), _) => first.url.clone(),
            (None, _) => self.node.to_string(),
        };
        let holder = self.store.place_room(session_id, &candidate, now + lease, now).await?;
        Ok(if holder == *self.node {
            Located::Here
        } else {
            Located::Elsewhere(socket_url(&holder))
        })
    }

    /// Says this node is alive and how busy, and renews the leases of the
    /// rooms it runs (`rooms`). Answers the rooms whose lease it no longer
    /// holds (this node was cut off from the database for longer than a
    /// lease, and another placed the room meanwhile): they must move, or a
    /// room would run on two nodes.
    pub async fn beat(&self, rooms: &[String], people: u64) -> Result<Vec<String>, StoreError> {
        let now = clock::now_millis();
        let beat = NodeBeat {
            url: &self.node,
            media: &self.media,
            rooms: rooms.len() as u64,
            people,
            load: load_hundredths(),
            draining: self.draining.load(Ordering::Relaxed),
        };
        self.store.node_heartbeat(&beat, now).await?;
        let origins = self.store.node_urls(now - KNOWN_NODES_FOR_MS).await?;
        let origins: Vec<String> = origins.iter().filter_map(|url| socket_origin(url)).collect();
        if let Ok(mut known) = self.socket_origins.write() {
            *known = origins.join(" ").into();
        }
        let until = now + millis(self.lease);
        let mut lost = Vec::new();
        for room in rooms {
            if !self.store.renew_lease(room, &self.node, until).await? {
                warn!(room = %room, "this room's lease was lost: its people move to where it is placed now");
                lost.push(room.clone());
            }
        }
        Ok(lost)
    }

    pub async fn release(&self, session_id: &str) {
        if let Err(error) = self.store.release_lease(session_id, &self.node).await {
            warn!(room = %session_id, ?error, "could not give back a room's lease");
        }
    }

    /// From now on this node takes no new rooms, and says so.
    pub fn drain(&self) {
        self.draining.store(true, Ordering::Relaxed);
    }

    pub fn draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }

    /// The least busy other live node's WebSocket URL, for the people of a
    /// draining node; its leases go there first, so they find their rooms.
    pub async fn hand_over(&self) -> Result<Option<String>, StoreError> {
        let now = clock::now_millis();
        let lease = millis(self.lease);
        let live = self.store.live_nodes(now - lease).await?;
        let Some(next) = live.into_iter().find(|n| *n.url != *self.node) else {
            return Ok(None);
        };
        self.store.hand_over_leases(&self.node, &next.url, now + lease).await?;
        Ok(Some(socket_url(&next.url)))
    }
}

/// The 1-minute load average in hundredths, 0 if unknown.
fn load_hundredths() -> u64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0, |load| (load * 100.0) as u64)
}

/// Beats until `shutdown`, reading the live rooms from `census`, and
/// handing the rooms whose lease was lost to `lost`.
pub async fn keep_beating(
    placement: Placement,
    census: impl Fn() -> (Vec<String>, u64) + Send + 'static,
    lost: impl Fn(Vec<String>) + Send + 'static,
    shutdown: CancellationToken,
) {
    let mut every = tokio::time::interval(placement.beat_every());
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            () = shutdown.cancelled() => return,
        }
        let (rooms, people) = census();
        match placement.beat(&rooms, people).await {
            Ok(gone) if !gone.is_empty() => lost(gone),
            Ok(_) => {}
            Err(error) => warn!(?error, "could not beat"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_url_becomes_its_websocket_url() {
        assert_eq!(
            socket_url("https://node-a.rooms.example.org"),
            "wss://node-a.rooms.example.org/ws"
        );
        assert_eq!(socket_url("http://127.0.0.2:8080/"), "ws://127.0.0.2:8080/ws");
    }

    #[test]
    fn a_node_url_becomes_a_csp_source_or_nothing() {
        assert_eq!(
            socket_origin("https://Node-A.rooms.example.org/").as_deref(),
            Some("wss://node-a.rooms.example.org")
        );
        assert_eq!(
            socket_origin("http://127.0.0.2:8080").as_deref(),
            Some("ws://127.0.0.2:8080")
        );
        assert_eq!(socket_origin("http://[::1]:8080").as_deref(), Some("ws://[::1]:8080"));
        for bad in [
            "http://a.org; script-src *",
            "http://a.org'",
            "ftp://a.org",
            "http://a b.org",
            "node-a",
        ] {
            assert_eq!(socket_origin(bad), None, "{bad}");
        }
    }
}

//! Many nodes on one database: which nodes are alive, and on which one each
//! live room is. A room is placed on one node by a lease (the room's
//! session, the node, an expiry) taken in one statement, so that of any
//! number of nodes placing one room at once exactly one wins; the node
//! renews it while the room lives there and gives it back when the room
//! closes. A node that dies stops renewing: once its leases expire, the
//! next join places the room again, and the room starts from what the
//! store kept. Used with PostgreSQL only (`live::placement`).

use super::{Store, StoreError};
use crate::room::Millis;

/// What a node says of itself on each heartbeat.
#[derive(Clone, Debug)]
pub struct NodeBeat<'a> {
    /// Its URL, which is also its id: a node restarted at the same URL
    /// takes its rooms back at once.
    pub url: &'a str,
    /// Where its media is, for an operator reading the table: the address
    /// people send to and the port or ports.
    pub media: &'a str,
    pub rooms: u64,
    pub people: u64,
    /// The 1-minute load average, in hundredths.
    pub load: u64,
    pub draining: bool,
}

/// A node that beat recently and takes new rooms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveNode {
    pub url: String,
    pub rooms: u64,
    pub people: u64,
    pub load: u64,
}

fn count(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn number(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

impl Store {
    pub async fn node_heartbeat(&self, beat: &NodeBeat<'_>, now: Millis) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO nodes (id, url, media, rooms, people, load, draining, heartbeat_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (id) DO UPDATE SET url = excluded.url, media = excluded.media, rooms = excluded.rooms,
                 people = excluded.people, load = excluded.load, draining = excluded.draining,
                 heartbeat_at = excluded.heartbeat_at",
        )
        .bind(beat.url)
        .bind(beat.url)
        .bind(beat.media)
        .bind(count(beat.rooms))
        .bind(count(beat.people))
        .bind(count(beat.load))
        .bind(i64::from(beat.draining))
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The nodes that beat at `since` or later and take new rooms, least
    /// busy first (people, then rooms, then load; the URL breaks ties, so
    /// every node ranks them alike).
    pub async fn live_nodes(&self, since: Millis) -> Result<Vec<LiveNode>, StoreError> {
        let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
            "SELECT url, rooms, people, load FROM nodes WHERE heartbeat_at >= $1 AND draining = 0
             ORDER BY people, rooms, load, url LIMIT 100",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(url, rooms, people, load)| LiveNode {
                url,
                rooms: number(rooms),
                people: number(people),
                load: number(load),
            })
            .collect())
    }

    /// The URLs of the nodes that beat since `since`, draining ones too
    /// (their rooms still run there).
    pub async fn node_urls(&self, since: Millis) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT url FROM nodes WHERE heartbeat_at >= $1 ORDER BY url LIMIT 100")
                .bind(since)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Places a session's room on `node` (a URL) until `expires_at`, unless
    /// a lease that has not expired at `now` places it elsewhere already.
    /// Returns the node it is on: `node`, or the other.
    pub async fn place_room(
        &self,
        session_id: &str,
        node: &str,
        expires_at: Millis,
        now: Millis,
    ) -> Result<String, StoreError> {
        sqlx::query(
            "INSERT INTO room_leases (session_id, node_id, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT (session_id) DO UPDATE SET node_id = excluded.node_id, expires_at = excluded.expires_at
             WHERE room_leases.expires_at <= $4",
        )
        .bind(session_id)
        .bind(node)
        .bind(expires_at)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(|error| match error {
            // No such session: nothing to place.
            sqlx::Error::Database(e) if e.is_foreign_key_violation() => StoreError::NotFound,
            other => StoreError::Database(other),
        })?;
        let holder: Option<String> = sqlx::query_scalar("SELECT node_id FROM room_leases WHERE session_id = $1")
            .bind(session_id)
            .fetch_optional(&self.pool)
            .await?;
        holder.ok_or(StoreError::NotFound)
    }

    /// Extends this node's lease of a room it runs; false if the lease is
    /// no longer this node's (it expired and another node took the room).
    pub async fn renew_lease(&self, session_id: &str, node: &str, expires_at: Millis) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE room_leases SET expires_at = $1 WHERE session_id = $2 AND node_id = $3")
            .bind(expires_at)
            .bind(session_id)
            .bind(node)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives back a room's lease, if this node holds it: the room closed.
    pub async fn release_lease(&self, session_id: &str, node: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM room_leases WHERE session_id = $1 AND node_id = $2")
            .bind(session_id)
            .bind(node)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Moves every room this node holds to `to` (a live node), expiring at
    /// `expires_at`: what a draining node does before it goes, so that its
    /// people find their rooms at once. Returns the rooms moved.
    pub async fn hand_over_leases(&self, node: &str, to: &str, expires_at: Millis) -> Result<u64, StoreError> {
        let done = sqlx::query("UPDATE room_leases SET node_id = $1, expires_at = $2 WHERE node_id = $3")
            .bind(to)
            .bind(expires_at)
            .bind(node)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

//! The store's word that a session changed, for the node running its room.
//!
//! On PostgreSQL a change to a session (`update_session`, `cancel_session`)
//! sends its id on the `session_changes` channel in the transaction that
//! writes it, so the word goes out exactly when the change is committed, and
//! every node listening hears it. SQLite has one node: the organizers' API
//! tells the room directly, and nothing is sent here.
//!
//! A notification is lost if the listening connection is down when it is
//! sent, so a listener that had to connect again says so (`Heard::Missed`)
//! and its node reloads every room it runs.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use tracing::warn;

use super::{Backend, Store, StoreError};

/// The PostgreSQL channel the changes go out on.
const CHANNEL: &str = "session_changes";
/// Session ids are 22 characters; anything longer on the channel is not ours.
const MAX_PAYLOAD: usize = 64;
/// How long a listener that cannot reach PostgreSQL waits before trying
/// again, at most: one warning per try, so a long outage logs a few lines a
/// minute, not a flood.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Sends a session's id on the channel, delivered when `tx` commits. Nothing
/// on SQLite.
pub(super) async fn announce(
    backend: Backend,
    tx: &mut sqlx::AnyConnection,
    session_id: &str,
) -> Result<(), StoreError> {
    if backend == Backend::Postgres {
        // pg_notify returns `void`, which the Any driver cannot read as a
        // column: select a plain number beside it instead.
        sqlx::query("SELECT 1 FROM (SELECT pg_notify($1, $2)) AS sent")
            .bind(CHANNEL)
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// What a listener heard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Heard {
    /// This session changed.
    Changed(String),
    /// The listener was cut off and is back: changes made meanwhile were not
    /// heard.
    Missed,
}

/// One node's ear on the channel.
pub struct SessionChanges {
    url: Arc<str>,
    listener: Option<PgListener>,
}

impl std::fmt::Debug for SessionChanges {
    // The URL may hold the database's password: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionChanges").finish_non_exhaustive()
    }
}

impl Store {
    /// Starts listening for session changes: `None` on SQLite, where there
    /// is no other node to hear from.
    pub async fn session_changes(&self) -> Result<Option<SessionChanges>, StoreError> {
        let Some(url) = self.listen_url.clone() else {
            return Ok(None);
        };
        let listener = listen(&url).await?;
        Ok(Some(SessionChanges {
            url,
            listener: Some(listener),
        }))
    }
}

async fn listen(url: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

impl SessionChanges {
    /// The next thing heard. Waits as long as it takes, trying again (with a
    /// growing pause) while PostgreSQL cannot be reached.
    pub async fn next(&mut self) -> Heard {
        let mut backoff = Duration::from_secs(1);
        loop {
            let Some(listener) = self.listener.as_mut() else {
                match listen(&self.url).await {
                    Ok(listener) => {
                        self.listener = Some(listener);
                        return Heard::Missed;
                    }
                    Err(error) => {
                        warn!(%error, retry_in = ?backoff, "cannot listen for session changes");
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                        continue;
                    }
                }
            };
            match listener.try_recv().await {
                Ok(Some(notification)) if notification.payload().len() <= MAX_PAYLOAD => {
                    return Heard::Changed(notification.payload().to_owned());
                }
                Ok(Some(_)) => continue,
                // Cut off, and connected again by the listener itself.
                Ok(None) => return Heard::Missed,
                // Anything else: start again with a new connection.
                Err(error) => {
                    warn!(%error, "lost the session changes' connection");
                    self.listener = None;
                }
            }
        }
    }
}

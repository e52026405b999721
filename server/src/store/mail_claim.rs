//! A queued message taken by one sender for one attempt. With several nodes
//! on PostgreSQL, each with a sender, the message's row stays locked while
//! it is sent (`FOR UPDATE SKIP LOCKED`): another node's sender skips it
//! rather than sending it too, and the lock goes with the attempt's
//! transaction, so a node that dies mid-send leaves the message to the
//! next sender at once (at least once, as on one node). SQLite has one node
//! and one sender: nothing to take, and no write lock held while a mail
//! server answers.

use sqlx::{Any, AnyConnection, Transaction};

use super::{Backend, Store, StoreError};
use crate::room::Millis;

/// One attempt at one message; its outcome is recorded by consuming it.
pub struct MailClaim {
    id: String,
    /// PostgreSQL's transaction holding the row; `None` with SQLite.
    held: Option<Transaction<'static, Any>>,
    store: Store,
}

impl Store {
    /// Takes message `id` for one attempt, unless it is gone, went out
    /// already or another sender has it now (`None`: skip it).
    pub async fn claim_mail(&self, id: &str) -> Result<Option<MailClaim>, StoreError> {
        let held = match self.backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let mut tx = self.pool.begin().await?;
                let free: Option<i64> = sqlx::query_scalar(
                    "SELECT 1 FROM outbox WHERE id = $1 AND sent_at IS NULL AND failed_at IS NULL
                     FOR UPDATE SKIP LOCKED",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                if free.is_none() {
                    return Ok(None);
                }
                Some(tx)
            }
        };
        Ok(Some(MailClaim {
            id: id.to_owned(),
            held,
            store: self.clone(),
        }))
    }
}

impl MailClaim {
    /// The mail server took it.
    pub async fn sent(self, now: Millis) -> Result<(), StoreError> {
        self.finish(Outcome::Sent(now)).await
    }

    /// A failed attempt that may work later: tried again at `next_at`.
    pub async fn retry(self, next_at: Millis, failure: &str) -> Result<(), StoreError> {
        self.finish(Outcome::Retry(next_at, failure)).await
    }

    /// It will never go: shown to the organizer as failed.
    pub async fn failed(self, now: Millis, failure: &str) -> Result<(), StoreError> {
        self.finish(Outcome::Failed(now, failure)).await
    }

    /// Nothing left to say (its meeting is over, or was cancelled before it
    /// went): removed without sending.
    pub async fn dropped(self) -> Result<(), StoreError> {
        self.finish(Outcome::Dropped).await
    }

    async fn finish(self, outcome: Outcome<'_>) -> Result<(), StoreError> {
        match self.held {
            Some(mut tx) => {
                record(&mut tx, &self.id, outcome).await?;
                tx.commit().await?;
            }
            None => {
                let mut connection = self.store.pool.acquire().await?;
                record(&mut connection, &self.id, outcome).await?;
            }
        }
        Ok(())
    }
}

enum Outcome<'a> {
    Sent(Millis),
    Retry(Millis, &'a str),
    Failed(Millis, &'a str),
    Dropped,
}

async fn record(connection: &mut AnyConnection, id: &str, outcome: Outcome<'_>) -> Result<(), StoreError> {
    let query = match outcome {
        Outcome::Sent(now) => {
            sqlx::query("UPDATE outbox SET sent_at = $1, attempts = attempts + 1, failure = NULL WHERE id = $2")
                .bind(now)
                .bind(id)
        }
        Outcome::Retry(next_at, failure) => {
            sqlx::query("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, failure = $2 WHERE id = $3")
                .bind(next_at)
                .bind(failure)
                .bind(id)
        }
        Outcome::Failed(now, failure) => return mark_failed(connection, id, now, failure).await,
        Outcome::Dropped => sqlx::query("DELETE FROM outbox WHERE id = $1").bind(id),
    };
    query.execute(&mut *connection).await?;
    Ok(())
}

pub(super) async fn mark_failed(
    connection: &mut AnyConnection,
    id: &str,
    now: Millis,
    failure: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE outbox SET attempts = attempts + 1, failed_at = $1, failure = $2 WHERE id = $3")
        .bind(now)
        .bind(failure)
        .bind(id)
        .execute(&mut *connection)
        .await?;
    Ok(())
}

//! The summary in the store: accepted items, in order, with no author, and
//! the idempotency keys of the changes that made them.

use std::collections::HashSet;

use super::{Store, StoreError};
use crate::protocol::Named as _;
use crate::room::Millis;
use crate::room::summary::{StoredSummary, SummaryItem, SummaryKind};

/// A session's summary as exported: what the Markdown is made from.
pub struct SummaryExport {
    pub title: String,
    pub starts_at: Millis,
    pub time_zone: String,
    pub finalized: bool,
    pub items: Vec<SummaryItem>,
}

fn item(id: i64, kind: &str, text: String) -> Result<SummaryItem, StoreError> {
    Ok(SummaryItem {
        id: u32::try_from(id).map_err(|_| StoreError::Corrupt("summary item id"))?,
        kind: SummaryKind::parse(kind).ok_or(StoreError::Corrupt("summary kind"))?,
        text,
    })
}

impl Store {
    /// Writes the summary as it is after the change made under `key`, and the
    /// key, in one transaction: either both are stored or neither.
    pub async fn save_summary(
        &self,
        session_id: &str,
        key: &str,
        items: &[SummaryItem],
        finalized: bool,
        now: Millis,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM summary_items WHERE session_id = $1")
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
        for (position, item) in items.iter().enumerate() {
            sqlx::query("INSERT INTO summary_items (session_id, id, position, kind, text) VALUES ($1, $2, $3, $4, $5)")
                .bind(session_id)
                .bind(i64::from(item.id))
                .bind(i64::try_from(position).unwrap_or(i64::MAX))
                .bind(item.kind.as_str())
                .bind(&item.text)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("INSERT INTO summary_keys (session_id, key, applied_at) VALUES ($1, $2, $3)")
            .bind(session_id)
            .bind(key)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        if finalized {
            sqlx::query("UPDATE sessions SET summary_finalized_at = COALESCE(summary_finalized_at, $1) WHERE id = $2")
                .bind(now)
                .bind(session_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn summary(&self, session_id: &str) -> Result<StoredSummary, StoreError> {
        let rows: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT id, kind, text FROM summary_items WHERE session_id = $1 ORDER BY position")
                .bind(session_id)
                .fetch_all(&self.pool)
                .await?;
        let keys: Vec<String> = sqlx::query_scalar("SELECT key FROM summary_keys WHERE session_id = $1")
            .bind(session_id)
            .fetch_all(&self.pool)
            .await?;
        let finalized: Option<i64> = sqlx::query_scalar("SELECT summary_finalized_at FROM sessions WHERE id = $1")
            .bind(session_id)
            .fetch_optional(&self.pool)
            .await?
            .flatten();
        Ok(StoredSummary {
            items: rows
                .into_iter()
                .map(|(id, kind, text)| item(id, &kind, text))
                .collect::<Result<_, _>>()?,
            finalized: finalized.is_some(),
            applied_keys: keys.into_iter().collect::<HashSet<_>>(),
        })
    }

    /// The outcomes and follow-ups of the series' session just before this one.
    pub async fn previous_outcomes(&self, session_id: &str) -> Result<Vec<SummaryItem>, StoreError> {
        let previous: Option<String> = sqlx::query_scalar(
            "SELECT prev.id FROM sessions cur
             JOIN sessions prev ON prev.series_id = cur.series_id AND prev.starts_at < cur.starts_at
             WHERE cur.id = $1 AND cur.series_id IS NOT NULL AND prev.summary_finalized_at IS NOT NULL
             ORDER BY prev.starts_at DESC LIMIT 1",
        )
        .bind(session_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(previous) = previous else {
            return Ok(Vec::new());
        };
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT id, kind, text FROM summary_items
             WHERE session_id = $1 AND kind IN ('outcome', 'follow_up') ORDER BY position",
        )
        .bind(previous)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|(id, kind, text)| item(id, &kind, text)).collect()
    }

    pub async fn summary_export(&self, session_id: &str) -> Result<SummaryExport, StoreError> {
        let record = self.session(session_id).await?;
        let stored = self.summary(session_id).await?;
        Ok(SummaryExport {
            title: record.title,
            starts_at: record.starts_at,
            time_zone: record.time_zone,
            finalized: stored.finalized,
            items: stored.items,
        })
    }
}

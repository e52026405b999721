//! What is kept of requests for a peer: what identified a physician is
//! emptied `days` after the request closes (the retention job calls this
//! hourly), and organizers read counts, never people.

use super::{Store, StoreError};
use crate::room::Millis;

/// The program's counts: never a person.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct SupportStats {
    /// Requests made each week (`YYYY-Www`), the last twelve.
    pub by_week: Vec<(String, u32)>,
    pub by_practice_area: Vec<(String, u32)>,
    /// Requests by where they stand (outcome for the closed ones).
    pub by_state: Vec<(String, u32)>,
}

impl Store {
    /// Empties what identifies a physician in requests closed more than
    /// `days` ago, and closes requests met more than two weeks ago that no
    /// one closed. Returns how many requests were forgotten.
    pub async fn forget_closed_requests(&self, now: Millis, days: u32) -> Result<u64, StoreError> {
        let fortnight = 14 * 24 * 3_600_000;
        sqlx::query(
            "UPDATE support_requests SET state = 'closed', closed_at = $1, updated_at = $2
             WHERE state = 'met' AND updated_at < $3",
        )
        .bind(now)
        .bind(now)
        .bind(now - fortnight)
        .execute(&self.pool)
        .await?;
        let cutoff = now - i64::from(days) * 24 * 3_600_000;
        let done = sqlx::query(
            "UPDATE support_requests SET first_name = NULL, email = NULL, times = NULL, forgotten_at = $1
             WHERE closed_at IS NOT NULL AND closed_at <= $2 AND forgotten_at IS NULL",
        )
        .bind(now)
        .bind(cutoff)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Counts for organizers: by week, by practice area, by state.
    pub async fn support_stats(&self, now: Millis) -> Result<SupportStats, StoreError> {
        let since = now - 12 * 7 * 24 * 3_600_000;
        // Bucketed here, not in SQL: the two databases name weeks differently.
        let created: Vec<i64> = sqlx::query_scalar("SELECT created_at FROM support_requests WHERE created_at > $1")
            .bind(since)
            .fetch_all(&self.pool)
            .await?;
        let mut weeks = std::collections::BTreeMap::<String, i64>::new();
        for at in created {
            if let Some(at) = chrono::DateTime::from_timestamp_millis(at) {
                *weeks.entry(at.format("%Y-W%W").to_string()).or_default() += 1;
            }
        }
        let by_week: Vec<(String, i64)> = weeks.into_iter().collect();
        let by_area: Vec<(String, i64)> = sqlx::query_as(
            "SELECT COALESCE(practice_area, ''), COUNT(*) FROM support_requests GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 50",
        )
        .fetch_all(&self.pool)
        .await?;
        let by_state: Vec<(String, i64)> =
            sqlx::query_as("SELECT state, COUNT(*) FROM support_requests GROUP BY state ORDER BY state")
                .fetch_all(&self.pool)
                .await?;
        let count = |rows: Vec<(String, i64)>| -> Vec<(String, u32)> {
            rows.into_iter()
                .map(|(k, n)| (k, u32::try_from(n).unwrap_or(u32::MAX)))
                .collect()
        };
        Ok(SupportStats {
            by_week: count(by_week),
            by_practice_area: count(by_area),
            by_state: count(by_state),
        })
    }
}

//! Series: a recurring group's sessions, linked so that one session's
//! outcomes open the next. The organizer issue adds their schedules.

use super::{Store, StoreError};
use crate::room::Millis;

impl Store {
    /// Creates a series; `ground_rules` become the default of its sessions.
    pub async fn create_series(
        &self,
        title: &str,
        ground_rules: Option<&[String]>,
        now: Millis,
    ) -> Result<String, StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        let rules = ground_rules
            .map(|r| serde_json::to_string(r).map_err(|_| StoreError::Corrupt("ground rules")))
            .transpose()?;
        sqlx::query("INSERT INTO series (id, title, ground_rules, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(title.trim())
            .bind(rules)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(id)
    }

    /// The series' own ground rules, if it has any; `NotFound` if no such series.
    pub async fn series_ground_rules(&self, id: &str) -> Result<Option<Vec<String>>, StoreError> {
        let row: Option<Option<String>> = sqlx::query_scalar("SELECT ground_rules FROM series WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            None => Err(StoreError::NotFound),
            Some(None) => Ok(None),
            Some(Some(rules)) => serde_json::from_str(&rules)
                .map(Some)
                .map_err(|_| StoreError::Corrupt("ground rules")),
        }
    }
}

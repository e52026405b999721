//! Links for a whole series: each opens the occurrence happening now or next,
//! so a group can keep one link in their calendar for months.

use super::{Invitation, InviteError, InviteRole, Store, StoreError};
use crate::LINKS_OUTLIVE_SESSION_MS;
use crate::room::Millis;
use crate::tokens;

impl Store {
    /// A facilitator and a participant link for a series.
    pub async fn create_series_links(&self, series_id: &str, now: Millis) -> Result<(), StoreError> {
        for role in [InviteRole::Facilitator, InviteRole::Participant] {
            let id = uuid::Uuid::new_v4().to_string();
            let token = self.key.invitation_token(&id, 0);
            sqlx::query(
                "INSERT INTO series_invitations (id, series_id, role, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&id)
            .bind(series_id)
            .bind(role.as_str())
            .bind(&tokens::hash(&token)[..])
            .bind(now)
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    /// The series' current link for a role, derived again; `None` if revoked.
    pub async fn series_link(&self, series_id: &str, role: InviteRole) -> Result<Option<String>, StoreError> {
        let row: Option<(String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, generation, revoked_at FROM series_invitations WHERE series_id = $1 AND role = $2
             ORDER BY created_at, rowid LIMIT 1",
        )
        .bind(series_id)
        .bind(role.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let (id, generation, revoked) = row.ok_or(StoreError::NotFound)?;
        Ok(revoked.is_none().then(|| self.key.invitation_token(&id, generation)))
    }

    /// A new token for a series link, or none (`revoke`): the old link stops
    /// working at once.
    pub async fn change_series_link(
        &self,
        series_id: &str,
        role: InviteRole,
        revoke: bool,
        now: Millis,
    ) -> Result<(), StoreError> {
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT id, generation FROM series_invitations WHERE series_id = $1 AND role = $2 ORDER BY created_at, rowid LIMIT 1",
        )
        .bind(series_id)
        .bind(role.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let (id, generation) = row.ok_or(StoreError::NotFound)?;
        if revoke {
            sqlx::query("UPDATE series_invitations SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2")
                .bind(now)
                .bind(&id)
                .execute(&self.pool)
                .await?;
            return Ok(());
        }
        let token = self.key.invitation_token(&id, generation + 1);
        sqlx::query("UPDATE series_invitations SET generation = $1, token_hash = $2, revoked_at = NULL WHERE id = $3")
            .bind(generation + 1)
            .bind(&tokens::hash(&token)[..])
            .bind(&id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A series link's invitation to the occurrence happening now or next:
    /// the first one not cancelled and not over. `Ok(None)` if the token is
    /// not a series link at all.
    pub(super) async fn redeem_series(
        &self,
        token_hash: &[u8],
        now: Millis,
    ) -> Result<Option<Invitation>, InviteError> {
        let row: Option<(String, String, String, Option<i64>)> =
            sqlx::query_as("SELECT id, series_id, role, revoked_at FROM series_invitations WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
        let Some((id, series_id, role, revoked)) = row else {
            return Ok(None);
        };
        if revoked.is_some() {
            return Err(InviteError::Revoked);
        }
        let role = match role.as_str() {
            "facilitator" => InviteRole::Facilitator,
            "participant" => InviteRole::Participant,
            _ => return Err(StoreError::Corrupt("invitation role").into()),
        };
        let next = next_occurrence(&self.pool, &series_id, now).await?;
        let (session_id, starts_at, opens_before) = next.ok_or(InviteError::Expired)?;
        let opens_at = starts_at - opens_before * 60_000;
        if role == InviteRole::Participant && now < opens_at {
            return Err(InviteError::NotOpenYet { opens_at, starts_at });
        }
        Ok(Some(Invitation { id, session_id, role }))
    }
}

/// The meeting a series link opens at `now`: the first one not cancelled,
/// not ended (a facilitator may end one early) and not long over. Its id,
/// start and how many minutes before it opens. One query for every reader,
/// so that what the join page says and what the link opens never differ.
pub(super) async fn next_occurrence(
    pool: &sqlx::AnyPool,
    series_id: &str,
    now: Millis,
) -> Result<Option<(String, i64, i64)>, StoreError> {
    let next = sqlx::query_as(
        "SELECT id, starts_at, opens_minutes_before FROM sessions
         WHERE series_id = $1 AND cancelled_at IS NULL AND ended_at IS NULL
           AND starts_at + duration_minutes * 60000 + $2 > $3
         ORDER BY starts_at LIMIT 1",
    )
    .bind(series_id)
    .bind(LINKS_OUTLIVE_SESSION_MS)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    Ok(next)
}

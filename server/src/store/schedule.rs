//! What organizers do with sessions: list, change, cancel, and find links.

use super::outbox::{MailKind, queue_notices};
use super::session_changes;
use super::sessions::session_record;
use super::{InviteRole, NewSession, SessionRecord, Store, StoreError};
use crate::protocol::Named as _;
use crate::room::Millis;

/// One of a session's links, as an organizer sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkInfo {
    pub invitation_id: String,
    pub role: InviteRole,
    pub revoked: bool,
}

impl Store {
    /// An organizer's sessions: upcoming (not yet over) or past, by start.
    pub async fn sessions_of(
        &self,
        organizer_id: &str,
        upcoming: bool,
        now: Millis,
    ) -> Result<Vec<SessionRecord>, StoreError> {
        // A session its facilitator ended early is past at once, so its
        // summary is where the organizer looks for it.
        let sql = if upcoming {
            "SELECT * FROM sessions WHERE organizer_id = $1 AND ended_at IS NULL
               AND starts_at + duration_minutes * 60000 >= $2
             ORDER BY starts_at ASC LIMIT 500"
        } else {
            "SELECT * FROM sessions WHERE organizer_id = $1
               AND (ended_at IS NOT NULL OR starts_at + duration_minutes * 60000 < $2)
             ORDER BY starts_at DESC LIMIT 500"
        };
        let rows = sqlx::query(sql)
            .bind(organizer_id)
            .bind(now)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(session_record).collect()
    }

    /// Replaces what can be changed about a session, and moves its links'
    /// expiry with its end. When its time changes, its calendar sequence
    /// moves on and, with `mail` on, everyone who was invited is told. One
    /// transaction: nothing is half written.
    pub async fn update_session(
        &self,
        id: &str,
        changed: &NewSession,
        links_expire_at: Millis,
        mail: bool,
        now: Millis,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let before: Option<(Millis, i64, i64)> =
            sqlx::query_as("SELECT starts_at, duration_minutes, sequence FROM sessions WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let (starts_at, minutes, sequence) = before.ok_or(StoreError::NotFound)?;
        let moved = starts_at != changed.starts_at || minutes != i64::from(changed.duration_minutes);
        let sequence = sequence + i64::from(moved);
        let done = sqlx::query(
            "UPDATE sessions SET title = $1, starts_at = $2, duration_minutes = $3, time_zone = $4, capacity = $5,
                 ground_rules = $6, agenda = $7, break_nudge_minutes = $8, warning_marks = $9, opens_minutes_before = $10,
                 facilitators = $11, reminder_minutes = $12, sequence = $13, e2ee = $14
             WHERE id = $15",
        )
        .bind(changed.title.trim())
        .bind(changed.starts_at)
        .bind(i64::from(changed.duration_minutes))
        .bind(&changed.time_zone)
        .bind(i64::from(changed.capacity))
        .bind(to_json(&changed.ground_rules))
        .bind(super::agenda_json(&changed.agenda))
        .bind(changed.break_nudge_minutes.map(i64::from))
        .bind(to_json(&changed.warning_marks))
        .bind(i64::from(changed.opens_minutes_before))
        .bind(to_json(&changed.facilitators))
        .bind(to_json(&changed.reminder_minutes))
        .bind(sequence)
        .bind(changed.e2ee.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if moved && mail {
            queue_notices(&mut tx, id, MailKind::Moved, sequence, now).await?;
        }
        sqlx::query("UPDATE invitations SET expires_at = $1 WHERE session_id = $2")
            .bind(links_expire_at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        session_changes::announce(self.backend, &mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Cancels a session: its links stop working, and with `mail` on,
    /// everyone who was invited is told, in the same transaction. Cancelling
    /// again changes nothing.
    pub async fn cancel_session(&self, id: &str, mail: bool, now: Millis) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE sessions SET cancelled_at = $1, sequence = sequence + 1 WHERE id = $2 AND cancelled_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 && mail {
            let sequence: i64 = sqlx::query_scalar("SELECT sequence FROM sessions WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            queue_notices(&mut tx, id, MailKind::Cancelled, sequence, now).await?;
        }
        if done.rows_affected() == 1 {
            session_changes::announce(self.backend, &mut tx, id).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A session's shared links, oldest first: not the links of people
    /// invited by email, which are theirs alone.
    pub async fn session_links(&self, session_id: &str) -> Result<Vec<LinkInfo>, StoreError> {
        let rows: Vec<(String, String, Option<i64>)> = sqlx::query_as(
            "SELECT id, role, revoked_at FROM invitations
             WHERE session_id = $1 AND id NOT IN (SELECT invitation_id FROM invitees WHERE session_id = $2)
             ORDER BY created_at, rowid",
        )
        .bind(session_id)
        .bind(session_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(invitation_id, role, revoked)| {
                let role = match role.as_str() {
                    "facilitator" => InviteRole::Facilitator,
                    "participant" => InviteRole::Participant,
                    _ => return Err(StoreError::Corrupt("invitation role")),
                };
                Ok(LinkInfo {
                    invitation_id,
                    role,
                    revoked: revoked.is_some(),
                })
            })
            .collect()
    }
}

/// Serializing plain lists of strings and numbers cannot fail.
fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}

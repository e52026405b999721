//! What a link leads to, whatever the time: for the join page to say, before
//! anyone types a name, whether the link works and when its session is, and
//! for the summary export to know whose facilitator a token is. Nothing here
//! lets anyone in: `redeem` (invitations.rs) does that.

use super::series_links::next_occurrence;
use super::{InviteRole, SessionRecord, Store, StoreError};
use crate::room::Millis;
use crate::tokens;

/// What a token is, as far as a page may be told before it joins.
#[derive(Clone, Debug)]
pub enum LinkLookup {
    /// Not a link of this server (or malformed): told apart from nothing.
    Unknown,
    /// A link an organizer revoked.
    Revoked { role: InviteRole, series: bool },
    /// A series link whose meetings are all over or cancelled.
    SeriesOver { role: InviteRole, title: String },
    /// The session the link opens now or next (a series' link: its meeting
    /// happening now or next, the one `redeem` would open).
    Session {
        role: InviteRole,
        series: bool,
        /// A session link past its expiry (a day after the session's end).
        expired: bool,
        record: Box<SessionRecord>,
    },
}

/// Whether a token may read a session's summary export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SummaryAccess {
    /// The session's facilitator link, or its series' facilitator link.
    Allowed,
    /// Some other session's facilitator: told nothing about this one.
    OtherSession,
    Denied,
}

fn role_of(text: &str) -> Result<InviteRole, StoreError> {
    match text {
        "facilitator" => Ok(InviteRole::Facilitator),
        "participant" => Ok(InviteRole::Participant),
        _ => Err(StoreError::Corrupt("invitation role")),
    }
}

impl Store {
    /// What `token` leads to at `now`.
    pub async fn look_up_link(&self, token: &str, now: Millis) -> Result<LinkLookup, StoreError> {
        if !tokens::well_formed(token) {
            return Ok(LinkLookup::Unknown);
        }
        let hash = tokens::hash(token);
        let direct: Option<(String, String, i64, Option<i64>)> =
            sqlx::query_as("SELECT session_id, role, expires_at, revoked_at FROM invitations WHERE token_hash = $1")
                .bind(&hash[..])
                .fetch_optional(&self.pool)
                .await?;
        if let Some((session_id, role, expires_at, revoked_at)) = direct {
            let role = role_of(&role)?;
            if revoked_at.is_some() {
                return Ok(LinkLookup::Revoked { role, series: false });
            }
            let record = Box::new(self.session(&session_id).await?);
            return Ok(LinkLookup::Session {
                role,
                series: false,
                expired: expires_at <= now,
                record,
            });
        }
        let series: Option<(String, String, Option<i64>)> =
            sqlx::query_as("SELECT series_id, role, revoked_at FROM series_invitations WHERE token_hash = $1")
                .bind(&hash[..])
                .fetch_optional(&self.pool)
                .await?;
        let Some((series_id, role, revoked_at)) = series else {
            return Ok(LinkLookup::Unknown);
        };
        let role = role_of(&role)?;
        if revoked_at.is_some() {
            return Ok(LinkLookup::Revoked { role, series: true });
        }
        match next_occurrence(&self.pool, &series_id, now).await? {
            Some((session_id, _, _)) => Ok(LinkLookup::Session {
                role,
                series: true,
                expired: false,
                record: Box::new(self.session(&session_id).await?),
            }),
            None => Ok(LinkLookup::SeriesOver {
                role,
                title: self.series(&series_id).await?.title,
            }),
        }
    }

    /// Whether `token` opens `session_id`'s summary export: the session's own
    /// facilitator link, or the facilitator link of the series it belongs to
    /// (a series' meetings have no links of their own). Revoked links do not;
    /// expiry and the session's end do not matter: the summary is read after.
    pub async fn summary_access(&self, token: &str, session_id: &str) -> Result<SummaryAccess, StoreError> {
        if !tokens::well_formed(token) {
            return Ok(SummaryAccess::Denied);
        }
        let hash = tokens::hash(token);
        let direct: Option<String> = sqlx::query_scalar(
            "SELECT session_id FROM invitations
             WHERE token_hash = $1 AND role = 'facilitator' AND revoked_at IS NULL",
        )
        .bind(&hash[..])
        .fetch_optional(&self.pool)
        .await?;
        if let Some(id) = direct {
            return Ok(if id == session_id {
                SummaryAccess::Allowed
            } else {
                SummaryAccess::OtherSession
            });
        }
        let series: Option<String> = sqlx::query_scalar(
            "SELECT series_id FROM series_invitations
             WHERE token_hash = $1 AND role = 'facilitator' AND revoked_at IS NULL",
        )
        .bind(&hash[..])
        .fetch_optional(&self.pool)
        .await?;
        let Some(series) = series else {
            return Ok(SummaryAccess::Denied);
        };
        let belongs: Option<i64> = sqlx::query_scalar("SELECT 1 FROM sessions WHERE id = $1 AND series_id = $2")
            .bind(session_id)
            .bind(&series)
            .fetch_optional(&self.pool)
            .await?;
        Ok(if belongs.is_some() {
            SummaryAccess::Allowed
        } else {
            SummaryAccess::OtherSession
        })
    }
}

//! Invitations: the links people join with. Only a token's hash is stored,
//! so a copy of the database cannot be used to join anything.

use super::{Store, StoreError};
use crate::protocol::Role;
use crate::room::Millis;
use crate::tokens;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InviteRole {
    Facilitator,
    Participant,
}

impl InviteRole {
    pub fn as_str(self) -> &'static str {
        match self {
            InviteRole::Facilitator => "facilitator",
            InviteRole::Participant => "participant",
        }
    }

    pub fn parse(text: &str) -> Option<InviteRole> {
        match text {
            "facilitator" => Some(InviteRole::Facilitator),
            "participant" => Some(InviteRole::Participant),
            _ => None,
        }
    }

    pub fn room_role(self) -> Role {
        match self {
            InviteRole::Facilitator => Role::Facilitator,
            InviteRole::Participant => Role::Participant,
        }
    }
}

/// A valid invitation, found by its token.
#[derive(Clone, Debug)]
pub struct Invitation {
    pub id: String,
    pub session_id: String,
    pub role: InviteRole,
}

/// The two tokens of a session, in plain text: shown once, never stored.
#[derive(Clone, Debug)]
pub struct InvitationLinks {
    pub facilitator_token: String,
    pub participant_token: String,
}

/// Why a token does not let anyone in.
#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    #[error("this link is not valid")]
    Unknown,
    #[error("this link has expired")]
    Expired,
    #[error("this link was revoked")]
    Revoked,
    #[error("this session has ended")]
    SessionEnded,
    #[error("this session was cancelled")]
    Cancelled,
    /// Participants come in when the waiting room opens, a little before the
    /// start; facilitators whenever they like.
    #[error("the waiting room opens a little before the session starts")]
    NotOpenYet { opens_at: Millis, starts_at: Millis },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for InviteError {
    fn from(error: sqlx::Error) -> Self {
        InviteError::Store(StoreError::Database(error))
    }
}

/// id, session id, role, expiry, revocation, and the session's end,
/// cancellation, start and opening.
type RedeemRow = (
    String,
    String,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    i64,
    i64,
);

impl Store {
    /// Creates an invitation and returns its id and token.
    pub async fn create_invitation(
        &self,
        session_id: &str,
        role: InviteRole,
        expires_at: Millis,
        now: Millis,
    ) -> Result<(String, String), StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        let token = self.key.invitation_token(&id, 0);
        sqlx::query(
            "INSERT INTO invitations (id, session_id, role, token_hash, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(session_id)
        .bind(role.as_str())
        .bind(&tokens::hash(&token)[..])
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok((id, token))
    }

    /// A facilitator link and a participant link for a session.
    pub async fn create_links(
        &self,
        session_id: &str,
        expires_at: Millis,
        now: Millis,
    ) -> Result<InvitationLinks, StoreError> {
        let (_, facilitator_token) = self
            .create_invitation(session_id, InviteRole::Facilitator, expires_at, now)
            .await?;
        let (_, participant_token) = self
            .create_invitation(session_id, InviteRole::Participant, expires_at, now)
            .await?;
        Ok(InvitationLinks {
            facilitator_token,
            participant_token,
        })
    }

    /// Finds the invitation a token belongs to, if it still lets anyone in.
    pub async fn redeem(&self, token: &str, now: Millis) -> Result<Invitation, InviteError> {
        if !tokens::well_formed(token) {
            return Err(InviteError::Unknown);
        }
        let row: Option<RedeemRow> = sqlx::query_as(
            "SELECT i.id, i.session_id, i.role, i.expires_at, i.revoked_at, s.ended_at, s.cancelled_at,
                    s.starts_at, s.opens_minutes_before
             FROM invitations i JOIN sessions s ON s.id = i.session_id
             WHERE i.token_hash = $1",
        )
        .bind(&tokens::hash(token)[..])
        .fetch_optional(&self.pool)
        .await?;
        let Some((id, session_id, role, expires_at, revoked_at, ended_at, cancelled_at, starts_at, opens_before)) = row
        else {
            // Not a session's link: perhaps a whole series'.
            return self
                .redeem_series(&tokens::hash(token)[..], now)
                .await?
                .ok_or(InviteError::Unknown);
        };
        if revoked_at.is_some() {
            return Err(InviteError::Revoked);
        }
        if cancelled_at.is_some() {
            return Err(InviteError::Cancelled);
        }
        if ended_at.is_some() {
            return Err(InviteError::SessionEnded);
        }
        if expires_at <= now {
            return Err(InviteError::Expired);
        }
        let role = match role.as_str() {
            "facilitator" => InviteRole::Facilitator,
            "participant" => InviteRole::Participant,
            _ => return Err(StoreError::Corrupt("invitation role").into()),
        };
        let opens_at = starts_at - opens_before * 60_000;
        if role == InviteRole::Participant && now < opens_at {
            return Err(InviteError::NotOpenYet { opens_at, starts_at });
        }
        Ok(Invitation { id, session_id, role })
    }

    /// The token of a live invitation, derived again from the server's key:
    /// what lets an organizer copy a link long after creating it.
    pub async fn invitation_token(&self, id: &str) -> Result<String, StoreError> {
        let generation: Option<i64> =
            sqlx::query_scalar("SELECT generation FROM invitations WHERE id = $1 AND revoked_at IS NULL")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        let generation = generation.ok_or(StoreError::NotFound)?;
        Ok(self.key.invitation_token(id, generation))
    }

    /// Gives an invitation a new token, and revives it if it was revoked:
    /// the old link stops working at once.
    pub async fn regenerate_invitation(&self, id: &str) -> Result<String, StoreError> {
        let generation: Option<i64> = sqlx::query_scalar("SELECT generation FROM invitations WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let generation = generation.ok_or(StoreError::NotFound)? + 1;
        let token = self.key.invitation_token(id, generation);
        sqlx::query("UPDATE invitations SET generation = $1, token_hash = $2, revoked_at = NULL WHERE id = $3")
            .bind(generation)
            .bind(&tokens::hash(&token)[..])
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(token)
    }

    /// Revokes an invitation: its link stops working at once.
    pub async fn revoke_invitation(&self, id: &str, now: Millis) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE invitations SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}

/// Inserts an invitation inside the caller's transaction and returns its id
/// (its token is derived again when needed: `invitation_token`).
pub(super) async fn insert_invitation(
    tx: &mut sqlx::AnyConnection,
    store: &Store,
    session_id: &str,
    role: InviteRole,
    expires_at: Millis,
    now: Millis,
) -> Result<String, StoreError> {
    let id = uuid::Uuid::new_v4().to_string();
    let token = store.key.invitation_token(&id, 0);
    sqlx::query(
        "INSERT INTO invitations (id, session_id, role, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(session_id)
    .bind(role.as_str())
    .bind(&tokens::hash(&token)[..])
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    Ok(id)
}

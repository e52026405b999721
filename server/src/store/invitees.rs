//! People an organizer invites by email, each with a link of their own, and
//! what their mail became. Adding someone queues their invitation in the same
//! transaction (when mail is on), so an invitee is never left without it by
//! a crash in between.

use sqlx::AnyConnection;

use super::outbox::{MailKind, queue};
use super::{InviteRole, Store, StoreError, Turns, ValidationError};
use crate::room::Millis;
use crate::tokens;

/// A session or a series has at most this many people invited by email:
/// a support group is 4 to 16, and this bounds what one organizer's list
/// costs the mailer.
pub const MAX_INVITEES: usize = 200;

/// The language a person's mail is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    En,
    Fr,
}

impl Language {
    pub fn parse(code: &str) -> Option<Language> {
        match code {
            "en" => Some(Language::En),
            "fr" => Some(Language::Fr),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
        }
    }
}

/// What a person is invited to: one meeting, or every meeting of a series.
#[derive(Clone, Copy, Debug)]
pub enum Scope<'a> {
    Session(&'a str),
    Series(&'a str),
}

/// Someone to invite; the address is checked by the caller (see `mail`).
#[derive(Clone, Debug)]
pub struct NewInvitee {
    pub email: String,
    pub role: InviteRole,
    pub language: Language,
}

#[derive(Clone, Debug)]
pub struct Invitee {
    pub id: String,
    pub session_id: Option<String>,
    pub series_id: Option<String>,
    /// Their own link: a row of `invitations` (a session's invitee) or of
    /// `series_invitations` (a series').
    pub invitation_id: String,
    pub role: InviteRole,
    pub email: String,
    pub language: Language,
    pub created_at: Millis,
    pub revoked_at: Option<Millis>,
}

/// One message to an invitee, as the organizer sees it.
#[derive(Clone, Debug)]
pub struct MailRecord {
    pub kind: MailKind,
    pub queued_at: Millis,
    pub attempts: u32,
    pub sent_at: Option<Millis>,
    pub failed_at: Option<Millis>,
    pub failure: Option<String>,
}

/// What adding a list of people did: who is new, and which addresses were
/// there already (left as they were).
#[derive(Clone, Debug, Default)]
pub struct Added {
    pub added: Vec<Invitee>,
    pub already_invited: Vec<String>,
}

/// An invitee's columns, for queries that read one (`invitee`). A macro so
/// that every query stays a literal.
macro_rules! invitee_columns {
    () => {
        "i.id, i.session_id, i.series_id, i.invitation_id, i.role, i.email, i.language, i.created_at, i.revoked_at"
    };
}
pub(super) use invitee_columns;

pub(super) fn invitee(row: &sqlx::any::AnyRow) -> Result<Invitee, StoreError> {
    use sqlx::Row;
    let role: String = row.try_get("role")?;
    let language: String = row.try_get("language")?;
    Ok(Invitee {
        id: row.try_get("id")?,
        session_id: row.try_get("session_id")?,
        series_id: row.try_get("series_id")?,
        invitation_id: row.try_get("invitation_id")?,
        role: InviteRole::parse(&role).ok_or(StoreError::Corrupt("invitee role"))?,
        email: row.try_get("email")?,
        language: Language::parse(&language).ok_or(StoreError::Corrupt("invitee language"))?,
        created_at: row.try_get("created_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

impl Store {
    /// Invites people, each with a link of their own, and queues each one's
    /// invitation when `mail` is on: all in one transaction. An address
    /// already invited (in any case) is left as it was.
    pub async fn add_invitees(
        &self,
        scope: Scope<'_>,
        people: &[NewInvitee],
        links_expire_at: Millis,
        mail: bool,
        now: Millis,
    ) -> Result<Added, StoreError> {
        let mut tx = self.pool.begin().await?;
        let (session_id, series_id, turns) = match scope {
            Scope::Session(id) => (Some(id), None, Turns::Session(id)),
            Scope::Series(id) => (None, Some(id), Turns::Series(id)),
        };
        // Two lists added at once: the second sees who the first added.
        self.take_turns(&mut tx, turns).await?;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invitees WHERE session_id IS NOT DISTINCT FROM $1 AND series_id IS NOT DISTINCT FROM $2")
            .bind(session_id)
            .bind(series_id)
            .fetch_one(&mut *tx)
            .await?;
        let mut added = Added::default();
        for person in people {
            let known: Option<String> = sqlx::query_scalar(
                "SELECT id FROM invitees WHERE session_id IS NOT DISTINCT FROM $1 AND series_id IS NOT DISTINCT FROM $2
                 AND lower(email) = lower($3)",
            )
            .bind(session_id)
            .bind(series_id)
            .bind(&person.email)
            .fetch_optional(&mut *tx)
            .await?;
            if known.is_some() {
                added.already_invited.push(person.email.clone());
                continue;
            }
            if count as usize + added.added.len() >= MAX_INVITEES {
                return Err(StoreError::Invalid(ValidationError {
                    field: "emails",
                    message: "a session or a series has at most 200 people invited by email",
                }));
            }
            let invitation_id = own_link(&mut tx, self, scope, person.role, links_expire_at, now).await?;
            let id = uuid::Uuid::new_v4().to_string();
            sqlx::query(
                "INSERT INTO invitees (id, session_id, series_id, invitation_id, role, email, language, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&id)
            .bind(session_id)
            .bind(series_id)
            .bind(&invitation_id)
            .bind(person.role.as_str())
            .bind(&person.email)
            .bind(person.language.code())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if mail {
                queue(
                    &mut tx,
                    &id,
                    session_id,
                    MailKind::Invitation,
                    &format!("invitation:{id}"),
                    now,
                )
                .await?;
            }
            added.added.push(Invitee {
                id,
                session_id: session_id.map(str::to_owned),
                series_id: series_id.map(str::to_owned),
                invitation_id,
                role: person.role,
                email: person.email.clone(),
                language: person.language,
                created_at: now,
                revoked_at: None,
            });
        }
        tx.commit().await?;
        Ok(added)
    }

    /// The people invited to a session or a series, in the order they were
    /// added, each with their mail (oldest first).
    pub async fn invitees(&self, scope: Scope<'_>) -> Result<Vec<(Invitee, Vec<MailRecord>)>, StoreError> {
        let (sql, id) = match scope {
            Scope::Session(id) => (
                concat!(
                    "SELECT ",
                    invitee_columns!(),
                    " FROM invitees i WHERE i.session_id = $1 ORDER BY i.created_at, i.rowid"
                ),
                id,
            ),
            Scope::Series(id) => (
                concat!(
                    "SELECT ",
                    invitee_columns!(),
                    " FROM invitees i WHERE i.series_id = $1 ORDER BY i.created_at, i.rowid"
                ),
                id,
            ),
        };
        let rows = sqlx::query(sql).bind(id).fetch_all(&self.pool).await?;
        let mut all = Vec::with_capacity(rows.len());
        for row in &rows {
            let person = invitee(row)?;
            let mail = self.mail_of(&person.id).await?;
            all.push((person, mail));
        }
        Ok(all)
    }

    /// Takes someone's invitation back: their link stops working at once and
    /// nothing more is sent to them.
    pub async fn revoke_invitee(&self, scope: Scope<'_>, invitee_id: &str, now: Millis) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let (find, scope_id, revoke) = match scope {
            Scope::Session(id) => (
                "SELECT invitation_id FROM invitees WHERE id = $1 AND session_id = $2",
                id,
                "UPDATE invitations SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2",
            ),
            Scope::Series(id) => (
                "SELECT invitation_id FROM invitees WHERE id = $1 AND series_id = $2",
                id,
                "UPDATE series_invitations SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2",
            ),
        };
        let invitation: Option<String> = sqlx::query_scalar(find)
            .bind(invitee_id)
            .bind(scope_id)
            .fetch_optional(&mut *tx)
            .await?;
        let invitation = invitation.ok_or(StoreError::NotFound)?;
        sqlx::query("UPDATE invitees SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2")
            .bind(now)
            .bind(invitee_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(revoke)
            .bind(now)
            .bind(&invitation)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM outbox WHERE invitee_id = $1 AND sent_at IS NULL AND failed_at IS NULL")
            .bind(invitee_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The token of an invitee's own link, derived again from the server's
    /// key; `None` once revoked.
    pub async fn invitee_token(&self, person: &Invitee) -> Result<Option<String>, StoreError> {
        let sql = if person.series_id.is_some() {
            "SELECT generation FROM series_invitations WHERE id = $1 AND revoked_at IS NULL"
        } else {
            "SELECT generation FROM invitations WHERE id = $1 AND revoked_at IS NULL"
        };
        let generation: Option<i64> = sqlx::query_scalar(sql)
            .bind(&person.invitation_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(generation.map(|g| self.key.invitation_token(&person.invitation_id, g)))
    }
}

/// A link for one person: an invitation of the session's, or a link of the
/// series' of their own (found by its token like the series' shared links,
/// which are always the oldest of a role).
async fn own_link(
    tx: &mut AnyConnection,
    store: &Store,
    scope: Scope<'_>,
    role: InviteRole,
    expires_at: Millis,
    now: Millis,
) -> Result<String, StoreError> {
    let id = uuid::Uuid::new_v4().to_string();
    let token = store.key.invitation_token(&id, 0);
    let hash = tokens::hash(&token);
    match scope {
        Scope::Session(session_id) => {
            sqlx::query(
                "INSERT INTO invitations (id, session_id, role, token_hash, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&id)
            .bind(session_id)
            .bind(role.as_str())
            .bind(&hash[..])
            .bind(now)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        }
        Scope::Series(series_id) => {
            sqlx::query(
                "INSERT INTO series_invitations (id, series_id, role, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&id)
            .bind(series_id)
            .bind(role.as_str())
            .bind(&hash[..])
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    Ok(id)
}

/// Someone with an invitation made for them already (a one-on-one
/// meeting's two people): an invitee row pointing at it, so that their mail
/// carries that link, and their invitation queued when `mail` is on.
pub(super) async fn invite_to_link(
    tx: &mut AnyConnection,
    session_id: &str,
    (email, role, language, invitation_id): (&str, InviteRole, Language, &String),
    mail: bool,
    now: Millis,
) -> Result<(), StoreError> {
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO invitees (id, session_id, invitation_id, role, email, language, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(session_id)
    .bind(invitation_id)
    .bind(role.as_str())
    .bind(email)
    .bind(language.code())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if mail {
        queue(
            tx,
            &id,
            Some(session_id),
            MailKind::Invitation,
            &format!("invitation:{id}"),
            now,
        )
        .await?;
    }
    Ok(())
}

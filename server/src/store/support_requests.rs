//! Physicians' requests for a peer, and their life: requested; matched by an
//! organizer with a supporter and a suggested time; proposed (the supporter
//! suggests another time); agreed (a one-on-one meeting exists, with a
//! private link for each); met; closed; or cancelled by either side with a
//! reason. Every change is one conditional update: of two organizers
//! matching the same request at once, exactly one wins.
//!
//! What identifies a physician (their first name or pseudonym, their
//! address, when suits them) is emptied `retention` days after the request
//! closes (`forget_closed_requests`); what stays feeds the program's counts.

use sqlx::Row;

use super::invitees::invite_to_link;
use super::outbox::queue_for_request;
use super::sessions::insert_session;
use super::{InviteRole, Language, MailKind, NewSession, Store, StoreError, ValidationError};
use crate::room::Millis;
use crate::{LINKS_OUTLIVE_SESSION_MS, tokens};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestState {
    Requested,
    Matched,
    Proposed,
    Agreed,
    Met,
    Closed,
    Cancelled,
}

impl RequestState {
    pub const ALL: [RequestState; 7] = [
        RequestState::Requested,
        RequestState::Matched,
        RequestState::Proposed,
        RequestState::Agreed,
        RequestState::Met,
        RequestState::Closed,
        RequestState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Requested => "requested",
            RequestState::Matched => "matched",
            RequestState::Proposed => "proposed",
            RequestState::Agreed => "agreed",
            RequestState::Met => "met",
            RequestState::Closed => "closed",
            RequestState::Cancelled => "cancelled",
        }
    }

    fn parse(text: &str) -> Option<RequestState> {
        RequestState::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// A physician's request as they send it, checked by the caller.
#[derive(Clone, Debug)]
pub struct NewRequest {
    pub first_name: String,
    pub email: Option<String>,
    pub language: Language,
    pub practice_area: Option<String>,
    pub area_preference: String,
    pub supporter_status: String,
    pub times: String,
    /// The physician's time zone (their browser's), to read `times` by.
    pub time_zone: Option<String>,
}

#[derive(Clone, Debug)]
pub struct SupportRequest {
    pub id: String,
    pub first_name: Option<String>,
    pub email: Option<String>,
    pub language: Language,
    pub practice_area: Option<String>,
    pub area_preference: String,
    pub supporter_status: String,
    pub times: Option<String>,
    pub time_zone: Option<String>,
    pub state: RequestState,
    pub supporter_id: Option<String>,
    /// The time on the table (suggested at the match, or proposed by the
    /// supporter), then the time agreed.
    pub proposed_at: Option<Millis>,
    pub minutes: Option<u32>,
    pub session_id: Option<String>,
    pub physician_invitation: Option<String>,
    pub supporter_invitation: Option<String>,
    pub cancelled_by: Option<String>,
    pub cancel_reason: Option<String>,
    pub follow_up: Option<bool>,
    pub created_at: Millis,
    pub closed_at: Option<Millis>,
}

/// Who cancels, and why (one of a short list, checked by the caller).
#[derive(Clone, Debug)]
pub struct Cancel {
    pub by: &'static str,
    pub reason: String,
}

/// The program's counts: never a person.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct SupportStats {
    /// Requests made each week (`YYYY-Www`), the last twelve.
    pub by_week: Vec<(String, u32)>,
    pub by_practice_area: Vec<(String, u32)>,
    /// Requests by where they stand (outcome for the closed ones).
    pub by_state: Vec<(String, u32)>,
}

/// The ground rules of a one-on-one conversation, in its language.
const ONE_ON_ONE_RULES_EN: [&str; 3] = [
    "What is said here stays between us.",
    "This is peer support, not treatment: in a crisis, \"I need more help now\" shows where to turn.",
    "Either of us can pause or end the conversation at any time.",
];
const ONE_ON_ONE_RULES_FR: [&str; 3] = [
    "Ce qui se dit ici reste entre nous.",
    "C'est du soutien par les pairs, pas un traitement : en cas de crise, « J'ai besoin d'aide tout de suite » indique où se tourner.",
    "Chacun·e peut faire une pause ou mettre fin à la conversation à tout moment.",
];

fn conflict<T>(why: &'static str) -> Result<T, StoreError> {
    Err(StoreError::Conflict(why))
}

fn request(row: &sqlx::sqlite::SqliteRow) -> Result<SupportRequest, StoreError> {
    let state: String = row.try_get("state")?;
    let language: String = row.try_get("language")?;
    Ok(SupportRequest {
        id: row.try_get("id")?,
        first_name: row.try_get("first_name")?,
        email: row.try_get("email")?,
        language: Language::parse(&language).ok_or(StoreError::Corrupt("request language"))?,
        practice_area: row.try_get("practice_area")?,
        area_preference: row.try_get("area_preference")?,
        supporter_status: row.try_get("supporter_status")?,
        times: row.try_get("times")?,
        time_zone: row.try_get("time_zone")?,
        state: RequestState::parse(&state).ok_or(StoreError::Corrupt("request state"))?,
        supporter_id: row.try_get("supporter_id")?,
        proposed_at: row.try_get("proposed_at")?,
        minutes: row
            .try_get::<Option<i64>, _>("minutes")?
            .and_then(|m| u32::try_from(m).ok()),
        session_id: row.try_get("session_id")?,
        physician_invitation: row.try_get("physician_invitation")?,
        supporter_invitation: row.try_get("supporter_invitation")?,
        cancelled_by: row.try_get("cancelled_by")?,
        cancel_reason: row.try_get("cancel_reason")?,
        follow_up: row.try_get::<Option<i64>, _>("follow_up")?.map(|f| f != 0),
        created_at: row.try_get("created_at")?,
        closed_at: row.try_get("closed_at")?,
    })
}

impl Store {
    /// Stores a request and returns it with the physician's private token
    /// (only its hash is kept; it is derived again from the server's key for
    /// their mail). With `mail` on and an address given, "your request is
    /// in" is queued in the same transaction.
    pub async fn create_request(
        &self,
        new: &NewRequest,
        mail: bool,
        now: Millis,
    ) -> Result<(SupportRequest, String), StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        let token = self.request_token(&id);
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO support_requests (id, token_hash, first_name, email, language, practice_area,
                 area_preference, supporter_status, times, time_zone, state, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'requested', ?, ?)",
        )
        .bind(&id)
        .bind(&tokens::hash(&token)[..])
        .bind(&new.first_name)
        .bind(&new.email)
        .bind(new.language.code())
        .bind(&new.practice_area)
        .bind(&new.area_preference)
        .bind(&new.supporter_status)
        .bind(&new.times)
        .bind(&new.time_zone)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if mail && new.email.is_some() {
            queue_for_request(&mut tx, &id, MailKind::RequestReceived, &format!("received:{id}"), now).await?;
        }
        tx.commit().await?;
        Ok((self.support_request(&id).await?, token))
    }

    /// A request's private token, derived from the server's key.
    pub fn request_token(&self, id: &str) -> String {
        self.key.invitation_token(id, 0)
    }

    pub async fn support_request(&self, id: &str) -> Result<SupportRequest, StoreError> {
        let row = sqlx::query("SELECT * FROM support_requests WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        request(&row)
    }

    /// The request a physician's private token opens.
    pub async fn request_by_token(&self, token: &str) -> Result<SupportRequest, StoreError> {
        if !tokens::well_formed(token) {
            return Err(StoreError::NotFound);
        }
        let row = sqlx::query("SELECT * FROM support_requests WHERE token_hash = ?")
            .bind(&tokens::hash(token)[..])
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        request(&row)
    }

    /// Requests still open (not met, closed or cancelled), oldest first: what
    /// organizers work on.
    pub async fn open_requests(&self) -> Result<Vec<SupportRequest>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM support_requests WHERE state IN ('requested', 'matched', 'proposed', 'agreed')
             ORDER BY created_at LIMIT 500",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(request).collect()
    }

    /// A supporter's requests, newest first: theirs only.
    pub async fn requests_of(&self, supporter_id: &str) -> Result<Vec<SupportRequest>, StoreError> {
        let rows =
            sqlx::query("SELECT * FROM support_requests WHERE supporter_id = ? ORDER BY created_at DESC LIMIT 200")
                .bind(supporter_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(request).collect()
    }

    /// An organizer matches a waiting request with a supporter who takes
    /// requests, suggesting a time. Exactly one of two matches at once wins;
    /// the other is `Conflict`.
    pub async fn match_request(
        &self,
        id: &str,
        supporter_id: &str,
        organizer_id: &str,
        at: Millis,
        minutes: u32,
        now: Millis,
    ) -> Result<SupportRequest, StoreError> {
        let takes: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM supporters WHERE id = ? AND deactivated_at IS NULL AND paused = 0 AND enrolled_at IS NOT NULL",
        )
        .bind(supporter_id)
        .fetch_optional(&self.pool)
        .await?;
        if takes.is_none() {
            return conflict("this supporter is paused, not enrolled yet or no longer on the roster");
        }
        let done = sqlx::query(
            "UPDATE support_requests SET state = 'matched', supporter_id = ?, matched_by = ?, proposed_at = ?,
                 minutes = ?, updated_at = ?
             WHERE id = ? AND state = 'requested'",
        )
        .bind(supporter_id)
        .bind(organizer_id)
        .bind(at)
        .bind(i64::from(minutes))
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            self.support_request(id).await?;
            return conflict("this request was matched already");
        }
        self.support_request(id).await
    }

    /// The supporter proposes another time: the physician accepts or not
    /// (told by email, with `mail` on and an address given).
    pub async fn propose_time(
        &self,
        id: &str,
        supporter_id: &str,
        (at, minutes): (Millis, u32),
        mail: bool,
        now: Millis,
    ) -> Result<SupportRequest, StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE support_requests SET state = 'proposed', proposed_at = ?, minutes = ?, updated_at = ?
             WHERE id = ? AND supporter_id = ? AND state IN ('matched', 'proposed')",
        )
        .bind(at)
        .bind(i64::from(minutes))
        .bind(now)
        .bind(id)
        .bind(supporter_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            drop(tx);
            return self.not_now(id, Some(supporter_id)).await;
        }
        let email: Option<String> = sqlx::query_scalar("SELECT email FROM support_requests WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        if mail && email.is_some() {
            let key = format!("proposed:{id}:{at}");
            queue_for_request(&mut tx, id, MailKind::TimeProposed, &key, now).await?;
        }
        tx.commit().await?;
        self.support_request(id).await
    }

    /// The time on the table is agreed: by the supporter (the time suggested
    /// at the match) or by the physician (the time the supporter proposed).
    /// Makes the one-on-one meeting and a private link for each, and with
    /// `mail` on, queues each one's invitation; one transaction.
    pub async fn agree_time(
        &self,
        id: &str,
        by_supporter: Option<&str>,
        mail: bool,
        now: Millis,
    ) -> Result<SupportRequest, StoreError> {
        let from = if by_supporter.is_some() { "matched" } else { "proposed" };
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "UPDATE support_requests SET state = 'agreed', updated_at = ?
             WHERE id = ? AND state = ? AND (? IS NULL OR supporter_id = ?) RETURNING *",
        )
        .bind(now)
        .bind(id)
        .bind(from)
        .bind(by_supporter)
        .bind(by_supporter)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            drop(tx);
            return self.not_now(id, by_supporter).await;
        };
        let agreed = request(&row)?;
        let (Some(supporter_id), Some(at), Some(minutes)) = (&agreed.supporter_id, agreed.proposed_at, agreed.minutes)
        else {
            return Err(StoreError::Corrupt("an agreed request without its supporter or time"));
        };
        let (zone, supporter_email, languages): (String, String, String) =
            sqlx::query_as("SELECT time_zone, email, languages FROM supporters WHERE id = ?")
                .bind(supporter_id)
                .fetch_one(&mut *tx)
                .await?;
        let (title, rules) = match agreed.language {
            Language::Fr => ("Conversation de soutien par les pairs", ONE_ON_ONE_RULES_FR),
            Language::En => ("Peer support conversation", ONE_ON_ONE_RULES_EN),
        };
        // Two people, their own rules, and a gentle clock: no countdown
        // warnings, only the times at the top of the room.
        let meeting = NewSession {
            title: title.to_owned(),
            starts_at: at,
            duration_minutes: minutes,
            time_zone: zone,
            capacity: 2,
            opens_minutes_before: 10,
            ground_rules: rules.iter().map(|r| (*r).to_owned()).collect(),
            warning_marks: Vec::new(),
            ..NewSession::default()
        };
        let session_id = insert_session(&mut tx, &meeting, None, now).await?;
        sqlx::query("UPDATE sessions SET kind = 'one_on_one', door_waiting_room = 0 WHERE id = ?")
            .bind(&session_id)
            .execute(&mut *tx)
            .await?;
        let expires = meeting.ends_at() + LINKS_OUTLIVE_SESSION_MS;
        let supporter_link =
            super::invitations::insert_invitation(&mut tx, self, &session_id, InviteRole::Facilitator, expires, now)
                .await?;
        let physician_link =
            super::invitations::insert_invitation(&mut tx, self, &session_id, InviteRole::Participant, expires, now)
                .await?;
        sqlx::query(
            "UPDATE support_requests SET session_id = ?, physician_invitation = ?, supporter_invitation = ? WHERE id = ?",
        )
        .bind(&session_id)
        .bind(&physician_link)
        .bind(&supporter_link)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        // The supporter's mail in the request's language if they speak it.
        let speaks = languages.contains(agreed.language.code());
        let supporter_language = if speaks { agreed.language } else { Language::En };
        let supporter_person = (
            supporter_email.as_str(),
            InviteRole::Facilitator,
            supporter_language,
            &supporter_link,
        );
        invite_to_link(&mut tx, &session_id, supporter_person, mail, now).await?;
        if let Some(email) = &agreed.email {
            let physician = (
                email.as_str(),
                InviteRole::Participant,
                agreed.language,
                &physician_link,
            );
            invite_to_link(&mut tx, &session_id, physician, mail, now).await?;
        }
        tx.commit().await?;
        self.support_request(id).await
    }

    /// Cancels a request that is not over yet, and its meeting if it has one
    /// (whose people are told, with `mail` on).
    pub async fn cancel_request(
        &self,
        id: &str,
        cancel: &Cancel,
        supporter: Option<&str>,
        mail: bool,
        now: Millis,
    ) -> Result<SupportRequest, StoreError> {
        let done: Option<Option<String>> = sqlx::query_scalar(
            "UPDATE support_requests SET state = 'cancelled', cancelled_by = ?, cancel_reason = ?, closed_at = ?,
                 updated_at = ?
             WHERE id = ? AND state IN ('requested', 'matched', 'proposed', 'agreed') AND (? IS NULL OR supporter_id = ?)
             RETURNING session_id",
        )
        .bind(cancel.by)
        .bind(&cancel.reason)
        .bind(now)
        .bind(now)
        .bind(id)
        .bind(supporter)
        .bind(supporter)
        .fetch_optional(&self.pool)
        .await?;
        let Some(session) = done else {
            return self.not_now(id, supporter).await;
        };
        match session {
            // A meeting's people hear through it.
            Some(session) => self.cancel_session(&session, mail, now).await?,
            None if mail && cancel.by != "physician" => {
                let mut tx = self.pool.begin().await?;
                let email: Option<String> = sqlx::query_scalar("SELECT email FROM support_requests WHERE id = ?")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                if email.is_some() {
                    let key = format!("cancelled:{id}");
                    queue_for_request(&mut tx, id, MailKind::RequestCancelled, &key, now).await?;
                }
                tx.commit().await?;
            }
            None => {}
        }
        self.support_request(id).await
    }

    /// The supporter says they met, and whether a follow-up was agreed.
    pub async fn mark_met(
        &self,
        id: &str,
        supporter_id: &str,
        follow_up: bool,
        now: Millis,
    ) -> Result<SupportRequest, StoreError> {
        let done = sqlx::query(
            "UPDATE support_requests SET state = 'met', follow_up = ?, updated_at = ?
             WHERE id = ? AND supporter_id = ? AND state = 'agreed'",
        )
        .bind(follow_up)
        .bind(now)
        .bind(id)
        .bind(supporter_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return self.not_now(id, Some(supporter_id)).await;
        }
        self.support_request(id).await
    }

    /// The supporter closes a request they met on: it is over.
    pub async fn close_request(&self, id: &str, supporter_id: &str, now: Millis) -> Result<SupportRequest, StoreError> {
        let done = sqlx::query(
            "UPDATE support_requests SET state = 'closed', closed_at = ?, updated_at = ?
             WHERE id = ? AND supporter_id = ? AND state = 'met'",
        )
        .bind(now)
        .bind(now)
        .bind(id)
        .bind(supporter_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return self.not_now(id, Some(supporter_id)).await;
        }
        self.support_request(id).await
    }

    /// Why a change did not apply: no such request (or another supporter's:
    /// the two are not told apart), or not in a state for it.
    async fn not_now(&self, id: &str, supporter: Option<&str>) -> Result<SupportRequest, StoreError> {
        let found = self.support_request(id).await?;
        if supporter.is_some() && found.supporter_id.as_deref() != supporter {
            return Err(StoreError::NotFound);
        }
        match found.state {
            RequestState::Cancelled | RequestState::Closed => conflict("this request is closed"),
            _ => conflict("this request is not at that step"),
        }
    }

    /// Empties what identifies a physician in requests closed more than
    /// `days` ago, and closes requests met more than two weeks ago that no
    /// one closed. Returns how many requests were forgotten.
    pub async fn forget_closed_requests(&self, now: Millis, days: u32) -> Result<u64, StoreError> {
        let fortnight = 14 * 24 * 3_600_000;
        sqlx::query(
            "UPDATE support_requests SET state = 'closed', closed_at = ?, updated_at = ?
             WHERE state = 'met' AND updated_at < ?",
        )
        .bind(now)
        .bind(now)
        .bind(now - fortnight)
        .execute(&self.pool)
        .await?;
        let cutoff = now - i64::from(days) * 24 * 3_600_000;
        let done = sqlx::query(
            "UPDATE support_requests SET first_name = NULL, email = NULL, times = NULL, forgotten_at = ?
             WHERE closed_at IS NOT NULL AND closed_at <= ? AND forgotten_at IS NULL",
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
        let by_week: Vec<(String, i64)> = sqlx::query_as(
            "SELECT strftime('%Y-W%W', created_at / 1000, 'unixepoch') AS week, COUNT(*) FROM support_requests
             WHERE created_at > ? GROUP BY week ORDER BY week",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
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

/// A request's text, checked: what the physician typed.
pub fn check_request(new: &NewRequest) -> Result<(), ValidationError> {
    let fail = |field, message| Err(ValidationError { field, message });
    if crate::text::check(&new.first_name, 50, crate::text::Lines::One).is_err() {
        return fail("first_name", "a first name or a pseudonym, 1 to 50 characters");
    }
    if crate::text::check(&new.times, 500, crate::text::Lines::Many).is_err() {
        return fail("times", "say when suits you, in up to 500 characters");
    }
    if new
        .practice_area
        .as_ref()
        .is_some_and(|a| crate::text::check(a, 60, crate::text::Lines::One).is_err())
    {
        return fail("practice_area", "up to 60 characters");
    }
    if new
        .time_zone
        .as_ref()
        .is_some_and(|z| z.parse::<chrono_tz::Tz>().is_err())
    {
        return fail("time_zone", "must be an IANA time zone name such as America/Toronto");
    }
    if !["same", "different", "any"].contains(&new.area_preference.as_str()) {
        return fail("area_preference", "is same, different or any");
    }
    if !["any", "practising", "resident", "retired"].contains(&new.supporter_status.as_str()) {
        return fail("supporter_status", "is any, practising, resident or retired");
    }
    Ok(())
}

//! Physicians' requests for a peer, and their life: requested; matched by an
//! organizer with a supporter and a suggested time; proposed (the supporter
//! suggests another time); agreed (a one-on-one meeting exists, with a
//! private link for each); met; closed; or cancelled by either side with a
//! reason. Every change is one conditional update: of two organizers
//! matching the same request at once, exactly one wins.
//!
//! The meeting a time agreed makes, and a cancellation, are
//! `support_meeting.rs`'s; forgetting and counting, `support_records.rs`'s.

use sqlx::Row;

use super::outbox::{queue_for_request, queue_for_supporter};
use super::{Language, MailKind, Store, StoreError, Turns, ValidationError};
use crate::room::Millis;
use crate::tokens;

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

fn conflict<T>(why: &'static str) -> Result<T, StoreError> {
    Err(StoreError::Conflict(why))
}

pub(super) fn request(row: &sqlx::any::AnyRow) -> Result<SupportRequest, StoreError> {
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
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'requested', $11, $12)",
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

    /// Where the deployment lets physicians book directly: the request made
    /// and matched with `supporter_id` at `at` in one statement, unless that
    /// supporter no longer takes requests or is taken then (of two bookings
    /// of one time, exactly one wins). `Conflict` otherwise, with nothing
    /// stored.
    pub async fn book_request(
        &self,
        new: &NewRequest,
        (supporter_id, at, minutes): (&str, Millis, u32),
        mail: bool,
        now: Millis,
    ) -> Result<(SupportRequest, String), StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        let token = self.request_token(&id);
        let end = at + i64::from(minutes) * 60_000;
        let mut tx = self.pool.begin().await?;
        // Of two bookings of one time, the second sees the first.
        self.take_turns(&mut tx, Turns::Supporter(supporter_id)).await?;
        let done = sqlx::query(
            "INSERT INTO support_requests (id, token_hash, first_name, email, language, practice_area,
                 area_preference, supporter_status, times, time_zone, state, supporter_id, proposed_at, minutes,
                 created_at, updated_at)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'matched', $11, $12, $13, $14, $15
             WHERE EXISTS (SELECT 1 FROM supporters WHERE id = $16 AND deactivated_at IS NULL AND paused = 0
                             AND enrolled_at IS NOT NULL)
               AND NOT EXISTS (SELECT 1 FROM support_requests r WHERE r.supporter_id = $17
                                 AND r.state IN ('matched', 'proposed', 'agreed')
                                 AND r.proposed_at < $18 AND r.proposed_at + r.minutes * 60000 > $19)",
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
        .bind(supporter_id)
        .bind(at)
        .bind(i64::from(minutes))
        .bind(now)
        .bind(now)
        .bind(supporter_id)
        .bind(supporter_id)
        .bind(end)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return conflict("this time was just taken: choose another");
        }
        if mail && new.email.is_some() {
            queue_for_request(&mut tx, &id, MailKind::RequestReceived, &format!("received:{id}"), now).await?;
        }
        if mail {
            let key = format!("matched:{id}:{supporter_id}");
            queue_for_supporter(&mut tx, supporter_id, Some(&id), MailKind::SupportMatched, &key, now).await?;
        }
        tx.commit().await?;
        Ok((self.support_request(&id).await?, token))
    }

    /// The times supporters are taken (matched, proposed or agreed, from a
    /// day ago on): supporter, start, minutes.
    pub async fn taken_times(&self, now: Millis) -> Result<Vec<(String, Millis, u32)>, StoreError> {
        let rows: Vec<(String, Millis, i64)> = sqlx::query_as(
            "SELECT supporter_id, proposed_at, minutes FROM support_requests
             WHERE state IN ('matched', 'proposed', 'agreed') AND supporter_id IS NOT NULL
               AND proposed_at IS NOT NULL AND minutes IS NOT NULL AND proposed_at > $1",
        )
        .bind(now - 24 * 3_600_000)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(who, at, minutes)| (who, at, u32::try_from(minutes).unwrap_or(0)))
            .collect())
    }

    /// A request's private token, derived from the server's key.
    pub fn request_token(&self, id: &str) -> String {
        self.key.invitation_token(id, 0)
    }

    pub async fn support_request(&self, id: &str) -> Result<SupportRequest, StoreError> {
        let row = sqlx::query("SELECT * FROM support_requests WHERE id = $1")
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
        let row = sqlx::query("SELECT * FROM support_requests WHERE token_hash = $1")
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
            sqlx::query("SELECT * FROM support_requests WHERE supporter_id = $1 ORDER BY created_at DESC LIMIT 200")
                .bind(supporter_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(request).collect()
    }

    /// An organizer matches a waiting request with a supporter who takes
    /// requests, suggesting a time (the supporter told by email, with `mail`
    /// on). Exactly one of two matches at once wins; the other is `Conflict`.
    pub async fn match_request(
        &self,
        id: &str,
        supporter_id: &str,
        organizer_id: &str,
        (at, minutes): (Millis, u32),
        mail: bool,
        now: Millis,
    ) -> Result<SupportRequest, StoreError> {
        let takes: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM supporters WHERE id = $1 AND deactivated_at IS NULL AND paused = 0 AND enrolled_at IS NOT NULL",
        )
        .bind(supporter_id)
        .fetch_optional(&self.pool)
        .await?;
        if takes.is_none() {
            return conflict("this supporter is paused, not enrolled yet or no longer on the roster");
        }
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE support_requests SET state = 'matched', supporter_id = $1, matched_by = $2, proposed_at = $3,
                 minutes = $4, updated_at = $5
             WHERE id = $6 AND state = 'requested'",
        )
        .bind(supporter_id)
        .bind(organizer_id)
        .bind(at)
        .bind(i64::from(minutes))
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            drop(tx);
            self.support_request(id).await?;
            return conflict("this request was matched already");
        }
        if mail {
            let key = format!("matched:{id}:{supporter_id}");
            queue_for_supporter(&mut tx, supporter_id, Some(id), MailKind::SupportMatched, &key, now).await?;
        }
        tx.commit().await?;
        self.support_request(id).await
    }

    /// The supporter proposes another time: the physician accepts or not
    /// (told by email, with `mail` on and an address given). After a meeting
    /// where a follow-up was agreed, this proposes the next one: accepted, it
    /// makes a new meeting on the same request.
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
            "UPDATE support_requests SET state = 'proposed', proposed_at = $1, minutes = $2, updated_at = $3
             WHERE id = $4 AND supporter_id = $5 AND (state IN ('matched', 'proposed') OR (state = 'met' AND follow_up = 1))",
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
        let email: Option<String> = sqlx::query_scalar("SELECT email FROM support_requests WHERE id = $1")
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

    /// The supporter says they met, and whether a follow-up was agreed.
    pub async fn mark_met(
        &self,
        id: &str,
        supporter_id: &str,
        follow_up: bool,
        now: Millis,
    ) -> Result<SupportRequest, StoreError> {
        let done = sqlx::query(
            "UPDATE support_requests SET state = 'met', follow_up = $1, updated_at = $2
             WHERE id = $3 AND supporter_id = $4 AND state = 'agreed'",
        )
        .bind(i64::from(follow_up))
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
            "UPDATE support_requests SET state = 'closed', closed_at = $1, updated_at = $2
             WHERE id = $3 AND supporter_id = $4 AND state = 'met'",
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
    pub(super) async fn not_now(&self, id: &str, supporter: Option<&str>) -> Result<SupportRequest, StoreError> {
        let found = self.support_request(id).await?;
        if supporter.is_some() && found.supporter_id.as_deref() != supporter {
            return Err(StoreError::NotFound);
        }
        match found.state {
            RequestState::Cancelled | RequestState::Closed => conflict("this request is closed"),
            _ => conflict("this request is not at that step"),
        }
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

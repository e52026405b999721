//! The outbox: mail queued with the change that causes it, planned reminders,
//! and what became of each message. The mailer (`crate::mail`) takes what is
//! due, writes it from the store as it is then, and records the outcome.
//!
//! A message's row id is its Message-ID on every attempt, and its
//! `dedup_key` says what it is: a reminder planned twice, or a change saved
//! twice, is queued once.

use sqlx::AnyConnection;

use super::invitees::{Invitee, MailRecord, invitee, invitee_columns};
use super::{Store, StoreError};
use crate::room::Millis;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailKind {
    Invitation,
    Reminder,
    /// The session's time changed.
    Moved,
    Cancelled,
    /// To a physician who asked for a peer: their request is in, with its
    /// private link.
    RequestReceived,
    /// To that physician: the supporter proposes a time, to accept.
    TimeProposed,
    /// To that physician: their request was cancelled before a meeting.
    RequestCancelled,
    /// To a nominated supporter: their one-time enrolment link.
    Enrolment,
    /// To a supporter: a physician was matched with them, to confirm.
    SupportMatched,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Invitation => "invitation",
            MailKind::Reminder => "reminder",
            MailKind::Moved => "moved",
            MailKind::Cancelled => "cancelled",
            MailKind::RequestReceived => "request_received",
            MailKind::TimeProposed => "time_proposed",
            MailKind::RequestCancelled => "request_cancelled",
            MailKind::Enrolment => "enrolment",
            MailKind::SupportMatched => "support_matched",
        }
    }

    pub const ALL: [MailKind; 9] = [
        MailKind::Invitation,
        MailKind::Reminder,
        MailKind::Moved,
        MailKind::Cancelled,
        MailKind::RequestReceived,
        MailKind::TimeProposed,
        MailKind::RequestCancelled,
        MailKind::Enrolment,
        MailKind::SupportMatched,
    ];

    fn parse(text: &str) -> Option<MailKind> {
        MailKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// A message due to be sent.
#[derive(Clone, Debug)]
pub struct Pending {
    pub id: String,
    pub kind: MailKind,
    pub attempts: u32,
    /// Whom it goes to: an invitee, or the physician of a request for a peer.
    pub to: Recipient,
    /// The meeting it is about; `None` for a series' invitation.
    pub session_id: Option<String>,
}

#[derive(Clone, Debug)]
pub enum Recipient {
    Invitee(Invitee),
    /// A request's id: its address is read when the message is written.
    Request(String),
    /// A supporter's id, and the request the message is about, if any.
    Supporter {
        supporter: String,
        request: Option<String>,
    },
}

/// Whom a queued message is for, as the outbox's columns hold it: exactly
/// one of an invitee, a supporter or a request's physician, with what it is
/// about (a meeting, a request).
#[derive(Default)]
struct To<'a> {
    invitee: Option<&'a str>,
    session: Option<&'a str>,
    supporter: Option<&'a str>,
    request: Option<&'a str>,
}

/// The one insert every queueing goes through; a key queued already is
/// left as it is.
async fn insert(
    tx: &mut AnyConnection,
    to: To<'_>,
    kind: MailKind,
    dedup_key: &str,
    now: Millis,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO outbox (id, dedup_key, invitee_id, session_id, supporter_id, request_id, kind,
             queued_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(dedup_key)
    .bind(to.invitee)
    .bind(to.session)
    .bind(to.supporter)
    .bind(to.request)
    .bind(kind.as_str())
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Queues a message to a supporter (about a request, or not), inside the
/// caller's transaction.
pub(super) async fn queue_for_supporter(
    tx: &mut AnyConnection,
    supporter_id: &str,
    request_id: Option<&str>,
    kind: MailKind,
    dedup_key: &str,
    now: Millis,
) -> Result<(), StoreError> {
    let to = To {
        supporter: Some(supporter_id),
        request: request_id,
        ..To::default()
    };
    insert(tx, to, kind, dedup_key, now).await
}

/// Queues a message to a request's physician, inside the caller's
/// transaction.
pub(super) async fn queue_for_request(
    tx: &mut AnyConnection,
    request_id: &str,
    kind: MailKind,
    dedup_key: &str,
    now: Millis,
) -> Result<(), StoreError> {
    let to = To {
        request: Some(request_id),
        ..To::default()
    };
    insert(tx, to, kind, dedup_key, now).await
}

/// Queues a message to an invitee inside the caller's transaction.
pub(super) async fn queue(
    tx: &mut AnyConnection,
    invitee_id: &str,
    session_id: Option<&str>,
    kind: MailKind,
    dedup_key: &str,
    now: Millis,
) -> Result<(), StoreError> {
    let to = To {
        invitee: Some(invitee_id),
        session: session_id,
        ..To::default()
    };
    insert(tx, to, kind, dedup_key, now).await
}

/// Tells everyone invited to a meeting that it moved or was cancelled: its
/// own invitees and its series', whose invitation went out or is on its
/// way (an invitation being sent as the change is made may carry the old
/// time; a notice too many is better than one missing). What was still
/// waiting about the meeting (a reminder for the old time, an earlier
/// notice, and for a cancellation, invitations) is dropped: the new notice
/// says it all. Inside the transaction that makes the change.
pub(super) async fn queue_notices(
    tx: &mut AnyConnection,
    session_id: &str,
    kind: MailKind,
    sequence: i64,
    now: Millis,
) -> Result<(), StoreError> {
    let key_end = format!(":{session_id}:{sequence}");
    let invitees: Vec<String> = sqlx::query_scalar(
        "SELECT i.id FROM invitees i
         WHERE i.revoked_at IS NULL
           AND (i.session_id = $1 OR i.series_id = (SELECT series_id FROM sessions WHERE id = $2))
           AND EXISTS (SELECT 1 FROM outbox o WHERE o.invitee_id = i.id AND o.kind = 'invitation'
                       AND o.failed_at IS NULL)",
    )
    .bind(session_id)
    .bind(session_id)
    .fetch_all(&mut *tx)
    .await?;
    // One insert each (at most MAX_INVITEES of the session's and as many of
    // its series'), each with a Message-ID made here: the two databases
    // share no function that makes random ids.
    for invitee_id in invitees {
        let dedup_key = format!("{}:{invitee_id}{key_end}", kind.as_str());
        let to = To {
            invitee: Some(&invitee_id),
            session: Some(session_id),
            ..To::default()
        };
        insert(tx, to, kind, &dedup_key, now).await?;
    }
    sqlx::query(
        "DELETE FROM outbox WHERE session_id = $1 AND sent_at IS NULL AND failed_at IS NULL
           AND (kind <> 'invitation' OR $2 = 'cancelled')
           AND NOT (kind = $3 AND substr(dedup_key, length(dedup_key) - length($4) + 1) = $5)",
    )
    .bind(session_id)
    .bind(kind.as_str())
    .bind(kind.as_str())
    .bind(&key_end)
    .bind(&key_end)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// kind, queued, attempts, sent, failed, failure.
type MailRow = (String, i64, i64, Option<i64>, Option<i64>, Option<String>);

/// Reminders are planned this far ahead at most (the longest one allowed).
const REMINDER_HORIZON_MS: Millis = 7 * 24 * 3_600_000;

impl Store {
    /// Every message to one invitee, oldest first.
    pub(super) async fn mail_of(&self, invitee_id: &str) -> Result<Vec<MailRecord>, StoreError> {
        let rows: Vec<MailRow> = sqlx::query_as(
            "SELECT kind, queued_at, attempts, sent_at, failed_at, failure FROM outbox
             WHERE invitee_id = $1 ORDER BY queued_at, rowid",
        )
        .bind(invitee_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(kind, queued_at, attempts, sent_at, failed_at, failure)| {
                Ok(MailRecord {
                    kind: MailKind::parse(&kind).ok_or(StoreError::Corrupt("mail kind"))?,
                    queued_at,
                    attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                    sent_at,
                    failed_at,
                    failure,
                })
            })
            .collect()
    }

    /// Queues the reminders that are due at `now`: for each invitee of a
    /// meeting not yet started, the latest of its reminder times that has
    /// passed, if they were invited before it. Planned from the store each
    /// time, so a restart neither forgets a reminder nor sends one twice (the
    /// key names the meeting's start and the reminder), and a server that was
    /// down sends only the one that still makes sense. Returns how many were
    /// queued.
    pub async fn plan_reminders(&self, now: Millis) -> Result<usize, StoreError> {
        let rows: Vec<(String, Millis, String, Millis, String)> = sqlx::query_as(
            "SELECT i.id, i.created_at, s.id, s.starts_at, s.reminder_minutes
             FROM invitees i JOIN sessions s
               ON s.id = i.session_id OR (i.series_id IS NOT NULL AND s.series_id = i.series_id)
             WHERE i.revoked_at IS NULL AND s.cancelled_at IS NULL AND s.ended_at IS NULL
               AND s.starts_at > $1 AND s.starts_at <= $2",
        )
        .bind(now)
        .bind(now + REMINDER_HORIZON_MS)
        .fetch_all(&self.pool)
        .await?;
        let mut tx = self.pool.begin().await?;
        let mut queued = 0;
        for (invitee_id, invited_at, session_id, starts_at, minutes) in rows {
            let minutes: Vec<u32> = serde_json::from_str(&minutes).map_err(|_| StoreError::Corrupt("reminders"))?;
            let due = minutes
                .iter()
                .map(|m| (*m, starts_at - Millis::from(*m) * 60_000))
                .filter(|(_, at)| *at <= now && invited_at <= *at)
                .min_by_key(|(m, _)| *m);
            let Some((minutes, _)) = due else { continue };
            let key = format!("reminder:{invitee_id}:{session_id}:{starts_at}:{minutes}");
            let done = sqlx::query(
                "INSERT INTO outbox (id, dedup_key, invitee_id, session_id, kind, queued_at, next_attempt_at)
                 VALUES ($1, $2, $3, $4, 'reminder', $5, $6) ON CONFLICT DO NOTHING",
            )
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(&key)
            .bind(&invitee_id)
            .bind(&session_id)
            .bind(now)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            queued += done.rows_affected() as usize;
        }
        tx.commit().await?;
        Ok(queued)
    }

    /// Up to `limit` messages due at `now`, the longest waiting first.
    pub async fn due_mail(&self, now: Millis, limit: u32) -> Result<Vec<Pending>, StoreError> {
        use sqlx::Row;
        let rows = sqlx::query(concat!(
            "SELECT o.id AS mail_id, o.kind, o.attempts, o.session_id AS about, o.request_id, o.supporter_id AS to_supporter, ",
            invitee_columns!(),
            " FROM outbox o LEFT JOIN invitees i ON i.id = o.invitee_id
             WHERE o.sent_at IS NULL AND o.failed_at IS NULL AND o.next_attempt_at <= $1
             ORDER BY o.next_attempt_at, o.rowid LIMIT $2"
        ))
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let read = |row: &sqlx::any::AnyRow| -> Result<Pending, StoreError> {
            let kind: String = row.try_get("kind")?;
            let attempts: i64 = row.try_get("attempts")?;
            let request: Option<String> = row.try_get("request_id")?;
            let to = match (row.try_get::<Option<String>, _>("to_supporter")?, request) {
                (Some(supporter), request) => Recipient::Supporter { supporter, request },
                (None, Some(request)) => Recipient::Request(request),
                (None, None) => Recipient::Invitee(invitee(row)?),
            };
            Ok(Pending {
                id: row.try_get("mail_id")?,
                kind: MailKind::parse(&kind).ok_or(StoreError::Corrupt("mail kind"))?,
                attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                session_id: row.try_get("about")?,
                to,
            })
        };
        let mut due = Vec::with_capacity(rows.len());
        for row in &rows {
            match read(row) {
                Ok(pending) => due.push(pending),
                // One message the store cannot read must not hold up the
                // others: it is failed, for the organizer to see.
                Err(_) => {
                    let id: String = row.try_get("mail_id")?;
                    self.mail_failed(&id, now, "this message could not be read").await?;
                }
            }
        }
        Ok(due)
    }

    /// How many messages are due at `now`, counted up to `up_to`: one
    /// bounded walk of the outbox's index of messages still to send, for
    /// `/metrics`.
    pub async fn count_mail_due(&self, now: Millis, up_to: u32) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM outbox
               WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 LIMIT $2) AS due",
        )
        .bind(now)
        .bind(i64::from(up_to))
        .fetch_one(&self.pool)
        .await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// When the next queued message is due, if any is waiting.
    pub async fn next_mail_at(&self) -> Result<Option<Millis>, StoreError> {
        let at =
            sqlx::query_scalar("SELECT MIN(next_attempt_at) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL")
                .fetch_one(&self.pool)
                .await?;
        Ok(at)
    }

    /// A message that will never go: shown to the organizer as failed.
    pub(super) async fn mail_failed(&self, id: &str, now: Millis, failure: &str) -> Result<(), StoreError> {
        let mut connection = self.pool.acquire().await?;
        super::mail_claim::mark_failed(&mut connection, id, now, failure).await
    }

    /// Forgets the addresses of people whose meetings are all over (a day
    /// after the end, or after a cancellation) and who have no mail waiting:
    /// an address is kept only while there is something to send to it.
    /// Returns how many were forgotten.
    pub async fn forget_finished_invitees(&self, now: Millis) -> Result<u64, StoreError> {
        let grace = 24 * 3_600_000;
        let done = sqlx::query(
            "DELETE FROM invitees WHERE id IN (
               SELECT i.id FROM invitees i
               WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.invitee_id = i.id
                                 AND o.sent_at IS NULL AND o.failed_at IS NULL)
                 AND NOT EXISTS (SELECT 1 FROM sessions s
                                 WHERE (s.id = i.session_id OR (i.series_id IS NOT NULL AND s.series_id = i.series_id))
                                   AND COALESCE(s.ended_at, s.cancelled_at, s.starts_at + s.duration_minutes * 60000) + $1 > $2))",
        )
        .bind(grace)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}

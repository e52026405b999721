//! The meeting a request for a peer leads to: a time agreed makes a room
//! for two (a session of kind `one_on_one`, with its own ground rules in the
//! physician's language, no waiting room, no countdown warnings) and a
//! private link for each, with their invitations when mail is on; a request
//! cancelled takes its meeting with it, and the physician is told.

use super::invitations::insert_invitation;
use super::invitees::invite_to_link;
use super::outbox::queue_for_request;
use super::sessions::insert_session;
use super::support_requests::request;
use super::{Cancel, InviteRole, Language, MailKind, NewSession, Store, StoreError, SupportRequest};
use crate::LINKS_OUTLIVE_SESSION_MS;
use crate::room::Millis;

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

impl Store {
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
            "UPDATE support_requests SET state = 'agreed', updated_at = $1
             WHERE id = $2 AND state = $3 AND ($4 IS NULL OR supporter_id = $5) RETURNING *",
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
        let (zone, supporter_email, languages, waiting_room): (String, String, String, i64) =
            sqlx::query_as("SELECT time_zone, email, languages, waiting_room FROM supporters WHERE id = $1")
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
        // No waiting room unless the supporter wants one.
        sqlx::query("UPDATE sessions SET kind = 'one_on_one', door_waiting_room = $1 WHERE id = $2")
            .bind(waiting_room)
            .bind(&session_id)
            .execute(&mut *tx)
            .await?;
        let expires = meeting.ends_at() + LINKS_OUTLIVE_SESSION_MS;
        let supporter_link =
            insert_invitation(&mut tx, self, &session_id, InviteRole::Facilitator, expires, now).await?;
        let physician_link =
            insert_invitation(&mut tx, self, &session_id, InviteRole::Participant, expires, now).await?;
        sqlx::query(
            "UPDATE support_requests SET session_id = $1, physician_invitation = $2, supporter_invitation = $3 WHERE id = $4",
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
            "UPDATE support_requests SET state = 'cancelled', cancelled_by = $1, cancel_reason = $2, closed_at = $3,
                 updated_at = $4
             WHERE id = $5 AND state IN ('requested', 'matched', 'proposed', 'agreed') AND ($6 IS NULL OR supporter_id = $7)
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
                let email: Option<String> = sqlx::query_scalar("SELECT email FROM support_requests WHERE id = $1")
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
}

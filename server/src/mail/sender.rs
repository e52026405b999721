//! The task that sends the outbox's mail. Each round plans the reminders that
//! are due, sends what is waiting (writing each message from the store as it
//! is then), records each outcome, and forgets addresses nobody needs any
//! more. A round takes the time as an argument: tests run one at any time.
//!
//! A message is marked sent only after the mail server accepted it, so a
//! crash before that sends it again on restart, with the same Message-ID (a
//! crash in the instant between the server's acceptance and the mark would
//! send it twice; mail servers and clients drop a repeated Message-ID).

use std::sync::Arc;
use std::time::Duration;

use lettre::Message;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use super::compose::{self, About, ComposeError, Envelope, Parts};
use super::{Security, SmtpSettings};
use super::{request_notice, supporter_notice};
use crate::clock;
use crate::room::Millis;
use crate::store::{Invitee, MailClaim, MailKind, Pending, Recipient, Store, StoreError};

/// How many messages one query takes: a round goes on until none is due.
const BATCH: u32 = 20;
/// A mail server that does not answer within this is tried again later.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);
/// Reminders are planned at least this often: one is at most this late.
const PLAN_EVERY: Duration = Duration::from_secs(30);

/// What one round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub reminders_planned: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    pub dropped: usize,
    pub forgotten: u64,
}

pub struct Sender {
    store: Store,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
    /// The public URL's host: the right-hand side of every Message-ID.
    host: String,
}

impl Sender {
    pub fn new(store: Store, settings: &SmtpSettings, public_url: &str) -> anyhow::Result<Sender> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|_| anyhow::anyhow!("the sender address (--smtp-from) is not a valid address"))?;
        let builder = match settings.security {
            Security::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)?,
            Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host)?,
            Security::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host),
        };
        let mut builder = builder.port(settings.port).timeout(Some(SMTP_TIMEOUT));
        if let (Some(user), Some(password)) = (&settings.user, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let host = public_url
            .split("://")
            .nth(1)
            .unwrap_or(public_url)
            .split(['/', ':'])
            .next()
            .filter(|h| !h.is_empty())
            .unwrap_or("peer-room")
            .to_owned();
        Ok(Sender {
            store,
            transport: builder.build(),
            from,
            public_url: public_url.to_owned(),
            host,
        })
    }

    /// Sends until it is told to stop: a round whenever something is
    /// queued, when the next retry is due, and at least every 30 seconds.
    pub async fn run(self, wake: Arc<Notify>, shutdown: CancellationToken) {
        loop {
            let now = clock::now_millis();
            if let Err(error) = self.round(now).await {
                warn!(error = %error, "a mail round failed in the store; trying again shortly");
            }
            let next = self.store.next_mail_at().await.ok().flatten();
            let wait = next.map_or(PLAN_EVERY, |at| {
                Duration::from_millis(u64::try_from(at - clock::now_millis()).unwrap_or(0)).min(PLAN_EVERY)
            });
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = wake.notified() => {}
                () = tokio::time::sleep(wait.max(Duration::from_millis(50))) => {}
            }
        }
    }

    /// One round at `now`.
    pub async fn round(&self, now: Millis) -> Result<Round, StoreError> {
        let mut round = Round {
            reminders_planned: self.store.plan_reminders(now).await?,
            ..Round::default()
        };
        // Messages another node's sender has now: not asked for again this
        // round, which would otherwise see them due until that one is done.
        let mut taken_elsewhere = std::collections::HashSet::new();
        loop {
            let due = self.store.due_mail(now, BATCH + taken_elsewhere.len() as u32).await?;
            let mut tried = 0;
            for pending in due {
                if taken_elsewhere.contains(&pending.id) {
                    continue;
                }
                tried += 1;
                match self.store.claim_mail(&pending.id).await? {
                    Some(claim) => self.deliver(pending, claim, now, &mut round).await?,
                    None => {
                        taken_elsewhere.insert(pending.id);
                    }
                }
            }
            if tried == 0 {
                break;
            }
        }
        round.forgotten = self.store.forget_finished_invitees(now).await?;
        Ok(round)
    }

    /// A meeting's message to an invitee; `None` when there is nothing to say
    /// any more (the meeting is gone, over, or called off before this went).
    async fn meeting_message(
        &self,
        pending: &Pending,
        person: &Invitee,
        now: Millis,
    ) -> Result<Option<Result<Message, ComposeError>>, StoreError> {
        // Someone invited to a whole series hears of its meetings through
        // the series' calendar; someone invited to one meeting, through it.
        let series = match &person.series_id {
            Some(series_id) => match self.store.series(series_id).await {
                Ok(series) => Some((series, self.store.occurrences(series_id).await?)),
                Err(StoreError::NotFound) => None,
                Err(other) => return Err(other),
            },
            None => None,
        };
        let session = match (&series, &person.session_id) {
            (None, Some(id)) => match self.store.session(id).await {
                Ok(record) => Some(record),
                Err(StoreError::NotFound) => None,
                Err(other) => return Err(other),
            },
            _ => None,
        };
        let about = match (&session, &series) {
            (Some(s), _) => About::Session(s),
            (None, Some((series, occurrences))) => {
                let focus = pending
                    .session_id
                    .as_ref()
                    .and_then(|id| occurrences.iter().find(|o| &o.id == id));
                About::Series(series, occurrences, focus)
            }
            (None, None) => return Ok(None),
        };
        // Nothing to say any more: the meeting is over, or called off before
        // this went (its cancellation says so instead).
        let over =
            |s: &crate::store::SessionRecord| s.ended_at.is_some() || s.cancelled_at.is_some() || s.ends_at() <= now;
        let stale = match &about {
            About::Session(s) => pending.kind != MailKind::Cancelled && over(s),
            About::Series(_, _, Some(meeting)) => pending.kind != MailKind::Cancelled && over(meeting),
            About::Series(_, occurrences, None) => occurrences.iter().all(over),
        };
        if stale {
            return Ok(None);
        }
        let link = match pending.kind {
            MailKind::Cancelled => None,
            _ => self
                .store
                .invitee_token(person)
                .await?
                .map(|token| crate::app::join_link(&self.public_url, &token)),
        };
        let parts = Parts {
            kind: pending.kind,
            to: person,
            about,
            link: link.as_deref(),
            from: &self.from,
            message_id: &pending.id,
            host: &self.host,
            now,
        };
        Ok(Some(compose::message(&parts)))
    }

    async fn deliver(
        &self,
        pending: Pending,
        claim: MailClaim,
        now: Millis,
        round: &mut Round,
    ) -> Result<(), StoreError> {
        let written = match &pending.to {
            Recipient::Invitee(person) => self.meeting_message(&pending, person, now).await?,
            Recipient::Request(id) => {
                // Its address is on the request, read when it is written.
                let envelope = Envelope {
                    to: "",
                    from: &self.from,
                    message_id: &pending.id,
                    host: &self.host,
                };
                request_notice::message(&self.store, id, pending.kind, &self.public_url, &envelope).await?
            }
            Recipient::Supporter { supporter, request } => {
                let envelope = Envelope {
                    to: "",
                    from: &self.from,
                    message_id: &pending.id,
                    host: &self.host,
                };
                let about = request.as_deref();
                supporter_notice::message(
                    &self.store,
                    supporter,
                    about,
                    pending.kind,
                    &self.public_url,
                    &envelope,
                    now,
                )
                .await?
            }
        };
        let message = match written {
            Some(Ok(message)) => message,
            None => {
                round.dropped += 1;
                return claim.dropped().await;
            }
            Some(Err(error)) => {
                round.failed += 1;
                warn!(mail = %pending.id, %error, "a message could not be written");
                return claim.failed(now, "the message could not be written").await;
            }
        };
        match self.transport.send(message).await {
            Ok(_) => {
                round.sent += 1;
                info!(mail = %pending.id, kind = pending.kind.as_str(), "mail sent");
                claim.sent(now).await
            }
            Err(error) if error.is_permanent() => {
                round.failed += 1;
                let code = error.status().map_or_else(|| "5xx".to_owned(), |c| c.to_string());
                warn!(mail = %pending.id, code = %code, "the mail server refused a message");
                let why = format!("refused by the mail server ({code})");
                claim.failed(now, &why).await
            }
            Err(error) => {
                round.retried += 1;
                let why = match error.status() {
                    Some(code) => format!("the mail server asked to try again later ({code})"),
                    None => "the mail server could not be reached".to_owned(),
                };
                let next = now + retry_delay(pending.attempts);
                info!(mail = %pending.id, attempts = pending.attempts + 1, "mail not sent yet; trying again later");
                claim.retry(next, &why).await
            }
        }
    }
}

/// 30 s, 1 min, 2 min... up to an hour between attempts: a mail server down
/// for a day is tried 30 times, not thousands.
pub fn retry_delay(attempts: u32) -> Millis {
    30_000_i64.saturating_mul(1 << attempts.min(7)).min(3_600_000)
}

#[cfg(test)]
mod tests {
    use super::retry_delay;

    #[test]
    fn retries_back_off_to_an_hour() {
        assert_eq!(retry_delay(0), 30_000);
        assert_eq!(retry_delay(1), 60_000);
        assert_eq!(retry_delay(6), 1_920_000);
        assert_eq!(retry_delay(7), 3_600_000);
        assert_eq!(retry_delay(40), 3_600_000);
    }
}

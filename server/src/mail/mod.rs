//! Email: invitations with each person's own link, reminders before a
//! meeting, and notices when one moves or is cancelled, over SMTP.
//!
//! - `address.rs`: what an address typed by an organizer must look like;
//! - `words.rs`: what each message says, in English and in French;
//! - `compose.rs`: a message with its text, HTML and calendar file;
//! - `request_notice.rs`: what a physician who asked for a peer is told
//!   (their request is in, a time is proposed, it was cancelled);
//! - `supporter_notice.rs`: what a peer supporter is told (their enrolment
//!   link, a physician matched with them);
//! - `sender.rs`: the task that sends what the store's outbox holds.
//!
//! Nothing is sent when no SMTP server is configured: nothing is queued
//! either, and the organizers' pages show each person's link to copy. With
//! one, a change queues its mail in the store in the same transaction
//! (`store::outbox`), and the sender delivers it with retries; a message
//! keeps its Message-ID over every attempt. No address, link or text is
//! logged: only outbox ids and the mail server's reply codes.

pub mod address;
mod compose;
mod request_notice;
mod sender;
mod supporter_notice;
mod words;

use std::sync::Arc;

use tokio::sync::Notify;

pub use sender::{Round, Sender};

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Security {
    /// Plain connection upgraded with STARTTLS, which is required (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine or network.
    None,
}

/// Where and as whom mail is sent.
#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// Login, if the server asks for one.
    pub user: Option<String>,
    pub password: Option<String>,
    /// The sender, e.g. `PeerRoom <peer-room@example.org>`.
    pub from: String,
}

impl std::fmt::Debug for SmtpSettings {
    /// Everything but the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.user.as_ref().map(|_| "(set)"))
            .finish_non_exhaustive()
    }
}

/// What handlers know of the mailer: whether mail is on, and how to wake
/// the sender when they queued something.
#[derive(Clone, Default)]
pub struct MailHandle {
    wake: Option<Arc<Notify>>,
}

impl MailHandle {
    pub fn on(wake: Arc<Notify>) -> MailHandle {
        MailHandle { wake: Some(wake) }
    }

    /// No SMTP server: nothing is queued or sent.
    pub fn off() -> MailHandle {
        MailHandle { wake: None }
    }

    pub fn enabled(&self) -> bool {
        self.wake.is_some()
    }

    /// Tells the sender there is new mail, after the transaction that
    /// queued it committed.
    pub fn queued(&self) {
        if let Some(wake) = &self.wake {
            wake.notify_one();
        }
    }
}

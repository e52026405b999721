//! The store: what must survive a restart.
//!
//! SQLite by default, in WAL mode with `synchronous=FULL` so that a write
//! acknowledged to a client is on disk. Migrations are embedded in the binary.
//! Nothing here logs names, text or tokens.

mod invitations;
mod invitees;
mod link_lookup;
mod organizers;
mod outbox;
mod recurrence;
mod report;
mod run_of_show;
mod schedule;
mod series;
mod series_links;
mod sessions;
mod summary;
mod support_meeting;
mod support_records;
mod support_requests;
mod supporters;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use crate::tokens::TokenKey;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

pub use invitations::{Invitation, InvitationLinks, InviteError, InviteRole};
pub use invitees::{Added, Invitee, Language, MAX_INVITEES, MailRecord, NewInvitee, Scope};
pub use link_lookup::{LinkLookup, SummaryAccess};
pub use organizers::{AccountRole, LOGIN_LIFETIME_MS, NewOrganizer, Organizer};
pub use outbox::{MailKind, Pending, Recipient};
pub use recurrence::{MAX_OCCURRENCES, Recurrence, SeriesRecord, occurrence_starts};
pub use run_of_show::agenda_json;
pub use schedule::LinkInfo;
pub use sessions::{DEFAULT_REMINDER_MINUTES, DEFAULT_WARNING_MARKS, NewSession, SessionRecord, ValidationError};
pub use summary::SummaryExport;
pub use support_records::SupportStats;
pub use support_requests::{Cancel, NewRequest, RequestState, SupportRequest, check_request};
pub use supporters::{NewSupporter, PRACTICE_STATUSES, ProfileChange, Supporter, Window, YEARS_BANDS};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("could not apply the database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("could not create the database folder {path}: {source}")]
    Folder { path: String, source: std::io::Error },
    #[error("no such session")]
    NotFound,
    #[error("stored data is not valid: {0}")]
    Corrupt(&'static str),
    /// Too much of a costly kind of work (checking passwords) at once.
    #[error("too busy: try again in a moment")]
    Busy,
    /// A change that does not fit where things stand (a request matched
    /// already, a step taken out of turn).
    #[error("{0}")]
    Conflict(&'static str),
    /// A change the store refuses as a whole (a limit it keeps).
    #[error(transparent)]
    Invalid(#[from] ValidationError),
}

/// A handle to the database; cloning shares the pool.
#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
    /// Derives invitation tokens (see `tokens`). Lives in a file beside the
    /// database unless the deployment gives one elsewhere.
    key: TokenKey,
}

/// Creates what is missing of the database's folder (0700) and the database
/// file itself (0600) before SQLite opens it: only the server's user may read
/// them. SQLite gives its WAL and shared-memory files the database file's
/// permissions, so they are private too. What exists already is left as the
/// deployment made it.
fn create_private(file: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let name = file.to_string_lossy();
    if name.is_empty() || name.contains(":memory:") {
        return Ok(());
    }
    if let Some(folder) = file.parent().filter(|f| !f.as_os_str().is_empty() && !f.exists()) {
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(folder)?;
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)
    {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(error),
    }
}

impl Store {
    /// Opens (creating if needed) the database at `url`, e.g.
    /// `sqlite://data/peer-room.db`, and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let file = options.get_filename().to_path_buf();
        create_private(&file).map_err(|source| StoreError::Folder {
            path: file.display().to_string(),
            source,
        })?;
        let key = match std::env::var_os("PEER_ROOM_TOKEN_KEY_FILE") {
            Some(path) => TokenKey::load_or_create(Path::new(&path)),
            None if file.as_os_str().is_empty() || file.to_string_lossy().contains(":memory:") => {
                Ok(TokenKey::ephemeral())
            }
            None => TokenKey::load_or_create(&file.with_extension("key")),
        }
        .map_err(|source| StoreError::Folder {
            path: "the token key file".to_owned(),
            source,
        })?;
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Store { pool, key })
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let value = sqlx::query_scalar::<_, String>("SELECT value FROM settings WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(value)
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whether the database answers at all: a trivial query, for `/readyz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

//! The store: what must survive a restart.
//!
//! SQLite by default, in WAL mode with `synchronous=FULL` so that a write
//! acknowledged to a client is on disk; PostgreSQL for deployments of more
//! than one node. The same code runs on both through sqlx's `Any` driver, so
//! every query is written in the SQL the two share (`$1` parameters,
//! `ON CONFLICT`, `IS NOT DISTINCT FROM`, `lower()` for addresses; see
//! docs/deployment.md). Each has its migrations, one to one with the same
//! meaning (`migrations/sqlite`, `migrations/postgres`), embedded in the
//! binary. Nothing here logs names, text or tokens.

mod cluster;
mod invitations;
mod invitees;
mod link_lookup;
mod mail_claim;
mod organizers;
mod outbox;
mod recurrence;
mod report;
mod run_of_show;
mod schedule;
mod series;
mod series_links;
mod session_changes;
mod sessions;
mod summary;
mod support_meeting;
mod support_records;
mod support_requests;
mod supporters;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use crate::tokens::TokenKey;
use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;
use sqlx::sqlite::SqliteConnectOptions;

pub use cluster::{LiveNode, NodeBeat};
pub use invitations::{Invitation, InvitationLinks, InviteError, InviteRole};
pub use invitees::{Added, Invitee, Language, MAX_INVITEES, MailRecord, NewInvitee, Scope};
pub use link_lookup::{LinkLookup, SummaryAccess};
pub use mail_claim::MailClaim;
pub use organizers::{AccountRole, LOGIN_LIFETIME_MS, NewOrganizer, Organizer};
pub use outbox::{MailKind, Pending, Recipient};
pub use recurrence::{MAX_OCCURRENCES, Recurrence, SeriesRecord, occurrence_starts};
pub use run_of_show::agenda_json;
pub use schedule::LinkInfo;
pub use session_changes::{Heard, SessionChanges};
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
    #[error("the database URL must start with sqlite: or postgres:, not {0}")]
    Scheme(String),
    /// Every node of a PostgreSQL deployment must derive the same links.
    #[error(
        "with PostgreSQL, name the token key file (--token-key-file or PEER_ROOM_TOKEN_KEY_FILE): every node must share it"
    )]
    KeyFileNeeded,
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
    pool: AnyPool,
    /// Derives invitation tokens (see `tokens`). Lives in a file beside the
    /// database unless the deployment gives one elsewhere.
    key: TokenKey,
    backend: Backend,
    /// PostgreSQL's URL, for the one connection that listens for session
    /// changes (`session_changes.rs`); `None` on SQLite. Holds the password:
    /// never logged.
    listen_url: Option<Arc<str>>,
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

/// Which database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            // Only the scheme: the rest may hold a password.
            let scheme = url.split(':').next().unwrap_or_default();
            Err(StoreError::Scheme(format!("{scheme}:")))
        }
    }
}

/// The row whose changes `Store::take_turns` makes wait for each other.
pub(super) enum Turns<'a> {
    Supporter(&'a str),
    Session(&'a str),
    Series(&'a str),
}

/// Set on every SQLite connection: durable writes, foreign keys kept, and a
/// writer that waits its turn rather than failing.
const SQLITE_PRAGMAS: &str =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;";

impl Store {
    /// Opens (creating if needed) the database at `url`, e.g.
    /// `sqlite://data/peer-room.db` or `postgres://peer_room@db.internal/peer_room`,
    /// and brings its schema up to date. Invitation tokens are derived from
    /// the key in `key_file`; for SQLite without one, a file beside the
    /// database (`peer-room.key`), or a key of the process's own for an
    /// in-memory database.
    pub async fn open(url: &str, key_file: Option<&Path>) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of(url)?;
        // SQLite's file, made private before SQLite opens it; `None` for
        // PostgreSQL and an in-memory database.
        let file = match backend {
            Backend::Sqlite => {
                let file = SqliteConnectOptions::from_str(url)?.get_filename().to_path_buf();
                create_private(&file).map_err(|source| StoreError::Folder {
                    path: file.display().to_string(),
                    source,
                })?;
                Some(file).filter(|f| !f.as_os_str().is_empty() && !f.to_string_lossy().contains(":memory:"))
            }
            Backend::Postgres => None,
        };
        let key = match (key_file, &file, backend) {
            (Some(path), _, _) => TokenKey::load_or_create(path),
            (None, _, Backend::Postgres) => return Err(StoreError::KeyFileNeeded),
            (None, Some(file), Backend::Sqlite) => TokenKey::load_or_create(&file.with_extension("key")),
            (None, None, Backend::Sqlite) => Ok(TokenKey::ephemeral()),
        }
        .map_err(|source| StoreError::Folder {
            path: "the token key file".to_owned(),
            source,
        })?;
        let pool = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(4)
                    .after_connect(|connection, _| {
                        Box::pin(async move {
                            sqlx::raw_sql(SQLITE_PRAGMAS).execute(connection).await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await?
            }
            // Many nodes share it: each keeps a few connections.
            Backend::Postgres => AnyPoolOptions::new().max_connections(8).connect(url).await?,
        };
        match backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&pool).await?,
            Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await?,
        }
        let listen_url = (backend == Backend::Postgres).then(|| Arc::from(url));
        Ok(Store {
            pool,
            key,
            backend,
            listen_url,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Makes transactions that check something, then write, about one row
    /// (a supporter's free times, a session's invitees) take turns: on
    /// PostgreSQL the row is locked until `tx` ends, and a transaction
    /// waiting for it reads what the first one wrote. SQLite needs nothing:
    /// these transactions' first statement writes, which takes its one
    /// write lock.
    pub(super) async fn take_turns(&self, tx: &mut sqlx::AnyConnection, row: Turns<'_>) -> Result<(), StoreError> {
        if self.backend == Backend::Sqlite {
            return Ok(());
        }
        let (sql, id) = match row {
            Turns::Supporter(id) => ("SELECT 1 FROM supporters WHERE id = $1 FOR UPDATE", id),
            Turns::Session(id) => ("SELECT 1 FROM sessions WHERE id = $1 FOR UPDATE", id),
            Turns::Series(id) => ("SELECT 1 FROM series WHERE id = $1 FOR UPDATE", id),
        };
        sqlx::query(sql).bind(id).fetch_optional(&mut *tx).await?;
        Ok(())
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let value = sqlx::query_scalar::<_, String>("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(value)
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_databases_have_the_same_migrations_one_to_one() {
        let steps = |migrator: sqlx::migrate::Migrator| -> Vec<(i64, String)> {
            migrator
                .iter()
                .map(|m| (m.version, m.description.to_string()))
                .collect()
        };
        let sqlite = steps(sqlx::migrate!("./migrations/sqlite"));
        assert!(sqlite.len() >= 9);
        assert_eq!(sqlite, steps(sqlx::migrate!("./migrations/postgres")));
    }

    #[tokio::test]
    async fn a_database_url_it_cannot_use_gets_a_clear_error() {
        let refused = Store::open("mysql://root:secret@db/peer_room", None).await.err();
        let said = refused.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            said.contains("sqlite: or postgres:") && said.contains("mysql:"),
            "{said}"
        );
        assert!(!said.contains("secret"), "never the password: {said}");
        // Checked before any connection: the host need not exist.
        let refused = Store::open("postgres://peer_room@db.invalid/peer_room", None)
            .await
            .err();
        assert!(matches!(refused, Some(StoreError::KeyFileNeeded)), "{refused:?}");
    }
}

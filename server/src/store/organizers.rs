//! Organizer accounts and their logins.
//!
//! Passwords are hashed with argon2id (PHC strings); a login is a random
//! token in a cookie, of which only the hash is kept. Hashing is slow on
//! purpose, so it runs on the blocking pool, never on a runtime thread, and
//! only so much of it at once (`PasswordWork`).

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::LazyLock;
use tokio::sync::Semaphore;

use super::{Store, StoreError};
use crate::room::Millis;
use crate::tokens;

/// How long a login lasts before the organizer signs in again.
pub const LOGIN_LIFETIME_MS: Millis = 7 * 24 * 60 * 60 * 1000;
pub const MIN_PASSWORD_CHARS: usize = 10;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organizer {
    pub id: String,
    pub email: String,
    pub name: String,
    pub time_zone: String,
    pub role: AccountRole,
}

/// What an account is for: organizing the program, or supporting peers one
/// on one. A supporter's login opens only their own requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountRole {
    Organizer,
    Supporter,
}

impl AccountRole {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountRole::Organizer => "organizer",
            AccountRole::Supporter => "supporter",
        }
    }
}

/// A new organizer, checked by `validate` before it is stored.
#[derive(Clone, Debug)]
pub struct NewOrganizer {
    pub email: String,
    pub name: String,
    pub password: String,
    pub time_zone: String,
}

impl NewOrganizer {
    pub fn validate(&self) -> Result<(), super::ValidationError> {
        let fail = |field, message| Err(super::ValidationError { field, message });
        let email = self.email.trim();
        let at = email.find('@');
        if email.len() > 254 || at.is_none_or(|i| i == 0 || i == email.len() - 1) || email.contains(char::is_whitespace)
        {
            return fail("email", "must be an email address");
        }
        if crate::text::check(&crate::text::normalize(&self.name), 100, crate::text::Lines::One).is_err() {
            return fail(
                "name",
                "must have between 1 and 100 characters, with no control or invisible characters",
            );
        }
        if self.password.chars().count() < MIN_PASSWORD_CHARS || self.password.len() > 1024 {
            return fail("password", "must have at least 10 characters");
        }
        if self.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return fail("time_zone", "must be an IANA time zone name such as America/Toronto");
        }
        Ok(())
    }
}

/// Hashing a password costs argon2's 19 MiB and tens of milliseconds of a
/// core: unbounded, a few hundred strangers logging in at once would take
/// gigabytes. At most one hash runs per core, a few more wait their turn,
/// and past that a login is refused at once (`StoreError::Busy`, 503 with
/// `Retry-After`) rather than queued without end.
struct PasswordWork {
    running: Semaphore,
    waiting: Semaphore,
}

static PASSWORD_WORK: LazyLock<PasswordWork> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    PasswordWork {
        running: Semaphore::new(cores),
        waiting: Semaphore::new(cores * 4),
    }
});

/// Runs `work` (a hash) on the blocking pool within the bound above.
async fn password_work<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, StoreError> {
    let gate = &*PASSWORD_WORK;
    let _turn = gate.waiting.try_acquire().map_err(|_| StoreError::Busy)?;
    let _core = gate.running.acquire().await.map_err(|_| StoreError::Busy)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| StoreError::Corrupt("password hashing stopped"))
}

pub(super) async fn hash_password(password: String) -> Result<String, StoreError> {
    password_work(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|_| StoreError::Corrupt("password hashing failed"))
    })
    .await?
}

async fn password_matches(password: String, stored: String) -> Result<bool, StoreError> {
    password_work(move || {
        PasswordHash::new(&stored)
            .map(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
            .unwrap_or(false)
    })
    .await
}

/// A real hash of nothing, made once, to check against when there is no account.
async fn dummy_hash() -> Result<String, StoreError> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_try_init(|| hash_password("no account has this password".to_owned()))
        .await
        .cloned()
}

type OrganizerRow = (String, String, String, String, String);

fn organizer((id, email, name, time_zone, role): OrganizerRow) -> Organizer {
    Organizer {
        id,
        email,
        name,
        time_zone,
        role: if role == "supporter" {
            AccountRole::Supporter
        } else {
            AccountRole::Organizer
        },
    }
}

impl Store {
    /// Creates an organizer; `Ok(None)` if the email is taken.
    pub async fn create_organizer(&self, new: &NewOrganizer, now: Millis) -> Result<Option<Organizer>, StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        let hash = hash_password(new.password.clone()).await?;
        let inserted = sqlx::query(
            "INSERT INTO organizers (id, email, name, password_hash, time_zone, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(&id)
        .bind(new.email.trim())
        .bind(crate::text::normalize(&new.name))
        .bind(hash)
        .bind(&new.time_zone)
        .bind(now)
        .execute(&self.pool)
        .await?;
        if inserted.rows_affected() == 0 {
            return Ok(None);
        }
        Ok(Some(Organizer {
            id,
            email: new.email.trim().to_owned(),
            name: new.name.trim().to_owned(),
            time_zone: new.time_zone.clone(),
            role: AccountRole::Organizer,
        }))
    }

    /// Creates the first organizer with the one-time setup link: the link's
    /// hash is taken from `setting` and the account made in one transaction,
    /// so of two uses at once exactly one succeeds, and a link is good only
    /// while no organizer exists. `Ok(None)`: the link was not (or no longer) good.
    pub async fn create_first_organizer(
        &self,
        setting: &str,
        link_hash: &str,
        new: &NewOrganizer,
        now: Millis,
    ) -> Result<Option<Organizer>, StoreError> {
        let hash = hash_password(new.password.clone()).await?;
        let mut tx = self.pool.begin().await?;
        // The write comes first: SQLite lets one writer at a time past it, so
        // a second use waits here and then finds the link gone.
        let taken = sqlx::query("DELETE FROM settings WHERE key = $1 AND value = $2")
            .bind(setting)
            .bind(link_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organizers WHERE role = 'organizer'")
            .fetch_one(&mut *tx)
            .await?;
        if taken != 1 || existing > 0 {
            return Ok(None);
        }
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO organizers (id, email, name, password_hash, time_zone, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(new.email.trim())
        .bind(crate::text::normalize(&new.name))
        .bind(hash)
        .bind(&new.time_zone)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(Organizer {
            id,
            email: new.email.trim().to_owned(),
            name: new.name.trim().to_owned(),
            time_zone: new.time_zone.clone(),
            role: AccountRole::Organizer,
        }))
    }

    pub async fn organizer_count(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM organizers WHERE role = 'organizer'")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// The organizer with this email and password, if both are right.
    pub async fn authenticate(&self, email: &str, password: &str) -> Result<Option<Organizer>, StoreError> {
        let row: Option<(String, String, String, String, String, String)> =
            // A deactivated supporter's account no longer logs in.
            sqlx::query_as(
                "SELECT id, email, name, time_zone, role, password_hash FROM organizers o WHERE lower(email) = lower($1)
                   AND NOT EXISTS (SELECT 1 FROM supporters s WHERE s.account_id = o.id AND s.deactivated_at IS NOT NULL)",
            )
                .bind(email.trim())
                .fetch_optional(&self.pool)
                .await?;
        // With no such account, still spend the time of a check, so the
        // answer's timing does not tell which emails have accounts.
        let Some((id, email, name, time_zone, role, hash)) = row else {
            password_matches(password.to_owned(), dummy_hash().await?).await?;
            return Ok(None);
        };
        if !password_matches(password.to_owned(), hash).await? {
            return Ok(None);
        }
        Ok(Some(organizer((id, email, name, time_zone, role))))
    }

    /// Starts a login and returns its cookie token.
    pub async fn start_login(&self, organizer_id: &str, now: Millis) -> Result<String, StoreError> {
        let token = tokens::generate();
        sqlx::query(
            "INSERT INTO organizer_logins (token_hash, organizer_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&tokens::hash(&token)[..])
        .bind(organizer_id)
        .bind(now)
        .bind(now + LOGIN_LIFETIME_MS)
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// The organizer a login token belongs to, if it is current.
    pub async fn logged_in(&self, token: &str, now: Millis) -> Result<Option<Organizer>, StoreError> {
        if !tokens::well_formed(token) {
            return Ok(None);
        }
        let row: Option<OrganizerRow> = sqlx::query_as(
            "SELECT o.id, o.email, o.name, o.time_zone, o.role FROM organizer_logins l
             JOIN organizers o ON o.id = l.organizer_id
             WHERE l.token_hash = $1 AND l.expires_at > $2",
        )
        .bind(&tokens::hash(token)[..])
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(organizer))
    }

    pub async fn end_login(&self, token: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM organizer_logins WHERE token_hash = $1")
            .bind(&tokens::hash(token)[..])
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

//! The peer-supporter roster: nominated by an organizer, enrolled through a
//! one-time link that makes their account (role `supporter`), kept up by the
//! supporters themselves (languages, areas, weekly availability, a pause),
//! deactivated by an organizer. Organizers see each one's load, never the
//! content of a conversation.

use super::organizers::hash_password;
use super::outbox::queue_for_supporter;
use super::{Language, MailKind, Organizer, Store, StoreError, ValidationError};
use crate::room::Millis;
use crate::tokens;

/// What an organizer gives to nominate someone.
#[derive(Clone, Debug)]
pub struct NewSupporter {
    pub name: String,
    pub email: String,
    pub practice_areas: Vec<String>,
    /// `practising`, `resident` or `retired`.
    pub practice_status: String,
    /// `0-5`, `6-15`, `16-30` or `30+` years in practice.
    pub years_band: String,
    pub languages: Vec<Language>,
    /// When their peer-support training was completed, `YYYY-MM-DD`.
    pub trained_on: String,
}

pub const PRACTICE_STATUSES: [&str; 3] = ["practising", "resident", "retired"];
pub const YEARS_BANDS: [&str; 4] = ["0-5", "6-15", "16-30", "30+"];

/// A weekly window a supporter is usually free: day 0 (Monday) to 6, and
/// minutes from midnight in their own time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Window {
    pub day: u8,
    pub from: u16,
    pub to: u16,
}

#[derive(Clone, Debug)]
pub struct Supporter {
    pub id: String,
    pub account_id: Option<String>,
    pub name: String,
    pub email: String,
    pub practice_areas: Vec<String>,
    pub practice_status: String,
    pub years_band: String,
    pub languages: Vec<Language>,
    pub trained_on: String,
    pub time_zone: String,
    pub availability: Vec<Window>,
    pub paused: bool,
    /// Their one-on-one meetings start with a waiting room: they let the
    /// physician in. Off by default: the physician comes straight in.
    pub waiting_room: bool,
    pub enrolled: bool,
    pub active: bool,
    /// Requests matched with them in the last 30 days.
    pub load: u32,
}

impl Supporter {
    /// Whether new requests can go to them.
    pub fn takes_requests(&self) -> bool {
        self.active && self.enrolled && !self.paused
    }
}

/// What a supporter changes about themselves; what is left out stays.
#[derive(Clone, Debug, Default)]
pub struct ProfileChange {
    pub languages: Option<Vec<Language>>,
    pub practice_areas: Option<Vec<String>>,
    pub availability: Option<Vec<Window>>,
    pub paused: Option<bool>,
    pub time_zone: Option<String>,
    pub waiting_room: Option<bool>,
}

fn fail<T>(field: &'static str, message: &'static str) -> Result<T, StoreError> {
    Err(StoreError::Invalid(ValidationError { field, message }))
}

pub(super) fn check_areas(areas: &[String]) -> Result<(), StoreError> {
    let bad = |a: &String| crate::text::check(a, 60, crate::text::Lines::One).is_err();
    if areas.is_empty() || areas.len() > 5 || areas.iter().any(bad) {
        return fail("practice_areas", "1 to 5 practice areas, each up to 60 characters");
    }
    Ok(())
}

pub(super) fn check_windows(windows: &[Window]) -> Result<(), StoreError> {
    if windows.len() > 21 || windows.iter().any(|w| w.day > 6 || w.from >= w.to || w.to > 24 * 60) {
        return fail(
            "availability",
            "up to 21 weekly windows, each a day 0 (Monday) to 6 and minutes from 0 to 1440, from before to",
        );
    }
    Ok(())
}

fn languages_json(languages: &[Language]) -> String {
    serde_json::to_string(&languages.iter().map(|l| l.code()).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

/// A supporter's columns and their load (one parameter: since when). A
/// macro so that every query stays a literal.
macro_rules! columns {
    () => {
        "SELECT s.id, s.account_id, s.name, s.email, s.practice_areas, s.practice_status, s.years_band,
            s.languages, s.trained_on, s.time_zone, s.availability, s.paused, s.waiting_room, s.enrolled_at, s.deactivated_at,
            (SELECT COUNT(*) FROM support_requests r WHERE r.supporter_id = s.id AND r.created_at > $1) AS load
         FROM supporters s "
    };
}

fn supporter(row: &sqlx::any::AnyRow) -> Result<Supporter, StoreError> {
    use sqlx::Row;
    let json = |column: &str| -> Result<String, StoreError> { Ok(row.try_get::<String, _>(column)?) };
    let languages: Vec<String> =
        serde_json::from_str(&json("languages")?).map_err(|_| StoreError::Corrupt("languages"))?;
    Ok(Supporter {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        practice_areas: serde_json::from_str(&json("practice_areas")?).map_err(|_| StoreError::Corrupt("areas"))?,
        practice_status: row.try_get("practice_status")?,
        years_band: row.try_get("years_band")?,
        languages: languages.iter().filter_map(|l| Language::parse(l)).collect(),
        trained_on: row.try_get("trained_on")?,
        time_zone: row.try_get("time_zone")?,
        availability: serde_json::from_str(&json("availability")?).map_err(|_| StoreError::Corrupt("availability"))?,
        paused: row.try_get::<i64, _>("paused")? != 0,
        waiting_room: row.try_get::<i64, _>("waiting_room")? != 0,
        enrolled: row.try_get::<Option<i64>, _>("enrolled_at")?.is_some(),
        active: row.try_get::<Option<i64>, _>("deactivated_at")?.is_none(),
        load: u32::try_from(row.try_get::<i64, _>("load")?).unwrap_or(u32::MAX),
    })
}

const MONTH_MS: Millis = 30 * 24 * 3_600_000;

impl Store {
    /// Nominates a supporter and returns them with their one-time enrolment
    /// token (only its hash is kept); with `mail` on, it is sent to them in
    /// the same transaction.
    pub async fn nominate_supporter(
        &self,
        nominated_by: &str,
        new: &NewSupporter,
        mail: bool,
        now: Millis,
    ) -> Result<(Supporter, String), StoreError> {
        self.nominate_supporter_as(Some(nominated_by), new, mail, now).await
    }

    /// As `nominate_supporter`; `None`: nominated by no one (the demo's).
    pub async fn nominate_supporter_as(
        &self,
        nominated_by: Option<&str>,
        new: &NewSupporter,
        mail: bool,
        now: Millis,
    ) -> Result<(Supporter, String), StoreError> {
        if crate::text::check(&new.name, 100, crate::text::Lines::One).is_err() {
            return fail(
                "name",
                "must have between 1 and 100 characters, with no control characters",
            );
        }
        check_areas(&new.practice_areas)?;
        if !PRACTICE_STATUSES.contains(&new.practice_status.as_str()) {
            return fail("practice_status", "is practising, resident or retired");
        }
        if !YEARS_BANDS.contains(&new.years_band.as_str()) {
            return fail("years_band", "is 0-5, 6-15, 16-30 or 30+");
        }
        if new.languages.is_empty() {
            return fail("languages", "at least one of en and fr");
        }
        if chrono::NaiveDate::parse_from_str(&new.trained_on, "%Y-%m-%d").is_err() {
            return fail("trained_on", "must be a date such as 2026-09-30");
        }
        let id = uuid::Uuid::new_v4().to_string();
        let token = self.enrolment_token(&id, 0);
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "INSERT INTO supporters (id, nominated_by, name, email, practice_areas, practice_status, years_band,
                 languages, trained_on, enrol_token_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING",
        )
        .bind(&id)
        .bind(nominated_by)
        .bind(crate::text::normalize(&new.name))
        .bind(&new.email)
        .bind(serde_json::to_string(&new.practice_areas).unwrap_or_else(|_| "[]".into()))
        .bind(&new.practice_status)
        .bind(&new.years_band)
        .bind(languages_json(&new.languages))
        .bind(&new.trained_on)
        .bind(&tokens::hash(&token)[..])
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return fail("email", "a supporter with this address is on the roster already");
        }
        if mail {
            queue_for_supporter(&mut tx, &id, None, MailKind::Enrolment, &format!("enrol:{id}:0"), now).await?;
        }
        tx.commit().await?;
        Ok((self.supporter(&id, now).await?, token))
    }

    /// A supporter's enrolment token at a generation, derived from the
    /// server's key (so their email can carry it again); only its hash is
    /// stored. A distinct name keeps it apart from invitation tokens.
    fn enrolment_token(&self, id: &str, generation: i64) -> String {
        self.key.invitation_token(&format!("enrol.{id}"), generation)
    }

    /// The enrolment link's token of a supporter still to enrol; `None`
    /// once enrolled or deactivated.
    pub async fn current_enrolment_token(&self, id: &str) -> Result<Option<String>, StoreError> {
        let generation: Option<i64> = sqlx::query_scalar(
            "SELECT enrol_generation FROM supporters WHERE id = $1 AND enrolled_at IS NULL AND deactivated_at IS NULL",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(generation.map(|g| self.enrolment_token(id, g)))
    }

    pub async fn supporter(&self, id: &str, now: Millis) -> Result<Supporter, StoreError> {
        let row = sqlx::query(concat!(columns!(), "WHERE s.id = $2"))
            .bind(now - MONTH_MS)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        supporter(&row)
    }

    /// The supporter an account belongs to.
    pub async fn supporter_of_account(&self, account_id: &str, now: Millis) -> Result<Supporter, StoreError> {
        let row = sqlx::query(concat!(columns!(), "WHERE s.account_id = $2"))
            .bind(now - MONTH_MS)
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        supporter(&row)
    }

    /// The whole roster, by name.
    pub async fn supporters(&self, now: Millis) -> Result<Vec<Supporter>, StoreError> {
        let rows = sqlx::query(concat!(columns!(), "ORDER BY lower(s.name), s.name LIMIT 1000"))
            .bind(now - MONTH_MS)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(supporter).collect()
    }

    /// Enrols a nominated supporter with their one-time token: their account
    /// is made and the token spent, in one transaction (of two uses at once,
    /// one wins). `Ok(None)`: the token is not (or no longer) good.
    pub async fn enrol_supporter(
        &self,
        token: &str,
        password: &str,
        time_zone: &str,
        now: Millis,
    ) -> Result<Option<Organizer>, StoreError> {
        if !tokens::well_formed(token) {
            return Ok(None);
        }
        if password.chars().count() < super::organizers::MIN_PASSWORD_CHARS || password.len() > 1024 {
            return fail("password", "must have at least 10 characters");
        }
        if time_zone.parse::<chrono_tz::Tz>().is_err() {
            return fail("time_zone", "must be an IANA time zone name such as America/Toronto");
        }
        let hash = hash_password(password.to_owned()).await?;
        let mut tx = self.pool.begin().await?;
        let found: Option<(String, String, String)> = sqlx::query_as(
            "UPDATE supporters SET enrol_token_hash = NULL, enrolled_at = $1, time_zone = $2
             WHERE enrol_token_hash = $3 AND deactivated_at IS NULL RETURNING id, name, email",
        )
        .bind(now)
        .bind(time_zone)
        .bind(&tokens::hash(token)[..])
        .fetch_optional(&mut *tx)
        .await?;
        let Some((supporter_id, name, email)) = found else {
            return Ok(None);
        };
        let account_id = uuid::Uuid::new_v4().to_string();
        let made = sqlx::query(
            "INSERT INTO organizers (id, email, name, password_hash, time_zone, created_at, role)
             VALUES ($1, $2, $3, $4, $5, $6, 'supporter') ON CONFLICT DO NOTHING",
        )
        .bind(&account_id)
        .bind(&email)
        .bind(&name)
        .bind(hash)
        .bind(time_zone)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if made.rows_affected() == 0 {
            return fail("email", "this address has an account already: ask an organizer");
        }
        sqlx::query("UPDATE supporters SET account_id = $1 WHERE id = $2")
            .bind(&account_id)
            .bind(&supporter_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(Organizer {
            id: account_id,
            email,
            name,
            time_zone: time_zone.to_owned(),
            role: super::AccountRole::Supporter,
        }))
    }

    /// A new one-time enrolment link for a supporter who has not enrolled
    /// yet (the first was lost, say): the old one stops working at once, and
    /// with `mail` on the new one is sent to them.
    pub async fn renew_enrolment(&self, id: &str, mail: bool, now: Millis) -> Result<String, StoreError> {
        let mut tx = self.pool.begin().await?;
        let generation: Option<i64> = sqlx::query_scalar(
            "UPDATE supporters SET enrol_generation = enrol_generation + 1
             WHERE id = $1 AND enrolled_at IS NULL AND deactivated_at IS NULL RETURNING enrol_generation",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(generation) = generation {
            let token = self.enrolment_token(id, generation);
            sqlx::query("UPDATE supporters SET enrol_token_hash = $1 WHERE id = $2")
                .bind(&tokens::hash(&token)[..])
                .bind(id)
                .execute(&mut *tx)
                .await?;
            if mail {
                // The earlier link's mail, if still waiting, would carry a dead link.
                sqlx::query(
                    "DELETE FROM outbox WHERE supporter_id = $1 AND kind = 'enrolment' AND sent_at IS NULL AND failed_at IS NULL",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                let key = format!("enrol:{id}:{generation}");
                queue_for_supporter(&mut tx, id, None, MailKind::Enrolment, &key, now).await?;
            }
            tx.commit().await?;
            return Ok(token);
        }
        drop(tx);
        let exists: Option<i64> = sqlx::query_scalar("SELECT 1 FROM supporters WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match exists {
            None => Err(StoreError::NotFound),
            Some(_) => Err(StoreError::Conflict(
                "this supporter has enrolled already or is no longer on the roster",
            )),
        }
    }

    /// A supporter changes their own profile.
    pub async fn change_profile(&self, id: &str, change: &ProfileChange) -> Result<(), StoreError> {
        if let Some(areas) = &change.practice_areas {
            check_areas(areas)?;
        }
        if let Some(windows) = &change.availability {
            check_windows(windows)?;
        }
        if change.languages.as_ref().is_some_and(Vec::is_empty) {
            return fail("languages", "at least one of en and fr");
        }
        if change
            .time_zone
            .as_ref()
            .is_some_and(|z| z.parse::<chrono_tz::Tz>().is_err())
        {
            return fail("time_zone", "must be an IANA time zone name such as America/Toronto");
        }
        sqlx::query(
            "UPDATE supporters SET languages = COALESCE($1, languages), practice_areas = COALESCE($2, practice_areas),
                 availability = COALESCE($3, availability), paused = COALESCE($4, paused), time_zone = COALESCE($5, time_zone),
                 waiting_room = COALESCE($6, waiting_room)
             WHERE id = $7",
        )
        .bind(change.languages.as_deref().map(languages_json))
        .bind(change.practice_areas.as_ref().and_then(|a| serde_json::to_string(a).ok()))
        .bind(change.availability.as_ref().and_then(|a| serde_json::to_string(a).ok()))
        .bind(change.paused.map(i64::from))
        .bind(&change.time_zone)
        .bind(change.waiting_room.map(i64::from))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Takes a supporter off the roster: no new requests, no login.
    pub async fn deactivate_supporter(&self, id: &str, now: Millis) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let account: Option<Option<String>> = sqlx::query_scalar(
            "UPDATE supporters SET deactivated_at = COALESCE(deactivated_at, $1), enrol_token_hash = NULL
             WHERE id = $2 RETURNING account_id",
        )
        .bind(now)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let account = account.ok_or(StoreError::NotFound)?;
        if let Some(account) = account {
            sqlx::query("DELETE FROM organizer_logins WHERE organizer_id = $1")
                .bind(account)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

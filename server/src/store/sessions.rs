//! Sessions: when a group meets, for how long, and on what terms.

use std::collections::HashSet;

use super::run_of_show::agenda_json;
use super::{Store, StoreError};
use crate::ground_rules;
use crate::protocol::Named as _;
use crate::protocol::e2ee::E2eePolicy;
use crate::room::agenda::{MAX_SEGMENTS, SegmentDraft};
use crate::room::{DoorSettings, Millis, SessionInfo};
use crate::text::{self, Lines};

/// The largest group the room is built for, with room for co-facilitators.
pub const MAX_CAPACITY: u32 = 50;
/// Twelve hours: longer than any support group meets.
pub const MAX_MINUTES: u32 = 12 * 60;
pub const MAX_TITLE_CHARS: usize = 200;
/// Sessions start between 2020-01-01 and 2100-12-31 (UTC): a year such as
/// -0001 or 9999 is a mistake, and no calendar should have to show it.
pub const EARLIEST_START: Millis = 1_577_836_800_000;
pub const LATEST_START: Millis = 4_133_980_799_000;

/// A session to schedule, checked by `validate` before it is written.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub title: String,
    pub starts_at: Millis,
    pub duration_minutes: u32,
    pub time_zone: String,
    pub capacity: u32,
    pub ground_rules: Vec<String>,
    /// The planned run-of-show; facilitators can change it live.
    pub agenda: Vec<SegmentDraft>,
    pub series_id: Option<String>,
    /// Nudge the facilitator after this many minutes without a break.
    pub break_nudge_minutes: Option<u32>,
    /// Minutes before the planned end at which everyone is warned.
    pub warning_marks: Vec<u32>,
    /// The organizer who scheduled it; `None` for the command line's.
    pub organizer_id: Option<String>,
    /// Participants can enter the waiting room this long before the start;
    /// facilitators can come in whenever they like.
    pub opens_minutes_before: u32,
    /// The names of the facilitators assigned to run it.
    pub facilitators: Vec<String>,
    /// Minutes before the start at which invitees get a reminder by email.
    pub reminder_minutes: Vec<u32>,
    /// Whether its media must, may or may not be end-to-end encrypted.
    pub e2ee: E2eePolicy,
}

/// Reminders the evening before and an hour before, unless a session or a
/// series asks for others.
pub const DEFAULT_REMINDER_MINUTES: [u32; 2] = [1440, 60];

/// The warnings everyone gets unless a session asks for others.
pub const DEFAULT_WARNING_MARKS: [u32; 2] = [5, 1];
pub const DEFAULT_OPENS_MINUTES_BEFORE: u32 = 15;

impl Default for NewSession {
    /// An hour-long group of up to 16 with the default rules, starting at the
    /// epoch: callers set at least the title and the start.
    fn default() -> Self {
        NewSession {
            title: String::new(),
            starts_at: 0,
            duration_minutes: 60,
            time_zone: "America/Toronto".to_owned(),
            capacity: 16,
            ground_rules: ground_rules::default_rules(),
            agenda: Vec::new(),
            series_id: None,
            break_nudge_minutes: None,
            warning_marks: DEFAULT_WARNING_MARKS.to_vec(),
            organizer_id: None,
            opens_minutes_before: DEFAULT_OPENS_MINUTES_BEFORE,
            facilitators: Vec::new(),
            reminder_minutes: DEFAULT_REMINDER_MINUTES.to_vec(),
            e2ee: E2eePolicy::Off,
        }
    }
}

/// Which field of a request is wrong, and how.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    pub field: &'static str,
    pub message: &'static str,
}

impl NewSession {
    /// The text people typed, in the form it is checked and stored in (NFC,
    /// trimmed: see `text`). Every way in calls this before `validate`.
    pub fn normalize(&mut self) {
        self.title = text::normalize(&self.title);
        self.ground_rules = ground_rules::normalized(&self.ground_rules);
        self.facilitators = self.facilitators.iter().map(|name| text::normalize(name)).collect();
        for segment in &mut self.agenda {
            segment.title = text::normalize(&segment.title);
            segment.objective = segment
                .objective
                .as_deref()
                .map(text::normalize)
                .filter(|o| !o.is_empty());
        }
    }

    pub fn validate(&self) -> Result<(), ValidationError> {
        let fail = |field, message| Err(ValidationError { field, message });
        let title = text::normalize(&self.title);
        if text::check(&title, MAX_TITLE_CHARS, Lines::One).is_err() {
            return fail(
                "title",
                "must have between 1 and 200 characters, with no control or invisible characters",
            );
        }
        if !(EARLIEST_START..=LATEST_START).contains(&self.starts_at) {
            return fail("starts_at", "must be between the years 2020 and 2100");
        }
        if self.duration_minutes == 0 || self.duration_minutes > MAX_MINUTES {
            return fail("duration_minutes", "must be between 1 and 720");
        }
        if self.capacity < 2 || self.capacity > MAX_CAPACITY {
            return fail("capacity", "must be between 2 and 50");
        }
        if self.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return fail("time_zone", "must be an IANA time zone name such as America/Toronto");
        }
        if let Err(message) = ground_rules::validate(&self.ground_rules) {
            return fail("ground_rules", message);
        }
        if self.agenda.len() > MAX_SEGMENTS {
            return fail("agenda", "an agenda has at most 30 segments");
        }
        if let Some(message) = self.agenda.iter().find_map(|s| s.validate().err()) {
            return fail("agenda", message);
        }
        if self.break_nudge_minutes.is_some_and(|m| !(10..=240).contains(&m)) {
            return fail("break_nudge_minutes", "must be between 10 and 240");
        }
        if self.warning_marks.len() > 5 || self.warning_marks.iter().any(|m| !(1..=120).contains(m)) {
            return fail("warning_marks", "up to 5 marks, each between 1 and 120 minutes");
        }
        if self.reminder_minutes.len() > 3 || self.reminder_minutes.iter().any(|m| !(5..=10_080).contains(m)) {
            return fail(
                "reminder_minutes",
                "up to 3 reminders, each between 5 minutes and 7 days (10080 minutes) before the start",
            );
        }
        if self.opens_minutes_before > 120 {
            return fail("opens_minutes_before", "must be between 0 and 120");
        }
        if self.facilitators.len() > 5
            || self
                .facilitators
                .iter()
                .any(|f| text::check(&text::normalize(f), 100, Lines::One).is_err())
        {
            return fail(
                "facilitators",
                "up to 5 names of 1 to 100 characters, with no control or invisible characters",
            );
        }
        Ok(())
    }

    pub fn ends_at(&self) -> Millis {
        self.starts_at + i64::from(self.duration_minutes) * 60_000
    }
}

/// A stored session.
#[derive(Clone, Debug)]
pub struct SessionRecord {
    pub id: String,
    pub title: String,
    pub starts_at: Millis,
    pub duration_minutes: u32,
    pub time_zone: String,
    pub capacity: u32,
    pub ground_rules: Vec<String>,
    pub ended_at: Option<Millis>,
    pub series_id: Option<String>,
    pub break_nudge_minutes: Option<u32>,
    pub warning_marks: Vec<u32>,
    pub agenda: Vec<SegmentDraft>,
    pub organizer_id: Option<String>,
    pub cancelled_at: Option<Millis>,
    pub opens_minutes_before: u32,
    pub facilitators: Vec<String>,
    /// For a series' occurrence: when the series first scheduled it.
    pub original_starts_at: Option<Millis>,
    pub reminder_minutes: Vec<u32>,
    /// The calendar's SEQUENCE: how many times its time changed or it was
    /// cancelled.
    pub sequence: u32,
    /// A one-on-one peer support meeting, not a group.
    pub one_on_one: bool,
    pub e2ee: E2eePolicy,
}

impl SessionRecord {
    /// When participants can start entering the waiting room.
    pub fn opens_at(&self) -> Millis {
        self.starts_at - i64::from(self.opens_minutes_before) * 60_000
    }

    pub fn ends_at(&self) -> Millis {
        self.starts_at + i64::from(self.duration_minutes) * 60_000
    }

    /// What a live room needs to know about its session.
    pub fn room_info(&self) -> SessionInfo {
        SessionInfo {
            id: self.id.clone(),
            title: self.title.clone(),
            starts_at: self.starts_at,
            ends_at: self.ends_at(),
            capacity: self.capacity,
            ground_rules: self.ground_rules.clone(),
            one_on_one: self.one_on_one,
            e2ee: self.e2ee,
        }
    }
}

impl Store {
    pub async fn create_session(&self, new: &NewSession, now: Millis) -> Result<SessionRecord, StoreError> {
        let mut connection = self.pool.acquire().await?;
        let id = insert_session(&mut connection, new, None, now).await?;
        drop(connection);
        self.session(&id).await
    }

    pub async fn session(&self, id: &str) -> Result<SessionRecord, StoreError> {
        let row = sqlx::query("SELECT * FROM sessions WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        session_record(&row)
    }

    /// Replaces a session's ground rules (validated by the caller).
    pub async fn set_ground_rules(&self, id: &str, rules: &[String]) -> Result<(), StoreError> {
        let rules = serde_json::to_string(rules).map_err(|_| StoreError::Corrupt("ground rules"))?;
        sqlx::query("UPDATE sessions SET ground_rules = $1 WHERE id = $2")
            .bind(rules)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Marks the session ended; its links stop working.
    pub async fn end_session(&self, id: &str, at: Millis) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET ended_at = COALESCE(ended_at, $1) WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn ban_device(&self, session_id: &str, device_hash: &[u8; 32]) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO banned_devices (session_id, device_hash, banned_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(session_id)
            .bind(&device_hash[..])
            .bind(crate::clock::now_millis())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Stores the door as a facilitator set it, for a room rebuilt later.
    pub async fn save_door(&self, session_id: &str, door: &DoorSettings) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET door_locked = $1, door_waiting_room = $2 WHERE id = $3")
            .bind(i64::from(door.locked))
            .bind(i64::from(door.waiting_room))
            .bind(session_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn door(&self, session_id: &str) -> Result<DoorSettings, StoreError> {
        // Flags are 0 or 1 in both databases.
        let (locked, waiting_room): (i64, i64) =
            sqlx::query_as("SELECT door_locked, door_waiting_room FROM sessions WHERE id = $1")
                .bind(session_id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StoreError::NotFound)?;
        Ok(DoorSettings {
            locked: locked != 0,
            waiting_room: waiting_room != 0,
        })
    }

    pub async fn remember_entry(&self, session_id: &str, device_hash: &[u8; 32]) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO entered_devices (session_id, device_hash, entered_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(session_id)
            .bind(&device_hash[..])
            .bind(crate::clock::now_millis())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The devices that have been in a session's room, oldest first, as
    /// many as a room remembers.
    pub async fn entered_devices(&self, session_id: &str) -> Result<HashSet<[u8; 32]>, StoreError> {
        let rows: Vec<Vec<u8>> = sqlx::query_scalar(
            "SELECT device_hash FROM entered_devices WHERE session_id = $1 ORDER BY entered_at LIMIT $2",
        )
        .bind(session_id)
        .bind(crate::room::REMEMBERED_ENTRIES as i64)
        .fetch_all(&self.pool)
        .await?;
        device_hashes(rows)
    }

    pub async fn banned_devices(&self, session_id: &str) -> Result<HashSet<[u8; 32]>, StoreError> {
        let rows: Vec<Vec<u8>> = sqlx::query_scalar("SELECT device_hash FROM banned_devices WHERE session_id = $1")
            .bind(session_id)
            .fetch_all(&self.pool)
            .await?;
        device_hashes(rows)
    }
}

fn device_hashes(rows: Vec<Vec<u8>>) -> Result<HashSet<[u8; 32]>, StoreError> {
    rows.into_iter()
        .map(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| StoreError::Corrupt("device hash")))
        .collect()
}

/// A `sessions` row as a record. By column name: the table has grown with
/// each feature, and a tuple of fifteen would be unreadable.
pub(super) fn session_record(row: &sqlx::any::AnyRow) -> Result<SessionRecord, StoreError> {
    use sqlx::Row;
    let json = |column: &str, what: &'static str| -> Result<String, StoreError> {
        row.try_get::<String, _>(column).map_err(|_| StoreError::Corrupt(what))
    };
    let number = |column: &str| -> Result<u32, StoreError> {
        let value: i64 = row.try_get(column)?;
        u32::try_from(value).map_err(|_| StoreError::Corrupt("a session number"))
    };
    Ok(SessionRecord {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        starts_at: row.try_get("starts_at")?,
        duration_minutes: number("duration_minutes")?,
        time_zone: row.try_get("time_zone")?,
        capacity: number("capacity")?,
        ground_rules: serde_json::from_str(&json("ground_rules", "ground rules")?)
            .map_err(|_| StoreError::Corrupt("ground rules"))?,
        ended_at: row.try_get("ended_at")?,
        series_id: row.try_get("series_id")?,
        break_nudge_minutes: row
            .try_get::<Option<i64>, _>("break_nudge_minutes")?
            .and_then(|m| u32::try_from(m).ok()),
        warning_marks: serde_json::from_str(&json("warning_marks", "warning marks")?)
            .map_err(|_| StoreError::Corrupt("warning marks"))?,
        agenda: super::run_of_show::parse_agenda(&json("agenda", "agenda")?)?,
        organizer_id: row.try_get("organizer_id")?,
        cancelled_at: row.try_get("cancelled_at")?,
        opens_minutes_before: number("opens_minutes_before")?,
        facilitators: serde_json::from_str(&json("facilitators", "facilitators")?)
            .map_err(|_| StoreError::Corrupt("facilitators"))?,
        original_starts_at: row.try_get("original_starts_at")?,
        reminder_minutes: serde_json::from_str(&json("reminder_minutes", "reminder minutes")?)
            .map_err(|_| StoreError::Corrupt("reminder minutes"))?,
        sequence: number("sequence")?,
        one_on_one: row.try_get::<String, _>("kind")? == "one_on_one",
        e2ee: E2eePolicy::parse(&row.try_get::<String, _>("e2ee")?).ok_or(StoreError::Corrupt("e2ee policy"))?,
    })
}

/// Inserts a session on a connection (which may be inside a transaction) and
/// returns its id. `original_starts_at` is set for a series' occurrences.
pub(super) async fn insert_session(
    connection: &mut sqlx::AnyConnection,
    new: &NewSession,
    original_starts_at: Option<Millis>,
    now: Millis,
) -> Result<String, StoreError> {
    let id = uuid::Uuid::new_v4().to_string();
    let json = |value: &dyn erased::Json, what| value.json().ok_or(StoreError::Corrupt(what));
    sqlx::query(
        "INSERT INTO sessions (id, title, starts_at, duration_minutes, time_zone, capacity, ground_rules, created_at,
             agenda, series_id, break_nudge_minutes, warning_marks, organizer_id, opens_minutes_before, facilitators,
             original_starts_at, reminder_minutes, e2ee)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
    )
    .bind(&id)
    .bind(new.title.trim())
    .bind(new.starts_at)
    .bind(i64::from(new.duration_minutes))
    .bind(&new.time_zone)
    .bind(i64::from(new.capacity))
    .bind(json(&new.ground_rules, "ground rules")?)
    .bind(now)
    .bind(agenda_json(&new.agenda))
    .bind(&new.series_id)
    .bind(new.break_nudge_minutes.map(i64::from))
    .bind(json(&new.warning_marks, "warning marks")?)
    .bind(&new.organizer_id)
    .bind(i64::from(new.opens_minutes_before))
    .bind(json(&new.facilitators, "facilitators")?)
    .bind(original_starts_at)
    .bind(json(&new.reminder_minutes, "reminder minutes")?)
    .bind(new.e2ee.as_str())
    .execute(&mut *connection)
    .await?;
    Ok(id)
}

mod erased {
    /// Lists of strings and numbers, written as JSON columns.
    pub trait Json {
        fn json(&self) -> Option<String>;
    }

    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> Option<String> {
            serde_json::to_string(self).ok()
        }
    }
}

//! Recurring series: every week or every two weeks, for a number of times or
//! until a date. Each occurrence is a session of its own, so one can be
//! changed or cancelled without touching the others; the series keeps the
//! rule, for calendars.

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone};

use super::sessions::insert_session;
use super::{NewSession, Store, StoreError, ValidationError};
use crate::room::Millis;

/// A year of weekly meetings.
pub const MAX_OCCURRENCES: usize = 52;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recurrence {
    /// 1: weekly; 2: every two weeks.
    pub every_weeks: u32,
    pub count: Option<u32>,
    /// The last day an occurrence may fall on, in the series' time zone.
    pub until: Option<NaiveDate>,
}

/// A stored series, as organizers and calendars see it.
#[derive(Clone, Debug)]
pub struct SeriesRecord {
    pub id: String,
    pub title: String,
    pub organizer_id: Option<String>,
    pub every_weeks: Option<u32>,
    pub first_starts_at: Option<Millis>,
    pub duration_minutes: Option<u32>,
    pub time_zone: Option<String>,
    pub occurrences: Option<u32>,
    pub until_date: Option<String>,
}

fn fail(field: &'static str, message: &'static str) -> ValidationError {
    ValidationError { field, message }
}

/// The start of every occurrence: the same wall-clock time in the zone each
/// time, so a weekly 18:00 stays 18:00 across a change of clocks.
pub fn occurrence_starts(
    first_local: NaiveDateTime,
    zone: &str,
    rule: &Recurrence,
) -> Result<Vec<Millis>, ValidationError> {
    let zone: chrono_tz::Tz = zone
        .parse()
        .map_err(|_| fail("time_zone", "must be an IANA time zone name"))?;
    if !(1..=2).contains(&rule.every_weeks) {
        return Err(fail("every_weeks", "is 1 (weekly) or 2 (every two weeks)"));
    }
    let limit = match (rule.count, rule.until) {
        (Some(count), None) if (1..=MAX_OCCURRENCES as u32).contains(&count) => count as usize,
        (Some(_), None) => return Err(fail("count", "must be between 1 and 52")),
        (None, Some(_)) => MAX_OCCURRENCES,
        _ => return Err(fail("recurrence", "give either count or until")),
    };
    let mut starts = Vec::new();
    for k in 0..limit {
        let local = first_local + Duration::weeks(i64::from(rule.every_weeks) * k as i64);
        if rule.until.is_some_and(|until| local.date() > until) {
            break;
        }
        let at = match zone.from_local_datetime(&local) {
            chrono::LocalResult::Single(at) | chrono::LocalResult::Ambiguous(at, _) => at,
            chrono::LocalResult::None => {
                return Err(fail("starts_at", "an occurrence falls in the hour the clocks skip"));
            }
        };
        starts.push(at.timestamp_millis());
    }
    if starts.is_empty() {
        return Err(fail("until", "must not be before the first occurrence"));
    }
    if rule.until.is_some() && starts.len() == MAX_OCCURRENCES {
        let next = first_local + Duration::weeks(i64::from(rule.every_weeks) * MAX_OCCURRENCES as i64);
        if rule.until.is_some_and(|until| next.date() <= until) {
            return Err(fail("until", "a series has at most 52 occurrences"));
        }
    }
    Ok(starts)
}

/// id, title, organizer, every_weeks, first start, duration, zone, count, until.
type SeriesRow = (
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<String>,
);

impl Store {
    /// Creates a series and all its occurrences in one transaction, from a
    /// template session whose start is the first occurrence's.
    pub async fn create_recurring_series(
        &self,
        template: &NewSession,
        rule: &Recurrence,
        starts: &[Millis],
        now: Millis,
    ) -> Result<(String, Vec<String>), StoreError> {
        let series_id = uuid::Uuid::new_v4().to_string();
        let rules = serde_json::to_string(&template.ground_rules).map_err(|_| StoreError::Corrupt("ground rules"))?;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO series (id, title, ground_rules, created_at, organizer_id, every_weeks, first_starts_at,
                 duration_minutes, time_zone, occurrences, until_date)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&series_id)
        .bind(template.title.trim())
        .bind(rules)
        .bind(now)
        .bind(&template.organizer_id)
        .bind(i64::from(rule.every_weeks))
        .bind(starts.first().copied())
        .bind(i64::from(template.duration_minutes))
        .bind(&template.time_zone)
        .bind(i64::try_from(starts.len()).unwrap_or(0))
        .bind(rule.until.map(|d| d.to_string()))
        .execute(&mut *tx)
        .await?;
        let mut ids = Vec::with_capacity(starts.len());
        for start in starts {
            let occurrence = NewSession {
                starts_at: *start,
                series_id: Some(series_id.clone()),
                ..template.clone()
            };
            ids.push(insert_session(&mut tx, &occurrence, Some(*start), now).await?);
        }
        tx.commit().await?;
        Ok((series_id, ids))
    }

    pub async fn series(&self, id: &str) -> Result<SeriesRecord, StoreError> {
        let row: Option<SeriesRow> =
            sqlx::query_as(
                "SELECT id, title, organizer_id, every_weeks, first_starts_at, duration_minutes, time_zone, occurrences, until_date
                 FROM series WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let (id, title, organizer_id, every, first, duration, zone, count, until) = row.ok_or(StoreError::NotFound)?;
        let small = |n: Option<i64>| n.and_then(|n| u32::try_from(n).ok());
        Ok(SeriesRecord {
            id,
            title,
            organizer_id,
            every_weeks: small(every),
            first_starts_at: first,
            duration_minutes: small(duration),
            time_zone: zone,
            occurrences: small(count),
            until_date: until,
        })
    }

    pub async fn series_of(&self, organizer_id: &str) -> Result<Vec<SeriesRecord>, StoreError> {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT id FROM series WHERE organizer_id = $1 ORDER BY created_at DESC")
                .bind(organizer_id)
                .fetch_all(&self.pool)
                .await?;
        let mut all = Vec::with_capacity(ids.len());
        for id in ids {
            all.push(self.series(&id).await?);
        }
        Ok(all)
    }

    /// A series' occurrences, in order of their first scheduled time.
    pub async fn occurrences(&self, series_id: &str) -> Result<Vec<super::SessionRecord>, StoreError> {
        let rows =
            sqlx::query("SELECT * FROM sessions WHERE series_id = $1 ORDER BY COALESCE(original_starts_at, starts_at)")
                .bind(series_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(super::sessions::session_record).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2026-10-20T18:00", "%Y-%m-%dT%H:%M").unwrap()
    }

    #[test]
    fn weekly_occurrences_keep_their_wall_clock_time_across_the_change_of_clocks() {
        let rule = Recurrence {
            every_weeks: 1,
            count: Some(3),
            until: None,
        };
        let starts = occurrence_starts(first(), "America/Toronto", &rule).unwrap();
        // 18:00 EDT (22:00Z), then 18:00 EDT, then 18:00 EST (23:00Z) after 1 November.
        let hours: Vec<i64> = starts.iter().map(|ms| (ms / 3_600_000) % 24).collect();
        assert_eq!(hours, vec![22, 22, 23]);
    }

    #[test]
    fn until_includes_its_own_day_and_the_limits_hold() {
        let until = NaiveDate::from_ymd_opt(2026, 11, 17).unwrap();
        let rule = Recurrence {
            every_weeks: 2,
            count: None,
            until: Some(until),
        };
        assert_eq!(occurrence_starts(first(), "America/Toronto", &rule).unwrap().len(), 3);
        let both = Recurrence {
            every_weeks: 1,
            count: Some(2),
            until: Some(until),
        };
        assert_eq!(
            occurrence_starts(first(), "America/Toronto", &both).unwrap_err().field,
            "recurrence"
        );
        let many = Recurrence {
            every_weeks: 1,
            count: Some(53),
            until: None,
        };
        assert_eq!(
            occurrence_starts(first(), "America/Toronto", &many).unwrap_err().field,
            "count"
        );
        let monthly = Recurrence {
            every_weeks: 4,
            count: Some(2),
            until: None,
        };
        assert_eq!(
            occurrence_starts(first(), "America/Toronto", &monthly)
                .unwrap_err()
                .field,
            "every_weeks"
        );
        let before = Recurrence {
            every_weeks: 1,
            count: None,
            until: NaiveDate::from_ymd_opt(2026, 10, 1),
        };
        assert_eq!(
            occurrence_starts(first(), "America/Toronto", &before)
                .unwrap_err()
                .field,
            "until"
        );
    }
}

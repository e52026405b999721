//! The run-of-show in the store: the planned agenda a session starts from,
//! and the live clock, written on every change so a restart resumes the
//! countdowns where they were.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{Store, StoreError};
use crate::protocol::Named as _;
use crate::room::Millis;
use crate::room::agenda::{Clock, RunOfShow, Segment, SegmentDraft, SegmentKind, WarningKey};

/// A segment as stored in a JSON column.
#[derive(Serialize, Deserialize)]
struct StoredSegment {
    #[serde(default)]
    id: u32,
    title: String,
    kind: String,
    minutes: u32,
    #[serde(default)]
    objective: Option<String>,
}

/// A fired warning as stored in a JSON column.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum StoredWarning {
    SessionEnding { minutes: u32, planned_end: Millis },
    SegmentOver { segment: u32, deadline: Millis },
}

fn kind_of(name: &str) -> Result<SegmentKind, StoreError> {
    SegmentKind::parse(name).ok_or(StoreError::Corrupt("segment kind"))
}

/// The agenda template as stored in `sessions.agenda`.
pub fn agenda_json(agenda: &[SegmentDraft]) -> String {
    let stored: Vec<StoredSegment> = agenda
        .iter()
        .map(|d| StoredSegment {
            id: 0,
            title: d.title.clone(),
            kind: d.kind.as_str().to_owned(),
            minutes: d.minutes,
            objective: d.objective.clone(),
        })
        .collect();
    to_json(&stored)
}

/// The agenda template stored in `sessions.agenda`.
pub fn parse_agenda(json: &str) -> Result<Vec<SegmentDraft>, StoreError> {
    let stored: Vec<StoredSegment> = serde_json::from_str(json).map_err(|_| StoreError::Corrupt("agenda"))?;
    stored
        .into_iter()
        .map(|s| {
            Ok(SegmentDraft {
                title: s.title,
                kind: kind_of(&s.kind)?,
                minutes: s.minutes,
                objective: s.objective,
            })
        })
        .collect()
}

type ShowRow = (
    String,
    i64,
    Option<i64>,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    String,
    String,
);

impl Store {
    /// The run-of-show of a session: as last saved, or fresh from its agenda.
    pub async fn run_of_show(&self, session_id: &str, planned_end: Millis) -> Result<RunOfShow, StoreError> {
        let row: Option<ShowRow> = sqlx::query_as(
            "SELECT segments, next_segment_id, started_at, planned_end, current_segment, segment_started_at,
                    segment_deadline, paused_at, marks, fired
             FROM run_of_show WHERE session_id = $1",
        )
        .bind(session_id)
        .fetch_optional(&self.pool)
        .await?;
        if let Some((segments, next_id, started, end, current, seg_started, deadline, paused, marks, fired)) = row {
            let segments: Vec<StoredSegment> =
                serde_json::from_str(&segments).map_err(|_| StoreError::Corrupt("segments"))?;
            let fired: Vec<StoredWarning> = serde_json::from_str(&fired).map_err(|_| StoreError::Corrupt("fired"))?;
            return Ok(RunOfShow {
                segments: segments
                    .into_iter()
                    .map(|s| {
                        Ok(Segment {
                            id: s.id,
                            title: s.title,
                            kind: kind_of(&s.kind)?,
                            minutes: s.minutes,
                            objective: s.objective,
                        })
                    })
                    .collect::<Result<_, StoreError>>()?,
                clock: Clock {
                    started_at: started,
                    planned_end: end,
                    current_segment: current.and_then(|c| u32::try_from(c).ok()),
                    segment_started_at: seg_started,
                    segment_deadline: deadline,
                    paused_at: paused,
                },
                marks: serde_json::from_str(&marks).map_err(|_| StoreError::Corrupt("marks"))?,
                fired: fired
                    .into_iter()
                    .map(|w| match w {
                        StoredWarning::SessionEnding { minutes, planned_end } => {
                            WarningKey::SessionEnding { minutes, planned_end }
                        }
                        StoredWarning::SegmentOver { segment, deadline } => {
                            WarningKey::SegmentOver { segment, deadline }
                        }
                    })
                    .collect::<BTreeSet<_>>(),
                next_segment_id: u32::try_from(next_id).map_err(|_| StoreError::Corrupt("segment id"))?,
            });
        }
        let (agenda, marks): (String, String) =
            sqlx::query_as("SELECT agenda, warning_marks FROM sessions WHERE id = $1")
                .bind(session_id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StoreError::NotFound)?;
        let marks: Vec<u32> = serde_json::from_str(&marks).map_err(|_| StoreError::Corrupt("marks"))?;
        let mut show = RunOfShow::new(planned_end, marks);
        for draft in parse_agenda(&agenda)? {
            show.add(draft, None).map_err(StoreError::Corrupt)?;
        }
        Ok(show)
    }

    pub async fn save_run_of_show(&self, session_id: &str, show: &RunOfShow, now: Millis) -> Result<(), StoreError> {
        let segments: Vec<StoredSegment> = show
            .segments
            .iter()
            .map(|s| StoredSegment {
                id: s.id,
                title: s.title.clone(),
                kind: s.kind.as_str().to_owned(),
                minutes: s.minutes,
                objective: s.objective.clone(),
            })
            .collect();
        let fired: Vec<StoredWarning> = show
            .fired
            .iter()
            .map(|key| match *key {
                WarningKey::SessionEnding { minutes, planned_end } => {
                    StoredWarning::SessionEnding { minutes, planned_end }
                }
                WarningKey::SegmentOver { segment, deadline } => StoredWarning::SegmentOver { segment, deadline },
            })
            .collect();
        sqlx::query(
            "INSERT INTO run_of_show (session_id, segments, next_segment_id, started_at, planned_end, current_segment,
                 segment_started_at, segment_deadline, paused_at, marks, fired, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT(session_id) DO UPDATE SET
                 segments = excluded.segments, next_segment_id = excluded.next_segment_id,
                 started_at = excluded.started_at, planned_end = excluded.planned_end,
                 current_segment = excluded.current_segment, segment_started_at = excluded.segment_started_at,
                 segment_deadline = excluded.segment_deadline, paused_at = excluded.paused_at,
                 marks = excluded.marks, fired = excluded.fired, updated_at = excluded.updated_at",
        )
        .bind(session_id)
        .bind(to_json(&segments))
        .bind(i64::from(show.next_segment_id))
        .bind(show.clock.started_at)
        .bind(show.clock.planned_end)
        .bind(show.clock.current_segment.map(i64::from))
        .bind(show.clock.segment_started_at)
        .bind(show.clock.segment_deadline)
        .bind(show.clock.paused_at)
        .bind(to_json(&show.marks))
        .bind(to_json(&fired))
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// Serializing these plain lists of numbers and strings cannot fail.
fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}

//! The facilitator's report in the store: what the room noted as it
//! happened, the counts it added up, and the report made from them
//! (`protocol::report::SessionReport`). The figures are worked out here,
//! once, and every view draws them as they are.

use sqlx::Row as _;

use super::{Store, StoreError};
use crate::protocol::energy::PulseKind;
use crate::protocol::report::{BreakoutRun, PulseResult, SegmentTime, SessionReport, TalkShare};
use crate::room::{Millis, ReportEntry, ReportTally, top_third_percent};

/// What is stored for one session's report, as read.
#[derive(Debug, Default)]
struct Stored {
    title: String,
    planned_start: Millis,
    planned_end: Millis,
    started_at: Option<Millis>,
    ended_at: Option<Millis>,
    entries: Vec<(Millis, ReportEntry)>,
    hands_raised: u32,
    hands_answered: u32,
    talk: Vec<(String, Millis)>,
}

impl Store {
    pub async fn note_report_entry(&self, session_id: &str, at: Millis, entry: &ReportEntry) -> Result<(), StoreError> {
        let json = serde_json::to_string(entry).map_err(|_| StoreError::Corrupt("report entry"))?;
        sqlx::query("INSERT INTO report_entries (session_id, at, entry) VALUES ($1, $2, $3)")
            .bind(session_id)
            .bind(at)
            .bind(json)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Adds the counts to what is stored, in one transaction.
    pub async fn add_report_tally(&self, session_id: &str, tally: &ReportTally) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO report_counts (session_id, hands_raised, hands_answered) VALUES ($1, $2, $3)
             ON CONFLICT (session_id) DO UPDATE SET
                 hands_raised = report_counts.hands_raised + excluded.hands_raised,
                 hands_answered = report_counts.hands_answered + excluded.hands_answered",
        )
        .bind(session_id)
        .bind(i64::from(tally.hands_raised))
        .bind(i64::from(tally.hands_answered))
        .execute(&mut *tx)
        .await?;
        for (speaker, name, ms) in &tally.talk {
            sqlx::query(
                "INSERT INTO report_talk (session_id, speaker, name, ms) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (session_id, speaker) DO UPDATE SET ms = report_talk.ms + excluded.ms, name = excluded.name",
            )
            .bind(session_id)
            .bind(speaker)
            .bind(name)
            .bind(ms)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn session_report(&self, session_id: &str) -> Result<SessionReport, StoreError> {
        let session = self.session(session_id).await?;
        let started_at: Option<Millis> = sqlx::query_scalar("SELECT started_at FROM run_of_show WHERE session_id = $1")
            .bind(session_id)
            .fetch_optional(&self.pool)
            .await?
            .flatten();
        let mut entries = Vec::new();
        let rows = sqlx::query("SELECT at, entry FROM report_entries WHERE session_id = $1 ORDER BY at, rowid")
            .bind(session_id)
            .fetch_all(&self.pool)
            .await?;
        for row in rows {
            let text: String = row.try_get("entry")?;
            let entry = serde_json::from_str(&text).map_err(|_| StoreError::Corrupt("report entry"))?;
            entries.push((row.try_get("at")?, entry));
        }
        let counts = sqlx::query("SELECT hands_raised, hands_answered FROM report_counts WHERE session_id = $1")
            .bind(session_id)
            .fetch_optional(&self.pool)
            .await?;
        let count = |name: &str| -> Result<u32, StoreError> {
            let value: i64 = counts.as_ref().map_or(Ok(0), |row| row.try_get(name))?;
            Ok(u32::try_from(value).unwrap_or(u32::MAX))
        };
        let talk = sqlx::query("SELECT name, ms FROM report_talk WHERE session_id = $1 ORDER BY ms DESC, name")
            .bind(session_id)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|row| Ok((row.try_get("name")?, row.try_get("ms")?)))
            .collect::<Result<Vec<(String, Millis)>, StoreError>>()?;
        let planned_end = session.ends_at();
        Ok(assemble(Stored {
            title: session.title,
            planned_start: session.starts_at,
            planned_end,
            started_at,
            ended_at: session.ended_at,
            entries,
            hands_raised: count("hands_raised")?,
            hands_answered: count("hands_answered")?,
            talk,
        }))
    }
}

/// The report from what is stored: each part's actual length runs to the
/// next part's start (or the agenda's end, or the session's end).
fn assemble(stored: Stored) -> SessionReport {
    let mut segments: Vec<SegmentTime> = Vec::new();
    let mut pulses = Vec::new();
    let mut breakouts: Vec<BreakoutRun> = Vec::new();
    let mut rounds_completed = 0;
    let close_segment = |segments: &mut Vec<SegmentTime>, at: Millis| {
        if let Some(last) = segments.last_mut().filter(|s| s.actual_ms.is_none()) {
            last.actual_ms = Some((at - last.started_at).max(0));
        }
    };
    for (at, entry) in stored.entries {
        match entry {
            ReportEntry::SegmentStarted {
                segment,
                title,
                kind,
                minutes,
            } => {
                close_segment(&mut segments, at);
                segments.push(SegmentTime {
                    segment,
                    title,
                    kind,
                    planned_minutes: minutes,
                    started_at: at,
                    actual_ms: None,
                });
            }
            ReportEntry::AgendaDone => close_segment(&mut segments, at),
            ReportEntry::RoundEnded => rounds_completed += 1,
            ReportEntry::PulseClosed {
                question,
                kind,
                answered,
                scale,
            } => pulses.push(PulseResult {
                at,
                question,
                kind,
                answered,
                average_tenths: scale.filter(|_| kind == PulseKind::Scale).and_then(average_tenths),
                scale,
            }),
            ReportEntry::BreakoutsOpened {
                groups,
                people,
                minutes,
            } => breakouts.push(BreakoutRun {
                opened_at: at,
                closed_at: None,
                groups,
                people,
                planned_minutes: minutes,
            }),
            ReportEntry::BreakoutsClosed => {
                if let Some(run) = breakouts.last_mut().filter(|r| r.closed_at.is_none()) {
                    run.closed_at = Some(at);
                }
            }
        }
    }
    if let Some(ended) = stored.ended_at {
        close_segment(&mut segments, ended);
    }
    let all: Vec<Millis> = stored.talk.iter().map(|(_, ms)| *ms).collect();
    let total: Millis = all.iter().sum();
    let talk = stored
        .talk
        .into_iter()
        .map(|(name, ms)| TalkShare {
            name,
            ms,
            percent: if total > 0 {
                u32::try_from((ms * 100 + total / 2) / total).unwrap_or(100)
            } else {
                0
            },
        })
        .collect();
    SessionReport {
        title: stored.title,
        planned_start: stored.planned_start,
        planned_end: stored.planned_end,
        started_at: stored.started_at,
        ended_at: stored.ended_at,
        segments,
        rounds_completed,
        pulses,
        talk,
        top_third_percent: top_third_percent(&all),
        hands_raised: stored.hands_raised,
        hands_answered: stored.hands_answered,
        breakouts,
    }
}

/// The mean of a 1-to-5 distribution, in tenths, rounded; None if empty.
fn average_tenths(scale: [u32; 5]) -> Option<u32> {
    let count: u32 = scale.iter().sum();
    let sum: u32 = scale.iter().zip(1..).map(|(n, point)| n * point).sum();
    (count > 0).then(|| (sum * 10 + count / 2) / count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::facilitation::SegmentKind;

    #[test]
    fn each_part_runs_to_the_next_and_the_last_to_the_end() {
        let segment = |segment: u32, minutes: u32| ReportEntry::SegmentStarted {
            segment,
            title: format!("Part {segment}"),
            kind: SegmentKind::Sharing,
            minutes,
        };
        let report = assemble(Stored {
            entries: vec![
                (1_000, segment(1, 10)),
                (601_000, segment(2, 20)),
                (1_801_000, ReportEntry::AgendaDone),
                (1_900_000, segment(1, 10)),
            ],
            ended_at: Some(2_000_000),
            ..Stored::default()
        });
        let actual: Vec<Option<Millis>> = report.segments.iter().map(|s| s.actual_ms).collect();
        assert_eq!(actual, [Some(600_000), Some(1_200_000), Some(100_000)]);
    }

    #[test]
    fn the_energy_average_and_the_talk_shares() {
        assert_eq!(average_tenths([0, 1, 1, 1, 0]), Some(30));
        assert_eq!(average_tenths([0, 0, 1, 2, 0]), Some(37));
        assert_eq!(average_tenths([0; 5]), None);
        let report = assemble(Stored {
            talk: vec![("Maya".into(), 60_000), ("Sam".into(), 30_000), ("Alex".into(), 10_000)],
            ..Stored::default()
        });
        let shares: Vec<u32> = report.talk.iter().map(|t| t.percent).collect();
        assert_eq!(shares, [60, 30, 10]);
        assert_eq!(report.top_third_percent, Some(60));
    }
}

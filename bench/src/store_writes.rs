//! The store's hot writes, on SQLite and on PostgreSQL side by side in one
//! run: what a live room writes as it runs (the run-of-show on every change,
//! the summary on every accepted item, the report's notes, a device let in)
//! and the one read every join makes (a link redeemed). `rooms` rooms write
//! at once, each one operation after another, as their actors do.
//!
//! SQLite is a file in a temp folder (WAL, `synchronous=FULL`, as served);
//! PostgreSQL a throwaway cluster from Debian's packages on loopback (the
//! test kit's), with `fsync` on, as a real one would have it.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use peer_room::clock;
use peer_room::protocol::summary::{SummaryItem, SummaryKind};
use peer_room::room::ReportEntry;
use peer_room::store::{NewSession, Store};
use peer_room_testkit::postgres::{Postgres, fresh_database};

use crate::stats::{Quantiles, Samples};

/// The operations timed, in the order each room makes them.
pub const OPERATIONS: [&str; 5] = [
    "run-of-show",
    "summary",
    "report note",
    "device let in",
    "link redeemed",
];

/// Each operation's latencies on one database.
pub struct Figures {
    pub database: &'static str,
    pub operations: Vec<(&'static str, Quantiles)>,
    /// Operations of all kinds completed a second, all rooms together.
    pub per_second: f64,
}

/// Runs `rounds` rounds of the five operations in each of `rooms` rooms at
/// once, on a fresh SQLite file and then on a fresh PostgreSQL database.
pub async fn run(rooms: usize, rounds: usize) -> anyhow::Result<Vec<Figures>> {
    let folder = tempfile::tempdir()?;
    let sqlite = Store::open(&format!("sqlite://{}", folder.path().join("bench.db").display()), None)
        .await
        .context("the SQLite store")?;
    let mut all = vec![measure("SQLite", sqlite, rooms, rounds).await?];
    let postgres = Postgres::start_durable().context("a throwaway PostgreSQL (apt-get install postgresql)")?;
    let url = fresh_database(&postgres.admin_url()).await?;
    let store = Store::open(&url, Some(&folder.path().join("bench.key"))).await?;
    all.push(measure("PostgreSQL", store, rooms, rounds).await?);
    Ok(all)
}

async fn measure(database: &'static str, store: Store, rooms: usize, rounds: usize) -> anyhow::Result<Figures> {
    let samples: Arc<Vec<Samples>> = Arc::new(OPERATIONS.iter().map(|_| Samples::default()).collect());
    let mut sessions = Vec::with_capacity(rooms);
    for room in 0..rooms {
        let now = clock::now_millis();
        let new = NewSession {
            title: format!("Bench room {room}"),
            starts_at: now - 60_000,
            ..NewSession::default()
        };
        let record = store.create_session(&new, now).await?;
        let links = store.create_links(&record.id, now + 3_600_000, now).await?;
        sessions.push((record, links.participant_token));
    }
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (record, token) in sessions {
        let (store, samples) = (store.clone(), Arc::clone(&samples));
        tasks.spawn(async move {
            let mut show = store.run_of_show(&record.id, record.ends_at()).await?;
            let mut items = Vec::new();
            for round in 0..rounds {
                let now = clock::now_millis();
                let timed = Instant::now();
                show.clock.planned_end += 1;
                store.save_run_of_show(&record.id, &show, now).await?;
                samples[0].record(timed.elapsed().as_micros() as u64);

                let timed = Instant::now();
                // A summary of a few items, as a session's grows.
                if items.len() < 8 {
                    items.push(SummaryItem {
                        id: round as u32,
                        kind: SummaryKind::Takeaway,
                        text: format!("Takeaway {round}"),
                    });
                }
                store
                    .save_summary(&record.id, &format!("key-{round}"), &items, false, now)
                    .await?;
                samples[1].record(timed.elapsed().as_micros() as u64);

                let timed = Instant::now();
                store
                    .note_report_entry(&record.id, now, &ReportEntry::RoundEnded)
                    .await?;
                samples[2].record(timed.elapsed().as_micros() as u64);

                let timed = Instant::now();
                let mut device = [0u8; 32];
                device[..8].copy_from_slice(&(round as u64).to_le_bytes());
                store.remember_entry(&record.id, &device).await?;
                samples[3].record(timed.elapsed().as_micros() as u64);

                let timed = Instant::now();
                store.redeem(&token, now).await?;
                samples[4].record(timed.elapsed().as_micros() as u64);
            }
            anyhow::Ok(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    let seconds = started.elapsed().as_secs_f64();
    store.close().await;
    Ok(Figures {
        database,
        operations: OPERATIONS
            .iter()
            .zip(samples.iter())
            .map(|(name, s)| (*name, s.quantiles()))
            .collect(),
        per_second: (rooms * rounds * OPERATIONS.len()) as f64 / seconds,
    })
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn every_operation_is_timed_on_both_databases() {
        let figures = super::run(2, 3).await.expect("the bench runs");
        let databases: Vec<_> = figures.iter().map(|f| f.database).collect();
        assert_eq!(databases, ["SQLite", "PostgreSQL"]);
        for database in &figures {
            for (name, quantiles) in &database.operations {
                assert_eq!(quantiles.count, 6, "{} {name}", database.database);
            }
            assert!(database.per_second > 0.0);
        }
    }
}

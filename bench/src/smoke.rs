//! A few seconds at a tiny load against a real in-process server: proves
//! the tool's pieces work together. It checks only that events flowed,
//! never how fast: timings are not asserted anywhere.

use std::time::Duration;

use crate::target::Target;
use crate::{media, signalling};

/// Two rooms of three people for two seconds; fails if nothing arrived or
/// something was lost.
pub async fn signalling() -> anyhow::Result<()> {
    let options = signalling::Options {
        rooms: 2,
        size: 3,
        rate_per_room: 10.0,
        mix: [1, 1, 1],
        concurrency: 4,
        warmup: Duration::from_millis(200),
        duration: Duration::from_secs(2),
        sample_every: Duration::ZERO,
        at_gate: false,
    };
    let target = Target::in_process(options.rooms, 16).await?;
    let figures = signalling::run_once(&target, &options).await;
    target.stop().await;
    let figures = figures?;
    figures.print("signalling smoke run:");
    let value = |name: &str| figures.get(name).unwrap_or(f64::NAN);
    anyhow::ensure!(value("participants in") == 6.0, "not everyone got in");
    anyhow::ensure!(value("events sent in window") > 0.0, "no event was sent");
    anyhow::ensure!(value("delivery latency p50 (ms)") > 0.0, "no event was delivered");
    anyhow::ensure!(value("receipts missing after drain") == 0.0, "events were lost");
    anyhow::ensure!(value("unmatched receipts") == 0.0, "receipts matched no event");
    anyhow::ensure!(value("errors from server") == 0.0, "the server refused something");
    Ok(())
}

/// One room of two publishers for two seconds; fails if no packet made it
/// through the server.
pub async fn media() -> anyhow::Result<()> {
    let options = media::Options {
        rooms: 1,
        publishers: 2,
        subscribers: 1,
        warmup: Duration::from_millis(500),
        duration: Duration::from_secs(2),
        sample_every: Duration::ZERO,
    };
    let target = Target::in_process(options.rooms, 16).await?;
    let figures = media::run_once(&target, &options).await;
    target.stop().await;
    let figures = figures?;
    figures.print("media smoke run:");
    let value = |name: &str| figures.get(name).unwrap_or(f64::NAN);
    anyhow::ensure!(value("peers not connected") == 0.0, "a peer connection did not connect");
    anyhow::ensure!(value("forwarded packets/s received") > 0.0, "no packet was forwarded");
    anyhow::ensure!(value("signalling failures") == 0.0, "media signalling failed");
    Ok(())
}

/// The load tool at a tiny load for a couple of seconds against a real
/// (in-process) server, run by `cargo test`. Only that events and packets
/// flowed is asserted: timings are measured by the tool and written up in
/// docs/benchmarks.md, never asserted in a test.
#[cfg(test)]
mod tests {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn signalling_events_flow_through_a_real_server() {
        super::signalling().await.expect("events flowed");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn media_packets_flow_through_a_real_server() {
        super::media().await.expect("packets flowed");
    }
}

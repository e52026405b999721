//! Admit-all: the start of a session. A facilitator is in with camera and
//! microphone on; `size` participants wait, ground rules accepted; the
//! facilitator lets them all in at once. Timed from the click (the moment
//! the facilitator's `admit_all` leaves its page) until every client has a
//! packet from every other, and the server's offers each page needed
//! counted. With `rtt`, every message and packet takes half of it each way
//! (`delay.rs`). One room per trial, on one fresh server per run.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::media::client::{MediaPeer, Publishing};
use crate::media::packets::MediaCounters;
use crate::stats::{RunFigures, Samples};
use crate::target::Target;
use crate::ws::{self, Role};

/// Everyone must have everyone by then, or the trial failed.
const EVERYONE_WITHIN: Duration = Duration::from_secs(20);

#[derive(Clone, Debug)]
pub struct Options {
    /// Participants admitted at once (the facilitator comes on top).
    pub size: usize,
    /// Admits measured, each in a room of its own.
    pub trials: usize,
    /// Round trip added to every client's path.
    pub rtt: Duration,
}

pub async fn run_once(target: &Target, options: &Options) -> anyhow::Result<RunFigures> {
    anyhow::ensure!(target.rooms.len() >= options.trials, "fewer seeded rooms than trials");
    let one_way = options.rtt / 2;
    let counters = Arc::new(MediaCounters::new());
    let everyone = Arc::new(Samples::default());
    // Where the time goes: each page's own connection up (ICE and DTLS done).
    let connected = Arc::new(Samples::default());
    let mut offers: Vec<usize> = Vec::new();
    let mut failed = 0;
    let size = options.size;
    for links in target.rooms.iter().take(options.trials) {
        let publishing = move |publisher: usize| Publishing {
            publisher: u32::try_from(publisher).unwrap_or(u32::MAX),
            receivers: size as u64,
            level: if publisher == 0 { 30 } else { 127 },
        };
        let host = ws::enter(&target.ws_url(), &links.facilitator, "host", Role::Host).await?;
        let (mut host, _) = MediaPeer::start_delayed(host, Some(publishing(0)), counters.clone(), one_way).await?;
        anyhow::ensure!(
            host.wait_connected(EVERYONE_WITHIN).await,
            "the facilitator's media did not connect"
        );
        let mut waiting = Vec::new();
        for n in 1..=options.size {
            waiting.push(ws::enter(&target.ws_url(), &links.participant, &format!("p{n}"), Role::Waiting).await?);
        }
        // Let the facilitator's own media settle before the click.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let host_offers_before = host.log.offer_ufrags.lock().map_or(0, |o| o.len());

        let click = Instant::now();
        host.send(json!({"type": "admit_all", "id": 1_000}));
        // Collected, so every page starts now: iterated lazily, each would
        // start only once the one before had (52 ms apart at 100 ms RTT).
        let starting: Vec<_> = waiting
            .into_iter()
            .enumerate()
            .map(|(i, mut entered)| {
                let counters = counters.clone();
                let connected = Arc::clone(&connected);
                tokio::spawn(async move {
                    // Let in: the news takes its one-way trip, then the page starts its media.
                    ws::wait_for(&mut entered.socket, "room_state").await?;
                    tokio::time::sleep(one_way).await;
                    let (peer, _) =
                        MediaPeer::start_delayed(entered, Some(publishing(i + 1)), counters, one_way).await?;
                    let mut up = peer.connected();
                    tokio::spawn(async move {
                        if up.wait_for(|up| *up).await.is_ok() {
                            connected.record(click.elapsed().as_micros() as u64);
                        }
                    });
                    anyhow::Ok(peer)
                })
            })
            .collect();
        let mut peers = vec![host];
        for start in starting {
            peers.push(start.await??);
        }
        let publishers = options.size + 1;
        let deadline = click + EVERYONE_WITHIN;
        let done = loop {
            let complete = peers
                .iter()
                .all(|peer| peer.first_from.lock().map_or(0, |f| f.len()) >= publishers - 1);
            if complete || Instant::now() > deadline {
                break complete;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        if done {
            let last = peers
                .iter()
                .filter_map(|peer| peer.first_from.lock().ok().and_then(|f| f.values().max().copied()))
                .max()
                .unwrap_or(click);
            everyone.record(last.duration_since(click).as_micros() as u64);
        } else {
            failed += 1;
        }
        for (i, peer) in peers.iter().enumerate() {
            let seen = peer.log.offer_ufrags.lock().map_or(0, |o| o.len());
            let after_click = if i == 0 { seen - host_offers_before } else { seen };
            offers.push(after_click);
        }
        for peer in peers {
            peer.leave().await;
        }
    }
    let mut figures = RunFigures::default();
    figures.add("admits", options.trials as f64);
    figures.add("admits where not everyone saw everyone in 20 s", f64::from(failed));
    everyone
        .quantiles()
        .add_to(&mut figures, "click to everyone's first packet from everyone");
    connected
        .quantiles()
        .add_to(&mut figures, "click to a page's own connection connected");
    offers.sort_unstable();
    let median = offers.get(offers.len() / 2).copied().unwrap_or(0);
    figures.add("server offers per page after the click, median", median as f64);
    figures.add(
        "server offers per page after the click, max",
        offers.last().copied().unwrap_or(0) as f64,
    );
    Ok(figures)
}

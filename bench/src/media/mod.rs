//! The media benchmark: rooms of publishers (who send synthetic Opus and
//! VP8 and receive everyone else's) and subscribers (who only receive),
//! every packet through the server's SFU. Measures the packets forwarded a
//! second, the loss, the server's CPU per forwarded packet, and the time a
//! packet takes from one client's `write_rtp` to another's track.

pub mod client;
pub mod packets;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::procfs::{self, CpuMeter};
use crate::stats::{self, RunFigures};
use crate::target::{RoomLinks, Target};
use crate::ws::{self, Role};
use client::{MediaPeer, Publishing};
use packets::MediaCounters;

/// Audio and video packets a publisher sends each second.
pub const PACKETS_PER_SECOND: u64 = 50 + 100;
/// How long every peer connection gets to connect before a run gives up.
const CONNECT_WITHIN: Duration = Duration::from_secs(60);

#[derive(Clone, Debug)]
pub struct Options {
    pub rooms: usize,
    pub publishers: usize,
    pub subscribers: usize,
    pub warmup: Duration,
    pub duration: Duration,
    pub sample_every: Duration,
}

impl Options {
    pub fn room_size(&self) -> usize {
        self.publishers + self.subscribers
    }

    /// Packets a second the server should forward when nothing is lost.
    pub fn offered_forwards_per_second(&self) -> u64 {
        let receivers = self.room_size().saturating_sub(1) as u64;
        self.rooms as u64 * self.publishers as u64 * PACKETS_PER_SECOND * receivers
    }
}

pub async fn run_once(target: &Target, options: &Options) -> anyhow::Result<RunFigures> {
    anyhow::ensure!(
        options.publishers >= 1 && options.room_size() >= 2,
        "a room needs a publisher and a receiver"
    );
    let mut figures = RunFigures::default();
    let counters = Arc::new(MediaCounters::new());
    let pid = target.pid;
    let rss_before = procfs::rss_kib(pid).unwrap_or(0);

    // Rooms fill a few at a time: each join is a peer connection to set up.
    let start = Instant::now();
    let permits = Arc::new(Semaphore::new(4));
    let mut filling = JoinSet::new();
    for (room, links) in target.rooms.iter().take(options.rooms).enumerate() {
        let (url, links, options) = (target.ws_url(), links.clone(), options.clone());
        let (counters, permits) = (counters.clone(), permits.clone());
        filling.spawn(async move {
            let _permit = permits.acquire_owned().await.expect("semaphore open");
            fill_room(room, &url, &links, &options, counters).await
        });
    }
    let mut peers = Vec::new();
    while let Some(done) = filling.join_next().await {
        peers.extend(done??);
    }
    let mut unconnected = 0;
    for peer in &mut peers {
        if !peer.wait_connected(CONNECT_WITHIN).await {
            unconnected += 1;
        }
    }
    let setup_secs = start.elapsed().as_secs_f64();
    println!(
        "  {} media peers in {} rooms set up in {setup_secs:.1} s ({unconnected} not connected)",
        peers.len(),
        options.rooms
    );

    tokio::time::sleep(options.warmup).await;
    let rss_flowing = procfs::rss_kib(pid).unwrap_or(0);
    counters.recording.store(true, Ordering::Relaxed);
    let (cpu, tool_cpu) = (CpuMeter::start(pid), CpuMeter::start(std::process::id()));
    // Progress lines show the rate within each step, not since the start.
    let mut last_count = counters.received_any.load(Ordering::Relaxed);
    let measured = stats::window(options.duration, options.sample_every, |elapsed, step| {
        let (expected, received) = (
            counters.expected.load(Ordering::Relaxed),
            counters.received.load(Ordering::Relaxed),
        );
        let count = counters.received_any.load(Ordering::Relaxed);
        println!(
            "  t={:>5.0}s  server RSS {:>8} KiB  received {:>8.0}/s  loss so far {:.4}%  load {}",
            elapsed.as_secs_f64(),
            procfs::rss_kib(pid).unwrap_or(0),
            (count - last_count) as f64 / step.as_secs_f64(),
            100.0 * (1.0 - received as f64 / expected.max(1) as f64),
            procfs::load_average()
        );
        last_count = count;
    })
    .await;
    counters.recording.store(false, Ordering::Relaxed);
    let (cpu, tool_cpu) = (cpu.used(), tool_cpu.used());
    // Packets sent at the end of the window get a moment to arrive.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_after = procfs::rss_kib(pid).unwrap_or(0);

    let people = (options.rooms * options.room_size()) as f64;
    let (sent, expected) = (
        counters.sent.load(Ordering::Relaxed),
        counters.expected.load(Ordering::Relaxed),
    );
    let received = counters.received.load(Ordering::Relaxed);
    figures.add("media peers", peers.len() as f64);
    figures.add("peers not connected", f64::from(unconnected));
    figures.add("setup (s)", setup_secs);
    figures.add("offered forwards/s", options.offered_forwards_per_second() as f64);
    figures.add("packets sent/s (publishers)", sent as f64 / measured);
    figures.add("forwarded packets/s received", received as f64 / measured);
    figures.add("loss (%)", 100.0 * (1.0 - received as f64 / expected.max(1) as f64));
    counters
        .audio_latency
        .quantiles()
        .add_to(&mut figures, "audio client-to-client");
    counters
        .video_latency
        .quantiles()
        .add_to(&mut figures, "video client-to-client");
    if let Some(cpu) = cpu {
        figures.add("server CPU (% of a core)", 100.0 * cpu / measured);
        figures.add("server CPU s per 1M forwarded", cpu / (received.max(1) as f64 / 1e6));
    }
    if let Some(cpu) = tool_cpu {
        figures.add("load tool CPU (% of a core)", 100.0 * cpu / measured);
    }
    figures.add("server RSS before (MiB)", rss_before as f64 / 1024.0);
    figures.add("server RSS with media (MiB)", rss_flowing as f64 / 1024.0);
    figures.add(
        "server RSS per media participant (KiB)",
        rss_flowing.saturating_sub(rss_before) as f64 / people,
    );
    figures.add("server RSS after (MiB)", rss_after as f64 / 1024.0);
    figures.add(
        "signalling failures",
        f64::from(u8::from(client::SIGNALLING_FAILED.swap(false, Ordering::Relaxed))),
    );

    let mut closing = JoinSet::new();
    for peer in peers {
        closing.spawn(peer.close());
    }
    while closing.join_next().await.is_some() {}
    Ok(figures)
}

/// One room: the facilitator (who opens the room and is the one speaker),
/// the other publishers, then the subscribers.
async fn fill_room(
    room: usize,
    url: &str,
    links: &RoomLinks,
    options: &Options,
    counters: Arc<MediaCounters>,
) -> anyhow::Result<Vec<MediaPeer>> {
    let receivers = options.room_size() as u64 - 1;
    let mut peers = Vec::with_capacity(options.room_size());
    for seat in 0..options.room_size() {
        let (role, token) = if seat == 0 {
            (Role::Facilitator, &links.facilitator)
        } else {
            (Role::Participant, &links.participant)
        };
        let entered = ws::enter(url, token, &format!("r{room}m{seat}"), role).await?;
        let publishing = (seat < options.publishers).then(|| Publishing {
            publisher: u32::try_from(room * options.room_size() + seat).unwrap_or(u32::MAX),
            receivers,
            level: if seat == 0 { 30 } else { 127 },
        });
        let (peer, _first_packet) = MediaPeer::start(entered, publishing, counters.clone()).await?;
        peers.push(peer);
    }
    Ok(peers)
}

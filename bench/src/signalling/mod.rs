//! The signalling benchmark: N rooms of M people over WebSocket, a steady
//! mix of chat, hand and reaction events, and what it costs the server.
//!
//! One run: seed the rooms, start a fresh server, ramp everyone in (timing
//! each join and the ramp as a whole), read the server's resident memory
//! before and after, then drive the mix for a warm-up and a measured window
//! and time every delivery.

pub mod member;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinSet;

use crate::procfs::{self, CpuMeter};
use crate::stats::{self, RunFigures, Samples};
use crate::target::Target;
use crate::ws::{self, Role};
use member::{Kind, Member, RoomLog, Shared};

#[derive(Clone, Debug)]
pub struct Options {
    pub rooms: usize,
    /// People in each room, the facilitator included.
    pub size: usize,
    /// Events a second in each room, from a random member each time.
    pub rate_per_room: f64,
    /// Weights of chat, hand and reaction in the mix.
    pub mix: [u32; 3],
    /// Joins in flight at once while ramping up.
    pub concurrency: usize,
    pub warmup: Duration,
    pub duration: Duration,
    /// Print the server's memory and the delivery count this often while
    /// measuring (for a soak); zero: only at the end.
    pub sample_every: Duration,
    /// Participants join but stay at the gate (never accept the rules):
    /// measures the ramp and memory of connections alone, with no load.
    pub at_gate: bool,
}

impl Options {
    pub fn participants(&self) -> usize {
        self.rooms * self.size
    }
}

/// The people of one room, and how to make them speak.
struct Room {
    log: Arc<RoomLog>,
    speak: Vec<mpsc::Sender<Kind>>,
}

pub async fn run_once(target: &Target, options: &Options) -> anyhow::Result<RunFigures> {
    anyhow::ensure!(target.rooms.len() >= options.rooms, "fewer seeded rooms than asked");
    anyhow::ensure!(options.size >= 2, "a room needs a facilitator and someone else");
    let mut figures = RunFigures::default();
    let shared = Arc::new(Shared::new());
    let rss_before = procfs::rss_kib(target.pid).unwrap_or(0);
    let (rooms, joined) = ramp_up(target, options, &shared, &mut figures).await?;

    // Idle memory: let the server settle (tasks, buffers) before reading.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let rss_idle = procfs::rss_kib(target.pid).unwrap_or(0);
    figures.add("server RSS before (MiB)", rss_before as f64 / 1024.0);
    figures.add("server RSS idle, all in (MiB)", rss_idle as f64 / 1024.0);
    let per_person = rss_idle.saturating_sub(rss_before) as f64 / joined.max(1) as f64;
    figures.add("server RSS per idle participant (KiB)", per_person);
    if !options.at_gate {
        drive_and_measure(target.pid, &rooms, options, &shared, &mut figures).await;
    }
    // Hang up: dropping the senders makes every member close its socket.
    drop(rooms);
    Ok(figures)
}

/// Every room's facilitator first (it turns the waiting room off), then its
/// participants; `concurrency` joins in flight across rooms. Returns the
/// rooms and how many people got in.
async fn ramp_up(
    target: &Target,
    options: &Options,
    shared: &Arc<Shared>,
    figures: &mut RunFigures,
) -> anyhow::Result<(Vec<Room>, usize)> {
    let ramp_start = Instant::now();
    let joins = Arc::new(Samples::default());
    let permits = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let participant = if options.at_gate {
        Role::AtGate
    } else {
        Role::Participant
    };
    let mut ramp = JoinSet::new();
    for (index, links) in target.rooms.iter().take(options.rooms).enumerate() {
        let (url, links, size) = (target.ws_url(), links.clone(), options.size);
        let (shared, joins, permits) = (shared.clone(), joins.clone(), permits.clone());
        ramp.spawn(async move { fill_room(index, &url, &links, (size, participant), shared, joins, permits).await });
    }
    let mut rooms = Vec::new();
    let mut failed = 0usize;
    while let Some(done) = ramp.join_next().await {
        let (room, room_failed) = done?;
        failed += room_failed;
        rooms.push(room);
    }
    let ramp_secs = ramp_start.elapsed().as_secs_f64();
    let joined = options.participants() - failed;
    println!("  ramp: {joined} in, {failed} failed, in {ramp_secs:.1} s");
    figures.add("participants in", joined as f64);
    figures.add("joins failed", failed as f64);
    figures.add("ramp (joins/s)", joined as f64 / ramp_secs);
    let join = if options.at_gate {
        "join (open to joined, at gate)"
    } else {
        "join (open to room_state)"
    };
    joins.quantiles().add_to(figures, join);
    Ok((rooms, joined))
}

/// The load: a driver per room picks who speaks and what, at a steady rate,
/// through a warm-up and the measured window; then whatever is still on its
/// way gets a few seconds to arrive, and what never did is counted.
async fn drive_and_measure(
    pid: u32,
    rooms: &[Room],
    options: &Options,
    shared: &Arc<Shared>,
    figures: &mut RunFigures,
) {
    let (stop, stopped) = watch::channel(false);
    let mut drivers = JoinSet::new();
    for room in rooms {
        let speak = room.speak.clone();
        let (stopped, rate, mix) = (stopped.clone(), options.rate_per_room, options.mix);
        drivers.spawn(async move { drive(speak, rate, mix, stopped).await });
    }
    tokio::time::sleep(options.warmup).await;
    shared.recording.store(true, Ordering::Relaxed);
    let (cpu, tool_cpu) = (CpuMeter::start(pid), CpuMeter::start(std::process::id()));
    let measured = stats::window(options.duration, options.sample_every, |elapsed, _| {
        println!(
            "  t={:>5.0}s  server RSS {:>8} KiB  deliveries {:>10}  disconnects {}  load {}",
            elapsed.as_secs_f64(),
            procfs::rss_kib(pid).unwrap_or(0),
            shared.deliveries.len(),
            shared.disconnects.load(Ordering::Relaxed),
            procfs::load_average()
        );
    })
    .await;
    shared.recording.store(false, Ordering::Relaxed);
    let (cpu, tool_cpu) = (cpu.used(), tool_cpu.used());
    let _ = stop.send(true);
    while drivers.join_next().await.is_some() {}

    let drain_until = Instant::now() + Duration::from_secs(5);
    while rooms.iter().any(|room| room.log.missing().0 > 0) && Instant::now() < drain_until {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (lost_events, lost_receipts) = rooms
        .iter()
        .map(|room| room.log.missing())
        .fold((0, 0), |(e, r), (me, mr)| (e + me, r + mr));

    let events = shared.events_recorded.load(Ordering::Relaxed);
    let deliveries = shared.deliveries.len();
    figures.add("events sent in window", events as f64);
    figures.add("events/s", events as f64 / measured);
    figures.add("deliveries/s", deliveries as f64 / measured);
    shared.deliveries.quantiles().add_to(figures, "delivery latency");
    shared.completions.quantiles().add_to(figures, "latency to whole room");
    figures.add("receipts missing after drain", lost_receipts as f64);
    figures.add("events not delivered to all", lost_events as f64);
    figures.add("errors from server", shared.errors.load(Ordering::Relaxed) as f64);
    figures.add("unmatched receipts", shared.unmatched.load(Ordering::Relaxed) as f64);
    figures.add("disconnects", shared.disconnects.load(Ordering::Relaxed) as f64);
    if let Some(cpu) = cpu {
        figures.add("server CPU (% of a core)", 100.0 * cpu / measured);
        figures.add(
            "server CPU per 1k deliveries (ms)",
            1e6 * cpu / deliveries.max(1) as f64,
        );
    }
    if let Some(cpu) = tool_cpu {
        figures.add("load tool CPU (% of a core)", 100.0 * cpu / measured);
    }
    let rss_after = procfs::rss_kib(pid).unwrap_or(0);
    figures.add("server RSS after load (MiB)", rss_after as f64 / 1024.0);
}

/// Brings one room's people in: the facilitator, then the participants
/// concurrently. Returns the room and how many joins failed.
async fn fill_room(
    index: usize,
    url: &str,
    links: &crate::target::RoomLinks,
    (size, participant): (usize, Role),
    shared: Arc<Shared>,
    joins: Arc<Samples>,
    permits: Arc<Semaphore>,
) -> (Room, usize) {
    let log = Arc::new(RoomLog::default());
    let mut speak = Vec::with_capacity(size);
    let mut failed = 0;
    let mut members = JoinSet::new();
    for seat in 0..size {
        let role = if seat == 0 { Role::Facilitator } else { participant };
        let token = if seat == 0 {
            &links.facilitator
        } else {
            &links.participant
        };
        let (url, token, name) = (url.to_owned(), token.clone(), format!("r{index}p{seat}"));
        let (joins, permits) = (joins.clone(), permits.clone());
        let entering = async move {
            let _permit = permits.acquire_owned().await.expect("semaphore open");
            let start = Instant::now();
            let entered = ws::enter(&url, &token, &name, role).await;
            joins.record(start.elapsed().as_micros() as u64);
            entered
        };
        if seat == 0 {
            // Participants wait for the facilitator to open the room.
            match entering.await {
                Ok(entered) => speak.push(start_member(entered, &log, &shared)),
                Err(error) => {
                    eprintln!("  room {index}: the facilitator could not join: {error:#}");
                    return (Room { log, speak }, size);
                }
            }
        } else {
            members.spawn(entering);
        }
    }
    while let Some(done) = members.join_next().await {
        match done {
            Ok(Ok(entered)) => speak.push(start_member(entered, &log, &shared)),
            Ok(Err(error)) => {
                failed += 1;
                eprintln!("  room {index}: a join failed: {error:#}");
            }
            Err(error) => {
                failed += 1;
                eprintln!("  room {index}: a join task failed: {error}");
            }
        }
    }
    log.set_members(speak.len() as u32);
    (Room { log, speak }, failed)
}

fn start_member(entered: ws::Entered, log: &Arc<RoomLog>, shared: &Arc<Shared>) -> mpsc::Sender<Kind> {
    // A few commands of slack: the driver never blocks on a slow member.
    let (speak, commands) = mpsc::channel(8);
    let member = Member::new(entered.you, log.clone(), shared.clone());
    tokio::spawn(member.run(entered.socket, commands));
    speak
}

/// Makes one room's members speak `rate` times a second in all, starting at
/// a random phase so that rooms do not all speak on the same tick.
async fn drive(speak: Vec<mpsc::Sender<Kind>>, rate: f64, mix: [u32; 3], mut stopped: watch::Receiver<bool>) {
    if speak.is_empty() || rate <= 0.0 {
        return;
    }
    let period = Duration::from_secs_f64(1.0 / rate);
    tokio::time::sleep(period.mul_f64(rand::random::<f64>())).await;
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let total: u32 = mix.iter().sum::<u32>().max(1);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let who = rand::random_range(0..speak.len());
                let roll = rand::random_range(0..total);
                let kind = if roll < mix[0] {
                    Kind::Chat
                } else if roll < mix[0] + mix[1] {
                    Kind::Hand
                } else {
                    Kind::Reaction
                };
                // A full queue means that member is behind: skip, never pile up.
                let _ = speak[who].try_send(kind);
            }
            _ = stopped.changed() => return,
        }
    }
}

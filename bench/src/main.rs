//! `peer-room-bench`: the PeerRoom load tool. See `--help` and
//! docs/benchmarks.md.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use peer_room_bench::stats::{RunFigures, Summary};
use peer_room_bench::target::{ServerOptions, Target};
use peer_room_bench::{join_time, media, procfs, relay, signalling, smoke};

#[derive(Debug, Parser)]
#[command(
    name = "peer-room-bench",
    about = "Load, latency and memory benchmarks of the PeerRoom server, over loopback",
    long_about = "Load, latency and memory benchmarks of the PeerRoom server, over loopback.\n\n\
                  Every run starts a fresh server (the real binary, pinned with taskset) on \
                  127.0.0.1 with a new SQLite file, drives it with synthetic people, and reads \
                  its memory and CPU time from /proc. Figures are printed per run, then as a \
                  median with min and max over the runs. Build the server first: \
                  cargo build --release -p peer-room. Results: docs/benchmarks.md."
)]
struct Cli {
    #[command(subcommand)]
    mode: Mode,
}

#[derive(Debug, Subcommand)]
enum Mode {
    /// Rooms of people over WebSocket sending chat, hands and reactions:
    /// delivery latency, memory per participant, ramp-up.
    Signalling(SignallingArgs),
    /// Publishers and subscribers of synthetic Opus and VP8 through the SFU:
    /// forwarded packets/s, loss, CPU per packet, added latency; with a plain
    /// UDP relay as the baseline.
    Media(MediaArgs),
    /// Join time: WebSocket open to the first remote media packet, for
    /// people joining one at a time a room where someone is on camera.
    Join(JoinArgs),
    /// A facilitator lets a whole waiting room in at once: the click to
    /// every client's first packet from every other, and the server's
    /// offers per page; optionally over an added round trip.
    Admit(AdmitArgs),
    /// Waves of concurrent organizer logins, each from its own loopback
    /// address: the server's memory at the peak, and how many were refused.
    Logins(LoginArgs),
    /// The store's hot writes (run-of-show, summary, report, a device let
    /// in) and a link redeemed, from many rooms at once, on SQLite and on a
    /// throwaway PostgreSQL side by side: latency per operation.
    Store(StoreArgs),
    /// Two nodes on a throwaway PostgreSQL: joins straight to the room's
    /// node against joins through the other one (one `room_elsewhere` hop).
    Redirect(RedirectArgs),
    /// A few seconds at a tiny load against an in-process server: checks
    /// only that events and packets flowed.
    Smoke,
    /// The baseline's trivial UDP relay (started by `media --baseline`).
    #[command(hide = true)]
    Relay,
}

#[derive(Debug, Args)]
struct Common {
    /// The server binary to measure.
    #[arg(long, default_value = "target/release/peer-room")]
    server_bin: PathBuf,
    /// CPUs for the server (taskset -c list); empty: not pinned.
    #[arg(long, default_value = "0")]
    server_cpus: String,
    /// CPUs for this tool; empty: not pinned.
    #[arg(long, default_value = "1")]
    tool_cpus: String,
    /// Independent runs, each on a fresh server; figures are their median.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Seconds of load before measuring.
    #[arg(long, default_value_t = 5.0)]
    warmup: f64,
    /// Seconds measured in each run.
    #[arg(long, default_value_t = 20.0)]
    duration: f64,
    /// Print memory and counts this often (seconds) while measuring: for a soak.
    #[arg(long, default_value_t = 0.0)]
    sample_every: f64,
}

#[derive(Debug, Args)]
struct SignallingArgs {
    #[command(flatten)]
    common: Common,
    /// Rooms.
    #[arg(long, default_value_t = 100)]
    rooms: usize,
    /// People in each room, the facilitator included.
    #[arg(long, default_value_t = 10)]
    size: usize,
    /// Events a second in each room (each from a random member; the server
    /// lets one person send 20 a second).
    #[arg(long, default_value_t = 1.0)]
    rate: f64,
    /// Weights of chat, hand and reaction events, as CHAT,HAND,REACTION.
    #[arg(long, default_value = "5,3,2", value_parser = parse_mix)]
    mix: [u32; 3],
    /// Joins in flight at once during the ramp.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Participants join but stay at the gate (never accept the rules), and
    /// no load runs: the ramp and memory of connections alone.
    #[arg(long)]
    at_gate: bool,
}

#[derive(Debug, Args)]
struct MediaArgs {
    #[command(flatten)]
    common: Common,
    /// Rooms.
    #[arg(long, default_value_t = 1)]
    rooms: usize,
    /// People in each room who send audio and video (and receive everyone's).
    #[arg(long, default_value_t = 12)]
    publishers: usize,
    /// People in each room who only receive.
    #[arg(long, default_value_t = 0)]
    subscribers: usize,
    /// Also run the same packets through a trivial UDP relay, for comparison.
    #[arg(long)]
    baseline: bool,
}

#[derive(Debug, Args)]
struct JoinArgs {
    #[command(flatten)]
    common: Common,
    /// Joins in each run (20 to a room, each leaving before the next).
    /// `--warmup`, `--duration` and `--sample-every` do not apply here.
    #[arg(long, default_value_t = 40)]
    joins: usize,
}

#[derive(Debug, Args)]
struct AdmitArgs {
    #[command(flatten)]
    common: Common,
    /// Participants let in at once (the facilitator comes on top).
    #[arg(long, default_value_t = 11)]
    size: usize,
    /// Admits per run, each in a room of its own.
    #[arg(long, default_value_t = 10)]
    trials: usize,
    /// Round trip added to every client's signalling and media (ms).
    #[arg(long, default_value_t = 0)]
    rtt_ms: u64,
}

#[derive(Debug, Args)]
struct LoginArgs {
    #[command(flatten)]
    common: Common,
    /// Logins sent at once in a wave.
    #[arg(long, default_value_t = 500)]
    concurrent: usize,
    /// Waves in each run, one after another.
    #[arg(long, default_value_t = 3)]
    waves: usize,
}

#[derive(Debug, Args)]
struct RedirectArgs {
    /// Joins each way.
    #[arg(long, default_value_t = 200)]
    joins: usize,
}

#[derive(Debug, Args)]
struct StoreArgs {
    /// Rooms writing at once.
    #[arg(long, default_value_t = 10)]
    rooms: usize,
    /// Rounds of the five operations in each room.
    #[arg(long, default_value_t = 200)]
    rounds: usize,
}

fn parse_mix(text: &str) -> Result<[u32; 3], String> {
    let parts: Vec<u32> = text
        .split(',')
        .map(|p| p.trim().parse::<u32>().map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    <[u32; 3]>::try_from(parts).map_err(|_| "three weights: CHAT,HAND,REACTION".to_owned())
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let common = match &cli.mode {
        Mode::Signalling(args) => Some(&args.common),
        Mode::Media(args) => Some(&args.common),
        Mode::Join(args) => Some(&args.common),
        Mode::Admit(args) => Some(&args.common),
        Mode::Logins(args) => Some(&args.common),
        Mode::Store(_) | Mode::Redirect(_) | Mode::Smoke | Mode::Relay => None,
    };
    // Pin before the runtime starts, so that it sizes its workers to match.
    if let Some(common) = common
        && !common.tool_cpus.is_empty()
    {
        procfs::pin_self(&common.tool_cpus)?;
    }
    let open_files = procfs::raise_open_files_limit();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        match cli.mode {
            Mode::Signalling(args) => run_signalling(args, open_files).await,
            Mode::Media(args) => run_media(args).await,
            Mode::Join(args) => run_join(args).await,
            Mode::Admit(args) => run_admit(args).await,
            Mode::Logins(args) => run_logins(args).await,
            Mode::Store(args) => run_store(args).await,
            Mode::Redirect(args) => {
                let figures = peer_room_bench::redirect::run(args.joins).await?;
                for (way, q) in [
                    ("straight to the room's node", figures.direct),
                    ("through the other node", figures.redirected),
                ] {
                    println!(
                        "{way:<28} p50 {:>6.2} ms   p99 {:>6.2} ms   max {:>6.2} ms   ({} joins)",
                        q.p50_ms, q.p99_ms, q.max_ms, q.count
                    );
                }
                Ok(())
            }
            Mode::Smoke => {
                smoke::signalling().await?;
                smoke::media().await?;
                println!("smoke: events and packets flowed");
                Ok(())
            }
            Mode::Relay => relay::serve().await,
        }
    })
}

fn server_options(common: &Common) -> ServerOptions {
    ServerOptions {
        bin: common.server_bin.clone(),
        cpus: common.server_cpus.clone(),
    }
}

fn header(what: &str, common: &Common) {
    println!("peer-room-bench {what}");
    println!("machine: {}", procfs::machine());
    println!(
        "server: {} on CPUs [{}]; tool on CPUs [{}]; {} runs of {} s after {} s warm-up",
        common.server_bin.display(),
        common.server_cpus,
        common.tool_cpus,
        common.runs,
        common.duration,
        common.warmup
    );
}

/// Runs `once` on a fresh server `runs` times and prints the summary.
async fn repeat<F, Fut>(common: &Common, rooms: usize, capacity: u32, mut once: F) -> anyhow::Result<Summary>
where
    F: FnMut(Target) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<(Target, RunFigures)>>,
{
    let mut summary = Summary::default();
    for run in 1..=common.runs {
        let load = procfs::load_1min();
        println!("run {run}/{}: load average {}", common.runs, procfs::load_average());
        let target = Target::spawn(&server_options(common), rooms, capacity).await?;
        let (target, mut figures) = once(target).await?;
        let (errors, warnings) = (target.log_lines("ERROR"), target.log_lines("WARN"));
        for line in errors.iter().take(5) {
            println!("  server log: {line}");
        }
        if !errors.is_empty() || !warnings.is_empty() {
            // Kept past the run: the server's account of what went wrong.
            let kept = std::env::temp_dir().join(format!("peer-room-bench-server-run{run}.log"));
            if std::fs::copy(target.log_path(), &kept).is_ok() {
                println!("  server log kept at {}", kept.display());
            }
        }
        figures.add("server log errors", errors.len() as f64);
        figures.add("server log warnings", warnings.len() as f64);
        figures.add("load average (1 min) at start", load);
        target.stop().await;
        figures.print(&format!("run {run} figures:"));
        summary.push(figures);
        // Let the sockets of this run close before the next one starts.
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    println!("\nmedian and spread over {} runs:\n{}", summary.runs(), summary.table());
    println!("load average at the end: {}", procfs::load_average());
    Ok(summary)
}

async fn run_signalling(args: SignallingArgs, open_files: u64) -> anyhow::Result<()> {
    let common = &args.common;
    header("signalling", common);
    let options = signalling::Options {
        rooms: args.rooms,
        size: args.size,
        rate_per_room: args.rate,
        mix: args.mix,
        concurrency: args.concurrency,
        warmup: Duration::from_secs_f64(common.warmup),
        duration: Duration::from_secs_f64(common.duration),
        sample_every: Duration::from_secs_f64(common.sample_every),
        at_gate: args.at_gate,
    };
    let people = options.participants() as u64;
    anyhow::ensure!(
        people + 100 < open_files,
        "{people} sockets need a higher open-files limit than {open_files}"
    );
    println!(
        "{} rooms of {} ({people} people), {} events/s per room, mix chat,hand,reaction = {:?}",
        args.rooms, args.size, args.rate, args.mix
    );
    let capacity = u32::try_from(args.size)?;
    repeat(common, args.rooms, capacity, |target| {
        let options = options.clone();
        async move {
            let figures = signalling::run_once(&target, &options).await;
            Ok((target, figures?))
        }
    })
    .await?;
    Ok(())
}

async fn run_media(args: MediaArgs) -> anyhow::Result<()> {
    let common = &args.common;
    header("media", common);
    let options = media::Options {
        rooms: args.rooms,
        publishers: args.publishers,
        subscribers: args.subscribers,
        warmup: Duration::from_secs_f64(common.warmup),
        duration: Duration::from_secs_f64(common.duration),
        sample_every: Duration::from_secs_f64(common.sample_every),
    };
    println!(
        "{} rooms of {} publishers and {} subscribers; Opus 50 packets/s and VP8 100 packets/s each",
        args.rooms, args.publishers, args.subscribers
    );
    let capacity = u32::try_from(args.publishers + args.subscribers)?;
    repeat(common, args.rooms, capacity, |target| {
        let options = options.clone();
        let baseline = args.baseline;
        let relay_cpus = common.server_cpus.clone();
        async move {
            let mut figures = media::run_once(&target, &options).await?;
            if baseline {
                relay::baseline(&options, &relay_cpus, &mut figures).await?;
            }
            Ok((target, figures))
        }
    })
    .await?;
    Ok(())
}

async fn run_admit(args: AdmitArgs) -> anyhow::Result<()> {
    header("admit", &args.common);
    let options = peer_room_bench::admit::Options {
        size: args.size,
        trials: args.trials,
        rtt: Duration::from_millis(args.rtt_ms),
    };
    println!(
        "{} admits per run of {} participants at once, with a facilitator on camera; {} ms added round trip",
        args.trials, args.size, args.rtt_ms
    );
    let capacity = u32::try_from(args.size + 1)?;
    repeat(&args.common, args.trials, capacity, |target| {
        let options = options.clone();
        async move {
            let figures = peer_room_bench::admit::run_once(&target, &options).await?;
            Ok((target, figures))
        }
    })
    .await?;
    Ok(())
}

async fn run_logins(args: LoginArgs) -> anyhow::Result<()> {
    header("logins", &args.common);
    println!(
        "{} waves of {} logins at once, each from its own loopback address, with the right password",
        args.waves, args.concurrent
    );
    let options = peer_room_bench::logins::Options {
        concurrent: args.concurrent,
        waves: args.waves,
    };
    repeat(&args.common, 1, 2, |target| {
        let options = options.clone();
        async move {
            let figures = peer_room_bench::logins::run_once(&target, &options).await;
            Ok((target, figures?))
        }
    })
    .await?;
    Ok(())
}

async fn run_join(args: JoinArgs) -> anyhow::Result<()> {
    header("join", &args.common);
    println!(
        "{} joins a run, one at a time, into rooms where the host is on camera",
        args.joins
    );
    let rooms = join_time::rooms_for(args.joins);
    repeat(&args.common, rooms, 16, |target| async move {
        let figures = join_time::run_once(&target, args.joins).await;
        Ok((target, figures?))
    })
    .await?;
    Ok(())
}

async fn run_store(args: StoreArgs) -> anyhow::Result<()> {
    println!(
        "store: {} rooms at once, {} rounds each of: {}",
        args.rooms,
        args.rounds,
        peer_room_bench::store_writes::OPERATIONS.join(", ")
    );
    for figures in peer_room_bench::store_writes::run(args.rooms, args.rounds).await? {
        println!("{} ({:.0} operations/s in all)", figures.database, figures.per_second);
        for (name, q) in figures.operations {
            println!(
                "  {name:<14} p50 {:>7.2} ms   p99 {:>7.2} ms   max {:>7.2} ms   ({} samples)",
                q.p50_ms, q.p99_ms, q.max_ms, q.count
            );
        }
    }
    Ok(())
}

//! The baseline: a trivial UDP relay that forwards every datagram to every
//! other member of its room, with no ICE, DTLS, SRTP, RTCP or rewriting. Run
//! with the same rooms and packet rates as the SFU, pinned to the same CPU,
//! it shows what moving the packets alone costs on this machine.
//!
//! Datagrams: `[0, room u32]` registers the sender in a room;
//! `[1, room u32, payload...]` is forwarded to the room's other members.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::net::UdpSocket;
use tokio::task::JoinSet;

use crate::media::Options;
use crate::media::client::Publishing;
use crate::media::packets::{self, AUDIO_BYTES, MediaCounters, Stamp, VIDEO_BYTES};
use crate::procfs::CpuMeter;
use crate::stats::{self, RunFigures};

const REGISTER: u8 = 0;
const DATA: u8 = 1;
const HEADER: usize = 5;

/// The relay process itself (`peer-room-bench relay`): prints its address,
/// then forwards until killed.
pub async fn serve() -> anyhow::Result<()> {
    let socket = UdpSocket::bind("127.0.0.1:0").await?;
    println!("relay listening on {}", socket.local_addr()?);
    let mut rooms: HashMap<u32, Vec<SocketAddr>> = HashMap::new();
    let mut buffer = vec![0u8; 2048];
    loop {
        let (len, from) = socket.recv_from(&mut buffer).await?;
        if len < HEADER {
            continue;
        }
        let room = u32::from_be_bytes(buffer[1..HEADER].try_into().expect("four bytes"));
        match buffer[0] {
            REGISTER => rooms.entry(room).or_default().push(from),
            DATA => {
                for to in rooms.get(&room).into_iter().flatten().filter(|to| **to != from) {
                    let _ = socket.send_to(&buffer[..len], to).await;
                }
            }
            _ => {}
        }
    }
}

/// Runs the same load as `options` through a relay process pinned to
/// `cpus`, and adds its figures (prefixed "baseline") to `figures`.
pub async fn baseline(options: &Options, cpus: &str, figures: &mut RunFigures) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let mut command = if cpus.is_empty() {
        Command::new(&exe)
    } else {
        let mut taskset = Command::new("taskset");
        taskset.args(["-c", cpus]).arg(&exe);
        taskset
    };
    let mut child = command.arg("relay").stdout(Stdio::piped()).spawn()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line)?;
    let relay: SocketAddr = line
        .trim()
        .strip_prefix("relay listening on ")
        .context("the relay printed no address")?
        .parse()?;
    let outcome = drive(relay, child.id(), options, figures).await;
    let _ = child.kill();
    let _ = child.wait();
    outcome
}

async fn drive(relay: SocketAddr, pid: u32, options: &Options, figures: &mut RunFigures) -> anyhow::Result<()> {
    let counters = Arc::new(MediaCounters::new());
    let receivers = options.room_size() as u64 - 1;
    let mut tasks = JoinSet::new();
    for room in 0..options.rooms {
        let room_id = u32::try_from(room)?;
        for seat in 0..options.room_size() {
            let socket = Arc::new(UdpSocket::bind("127.0.0.1:0").await?);
            socket.connect(relay).await?;
            let mut register = vec![REGISTER];
            register.extend_from_slice(&room_id.to_be_bytes());
            socket.send(&register).await?;
            tasks.spawn(receive(socket.clone(), counters.clone()));
            if seat < options.publishers {
                let publishing = Publishing {
                    publisher: u32::try_from(room * options.room_size() + seat)?,
                    receivers,
                    level: 127,
                };
                tasks.spawn(send(socket, room_id, publishing, counters.clone()));
            }
        }
    }
    tokio::time::sleep(options.warmup).await;
    counters.recording.store(true, Ordering::Relaxed);
    let cpu = CpuMeter::start(pid);
    let measured = stats::window(options.duration, Duration::ZERO, |_, _| {}).await;
    counters.recording.store(false, Ordering::Relaxed);
    let cpu = cpu.used();
    tokio::time::sleep(Duration::from_secs(1)).await;
    tasks.abort_all();

    let received = counters.received.load(Ordering::Relaxed);
    let expected = counters.expected.load(Ordering::Relaxed);
    figures.add("baseline relay forwarded/s", received as f64 / measured);
    figures.add(
        "baseline relay loss (%)",
        100.0 * (1.0 - received as f64 / expected.max(1) as f64),
    );
    counters
        .video_latency
        .quantiles()
        .add_to(figures, "baseline relay video client-to-client");
    if let Some(cpu) = cpu {
        figures.add("baseline relay CPU (% of a core)", 100.0 * cpu / measured);
        figures.add(
            "baseline relay CPU s per 1M forwarded",
            cpu / (received.max(1) as f64 / 1e6),
        );
    }
    Ok(())
}

async fn receive(socket: Arc<UdpSocket>, counters: Arc<MediaCounters>) {
    let mut buffer = vec![0u8; 2048];
    while let Ok(len) = socket.recv(&mut buffer).await {
        if let Some(stamp) = buffer.get(HEADER..len).and_then(Stamp::read) {
            counters.received(&stamp, Instant::now());
        }
    }
}

/// The SFU run's schedule: a video packet every 10 ms, audio every 20 ms.
async fn send(socket: Arc<UdpSocket>, room: u32, publishing: Publishing, counters: Arc<MediaCounters>) {
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    for n in 0u64.. {
        tick.tick().await;
        let video = counters.sending(&publishing, true);
        let _ = socket.send(&datagram(room, 0x10, VIDEO_BYTES, &video)).await;
        if n % 2 == 0 {
            let audio = counters.sending(&publishing, false);
            let _ = socket.send(&datagram(room, 0xfc, AUDIO_BYTES, &audio)).await;
        }
    }
}

fn datagram(room: u32, first: u8, len: usize, stamp: &Stamp) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(HEADER + len);
    bytes.push(DATA);
    bytes.extend_from_slice(&room.to_be_bytes());
    bytes.extend_from_slice(&packets::payload(first, len, stamp));
    bytes
}

//! Strangers logging in all at once: waves of concurrent logins, each from
//! its own loopback address (127.0.0.1 to 127.0.0.250, as a crowd of
//! addresses would come), with the right password so that every one the
//! server takes costs a real password hash. The server's resident memory is
//! sampled throughout: argon2 takes 19 MiB a hash, so memory shows how many
//! hashes ran at once.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;

use crate::procfs;
use crate::stats::{RunFigures, Samples};
use crate::target::{BENCH_ORGANIZER, BENCH_PASSWORD, Target};

#[derive(Clone, Debug)]
pub struct Options {
    /// Logins sent at once in a wave.
    pub concurrent: usize,
    /// Waves, one after another.
    pub waves: usize,
}

/// What became of one login.
enum Answer {
    Status(u16),
    /// The connection closed before an answer: refused at the door.
    Closed,
}

pub async fn run_once(target: &Target, options: &Options) -> anyhow::Result<RunFigures> {
    // Let the server settle, then take its memory at rest.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_kib = procfs::rss_kib(target.pid).unwrap_or(0);
    let peak_kib = Arc::new(AtomicU64::new(idle_kib));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, sampling, pid) = (Arc::clone(&peak_kib), Arc::clone(&sampling), target.pid);
        tokio::spawn(async move {
            while sampling.load(Ordering::Relaxed) {
                if let Some(kib) = procfs::rss_kib(pid) {
                    peak.fetch_max(kib, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };

    let (ok_latency, busy_latency) = (Arc::new(Samples::default()), Arc::new(Samples::default()));
    let mut counts = [0u64; 5]; // 200, 503, 429, other status, closed
    for _ in 0..options.waves {
        let attempts = (0..options.concurrent).map(|i| {
            let (ok, busy, addr) = (Arc::clone(&ok_latency), Arc::clone(&busy_latency), target.addr);
            tokio::spawn(async move {
                let started = Instant::now();
                let answer = login(addr, i).await;
                let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
                match answer {
                    Answer::Status(200) => ok.record(micros),
                    Answer::Status(503) => busy.record(micros),
                    _ => {}
                }
                answer
            })
        });
        for attempt in futures_util::future::join_all(attempts).await {
            let slot = match attempt? {
                Answer::Status(200) => 0,
                Answer::Status(503) => 1,
                Answer::Status(429) => 2,
                Answer::Status(_) => 3,
                Answer::Closed => 4,
            };
            counts[slot] += 1;
        }
    }
    sampling.store(false, Ordering::Relaxed);
    let _ = sampler.await;

    let mib = |kib: u64| kib as f64 / 1024.0;
    let peak = peak_kib.load(Ordering::Relaxed);
    let mut figures = RunFigures::default();
    figures.add("server memory at rest (MiB)", mib(idle_kib));
    figures.add("server memory at the peak (MiB)", mib(peak));
    figures.add("peak over rest (MiB)", mib(peak.saturating_sub(idle_kib)));
    for (name, count) in [
        "logged in",
        "refused busy (503)",
        "refused limit (429)",
        "other answer",
        "connection closed",
    ]
    .iter()
    .zip(counts)
    {
        figures.add(name, count as f64);
    }
    ok_latency.quantiles().add_to(&mut figures, "logged in: time to answer");
    busy_latency
        .quantiles()
        .add_to(&mut figures, "refused busy: time to answer");
    Ok(figures)
}

/// One login over its own connection from loopback address number `i`.
async fn login(server: SocketAddr, i: usize) -> Answer {
    let from: SocketAddr = SocketAddr::from(([127, 0, 0, 1 + (i % 250) as u8], 0));
    let Ok(socket) = TcpSocket::new_v4() else {
        return Answer::Closed;
    };
    if socket.bind(from).is_err() {
        return Answer::Closed;
    }
    let Ok(mut stream) = socket.connect(server).await else {
        return Answer::Closed;
    };
    let body = format!(r#"{{"email":"{BENCH_ORGANIZER}","password":"{BENCH_PASSWORD}"}}"#);
    let request = format!(
        "POST /api/login HTTP/1.1\r\nHost: {server}\r\nOrigin: http://{server}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    if stream.write_all(request.as_bytes()).await.is_err() {
        return Answer::Closed;
    }
    let mut response = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(60), stream.read_to_end(&mut response)).await;
    let text = String::from_utf8_lossy(&response);
    text.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .map_or(Answer::Closed, Answer::Status)
}

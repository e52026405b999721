//! A network link made worse in user space, for the tests that put a browser
//! in a network namespace of its own (this kernel has no netem): two TUN
//! devices, and every IP packet that enters one leaves the other after the
//! delay, unless it is lost. The test moves one device into the browser's
//! namespace and the other into the server's, so everything between them
//! (ICE, DTLS, RTP, HTTP, the WebSocket) crosses this link.
//!
//! ```text
//! impaired-link BROWSER_TUN SERVER_TUN [--delay-ms 50] [--jitter-ms 10]
//!     [--loss 0.05] [--seed 1] [--lose-first-dtls 2] [--down-kbit 500]
//!     [--queue-ms 100]
//! ```
//!
//! Each figure applies to each direction, except `--down-kbit`, a cap on
//! what reaches the browser, with a queue of at most `--queue-ms` (100
//! unless given), then dropped, as a home router's buffer (some hold a
//! second or more). It prints `ready` once both devices exist, and runs
//! until it is killed; the devices go with it. Needs root.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const TUNSETIFF: libc::c_ulong = 0x4004_54ca;
const IFF_TUN: i16 = 0x0001;
const IFF_NO_PI: i16 = 0x1000;
/// What a home router queues before it drops, unless told otherwise.
const QUEUE_LIMIT: Duration = Duration::from_millis(100);

#[repr(C)]
struct InterfaceRequest {
    name: [u8; 16],
    flags: i16,
    _rest: [u8; 22],
}

fn open_tun(name: &str) -> anyhow::Result<File> {
    anyhow::ensure!(
        !name.is_empty() && name.len() < 16,
        "a device name of 1 to 15 bytes: {name}"
    );
    let device = File::options()
        .read(true)
        .write(true)
        .open("/dev/net/tun")
        .context("/dev/net/tun")?;
    let mut request = InterfaceRequest {
        name: [0; 16],
        flags: IFF_TUN | IFF_NO_PI,
        _rest: [0; 22],
    };
    request.name[..name.len()].copy_from_slice(name.as_bytes());
    // SAFETY: TUNSETIFF reads and writes an ifreq, which `request` is laid out as.
    let status = unsafe { libc::ioctl(device.as_raw_fd(), TUNSETIFF, &mut request) };
    if status < 0 {
        bail!("TUNSETIFF {name}: {}", std::io::Error::last_os_error());
    }
    Ok(device)
}

#[derive(Clone, Copy, Debug)]
struct Link {
    delay: Duration,
    jitter: Duration,
    loss: f64,
    seed: u64,
    lose_first_dtls: usize,
    down_kbit: Option<u64>,
    queue: Duration,
}

fn parse(args: &[String]) -> anyhow::Result<(String, String, Link)> {
    let [browser, server, options @ ..] = args else {
        bail!(
            "usage: impaired-link BROWSER_TUN SERVER_TUN [--delay-ms N] [--jitter-ms N] [--loss P] [--seed N] [--lose-first-dtls N] [--down-kbit N] [--queue-ms N]"
        );
    };
    let mut link = Link {
        delay: Duration::ZERO,
        jitter: Duration::ZERO,
        loss: 0.0,
        seed: 1,
        lose_first_dtls: 0,
        down_kbit: None,
        queue: QUEUE_LIMIT,
    };
    for pair in options.chunks(2) {
        let [flag, value] = pair else {
            bail!("{} needs a value", pair[0])
        };
        match flag.as_str() {
            "--delay-ms" => link.delay = Duration::from_millis(value.parse()?),
            "--jitter-ms" => link.jitter = Duration::from_millis(value.parse()?),
            "--loss" => link.loss = value.parse::<f64>()?.clamp(0.0, 1.0),
            "--seed" => link.seed = value.parse()?,
            "--lose-first-dtls" => link.lose_first_dtls = value.parse()?,
            "--down-kbit" => link.down_kbit = Some(value.parse::<u64>()?.max(1)),
            "--queue-ms" => link.queue = Duration::from_millis(value.parse()?),
            other => bail!("unknown option {other}"),
        }
    }
    Ok((browser.clone(), server.clone(), link))
}

/// RFC 7983 on the payload of a UDP-in-IPv4 packet: a first byte from 20
/// to 63 is DTLS.
fn is_dtls(packet: &[u8]) -> bool {
    let header = usize::from(packet.first().map_or(0, |b| b & 0x0f)) * 4;
    packet.first().is_some_and(|b| b >> 4 == 4)
        && packet.get(9) == Some(&17)
        && packet.get(header + 8).is_some_and(|b| (20..=63).contains(b))
}

/// One direction: reads packets from `from`, decides their fate, and a
/// second thread writes the survivors to `to` when they are due.
fn relay(mut from: File, mut to: File, link: Link, direction: u64, rate_kbit: Option<u64>) {
    let (due_tx, due_rx) = mpsc::channel::<(Instant, Vec<u8>)>();
    thread::spawn(move || {
        for (due, packet) in due_rx {
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                thread::sleep(wait);
            }
            let _ = to.write(&packet);
        }
    });
    thread::spawn(move || {
        let mut random = StdRng::seed_from_u64(link.seed.wrapping_mul(2).wrapping_add(direction));
        let mut dtls_to_lose = link.lose_first_dtls;
        // Packets leave in order, each no sooner than the one before.
        let mut last_due = Instant::now();
        // When the capped link is free to start the next packet.
        let mut line_free = Instant::now();
        let mut buffer = vec![0u8; 65_536];
        while let Ok(len) = from.read(&mut buffer) {
            let packet = &buffer[..len];
            if dtls_to_lose > 0 && is_dtls(packet) {
                dtls_to_lose -= 1;
                continue;
            }
            if link.loss > 0.0 && random.random_bool(link.loss) {
                continue;
            }
            let now = Instant::now();
            let mut sent = now;
            if let Some(kbit) = rate_kbit {
                let start = line_free.max(now);
                if start - now > link.queue {
                    continue;
                }
                line_free = start + Duration::from_micros(len as u64 * 8 * 1000 / kbit);
                sent = line_free;
            }
            let jitter = if link.jitter.is_zero() {
                Duration::ZERO
            } else {
                Duration::from_micros(random.random_range(0..=link.jitter.as_micros() as u64 * 2))
            };
            let due = (sent + link.delay + jitter)
                .checked_sub(link.jitter)
                .unwrap_or(sent)
                .max(last_due);
            last_due = due;
            if due_tx.send((due, packet.to_vec())).is_err() {
                return;
            }
        }
    });
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (browser_name, server_name, link) = parse(&args)?;
    let browser = open_tun(&browser_name)?;
    let server = open_tun(&server_name)?;
    relay(browser.try_clone()?, server.try_clone()?, link, 0, None);
    relay(server, browser, link, 1, link.down_kbit);
    println!("ready");
    std::io::stdout().flush()?;
    loop {
        thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dtls_is_told_apart_inside_udp_in_ipv4() {
        let mut packet = vec![0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
        packet.extend_from_slice(&[0, 1, 0, 2, 0, 9, 0, 0]);
        packet.push(22);
        assert!(is_dtls(&packet));
        packet[20 + 8] = 0x80;
        assert!(!is_dtls(&packet), "RTP");
        packet[9] = 6;
        packet[20 + 8] = 22;
        assert!(!is_dtls(&packet), "TCP");
        assert!(!is_dtls(&packet[..10]));
    }

    #[test]
    fn options_are_read_and_bad_ones_refused() {
        let args: Vec<String> = ["a", "b", "--delay-ms", "50", "--loss", "0.05", "--down-kbit", "500"]
            .map(String::from)
            .to_vec();
        let (browser, server, link) = parse(&args).unwrap();
        assert_eq!((browser.as_str(), server.as_str()), ("a", "b"));
        assert_eq!(
            (link.delay, link.loss, link.down_kbit, link.queue),
            (Duration::from_millis(50), 0.05, Some(500), QUEUE_LIMIT)
        );
        let deep: Vec<String> = ["a", "b", "--down-kbit", "500", "--queue-ms", "1000"]
            .map(String::from)
            .to_vec();
        assert_eq!(parse(&deep).unwrap().2.queue, Duration::from_secs(1));
        assert!(parse(&["a".to_owned()]).is_err());
        assert!(parse(&["a", "b", "--loss"].map(String::from)).is_err());
        assert!(parse(&["a", "b", "--colour", "red"].map(String::from)).is_err());
    }
}

//! The log: what `RUST_LOG` asks for, under caps no setting can lift.
//!
//! Some libraries write what passes through them at their debug and trace
//! levels: WebSocket frames (names, chat), HTTP headers (cookies), session
//! descriptions and ICE candidates (people's addresses). `RUST_LOG` picks
//! levels by the most specific target, so capping `tungstenite` at info
//! would not stop `tungstenite::protocol=trace`. The caps here are a second
//! filter that every event must also pass: a target under a capped prefix
//! never logs below its cap, whatever `RUST_LOG` says.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tracing::{Level, Metadata};
use tracing_subscriber::filter::{EnvFilter, LevelFilter, Targets, filter_fn};
use tracing_subscriber::fmt;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::LogFormat;

/// Libraries capped, and the most they may say. The WebSocket and HTTP
/// stacks log payloads below info; the WebRTC stack logs descriptions and
/// candidates (with addresses) below warn.
pub const CAPS: &[(&str, Level)] = &[
    ("tungstenite", Level::INFO),
    ("tokio_tungstenite", Level::INFO),
    ("hyper", Level::INFO),
    ("hyper_util", Level::INFO),
    ("axum", Level::INFO),
    ("sqlx", Level::INFO),
    ("webrtc", Level::WARN),
    ("rtc", Level::WARN),
    ("rtc_ice", Level::WARN),
    ("rtc_dtls", Level::WARN),
    ("rtc_sctp", Level::WARN),
    ("rtc_srtp", Level::WARN),
    ("rtc_stun", Level::WARN),
    ("rtc_turn", Level::WARN),
    ("rtc_mdns", Level::WARN),
    ("rtc_sdp", Level::WARN),
    ("rtc_rtp", Level::WARN),
    ("rtc_rtcp", Level::WARN),
    ("rtc_interceptor", Level::WARN),
    ("rtc_datachannel", Level::WARN),
    ("rtc_media", Level::WARN),
];

/// Lines one capped library may write a minute. The WebRTC stack can
/// complain once per datagram the kernel will not send or per ICE check
/// that fails (an unreachable candidate, a firewall): what a client's
/// network does must not fill the log. Our own lines are never limited.
pub const LIBRARY_LINES_PER_MINUTE: u32 = 30;
const LIBRARY_WINDOW: Duration = Duration::from_secs(60);

/// Counts each capped library's lines in the current minute.
#[derive(Default)]
pub struct LibraryRate {
    windows: Mutex<HashMap<&'static str, (Instant, u32)>>,
}

impl LibraryRate {
    /// Whether a line from `target` may be written at `now`.
    pub fn allows(&self, target: &str, now: Instant) -> bool {
        let Some(library) = CAPS.iter().map(|(prefix, _)| *prefix).find(|prefix| {
            target
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
        }) else {
            return true;
        };
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let (since, count) = windows.entry(library).or_insert((now, 0));
        if now.duration_since(*since) >= LIBRARY_WINDOW {
            (*since, *count) = (now, 0);
        }
        *count += 1;
        *count <= LIBRARY_LINES_PER_MINUTE
    }
}

/// What the log lets through: the request (`RUST_LOG`, else a quiet
/// default) and the caps.
pub fn caps() -> Targets {
    CAPS.iter().fold(
        Targets::new().with_default(LevelFilter::TRACE),
        |targets, (target, level)| targets.with_target(*target, *level),
    )
}

pub fn init(format: LogFormat) {
    let requested = std::env::var("RUST_LOG").unwrap_or_else(|_| "info,sqlx=warn".to_owned());
    subscriber(&requested, format, std::io::stderr).init();
}

/// The whole subscriber, writing to `writer`: what `init` installs.
fn subscriber<W>(requested: &str, format: LogFormat, writer: W) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'w> fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let wanted = EnvFilter::try_new(requested).unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let rate = LibraryRate::default();
    let limited = filter_fn(move |meta: &Metadata<'_>| rate.allows(meta.target(), Instant::now()));
    // Filters of the whole subscriber, not of the layer that writes: with
    // a per-layer filter, a library's `tracing::enabled!` check that logs
    // nothing (sqlx asks before every query) leaves its verdict on the
    // thread, and the next line written there is dropped. With PostgreSQL,
    // whose connections run on the runtime's threads, that lost our own
    // lines ("mail sent", logins). The outermost is asked first, so
    // `limited` counts only what the others let through.
    let registry = tracing_subscriber::registry().with(limited).with(caps()).with(wanted);
    match format {
        LogFormat::Pretty => Box::new(registry.with(fmt::layer().with_writer(writer))),
        LogFormat::Json => Box::new(registry.with(fmt::layer().json().with_writer(writer))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a subscriber wrote.
    #[derive(Clone, Default)]
    struct Written(std::sync::Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Written {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn our_lines_survive_a_library_asking_first_whether_it_may_log() {
        let written = Written::default();
        let writer = written.clone();
        // Installed as `init` installs it, with the bridge from the `log`
        // crate: the only global subscriber of these tests.
        subscriber("info,sqlx=warn", LogFormat::Pretty, move || writer.clone())
            .try_init()
            .expect("no other global subscriber");
        // As sqlx does before each query (through `log`, then `tracing`),
        // on the thread that then runs our code.
        let _ = log::log_enabled!(target: "sqlx::query", log::Level::Debug);
        let _ = tracing::enabled!(target: "sqlx::query", Level::DEBUG);
        tracing::info!(target: "peer_room::mail::sender", "mail sent");
        tracing::debug!(target: "sqlx::query", "not wanted");
        tracing::info!(target: "peer_room::app", "listening");
        let text = String::from_utf8(written.0.lock().unwrap().clone()).unwrap();
        assert!(text.contains("mail sent"), "{text}");
        assert!(text.contains("listening"), "{text}");
        assert!(!text.contains("not wanted"), "{text}");
    }

    #[test]
    fn a_capped_library_stays_capped_even_for_its_most_specific_targets() {
        let caps = caps();
        assert!(!caps.would_enable("tungstenite::protocol", &Level::TRACE));
        assert!(caps.would_enable("tungstenite::protocol", &Level::INFO));
        assert!(!caps.would_enable("hyper::proto::h1::io", &Level::DEBUG));
        assert!(!caps.would_enable("rtc_ice::agent", &Level::INFO));
        assert!(
            caps.would_enable("peer_room::ws", &Level::TRACE),
            "our own code is not capped"
        );
    }

    #[test]
    fn a_library_writes_at_most_its_lines_a_minute_and_our_own_code_is_never_limited() {
        let rate = LibraryRate::default();
        let start = Instant::now();
        let written = (0..100)
            .filter(|_| rate.allows("webrtc::peer_connection::driver", start))
            .count();
        assert_eq!(written, LIBRARY_LINES_PER_MINUTE as usize);
        assert!(
            !rate.allows("webrtc", start + Duration::from_secs(59)),
            "the crate's own target counts with its modules"
        );
        assert!(rate.allows("rtc_ice::agent", start), "each library has its own count");
        assert!((0..100).all(|_| rate.allows("peer_room::media::peer", start)));
        assert!(
            rate.allows("webrtc::peer_connection::driver", start + LIBRARY_WINDOW),
            "a new minute, new lines"
        );
    }
}

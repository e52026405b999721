//! The log: what `RUST_LOG` asks for, under caps no setting can lift.
//!
//! Some libraries write what passes through them at their debug and trace
//! levels: WebSocket frames (names, chat), HTTP headers (cookies), session
//! descriptions and ICE candidates (people's addresses). `RUST_LOG` picks
//! levels by the most specific target, so capping `tungstenite` at info
//! would not stop `tungstenite::protocol=trace`. The caps here are a second
//! filter that every event must also pass: a target under a capped prefix
//! never logs below its cap, whatever `RUST_LOG` says.

use tracing::Level;
use tracing_subscriber::filter::{EnvFilter, FilterExt, LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, fmt};

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
    let wanted = EnvFilter::try_new(&requested).unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let filter = wanted.and(caps());
    let layer = fmt::layer().with_writer(std::io::stderr);
    let registry = tracing_subscriber::registry();
    match format {
        LogFormat::Pretty => registry.with(layer.with_filter(filter)).init(),
        LogFormat::Json => registry.with(layer.json().with_filter(filter)).init(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

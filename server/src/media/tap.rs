//! A tap on what the server forwards, for the end-to-end encryption tests
//! only: built with `--features media-tap` (never by `cargo run --release`
//! or a deployment's build), and on only when `PEER_ROOM_MEDIA_TAP` names a
//! file. It writes each packet a publisher sends, as the server holds it
//! once the transport's encryption is off (its payload in base64), one JSON
//! line each, so a test can show what the server could read of the media:
//! with end-to-end encryption, nothing of a frame but the header it needs.
//!
//! This is recording, which PeerRoom never does: hence a build of its own,
//! a warning on the log at the first packet, and a cap on what it writes.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::{Mutex, OnceLock};

use base64::Engine as _;

use super::session::Kind;
use crate::protocol::ParticipantId;

/// Enough for a minute of a small room; a test needs far fewer.
const MAX_PACKETS: usize = 100_000;

struct Tap {
    out: BufWriter<File>,
    written: usize,
}

static TAP: OnceLock<Option<Mutex<Tap>>> = OnceLock::new();

fn tap() -> Option<&'static Mutex<Tap>> {
    TAP.get_or_init(|| {
        let path = std::env::var_os("PEER_ROOM_MEDIA_TAP")?;
        let file = File::create(&path).ok()?;
        tracing::warn!("the media tap of this test build writes every forwarded packet to a file");
        Some(Mutex::new(Tap {
            out: BufWriter::new(file),
            written: 0,
        }))
    })
    .as_ref()
}

/// Writes one packet a publisher sent, if the tap is on and not full.
pub fn record(publisher: ParticipantId, kind: Kind, layer: u8, packet: &rtc::rtp::Packet) {
    let Some(tap) = tap() else {
        return;
    };
    let Ok(mut tap) = tap.lock() else {
        return;
    };
    if tap.written >= MAX_PACKETS {
        return;
    }
    tap.written += 1;
    let line = serde_json::json!({
        "from": publisher.0,
        "kind": match kind {
            Kind::Audio => "audio",
            Kind::Video => "video",
            Kind::Screen => "screen",
        },
        "layer": layer,
        "ssrc": packet.header.ssrc,
        "pt": packet.header.payload_type,
        "seq": packet.header.sequence_number,
        "ts": packet.header.timestamp,
        "marker": packet.header.marker,
        "at": crate::clock::now_millis(),
        "payload": base64::engine::general_purpose::STANDARD.encode(&packet.payload),
    });
    // Each line whole on disk at once: the test reads while the room runs.
    let _ = writeln!(tap.out, "{line}").and_then(|()| tap.out.flush());
}

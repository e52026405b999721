//! The WebSocket endpoint: checks the upgrade, then hands each socket to its
//! own connection loop (`connection.rs`), which translates frames into room
//! commands and room events into frames, and nothing more.

mod connection;
mod entry;
pub mod rate_limit;
mod refusals;

use std::sync::Arc;

use axum::Extension;
use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tracing::info;

use crate::app::AppState;
use crate::http::listen::ClientAddr;
use crate::protocol::MAX_MESSAGE_BYTES;
use crate::tally::Held;

/// Sized for this protocol's small messages rather than axum's defaults
/// (128 KiB each), which would dominate a connection's memory. The read
/// buffer is allocated and zeroed whole for every connection, so it is the
/// one that counts: 2 KiB holds any everyday client message in one read;
/// the rare large one (`media_offer`, a few KiB of SDP) takes a few reads.
/// From 8 to 2 KiB took an idle person from 25 to 16 KiB of server memory
/// with the boxed events of `room::Outbound` (docs/benchmarks.md). The write
/// buffer only grows as far as the largest frame sent, and each send flushes.
const READ_BUFFER_BYTES: usize = 2 * 1024;
const WRITE_BUFFER_BYTES: usize = 8 * 1024;

pub async fn upgrade(
    State(state): State<AppState>,
    client: Option<Extension<ClientAddr>>,
    admitted: Option<Extension<Arc<Held>>>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("").to_ascii_lowercase();
        if !state.allowed_origins.contains(&origin) {
            // The origin is the caller's own claim, not a secret: safe to log.
            info!(origin = %origin, "refused a WebSocket from an origin that is not allowed");
            return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
        }
    }
    // Browsers always send an Origin; other clients may omit it, and could as
    // easily forge it, so its absence is not a reason to refuse.
    // A socket that has not joined a room costs memory for nothing: each
    // address may have only so many at once (and each has `join_within`).
    let joining = match client {
        Some(Extension(ClientAddr(ip))) => match state.unjoined.hold(ip) {
            Some(place) => Some(place),
            None => {
                info!("refused a WebSocket: too many from one address still joining");
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(header::RETRY_AFTER, "5")],
                    "too many connections from your address are still joining",
                )
                    .into_response();
            }
        },
        None => None,
    };
    let admitted = admitted.map(|Extension(held)| held);
    let conn = state.next_conn_id();
    let tasks = state.tasks.clone();
    upgrade
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(WRITE_BUFFER_BYTES)
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| {
            let held = connection::Held { admitted, joining };
            tasks.track_future(connection::run(socket, state, conn, held))
        })
}

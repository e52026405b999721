//! What an operator's tools read: `/readyz` (may this node take people
//! now?) and `/metrics` (Prometheus' text format, for the addresses of
//! `--metrics-allow` only). `/healthz`, in `mod.rs`, only says the process
//! answers.

use std::time::{Duration, Instant};

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tracing::warn;

use super::listen::ClientAddr;
use crate::app::AppState;
use crate::clock;
use crate::metrics::{self, Live};

/// How long the store has to answer `/readyz`, and `/metrics`' mail count.
const STORE_WITHIN: Duration = Duration::from_secs(1);

/// Mail due is counted up to this: the count stays one bounded query
/// however much piles up.
pub const MAIL_DUE_COUNTED_UP_TO: u32 = 10_000;

/// Ready: not shutting down, and the store answers a trivial query within
/// a second. Otherwise 503 with the reason, for a load balancer or a
/// person reading it.
pub async fn readyz(State(state): State<AppState>) -> Response {
    if state.shutdown.is_cancelled() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    if state.rooms.placement().is_some_and(|p| p.draining()) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "draining: this node takes no new rooms",
        )
            .into_response();
    }
    match tokio::time::timeout(STORE_WITHIN, state.store.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready").into_response(),
        Ok(Err(error)) => {
            warn!(%error, "not ready: the store does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "the store does not answer").into_response()
        }
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the store did not answer within a second",
        )
            .into_response(),
    }
}

pub async fn metrics(
    State(state): State<AppState>,
    client: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
) -> Response {
    if !state
        .metrics_access
        .permits(client.map(|Extension(addr)| addr), &headers)
    {
        return StatusCode::NOT_FOUND.into_response();
    }
    let started = Instant::now();
    let census = state.rooms.census();
    let mail_due = state.store.count_mail_due(clock::now_millis(), MAIL_DUE_COUNTED_UP_TO);
    let live = Live {
        rooms: census.rooms,
        in_rooms: census.in_rooms,
        waiting: census.waiting,
        mail_due: tokio::time::timeout(STORE_WITHIN, mail_due)
            .await
            .ok()
            .and_then(Result::ok),
    };
    let text = match state.metrics.encode(&live) {
        Ok(text) => text,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    state.metrics.scrape_took(started.elapsed());
    (
        [
            (header::CONTENT_TYPE, metrics::CONTENT_TYPE),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}

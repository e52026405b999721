//! HTTP routes: health, readiness and metrics for operators (`ops.rs`),
//! the WebSocket endpoint and the embedded web client.

mod assets;
pub mod listen;
pub mod metrics_access;
mod ops;
mod pages;
mod report;
pub mod summary;

use axum::Router;
use axum::routing::get;

use crate::app::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/ws", get(crate::ws::upgrade))
        .route("/", get(assets::index))
        .route("/join", get(assets::join_page))
        .route("/organize", get(assets::organize_page))
        .route("/organize/{*page}", get(assets::organize_page))
        .route("/support", get(assets::support_page))
        .route("/report", get(assets::report_page))
        .route("/assets/{*path}", get(assets::asset))
        .route("/sessions/{id}/summary.md", get(summary::export))
        .route("/sessions/{id}/report.json", get(report::json))
        .merge(crate::api::router(state.clone()))
        .with_state(state)
}

/// Liveness: the process answers. Whether it can take people is `/readyz`.
async fn healthz() -> &'static str {
    "ok"
}

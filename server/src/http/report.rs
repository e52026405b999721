//! The facilitator's report as JSON, for the session's facilitator link
//! afterwards: `GET /sessions/{id}/report.json` with `Authorization: Bearer
//! <facilitator token>`, the same access as the summary's export. Hosts in
//! the room ask for it with `get_report` instead.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tracing::warn;

use super::summary::facilitator_access;
use crate::app::AppState;

pub async fn json(State(state): State<AppState>, Path(session_id): Path<String>, headers: HeaderMap) -> Response {
    if let Err(refusal) = facilitator_access(&state, &session_id, &headers).await {
        return refusal;
    }
    match state.store.session_report(&session_id).await {
        Ok(report) => ([(header::CACHE_CONTROL, "no-store")], Json(report)).into_response(),
        Err(error) => {
            warn!(?error, "could not read a report");
            (StatusCode::INTERNAL_SERVER_ERROR, "the report could not be read").into_response()
        }
    }
}

//! The summary exported as Markdown, for the session's facilitators.
//!
//! `GET /sessions/{id}/summary.md` with `Authorization: Bearer <facilitator
//! token>`. The token goes in a header, never in the URL, so it stays out of
//! access logs and browser history. A facilitator link keeps this access after
//! its session ends (unless revoked): the summary is read afterwards. A
//! series' facilitator link opens the summary of each of its meetings, which
//! have no links of their own.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::TimeZone;
use tracing::warn;

use crate::app::AppState;
use crate::protocol::Named as _;
use crate::room::summary::SummaryKind;
use crate::store::{StoreError, SummaryAccess, SummaryExport};

/// Whether the request carries a facilitator token that opens this
/// session's summary (and report); the refusal to send if not.
pub(super) async fn facilitator_access(
    state: &AppState,
    session_id: &str,
    headers: &HeaderMap,
) -> Result<(), Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(token) = token else {
        return Err(unauthorized());
    };
    match state.store.summary_access(token, session_id).await {
        Ok(SummaryAccess::Allowed) => Ok(()),
        // Another session's facilitator learns nothing about this one.
        Ok(SummaryAccess::OtherSession) => Err((StatusCode::NOT_FOUND, "no such session").into_response()),
        Ok(SummaryAccess::Denied) => Err(unauthorized()),
        Err(error) => Err(failed(error)),
    }
}

pub async fn export(State(state): State<AppState>, Path(session_id): Path<String>, headers: HeaderMap) -> Response {
    if let Err(refusal) = facilitator_access(&state, &session_id, &headers).await {
        return refusal;
    }
    match state.store.summary_export(&session_id).await {
        Ok(export) => (
            [
                (header::CONTENT_TYPE, "text/markdown; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"summary.md\""),
            ],
            markdown(&export),
        )
            .into_response(),
        Err(error) => failed(error),
    }
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        "send the facilitator link's token as: Authorization: Bearer TOKEN",
    )
        .into_response()
}

fn failed(error: StoreError) -> Response {
    warn!(?error, "could not export a summary");
    (StatusCode::INTERNAL_SERVER_ERROR, "the summary could not be read").into_response()
}

/// The summary as a Markdown document, grouped by kind in a fixed order.
pub fn markdown(export: &SummaryExport) -> String {
    let mut out = format!("# {}\n\n{}\n\n", one_line(&export.title), when(export));
    if !export.finalized {
        out.push_str("_Draft: the facilitator has not finalized this summary yet._\n\n");
    }
    if export.items.is_empty() {
        out.push_str("No summary items were recorded.\n");
    }
    for &kind in SummaryKind::ALL {
        let items: Vec<&str> = export
            .items
            .iter()
            .filter(|i| i.kind == kind)
            .map(|i| i.text.as_str())
            .collect();
        if items.is_empty() {
            continue;
        }
        out.push_str(&format!("## {}\n\n", kind.heading()));
        for text in items {
            out.push_str(&format!("- {}\n", one_line(text)));
        }
        out.push('\n');
    }
    out
}

/// The session's start in its own time zone, e.g. "Tuesday 1 December 2026, 18:00 (America/Toronto)".
fn when(export: &SummaryExport) -> String {
    let zone: chrono_tz::Tz = export.time_zone.parse().unwrap_or(chrono_tz::UTC);
    match zone.timestamp_millis_opt(export.starts_at).single() {
        Some(at) => format!("{} ({})", at.format("%A %-d %B %Y, %H:%M"), zone.name()),
        None => String::new(),
    }
}

/// Items are single lines in the export: a line break in an item must not
/// start a heading or a list of its own.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::room::summary::SummaryItem;

    #[test]
    fn items_are_grouped_by_kind_in_a_fixed_order_with_the_local_date() {
        let item = |id, kind, text: &str| SummaryItem {
            id,
            kind,
            text: text.into(),
        };
        let export = SummaryExport {
            title: "Tuesday group".into(),
            starts_at: 1_796_166_000_000, // 2026-12-01T23:00:00Z
            time_zone: "America/Toronto".into(),
            finalized: true,
            items: vec![
                item(1, SummaryKind::FollowUp, "Meet again\n# in two weeks"),
                item(2, SummaryKind::Takeaway, "Rest is part of the work."),
            ],
        };
        let text = markdown(&export);
        assert_eq!(
            text,
            "# Tuesday group\n\nTuesday 1 December 2026, 18:00 (America/Toronto)\n\n\
             ## Key takeaways\n\n- Rest is part of the work.\n\n\
             ## Follow-ups\n\n- Meet again # in two weeks\n\n"
        );
    }

    #[test]
    fn a_draft_says_so() {
        let export = SummaryExport {
            title: "G".into(),
            starts_at: 0,
            time_zone: "UTC".into(),
            finalized: false,
            items: vec![],
        };
        assert!(markdown(&export).contains("_Draft"));
    }
}

//! Recurring series: weekly or every two weeks, for a count or until a date.
//! Each occurrence is a session (changed or cancelled through the sessions
//! API); the series has links that open whichever occurrence is on.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, TimeZone};
use serde::{Deserialize, Serialize};

use super::auth::CurrentOrganizer;
use super::sessions::{AgendaItem, Links, SessionInput, SessionView, apply, invalid, new_for, required, view};
use super::{ApiError, ApiJson};
use crate::app::AppState;
use crate::clock;
use crate::store::{InviteRole, Recurrence, SeriesRecord, occurrence_starts};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesInput {
    title: Option<String>,
    /// The first occurrence: a wall-clock time in `time_zone`.
    starts_at: Option<String>,
    time_zone: Option<String>,
    duration_minutes: Option<u32>,
    capacity: Option<u32>,
    opens_minutes_before: Option<u32>,
    ground_rules: Option<Vec<String>>,
    agenda: Option<Vec<AgendaItem>>,
    facilitators: Option<Vec<String>>,
    break_nudge_minutes: Option<u32>,
    warning_marks: Option<Vec<u32>>,
    reminder_minutes: Option<Vec<u32>>,
    /// `off`, `offered` or `required`, for every occurrence.
    e2ee: Option<String>,
    /// 1: weekly; 2: every two weeks.
    every_weeks: u32,
    count: Option<u32>,
    /// The last day an occurrence may fall on, `YYYY-MM-DD`.
    until: Option<String>,
}

#[derive(Serialize)]
pub struct SeriesView {
    id: String,
    title: String,
    every_weeks: Option<u32>,
    occurrences: Option<u32>,
    until: Option<String>,
    time_zone: Option<String>,
}

#[derive(Serialize)]
pub struct SeriesDetail {
    series: SeriesView,
    occurrences: Vec<SessionView>,
    links: Links,
}

fn series_view(record: SeriesRecord) -> SeriesView {
    SeriesView {
        id: record.id,
        title: record.title,
        every_weeks: record.every_weeks,
        occurrences: record.occurrences,
        until: record.until_date,
        time_zone: record.time_zone,
    }
}

pub(super) async fn owned(state: &AppState, organizer: &str, id: &str) -> Result<SeriesRecord, ApiError> {
    let record = state.store.series(id).await?;
    if record.organizer_id.as_deref() != Some(organizer) {
        return Err(ApiError::NotFound);
    }
    Ok(record)
}

async fn detail(state: &AppState, record: SeriesRecord) -> Result<SeriesDetail, ApiError> {
    let now = clock::now_millis();
    let occurrences = state.store.occurrences(&record.id).await?;
    let links = Links {
        facilitator: state
            .store
            .series_link(&record.id, InviteRole::Facilitator)
            .await?
            .map(|t| state.join_link(&t)),
        participant: state
            .store
            .series_link(&record.id, InviteRole::Participant)
            .await?
            .map(|t| state.join_link(&t)),
    };
    Ok(SeriesDetail {
        series: series_view(record),
        occurrences: occurrences.into_iter().map(|o| view(o, now)).collect(),
        links,
    })
}

pub async fn create(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    ApiJson(input): ApiJson<SeriesInput>,
) -> Result<Response, ApiError> {
    let until = input
        .until
        .as_deref()
        .map(|text| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| invalid("until", "must be a date such as 2027-06-30"))
        })
        .transpose()?;
    let rule = Recurrence {
        every_weeks: input.every_weeks,
        count: input.count,
        until,
    };
    let template = apply(
        new_for(&me.id),
        required(SessionInput {
            title: input.title,
            starts_at: input.starts_at,
            time_zone: input.time_zone,
            duration_minutes: input.duration_minutes,
            capacity: input.capacity,
            opens_minutes_before: input.opens_minutes_before,
            ground_rules: input.ground_rules,
            agenda: input.agenda,
            facilitators: input.facilitators,
            break_nudge_minutes: input.break_nudge_minutes,
            warning_marks: input.warning_marks,
            reminder_minutes: input.reminder_minutes,
            e2ee: input.e2ee,
        })?,
    )?;
    let zone: chrono_tz::Tz = template
        .time_zone
        .parse()
        .map_err(|_| invalid("time_zone", "must be an IANA time zone name"))?;
    let first_local = zone
        .timestamp_millis_opt(template.starts_at)
        .single()
        .ok_or_else(|| invalid("starts_at", "is not a time"))?
        .naive_local();
    let starts = occurrence_starts(first_local, &template.time_zone, &rule)?;
    let now = clock::now_millis();
    let (series_id, _) = state
        .store
        .create_recurring_series(&template, &rule, &starts, now)
        .await?;
    state.store.create_series_links(&series_id, now).await?;
    let created = detail(&state, state.store.series(&series_id).await?).await?;
    Ok((StatusCode::CREATED, axum::Json(created)).into_response())
}

pub async fn list(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
) -> Result<axum::Json<Vec<SeriesView>>, ApiError> {
    let all = state.store.series_of(&me.id).await?;
    Ok(axum::Json(all.into_iter().map(series_view).collect()))
}

pub async fn read(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    Path(id): Path<String>,
) -> Result<axum::Json<SeriesDetail>, ApiError> {
    let record = owned(&state, &me.id, &id).await?;
    Ok(axum::Json(detail(&state, record).await?))
}

/// A new token for a series link (the old one stops working at once), or none.
pub async fn change_link(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    Path((id, role, action)): Path<(String, String, String)>,
) -> Result<axum::Json<SeriesDetail>, ApiError> {
    let record = owned(&state, &me.id, &id).await?;
    let (role, revoke) = super::link_change(&role, &action)?;
    state
        .store
        .change_series_link(&id, role, revoke, clock::now_millis())
        .await?;
    Ok(axum::Json(detail(&state, record).await?))
}

/// The series as a calendar feed: one event with its rule, the cancelled
/// occurrences excluded, and the changed ones as events of their own.
pub async fn feed(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let record = owned(&state, &me.id, &id).await?;
    let occurrences = state.store.occurrences(&id).await?;
    let link = state
        .store
        .series_link(&id, InviteRole::Participant)
        .await?
        .map(|t| state.join_link(&t));
    let body = crate::ics::series_ics(
        &record,
        &occurrences,
        link.as_deref(),
        crate::ics::Method::Publish,
        clock::now_millis(),
    );
    Ok(super::calendar::calendar_response(&record.title, "series", body))
}

//! What organizers do for one-on-one support: keep the roster (nominate,
//! see load, deactivate), match waiting requests with a supporter and a
//! suggested time, cancel one, and read the program's counts. Organizers
//! see a request's preferences and times, never who the physician is (no
//! name, no address), and never what was said.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::auth::CurrentOrganizer;
use super::sessions::{invalid, utc};
use super::{ApiError, ApiJson};
use crate::app::AppState;
use crate::matching::{Suggestion, suggest};
use crate::store::{Cancel, Language, NewSupporter, SupportRequest, SupportStats, Supporter, Window};
use crate::{clock, mail};

#[derive(Serialize)]
pub struct SupporterView {
    id: String,
    name: String,
    email: String,
    practice_areas: Vec<String>,
    practice_status: String,
    years_band: String,
    languages: Vec<&'static str>,
    trained_on: String,
    time_zone: String,
    availability: Vec<Window>,
    paused: bool,
    /// Their meetings start with a waiting room (they let the physician in).
    waiting_room: bool,
    enrolled: bool,
    active: bool,
    /// Requests matched with them in the last 30 days.
    load: u32,
}

pub fn supporter_view(s: Supporter) -> SupporterView {
    SupporterView {
        languages: s.languages.iter().map(|l| l.code()).collect(),
        id: s.id,
        name: s.name,
        email: s.email,
        practice_areas: s.practice_areas,
        practice_status: s.practice_status,
        years_band: s.years_band,
        trained_on: s.trained_on,
        time_zone: s.time_zone,
        availability: s.availability,
        paused: s.paused,
        waiting_room: s.waiting_room,
        enrolled: s.enrolled,
        active: s.active,
        load: s.load,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NominateInput {
    name: String,
    email: String,
    practice_areas: Vec<String>,
    practice_status: String,
    years_band: String,
    languages: Vec<String>,
    trained_on: String,
}

#[derive(Serialize)]
pub struct Nominated {
    supporter: SupporterView,
    /// The one-time link that lets them set up their account: shown here
    /// once, and sent to them when mail is on.
    enrol_link: String,
    mail_enabled: bool,
}

pub fn languages(codes: &[String]) -> Result<Vec<Language>, ApiError> {
    codes
        .iter()
        .map(|c| Language::parse(c).ok_or_else(|| invalid("languages", "each is en or fr")))
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    _: CurrentOrganizer,
) -> Result<axum::Json<Vec<SupporterView>>, ApiError> {
    let roster = state.store.supporters(clock::now_millis()).await?;
    Ok(axum::Json(roster.into_iter().map(supporter_view).collect()))
}

pub async fn nominate(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    ApiJson(input): ApiJson<NominateInput>,
) -> Result<Response, ApiError> {
    let email = mail::address::checked(&input.email).map_err(|why| invalid("email", format!("this address {why}")))?;
    let new = NewSupporter {
        name: input.name,
        email,
        practice_areas: input.practice_areas.iter().map(|a| crate::text::normalize(a)).collect(),
        practice_status: input.practice_status,
        years_band: input.years_band,
        languages: languages(&input.languages)?,
        trained_on: input.trained_on,
    };
    let (supporter, token) = state
        .store
        .nominate_supporter(&me.id, &new, state.mail.enabled(), clock::now_millis())
        .await?;
    state.mail.queued();
    let body = Nominated {
        supporter: supporter_view(supporter),
        enrol_link: state.enrol_link(&token),
        mail_enabled: state.mail.enabled(),
    };
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

#[derive(Serialize)]
pub struct EnrolLink {
    enrol_link: String,
}

/// A new enrolment link for a supporter who has not enrolled yet.
pub async fn renew_enrolment(
    State(state): State<AppState>,
    _: CurrentOrganizer,
    Path(id): Path<String>,
) -> Result<axum::Json<EnrolLink>, ApiError> {
    let token = state
        .store
        .renew_enrolment(&id, state.mail.enabled(), clock::now_millis())
        .await?;
    state.mail.queued();
    Ok(axum::Json(EnrolLink {
        enrol_link: state.enrol_link(&token),
    }))
}

pub async fn deactivate(
    State(state): State<AppState>,
    _: CurrentOrganizer,
    Path(id): Path<String>,
) -> Result<axum::Json<SupporterView>, ApiError> {
    let now = clock::now_millis();
    state.store.deactivate_supporter(&id, now).await?;
    Ok(axum::Json(supporter_view(state.store.supporter(&id, now).await?)))
}

#[derive(Serialize)]
pub struct SuggestionView {
    supporter_id: String,
    name: String,
    meets: Vec<&'static str>,
    misses: Vec<&'static str>,
}

/// A request as an organizer sees it: what matching needs, no identity.
#[derive(Serialize)]
pub struct RequestView {
    id: String,
    /// A short reference to talk about it without naming anyone.
    reference: String,
    state: &'static str,
    language: &'static str,
    practice_area: Option<String>,
    area_preference: String,
    supporter_status: String,
    times: Option<String>,
    /// The physician's time zone, to read `times` by.
    time_zone: Option<String>,
    created_at: String,
    supporter_id: Option<String>,
    suggested_time: Option<String>,
    minutes: Option<u32>,
    suggestions: Vec<SuggestionView>,
}

fn request_view(request: SupportRequest, suggestions: Vec<Suggestion>, roster: &[Supporter]) -> RequestView {
    RequestView {
        reference: request.id.chars().take(6).collect::<String>().to_uppercase(),
        state: request.state.as_str(),
        language: request.language.code(),
        suggested_time: request.proposed_at.map(utc),
        created_at: utc(request.created_at),
        suggestions: suggestions
            .into_iter()
            .map(|s| SuggestionView {
                name: roster
                    .iter()
                    .find(|r| r.id == s.supporter_id)
                    .map_or_else(String::new, |r| r.name.clone()),
                supporter_id: s.supporter_id,
                meets: s.meets,
                misses: s.misses,
            })
            .collect(),
        id: request.id,
        practice_area: request.practice_area,
        area_preference: request.area_preference,
        supporter_status: request.supporter_status,
        times: request.times,
        time_zone: request.time_zone,
        supporter_id: request.supporter_id,
        minutes: request.minutes,
    }
}

pub async fn requests(
    State(state): State<AppState>,
    _: CurrentOrganizer,
) -> Result<axum::Json<Vec<RequestView>>, ApiError> {
    let roster = state.store.supporters(clock::now_millis()).await?;
    let views = state
        .store
        .open_requests()
        .await?
        .into_iter()
        .map(|r| {
            let suggested = if r.supporter_id.is_none() {
                suggest(&r, &roster)
            } else {
                Vec::new()
            };
            request_view(r, suggested, &roster)
        })
        .collect();
    Ok(axum::Json(views))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchInput {
    supporter_id: String,
    /// RFC 3339, e.g. `2026-12-03T19:00:00-05:00`: the time suggested.
    starts_at: String,
    minutes: u32,
}

/// A suggested or proposed time: RFC 3339, in the future, 15 to 120 minutes.
pub fn meeting_time(starts_at: &str, minutes: u32, now: i64) -> Result<i64, ApiError> {
    let at = chrono::DateTime::parse_from_rfc3339(starts_at)
        .map_err(|_| invalid("starts_at", "must be a time such as 2026-12-03T19:00:00-05:00"))?
        .timestamp_millis();
    if at <= now {
        return Err(invalid("starts_at", "must be in the future"));
    }
    if !(15..=120).contains(&minutes) {
        return Err(invalid("minutes", "must be between 15 and 120"));
    }
    Ok(at)
}

pub async fn match_request(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<MatchInput>,
) -> Result<axum::Json<RequestView>, ApiError> {
    let now = clock::now_millis();
    let at = meeting_time(&input.starts_at, input.minutes, now)?;
    let matched = state
        .store
        .match_request(
            &id,
            &input.supporter_id,
            &me.id,
            (at, input.minutes),
            state.mail.enabled(),
            now,
        )
        .await?;
    state.mail.queued();
    let roster = state.store.supporters(now).await?;
    Ok(axum::Json(request_view(matched, Vec::new(), &roster)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelInput {
    reason: String,
}

pub async fn cancel(
    State(state): State<AppState>,
    _: CurrentOrganizer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CancelInput>,
) -> Result<axum::Json<RequestView>, ApiError> {
    if !["supporter_unavailable", "other"].contains(&input.reason.as_str()) {
        return Err(invalid("reason", "is supporter_unavailable or other"));
    }
    let now = clock::now_millis();
    let cancel = Cancel {
        by: "organizer",
        reason: input.reason,
    };
    let cancelled = state
        .store
        .cancel_request(&id, &cancel, None, state.mail.enabled(), now)
        .await?;
    state.mail.queued();
    // A meeting cancelled while its room is live closes it.
    if let Some(session) = &cancelled.session_id {
        super::tell_live_room(&state, session).await;
    }
    let roster = state.store.supporters(now).await?;
    Ok(axum::Json(request_view(cancelled, Vec::new(), &roster)))
}

pub async fn stats(State(state): State<AppState>, _: CurrentOrganizer) -> Result<axum::Json<SupportStats>, ApiError> {
    Ok(axum::Json(state.store.support_stats(clock::now_millis()).await?))
}

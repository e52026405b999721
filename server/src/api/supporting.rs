//! What a peer supporter does, signed in with their own account: enrol
//! through the one-time link, keep their profile (languages, areas, weekly
//! availability, a pause), and take their requests through: accept the time
//! suggested, propose another, say they met (and whether a follow-up was
//! agreed), close, or cancel. A supporter sees only requests matched with
//! them; another's is "not found". No note about the physician is stored.

use axum::extract::{FromRequestParts, Path, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::auth::{CurrentAccount, set_cookie};
use super::sessions::{invalid, utc};
use super::supporters::{SupporterView, languages, meeting_time, supporter_view};
use super::{ApiError, ApiJson};
use crate::app::AppState;
use crate::clock;
use crate::store::{
    AccountRole, Cancel, LOGIN_LIFETIME_MS, ProfileChange, RequestState, SupportRequest, Supporter, Window,
};

/// The supporter behind a request's login cookie: 401 without a login, 403
/// for an organizer's account or a supporter taken off the roster.
pub struct CurrentSupporter(pub Supporter);

impl FromRequestParts<AppState> for CurrentSupporter {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let CurrentAccount(account) = CurrentAccount::from_request_parts(parts, state).await?;
        if account.role != AccountRole::Supporter {
            return Err(ApiError::Forbidden("this is not a peer supporter's account"));
        }
        let supporter = state
            .store
            .supporter_of_account(&account.id, clock::now_millis())
            .await?;
        if !supporter.active {
            return Err(ApiError::Forbidden("this supporter is no longer on the roster"));
        }
        Ok(CurrentSupporter(supporter))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolInput {
    token: String,
    password: String,
    time_zone: String,
}

/// The one-time enrolment link makes the supporter's account and logs them in.
pub async fn enrol(State(state): State<AppState>, ApiJson(input): ApiJson<EnrolInput>) -> Result<Response, ApiError> {
    let now = clock::now_millis();
    let account = state
        .store
        .enrol_supporter(&input.token, &input.password, &input.time_zone, now)
        .await?
        .ok_or(ApiError::Forbidden(
            "this enrolment link is not valid or was used already",
        ))?;
    let token = state.store.start_login(&account.id, now).await?;
    let cookie = set_cookie(&state, &token, LOGIN_LIFETIME_MS / 1000);
    let profile = supporter_view(state.store.supporter_of_account(&account.id, now).await?);
    Ok(([(header::SET_COOKIE, cookie)], axum::Json(profile)).into_response())
}

pub async fn profile(CurrentSupporter(me): CurrentSupporter) -> axum::Json<SupporterView> {
    axum::Json(supporter_view(me))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    languages: Option<Vec<String>>,
    practice_areas: Option<Vec<String>>,
    availability: Option<Vec<Window>>,
    paused: Option<bool>,
    time_zone: Option<String>,
    waiting_room: Option<bool>,
}

pub async fn change_profile(
    State(state): State<AppState>,
    CurrentSupporter(me): CurrentSupporter,
    ApiJson(input): ApiJson<ProfileInput>,
) -> Result<axum::Json<SupporterView>, ApiError> {
    let change = ProfileChange {
        languages: input.languages.as_deref().map(languages).transpose()?,
        practice_areas: input
            .practice_areas
            .map(|areas| areas.iter().map(|a| crate::text::normalize(a)).collect()),
        availability: input.availability,
        paused: input.paused,
        time_zone: input.time_zone,
        waiting_room: input.waiting_room,
    };
    state.store.change_profile(&me.id, &change).await?;
    let now = clock::now_millis();
    Ok(axum::Json(supporter_view(state.store.supporter(&me.id, now).await?)))
}

/// A request as its supporter sees it: the first name or pseudonym the
/// physician chose, what they asked for, and the meeting.
#[derive(Serialize)]
pub struct AssignedView {
    id: String,
    state: &'static str,
    first_name: Option<String>,
    language: &'static str,
    practice_area: Option<String>,
    times: Option<String>,
    /// The physician's time zone, to read `times` by.
    time_zone: Option<String>,
    /// The time on the table, or agreed.
    starts_at: Option<String>,
    minutes: Option<u32>,
    /// Their own host link into the meeting, once a time is agreed.
    room_link: Option<String>,
    follow_up: Option<bool>,
    cancelled_by: Option<String>,
    cancel_reason: Option<String>,
}

async fn assigned(state: &AppState, request: SupportRequest) -> Result<AssignedView, ApiError> {
    let room_link = match (&request.supporter_invitation, request.state) {
        (Some(invitation), RequestState::Agreed | RequestState::Met) => state
            .store
            .invitation_token(invitation)
            .await
            .ok()
            .map(|t| state.join_link(&t)),
        _ => None,
    };
    Ok(AssignedView {
        id: request.id,
        state: request.state.as_str(),
        first_name: request.first_name,
        language: request.language.code(),
        practice_area: request.practice_area,
        times: request.times,
        time_zone: request.time_zone,
        starts_at: request.proposed_at.map(utc),
        minutes: request.minutes,
        room_link,
        follow_up: request.follow_up,
        cancelled_by: request.cancelled_by,
        cancel_reason: request.cancel_reason,
    })
}

pub async fn my_requests(
    State(state): State<AppState>,
    CurrentSupporter(me): CurrentSupporter,
) -> Result<axum::Json<Vec<AssignedView>>, ApiError> {
    let mut views = Vec::new();
    for request in state.store.requests_of(&me.id).await? {
        views.push(assigned(&state, request).await?);
    }
    Ok(axum::Json(views))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposeInput {
    starts_at: String,
    minutes: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetInput {
    follow_up: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelInput {
    reason: String,
}

/// One step of a request the supporter takes: `accept`, `propose`, `met`,
/// `close` or `cancel`, each with its own body.
pub async fn step(
    State(state): State<AppState>,
    CurrentSupporter(me): CurrentSupporter,
    Path((id, action)): Path<(String, String)>,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<axum::Json<AssignedView>, ApiError> {
    let now = clock::now_millis();
    let mail = state.mail.enabled();
    let changed = match action.as_str() {
        "accept" => state.store.agree_time(&id, Some(&me.id), mail, now).await?,
        "propose" => {
            let input: ProposeInput = parse(body)?;
            let at = meeting_time(&input.starts_at, input.minutes, now)?;
            state
                .store
                .propose_time(&id, &me.id, (at, input.minutes), mail, now)
                .await?
        }
        "met" => {
            let input: MetInput = parse(body)?;
            state.store.mark_met(&id, &me.id, input.follow_up, now).await?
        }
        "close" => state.store.close_request(&id, &me.id, now).await?,
        "cancel" => {
            let input: CancelInput = parse(body)?;
            if !["supporter_unavailable", "time_does_not_work", "other"].contains(&input.reason.as_str()) {
                return Err(invalid(
                    "reason",
                    "is supporter_unavailable, time_does_not_work or other",
                ));
            }
            let cancel = Cancel {
                by: "supporter",
                reason: input.reason,
            };
            state
                .store
                .cancel_request(&id, &cancel, Some(&me.id), mail, now)
                .await?
        }
        _ => return Err(ApiError::NotFound),
    };
    state.mail.queued();
    // A meeting cancelled while its room is live closes it.
    if let Some(session) = &changed.session_id {
        super::tell_live_room(&state, session).await;
    }
    Ok(axum::Json(assigned(&state, changed).await?))
}

/// A step's body, with the same errors as any other body.
fn parse<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(value).map_err(|e| ApiError::BadRequest {
        field: e.to_string().split('`').nth(1).map(str::to_owned),
        message: e.to_string(),
    })
}

/// The agreed meeting of one of the supporter's requests as a calendar
/// file, with their own host link.
pub async fn calendar(
    State(state): State<AppState>,
    CurrentSupporter(me): CurrentSupporter,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let request = state.store.support_request(&id).await?;
    if request.supporter_id.as_deref() != Some(me.id.as_str()) {
        return Err(ApiError::NotFound);
    }
    super::support::meeting_file(&state, &request, request.supporter_invitation.as_deref()).await
}

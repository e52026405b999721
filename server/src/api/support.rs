//! The front door for one-on-one peer support: no account. A physician asks
//! for a peer and gets a private link (`/support#TOKEN`) to their request,
//! through which they see where it stands, accept a proposed time, open
//! their room, or cancel. Requests are counted per address so a stranger
//! cannot fill the organizers' list; only the token's hash is stored.

use std::time::Instant;

use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::sessions::{invalid, utc};
use super::{ApiError, ApiJson};
use crate::app::AppState;
use crate::clock;
use crate::crisis::CrisisResource;
use crate::http::listen::ClientAddr;
use crate::mail::address;
use crate::matching::{SLOT_MINUTES, open_slots};
use crate::store::{Cancel, Language, NewRequest, RequestState, SupportRequest, check_request};

/// Reasons a physician may give for cancelling.
pub const PHYSICIAN_REASONS: [&str; 4] = [
    "no_longer_needed",
    "found_support_elsewhere",
    "time_does_not_work",
    "other",
];
/// Open requests the store holds at most: past this, the front door asks
/// people to come back shortly (and shows the crisis resources, as always).
const MAX_OPEN_REQUESTS: usize = 2000;

#[derive(Serialize)]
pub struct FrontDoor {
    crisis_resources: Vec<CrisisResource>,
    /// The areas the roster's active supporters practise in.
    practice_areas: Vec<String>,
    mail_enabled: bool,
    /// Whether physicians may book an open time here themselves.
    self_booking: bool,
}

pub async fn front_door(State(state): State<AppState>) -> Result<axum::Json<FrontDoor>, ApiError> {
    let mut areas: Vec<String> = state
        .store
        .supporters(clock::now_millis())
        .await?
        .into_iter()
        .filter(|s| s.active && s.enrolled)
        .flat_map(|s| s.practice_areas)
        .collect();
    areas.sort_by_key(|a| a.to_lowercase());
    areas.dedup_by_key(|a| a.to_lowercase());
    Ok(axum::Json(FrontDoor {
        crisis_resources: state.crisis_resources.to_vec(),
        practice_areas: areas,
        mail_enabled: state.mail.enabled(),
        self_booking: state.support_self_booking,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlotsQuery {
    language: String,
}

#[derive(Serialize)]
pub struct SlotView {
    supporter_id: String,
    name: String,
    languages: Vec<&'static str>,
    practice_areas: Vec<String>,
    practice_status: String,
    starts_at: String,
    minutes: u32,
    /// The supporter's.
    time_zone: String,
}

/// The open times a physician may book, where the deployment allows it.
pub async fn slots(
    State(state): State<AppState>,
    client: Option<Extension<ClientAddr>>,
    Query(query): Query<SlotsQuery>,
) -> Result<axum::Json<Vec<SlotView>>, ApiError> {
    if !state.support_self_booking {
        return Err(ApiError::NotFound);
    }
    let from = client.map(|Extension(ClientAddr(ip))| ip);
    if let Some(retry_after_secs) = state.support_slots.take(from, Instant::now()) {
        return Err(ApiError::TooManyRequests { retry_after_secs });
    }
    let language = Language::parse(&query.language).ok_or_else(|| invalid("language", "is en or fr"))?;
    let now = clock::now_millis();
    let roster = state.store.supporters(now).await?;
    let taken = state.store.taken_times(now).await?;
    let views = open_slots(&roster, &taken, language, now)
        .into_iter()
        .filter_map(|slot| {
            let s = roster.iter().find(|s| s.id == slot.supporter_id)?;
            Some(SlotView {
                name: s.name.clone(),
                languages: s.languages.iter().map(|l| l.code()).collect(),
                practice_areas: s.practice_areas.clone(),
                practice_status: s.practice_status.clone(),
                time_zone: s.time_zone.clone(),
                starts_at: utc(slot.starts_at),
                minutes: slot.minutes,
                supporter_id: slot.supporter_id,
            })
        })
        .collect();
    Ok(axum::Json(views))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    first_name: String,
    language: String,
    #[serde(default)]
    practice_area: Option<String>,
    #[serde(default)]
    area_preference: Option<String>,
    #[serde(default)]
    supporter_status: Option<String>,
    times: String,
    /// `email` or `link`: how they want to be reached.
    contact: String,
    #[serde(default)]
    email: Option<String>,
    /// Their time zone (the browser's), to read `times` by.
    #[serde(default)]
    time_zone: Option<String>,
    /// An open time booked directly, where the deployment allows it.
    #[serde(default)]
    slot: Option<SlotChoice>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlotChoice {
    supporter_id: String,
    starts_at: String,
}

#[derive(Serialize)]
pub struct Created {
    link: String,
    state: &'static str,
    mail_enabled: bool,
}

pub async fn create(
    State(state): State<AppState>,
    client: Option<Extension<ClientAddr>>,
    ApiJson(input): ApiJson<RequestInput>,
) -> Result<Response, ApiError> {
    let language = Language::parse(&input.language).ok_or_else(|| invalid("language", "is en or fr"))?;
    let email = match (input.contact.as_str(), input.email.as_deref().map(str::trim)) {
        // With no mail server an address would only be kept, never used.
        ("email", _) if !state.mail.enabled() => {
            return Err(invalid("contact", "this server sends no email: choose a private link"));
        }
        ("email", Some(typed)) if !typed.is_empty() => {
            Some(address::checked(typed).map_err(|why| invalid("email", format!("this address {why}")))?)
        }
        ("email", _) => return Err(invalid("email", "give an address, or choose a private link instead")),
        ("link", _) => None,
        _ => return Err(invalid("contact", "is email or link")),
    };
    let new = NewRequest {
        first_name: crate::text::normalize(&input.first_name),
        email,
        language,
        practice_area: input
            .practice_area
            .map(|a| crate::text::normalize(&a))
            .filter(|a| !a.is_empty()),
        area_preference: input.area_preference.unwrap_or_else(|| "any".into()),
        supporter_status: input.supporter_status.unwrap_or_else(|| "any".into()),
        times: crate::text::normalize(&input.times),
        time_zone: input.time_zone.filter(|z| !z.is_empty()),
    };
    check_request(&new)?;
    let now = clock::now_millis();
    // A slot no longer open is refused before a request is counted, but the
    // look at the open times it takes is counted with the others.
    let from = client.map(|Extension(ClientAddr(ip))| ip);
    let booked = match &input.slot {
        Some(choice) => {
            if let Some(retry_after_secs) = state.support_slots.take(from, Instant::now()) {
                return Err(ApiError::TooManyRequests { retry_after_secs });
            }
            Some((
                choice.supporter_id.as_str(),
                bookable(&state, choice, new.language, now).await?,
            ))
        }
        None => None,
    };
    if let Some(retry_after_secs) = state.support_requests.take(from, Instant::now()) {
        return Err(ApiError::TooManyRequests { retry_after_secs });
    }
    if state.store.open_requests().await?.len() >= MAX_OPEN_REQUESTS {
        return Err(ApiError::Busy { retry_after_secs: 600 });
    }
    let mail = state.mail.enabled();
    let (_, token) = match booked {
        None => state.store.create_request(&new, mail, now).await?,
        Some((supporter, at)) => {
            state
                .store
                .book_request(&new, (supporter, at, SLOT_MINUTES), mail, now)
                .await?
        }
    };
    state.mail.queued();
    let body = Created {
        link: state.support_link(&token),
        state: if booked.is_some() {
            RequestState::Matched.as_str()
        } else {
            RequestState::Requested.as_str()
        },
        mail_enabled: state.mail.enabled(),
    };
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

/// A slot a physician chose, if it is one of the open ones now: its start.
/// Refused as `Conflict` otherwise (taken since, or not open), like a slot
/// taken at the same moment (`book_request`).
async fn bookable(state: &AppState, choice: &SlotChoice, language: Language, now: i64) -> Result<i64, ApiError> {
    const TAKEN: &str = "this time was just taken: choose another";
    if !state.support_self_booking {
        return Err(ApiError::Conflict("this deployment does not book times directly"));
    }
    let at = chrono::DateTime::parse_from_rfc3339(&choice.starts_at)
        .map_err(|_| invalid("slot", "starts_at must be a time such as 2026-12-03T00:00:00Z"))?
        .timestamp_millis();
    let roster = state.store.supporters(now).await?;
    let taken = state.store.taken_times(now).await?;
    let open = open_slots(&roster, &taken, language, now)
        .into_iter()
        .any(|slot| slot.supporter_id == choice.supporter_id && slot.starts_at == at);
    if !open {
        return Err(ApiError::Conflict(TAKEN));
    }
    Ok(at)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    token: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelInput {
    token: String,
    reason: String,
}

#[derive(Serialize)]
pub struct SupporterView {
    name: String,
    languages: Vec<&'static str>,
    practice_areas: Vec<String>,
}

#[derive(Serialize)]
pub struct TimeView {
    starts_at: String,
    minutes: u32,
    time_zone: String,
}

/// A request as its physician sees it.
#[derive(Serialize)]
pub struct Status {
    state: &'static str,
    first_name: Option<String>,
    language: &'static str,
    supporter: Option<SupporterView>,
    /// While matched: the time booked, or suggested by an organizer, that
    /// the supporter is to confirm.
    suggested: Option<TimeView>,
    proposed: Option<TimeView>,
    agreed: Option<TimeView>,
    room_link: Option<String>,
    cancelled_by: Option<String>,
    cancel_reason: Option<String>,
    /// Whether they gave an address: news comes by email too.
    email_given: bool,
}

async fn status_of(state: &AppState, request: SupportRequest) -> Result<Status, ApiError> {
    let now = clock::now_millis();
    let supporter = match &request.supporter_id {
        Some(id) => Some(state.store.supporter(id, now).await?),
        None => None,
    };
    let time = |zone: &str| {
        request.proposed_at.zip(request.minutes).map(|(at, minutes)| TimeView {
            starts_at: utc(at),
            minutes,
            time_zone: zone.to_owned(),
        })
    };
    let zone = supporter.as_ref().map_or("UTC", |s| s.time_zone.as_str());
    let room_link = match (&request.physician_invitation, request.state) {
        (Some(invitation), RequestState::Agreed) => state
            .store
            .invitation_token(invitation)
            .await
            .ok()
            .map(|t| state.join_link(&t)),
        _ => None,
    };
    Ok(Status {
        state: request.state.as_str(),
        language: request.language.code(),
        suggested: (request.state == RequestState::Matched).then(|| time(zone)).flatten(),
        proposed: (request.state == RequestState::Proposed).then(|| time(zone)).flatten(),
        agreed: matches!(request.state, RequestState::Agreed | RequestState::Met)
            .then(|| time(zone))
            .flatten(),
        supporter: supporter.map(|s| SupporterView {
            name: s.name,
            languages: s.languages.iter().map(|l| l.code()).collect(),
            practice_areas: s.practice_areas,
        }),
        room_link,
        email_given: request.email.is_some(),
        first_name: request.first_name,
        cancelled_by: request.cancelled_by,
        cancel_reason: request.cancel_reason,
    })
}

pub async fn status(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<TokenInput>,
) -> Result<axum::Json<Status>, ApiError> {
    let request = state.store.request_by_token(&input.token).await?;
    Ok(axum::Json(status_of(&state, request).await?))
}

/// The physician accepts the time the supporter proposed.
pub async fn accept(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<TokenInput>,
) -> Result<axum::Json<Status>, ApiError> {
    let request = state.store.request_by_token(&input.token).await?;
    let agreed = state
        .store
        .agree_time(&request.id, None, state.mail.enabled(), clock::now_millis())
        .await?;
    state.mail.queued();
    Ok(axum::Json(status_of(&state, agreed).await?))
}

pub async fn cancel(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<CancelInput>,
) -> Result<axum::Json<Status>, ApiError> {
    if !PHYSICIAN_REASONS.contains(&input.reason.as_str()) {
        return Err(invalid(
            "reason",
            "is no_longer_needed, found_support_elsewhere, time_does_not_work or other",
        ));
    }
    let request = state.store.request_by_token(&input.token).await?;
    let cancel = Cancel {
        by: "physician",
        reason: input.reason,
    };
    let cancelled = state
        .store
        .cancel_request(&request.id, &cancel, None, state.mail.enabled(), clock::now_millis())
        .await?;
    state.mail.queued();
    // A meeting cancelled while its room is live closes it.
    if let Some(session) = &cancelled.session_id {
        super::tell_live_room(&state, session).await;
    }
    Ok(axum::Json(status_of(&state, cancelled).await?))
}

/// The agreed meeting as a calendar file, for a physician with no email
/// (a POST: the token stays out of any URL). Not found until a time is agreed.
pub async fn calendar(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<TokenInput>,
) -> Result<Response, ApiError> {
    let request = state.store.request_by_token(&input.token).await?;
    meeting_file(&state, &request, request.physician_invitation.as_deref()).await
}

/// A request's meeting as a calendar file with the given person's own link.
pub async fn meeting_file(
    state: &AppState,
    request: &SupportRequest,
    invitation: Option<&str>,
) -> Result<Response, ApiError> {
    let (Some(session), RequestState::Agreed) = (&request.session_id, request.state) else {
        return Err(ApiError::NotFound);
    };
    let record = state.store.session(session).await?;
    let link = match invitation {
        Some(id) => state.store.invitation_token(id).await.ok().map(|t| state.join_link(&t)),
        None => None,
    };
    let body = crate::ics::session_ics(
        &record,
        link.as_deref(),
        crate::ics::Method::Publish,
        clock::now_millis(),
    );
    Ok(super::calendar::calendar_response(&record.title, "peer-support", body))
}

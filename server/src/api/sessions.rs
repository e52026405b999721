//! Scheduling sessions: create, list, read, change and cancel them, and
//! their links. An organizer sees only their own: another's is "not found".

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDateTime, TimeZone};
use serde::{Deserialize, Serialize};

use super::auth::CurrentOrganizer;
use super::{ApiError, ApiJson};
use crate::app::AppState;
use crate::protocol::Named as _;
use crate::protocol::e2ee::E2eePolicy;
use crate::room::Millis;
use crate::room::agenda::{SegmentDraft, SegmentKind};
use crate::store::{DEFAULT_WARNING_MARKS, InviteRole, NewSession, SessionRecord};
use crate::{LINKS_OUTLIVE_SESSION_MS, clock, ground_rules};

#[derive(Deserialize, Serialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct AgendaItem {
    title: String,
    kind: String,
    minutes: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    objective: Option<String>,
}

/// A session as sent to create or change one. On `PATCH`, what is left out
/// stays as it was.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    pub(super) title: Option<String>,
    /// Local time in `time_zone` (`2026-12-01T18:00`) or RFC 3339 with an offset.
    pub(super) starts_at: Option<String>,
    pub(super) time_zone: Option<String>,
    pub(super) duration_minutes: Option<u32>,
    pub(super) capacity: Option<u32>,
    pub(super) opens_minutes_before: Option<u32>,
    pub(super) ground_rules: Option<Vec<String>>,
    pub(super) agenda: Option<Vec<AgendaItem>>,
    pub(super) facilitators: Option<Vec<String>>,
    pub(super) break_nudge_minutes: Option<u32>,
    pub(super) warning_marks: Option<Vec<u32>>,
    /// Minutes before the start at which people invited by email are
    /// reminded.
    pub(super) reminder_minutes: Option<Vec<u32>>,
    /// `off`, `offered` or `required`: whether the media is end-to-end
    /// encrypted (docs/security.md).
    pub(super) e2ee: Option<String>,
}

#[derive(Serialize)]
pub struct SessionView {
    id: String,
    title: String,
    starts_at: String,
    starts_at_local: String,
    ends_at: String,
    opens_at: String,
    time_zone: String,
    duration_minutes: u32,
    capacity: u32,
    opens_minutes_before: u32,
    ground_rules: Vec<String>,
    agenda: Vec<AgendaItem>,
    facilitators: Vec<String>,
    break_nudge_minutes: Option<u32>,
    warning_marks: Vec<u32>,
    reminder_minutes: Vec<u32>,
    series_id: Option<String>,
    e2ee: &'static str,
    cancelled: bool,
    ended: bool,
}

#[derive(Serialize)]
pub struct Links {
    pub(super) facilitator: Option<String>,
    pub(super) participant: Option<String>,
}

#[derive(Serialize)]
pub struct Created {
    session: SessionView,
    links: Links,
}

pub(super) fn utc(ms: Millis) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map_or_else(String::new, |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn local(ms: Millis, zone: &str) -> String {
    let zone: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::UTC);
    zone.timestamp_millis_opt(ms)
        .single()
        .map_or_else(String::new, |t| t.format("%Y-%m-%dT%H:%M").to_string())
}

pub fn view(record: SessionRecord, now: Millis) -> SessionView {
    SessionView {
        starts_at: utc(record.starts_at),
        starts_at_local: local(record.starts_at, &record.time_zone),
        ends_at: utc(record.ends_at()),
        opens_at: utc(record.opens_at()),
        ended: record.ended_at.is_some() || record.ends_at() < now,
        cancelled: record.cancelled_at.is_some(),
        e2ee: record.e2ee.as_str(),
        agenda: record
            .agenda
            .iter()
            .map(|s| AgendaItem {
                title: s.title.clone(),
                kind: s.kind.as_str().to_owned(),
                minutes: s.minutes,
                objective: s.objective.clone(),
            })
            .collect(),
        id: record.id,
        title: record.title,
        time_zone: record.time_zone,
        duration_minutes: record.duration_minutes,
        capacity: record.capacity,
        opens_minutes_before: record.opens_minutes_before,
        ground_rules: record.ground_rules,
        facilitators: record.facilitators,
        break_nudge_minutes: record.break_nudge_minutes,
        warning_marks: record.warning_marks,
        reminder_minutes: record.reminder_minutes,
        series_id: record.series_id,
    }
}

pub(super) fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::BadRequest {
        field: Some(field.to_owned()),
        message: format!("{field}: {}", message.into()),
    }
}

/// A start time: RFC 3339, or a wall-clock time in `zone`. A wall-clock time
/// that the clocks skip (spring forward) is refused; one they pass twice
/// (fall back) is the first.
pub fn parse_start(text: &str, zone: &str) -> Result<Millis, ApiError> {
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(at.timestamp_millis());
    }
    let zone: chrono_tz::Tz = zone
        .parse()
        .map_err(|_| invalid("time_zone", "must be an IANA time zone name"))?;
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| invalid("starts_at", "must be a date and time such as 2026-12-01T18:00"))?;
    match zone.from_local_datetime(&naive) {
        chrono::LocalResult::Single(at) | chrono::LocalResult::Ambiguous(at, _) => Ok(at.timestamp_millis()),
        chrono::LocalResult::None => Err(invalid(
            "starts_at",
            format!("does not exist in {zone}: the clocks skip it"),
        )),
    }
}

/// Applies an input over a session (a new one, or the one being changed).
pub(super) fn apply(mut session: NewSession, input: SessionInput) -> Result<NewSession, ApiError> {
    if let Some(title) = input.title {
        session.title = title;
    }
    if let Some(zone) = input.time_zone {
        session.time_zone = zone;
    }
    if let Some(start) = input.starts_at {
        session.starts_at = parse_start(&start, &session.time_zone)?;
    }
    if let Some(minutes) = input.duration_minutes {
        session.duration_minutes = minutes;
    }
    if let Some(capacity) = input.capacity {
        session.capacity = capacity;
    }
    if let Some(opens) = input.opens_minutes_before {
        session.opens_minutes_before = opens;
    }
    if let Some(rules) = input.ground_rules {
        session.ground_rules = rules.into_iter().map(|r| r.trim().to_owned()).collect();
    }
    if let Some(agenda) = input.agenda {
        session.agenda = agenda
            .into_iter()
            .map(|item| {
                let kind = SegmentKind::parse(&item.kind).ok_or_else(|| {
                    invalid(
                        "agenda",
                        "kind is one of check_in, sharing, discussion, energizer, breakouts, wrap_up, custom",
                    )
                })?;
                Ok(SegmentDraft {
                    title: item.title,
                    kind,
                    minutes: item.minutes,
                    objective: item.objective,
                })
            })
            .collect::<Result<_, ApiError>>()?;
    }
    if let Some(names) = input.facilitators {
        session.facilitators = names.into_iter().map(|n| n.trim().to_owned()).collect();
    }
    if input.break_nudge_minutes.is_some() {
        session.break_nudge_minutes = input.break_nudge_minutes;
    }
    if let Some(marks) = input.warning_marks {
        session.warning_marks = marks;
    }
    if let Some(mut minutes) = input.reminder_minutes {
        minutes.sort_unstable_by(|a, b| b.cmp(a));
        minutes.dedup();
        session.reminder_minutes = minutes;
    }
    if let Some(policy) = input.e2ee {
        session.e2ee = E2eePolicy::parse(&policy).ok_or_else(|| invalid("e2ee", "is off, offered or required"))?;
    }
    session.normalize();
    session.validate()?;
    Ok(session)
}

/// A new session's starting point: this organizer's, with the defaults.
pub(super) fn new_for(organizer: &str) -> NewSession {
    NewSession {
        organizer_id: Some(organizer.to_owned()),
        ground_rules: ground_rules::default_rules(),
        warning_marks: DEFAULT_WARNING_MARKS.to_vec(),
        ..NewSession::default()
    }
}

/// What a new session cannot do without.
pub(super) fn required(input: SessionInput) -> Result<SessionInput, ApiError> {
    for (given, field) in [
        (input.title.is_some(), "title"),
        (input.starts_at.is_some(), "starts_at"),
        (input.time_zone.is_some(), "time_zone"),
        (input.duration_minutes.is_some(), "duration_minutes"),
    ] {
        if !given {
            return Err(invalid(field, "is required"));
        }
    }
    Ok(input)
}

/// The session, if it is this organizer's.
pub(super) async fn owned(state: &AppState, organizer: &str, id: &str) -> Result<SessionRecord, ApiError> {
    let record = state.store.session(id).await?;
    if record.organizer_id.as_deref() != Some(organizer) {
        return Err(ApiError::NotFound);
    }
    Ok(record)
}

pub async fn create(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    ApiJson(input): ApiJson<SessionInput>,
) -> Result<Response, ApiError> {
    let session = apply(new_for(&me.id), required(input)?)?;
    let now = clock::now_millis();
    let record = state.store.create_session(&session, now).await?;
    let links = state
        .store
        .create_links(&record.id, session.ends_at() + LINKS_OUTLIVE_SESSION_MS, now)
        .await?;
    let created = Created {
        session: view(record, now),
        links: Links {
            facilitator: Some(state.join_link(&links.facilitator_token)),
            participant: Some(state.join_link(&links.participant_token)),
        },
    };
    Ok((StatusCode::CREATED, axum::Json(created)).into_response())
}

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    when: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    Query(query): Query<ListQuery>,
) -> Result<axum::Json<Vec<SessionView>>, ApiError> {
    let upcoming = match query.when.as_deref() {
        None | Some("upcoming") => true,
        Some("past") => false,
        Some(_) => return Err(invalid("when", "is upcoming or past")),
    };
    let now = clock::now_millis();
    let records = state.store.sessions_of(&me.id, upcoming, now).await?;
    Ok(axum::Json(records.into_iter().map(|r| view(r, now)).collect()))
}

pub async fn read(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    Path(id): Path<String>,
) -> Result<axum::Json<SessionView>, ApiError> {
    let record = owned(&state, &me.id, &id).await?;
    Ok(axum::Json(view(record, clock::now_millis())))
}

pub async fn update(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<SessionInput>,
) -> Result<axum::Json<SessionView>, ApiError> {
    let record = owned(&state, &me.id, &id).await?;
    if record.cancelled_at.is_some() {
        return Err(ApiError::Conflict("this session was cancelled"));
    }
    let current = NewSession {
        title: record.title.clone(),
        starts_at: record.starts_at,
        duration_minutes: record.duration_minutes,
        time_zone: record.time_zone.clone(),
        capacity: record.capacity,
        ground_rules: record.ground_rules.clone(),
        agenda: record.agenda.clone(),
        series_id: record.series_id.clone(),
        break_nudge_minutes: record.break_nudge_minutes,
        warning_marks: record.warning_marks.clone(),
        organizer_id: record.organizer_id.clone(),
        opens_minutes_before: record.opens_minutes_before,
        facilitators: record.facilitators.clone(),
        reminder_minutes: record.reminder_minutes.clone(),
        e2ee: record.e2ee,
    };
    let changed = apply(current, input)?;
    let now = clock::now_millis();
    let links_expire_at = changed.ends_at() + LINKS_OUTLIVE_SESSION_MS;
    state
        .store
        .update_session(&id, &changed, links_expire_at, state.mail.enabled(), now)
        .await?;
    state.mail.queued();
    super::tell_live_room(&state, &id).await;
    Ok(axum::Json(view(state.store.session(&id).await?, clock::now_millis())))
}

pub async fn cancel(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    Path(id): Path<String>,
) -> Result<axum::Json<SessionView>, ApiError> {
    owned(&state, &me.id, &id).await?;
    let now = clock::now_millis();
    state.store.cancel_session(&id, state.mail.enabled(), now).await?;
    state.mail.queued();
    super::tell_live_room(&state, &id).await;
    Ok(axum::Json(view(state.store.session(&id).await?, now)))
}

/// The session's two links, derived again from the server's key.
pub async fn links(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    Path(id): Path<String>,
) -> Result<axum::Json<Links>, ApiError> {
    owned(&state, &me.id, &id).await?;
    Ok(axum::Json(current_links(&state, &id).await?))
}

async fn current_links(state: &AppState, id: &str) -> Result<Links, ApiError> {
    let mut links = Links {
        facilitator: None,
        participant: None,
    };
    let own = state.store.session_links(id).await?;
    if own.is_empty() {
        // A series' meeting has no links of its own: the series' links open
        // it when it is on.
        if let Some(series) = state.store.session(id).await?.series_id {
            links.facilitator = state
                .store
                .series_link(&series, InviteRole::Facilitator)
                .await?
                .map(|t| state.join_link(&t));
            links.participant = state
                .store
                .series_link(&series, InviteRole::Participant)
                .await?
                .map(|t| state.join_link(&t));
        }
        return Ok(links);
    }
    for link in own {
        let slot = match link.role {
            InviteRole::Facilitator => &mut links.facilitator,
            InviteRole::Participant => &mut links.participant,
        };
        if slot.is_none() && !link.revoked {
            *slot = Some(state.join_link(&state.store.invitation_token(&link.invitation_id).await?));
        }
    }
    Ok(links)
}

/// The first link of a role: the one the session was created with.
async fn link_of(state: &AppState, id: &str, role: InviteRole) -> Result<String, ApiError> {
    let links = state.store.session_links(id).await?;
    links
        .into_iter()
        .find(|l| l.role == role)
        .map(|l| l.invitation_id)
        .ok_or(ApiError::NotFound)
}

/// A new token for a link (the old one stops working at once), or none.
pub async fn change_link(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    Path((id, role, action)): Path<(String, String, String)>,
) -> Result<axum::Json<Links>, ApiError> {
    owned(&state, &me.id, &id).await?;
    let (role, revoke) = super::link_change(&role, &action)?;
    let invitation = link_of(&state, &id, role).await?;
    if revoke {
        state.store.revoke_invitation(&invitation, clock::now_millis()).await?;
    } else {
        state.store.regenerate_invitation(&invitation).await?;
    }
    Ok(axum::Json(current_links(&state, &id).await?))
}

/// For the calendar file: the session's participant link, if it has one.
pub async fn participant_link(
    state: &AppState,
    organizer: &str,
    id: &str,
) -> Result<(SessionRecord, Option<String>), ApiError> {
    let record = owned(state, organizer, id).await?;
    Ok((record, current_links(state, id).await?.participant))
}

#[derive(Serialize)]
pub struct SummaryItemView {
    kind: &'static str,
    text: String,
}

#[derive(Serialize)]
pub struct SummaryView {
    finalized: bool,
    items: Vec<SummaryItemView>,
}

/// The session's summary as captured: what organizers read afterwards. Items
/// carry no author; a summary not yet finalized says so.
pub async fn summary(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    Path(id): Path<String>,
) -> Result<axum::Json<SummaryView>, ApiError> {
    owned(&state, &me.id, &id).await?;
    let export = state.store.summary_export(&id).await?;
    Ok(axum::Json(SummaryView {
        finalized: export.finalized,
        items: export
            .items
            .into_iter()
            .map(|item| SummaryItemView {
                kind: item.kind.as_str(),
                text: item.text,
            })
            .collect(),
    }))
}

/// The same summary as Markdown, as the facilitators' export gives it.
pub async fn summary_markdown(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    owned(&state, &me.id, &id).await?;
    let export = state.store.summary_export(&id).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/markdown; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        crate::http::summary::markdown(&export),
    )
        .into_response())
}

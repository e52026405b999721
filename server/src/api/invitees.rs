//! People invited by email to a session or a series, each with a link of
//! their own: add them (their invitation is queued with them), see what
//! their mail became, take an invitation back.
//!
//! With no SMTP server configured nothing is sent: `mail_enabled` is false
//! and each person's link is there to copy instead.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::auth::CurrentOrganizer;
use super::sessions::{invalid, utc};
use super::{ApiError, ApiJson};
use crate::app::AppState;
use crate::mail::address;
use crate::room::Millis;
use crate::store::{InviteRole, Invitee, Language, MailRecord, NewInvitee, Scope};
use crate::{LINKS_OUTLIVE_SESSION_MS, clock};

/// At most this many addresses in one request: a group's list.
const MAX_PER_REQUEST: usize = 50;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddInput {
    emails: Vec<String>,
    /// `participant` (the default) or `facilitator`.
    #[serde(default)]
    role: Option<String>,
    /// `en` (the default) or `fr`: the language of their mail.
    #[serde(default)]
    language: Option<String>,
}

#[derive(Serialize)]
pub struct MailView {
    kind: &'static str,
    /// `queued` (waiting, or being tried again), `sent` or `failed`.
    status: &'static str,
    queued_at: String,
    sent_at: Option<String>,
    attempts: u32,
    /// Why it failed, or why the last attempt did not go through.
    failure: Option<String>,
}

#[derive(Serialize)]
pub struct InviteeView {
    id: String,
    email: String,
    role: &'static str,
    language: &'static str,
    /// Their own link; `null` once revoked.
    link: Option<String>,
    revoked: bool,
    mail: Vec<MailView>,
}

#[derive(Serialize)]
pub struct InviteeList {
    mail_enabled: bool,
    invitees: Vec<InviteeView>,
}

#[derive(Serialize)]
pub struct AddedView {
    mail_enabled: bool,
    added: Vec<InviteeView>,
    already_invited: Vec<String>,
}

fn mail_view(record: MailRecord) -> MailView {
    let status = match (record.sent_at, record.failed_at) {
        (Some(_), _) => "sent",
        (None, Some(_)) => "failed",
        (None, None) => "queued",
    };
    MailView {
        kind: record.kind.as_str(),
        status,
        queued_at: utc(record.queued_at),
        sent_at: record.sent_at.map(utc),
        attempts: record.attempts,
        failure: record.failure,
    }
}

async fn view(state: &AppState, person: Invitee, mail: Vec<MailRecord>) -> Result<InviteeView, ApiError> {
    let link = state.store.invitee_token(&person).await?.map(|t| state.join_link(&t));
    Ok(InviteeView {
        role: person.role.as_str(),
        language: person.language.code(),
        revoked: person.revoked_at.is_some(),
        link,
        mail: mail.into_iter().map(mail_view).collect(),
        id: person.id,
        email: person.email,
    })
}

/// Checks the whole list before anything is stored: one bad address
/// refuses the request, naming it, and nothing is added.
fn people(input: AddInput) -> Result<Vec<NewInvitee>, ApiError> {
    let role = match input.role.as_deref() {
        None | Some("participant") => InviteRole::Participant,
        Some("facilitator") => InviteRole::Facilitator,
        Some(_) => return Err(invalid("role", "is participant or facilitator")),
    };
    let language = match input.language.as_deref() {
        None => Language::En,
        Some(code) => Language::parse(code).ok_or_else(|| invalid("language", "is en or fr"))?,
    };
    if input.emails.is_empty() {
        return Err(invalid("emails", "give at least one address"));
    }
    if input.emails.len() > MAX_PER_REQUEST {
        return Err(invalid("emails", "at most 50 addresses at a time"));
    }
    input
        .emails
        .iter()
        .map(|typed| {
            let email = address::checked(typed).map_err(|why| {
                // The address is the organizer's own input, shown back to them.
                invalid(
                    "emails",
                    format!("\"{}\" {why}", typed.trim().chars().take(80).collect::<String>()),
                )
            })?;
            Ok(NewInvitee { email, role, language })
        })
        .collect()
}

/// Whether people can still be invited to a meeting with this end.
fn still_on(cancelled: bool, ended: bool, ends_at: Millis, now: Millis) -> Result<(), ApiError> {
    if cancelled {
        return Err(ApiError::Conflict("this session was cancelled"));
    }
    if ended || ends_at <= now {
        return Err(ApiError::Conflict("this session is over"));
    }
    Ok(())
}

async fn list(state: &AppState, scope: Scope<'_>) -> Result<InviteeList, ApiError> {
    let mut invitees = Vec::new();
    for (person, mail) in state.store.invitees(scope).await? {
        invitees.push(view(state, person, mail).await?);
    }
    Ok(InviteeList {
        mail_enabled: state.mail.enabled(),
        invitees,
    })
}

async fn add(
    state: &AppState,
    scope: Scope<'_>,
    people: Vec<NewInvitee>,
    expires_at: Millis,
) -> Result<Response, ApiError> {
    let now = clock::now_millis();
    let added = state
        .store
        .add_invitees(scope, &people, expires_at, state.mail.enabled(), now)
        .await?;
    state.mail.queued();
    let mut views = Vec::with_capacity(added.added.len());
    for (person, mail) in state.store.invitees(scope).await? {
        if added.added.iter().any(|new| new.id == person.id) {
            views.push(view(state, person, mail).await?);
        }
    }
    let body = AddedView {
        mail_enabled: state.mail.enabled(),
        added: views,
        already_invited: added.already_invited,
    };
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

pub async fn session_list(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    Path(id): Path<String>,
) -> Result<axum::Json<InviteeList>, ApiError> {
    super::sessions::owned(&state, &me.id, &id).await?;
    Ok(axum::Json(list(&state, Scope::Session(&id)).await?))
}

pub async fn session_add(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AddInput>,
) -> Result<Response, ApiError> {
    let record = super::sessions::owned(&state, &me.id, &id).await?;
    let people = people(input)?;
    still_on(
        record.cancelled_at.is_some(),
        record.ended_at.is_some(),
        record.ends_at(),
        clock::now_millis(),
    )?;
    add(
        &state,
        Scope::Session(&id),
        people,
        record.ends_at() + LINKS_OUTLIVE_SESSION_MS,
    )
    .await
}

pub async fn session_revoke(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    Path((id, invitee)): Path<(String, String)>,
) -> Result<axum::Json<InviteeList>, ApiError> {
    super::sessions::owned(&state, &me.id, &id).await?;
    state
        .store
        .revoke_invitee(Scope::Session(&id), &invitee, clock::now_millis())
        .await?;
    Ok(axum::Json(list(&state, Scope::Session(&id)).await?))
}

pub async fn series_list(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    Path(id): Path<String>,
) -> Result<axum::Json<InviteeList>, ApiError> {
    super::series::owned(&state, &me.id, &id).await?;
    Ok(axum::Json(list(&state, Scope::Series(&id)).await?))
}

pub async fn series_add(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AddInput>,
) -> Result<Response, ApiError> {
    super::series::owned(&state, &me.id, &id).await?;
    let people = people(input)?;
    let now = clock::now_millis();
    let occurrences = state.store.occurrences(&id).await?;
    let last_end = occurrences
        .iter()
        .filter(|o| o.cancelled_at.is_none())
        .map(|o| o.ends_at())
        .max()
        .unwrap_or(0);
    still_on(false, false, last_end, now)?;
    add(&state, Scope::Series(&id), people, last_end + LINKS_OUTLIVE_SESSION_MS).await
}

pub async fn series_revoke(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    Path((id, invitee)): Path<(String, String)>,
) -> Result<axum::Json<InviteeList>, ApiError> {
    super::series::owned(&state, &me.id, &id).await?;
    state
        .store
        .revoke_invitee(Scope::Series(&id), &invitee, clock::now_millis())
        .await?;
    Ok(axum::Json(list(&state, Scope::Series(&id)).await?))
}

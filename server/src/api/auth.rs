//! Logging in and out, the one-time setup, and who is asking.

use std::time::Instant;

use axum::Extension;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tracing::info;

use super::{ApiError, ApiJson};
use crate::app::AppState;
use crate::clock;
use crate::http::listen::ClientAddr;
use crate::store::{AccountRole, LOGIN_LIFETIME_MS, NewOrganizer, Organizer};
use crate::tokens;

const COOKIE: &str = "peer_room_login";
/// The settings key under which the setup token's hash waits.
pub const SETUP_KEY: &str = "setup_token_hash";
/// The account behind a request's login cookie, whatever its role; 401
/// without one.
pub struct CurrentAccount(pub Organizer);

impl FromRequestParts<AppState> for CurrentAccount {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = login_cookie(&parts.headers).ok_or(ApiError::Unauthorized)?;
        let account = state.store.logged_in(&token, clock::now_millis()).await?;
        account.map(CurrentAccount).ok_or(ApiError::Unauthorized)
    }
}

/// The organizer behind a request's login cookie; 401 without one, 403 for
/// a peer supporter's account (which opens only its own requests).
pub struct CurrentOrganizer(pub Organizer);

impl FromRequestParts<AppState> for CurrentOrganizer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let CurrentAccount(account) = CurrentAccount::from_request_parts(parts, state).await?;
        if account.role != AccountRole::Organizer {
            return Err(ApiError::Forbidden("this is a peer supporter's account"));
        }
        Ok(CurrentOrganizer(account))
    }
}

pub(super) fn login_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(COOKIE).and_then(|rest| rest.strip_prefix('=')))
        .map(str::to_owned)
}

/// The cookie for a login: script cannot read it, other sites cannot send it,
/// and over https it travels encrypted only.
pub(super) fn set_cookie(state: &AppState, token: &str, max_age_secs: i64) -> HeaderValue {
    let secure = if state.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!("{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age_secs}{secure}");
    // Made of a token (URL-safe base64) and fixed text: always a valid header.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[derive(Serialize)]
pub struct OrganizerView {
    id: String,
    email: String,
    name: String,
    time_zone: String,
    /// `organizer` or `supporter`: which pages the account opens.
    role: &'static str,
}

impl From<Organizer> for OrganizerView {
    fn from(o: Organizer) -> Self {
        OrganizerView {
            id: o.id,
            email: o.email,
            name: o.name,
            time_zone: o.time_zone,
            role: o.role.as_str(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Login {
    email: String,
    password: String,
}

pub async fn login(
    State(state): State<AppState>,
    client: Option<Extension<ClientAddr>>,
    ApiJson(body): ApiJson<Login>,
) -> Result<Response, ApiError> {
    let email = body.email.trim().to_lowercase();
    let from = client.map(|Extension(ClientAddr(ip))| ip);
    let now = Instant::now();
    if let Some(retry_after_secs) = state.logins.blocked(&email, from, now) {
        return Err(ApiError::TooManyRequests { retry_after_secs });
    }
    let Some(organizer) = state.store.authenticate(&email, &body.password).await? else {
        state.logins.failed(&email, from, now);
        return Err(ApiError::BadRequest {
            field: None,
            message: "the email or the password is not right".to_owned(),
        });
    };
    state.logins.succeeded(&email);
    let token = state.store.start_login(&organizer.id, clock::now_millis()).await?;
    info!(organizer = %organizer.id, "organizer logged in");
    let cookie = set_cookie(&state, &token, LOGIN_LIFETIME_MS / 1000);
    Ok((
        [(header::SET_COOKIE, cookie)],
        axum::Json(OrganizerView::from(organizer)),
    )
        .into_response())
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = login_cookie(&headers) {
        state.store.end_login(&token).await?;
    }
    let cookie = set_cookie(&state, "", 0);
    Ok(([(header::SET_COOKIE, cookie)], axum::http::StatusCode::NO_CONTENT).into_response())
}

pub async fn me(CurrentAccount(organizer): CurrentAccount) -> axum::Json<OrganizerView> {
    axum::Json(organizer.into())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    token: String,
    email: String,
    name: String,
    password: String,
    time_zone: String,
}

/// Creates the first organizer with the one-time link printed at first start.
pub async fn setup(State(state): State<AppState>, ApiJson(body): ApiJson<Setup>) -> Result<Response, ApiError> {
    const NOT_VALID: &str = "this setup link is not valid (it works once, before any organizer exists)";
    let given = hex(&tokens::hash(&body.token));
    if state.store.setting(SETUP_KEY).await?.as_deref() != Some(given.as_str()) {
        return Err(ApiError::Forbidden(NOT_VALID));
    }
    let new = NewOrganizer {
        email: body.email.trim().to_lowercase(),
        name: body.name,
        password: body.password,
        time_zone: body.time_zone,
    };
    new.validate()?;
    // Checked again, atomically, as the account is made: of two uses at
    // once, one wins.
    let organizer = state
        .store
        .create_first_organizer(SETUP_KEY, &given, &new, clock::now_millis())
        .await?
        .ok_or(ApiError::Forbidden(NOT_VALID))?;
    let token = state.store.start_login(&organizer.id, clock::now_millis()).await?;
    let cookie = set_cookie(&state, &token, LOGIN_LIFETIME_MS / 1000);
    Ok((
        [(header::SET_COOKIE, cookie)],
        axum::Json(OrganizerView::from(organizer)),
    )
        .into_response())
}

/// A hash as text, for the settings table.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; peer_room_login=abc; x=y"),
        );
        assert_eq!(login_cookie(&headers), Some("abc".to_owned()));
    }
}

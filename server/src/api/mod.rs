//! The organizers' JSON API under `/api` (see docs/api.md).
//!
//! - `auth.rs`: logging in and out, the one-time setup, and the extractor that
//!   finds the organizer behind a request's cookie;
//! - `sessions.rs`: scheduling, changing and cancelling sessions, and links;
//! - `link_info.rs`: what a link leads to, for its page before anyone joins;
//! - `series.rs`: recurring series, their links and their calendar feed;
//! - `calendar.rs`: `.ics` files;
//! - `invitees.rs`: people invited by email, their own links, their mail;
//! - `support.rs`: the front door for one-on-one peer support (no account)
//!   and a physician's request through its private link;
//! - `supporters.rs`: the roster, matching and counts, for organizers;
//! - `supporting.rs`: a peer supporter's own profile and requests.
//!
//! Requests that change something must come from an allowed origin (or from
//! no browser at all): with the cookie's `SameSite=Strict` and JSON bodies
//! (which a form on another site cannot send), that is the defence against
//! cross-site request forgery.

mod auth;
mod calendar;
mod invitees;
mod link_info;
mod login_limit;
mod series;
mod sessions;
mod support;
mod supporters;
mod supporting;

use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use auth::{SETUP_KEY, hex};
pub use login_limit::{LoginLimiter, MAX_REQUESTS_PER_ADDRESS, MAX_SLOT_LOOKUPS_PER_ADDRESS, RequestLimiter};

use crate::app::AppState;
use crate::store::{InviteRole, StoreError, ValidationError};

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/api/setup", post(auth::setup))
        .route("/api/login", post(auth::login))
        .route("/api/logout", post(auth::logout))
        .route("/api/me", get(auth::me))
        .route("/api/link-info", post(link_info::link_info))
        .route("/api/sessions", get(sessions::list).post(sessions::create))
        .route("/api/sessions/{id}", get(sessions::read).patch(sessions::update))
        .route("/api/sessions/{id}/cancel", post(sessions::cancel))
        .route("/api/sessions/{id}/links", get(sessions::links))
        .route("/api/sessions/{id}/links/{role}/{action}", post(sessions::change_link))
        .route("/api/sessions/{id}/calendar.ics", get(calendar::session_file))
        .route(
            "/api/sessions/{id}/invitees",
            get(invitees::session_list).post(invitees::session_add),
        )
        .route(
            "/api/sessions/{id}/invitees/{invitee}/revoke",
            post(invitees::session_revoke),
        )
        .route("/api/sessions/{id}/summary", get(sessions::summary))
        .route("/api/sessions/{id}/summary.md", get(sessions::summary_markdown))
        .route("/api/series", get(series::list).post(series::create))
        .route("/api/series/{id}", get(series::read))
        .route("/api/series/{id}/links/{role}/{action}", post(series::change_link))
        .route("/api/series/{id}/calendar.ics", get(series::feed))
        .route(
            "/api/series/{id}/invitees",
            get(invitees::series_list).post(invitees::series_add),
        )
        .route(
            "/api/series/{id}/invitees/{invitee}/revoke",
            post(invitees::series_revoke),
        )
        .route("/api/support/front-door", get(support::front_door))
        .route("/api/support/requests", post(support::create))
        .route("/api/support/slots", get(support::slots))
        .route("/api/support/status", post(support::status))
        .route("/api/support/accept", post(support::accept))
        .route("/api/support/cancel", post(support::cancel))
        .route("/api/support/calendar", post(support::calendar))
        .route("/api/supporters", get(supporters::list).post(supporters::nominate))
        .route("/api/supporters/enrol", post(supporting::enrol))
        .route("/api/supporters/{id}/deactivate", post(supporters::deactivate))
        .route("/api/supporters/{id}/enrol-link", post(supporters::renew_enrolment))
        .route("/api/support/open-requests", get(supporters::requests))
        .route("/api/support/open-requests/{id}/match", post(supporters::match_request))
        .route("/api/support/open-requests/{id}/cancel", post(supporters::cancel))
        .route("/api/support/stats", get(supporters::stats))
        .route(
            "/api/me/supporter",
            get(supporting::profile).patch(supporting::change_profile),
        )
        .route("/api/me/requests", get(supporting::my_requests))
        .route("/api/me/requests/{id}/calendar.ics", get(supporting::calendar))
        .route("/api/me/requests/{id}/{action}", post(supporting::step))
        .layer(middleware::from_fn_with_state(state, same_origin_writes))
        .layer(middleware::map_response(no_store))
}

/// Nothing the API answers may be kept by a browser's or a proxy's cache:
/// its answers carry invitation links, names and summaries.
async fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}

/// Tells a session's live room on this node of a change the store has
/// saved (other nodes hear it from the store, `live::changes`). The change
/// stands whatever happens here, so the organizer is not told of a failure:
/// a room that could not read it now gets it with the next change, or when
/// it next starts.
async fn tell_live_room(state: &AppState, session_id: &str) {
    if let Err(error) = state.rooms.session_changed(session_id).await {
        tracing::warn!(%error, "a live room could not read its changed session");
    }
}

/// `/links/{role}/{action}`: which link, and whether to revoke it (`revoke`)
/// or give it a new token (`regenerate`). Anything else is not found.
fn link_change(role: &str, action: &str) -> Result<(InviteRole, bool), ApiError> {
    let role = match role {
        "facilitator" => InviteRole::Facilitator,
        "participant" => InviteRole::Participant,
        _ => return Err(ApiError::NotFound),
    };
    match action {
        "regenerate" => Ok((role, false)),
        "revoke" => Ok((role, true)),
        _ => Err(ApiError::NotFound),
    }
}

/// Refuses a state-changing request whose `Origin` is not allowed.
async fn same_origin_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let writes = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if writes && let Some(origin) = request.headers().get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("").to_ascii_lowercase();
        if !state.allowed_origins.contains(&origin) {
            return ApiError::Forbidden("requests must come from this site").into_response();
        }
    }
    next.run(request).await
}

/// An API failure: a status and `{"error": {"code", "message", "field"?}}`.
#[derive(Debug)]
pub enum ApiError {
    /// The request is wrong; `field` names what is wrong when one field is.
    BadRequest {
        field: Option<String>,
        message: String,
    },
    Unauthorized,
    Forbidden(&'static str),
    /// Missing, or someone else's: the two are not told apart.
    NotFound,
    Conflict(&'static str),
    TooManyRequests {
        retry_after_secs: u64,
    },
    /// The server is at capacity for this kind of work: try again shortly.
    Busy {
        retry_after_secs: u64,
    },
    Internal,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, field) = match self {
            ApiError::BadRequest { field, message } => (StatusCode::BAD_REQUEST, "invalid", message, field),
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "log in first".to_owned(),
                None,
            ),
            ApiError::Forbidden(why) => (StatusCode::FORBIDDEN, "forbidden", why.to_owned(), None),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "no such thing here".to_owned(),
                None,
            ),
            ApiError::Conflict(why) => (StatusCode::CONFLICT, "conflict", why.to_owned(), None),
            ApiError::TooManyRequests { retry_after_secs } => {
                let body = ErrorBody {
                    error: ErrorDetail {
                        code: "too_many_requests",
                        message: "too many attempts: wait a few minutes".to_owned(),
                        field: None,
                    },
                };
                let retry = retry_after_secs.to_string();
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(header::RETRY_AFTER, retry)],
                    axum::Json(body),
                )
                    .into_response();
            }
            ApiError::Busy { retry_after_secs } => {
                let body = ErrorBody {
                    error: ErrorDetail {
                        code: "busy",
                        message: "the server is busy: try again in a moment".to_owned(),
                        field: None,
                    },
                };
                let retry = retry_after_secs.to_string();
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::RETRY_AFTER, retry)],
                    axum::Json(body),
                )
                    .into_response();
            }
            ApiError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the server failed; nothing was changed".to_owned(),
                None,
            ),
        };
        (
            status,
            axum::Json(ErrorBody {
                error: ErrorDetail { code, message, field },
            }),
        )
            .into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Busy => ApiError::Busy { retry_after_secs: 1 },
            StoreError::Invalid(invalid) => invalid.into(),
            StoreError::Conflict(why) => ApiError::Conflict(why),
            other => {
                tracing::warn!(error = ?other, "an API request failed in the store");
                ApiError::Internal
            }
        }
    }
}

impl From<ValidationError> for ApiError {
    fn from(error: ValidationError) -> Self {
        ApiError::BadRequest {
            field: Some(error.field.to_owned()),
            message: format!("{}: {}", error.field, error.message),
        }
    }
}

/// A JSON body whose errors are `ApiError`s naming the field at fault.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(bad_json(rejection)),
        }
    }
}

fn bad_json(rejection: JsonRejection) -> ApiError {
    let message = rejection.body_text();
    // serde names the field in backquotes: "missing field `title`".
    let field = message
        .split('`')
        .nth(1)
        .filter(|f| !f.contains(' '))
        .map(str::to_owned);
    ApiError::BadRequest { field, message }
}

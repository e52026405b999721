//! `POST /api/link-info`: what a link leads to, so that its join page can say
//! so before anyone types a name. The session's title and times, and where
//! the link stands: it works (`open`), it is too early (`not_open_yet`), the
//! session is over or cancelled, the link was revoked, or the live room is
//! locked or full. A series' link names the meeting it opens now or next.
//!
//! Anyone holding the link may ask; the answer tells no more than the link
//! itself opens (a revoked link: only that it was revoked). An unknown or
//! malformed token is `404`, like any other thing not found.

use axum::extract::State;
use serde::{Deserialize, Serialize};

use super::sessions::utc;
use super::{ApiError, ApiJson};
use crate::app::AppState;
use crate::clock;
use crate::protocol::Named as _;
use crate::room::{DoorState, Millis};
use crate::store::{InviteRole, LinkLookup, SessionRecord};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkInfoRequest {
    token: String,
}

/// Where a link stands now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// Joining works now.
    Open,
    /// A participant link before the waiting room opens.
    NotOpenYet,
    Ended,
    Cancelled,
    Revoked,
    /// The live room is locked: participants cannot come in.
    Locked,
    /// The live room has no place left for a participant.
    Full,
}

#[derive(Debug, Serialize)]
pub struct LinkInfo {
    state: LinkState,
    /// Whose link it is: `facilitator` or `participant`.
    role: &'static str,
    /// A series' link, which opens whichever of its meetings is on.
    series: bool,
    /// The session's title; a series' once it has no meeting left.
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    times: Option<Times>,
    /// The session's end-to-end encryption policy (`off`, `offered`,
    /// `required`): a page that cannot encrypt frames says so before the
    /// person joins a room that requires it.
    #[serde(skip_serializing_if = "Option::is_none")]
    e2ee: Option<&'static str>,
}

/// When the session the link opens is, in UTC (RFC 3339), and its zone.
#[derive(Debug, Serialize)]
struct Times {
    starts_at: String,
    /// When participants can enter the waiting room.
    opens_at: String,
    ends_at: String,
    time_zone: String,
}

pub async fn link_info(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<LinkInfoRequest>,
) -> Result<axum::Json<LinkInfo>, ApiError> {
    let now = clock::now_millis();
    let info = match state.store.look_up_link(&request.token, now).await? {
        LinkLookup::Unknown => return Err(ApiError::NotFound),
        LinkLookup::Revoked { role, series } => LinkInfo {
            state: LinkState::Revoked,
            role: role.as_str(),
            series,
            title: None,
            times: None,
            e2ee: None,
        },
        LinkLookup::SeriesOver { role, title } => LinkInfo {
            state: LinkState::Ended,
            role: role.as_str(),
            series: true,
            title: Some(title),
            times: None,
            e2ee: None,
        },
        LinkLookup::Session {
            role,
            series,
            expired,
            record,
        } => {
            let door = match state.rooms.door(&record.id) {
                Some(live) => live,
                // Not live: empty, with the door its facilitator last set.
                None => DoorState {
                    locked: state.store.door(&record.id).await?.locked,
                    capacity: record.capacity,
                    ..DoorState::default()
                },
            };
            LinkInfo {
                state: session_state(&record, role, expired, door, now),
                role: role.as_str(),
                series,
                times: Some(Times {
                    starts_at: utc(record.starts_at),
                    opens_at: utc(record.opens_at()),
                    ends_at: utc(record.ends_at()),
                    time_zone: record.time_zone.clone(),
                }),
                e2ee: Some(record.e2ee.as_str()),
                title: Some(record.title),
            }
        }
    };
    Ok(axum::Json(info))
}

/// The same decision `redeem` and the room's door make, said in advance:
/// what would happen if this link joined now. A facilitator's link is never
/// too early, locked or full: hosts always get in.
fn session_state(record: &SessionRecord, role: InviteRole, expired: bool, door: DoorState, now: Millis) -> LinkState {
    if record.cancelled_at.is_some() {
        return LinkState::Cancelled;
    }
    if record.ended_at.is_some() || expired {
        return LinkState::Ended;
    }
    if role == InviteRole::Facilitator {
        return LinkState::Open;
    }
    if now < record.opens_at() {
        return LinkState::NotOpenYet;
    }
    if door.locked {
        LinkState::Locked
    } else if door.full() {
        LinkState::Full
    } else {
        LinkState::Open
    }
}

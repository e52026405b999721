//! What a new user sees on first start: a demo session and its links, so
//! that `cargo run --release` leads straight to a working room.

use crate::app::join_link;
use crate::clock;
use crate::ground_rules;
use crate::store::{NewSession, Store, StoreError};

const DEMO_KEY: &str = "demo_session";
/// A demo's links stay valid for a month, so coming back tomorrow works.
const DEMO_LINKS_VALID_MS: i64 = 30 * 24 * 60 * 60 * 1000;

/// The links of a session, as people open them.
pub struct SessionLinks {
    pub session_id: String,
    pub facilitator: String,
    pub participant: String,
}

/// Creates the demo session on the very first start; `None` afterwards, since
/// only hashes of its tokens were kept and the links cannot be shown again.
pub async fn first_start(store: &Store, public_url: &str) -> Result<Option<SessionLinks>, StoreError> {
    if store.setting(DEMO_KEY).await?.is_some() {
        return Ok(None);
    }
    let now = clock::now_millis();
    let session = NewSession {
        title: "Demo peer support group".to_owned(),
        starts_at: now,
        duration_minutes: 60,
        time_zone: "America/Toronto".to_owned(),
        capacity: 16,
        ground_rules: ground_rules::default_rules(),
    };
    let record = store.create_session(&session, now).await?;
    let links = store.create_links(&record.id, now + DEMO_LINKS_VALID_MS, now).await?;
    store.set_setting(DEMO_KEY, &record.id).await?;
    Ok(Some(SessionLinks {
        session_id: record.id,
        facilitator: join_link(public_url, &links.facilitator_token),
        participant: join_link(public_url, &links.participant_token),
    }))
}

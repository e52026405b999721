//! What a new user sees on first start: a demo session and its links, so
//! that `cargo run --release` leads straight to a working room.

use crate::app::join_link;
use crate::clock;
use crate::ground_rules;
use crate::room::agenda::{SegmentDraft, SegmentKind};
use crate::store::{DEFAULT_WARNING_MARKS, Language, NewSession, NewSupporter, Store, StoreError};

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
        agenda: demo_agenda(),
        series_id: None,
        break_nudge_minutes: None,
        warning_marks: DEFAULT_WARNING_MARKS.to_vec(),
        ..NewSession::default()
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

/// A typical hour of a peer support group, to show the run-of-show.
fn demo_agenda() -> Vec<SegmentDraft> {
    let segment = |title: &str, kind, minutes, objective: &str| SegmentDraft {
        title: title.to_owned(),
        kind,
        minutes,
        objective: Some(objective.to_owned()),
    };
    vec![
        segment(
            "Welcome and ground rules",
            SegmentKind::Custom,
            5,
            "Introduce yourself; agree the ground rules.",
        ),
        segment(
            "Check-in round",
            SegmentKind::CheckIn,
            10,
            "One or two sentences each: how are you arriving?",
        ),
        segment(
            "Sharing",
            SegmentKind::Sharing,
            20,
            "Space for whoever wants to share; listen without fixing.",
        ),
        segment("Energizer", SegmentKind::Energizer, 3, "Move, breathe, reset."),
        segment(
            "Discussion",
            SegmentKind::Discussion,
            15,
            "What resonated? Points of consensus.",
        ),
        segment(
            "Wrap-up",
            SegmentKind::WrapUp,
            7,
            "Takeaways, follow-ups, a one-word check-out.",
        ),
    ]
}

const DEMO_SUPPORTER_KEY: &str = "demo_supporter";

/// Puts a demo peer supporter on the roster on the very first start and
/// returns their one-time enrolment link (shown once, like the demo links),
/// so a newcomer can walk one-on-one support from the front door to the room.
pub async fn demo_supporter(store: &Store, public_url: &str) -> Result<Option<String>, StoreError> {
    if store.setting(DEMO_SUPPORTER_KEY).await?.is_some() {
        return Ok(None);
    }
    let new = NewSupporter {
        name: "Dr. Alex Martin (demo)".to_owned(),
        email: "demo.supporter@peer-room.invalid".to_owned(),
        practice_areas: vec!["Family medicine".to_owned(), "Emergency medicine".to_owned()],
        practice_status: "practising".to_owned(),
        years_band: "16-30".to_owned(),
        languages: vec![Language::En, Language::Fr],
        trained_on: "2026-01-15".to_owned(),
    };
    let (supporter, token) = store
        .nominate_supporter_as(None, &new, false, clock::now_millis())
        .await?;
    store.set_setting(DEMO_SUPPORTER_KEY, &supporter.id).await?;
    Ok(Some(format!(
        "{}/organize/enrol#{token}",
        public_url.trim_end_matches('/')
    )))
}

/// While no organizer account exists, a fresh one-time setup link (each start
/// replaces the last): what lets the first organizer in without a shell.
pub async fn setup_link(store: &Store, public_url: &str) -> Result<Option<String>, StoreError> {
    if store.organizer_count().await? > 0 {
        return Ok(None);
    }
    let token = crate::tokens::generate();
    let hash = crate::api::hex(&crate::tokens::hash(&token));
    store.set_setting(crate::api::SETUP_KEY, &hash).await?;
    Ok(Some(format!(
        "{}/organize/setup#{token}",
        public_url.trim_end_matches('/')
    )))
}

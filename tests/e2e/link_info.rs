//! `POST /api/link-info`, what a link's page reads before anyone types a name:
//! each state a link can be in (revoked told apart from unknown, a live room
//! locked or full, never for a facilitator), a series' link naming its next
//! meeting once one ended early, and a series' facilitator link opening its
//! meetings' summary export.

use serde_json::{Value, json};

use crate::support::http::{ApiClient, organizer};
use crate::support::{TestClient, TestServer, http, token_of};

async fn info(server: &TestServer, token: &str) -> (u16, Value) {
    ApiClient::new(server.addr)
        .call("POST", "/api/link-info", Some(json!({"token": token})))
        .await
}

async fn state_of(server: &TestServer, token: &str) -> String {
    let (status, body) = info(server, token).await;
    assert_eq!(status, 200, "{body}");
    body["state"].as_str().unwrap_or_default().to_owned()
}

/// Someone who joins with `token`, accepts the rules and is let in.
async fn guest_in(server: &TestServer, host: &mut TestClient, token: &str, name: &str) -> TestClient {
    let mut guest = TestClient::joined(&server.ws_url(), token, name).await;
    let id = guest.request(json!({"type": "accept_rules"})).await;
    assert_eq!(id["type"], "ack");
    let named = |w: &Value| w["name"] == name && w["rules_accepted"] == true;
    let waiting = host
        .expect_where(
            |e| e["type"] == "waiting_room" && e["waiting"].as_array().is_some_and(|w| w.iter().any(named)),
            "the newcomer waiting",
        )
        .await;
    let them = waiting["waiting"]
        .as_array()
        .and_then(|w| w.iter().find(|w| named(w)))
        .map(|w| w["id"].clone());
    assert_eq!(
        host.request(json!({"type": "admit", "participant": them})).await["type"],
        "ack"
    );
    guest.expect("room_state").await;
    guest
}

#[tokio::test]
async fn a_link_says_whether_it_works_before_anyone_joins() {
    let server = TestServer::start().await;
    let session = server.session_with(i64::MAX / 2, |s| s.capacity = 2).await;

    let (status, open) = info(&server, &session.participant_token).await;
    assert_eq!(status, 200, "{open}");
    assert_eq!(
        (open["state"].as_str(), open["role"].as_str(), open["series"].as_bool()),
        (Some("open"), Some("participant"), Some(false))
    );
    assert_eq!(open["title"], "Tuesday group");
    assert!(open["starts_at"].is_string() && open["time_zone"] == "America/Toronto");
    // Unknown and malformed links are not found; nothing else is said.
    assert_eq!(info(&server, &peer_room::tokens::generate()).await.0, 404);
    assert_eq!(info(&server, "not a token").await.0, 404);

    // The live room: locked, then full; a facilitator's link is neither.
    let mut host = TestClient::joined(&server.ws_url(), &session.facilitator_token, "Host").await;
    host.expect("room_state").await;
    assert_eq!(
        host.request(json!({"type": "set_locked", "locked": true})).await["type"],
        "ack"
    );
    assert_eq!(state_of(&server, &session.participant_token).await, "locked");
    assert_eq!(state_of(&server, &session.facilitator_token).await, "open");
    assert_eq!(
        host.request(json!({"type": "set_locked", "locked": false})).await["type"],
        "ack"
    );
    assert_eq!(state_of(&server, &session.participant_token).await, "open");
    let _sam = guest_in(&server, &mut host, &session.participant_token, "Sam").await;
    let _alex = guest_in(&server, &mut host, &session.participant_token, "Alex").await;
    assert_eq!(state_of(&server, &session.participant_token).await, "full");
    assert_eq!(state_of(&server, &session.facilitator_token).await, "open");

    // Ended for everyone once the facilitator ends it.
    assert_eq!(host.request(json!({"type": "end_session"})).await["type"], "ack");
    assert_eq!(state_of(&server, &session.participant_token).await, "ended");
    assert_eq!(state_of(&server, &session.facilitator_token).await, "ended");
}

#[tokio::test]
async fn revoked_and_cancelled_links_say_so_and_a_revoked_one_says_nothing_more() {
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let zone: chrono_tz::Tz = "America/Toronto".parse().unwrap();
    let start = chrono::Utc::now().with_timezone(&zone) + chrono::Duration::hours(3);
    let body = json!({
        "title": "Morning group",
        "starts_at": start.format("%Y-%m-%dT%H:%M").to_string(),
        "time_zone": "America/Toronto",
        "duration_minutes": 60
    });
    let (_, created) = lee.call("POST", "/api/sessions", Some(body)).await;
    let id = created["session"]["id"].as_str().unwrap().to_owned();
    let participant = token_of(created["links"]["participant"].as_str().unwrap());
    let facilitator = token_of(created["links"]["facilitator"].as_str().unwrap());
    // Too early for participants; facilitators may always go in.
    assert_eq!(state_of(&server, &participant).await, "not_open_yet");
    assert_eq!(state_of(&server, &facilitator).await, "open");

    lee.call("POST", &format!("/api/sessions/{id}/links/participant/revoke"), None)
        .await;
    let (status, revoked) = info(&server, &participant).await;
    assert_eq!(status, 200);
    assert_eq!(
        revoked,
        json!({"state": "revoked", "role": "participant", "series": false})
    );

    lee.call("POST", &format!("/api/sessions/{id}/cancel"), None).await;
    assert_eq!(state_of(&server, &facilitator).await, "cancelled");
}

fn weekly(count: u32) -> Value {
    let zone: chrono_tz::Tz = "America/Toronto".parse().unwrap();
    let start = chrono::Utc::now().with_timezone(&zone) + chrono::Duration::minutes(5);
    json!({
        "title": "Night shift group",
        "starts_at": start.format("%Y-%m-%dT%H:%M").to_string(),
        "time_zone": "America/Toronto",
        "duration_minutes": 60,
        "every_weeks": 1,
        "count": count
    })
}

#[tokio::test]
async fn a_series_link_names_the_next_meeting_once_one_ended_early_and_its_facilitator_reads_each_summary() {
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let (status, created) = lee.call("POST", "/api/series", Some(weekly(2))).await;
    assert_eq!(status, 201, "{created}");
    let participant = token_of(created["links"]["participant"].as_str().unwrap());
    let facilitator = token_of(created["links"]["facilitator"].as_str().unwrap());
    let first = created["occurrences"][0].clone();
    let second = created["occurrences"][1].clone();

    let (_, before) = info(&server, &participant).await;
    assert_eq!(
        (before["series"].as_bool(), before["starts_at"].clone()),
        (Some(true), first["starts_at"].clone())
    );

    // The facilitator opens the first meeting, adds to its summary, and ends it early.
    let mut host = TestClient::joined(&server.ws_url(), &facilitator, "Host").await;
    host.expect("room_state").await;
    let item = json!({"type": "add_summary_item", "key": "series-item-1", "kind": "outcome", "text": "Rest first."});
    assert_eq!(host.request(item).await["type"], "ack");
    assert_eq!(host.request(json!({"type": "end_session"})).await["type"], "ack");

    let (_, after) = info(&server, &participant).await;
    assert_eq!(
        after["starts_at"], second["starts_at"],
        "the next meeting, not the one that ended: {after}"
    );
    assert_eq!(after["state"], "not_open_yet");

    // The series' facilitator link opens each meeting's export (the meetings have no links of their own).
    let path = format!("/sessions/{}/summary.md", first["id"].as_str().unwrap());
    let bearer = |token: &str| format!("Bearer {token}");
    let (status, response) = http::get(server.addr, &path, &[("Authorization", &bearer(&facilitator))]).await;
    assert_eq!(status, 200, "{response}");
    assert!(http::body(&response).contains("- Rest first."));
    let (status, _) = http::get(server.addr, &path, &[("Authorization", &bearer(&participant))]).await;
    assert_eq!(status, 401, "a participant link opens no export");
    let other = server.session().await;
    let elsewhere = format!("/sessions/{}/summary.md", other.id);
    let (status, _) = http::get(server.addr, &elsewhere, &[("Authorization", &bearer(&facilitator))]).await;
    assert_eq!(status, 404, "another session's summary is not this series'");
}

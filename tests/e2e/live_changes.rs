//! An organizer's change to a session reaches its live room: the people in
//! it, and those waiting, see the new title, time and rules at once, and a
//! cancelled session closes. (Across nodes: `cluster_changes.rs`.)

use serde_json::{Value, json};

use crate::support::http::organizer;
use crate::support::{TestClient, TestServer, token_of};

/// A session ten minutes from now: its room is open already.
pub fn soon() -> Value {
    let start = chrono::Utc::now() + chrono::Duration::minutes(10);
    json!({
        "title": "Tuesday group",
        "starts_at": start.format("%Y-%m-%dT%H:%M").to_string(),
        "time_zone": "UTC",
        "duration_minutes": 60,
        "capacity": 12,
        "facilitators": ["Dr. Lee"],
    })
}

#[tokio::test]
async fn an_organizers_change_reaches_everyone_in_the_live_room_and_a_cancel_closes_it() {
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let (status, created) = lee.call("POST", "/api/sessions", Some(soon())).await;
    assert_eq!(status, 201, "{created}");
    let path = format!("/api/sessions/{}", created["session"]["id"].as_str().unwrap());
    let link = |role: &str| token_of(created["links"][role].as_str().unwrap());
    let mut host = TestClient::joined(&server.ws_url(), &link("facilitator"), "Host").await;
    let started = host.expect("room_state").await;
    let planned_end = started["run_of_show"]["clock"]["planned_end"].as_i64().unwrap();
    // Sam waits at the gate: not let in, not past the rules.
    let mut waiting = TestClient::joined(&server.ws_url(), &link("participant"), "Sam").await;

    let change = json!({
        "title": "Tuesday group (longer this week)",
        "duration_minutes": 75,
        "ground_rules": ["What is said here stays here.", "Speak from your own experience."],
        "agenda": [{"title": "Check-in", "kind": "check_in", "minutes": 10}],
    });
    let (status, body) = lee.call("PATCH", &path, Some(change)).await;
    assert_eq!(status, 200, "{body}");
    for person in [&mut host, &mut waiting] {
        let session = person.expect("session_changed").await["session"].clone();
        assert_eq!(session["title"], "Tuesday group (longer this week)");
        let minutes = (session["ends_at"].as_i64().unwrap() - session["starts_at"].as_i64().unwrap()) / 60_000;
        assert_eq!(minutes, 75);
        let rules = person.expect("ground_rules").await;
        assert_eq!(rules["rules"][1], "Speak from your own experience.");
    }
    // The clock's end moved with the session's, and the agenda (the session
    // has not started) is the organizer's new one.
    let show = host.expect("run_of_show").await;
    assert_eq!(show["clock"]["planned_end"].as_i64(), Some(planned_end + 15 * 60_000));
    assert_eq!(show["segments"][0]["title"], "Check-in");

    let (status, body) = lee.call("POST", &format!("{path}/cancel"), None).await;
    assert_eq!(status, 200, "{body}");
    for person in [&mut host, &mut waiting] {
        person.expect("session_cancelled").await;
        assert_eq!(person.expect_close().await, Some(4004));
    }
    // The organizer's list still shows it upcoming and cancelled, not ended.
    let (_, upcoming) = lee.call("GET", "/api/sessions?when=upcoming", None).await;
    assert_eq!(
        (upcoming[0]["cancelled"].as_bool(), upcoming[0]["ended"].as_bool()),
        (Some(true), Some(false)),
        "{upcoming}"
    );
    let mut late = TestClient::greeted(&server.ws_url()).await;
    assert_eq!(
        late.join(&link("facilitator"), "Host").await["code"],
        "session_cancelled"
    );
}

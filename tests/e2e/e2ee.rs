//! End-to-end encrypted media as the server takes part in it, over real
//! WebSockets and the organizers' API: the policy scheduled, read from a
//! link before joining and reaching the live room; public keys shown; a
//! sealed key relayed to its one recipient; no media taken from a page
//! without a key. (The frames' encryption itself: tests/browser/e2ee.test.mjs.)

use serde_json::{Value, json};

use crate::live_changes::soon;
use crate::support::http::organizer;
use crate::support::{ApiClient, TestClient, TestServer, token_of};

const KEY_HOST: &str = "BEhvc3Qta2V5LWZvci10ZXN0aW5nLW9ubHktbm90LWEtcmVhbC1wb2ludC1vbi10aGUtY3VydmUtMTIzNDU2Nzg5MA";
const KEY_SAM: &str = "BFNhbS1rZXktZm9yLXRlc3Rpbmctb25seS1ub3QtYS1yZWFsLXBvaW50LW9uLXRoZS1jdXJ2ZS0xMjM0NTY3ODkwMQ";

fn with_policy(policy: &str) -> Value {
    let mut session = soon();
    session["e2ee"] = json!(policy);
    session
}

#[tokio::test]
async fn a_required_policy_is_scheduled_read_before_joining_and_kept_by_the_room() {
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let (status, error) = lee.call("POST", "/api/sessions", Some(with_policy("maybe"))).await;
    assert_eq!(
        (status, error["error"]["field"].as_str()),
        (400, Some("e2ee")),
        "{error}"
    );

    let (status, created) = lee.call("POST", "/api/sessions", Some(with_policy("required"))).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["session"]["e2ee"], "required");
    let link = |role: &str| token_of(created["links"][role].as_str().unwrap());
    let (status, info) = ApiClient::new(server.addr)
        .call("POST", "/api/link-info", Some(json!({"token": link("participant")})))
        .await;
    assert_eq!((status, info["e2ee"].as_str()), (200, Some("required")), "{info}");

    let mut host = TestClient::joined(&server.ws_url(), &link("facilitator"), "Lee").await;
    let state = host.expect("room_state").await;
    assert_eq!(state["e2ee"], json!({"policy": "required", "on": true}));
    let offer = json!({"type": "media_offer", "sdp": "v=0"});
    let refused = host.request(offer).await;
    assert_eq!(refused["code"], "e2ee_key_required", "{refused}");

    // The organizer turns it off: the live room is told.
    let path = format!("/api/sessions/{}", created["session"]["id"].as_str().unwrap());
    let (status, body) = lee.call("PATCH", &path, Some(json!({"e2ee": "off"}))).await;
    assert_eq!((status, body["e2ee"].as_str()), (200, Some("off")), "{body}");
    let changed = host.expect("e2ee_changed").await;
    assert_eq!(changed["e2ee"], json!({"policy": "off", "on": false}));
}

#[tokio::test]
async fn keys_are_shown_to_the_room_and_a_sealed_key_reaches_its_recipient_alone() {
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let mut session = with_policy("required");
    session["capacity"] = json!(4);
    let (_, created) = lee.call("POST", "/api/sessions", Some(session)).await;
    let link = |role: &str| token_of(created["links"][role].as_str().unwrap());
    let mut host = TestClient::joined(&server.ws_url(), &link("facilitator"), "Lee").await;
    host.expect("room_state").await;
    let ack = host
        .request(json!({"type": "set_waiting_room", "enabled": false}))
        .await;
    assert_eq!(ack["type"], "ack", "{ack}");
    let mut sam = TestClient::joined(&server.ws_url(), &link("participant"), "Sam").await;
    assert_eq!(sam.request(json!({"type": "accept_rules"})).await["type"], "ack");
    sam.expect("room_state").await;
    let mut kim = TestClient::joined(&server.ws_url(), &link("participant"), "Kim").await;
    assert_eq!(kim.request(json!({"type": "accept_rules"})).await["type"], "ack");
    kim.expect("room_state").await;

    for (client, key) in [(&mut host, KEY_HOST), (&mut sam, KEY_SAM)] {
        let ack = client.request(json!({"type": "set_e2ee_key", "public_key": key})).await;
        assert_eq!(ack["type"], "ack", "{ack}");
    }
    let sams_key = kim
        .expect_where(
            |e| e["type"] == "participant_updated" && e["participant"]["e2ee_key"] == KEY_SAM,
            "Sam's public key",
        )
        .await;
    let sam_id = sams_key["participant"]["id"].clone();
    let state = kim.state().await;
    let keys: Vec<&Value> = state["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["e2ee_key"])
        .collect();
    assert!(
        keys.contains(&&json!(KEY_HOST)) && keys.contains(&&json!(KEY_SAM)),
        "{state}"
    );

    let sealed = "c2VhbGVkLWZvci1zYW0tYWxvbmU";
    let ack = host
        .request(json!({"type": "send_media_keys", "keys": [{"to": sam_id, "key": sealed}]}))
        .await;
    assert_eq!(ack["type"], "ack", "{ack}");
    let got = sam.expect("media_key").await;
    assert_eq!((got["from"].as_u64(), got["key"].as_str()), (host.you, Some(sealed)));
    // Kim is sent nothing: a marker chat line arrives after whatever was
    // sent before it, and no media key came before it.
    host.request(json!({"type": "chat", "text": "marker"})).await;
    kim.expect_where(|e| e["type"] == "chat" && e["text"] == "marker", "the marker")
        .await;
    assert!(kim.unread_of("media_key").is_empty());
}

#[tokio::test]
async fn a_series_marked_required_requires_it_at_every_meeting_and_its_link_says_so() {
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let mut series = with_policy("required");
    series["every_weeks"] = json!(1);
    series["count"] = json!(3);
    let (status, created) = lee.call("POST", "/api/series", Some(series)).await;
    assert_eq!(status, 201, "{created}");
    let occurrences = created["occurrences"].as_array().unwrap();
    assert_eq!(occurrences.len(), 3);
    assert!(occurrences.iter().all(|o| o["e2ee"] == "required"), "{occurrences:?}");
    // The series' own link leads to its next meeting: required, before anyone joins.
    let token = token_of(created["links"]["participant"].as_str().unwrap());
    let (status, info) = ApiClient::new(server.addr)
        .call("POST", "/api/link-info", Some(json!({"token": token})))
        .await;
    assert_eq!((status, info["e2ee"].as_str()), (200, Some("required")), "{info}");
}

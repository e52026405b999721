//! Where the deployment allows it, a physician books a supporter's open time
//! at the front door: the open times come from the supporter's weekly
//! windows, a booked time is the request's suggested time (the supporter
//! still confirms), and of two physicians booking one time exactly one gets
//! it. Without the setting there is nothing to book.

use serde_json::{Value, json};

use crate::support::http::{ApiClient, organizer};
use crate::support::{TestServer, token_of};
use crate::support_flow::{enrolled_supporter, request_body};

async fn booking(client: &mut ApiClient, name: &str, slot: &Value) -> (u16, Value) {
    let mut body = request_body(name, "fr");
    body["slot"] = json!({"supporter_id": slot["supporter_id"], "starts_at": slot["starts_at"]});
    client.call("POST", "/api/support/requests", Some(body)).await
}

#[tokio::test]
async fn a_physician_books_an_open_time_and_two_bookings_of_one_time_make_one() {
    let server = TestServer::start_with(|c| c.support_self_booking = true).await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let (mut alex, alex_id) = enrolled_supporter(&server, &mut lee, "alex@hopital.test").await;
    let mut physician = ApiClient::new(server.addr);
    let (_, door) = physician.call("GET", "/api/support/front-door", None).await;
    assert_eq!(door["self_booking"], true);
    let (_, none) = physician.call("GET", "/api/support/slots?language=fr", None).await;
    assert_eq!(none, json!([]), "no availability given: nothing to book");

    let every_day: Vec<Value> = (0..7).map(|day| json!({"day": day, "from": 0, "to": 1440})).collect();
    let (code, _) = alex
        .call("PATCH", "/api/me/supporter", Some(json!({"availability": every_day})))
        .await;
    assert_eq!(code, 200);
    let (code, slots) = physician.call("GET", "/api/support/slots?language=fr", None).await;
    assert_eq!(code, 200);
    let slots = slots.as_array().unwrap().clone();
    assert_eq!(slots.len(), 30, "at most 30, earliest first");
    assert!(
        slots
            .iter()
            .all(|s| s["supporter_id"] == alex_id.as_str() && s["minutes"] == 45)
    );
    let first = chrono::DateTime::parse_from_rfc3339(slots[0]["starts_at"].as_str().unwrap()).unwrap();
    assert!(
        first > chrono::Utc::now() + chrono::Duration::minutes(119),
        "at least two hours ahead"
    );
    let (_, english) = physician.call("GET", "/api/support/slots?language=en", None).await;
    assert_eq!(english.as_array().unwrap().len(), 30, "Alex speaks English too");

    let (code, booked) = booking(&mut physician, "Sam", &slots[0]).await;
    assert_eq!((code, booked["state"].as_str()), (201, Some("matched")), "{booked}");
    let token = token_of(booked["link"].as_str().unwrap());
    let (_, status) = physician
        .call("POST", "/api/support/status", Some(json!({"token": token})))
        .await;
    assert_eq!(status["suggested"]["starts_at"], slots[0]["starts_at"], "{status}");
    assert_eq!(status["supporter"]["name"], "Dr. Alex Martin");

    // The same time again: taken, and no longer offered.
    let mut other = ApiClient::new(server.addr);
    let (code, error) = booking(&mut other, "Robin", &slots[0]).await;
    assert_eq!(code, 409, "{error}");
    assert_eq!(error["error"]["message"], "this time was just taken: choose another");
    let (_, now_open) = other.call("GET", "/api/support/slots?language=fr", None).await;
    assert!(
        !now_open
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["starts_at"] == slots[0]["starts_at"])
    );

    // Two physicians booking the next time at once: one gets it.
    let (mut a, mut b) = (ApiClient::new(server.addr), ApiClient::new(server.addr));
    let ((one, _), (two, _)) = tokio::join!(booking(&mut a, "Kai", &slots[1]), booking(&mut b, "Noor", &slots[1]));
    let mut codes = [one, two];
    codes.sort_unstable();
    assert_eq!(codes, [201, 409]);

    // The supporter confirms the booked time as any suggested one.
    let (_, mine) = alex.call("GET", "/api/me/requests", None).await;
    let sam = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["first_name"] == "Sam")
        .unwrap();
    let id = sam["id"].as_str().unwrap();
    let (code, accepted) = alex
        .call("POST", &format!("/api/me/requests/{id}/accept"), Some(json!({})))
        .await;
    assert_eq!((code, accepted["state"].as_str()), (200, Some("agreed")), "{accepted}");
    let (_, status) = physician
        .call("POST", "/api/support/status", Some(json!({"token": token})))
        .await;
    assert_eq!(status["agreed"]["starts_at"], slots[0]["starts_at"]);

    // A paused supporter offers nothing.
    alex.call("PATCH", "/api/me/supporter", Some(json!({"paused": true})))
        .await;
    let (_, paused) = physician.call("GET", "/api/support/slots?language=fr", None).await;
    assert_eq!(paused, json!([]));
}

#[tokio::test]
async fn without_the_setting_there_is_nothing_to_book() {
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let (_, alex_id) = enrolled_supporter(&server, &mut lee, "alex@hopital.test").await;
    let mut physician = ApiClient::new(server.addr);
    let (_, door) = physician.call("GET", "/api/support/front-door", None).await;
    assert_eq!(door["self_booking"], false);
    let (code, _) = physician.call("GET", "/api/support/slots?language=fr", None).await;
    assert_eq!(code, 404);
    let slot = json!({"supporter_id": alex_id, "starts_at": crate::support_flow::in_days(2)});
    let (code, error) = booking(&mut physician, "Sam", &slot).await;
    assert_eq!(code, 409, "{error}");
    let (_, open) = lee.call("GET", "/api/support/open-requests", None).await;
    assert_eq!(open, json!([]), "nothing was stored");
}

#[tokio::test]
async fn one_address_cannot_make_the_server_walk_the_roster_without_end() {
    let server = TestServer::start_with(|c| c.support_self_booking = true).await;
    let mut stranger = ApiClient::new(server.addr);
    for _ in 0..60 {
        let (code, _) = stranger.call("GET", "/api/support/slots?language=fr", None).await;
        assert_eq!(code, 200);
    }
    let (code, _) = stranger.call("GET", "/api/support/slots?language=fr", None).await;
    assert_eq!(code, 429, "past 60 looks in 15 minutes");
    // A booking looks too: refused the same way, before any work.
    let slot = json!({"supporter_id": "anyone", "starts_at": crate::support_flow::in_days(2)});
    let (code, _) = booking(&mut stranger, "Sam", &slot).await;
    assert_eq!(code, 429);
}

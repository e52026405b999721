//! The organizers' API: accounts, scheduling, links and calendar files, each
//! with its authorization.

use serde_json::{Value, json};

use crate::support::{ApiClient, TestClient, TestServer, http, token_of};

use crate::support::http::{PASSWORD, organizer};

/// A session ten minutes from now, in Toronto time.
fn soon() -> Value {
    let zone: chrono_tz::Tz = "America/Toronto".parse().unwrap();
    let start = chrono::Utc::now().with_timezone(&zone) + chrono::Duration::minutes(10);
    json!({
        "title": "Tuesday group",
        "starts_at": start.format("%Y-%m-%dT%H:%M").to_string(),
        "time_zone": "America/Toronto",
        "duration_minutes": 60,
        "capacity": 12,
        "facilitators": ["Dr. Lee"],
        "agenda": [{"title": "Check-in", "kind": "check_in", "minutes": 10}]
    })
}

#[tokio::test]
async fn logging_in_and_out_with_a_cookie_and_a_limit_on_guessing() {
    let server = TestServer::start().await;
    let mut api = organizer(&server, "lee@example.org").await;
    let (status, me) = api.call("GET", "/api/me", None).await;
    assert_eq!((status, me["email"].as_str()), (200, Some("lee@example.org")));

    api.call("POST", "/api/logout", None).await;
    assert_eq!(api.call("GET", "/api/me", None).await.0, 401);

    let mut guesser = ApiClient::new(server.addr);
    for _ in 0..5 {
        let (status, _) = guesser
            .call(
                "POST",
                "/api/login",
                Some(json!({"email": "lee@example.org", "password": "wrong password"})),
            )
            .await;
        assert_eq!(status, 400);
    }
    let (status, body) = guesser
        .call(
            "POST",
            "/api/login",
            Some(json!({"email": "lee@example.org", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, 429, "even the right password waits after five failures: {body}");
}

#[tokio::test]
async fn the_login_cookie_is_http_only_and_same_site_strict() {
    let server = TestServer::start().await;
    organizer(&server, "lee@example.org").await;
    let body = json!({"email": "lee@example.org", "password": PASSWORD}).to_string();
    let (_, response) = http::send(server.addr, "POST", "/api/login", &[], Some(&body)).await;
    let cookie = http::header(&response, "set-cookie").unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
}

#[tokio::test]
async fn the_one_time_setup_link_creates_the_first_organizer_once() {
    let server = TestServer::start().await;
    let token = peer_room::tokens::generate();
    let hash = peer_room::api::hex(&peer_room::tokens::hash(&token));
    server
        .store()
        .set_setting(peer_room::api::SETUP_KEY, &hash)
        .await
        .unwrap();
    let account = |token: &str| json!({"token": token, "email": "first@example.org", "name": "First", "password": PASSWORD, "time_zone": "Europe/Paris"});
    let mut api = ApiClient::new(server.addr);
    assert_eq!(api.call("POST", "/api/setup", Some(account("forged"))).await.0, 403);
    let (status, me) = api.call("POST", "/api/setup", Some(account(&token))).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(api.call("GET", "/api/me", None).await.1["time_zone"], "Europe/Paris");
    assert_eq!(
        ApiClient::new(server.addr)
            .call("POST", "/api/setup", Some(account(&token)))
            .await
            .0,
        403
    );
}

#[tokio::test]
async fn an_organizer_schedules_changes_and_cancels_only_their_own_sessions() {
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let mut other = organizer(&server, "kim@example.org").await;
    assert_eq!(
        ApiClient::new(server.addr).call("GET", "/api/sessions", None).await.0,
        401
    );

    let (status, created) = lee.call("POST", "/api/sessions", Some(soon())).await;
    assert_eq!(status, 201, "{created}");
    let id = created["session"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["session"]["facilitators"], json!(["Dr. Lee"]));
    assert_eq!(created["session"]["starts_at_local"], soon()["starts_at"]);
    let (_, upcoming) = lee.call("GET", "/api/sessions?when=upcoming", None).await;
    assert_eq!(upcoming.as_array().unwrap().len(), 1);
    assert_eq!(lee.call("GET", "/api/sessions?when=past", None).await.1, json!([]));

    let path = format!("/api/sessions/{id}");
    assert_eq!(
        other.call("GET", &path, None).await.0,
        404,
        "another organizer's session is not found"
    );
    assert_eq!(
        other.call("PATCH", &path, Some(json!({"title": "Mine now"}))).await.0,
        404
    );
    assert_eq!(other.call("POST", &format!("{path}/cancel"), None).await.0, 404);
    assert_eq!(other.call("GET", &format!("{path}/links"), None).await.0, 404);

    let (status, changed) = lee
        .call(
            "PATCH",
            &path,
            Some(json!({"title": "Tuesday evening group", "capacity": 8})),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(
        (changed["title"].as_str(), changed["capacity"].as_u64()),
        (Some("Tuesday evening group"), Some(8))
    );

    let (status, cancelled) = lee.call("POST", &format!("{path}/cancel"), None).await;
    assert_eq!((status, cancelled["cancelled"].as_bool()), (200, Some(true)));
    let participant = created["links"]["participant"].as_str().unwrap();
    let mut late = TestClient::greeted(&server.ws_url()).await;
    assert_eq!(
        late.join(&token_of(participant), "Sam").await["code"],
        "session_cancelled"
    );
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let with = |field: &str, value: Value| {
        let mut session = soon();
        session[field] = value;
        session
    };
    let cases = [
        (with("starts_at", json!("2026-02-30T10:00")), "starts_at"),
        (with("starts_at", json!("2027-03-14T02:30")), "starts_at"), // the clocks skip it in Toronto
        (with("time_zone", json!("Mars/Base")), "time_zone"),
        (with("duration_minutes", json!(0)), "duration_minutes"),
        (with("capacity", json!(500)), "capacity"),
        (with("title", json!("x".repeat(201))), "title"),
        (
            with("agenda", json!([{"title": "Nap", "kind": "nap", "minutes": 5}])),
            "agenda",
        ),
        (with("colour", json!("red")), "colour"),
    ];
    for (body, field) in cases {
        let (status, error) = lee.call("POST", "/api/sessions", Some(body)).await;
        assert_eq!(status, 400, "{field}: {error}");
        assert_eq!(error["error"]["field"], field, "{error}");
    }
    assert_eq!(
        lee.call("GET", "/api/sessions", None).await.1,
        json!([]),
        "nothing was written"
    );

    let (_, created) = lee.call("POST", "/api/sessions", Some(soon())).await;
    let path = format!("/api/sessions/{}", created["session"]["id"].as_str().unwrap());
    let (status, _) = lee
        .call("PATCH", &path, Some(json!({"title": "New", "capacity": 0})))
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        lee.call("GET", &path, None).await.1["title"],
        "Tuesday group",
        "half a change is no change"
    );
}

#[tokio::test]
async fn links_can_be_shown_again_regenerated_and_revoked() {
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let (_, created) = lee.call("POST", "/api/sessions", Some(soon())).await;
    let path = format!("/api/sessions/{}/links", created["session"]["id"].as_str().unwrap());
    let (_, links) = lee.call("GET", &path, None).await;
    assert_eq!(links, created["links"], "the same links, derived again");

    let old = token_of(links["participant"].as_str().unwrap());
    let (_, links) = lee.call("POST", &format!("{path}/participant/regenerate"), None).await;
    let new = token_of(links["participant"].as_str().unwrap());
    assert_ne!(old, new);
    let mut client = TestClient::greeted(&server.ws_url()).await;
    assert_eq!(client.join(&old, "Sam").await["code"], "invalid_token");
    assert_eq!(client.join(&new, "Sam").await["type"], "joined");

    let facilitator = token_of(created["links"]["facilitator"].as_str().unwrap());
    let (_, links) = lee.call("POST", &format!("{path}/facilitator/revoke"), None).await;
    assert_eq!(links["facilitator"], Value::Null);
    let mut host = TestClient::greeted(&server.ws_url()).await;
    assert_eq!(host.join(&facilitator, "Host").await["code"], "token_revoked");
}

#[tokio::test]
async fn writes_from_another_site_are_refused() {
    let server = TestServer::start().await;
    let lee = organizer(&server, "lee@example.org").await;
    let cookie = format!("peer_room_login={}", lee.cookie.unwrap());
    let body = soon().to_string();
    let headers = [("Origin", "https://evil.example"), ("Cookie", cookie.as_str())];
    let (status, _) = http::send(server.addr, "POST", "/api/sessions", &headers, Some(&body)).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_session_calendar_file_reads_back_with_an_independent_parser() {
    use icalendar::Component;
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let (_, created) = lee.call("POST", "/api/sessions", Some(soon())).await;
    let id = created["session"]["id"].as_str().unwrap();
    let cookie = format!("peer_room_login={}", lee.cookie.clone().unwrap());
    let (status, response) = http::get(
        server.addr,
        &format!("/api/sessions/{id}/calendar.ics"),
        &[("Cookie", &cookie)],
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        http::header(&response, "content-type")
            .unwrap()
            .starts_with("text/calendar")
    );
    let calendar: icalendar::Calendar = http::body(&response)
        .parse()
        .expect("a calendar an independent parser reads");
    let event = calendar
        .components
        .iter()
        .find_map(|c| c.as_event())
        .expect("one event");
    assert_eq!(event.get_uid(), Some(format!("{id}@peer-room").as_str()));
    assert_eq!(event.get_summary(), Some("Tuesday group"));
    let link = created["links"]["participant"].as_str().unwrap();
    assert!(event.get_description().unwrap().contains(link));
    let start = event.property_value("DTSTART").unwrap();
    assert_eq!(
        start,
        soon()["starts_at"].as_str().unwrap().replace(['-', ':'], "") + "00"
    );
    let tzid = event
        .properties()
        .get("DTSTART")
        .and_then(|p| p.params().get("TZID"))
        .map(|p| p.value().to_owned());
    assert_eq!(tzid.as_deref(), Some("America/Toronto"));
    assert_eq!(
        http::get(server.addr, &format!("/api/sessions/{id}/calendar.ics"), &[])
            .await
            .0,
        401
    );
}

#[tokio::test]
async fn organizers_read_the_finalized_summaries_of_their_sessions_only() {
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let mut kim = organizer(&server, "kim@example.org").await;
    let (_, created) = lee.call("POST", "/api/sessions", Some(soon())).await;
    let id = created["session"]["id"].as_str().unwrap().to_owned();
    let facilitator = token_of(created["links"]["facilitator"].as_str().unwrap());

    let mut host = TestClient::joined(&server.ws_url(), &facilitator, "Host").await;
    host.expect("room_state").await;
    for message in [
        json!({"type": "add_summary_item", "key": "org-summary-1", "kind": "outcome", "text": "Ask for a quiet room."}),
        json!({"type": "finalize_summary", "key": "org-summary-2"}),
    ] {
        assert_eq!(host.request(message).await["type"], "ack");
    }
    let path = format!("/api/sessions/{id}/summary");
    let (status, summary) = lee.call("GET", &path, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        summary,
        json!({"finalized": true, "items": [{"kind": "outcome", "text": "Ask for a quiet room."}]})
    );
    assert_eq!(kim.call("GET", &path, None).await.0, 404);
    let cookie = format!("peer_room_login={}", lee.cookie.clone().unwrap());
    let (status, response) = http::get(server.addr, &format!("{path}.md"), &[("Cookie", &cookie)]).await;
    assert_eq!(status, 200);
    assert!(http::body(&response).contains("## Outcomes\n\n- Ask for a quiet room.\n"));
}

#[tokio::test]
async fn a_session_its_facilitator_ended_early_is_listed_as_past_at_once() {
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let (_, created) = lee.call("POST", "/api/sessions", Some(soon())).await;
    let id = created["session"]["id"].clone();
    let facilitator = token_of(created["links"]["facilitator"].as_str().unwrap());
    let ids = |list: Value| -> Vec<Value> { list.as_array().unwrap().iter().map(|s| s["id"].clone()).collect() };
    assert_eq!(
        ids(lee.call("GET", "/api/sessions?when=upcoming", None).await.1),
        vec![id.clone()]
    );

    let mut host = TestClient::joined(&server.ws_url(), &facilitator, "Host").await;
    host.expect("room_state").await;
    assert_eq!(host.request(json!({"type": "end_session"})).await["type"], "ack");

    let (_, upcoming) = lee.call("GET", "/api/sessions?when=upcoming", None).await;
    assert_eq!(upcoming, json!([]), "an ended session is no longer upcoming");
    let (_, past) = lee.call("GET", "/api/sessions?when=past", None).await;
    assert_eq!(ids(past.clone()), [id]);
    assert_eq!(past[0]["ended"], true);
}

#[tokio::test]
async fn a_link_tells_an_early_participant_when_the_room_opens() {
    let server = TestServer::start().await;
    let now = peer_room::clock::now_millis();
    let session = server
        .session_with(now + 4 * 3_600_000, |s| {
            s.title = "Evening group".into();
            s.starts_at = now + 2 * 3_600_000;
            s.opens_minutes_before = 10;
        })
        .await;
    let mut anyone = ApiClient::new(server.addr);
    let (status, info) = anyone
        .call(
            "POST",
            "/api/link-info",
            Some(json!({"token": session.participant_token})),
        )
        .await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(
        (info["title"].as_str(), info["state"].as_str()),
        (Some("Evening group"), Some("not_open_yet"))
    );
    let opens = chrono::DateTime::parse_from_rfc3339(info["opens_at"].as_str().unwrap()).unwrap();
    let starts = chrono::DateTime::parse_from_rfc3339(info["starts_at"].as_str().unwrap()).unwrap();
    assert_eq!((starts - opens).num_minutes(), 10);
    let forged = json!({"token": peer_room::tokens::generate()});
    assert_eq!(anyone.call("POST", "/api/link-info", Some(forged)).await.0, 404);
}

//! One-on-one peer support through the API, on the real server: a physician
//! asks at the front door with no account; an organizer nominates a
//! supporter, who enrols; the organizer matches; the supporter proposes
//! another time; the physician accepts; both links open the same two-person
//! room; the supporter says they met and closes. Then who may see and do
//! what, two organizers matching at once, and bad input.

use serde_json::{Value, json};

use icalendar::Component;

use crate::support::http::{self, ApiClient, organizer};
use crate::support::{TestClient, TestDatabase, TestServer, token_of};

pub fn request_body(name: &str, language: &str) -> Value {
    json!({
        "first_name": name,
        "language": language,
        "practice_area": "Emergency medicine",
        "area_preference": "same",
        "supporter_status": "any",
        "times": "Weekday evenings after 19:00",
        "contact": "link",
    })
}

/// A physician's request: its private link's token.
pub async fn ask(client: &mut ApiClient, name: &str) -> String {
    let (status, created) = client
        .call("POST", "/api/support/requests", Some(request_body(name, "fr")))
        .await;
    assert_eq!(status, 201, "{created}");
    let link = created["link"].as_str().unwrap();
    assert!(link.contains("/support#"), "{link}");
    token_of(link)
}

/// A supporter nominated by `lee` and enrolled: their own logged-in client
/// and their roster id.
pub async fn enrolled_supporter(server: &TestServer, lee: &mut ApiClient, email: &str) -> (ApiClient, String) {
    let nomination = json!({
        "name": "Dr. Alex Martin",
        "email": email,
        "practice_areas": ["Emergency medicine"],
        "practice_status": "practising",
        "years_band": "16-30",
        "languages": ["fr", "en"],
        "trained_on": "2026-01-15",
    });
    let (status, nominated) = lee.call("POST", "/api/supporters", Some(nomination)).await;
    assert_eq!(status, 201, "{nominated}");
    // The first link was lost: a new one replaces it.
    let id = nominated["supporter"]["id"].as_str().unwrap().to_owned();
    let lost = token_of(nominated["enrol_link"].as_str().unwrap());
    let (status, renewed) = lee
        .call("POST", &format!("/api/supporters/{id}/enrol-link"), Some(json!({})))
        .await;
    assert_eq!(status, 200, "{renewed}");
    let enrol = token_of(renewed["enrol_link"].as_str().unwrap());
    assert_ne!(enrol, lost);
    let old = json!({"token": lost, "password": "a long enough password", "time_zone": "America/Toronto"});
    let (status, _) = ApiClient::new(server.addr)
        .call("POST", "/api/supporters/enrol", Some(old))
        .await;
    assert_eq!(status, 403, "the lost link no longer works");
    let mut supporter = ApiClient::new(server.addr);
    let body = json!({"token": enrol, "password": "a long enough password", "time_zone": "America/Toronto"});
    let (status, profile) = supporter
        .call("POST", "/api/supporters/enrol", Some(body.clone()))
        .await;
    assert_eq!(status, 200, "{profile}");
    assert!(supporter.cookie.is_some(), "enrolling logs them in");
    // The link is spent, and an enrolled supporter gets no new one.
    let (status, _) = ApiClient::new(server.addr)
        .call("POST", "/api/supporters/enrol", Some(body))
        .await;
    assert_eq!(status, 403);
    let (status, _) = lee
        .call("POST", &format!("/api/supporters/{id}/enrol-link"), Some(json!({})))
        .await;
    assert_eq!(status, 409);
    (supporter, id)
}

pub fn in_days(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

async fn status(client: &mut ApiClient, token: &str) -> Value {
    let (code, status) = client
        .call("POST", "/api/support/status", Some(json!({"token": token})))
        .await;
    assert_eq!(code, 200, "{status}");
    status
}

#[tokio::test]
async fn a_physician_asks_an_organizer_matches_and_both_meet_in_a_private_room() {
    let server = TestServer::start().await;
    let mut physician = ApiClient::new(server.addr);
    let (code, door) = physician.call("GET", "/api/support/front-door", None).await;
    assert_eq!(code, 200);
    assert!(!door["crisis_resources"].as_array().unwrap().is_empty(), "{door}");
    let token = ask(&mut physician, "Sam").await;
    assert_eq!(status(&mut physician, &token).await["state"], "requested");

    let mut lee = organizer(&server, "lee@example.org").await;
    let (mut alex, alex_id) = enrolled_supporter(&server, &mut lee, "alex@hopital.test").await;
    let (_, open) = lee.call("GET", "/api/support/open-requests", None).await;
    let request = &open[0];
    assert_eq!(request["state"], "requested");
    assert!(
        request.get("first_name").is_none(),
        "organizers do not see who asked: {request}"
    );
    assert_eq!(request["suggestions"][0]["supporter_id"], alex_id.as_str());
    assert_eq!(request["suggestions"][0]["meets"], json!(["language", "practice_area"]));
    let id = request["id"].as_str().unwrap().to_owned();

    let matched = json!({"supporter_id": alex_id, "starts_at": in_days(2), "minutes": 45});
    let (code, body) = lee
        .call("POST", &format!("/api/support/open-requests/{id}/match"), Some(matched))
        .await;
    assert_eq!(code, 200, "{body}");
    let seen = status(&mut physician, &token).await;
    assert_eq!(seen["state"], "matched");
    assert_eq!(seen["supporter"]["name"], "Dr. Alex Martin");
    assert_eq!(seen["proposed"], Value::Null, "the time is the supporter's to confirm");

    let (_, mine) = alex.call("GET", "/api/me/requests", None).await;
    assert_eq!(
        mine[0]["first_name"], "Sam",
        "the supporter meets them: they see the name they gave"
    );
    assert_eq!(mine[0]["times"], "Weekday evenings after 19:00");
    let propose = json!({"starts_at": in_days(3), "minutes": 45});
    let (code, body) = alex
        .call("POST", &format!("/api/me/requests/{id}/propose"), Some(propose))
        .await;
    assert_eq!(code, 200, "{body}");
    let seen = status(&mut physician, &token).await;
    assert_eq!(seen["state"], "proposed");
    assert_eq!(seen["proposed"]["minutes"], 45);
    assert_eq!(seen["proposed"]["time_zone"], "America/Toronto");

    let (code, agreed) = physician
        .call("POST", "/api/support/accept", Some(json!({"token": token})))
        .await;
    assert_eq!(code, 200, "{agreed}");
    assert_eq!(agreed["state"], "agreed");
    let physician_room = token_of(agreed["room_link"].as_str().unwrap());
    let (_, mine) = alex.call("GET", "/api/me/requests", None).await;
    let supporter_room = token_of(mine[0]["room_link"].as_str().unwrap());
    // Each can take the meeting into their calendar, with their own link.
    let ask_file = json!({"token": token}).to_string();
    let origin = format!("http://{}", server.addr);
    let headers = [("Origin", origin.as_str())];
    let (code, response) = http::send(server.addr, "POST", "/api/support/calendar", &headers, Some(&ask_file)).await;
    assert_eq!(code, 200);
    let calendar: icalendar::Calendar = http::body(&response).parse().expect("a calendar file");
    let description = calendar
        .components
        .iter()
        .find_map(|c| c.as_event())
        .unwrap()
        .get_description()
        .unwrap()
        .to_owned();
    assert!(
        description.contains(&physician_room),
        "the physician's own link: {description}"
    );
    let cookie = format!("peer_room_login={}", alex.cookie.clone().unwrap());
    let (code, response) = http::get(
        server.addr,
        &format!("/api/me/requests/{id}/calendar.ics"),
        &[("Cookie", &cookie)],
    )
    .await;
    assert_eq!(code, 200);
    assert!(
        http::body(&response).replace("\r\n ", "").contains(&supporter_room),
        "the supporter's own link"
    );
    let (_, as_physician) = physician
        .call("POST", "/api/link-info", Some(json!({"token": physician_room})))
        .await;
    let (_, as_supporter) = physician
        .call("POST", "/api/link-info", Some(json!({"token": supporter_room})))
        .await;
    assert_eq!(as_physician["role"], "participant");
    assert_eq!(as_supporter["role"], "facilitator");
    assert_eq!(as_physician["starts_at"], as_supporter["starts_at"], "the same meeting");
    // The room is a one-on-one conversation, with its own rules in the
    // physician's language.
    let mut host = TestClient::greeted(&server.ws_url()).await;
    let joined = host.join(&supporter_room, "Dr. Alex Martin").await;
    assert_eq!(joined["session"]["kind"], "one_on_one", "{joined}");
    assert_eq!(
        joined["session"]["ground_rules"][0],
        "Ce qui se dit ici reste entre nous."
    );
    // Accepting twice is refused: the time is agreed already.
    let (code, _) = physician
        .call("POST", "/api/support/accept", Some(json!({"token": token})))
        .await;
    assert_eq!(code, 409);

    let (code, _) = alex
        .call(
            "POST",
            &format!("/api/me/requests/{id}/met"),
            Some(json!({"follow_up": true})),
        )
        .await;
    assert_eq!(code, 200);
    // A follow-up was agreed: the supporter proposes the next time, the
    // physician accepts, and a new meeting with new links is made.
    let next = json!({"starts_at": in_days(10), "minutes": 45});
    let (code, body) = alex
        .call("POST", &format!("/api/me/requests/{id}/propose"), Some(next))
        .await;
    assert_eq!(code, 200, "{body}");
    let (code, again) = physician
        .call("POST", "/api/support/accept", Some(json!({"token": token})))
        .await;
    assert_eq!((code, again["state"].as_str()), (200, Some("agreed")), "{again}");
    assert_ne!(
        again["room_link"], agreed["room_link"],
        "a new meeting, with a new link"
    );
    let (code, _) = alex
        .call(
            "POST",
            &format!("/api/me/requests/{id}/met"),
            Some(json!({"follow_up": false})),
        )
        .await;
    assert_eq!(code, 200);
    // No follow-up agreed: no next time to propose.
    let (code, _) = alex
        .call(
            "POST",
            &format!("/api/me/requests/{id}/propose"),
            Some(json!({"starts_at": in_days(20), "minutes": 45})),
        )
        .await;
    assert_eq!(code, 409);
    let (code, closed) = alex
        .call("POST", &format!("/api/me/requests/{id}/close"), Some(json!({})))
        .await;
    assert_eq!(code, 200, "{closed}");
    assert_eq!(status(&mut physician, &token).await["state"], "closed");
    let (code, _) = physician
        .call(
            "POST",
            "/api/support/cancel",
            Some(json!({"token": token, "reason": "other"})),
        )
        .await;
    assert_eq!(code, 409, "a link used after the request closed changes nothing");

    let (_, stats) = lee.call("GET", "/api/support/stats", None).await;
    assert_eq!(stats["by_state"], json!([["closed", 1]]), "{stats}");
    assert_eq!(stats["by_practice_area"], json!([["Emergency medicine", 1]]));
    let (_, roster) = lee.call("GET", "/api/supporters", None).await;
    assert_eq!(roster[0]["load"], 1, "{roster}");
}

#[tokio::test]
async fn each_sees_only_their_own_and_two_organizers_matching_at_once_make_one_match() {
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let mut kim = organizer(&server, "kim@example.org").await;
    let (mut alex, alex_id) = enrolled_supporter(&server, &mut lee, "alex@hopital.test").await;
    let (mut bea, bea_id) = enrolled_supporter(&server, &mut lee, "bea@hopital.test").await;
    let mut physician = ApiClient::new(server.addr);
    let token = ask(&mut physician, "Sam").await;
    let (_, open) = lee.call("GET", "/api/support/open-requests", None).await;
    let id = open[0]["id"].as_str().unwrap().to_owned();

    let path = format!("/api/support/open-requests/{id}/match");
    let to_alex = json!({"supporter_id": alex_id, "starts_at": in_days(2), "minutes": 45});
    let to_bea = json!({"supporter_id": bea_id, "starts_at": in_days(2), "minutes": 45});
    let ((a, _), (b, _)) = tokio::join!(
        lee.call("POST", &path, Some(to_alex)),
        kim.call("POST", &path, Some(to_bea)),
    );
    let mut codes = [a, b];
    codes.sort_unstable();
    assert_eq!(codes, [200, 409], "exactly one match wins");
    let winner = status(&mut physician, &token).await["supporter"]["name"].clone();
    assert_eq!(winner, "Dr. Alex Martin", "both are named so; the id tells");
    let (_, alex_requests) = alex.call("GET", "/api/me/requests", None).await;
    let (_, bea_requests) = bea.call("GET", "/api/me/requests", None).await;
    let (mine, theirs) = if alex_requests.as_array().unwrap().is_empty() {
        ((bea, bea_requests), (alex, alex_requests))
    } else {
        ((alex, alex_requests), (bea, bea_requests))
    };
    assert_eq!(mine.1.as_array().unwrap().len(), 1);
    assert!(
        theirs.1.as_array().unwrap().is_empty(),
        "the other supporter sees nothing of it"
    );
    let (mut other, _) = theirs;
    for step in ["accept", "met", "close"] {
        let (code, _) = other
            .call(
                "POST",
                &format!("/api/me/requests/{id}/{step}"),
                Some(json!({"follow_up": false})),
            )
            .await;
        assert_eq!(code, 404, "{step}: another supporter's request is not found");
    }
    let (code, _) = other.call("GET", "/api/sessions", None).await;
    assert_eq!(code, 403, "a supporter's login does not open the organizers' pages");
    let (code, _) = lee.call("GET", "/api/me/requests", None).await;
    assert_eq!(code, 403, "an organizer is not a supporter");
    let (code, _) = ApiClient::new(server.addr)
        .call("GET", "/api/support/open-requests", None)
        .await;
    assert_eq!(code, 401);
    drop(mine);
}

#[tokio::test]
async fn bad_requests_and_steps_out_of_turn_get_clear_answers() {
    // With no mail server, an address is refused: it would be kept unused.
    let unmailed = TestServer::start().await;
    let mut by_email = request_body("Sam", "en");
    by_email["contact"] = json!("email");
    by_email["email"] = json!("sam@hopital.test");
    let (code, error) = ApiClient::new(unmailed.addr)
        .call("POST", "/api/support/requests", Some(by_email))
        .await;
    assert_eq!(
        (code, error["error"]["field"].as_str()),
        (400, Some("contact")),
        "{error}"
    );

    // A mail server no one needs to reach: mail is on.
    let server = TestServer::start_with(|c| c.smtp = Some(crate::mail::smtp_to(9))).await;
    let mut physician = ApiClient::new(server.addr);
    let mut no_way = request_body("Sam", "en");
    no_way["contact"] = json!("email");
    let (code, error) = physician.call("POST", "/api/support/requests", Some(no_way)).await;
    assert_eq!(
        (code, error["error"]["field"].as_str()),
        (400, Some("email")),
        "{error}"
    );
    let mut elsewhere = request_body("Sam", "en");
    elsewhere["time_zone"] = json!("Mars/Olympus");
    let (code, error) = physician.call("POST", "/api/support/requests", Some(elsewhere)).await;
    assert_eq!((code, error["error"]["field"].as_str()), (400, Some("time_zone")));
    let mut bad = request_body("Sam", "en");
    bad["contact"] = json!("email");
    bad["email"] = json!("sam@hopital");
    let (code, error) = physician.call("POST", "/api/support/requests", Some(bad)).await;
    assert_eq!((code, error["error"]["field"].as_str()), (400, Some("email")));
    let mut nameless = request_body(" ", "en");
    nameless["times"] = json!("");
    let (code, error) = physician.call("POST", "/api/support/requests", Some(nameless)).await;
    assert_eq!((code, error["error"]["field"].as_str()), (400, Some("first_name")));
    let (code, _) = physician
        .call("POST", "/api/support/status", Some(json!({"token": "nope"})))
        .await;
    assert_eq!(code, 404);

    let mut lee = organizer(&server, "lee@example.org").await;
    let (mut alex, alex_id) = enrolled_supporter(&server, &mut lee, "alex@hopital.test").await;
    let token = ask(&mut physician, "Sam").await;
    let (_, open) = lee.call("GET", "/api/support/open-requests", None).await;
    let id = open[0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/support/open-requests/{id}/match");
    let past = json!({"supporter_id": alex_id, "starts_at": in_days(-1), "minutes": 45});
    let (code, error) = lee.call("POST", &path, Some(past)).await;
    assert_eq!((code, error["error"]["field"].as_str()), (400, Some("starts_at")));

    // A paused supporter takes no new request; nor does one taken off the roster.
    let (code, _) = alex
        .call("PATCH", "/api/me/supporter", Some(json!({"paused": true})))
        .await;
    assert_eq!(code, 200);
    let soon = json!({"supporter_id": alex_id, "starts_at": in_days(2), "minutes": 45});
    let (code, error) = lee.call("POST", &path, Some(soon.clone())).await;
    assert_eq!(code, 409, "{error}");
    let (_, open) = lee.call("GET", "/api/support/open-requests", None).await;
    assert_eq!(open[0]["suggestions"], json!([]), "a paused supporter is not suggested");
    alex.call("PATCH", "/api/me/supporter", Some(json!({"paused": false})))
        .await;
    let (code, _) = lee
        .call(
            "POST",
            &format!("/api/supporters/{alex_id}/deactivate"),
            Some(json!({})),
        )
        .await;
    assert_eq!(code, 200);
    let (code, _) = lee.call("POST", &path, Some(soon)).await;
    assert_eq!(code, 409);
    let (code, _) = alex.call("GET", "/api/me/requests", None).await;
    assert_eq!(code, 401, "a supporter taken off the roster is logged out");

    // The physician cancels; the link then changes nothing more.
    let cancel = json!({"token": token, "reason": "found_support_elsewhere"});
    let (code, cancelled) = physician
        .call("POST", "/api/support/cancel", Some(cancel.clone()))
        .await;
    assert_eq!((code, cancelled["cancelled_by"].as_str()), (200, Some("physician")));
    let (code, error) = physician.call("POST", "/api/support/cancel", Some(cancel)).await;
    assert_eq!(code, 409);
    assert_eq!(error["error"]["message"], "this request is closed");
    let (code, _) = physician
        .call(
            "POST",
            "/api/support/cancel",
            Some(json!({"token": token, "reason": "because"})),
        )
        .await;
    assert_eq!(code, 400);
}

#[tokio::test]
async fn one_address_cannot_fill_the_organizers_list() {
    let server = TestServer::start().await;
    let mut stranger = ApiClient::new(server.addr);
    for _ in 0..5 {
        ask(&mut stranger, "Sam").await;
    }
    let (code, _) = stranger
        .call("POST", "/api/support/requests", Some(request_body("Sam", "en")))
        .await;
    assert_eq!(code, 429);
    let mut lee = organizer(&server, "lee@example.org").await;
    let (_, open) = lee.call("GET", "/api/support/open-requests", None).await;
    assert_eq!(open.as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn a_first_start_puts_a_demo_supporter_on_the_roster_who_can_enrol() {
    let db = TestDatabase::fresh();
    let server = crate::support::ServerProcess::start(&db);
    let link = server
        .banner_value("supporter enrolment link:")
        .expect("the first start prints the demo supporter's enrolment link");
    assert!(link.contains("/organize/enrol#"), "{link}");
    let mut supporter = ApiClient::new(server.addr);
    let body = json!({"token": token_of(&link), "password": "a long enough password", "time_zone": "America/Toronto"});
    let (status, profile) = supporter.call("POST", "/api/supporters/enrol", Some(body)).await;
    assert_eq!(status, 200, "{profile}");
    assert_eq!(profile["languages"], json!(["en", "fr"]));
    let (code, requests) = supporter.call("GET", "/api/me/requests", None).await;
    assert_eq!((code, requests), (200, json!([])), "enrolled, with nothing matched yet");
}

/// The two joins of a one-on-one meeting a few minutes from now: whether the
/// physician, having accepted the rules, is let straight in.
async fn physician_comes_straight_in(waiting_room: bool) -> bool {
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let (mut alex, alex_id) = enrolled_supporter(&server, &mut lee, "alex@hopital.test").await;
    let (code, profile) = alex
        .call(
            "PATCH",
            "/api/me/supporter",
            Some(json!({"waiting_room": waiting_room})),
        )
        .await;
    assert_eq!((code, profile["waiting_room"].as_bool()), (200, Some(waiting_room)));
    let mut physician = ApiClient::new(server.addr);
    let token = ask(&mut physician, "Sam").await;
    let (_, open) = lee.call("GET", "/api/support/open-requests", None).await;
    let id = open[0]["id"].as_str().unwrap().to_owned();
    let soon = (chrono::Utc::now() + chrono::Duration::minutes(2)).to_rfc3339();
    let matched = json!({"supporter_id": alex_id, "starts_at": soon, "minutes": 30});
    lee.call("POST", &format!("/api/support/open-requests/{id}/match"), Some(matched))
        .await;
    alex.call("POST", &format!("/api/me/requests/{id}/accept"), Some(json!({})))
        .await;
    let (_, status) = physician
        .call("POST", "/api/support/status", Some(json!({"token": token})))
        .await;
    let room = token_of(status["room_link"].as_str().unwrap());
    let mut guest = TestClient::greeted(&server.ws_url()).await;
    let joined = guest.join(&room, "Sam").await;
    assert_eq!(joined["type"], "joined", "{joined}");
    let gate = guest.request(json!({"type": "accept_rules"})).await;
    assert_eq!(gate["type"], "ack", "{gate}");
    // Let in: the room itself comes; kept waiting: the gate says so.
    let next = guest
        .expect_where(
            |m| m["type"] == "room_state" || m["type"] == "gate",
            "the room or the gate",
        )
        .await;
    next["type"] == "room_state"
}

#[tokio::test]
async fn a_physician_comes_straight_in_unless_the_supporter_wants_a_waiting_room() {
    assert!(physician_comes_straight_in(false).await, "no waiting room by default");
    assert!(!physician_comes_straight_in(true).await, "the supporter lets them in");
}

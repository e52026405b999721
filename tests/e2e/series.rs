//! Recurring series through the organizers' API: occurrences, one changed and
//! one cancelled on its own, a link for the whole series, and a calendar feed
//! that an independent parser reads back with its rule and exceptions.

use icalendar::Component;
use serde_json::{Value, json};

use crate::support::http::organizer;
use crate::support::{TestClient, TestServer, http, token_of};

fn every_two_weeks(count: u32) -> Value {
    let zone: chrono_tz::Tz = "America/Toronto".parse().unwrap();
    let start = chrono::Utc::now().with_timezone(&zone) + chrono::Duration::minutes(10);
    json!({
        "title": "Night shift group",
        "starts_at": start.format("%Y-%m-%dT%H:%M").to_string(),
        "time_zone": "America/Toronto",
        "duration_minutes": 60,
        "every_weeks": 2,
        "count": count
    })
}

fn local_stamp(session: &Value) -> String {
    session["starts_at_local"].as_str().unwrap().replace(['-', ':'], "") + "00"
}

#[tokio::test]
async fn a_series_feed_has_its_rule_its_exceptions_and_its_changed_occurrence() {
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let (status, created) = lee.call("POST", "/api/series", Some(every_two_weeks(4))).await;
    assert_eq!(status, 201, "{created}");
    let occurrences = created["occurrences"].as_array().unwrap().clone();
    assert_eq!(occurrences.len(), 4);
    let local = |i: usize| occurrences[i]["starts_at_local"].as_str().unwrap()[11..].to_owned();
    assert!(
        (1..4).all(|i| local(i) == local(0)),
        "the same wall-clock time every time: {occurrences:?}"
    );

    // One cancelled, one moved an hour later, each on its own.
    let second = occurrences[1]["id"].as_str().unwrap();
    assert_eq!(
        lee.call("POST", &format!("/api/sessions/{second}/cancel"), None)
            .await
            .0,
        200
    );
    let third = occurrences[2]["id"].as_str().unwrap();
    let moved = occurrences[2]["starts_at_local"]
        .as_str()
        .unwrap()
        .replace(&local(2), "")
        + "23:30";
    let (status, changed) = lee
        .call(
            "PATCH",
            &format!("/api/sessions/{third}"),
            Some(json!({"starts_at": moved})),
        )
        .await;
    assert_eq!(status, 200, "{changed}");

    let id = created["series"]["id"].as_str().unwrap();
    let cookie = format!("peer_room_login={}", lee.cookie.clone().unwrap());
    let (status, response) = http::get(
        server.addr,
        &format!("/api/series/{id}/calendar.ics"),
        &[("Cookie", &cookie)],
    )
    .await;
    assert_eq!(status, 200);
    let calendar: icalendar::Calendar = http::body(&response)
        .parse()
        .expect("an independent parser reads the feed");
    let events: Vec<&icalendar::Event> = calendar.components.iter().filter_map(|c| c.as_event()).collect();
    assert_eq!(events.len(), 2, "the series, and the changed occurrence");
    let master = events
        .iter()
        .find(|e| e.property_value("RRULE").is_some())
        .expect("the series' event");
    let rule = master.property_value("RRULE").unwrap();
    assert!(
        rule.contains("FREQ=WEEKLY") && rule.contains("INTERVAL=2") && rule.contains("COUNT=4"),
        "{rule}"
    );
    assert_eq!(
        master.property_value("DTSTART"),
        Some(local_stamp(&occurrences[0]).as_str())
    );
    // EXDATE may repeat, so the parser may keep it with the repeating properties.
    let exdates: Vec<&str> = master
        .properties()
        .get("EXDATE")
        .into_iter()
        .chain(master.multi_properties().get("EXDATE").into_iter().flatten())
        .map(|p| p.value())
        .collect();
    assert_eq!(
        exdates,
        vec![local_stamp(&occurrences[1])],
        "the cancelled occurrence is excluded"
    );
    let link = created["links"]["participant"].as_str().unwrap();
    assert!(master.get_description().unwrap().contains(link));
    let changed_event = events
        .iter()
        .find(|e| e.property_value("RECURRENCE-ID").is_some())
        .expect("the changed one");
    assert_eq!(
        changed_event.property_value("RECURRENCE-ID"),
        Some(local_stamp(&occurrences[2]).as_str())
    );
    assert_eq!(
        changed_event.get_uid(),
        master.get_uid(),
        "it replaces an occurrence of the same series"
    );
}

#[tokio::test]
async fn the_series_link_opens_the_occurrence_that_is_on() {
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let (_, created) = lee.call("POST", "/api/series", Some(every_two_weeks(3))).await;
    let first = created["occurrences"][0]["id"].clone();
    let link = created["links"]["participant"].as_str().unwrap();
    let mut client = TestClient::greeted(&server.ws_url()).await;
    let joined = client.join(&token_of(link), "Sam").await;
    assert_eq!(joined["type"], "joined", "{joined}");
    assert_eq!(joined["session"]["id"], first);

    // With the first cancelled, the same link opens the next one (not yet open).
    let path = format!("/api/sessions/{}/cancel", first.as_str().unwrap());
    lee.call("POST", &path, None).await;
    let mut later = TestClient::greeted(&server.ws_url()).await;
    assert_eq!(later.join(&token_of(link), "Sam").await["code"], "not_open_yet");

    let id = created["series"]["id"].as_str().unwrap();
    let (_, detail) = lee
        .call("POST", &format!("/api/series/{id}/links/participant/regenerate"), None)
        .await;
    assert_ne!(detail["links"]["participant"].as_str(), Some(link));
    let mut old = TestClient::greeted(&server.ws_url()).await;
    assert_eq!(old.join(&token_of(link), "Sam").await["code"], "invalid_token");
}

#[tokio::test]
async fn series_are_their_organizers_and_bad_rules_name_the_field() {
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let mut kim = organizer(&server, "kim@example.org").await;
    let (_, created) = lee.call("POST", "/api/series", Some(every_two_weeks(2))).await;
    let path = format!("/api/series/{}", created["series"]["id"].as_str().unwrap());
    assert_eq!(kim.call("GET", &path, None).await.0, 404);
    assert_eq!(kim.call("GET", &format!("{path}/calendar.ics"), None).await.0, 404);
    assert_eq!(kim.call("GET", "/api/series", None).await.1, json!([]));

    let with = |field: &str, value: Value| {
        let mut body = every_two_weeks(2);
        body[field] = value;
        body
    };
    let mut both = every_two_weeks(2);
    both["until"] = json!("2099-01-01");
    let cases = [
        (with("every_weeks", json!(4)), "every_weeks"),
        (with("count", json!(60)), "count"),
        (both, "recurrence"),
        (with("until", json!("yesterday")), "until"),
    ];
    for (body, field) in cases {
        let (status, error) = lee.call("POST", "/api/series", Some(body)).await;
        assert_eq!(
            (status, error["error"]["field"].as_str()),
            (400, Some(field)),
            "{error}"
        );
    }
    assert_eq!(
        lee.call("GET", "/api/series", None).await.1.as_array().unwrap().len(),
        1,
        "nothing half written"
    );
}

//! Email through a real mail server (a throwaway exim, `testkit::mail_server`):
//! invitations with each person's own link and a calendar file read back
//! with an independent parser, in each person's language; a new time and a
//! cancellation; a refused address shown to the organizer; bad input refused
//! with nothing stored; and no mail server at all.

use std::time::Duration;

use icalendar::{Calendar, Component, Event};
use peer_room::mail::{Security, SmtpSettings};
use peer_room_testkit::mail_server::{MailServer, ReceivedMail};
use serde_json::{Value, json};

use crate::support::http::{ApiClient, organizer};
use crate::support::{TestServer, token_of};

const WAIT: Duration = Duration::from_secs(20);

pub fn smtp_to(port: u16) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        security: Security::None,
        user: None,
        password: None,
        from: "PeerRoom <rooms@peer-room.test>".into(),
    }
}

/// A session two days from now, in Toronto.
pub fn in_two_days(title: &str) -> Value {
    let zone: chrono_tz::Tz = "America/Toronto".parse().unwrap();
    let start = chrono::Utc::now().with_timezone(&zone) + chrono::Duration::days(2);
    json!({
        "title": title,
        "starts_at": start.format("%Y-%m-%dT%H:%M").to_string(),
        "time_zone": "America/Toronto",
        "duration_minutes": 60,
        "capacity": 12,
    })
}

/// The join link inside a message's text.
pub fn link_in(mail: &ReceivedMail) -> String {
    let text = mail.text.as_deref().expect("a text part");
    let start = text.find("http://").expect("a link in the text");
    text[start..].split_whitespace().next().unwrap().to_owned()
}

/// The calendar file attached to a message, parsed by `icalendar`.
pub fn calendar_of(mail: &ReceivedMail) -> (String, Calendar) {
    let file = mail
        .attachments
        .iter()
        .find(|a| a.content_type.starts_with("text/calendar"))
        .expect("a calendar file attached");
    let text = String::from_utf8(file.bytes.clone()).expect("UTF-8 calendar");
    let calendar: Calendar = text.parse().expect("a calendar an independent parser reads");
    (text, calendar)
}

pub fn event_of(calendar: &Calendar) -> &Event {
    calendar.components.iter().find_map(|c| c.as_event()).expect("an event")
}

async fn invite(client: &mut ApiClient, session: &str, body: Value) -> Value {
    let (status, added) = client
        .call("POST", &format!("/api/sessions/{session}/invitees"), Some(body))
        .await;
    assert_eq!(status, 201, "{added}");
    added
}

// The mail server is read with blocking waits: the server's sender needs a
// thread of its own meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_person_gets_their_own_link_and_calendar_file_in_their_language() {
    let mail = MailServer::start().expect("a throwaway mail server");
    let server = TestServer::start_with(|c| c.smtp = Some(smtp_to(mail.port()))).await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let (_, created) = lee
        .call("POST", "/api/sessions", Some(in_two_days("Groupe de nuit")))
        .await;
    let id = created["session"]["id"].as_str().unwrap().to_owned();

    let en = invite(
        &mut lee,
        &id,
        json!({"emails": ["ana@hopital.test", "Ben@Hopital.test"]}),
    )
    .await;
    assert_eq!(en["mail_enabled"], true);
    invite(
        &mut lee,
        &id,
        json!({"emails": ["chloe@clinique.test"], "language": "fr"}),
    )
    .await;
    invite(
        &mut lee,
        &id,
        json!({"emails": ["dee@hopital.test"], "role": "facilitator"}),
    )
    .await;

    let received = mail.wait_for(4, WAIT).expect("four invitations");
    // The mail server has the messages; the sender marks each sent once the
    // server has answered.
    let mut list = Value::Null;
    for _ in 0..100 {
        list = lee.call("GET", &format!("/api/sessions/{id}/invitees"), None).await.1;
        if list["invitees"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["mail"][0]["status"] == "sent")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let people = list["invitees"].as_array().unwrap();
    assert_eq!(people.len(), 4);
    let mut links = Vec::new();
    for person in people {
        let address = person["email"].as_str().unwrap();
        let message = received
            .iter()
            .find(|m| m.to == [address.to_owned()])
            .unwrap_or_else(|| panic!("no mail to {address}"));
        let link = link_in(message);
        assert_eq!(
            Some(link.as_str()),
            person["link"].as_str(),
            "the link the organizer sees"
        );
        assert!(message.html.as_deref().unwrap().contains(&format!("href=\"{link}\"")));
        assert!(message.message_id.ends_with("@127.0.0.1"), "{}", message.message_id);
        links.push(link.clone());

        let (text, calendar) = calendar_of(message);
        assert_eq!(calendar.property_value("METHOD"), Some("REQUEST"));
        let event = event_of(&calendar);
        assert_eq!(event.get_uid(), Some(format!("{id}@peer-room").as_str()));
        assert_eq!(event.get_summary(), Some("Groupe de nuit"));
        assert_eq!(event.property_value("SEQUENCE"), Some("0"));
        let unfolded = text.replace("\r\n ", "").replace("\n ", "");
        let attendee = unfolded
            .lines()
            .find(|l| l.starts_with("ATTENDEE"))
            .expect("an attendee");
        assert!(attendee.ends_with(&format!(":mailto:{address}")), "{attendee}");

        // The link opens the session, in the role the person was invited in.
        let (status, info) = lee
            .call("POST", "/api/link-info", Some(json!({"token": token_of(&link)})))
            .await;
        assert_eq!(status, 200, "{info}");
        assert_eq!(info["role"], person["role"]);
        assert_eq!(person["mail"][0]["status"], "sent", "{person}");
    }
    links.sort();
    links.dedup();
    assert_eq!(links.len(), 4, "four different links");

    let chloe = received.iter().find(|m| m.to == ["chloe@clinique.test"]).unwrap();
    assert!(
        chloe.subject.starts_with("Invitation : Groupe de nuit"),
        "{}",
        chloe.subject
    );
    assert!(chloe.text.as_deref().unwrap().contains("Rejoignez la salle"));
    let ben = received
        .iter()
        .find(|m| m.to == ["Ben@hopital.test"])
        .expect("the domain lower-cased");
    assert!(ben.text.as_deref().unwrap().contains("Join from your browser"));
    let dee = received.iter().find(|m| m.to == ["dee@hopital.test"]).unwrap();
    assert!(dee.text.as_deref().unwrap().contains("do not share"));
    assert_eq!(people[3]["role"], "facilitator");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_time_updates_the_calendar_and_a_cancellation_takes_it_out() {
    let mail = MailServer::start().expect("a throwaway mail server");
    let server = TestServer::start_with(|c| c.smtp = Some(smtp_to(mail.port()))).await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let (_, created) = lee
        .call("POST", "/api/sessions", Some(in_two_days("Evening group")))
        .await;
    let id = created["session"]["id"].as_str().unwrap().to_owned();
    invite(&mut lee, &id, json!({"emails": ["ana@hopital.test"]})).await;
    mail.wait_for(1, WAIT).expect("the invitation");

    let zone: chrono_tz::Tz = "America/Toronto".parse().unwrap();
    let later = chrono::Utc::now().with_timezone(&zone) + chrono::Duration::days(3);
    let new_start = later.format("%Y-%m-%dT%H:%M").to_string();
    let (status, _) = lee
        .call(
            "PATCH",
            &format!("/api/sessions/{id}"),
            Some(json!({"starts_at": new_start})),
        )
        .await;
    assert_eq!(status, 200);
    // A change of title alone tells no one.
    lee.call(
        "PATCH",
        &format!("/api/sessions/{id}"),
        Some(json!({"title": "Evening group (renamed)"})),
    )
    .await;
    let received = mail.wait_for(2, WAIT).expect("the new time");
    let moved = &received[1];
    assert!(
        moved.subject.starts_with("New time: Evening group"),
        "{}",
        moved.subject
    );
    let (_, calendar) = calendar_of(moved);
    assert_eq!(calendar.property_value("METHOD"), Some("REQUEST"));
    let event = event_of(&calendar);
    assert_eq!(event.property_value("SEQUENCE"), Some("1"));
    assert_eq!(
        event.property_value("DTSTART"),
        Some(later.format("%Y%m%dT%H%M00").to_string().as_str())
    );

    let (status, _) = lee
        .call("POST", &format!("/api/sessions/{id}/cancel"), Some(json!({})))
        .await;
    assert_eq!(status, 200);
    let received = mail.wait_for(3, WAIT).expect("the cancellation");
    let cancelled = &received[2];
    assert!(
        cancelled.subject.starts_with("Cancelled: Evening group"),
        "{}",
        cancelled.subject
    );
    assert!(
        !cancelled.text.as_deref().unwrap().contains("/join#"),
        "no link to a cancelled session"
    );
    let (_, calendar) = calendar_of(cancelled);
    assert_eq!(calendar.property_value("METHOD"), Some("CANCEL"));
    let event = event_of(&calendar);
    assert_eq!(event.property_value("STATUS"), Some("CANCELLED"));
    assert_eq!(event.property_value("SEQUENCE"), Some("2"));
    assert_eq!(event.get_uid(), Some(format!("{id}@peer-room").as_str()));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(mail.messages().len(), 3, "nothing else was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_the_mail_server_refuses_shows_as_failed_to_the_organizer() {
    let mail = MailServer::start().expect("a throwaway mail server");
    let server = TestServer::start_with(|c| c.smtp = Some(smtp_to(mail.port()))).await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let (_, created) = lee
        .call("POST", "/api/sessions", Some(in_two_days("Evening group")))
        .await;
    let id = created["session"]["id"].as_str().unwrap().to_owned();
    invite(
        &mut lee,
        &id,
        json!({"emails": ["nobody@refused.test", "ana@hopital.test"]}),
    )
    .await;
    mail.wait_for(1, WAIT).expect("the good one arrives");
    let mut refused = Value::Null;
    for _ in 0..100 {
        let (_, list) = lee.call("GET", &format!("/api/sessions/{id}/invitees"), None).await;
        refused = list["invitees"][0]["mail"][0].clone();
        if refused["status"] == "failed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(refused["status"], "failed", "{refused}");
    assert_eq!(refused["failure"], "refused by the mail server (550)");
}

#[tokio::test]
async fn bad_addresses_and_header_injection_are_refused_and_nothing_is_stored() {
    let mail = MailServer::start().expect("a throwaway mail server");
    let server = TestServer::start_with(|c| c.smtp = Some(smtp_to(mail.port()))).await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let (_, created) = lee
        .call("POST", "/api/sessions", Some(in_two_days("Evening group")))
        .await;
    let id = created["session"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/sessions/{id}/invitees");
    for bad in [
        "ana@hopital",
        "ana.hopital.test",
        "ana@hopital.test\r\nBcc: eve@evil.test",
    ] {
        let body = json!({"emails": ["ok@hopital.test", bad]});
        let (status, error) = lee.call("POST", &path, Some(body)).await;
        assert_eq!(status, 400, "{bad:?}: {error}");
        assert_eq!(error["error"]["field"], "emails");
        assert!(error["error"]["message"].as_str().unwrap().contains("ana"), "{error}");
    }
    let (status, _) = lee
        .call("POST", &path, Some(json!({"emails": ["a@b.test"], "language": "de"})))
        .await;
    assert_eq!(status, 400);
    let (_, list) = lee.call("GET", &path, None).await;
    assert_eq!(list["invitees"], json!([]), "one bad address adds no one");

    // A line break in a title would be a header of its own in the subject.
    let (status, error) = lee
        .call(
            "PATCH",
            &format!("/api/sessions/{id}"),
            Some(json!({"title": "Group\r\nBcc: eve@evil.test"})),
        )
        .await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["error"]["field"], "title");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(mail.messages().is_empty());
}

#[tokio::test]
async fn with_no_mail_server_nothing_is_queued_and_each_link_is_there_to_copy() {
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let (_, created) = lee
        .call("POST", "/api/sessions", Some(in_two_days("Evening group")))
        .await;
    let id = created["session"]["id"].as_str().unwrap().to_owned();
    let added = invite(
        &mut lee,
        &id,
        json!({"emails": ["ana@hopital.test", "ana@HOPITAL.test"]}),
    )
    .await;
    assert_eq!(added["mail_enabled"], false);
    assert_eq!(added["added"].as_array().unwrap().len(), 1);
    assert_eq!(added["already_invited"], json!(["ana@hopital.test"]));
    let person = &added["added"][0];
    assert_eq!(person["mail"], json!([]), "nothing queued");
    let link = person["link"].as_str().unwrap();
    // Not the session's shared participant link: theirs alone.
    assert_ne!(Some(link), created["links"]["participant"].as_str());
    let (_, shared) = lee.call("GET", &format!("/api/sessions/{id}/links"), None).await;
    assert_eq!(shared["participant"], created["links"]["participant"]);

    // Revoked: the link stops working at once.
    let person_id = person["id"].as_str().unwrap();
    let (status, list) = lee
        .call(
            "POST",
            &format!("/api/sessions/{id}/invitees/{person_id}/revoke"),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(list["invitees"][0]["revoked"], true);
    assert_eq!(list["invitees"][0]["link"], Value::Null);
    let (_, info) = lee
        .call("POST", "/api/link-info", Some(json!({"token": token_of(link)})))
        .await;
    assert_eq!(info["state"], "revoked", "{info}");
    // Another organizer cannot see or change this session's people.
    let mut kim = organizer(&server, "kim@example.org").await;
    let (status, _) = kim.call("GET", &format!("/api/sessions/{id}/invitees"), None).await;
    assert_eq!(status, 404);
}

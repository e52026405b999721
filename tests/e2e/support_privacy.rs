//! What one-on-one support keeps, and for how long: a time agreed sends each
//! of the two their own invitation (through a real mail server), a request
//! closed is forgotten on time (time passed in, not slept), and the log
//! names no one.

use std::time::Duration;

use peer_room::store::{Cancel, Language, NewRequest, Store};
use peer_room_testkit::mail_server::MailServer;
use serde_json::json;

use crate::mail::{calendar_of, link_in, smtp_to};
use crate::support::http::{ApiClient, organizer};
use crate::support::{TestServer, token_of};
use crate::support_flow::{enrolled_supporter, in_days, request_body};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_time_agreed_invites_both_to_their_own_link_and_a_cancellation_tells_both() {
    let mail = MailServer::start().expect("a throwaway mail server");
    let server = TestServer::start_with(|c| c.smtp = Some(smtp_to(mail.port()))).await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let (mut alex, alex_id) = enrolled_supporter(&server, &mut lee, "alex@hopital.test").await;
    let mut physician = ApiClient::new(server.addr);
    let mut body = request_body("Sam", "fr");
    body["contact"] = json!("email");
    body["email"] = json!("sam@clinique.test");
    let (code, created) = physician.call("POST", "/api/support/requests", Some(body)).await;
    assert_eq!(code, 201, "{created}");
    let private_link = created["link"].as_str().unwrap().to_owned();
    // "Your request is in", with the private link: the way back to it.
    let received = mail.wait_for(1, Duration::from_secs(20)).expect("the request is in");
    assert!(
        received[0].subject.starts_with("Votre demande de pair est reçue"),
        "{}",
        received[0].subject
    );
    assert_eq!(link_in(&received[0]), private_link);
    assert!(
        received[0].attachments.is_empty(),
        "no calendar file before a time is agreed"
    );

    let (_, open) = lee.call("GET", "/api/support/open-requests", None).await;
    let id = open[0]["id"].as_str().unwrap().to_owned();
    let matched = json!({"supporter_id": alex_id, "starts_at": in_days(2), "minutes": 45});
    lee.call("POST", &format!("/api/support/open-requests/{id}/match"), Some(matched))
        .await;
    // The supporter proposes another time: the physician is told, to accept it.
    let propose = json!({"starts_at": in_days(3), "minutes": 45});
    let (code, _) = alex
        .call("POST", &format!("/api/me/requests/{id}/propose"), Some(propose))
        .await;
    assert_eq!(code, 200);
    let received = mail.wait_for(2, Duration::from_secs(20)).expect("the time proposed");
    assert!(
        received[1].subject.starts_with("Une heure pour votre conversation"),
        "{}",
        received[1].subject
    );
    assert!(received[1].text.as_deref().unwrap().contains("Dr. Alex Martin"));
    assert_eq!(link_in(&received[1]), private_link);
    let (code, accepted) = physician
        .call(
            "POST",
            "/api/support/accept",
            Some(json!({"token": token_of(&private_link)})),
        )
        .await;
    assert_eq!(code, 200, "{accepted}");

    let received = mail.wait_for(4, Duration::from_secs(20)).expect("two invitations");
    let received = &received[2..];
    let to_physician = received
        .iter()
        .find(|m| m.to == ["sam@clinique.test"])
        .expect("the physician's");
    let to_supporter = received
        .iter()
        .find(|m| m.to == ["alex@hopital.test"])
        .expect("the supporter's");
    assert!(
        to_physician
            .subject
            .starts_with("Invitation : Conversation de soutien par les pairs"),
        "{}",
        to_physician.subject
    );
    assert!(to_physician.text.as_deref().unwrap().contains("rien n'est enregistré"));
    assert!(
        to_supporter.text.as_deref().unwrap().contains("Vous rencontrez"),
        "in the request's language, which the supporter speaks"
    );
    let (_, status) = physician
        .call(
            "POST",
            "/api/support/status",
            Some(json!({"token": token_of(created["link"].as_str().unwrap())})),
        )
        .await;
    assert_eq!(
        link_in(to_physician),
        status["room_link"].as_str().unwrap(),
        "the mail carries the physician's own link"
    );
    assert_ne!(link_in(to_physician), link_in(to_supporter));
    assert!(
        !to_physician.text.as_deref().unwrap().contains("alex@"),
        "no one's address is in the other's mail"
    );
    let (_, calendar) = calendar_of(to_supporter);
    assert_eq!(calendar.property_value("METHOD"), Some("REQUEST"));

    let reason = json!({"reason": "supporter_unavailable"});
    let (code, _) = alex
        .call("POST", &format!("/api/me/requests/{id}/cancel"), Some(reason))
        .await;
    assert_eq!(code, 200);
    let received = mail.wait_for(6, Duration::from_secs(20)).expect("two cancellations");
    let cancels: Vec<_> = received.iter().filter(|m| m.subject.starts_with("Annul")).collect();
    assert_eq!(
        cancels.len(),
        2,
        "{:?}",
        received.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    let (_, status) = physician
        .call(
            "POST",
            "/api/support/status",
            Some(json!({"token": token_of(created["link"].as_str().unwrap())})),
        )
        .await;
    assert_eq!(
        (status["state"].as_str(), status["cancelled_by"].as_str()),
        (Some("cancelled"), Some("supporter"))
    );
    assert_eq!(status["room_link"], serde_json::Value::Null);
}

const DAY: i64 = 24 * 3_600_000;

#[tokio::test]
async fn what_identifies_a_physician_is_forgotten_on_time_after_the_request_closes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("peer-room.db").display()))
        .await
        .unwrap();
    let new = NewRequest {
        first_name: "Sam".into(),
        email: Some("sam@clinique.test".into()),
        language: Language::En,
        practice_area: Some("Emergency medicine".into()),
        area_preference: "same".into(),
        supporter_status: "any".into(),
        times: "evenings".into(),
        time_zone: Some("America/Halifax".into()),
    };
    let start = 1_796_000_000_000;
    let (open, _) = store.create_request(&new, false, start).await.unwrap();
    let (closed, _) = store.create_request(&new, false, start).await.unwrap();
    let cancel = Cancel {
        by: "physician",
        reason: "no_longer_needed".into(),
    };
    store
        .cancel_request(&closed.id, &cancel, None, false, start + DAY)
        .await
        .unwrap();

    assert_eq!(
        store.forget_closed_requests(start + 30 * DAY, 30).await.unwrap(),
        0,
        "29 days after closing: kept"
    );
    assert_eq!(
        store.forget_closed_requests(start + 31 * DAY, 30).await.unwrap(),
        1,
        "30 days after: forgotten"
    );
    let forgotten = store.support_request(&closed.id).await.unwrap();
    assert_eq!(
        (forgotten.first_name, forgotten.email, forgotten.times),
        (None, None, None)
    );
    assert_eq!(
        forgotten.practice_area.as_deref(),
        Some("Emergency medicine"),
        "what the counts need stays"
    );
    let still_open = store.support_request(&open.id).await.unwrap();
    assert_eq!(
        still_open.first_name.as_deref(),
        Some("Sam"),
        "an open request is never forgotten"
    );
    assert_eq!(
        store.forget_closed_requests(start + 400 * DAY, 30).await.unwrap(),
        0,
        "once"
    );
    // A shorter retention, as a deployment may set.
    let (other, _) = store.create_request(&new, false, start).await.unwrap();
    store
        .cancel_request(&other.id, &cancel, None, false, start)
        .await
        .unwrap();
    assert_eq!(store.forget_closed_requests(start + 7 * DAY, 7).await.unwrap(), 1);
}

#[tokio::test]
async fn nothing_a_physician_or_a_supporter_types_reaches_the_log_at_any_level() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("peer-room.db");
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    // As verbose as it gets, down to the database library's statements.
    let filter = "trace,hyper::proto=trace,sqlx::query=trace";
    let server = crate::support::ServerProcess::start_logging(&db, filter, std::process::Stdio::from(log));
    let enrol = token_of(&server.banner_value("supporter enrolment link:").unwrap());
    let mut supporter = ApiClient::new(server.addr);
    let body = json!({"token": enrol, "password": "a long enough password", "time_zone": "America/Toronto"});
    let (code, _) = supporter.call("POST", "/api/supporters/enrol", Some(body)).await;
    assert_eq!(code, 200);
    let mut physician = ApiClient::new(server.addr);
    let mut request = request_body("Quetzalcoatl", "fr");
    request["times"] = json!("after my xylophone lesson");
    request["practice_area"] = json!("Zymurgy");
    let (code, created) = physician.call("POST", "/api/support/requests", Some(request)).await;
    assert_eq!(code, 201, "{created}");
    let token = token_of(created["link"].as_str().unwrap());
    physician
        .call("POST", "/api/support/status", Some(json!({"token": token})))
        .await;
    let (_, mine) = supporter.call("GET", "/api/me/requests", None).await;
    assert_eq!(mine, json!([]));
    drop(server);
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(!log.is_empty(), "the log was written");
    for secret in [
        "Quetzalcoatl",
        "xylophone",
        "Zymurgy",
        &token,
        &enrol,
        "a long enough password",
    ] {
        assert!(!log.contains(secret), "the log holds {secret}");
    }
}

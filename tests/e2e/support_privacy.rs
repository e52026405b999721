//! What one-on-one support keeps, and for how long: a time agreed sends each
//! of the two their own invitation (through a real mail server), a request
//! closed is forgotten on time (time passed in, not slept), and the log
//! names no one.

use std::time::Duration;

use peer_room::store::{Cancel, Language, NewRequest};
use peer_room_testkit::mail_server::{MailServer, ReceivedMail};
use serde_json::json;

use crate::mail::{calendar_of, link_in, smtp_to};
use crate::support::http::{ApiClient, organizer};
use crate::support::{TestDatabase, TestServer, token_of};
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
    let received = arrived(&mail, "sam@clinique.test", "Votre demande de pair est reçue");
    assert_eq!(link_in(&received), private_link);
    assert!(
        received.attachments.is_empty(),
        "no calendar file before a time is agreed"
    );

    let (_, open) = lee.call("GET", "/api/support/open-requests", None).await;
    let id = open[0]["id"].as_str().unwrap().to_owned();
    let matched = json!({"supporter_id": alex_id, "starts_at": in_days(2), "minutes": 45});
    lee.call("POST", &format!("/api/support/open-requests/{id}/match"), Some(matched))
        .await;
    // The supporter hears of the match, in the request's language (they speak it).
    let told = arrived(&mail, "alex@hopital.test", "Un·e médecin vous est jumelé·e");
    assert!(
        told.text.as_deref().unwrap().contains("Sam a demandé un·e pair"),
        "{:?}",
        told.text
    );
    assert!(
        !told.text.as_deref().unwrap().contains("sam@clinique"),
        "never the physician's address"
    );
    // The supporter proposes another time: the physician is told, to accept it.
    let propose = json!({"starts_at": in_days(3), "minutes": 45});
    let (code, _) = alex
        .call("POST", &format!("/api/me/requests/{id}/propose"), Some(propose))
        .await;
    assert_eq!(code, 200);
    let proposed = arrived(&mail, "sam@clinique.test", "Une heure pour votre conversation");
    assert!(proposed.text.as_deref().unwrap().contains("Dr. Alex Martin"));
    assert_eq!(link_in(&proposed), private_link);
    let (code, accepted) = physician
        .call(
            "POST",
            "/api/support/accept",
            Some(json!({"token": token_of(&private_link)})),
        )
        .await;
    assert_eq!(code, 200, "{accepted}");

    let to_physician = arrived(
        &mail,
        "sam@clinique.test",
        "Invitation : Conversation de soutien par les pairs",
    );
    let to_supporter = arrived(
        &mail,
        "alex@hopital.test",
        "Invitation : Conversation de soutien par les pairs",
    );
    assert!(to_physician.text.as_deref().unwrap().contains("rien n'est enregistré"));
    assert!(
        to_supporter.text.as_deref().unwrap().contains("Vous rencontrez"),
        "in the request's language, which the supporter speaks"
    );
    assert_eq!(
        link_in(&to_physician),
        accepted["room_link"].as_str().unwrap(),
        "the physician's own link"
    );
    assert_ne!(link_in(&to_physician), link_in(&to_supporter));
    assert!(
        !to_physician.text.as_deref().unwrap().contains("alex@"),
        "no one's address is in the other's mail"
    );
    let (_, calendar) = calendar_of(&to_supporter);
    assert_eq!(calendar.property_value("METHOD"), Some("REQUEST"));

    let reason = json!({"reason": "supporter_unavailable"});
    let (code, _) = alex
        .call("POST", &format!("/api/me/requests/{id}/cancel"), Some(reason))
        .await;
    assert_eq!(code, 200);
    arrived(&mail, "sam@clinique.test", "Annulé");
    arrived(&mail, "alex@hopital.test", "Annulé");
    let (_, status) = physician
        .call(
            "POST",
            "/api/support/status",
            Some(json!({"token": token_of(&private_link)})),
        )
        .await;
    assert_eq!(
        (status["state"].as_str(), status["cancelled_by"].as_str()),
        (Some("cancelled"), Some("supporter"))
    );
    assert_eq!(status["room_link"], serde_json::Value::Null);
}

/// The message to `to` whose subject starts with `subject`, once it arrives.
fn arrived(mail: &MailServer, to: &str, subject: &str) -> ReceivedMail {
    let wanted = |m: &ReceivedMail| m.to == [to.to_owned()] && m.subject.starts_with(subject);
    let all = mail
        .wait_until(|all| all.iter().any(wanted), Duration::from_secs(20))
        .unwrap_or_else(|e| panic!("no \"{subject}\" to {to}: {e}"));
    all.into_iter().find(|m| wanted(m)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nominated_supporter_gets_their_enrolment_link_by_email_and_it_works() {
    let mail = MailServer::start().expect("a throwaway mail server");
    let server = TestServer::start_with(|c| c.smtp = Some(smtp_to(mail.port()))).await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let nomination = json!({
        "name": "Dr. Bea Roy", "email": "bea@hopital.test", "practice_areas": ["Psychiatry"],
        "practice_status": "retired", "years_band": "30+", "languages": ["fr"], "trained_on": "2026-02-01",
    });
    let (code, nominated) = lee.call("POST", "/api/supporters", Some(nomination)).await;
    assert_eq!(
        (code, nominated["mail_enabled"].as_bool()),
        (201, Some(true)),
        "{nominated}"
    );
    let first = arrived(&mail, "bea@hopital.test", "Devenir pair aidant·e sur PeerRoom");
    assert_eq!(
        link_in(&first),
        nominated["enrol_link"].as_str().unwrap(),
        "the link the organizer was shown"
    );
    // A new link replaces it, by email too; the first no longer works.
    let id = nominated["supporter"]["id"].as_str().unwrap();
    let (_, renewed) = lee
        .call("POST", &format!("/api/supporters/{id}/enrol-link"), Some(json!({})))
        .await;
    let again = mail
        .wait_until(
            |all| all.iter().filter(|m| m.to == ["bea@hopital.test"]).count() == 2,
            Duration::from_secs(20),
        )
        .unwrap();
    let second = again.iter().rev().find(|m| m.to == ["bea@hopital.test"]).unwrap();
    assert_eq!(link_in(second), renewed["enrol_link"].as_str().unwrap());
    let enrol =
        |token: String| json!({"token": token, "password": "a long enough password", "time_zone": "America/Montreal"});
    let (code, _) = ApiClient::new(server.addr)
        .call("POST", "/api/supporters/enrol", Some(enrol(token_of(&link_in(&first)))))
        .await;
    assert_eq!(code, 403, "the first link no longer works");
    let (code, profile) = ApiClient::new(server.addr)
        .call("POST", "/api/supporters/enrol", Some(enrol(token_of(&link_in(second)))))
        .await;
    assert_eq!(code, 200, "{profile}");
}

const DAY: i64 = 24 * 3_600_000;

#[tokio::test]
async fn what_identifies_a_physician_is_forgotten_on_time_after_the_request_closes() {
    let db = TestDatabase::fresh();
    let store = db.open().await;
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
    let db = TestDatabase::fresh();
    let log_path = db.folder().join("server.log");
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

//! Someone invited to a whole series by email: one invitation with the
//! series' calendar (its rule) and a link of their own that opens whichever
//! meeting is on; a cancelled meeting comes as the series again without it.

use std::time::Duration;

use icalendar::Component;
use peer_room_testkit::mail_server::MailServer;
use serde_json::json;

use crate::mail::{calendar_of, event_of, link_in, smtp_to};
use crate::support::http::organizer;
use crate::support::{TestServer, token_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_series_invitation_carries_the_rule_and_a_cancelled_meeting_comes_out_of_it() {
    let mail = MailServer::start().expect("a throwaway mail server");
    let server = TestServer::start_with(|c| c.smtp = Some(smtp_to(mail.port()))).await;
    let mut lee = organizer(&server, "lee@example.org").await;
    let zone: chrono_tz::Tz = "America/Toronto".parse().unwrap();
    let start = chrono::Utc::now().with_timezone(&zone) + chrono::Duration::days(2);
    let (status, created) = lee
        .call(
            "POST",
            "/api/series",
            Some(json!({
                "title": "Residents' circle",
                "starts_at": start.format("%Y-%m-%dT%H:%M").to_string(),
                "time_zone": "America/Toronto",
                "duration_minutes": 60,
                "every_weeks": 1,
                "count": 3,
            })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["series"]["id"].as_str().unwrap().to_owned();
    let (status, added) = lee
        .call(
            "POST",
            &format!("/api/series/{id}/invitees"),
            Some(json!({"emails": ["ana@hopital.test"], "language": "fr"})),
        )
        .await;
    assert_eq!(status, 201, "{added}");

    let received = mail.wait_for(1, Duration::from_secs(20)).expect("the invitation");
    let invitation = &received[0];
    assert!(invitation.text.as_deref().unwrap().contains("chaque semaine"));
    let link = link_in(invitation);
    assert_eq!(Some(link.as_str()), added["added"][0]["link"].as_str());
    let shared = &created["links"]["participant"];
    assert_ne!(
        Some(link.as_str()),
        shared.as_str(),
        "a link of her own, not the group's"
    );
    let (_, info) = lee
        .call("POST", "/api/link-info", Some(json!({"token": token_of(&link)})))
        .await;
    assert_eq!(info["series"], true, "{info}");
    let (_, calendar) = calendar_of(invitation);
    let event = event_of(&calendar);
    assert_eq!(event.get_uid(), Some(format!("series-{id}@peer-room").as_str()));
    assert_eq!(event.property_value("RRULE"), Some("FREQ=WEEKLY;INTERVAL=1;COUNT=3"));

    // Wait until the invitation is marked sent, then cancel the second meeting.
    for _ in 0..100 {
        let (_, list) = lee.call("GET", &format!("/api/series/{id}/invitees"), None).await;
        if list["invitees"][0]["mail"][0]["status"] == "sent" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let second = created["occurrences"][1]["id"].as_str().unwrap();
    let (status, _) = lee
        .call("POST", &format!("/api/sessions/{second}/cancel"), Some(json!({})))
        .await;
    assert_eq!(status, 200);
    let received = mail.wait_for(2, Duration::from_secs(20)).expect("the cancellation");
    let notice = &received[1];
    assert!(
        notice.subject.starts_with("Annulé : Residents' circle"),
        "{}",
        notice.subject
    );
    let (text, calendar) = calendar_of(notice);
    assert_eq!(
        calendar.property_value("METHOD"),
        Some("REQUEST"),
        "the series again, updated"
    );
    let event = event_of(&calendar);
    assert_eq!(event.get_uid(), Some(format!("series-{id}@peer-room").as_str()));
    assert_eq!(event.property_value("SEQUENCE"), Some("1"));
    assert!(text.contains("EXDATE;TZID=America/Toronto:"), "{text}");
}

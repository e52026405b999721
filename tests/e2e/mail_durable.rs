//! Mail that survives: a kill -9 while the mail server hangs, then a restart,
//! delivers each message exactly once; reminders fire at their time (time
//! passed in, no sleeping), once, across a restart, and a server that was
//! down sends only the reminder that still makes sense; nothing in the log
//! names an address or a link.

use std::net::TcpListener;
use std::process::Stdio;
use std::time::Duration;

use peer_room::mail::Sender;
use peer_room::store::{InviteRole, Language, NewInvitee, NewSession, Scope};
use peer_room_testkit::mail_server::MailServer;
use serde_json::json;

use crate::mail::{in_two_days, smtp_to};
use crate::support::http::{ApiClient, PASSWORD};
use crate::support::{ServerProcess, TestDatabase};

#[tokio::test]
async fn a_kill_between_queueing_and_delivery_loses_nothing_and_sends_nothing_twice() {
    let db = TestDatabase::fresh();
    let store = db.open().await;
    let new = peer_room::store::NewOrganizer {
        email: "lee@example.org".into(),
        name: "Organizer".into(),
        password: PASSWORD.into(),
        time_zone: "America/Toronto".into(),
    };
    store.create_organizer(&new, 0).await.unwrap().expect("created");
    store.close().await;

    // A mail server that takes the connection and never answers: the
    // sender is mid-delivery when the server is killed.
    let hanging = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = hanging.local_addr().unwrap().port();
    let args = [
        "--smtp-host",
        "127.0.0.1",
        "--smtp-security",
        "none",
        "--smtp-from",
        "rooms@peer-room.test",
    ];
    let port_text = port.to_string();
    let args: Vec<&str> = args.into_iter().chain(["--smtp-port", &port_text]).collect();
    let log_path = db.folder().join("first.log");
    let first = ServerProcess::start_with_args(
        &db,
        &args,
        "info",
        Stdio::from(std::fs::File::create(&log_path).unwrap()),
    );
    let mut lee = ApiClient::new(first.addr);
    let (status, _) = lee
        .call(
            "POST",
            "/api/login",
            Some(json!({"email": "lee@example.org", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, 200);
    let (_, created) = lee
        .call("POST", "/api/sessions", Some(in_two_days("Night group")))
        .await;
    let id = created["session"]["id"].as_str().unwrap().to_owned();
    let emails = ["ana@hopital.test", "ben@hopital.test", "chloe@clinique.test"];
    let (status, added) = lee
        .call(
            "POST",
            &format!("/api/sessions/{id}/invitees"),
            Some(json!({"emails": emails})),
        )
        .await;
    assert_eq!(status, 201, "{added}");
    // The sender has connected and waits for a greeting that never comes.
    hanging.set_nonblocking(false).unwrap();
    let (held, _) = hanging.accept().expect("the sender connects");
    first.kill();
    drop(held);
    drop(hanging);

    let mail = MailServer::start_on(port).expect("the mail server comes back on its port");
    let log_path2 = db.folder().join("second.log");
    let second = ServerProcess::start_with_args(
        &db,
        &args,
        "info",
        Stdio::from(std::fs::File::create(&log_path2).unwrap()),
    );
    let received = mail
        .wait_for(3, Duration::from_secs(20))
        .expect("all three invitations");
    // Time for a second delivery, were there to be one.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let received_again = mail.messages();
    assert_eq!(received_again.len(), 3, "exactly once each");
    let mut to: Vec<String> = received.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    assert_eq!(to, ["ana@hopital.test", "ben@hopital.test", "chloe@clinique.test"]);
    let mut ids: Vec<&str> = received_again.iter().map(|m| m.message_id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3);
    drop(second);

    // The log names no address and no link.
    let mut log = std::fs::read_to_string(&log_path).unwrap();
    log.push_str(&std::fs::read_to_string(&log_path2).unwrap());
    assert!(log.contains("mail sent"), "the log says what happened, by id:\n{log}");
    for secret in ["hopital", "clinique", "/join#"] {
        assert!(!log.contains(secret), "the log names {secret}");
    }
    for message in &received {
        let link = crate::mail::link_in(message);
        let token = link.rsplit('#').next().unwrap();
        assert!(!log.contains(token), "a token is in the log");
    }
}

const HOUR: i64 = 3_600_000;

#[tokio::test]
async fn reminders_fire_at_their_time_once_across_a_restart_and_only_the_latest_after_downtime() {
    let mail = MailServer::start().expect("a throwaway mail server");
    let db = TestDatabase::fresh();
    let store = db.open().await;
    // A session on 2026-12-10 at 18:00 in Toronto (23:00 UTC), reminders the
    // day before and an hour before (the defaults).
    let starts = 1_796_943_600_000;
    let session = store
        .create_session(
            &NewSession {
                title: "Night group".into(),
                starts_at: starts,
                ..NewSession::default()
            },
            starts - 240 * HOUR,
        )
        .await
        .unwrap();
    let person = |email: &str, language| NewInvitee {
        email: email.into(),
        role: InviteRole::Participant,
        language,
    };
    let scope = Scope::Session(&session.id);
    // Ana is invited ten days before; Ben half an hour before the day-before
    // reminder; Chloe after it.
    let early = [person("ana@hopital.test", Language::Fr)];
    store
        .add_invitees(scope, &early, starts + HOUR, true, starts - 240 * HOUR)
        .await
        .unwrap();
    store
        .add_invitees(
            scope,
            &[person("ben@hopital.test", Language::En)],
            starts + HOUR,
            true,
            starts - 25 * HOUR,
        )
        .await
        .unwrap();
    store
        .add_invitees(
            scope,
            &[person("chloe@hopital.test", Language::En)],
            starts + HOUR,
            true,
            starts - 20 * HOUR,
        )
        .await
        .unwrap();

    let sender = Sender::new(store.clone(), &smtp_to(mail.port()), "https://rooms.example.org").unwrap();
    let round = sender.round(starts - 19 * HOUR).await.unwrap();
    // Ana's and Ben's day-before reminders, late but still useful; Chloe was
    // invited after that reminder's time and gets none. With the three
    // invitations, five messages.
    assert_eq!(round.reminders_planned, 2, "{round:?}");
    assert_eq!(round.sent, 5, "{round:?}");
    let round = sender.round(starts - 19 * HOUR).await.unwrap();
    assert_eq!(round.reminders_planned, 0, "planned again: nothing new");
    assert_eq!(mail.wait_for(5, Duration::from_secs(10)).unwrap().len(), 5);

    // An hour before: everyone's one-hour reminder.
    assert_eq!(
        sender.round(starts - HOUR - 60_000).await.unwrap().reminders_planned,
        0,
        "not yet"
    );
    let round = sender.round(starts - HOUR).await.unwrap();
    assert_eq!((round.reminders_planned, round.sent), (3, 3));

    // A restart (a new sender on the same store) repeats none of it.
    let restarted = Sender::new(store.clone(), &smtp_to(mail.port()), "https://rooms.example.org").unwrap();
    assert_eq!(
        restarted.round(starts - HOUR + 60_000).await.unwrap(),
        Default::default()
    );
    let all = mail.wait_for(8, Duration::from_secs(10)).unwrap();
    let reminders: Vec<_> = all
        .iter()
        .filter(|m| m.subject.starts_with("Re") || m.subject.starts_with("Rappel"))
        .collect();
    assert_eq!(
        reminders.len(),
        5,
        "{:?}",
        all.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    let ana = reminders.iter().filter(|m| m.to == ["ana@hopital.test"]).count();
    assert_eq!(ana, 2);
    let french = reminders.iter().find(|m| m.to == ["ana@hopital.test"]).unwrap();
    assert!(
        french
            .subject
            .starts_with("Rappel : Night group, le jeudi 10 décembre 2026 à 18 h 00"),
        "{}",
        french.subject
    );
    assert!(
        french
            .text
            .as_deref()
            .unwrap()
            .contains("https://rooms.example.org/join#")
    );

    // A server down through both reminder times sends only the later one.
    let other = store
        .create_session(
            &NewSession {
                title: "Day group".into(),
                starts_at: starts + 24 * HOUR,
                ..NewSession::default()
            },
            starts,
        )
        .await
        .unwrap();
    store
        .add_invitees(
            Scope::Session(&other.id),
            &[person("dee@hopital.test", Language::En)],
            starts + 25 * HOUR,
            false,
            starts,
        )
        .await
        .unwrap();
    let round = restarted.round(starts + 24 * HOUR - 30 * 60_000).await.unwrap();
    assert_eq!(round.reminders_planned, 1, "{round:?}");
    let last = mail.wait_for(9, Duration::from_secs(10)).unwrap();
    let dee: Vec<_> = last.iter().filter(|m| m.to == ["dee@hopital.test"]).collect();
    assert_eq!(dee.len(), 1);
    assert!(dee[0].subject.starts_with("Reminder: Day group"), "{}", dee[0].subject);

    // Once the meetings are over, the addresses are forgotten.
    let round = restarted.round(starts + 50 * HOUR).await.unwrap();
    assert_eq!(round.forgotten, 4, "{round:?}");
    assert!(store.invitees(scope).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_unreachable_mail_server_delays_mail_and_never_loses_it() {
    let db = TestDatabase::fresh();
    let store = db.open().await;
    let starts = 1_796_943_600_000;
    let session = store
        .create_session(
            &NewSession {
                title: "Night group".into(),
                starts_at: starts,
                ..NewSession::default()
            },
            0,
        )
        .await
        .unwrap();
    let ana = NewInvitee {
        email: "ana@hopital.test".into(),
        role: InviteRole::Participant,
        language: Language::En,
    };
    let now = starts - 72 * HOUR;
    store
        .add_invitees(Scope::Session(&session.id), &[ana], starts + HOUR, true, now)
        .await
        .unwrap();

    // Nothing listens on the mail server's port yet.
    let port = MailServer::free_port().unwrap();
    let sender = Sender::new(store.clone(), &smtp_to(port), "https://rooms.example.org").unwrap();
    let round = sender.round(now).await.unwrap();
    assert_eq!((round.sent, round.retried), (0, 1), "{round:?}");
    let (_, mail) = store.invitees(Scope::Session(&session.id)).await.unwrap().remove(0);
    assert_eq!(mail[0].failure.as_deref(), Some("the mail server could not be reached"));
    assert_eq!(mail[0].sent_at, None);
    // Not tried again before its time: 30 s later.
    assert_eq!(sender.round(now + 29_000).await.unwrap().retried, 0);
    assert_eq!(
        sender.round(now + 30_000).await.unwrap().retried,
        1,
        "tried again at 30 s"
    );
    assert_eq!(
        store.next_mail_at().await.unwrap(),
        Some(now + 30_000 + 60_000),
        "then a minute later"
    );

    let server = MailServer::start_on(port).unwrap();
    let round = sender.round(now + 90_000).await.unwrap();
    assert_eq!(round.sent, 1, "{round:?}");
    let received = server.wait_for(1, Duration::from_secs(10)).unwrap();
    assert_eq!(received[0].to, ["ana@hopital.test"]);
    let (_, mail) = store.invitees(Scope::Session(&session.id)).await.unwrap().remove(0);
    assert_eq!((mail[0].attempts, mail[0].failure.as_deref()), (3, None));
}

//! What is stored survives a crash: links still work after SIGKILL.

use std::process::Command;

use serde_json::json;

use crate::support::{ServerProcess, TestClient, TestDatabase, binary, token_of};

#[tokio::test]
async fn links_still_work_after_the_server_is_killed_and_started_again() {
    let db = TestDatabase::fresh();

    let first = ServerProcess::start(&db);
    let demo_host = first
        .banner_value("facilitator link:")
        .expect("the first start prints the demo links");
    let demo_guest = first
        .banner_value("participant link:")
        .expect("the first start prints the demo links");

    // Scheduled from the command line while the server runs, starting now so
    // that its participant link already opens the waiting room.
    let now = chrono::Utc::now().to_rfc3339();
    let output = Command::new(binary())
        .args(["session", "create", "--title", "Night shift group", "--minutes", "60"])
        .args(["--starts-at", &now])
        .args(db.args())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed = String::from_utf8(output.stdout).unwrap();
    let link = |label: &str| {
        printed
            .lines()
            .find_map(|l| l.strip_prefix(label).map(|rest| rest.trim().to_owned()))
            .unwrap_or_else(|| panic!("no {label} in {printed}"))
    };
    let (host_link, guest_link) = (link("facilitator link:"), link("participant link:"));
    assert!(
        host_link.starts_with("http://") && host_link.contains("/join#"),
        "{host_link}"
    );

    let mut before = TestClient::joined(&first.ws_url(), &token_of(&host_link), "Host").await;
    before.expect("room_state").await;
    first.kill();

    let second = ServerProcess::start(&db);
    assert!(
        second.banner_value("facilitator link:").is_none(),
        "the demo is created once"
    );
    for link in [&host_link, &guest_link, &demo_host, &demo_guest] {
        let client = TestClient::joined(&second.ws_url(), &token_of(link), "Back").await;
        assert!(client.you.is_some());
    }
}

#[test]
fn session_create_refuses_impossible_values_and_names_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("peer-room.db").display());
    let cases = [
        (
            vec!["--title", "G", "--starts-at", "tomorrow", "--minutes", "60"],
            "--starts-at",
        ),
        (
            vec!["--title", "G", "--starts-at", "2099-01-05T19:00:00Z", "--minutes", "0"],
            "--minutes",
        ),
        (
            vec![
                "--title",
                "G",
                "--starts-at",
                "2099-01-05T19:00:00Z",
                "--minutes",
                "60",
                "--time-zone",
                "Mars/Base",
            ],
            "--time-zone",
        ),
        (
            vec!["--title", " ", "--starts-at", "2099-01-05T19:00:00Z", "--minutes", "60"],
            "--title",
        ),
    ];
    for (args, flag) in cases {
        let output = Command::new(binary())
            .args(["session", "create", "--database-url", &db])
            .args(&args)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?} was accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
    }
}

#[tokio::test]
async fn sigterm_tells_every_client_and_the_server_exits_cleanly() {
    let db = TestDatabase::fresh();
    let server = ServerProcess::start(&db);
    let token = token_of(&server.banner_value("facilitator link:").unwrap());
    let mut client = TestClient::joined(&server.ws_url(), &token, "Host").await;
    client.expect("room_state").await;

    let status = server.terminate();
    client.expect("server_restarting").await;
    assert_eq!(client.expect_close().await, Some(1012));
    assert_eq!(status.code(), Some(0), "{status}");
}

#[tokio::test]
async fn the_first_start_prints_a_setup_link_that_creates_the_first_organizer() {
    let db = TestDatabase::fresh();
    let server = ServerProcess::start(&db);
    let link = server
        .banner_value("setup link:")
        .expect("a setup link while no organizer exists");
    assert!(link.contains("/organize/setup#"), "{link}");
    let mut api = crate::support::ApiClient::new(server.addr);
    let body = serde_json::json!({
        "token": token_of(&link), "email": "first@example.org", "name": "First",
        "password": "a long enough password", "time_zone": "America/Toronto"
    });
    let (status, me) = api.call("POST", "/api/setup", Some(body)).await;
    assert_eq!(status, 200, "{me}");
    drop(server);
    let again = ServerProcess::start(&db);
    assert!(
        again.banner_value("setup link:").is_none(),
        "not once an organizer exists"
    );
}

/// People come back after an upgrade in whatever order their pages
/// reconnect: a participant back before the facilitator must find the door
/// as the facilitator left it, not a waiting room nobody is watching.
#[tokio::test]
async fn the_door_a_facilitator_set_survives_a_restart() {
    let db = TestDatabase::fresh();
    let first = ServerProcess::start(&db);
    let host_token = token_of(&first.banner_value("facilitator link:").unwrap());
    let guest_token = token_of(&first.banner_value("participant link:").unwrap());
    let mut host = TestClient::joined(&first.ws_url(), &host_token, "Host").await;
    host.expect("room_state").await;
    let ack = host
        .request(json!({"type": "set_waiting_room", "enabled": false}))
        .await;
    assert_eq!(ack["type"], "ack", "{ack}");
    let status = first.terminate();
    assert_eq!(status.code(), Some(0), "{status}");

    // The participant is back first: straight past the (switched off) waiting room.
    let second = ServerProcess::start(&db);
    let mut guest = TestClient::greeted(&second.ws_url()).await;
    let joined = guest.join(&guest_token, "Sam").await;
    assert_eq!(joined["gate"]["admitted"], true, "{joined}");

    // Locked now, and still locked after the next restart.
    let mut host = TestClient::joined(&second.ws_url(), &host_token, "Host").await;
    host.expect("room_state").await;
    let ack = host.request(json!({"type": "set_locked", "locked": true})).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    second.terminate();
    let third = ServerProcess::start(&db);
    let mut latecomer = TestClient::greeted(&third.ws_url()).await;
    let refused = latecomer.join(&guest_token, "Alex").await;
    assert_eq!(refused["code"], "room_locked", "{refused}");
}

/// After an upgrade, every page joins afresh: someone who was in the room
/// must not have to accept the ground rules and wait to be let in again.
#[tokio::test]
async fn someone_who_was_in_the_room_goes_straight_back_in_after_a_restart() {
    let db = TestDatabase::fresh();
    let first = ServerProcess::start(&db);
    let host_token = token_of(&first.banner_value("facilitator link:").unwrap());
    let guest_token = token_of(&first.banner_value("participant link:").unwrap());
    let mut host = TestClient::joined(&first.ws_url(), &host_token, "Host").await;
    host.expect("room_state").await;
    let mut sam = TestClient::joined(&first.ws_url(), &guest_token, "Sam").await;
    assert_eq!(sam.request(json!({"type": "accept_rules"})).await["type"], "ack");
    let ack = host.request(json!({"type": "admit", "participant": sam.you})).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    sam.expect("room_state").await;
    let device = sam.device.clone();
    first.terminate();

    let second = ServerProcess::start(&db);
    let mut back = TestClient::greeted(&second.ws_url()).await;
    back.device = device;
    let joined = back.join(&guest_token, "Sam").await;
    assert_eq!(
        joined["gate"],
        json!({"rules_accepted": true, "admitted": true}),
        "{joined}"
    );
    back.expect("room_state").await;
    // Someone new on the same link still reads the rules and waits.
    let mut new = TestClient::greeted(&second.ws_url()).await;
    let joined = new.join(&guest_token, "Alex").await;
    assert_eq!(
        joined["gate"],
        json!({"rules_accepted": false, "admitted": false}),
        "{joined}"
    );
}

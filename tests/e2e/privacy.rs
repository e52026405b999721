//! Privacy is a feature: whatever the log level, the server's log carries no
//! display name, chat line or token; the database holds no token.

use std::fs::File;
use std::process::Stdio;

use serde_json::json;

use crate::support::{ServerProcess, TestClient, token_of};

#[tokio::test]
async fn the_log_and_the_database_never_hold_names_chat_or_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("peer-room.db");
    let log_path = dir.path().join("server.log");
    let log = File::create(&log_path).unwrap();
    // The most verbose level there is, even for the WebSocket library: if the
    // log is clean at this level, it is clean at every level.
    let filter = "trace,tungstenite=trace,tokio_tungstenite=trace";
    let server = ServerProcess::start_logging(&db, filter, Stdio::from(log));
    let host_link = server.banner_value("facilitator link:").unwrap();
    let guest_link = server.banner_value("participant link:").unwrap();
    let (host_token, guest_token) = (token_of(&host_link), token_of(&guest_link));

    let url = server.ws_url();
    let mut host = TestClient::joined(&url, &host_token, "Zanzibar Quixote").await;
    host.expect("room_state").await;
    let mut guest = TestClient::joined(&url, &guest_token, "Wolfgang Xylophone").await;
    guest.request(json!({"type": "accept_rules"})).await;
    host.request(json!({"type": "admit", "participant": guest.you.unwrap()}))
        .await;
    guest.expect("room_state").await;
    guest
        .request(json!({"type": "chat", "text": "my night shift was unbearable"}))
        .await;
    host.expect("chat").await;
    let resume_token = guest.resume_token.clone().unwrap();
    let device = guest.device.clone();
    guest.drop_connection();
    let mut back = TestClient::greeted(&url).await;
    assert_eq!(back.resume(&resume_token).await["type"], "joined");
    host.request(json!({"type": "end_session"})).await;
    host.expect("session_ended").await;
    assert_eq!(server.terminate().code(), Some(0));

    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("joined"),
        "the log is not empty, so the test means something:\n{log}"
    );
    let secrets = [
        "Zanzibar",
        "Wolfgang",
        "unbearable",
        host_token.as_str(),
        guest_token.as_str(),
        resume_token.as_str(),
        device.as_str(),
    ];
    for secret in secrets {
        assert!(!log.contains(secret), "the log contains {secret:?}:\n{log}");
    }
    let stored = std::fs::read(&db).unwrap();
    let wal = std::fs::read(dir.path().join("peer-room.db-wal")).unwrap_or_default();
    for secret in [&host_token, &guest_token, &resume_token] {
        let needle = secret.as_bytes();
        for bytes in [&stored, &wal] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "a token is stored in plain text"
            );
        }
    }
}

//! Privacy is a feature: whatever the log level, the server's log carries no
//! display name, chat line or token; the database holds no token; the
//! metrics hold none of them either.

use std::fs::File;
use std::process::Stdio;

use serde_json::json;

use crate::support::{MediaClient, ServerProcess, TestClient, TestDatabase, http, token_of};

#[tokio::test]
async fn the_log_and_the_database_never_hold_names_chat_or_tokens() {
    let db = TestDatabase::fresh();
    let log_path = db.folder().join("server.log");
    let log = File::create(&log_path).unwrap();
    // The most verbose level there is, down to the most specific targets of
    // the libraries that see payloads: if the log is clean at this level,
    // it is clean at every level.
    let filter = "trace,tungstenite::protocol=trace,tokio_tungstenite=trace,hyper::proto=trace,\
                  webrtc=trace,rtc=trace,rtc_ice::agent=trace,rtc_sdp=trace,sqlx::query=trace";
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
    let item =
        json!({"type": "add_summary_item", "key": "privacy-0001", "kind": "outcome", "text": "Quokka rotation plan"});
    assert_eq!(host.request(item).await["type"], "ack");
    host.request(json!({"type": "start_pulse", "kind": "word"})).await;
    guest.expect("pulse").await;
    guest
        .request(json!({"type": "answer_pulse", "pulse": 1, "word": "xylography"}))
        .await;
    // Media, and candidates that name addresses: a well-formed one and two
    // the server cannot parse. None of the addresses may reach the log.
    let device = guest.device.clone();
    let mut media = MediaClient::start(guest, 127).await;
    media.wait_connected().await;
    for candidate in [
        "candidate:1 1 udp 2122260223 203.0.113.77 54321 typ host",
        "candidate:garbage 198.51.100.23 nonsense",
        "candidate:2 1 udp 1 192.0.2.199",
        "",
    ] {
        media
            .request(json!({"type": "ice_candidate", "candidate": {"candidate": candidate, "sdpMLineIndex": 0}}))
            .await;
    }
    let mut guest = media;
    let resume_token = guest.resume_token.clone();
    let back = guest.resume_on_new_socket(&url).await;
    assert_eq!(back["type"], "joined", "{back}");
    let (status, metrics) = http::get(server.addr, "/metrics", &[]).await;
    assert_eq!(status, 200, "{metrics}");
    assert!(
        metrics.contains("peer_room_people_in_rooms 2\n"),
        "the metrics count the two, so the test means something:\n{metrics}"
    );
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
        "Quokka",
        "xylography",
        "203.0.113.77",
        "198.51.100.23",
        "192.0.2.199",
        host_token.as_str(),
        guest_token.as_str(),
        resume_token.as_str(),
        device.as_str(),
    ];
    for secret in secrets {
        assert!(!log.contains(secret), "the log contains {secret:?}:\n{log}");
        assert!(!metrics.contains(secret), "the metrics contain {secret:?}:\n{metrics}");
    }
    let stored = db.everything_stored();
    for secret in [&host_token, &guest_token, &resume_token] {
        let needle = secret.as_bytes();
        for bytes in &stored {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "a token is stored in plain text"
            );
        }
    }
}

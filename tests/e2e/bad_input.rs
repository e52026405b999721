//! Bad input gets its documented error or close code, loses nothing, and the
//! server goes on serving everyone else.

use serde_json::json;

use crate::support::{TestClient, TestServer, room_of};

/// A room in another session, to show the server still serves it.
async fn bystanders(server: &TestServer) -> (TestClient, TestClient) {
    let session = server.session().await;
    let (host, mut guests) = room_of(server, &session, 1).await;
    (host, guests.remove(0))
}

async fn still_served(host: &mut TestClient, guest: &mut TestClient, text: &str) {
    let ack = host.request(json!({"type": "chat", "text": text})).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    assert_eq!(guest.expect("chat").await["text"], text);
}

#[tokio::test]
async fn malformed_frames_get_precise_errors_and_the_connection_stays_usable() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (mut host, mut guests) = room_of(&server, &session, 1).await;
    let cases = [
        ("{\"type\":\"chat\",", "bad_json"),
        ("[]", "bad_json"),
        (r#"{"type":"teleport","id":5}"#, "unknown_type"),
        (r#"{"type":"chat","id":6,"text":"hi","bold":true}"#, "unknown_field"),
        (
            r#"{"type":"chat","type":"end_session","id":7,"text":"hi"}"#,
            "invalid_message",
        ),
        (r#"{"type":"chat","id":8}"#, "invalid_message"),
        (r#"{"type":"admit","id":9,"participant":"everyone"}"#, "invalid_message"),
        (r#"{"type":"chat","id":10,"text":"   "}"#, "invalid_input"),
    ];
    for (frame, code) in cases {
        guests[0].send_text(frame).await;
        let error = guests[0].expect("error").await;
        assert_eq!(error["code"], code, "{frame} -> {error}");
        assert!(!error["message"].as_str().unwrap().is_empty());
    }
    // The duplicated "type" did not end the session, and errors echo ids.
    let error = guests[0]
        .request(json!({"type": "chat", "text": "x".repeat(2001)}))
        .await;
    assert_eq!(error["code"], "invalid_input");
    guests[0].send_binary(vec![1, 2, 3]).await;
    assert_eq!(guests[0].expect("error").await["code"], "binary_not_supported");
    still_served(&mut guests[0], &mut host, "still here").await;
}

#[tokio::test]
async fn the_handshake_comes_first_and_a_wrong_version_is_refused() {
    let server = TestServer::start().await;
    let mut client = TestClient::connect(&server.ws_url()).await;
    let reply = client.request(json!({"type": "chat", "text": "hi"})).await;
    assert_eq!(reply["code"], "handshake_required");
    let reply = client.request(json!({"type": "hello", "version": 99})).await;
    assert_eq!(reply["code"], "unsupported_version");
    let reply = client.request(json!({"type": "hello", "version": 1})).await;
    assert_eq!(reply["type"], "welcome");
    let reply = client.request(json!({"type": "raise_hand"})).await;
    assert_eq!(reply["code"], "not_joined");
}

#[tokio::test]
async fn a_frame_over_64_kib_closes_the_connection_with_1009() {
    let server = TestServer::start().await;
    let (mut host, mut guest) = bystanders(&server).await;
    let mut client = TestClient::greeted(&server.ws_url()).await;
    let huge = format!(r#"{{"type":"chat","text":"{}"}}"#, "x".repeat(1024 * 1024));
    client.send_text(huge).await;
    assert_eq!(client.expect_close().await, Some(1009));
    still_served(&mut host, &mut guest, "after the big frame").await;
}

#[tokio::test]
async fn a_flood_is_refused_then_disconnected_with_1008() {
    let server = TestServer::start().await;
    let (mut host, mut guest) = bystanders(&server).await;
    let session = server.session().await;
    let mut flooder = TestClient::joined(&server.ws_url(), &session.facilitator_token, "Flood").await;
    for i in 0..2_000 {
        let frame = json!({"type": "react", "reaction": "nod", "id": i}).to_string();
        // Once the server has closed, sending fails: the flood is over.
        if flooder.try_send_text(frame).await.is_err() {
            break;
        }
    }
    assert_eq!(flooder.expect_close().await, Some(1008));
    let errors = flooder.unread_of("error");
    assert!(
        errors.iter().any(|e| e["code"] == "rate_limited"),
        "a rate_limited error came first: {errors:?}"
    );
    still_served(&mut host, &mut guest, "after the flood").await;
}

#[tokio::test]
async fn a_websocket_from_a_foreign_origin_is_refused_with_403() {
    let server = TestServer::start().await;
    let refused = TestClient::connect_from(&server.ws_url(), Some("https://evil.example")).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => assert_eq!(response.status(), 403),
        Err(other) => panic!("expected a 403, got {other}"),
        Ok(_) => panic!("a foreign origin was let in"),
    }
    let own = format!("http://{}", server.addr);
    assert!(TestClient::connect_from(&server.ws_url(), Some(&own)).await.is_ok());
    let localhost = format!("http://localhost:{}", server.addr.port());
    assert!(
        TestClient::connect_from(&server.ws_url(), Some(&localhost))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn expired_revoked_unknown_and_forged_links_are_refused() {
    let server = TestServer::start().await;
    let (mut host, mut guest) = bystanders(&server).await;
    let now = peer_room::clock::now_millis();
    let expired = server.session_between(now - 3 * 3_600_000, now - 1).await;
    let live = server.session().await;
    let (revoked_id, revoked_token) = server.invitation(&live).await;
    server.store().revoke_invitation(&revoked_id, now).await.unwrap();
    // One character changed: well formed, but not anything the server issued.
    let mut forged = live.participant_token.clone();
    let last = if forged.ends_with('A') { "B" } else { "A" };
    forged.replace_range(forged.len() - 1.., last);

    let cases = [
        (expired.participant_token.clone(), "token_expired"),
        (revoked_token, "token_revoked"),
        ("not-a-token".to_owned(), "invalid_token"),
        (forged, "invalid_token"),
    ];
    for (token, code) in cases {
        let mut client = TestClient::greeted(&server.ws_url()).await;
        let reply = client.join(&token, "Someone").await;
        assert_eq!(reply["code"], code, "{reply}");
        // A refused join leaves the connection free to try a good link.
        let reply = client.join(&live.participant_token, "Someone").await;
        assert_eq!(reply["type"], "joined", "{reply}");
    }
    still_served(&mut host, &mut guest, "after the bad links").await;
}

#[tokio::test]
async fn bad_names_and_device_keys_are_refused_with_the_field_named() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let mut client = TestClient::greeted(&server.ws_url()).await;
    for name in ["", "   ", &"n".repeat(41), "bell\u{7}"] {
        let reply = client.join(&session.participant_token, name).await;
        assert_eq!(reply["code"], "invalid_input", "{reply}");
        assert!(reply["message"].as_str().unwrap().starts_with("name:"), "{reply}");
    }
    client.device = "short".into();
    let reply = client.join(&session.participant_token, "Sam").await;
    assert!(reply["message"].as_str().unwrap().starts_with("device:"), "{reply}");
}

#[tokio::test]
async fn hostile_frames_never_break_the_server() {
    let server = TestServer::start_with(|config| config.socket.rate.burst = 1_000.0).await;
    let (mut host, mut guest) = bystanders(&server).await;
    let session = server.session().await;
    let mut client = TestClient::joined(&server.ws_url(), &session.facilitator_token, "Tester").await;
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let frames = [
        deep.clone(),
        format!(r#"{{"type":"chat","text":{deep}}}"#),
        r#"{"type":"admit","participant":4294967296}"#.to_owned(),
        r#"{"type":"admit","participant":-1}"#.to_owned(),
        r#"{"type":"chat","id":18446744073709551616,"text":"x"}"#.to_owned(),
        r#"{"type":"chat","id":1.5,"text":"x"}"#.to_owned(),
        r#"{"type":"chat","text":"\ud800"}"#.to_owned(),
        r#"{"type":null}"#.to_owned(),
        r#"{"type":"set_role","participant":1,"role":"facilitator"}"#.to_owned(),
        r#"{"type":"lower_hand","participant":null}"#.to_owned(),
        "\u{0}".to_owned(),
        String::new(),
        "null".to_owned(),
        "1e999999".to_owned(),
        format!(r#"{{"type":"chat","text":"{}"}}"#, "é".repeat(30_000)),
    ];
    for frame in &frames {
        client.send_text(frame.clone()).await;
        // Each frame is answered, and the connection carries on.
        let reply = client.request(json!({"type": "get_state"})).await;
        assert_eq!(reply["type"], "room_state", "after {:.60}: {reply}", frame);
    }
    still_served(&mut host, &mut guest, "after the hostile frames").await;
}

#[tokio::test]
async fn participants_wait_for_the_room_to_open_but_facilitators_can_come_early() {
    let server = TestServer::start().await;
    let now = peer_room::clock::now_millis();
    // Starts in an hour; the waiting room opens 15 minutes before.
    let session = server
        .session_with(now + 3 * 3_600_000, |s| {
            s.starts_at = now + 3_600_000;
            s.opens_minutes_before = 15;
        })
        .await;
    let mut early = TestClient::greeted(&server.ws_url()).await;
    let reply = early.join(&session.participant_token, "Early").await;
    assert_eq!(reply["code"], "not_open_yet", "{reply}");
    assert!(reply["message"].as_str().unwrap().contains("opens at"), "{reply}");
    let mut host = TestClient::greeted(&server.ws_url()).await;
    assert_eq!(host.join(&session.facilitator_token, "Host").await["type"], "joined");
}

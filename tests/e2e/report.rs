//! The facilitator's report through the real server and its SQLite store: a
//! scripted session (an agenda, hands, a round, an energy check with known
//! answers, breakouts) gives a report with exactly those figures, to hosts in
//! the room (`get_report`) and to the facilitator's link afterwards
//! (`/sessions/{id}/report.json`), and to no one else. It holds no chat and
//! no pulse words.

use serde_json::{Value, json};

use crate::support::{TestClient, TestServer, http, room_of};

async fn ack(client: &mut TestClient, message: Value) {
    let reply = client.request(message.clone()).await;
    assert_eq!(reply["type"], "ack", "{message} -> {reply}");
}

#[tokio::test]
async fn a_scripted_session_gives_hosts_and_the_facilitator_link_its_figures() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (mut host, mut guests) = room_of(&server, &session, 3).await;
    let ids: Vec<u64> = guests.iter().map(|g| g.you.unwrap()).collect();
    for (title, kind, minutes) in [("Check-in", "check_in", 10), ("Pairs", "breakouts", 15)] {
        let segment = json!({"title": title, "kind": kind, "minutes": minutes});
        ack(&mut host, json!({"type": "add_segment", "segment": segment})).await;
    }
    ack(&mut host, json!({"type": "start_session"})).await;
    ack(&mut guests[0], json!({"type": "chat", "text": "Something private"})).await;
    ack(&mut guests[0], json!({"type": "raise_hand"})).await;
    ack(&mut guests[1], json!({"type": "raise_hand"})).await;
    ack(&mut host, json!({"type": "call_next_hand"})).await;
    ack(&mut host, json!({"type": "start_round", "order": "hands_first"})).await;
    ack(&mut host, json!({"type": "end_round"})).await;
    ack(&mut host, json!({"type": "start_pulse", "kind": "scale"})).await;
    for (guest, scale) in guests.iter_mut().zip([1, 3, 3]) {
        ack(guest, json!({"type": "answer_pulse", "pulse": 1, "scale": scale})).await;
    }
    ack(&mut host, json!({"type": "close_pulse"})).await;
    ack(&mut host, json!({"type": "start_pulse", "kind": "word"})).await;
    for guest in guests.iter_mut() {
        ack(guest, json!({"type": "answer_pulse", "pulse": 2, "word": "exhausted"})).await;
    }
    ack(&mut host, json!({"type": "close_pulse"})).await;
    ack(&mut host, json!({"type": "next_segment"})).await;
    let groups = json!([[ids[0], ids[1]]]);
    ack(
        &mut host,
        json!({"type": "open_breakouts", "groups": groups, "minutes": 15}),
    )
    .await;
    ack(&mut host, json!({"type": "end_breakouts"})).await;

    // A participant may not have it.
    let refused = guests[2].request(json!({"type": "get_report"})).await;
    assert_eq!(refused["code"], "forbidden", "{refused}");
    let reply = host.request(json!({"type": "get_report"})).await;
    assert_eq!(reply["type"], "report", "{reply}");
    let report = &reply["report"];
    assert_eq!(report["title"], "Tuesday group");
    let segments: Vec<(&str, u64)> = report["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["title"].as_str().unwrap(), s["planned_minutes"].as_u64().unwrap()))
        .collect();
    assert_eq!(segments, [("Check-in", 10), ("Pairs", 15)]);
    assert!(
        report["segments"][0]["actual_ms"].is_i64(),
        "the first part is over: {report}"
    );
    assert!(report["segments"][1]["actual_ms"].is_null(), "the second still runs");
    assert_eq!(report["rounds_completed"], 1);
    assert_eq!(
        (report["hands_raised"].as_u64(), report["hands_answered"].as_u64()),
        (Some(2), Some(1))
    );
    let pulses = report["pulses"].as_array().unwrap();
    assert_eq!(pulses.len(), 2);
    assert_eq!(pulses[0]["scale"], json!([1, 0, 2, 0, 0]));
    assert_eq!(pulses[0]["average_tenths"], 23, "(1 + 3 + 3) / 3 = 2.3");
    assert_eq!(pulses[1]["kind"], "word");
    assert_eq!(pulses[1]["answered"], 3);
    let breakouts = &report["breakouts"][0];
    assert_eq!(
        (breakouts["groups"].as_u64(), breakouts["people"].as_u64()),
        (Some(1), Some(2))
    );
    assert!(breakouts["closed_at"].is_i64());
    // No one spoke: no talk, no balance.
    assert_eq!(report["talk"], json!([]));
    assert!(report["top_third_percent"].is_null());
    let text = report.to_string();
    assert!(!text.contains("private") && !text.contains("exhausted"), "{text}");

    // Afterwards, the facilitator's link reads the same report.
    ack(&mut host, json!({"type": "end_session"})).await;
    let path = format!("/sessions/{}/report.json", session.id);
    let bearer = format!("Bearer {}", session.facilitator_token);
    let (status, response) = http::get(server.addr, &path, &[("Authorization", &bearer)]).await;
    assert_eq!(status, 200, "{response}");
    let after: Value = serde_json::from_str(http::body(&response)).unwrap();
    assert!(after["ended_at"].is_i64());
    assert!(
        after["segments"][1]["actual_ms"].is_i64(),
        "the end closes the last part"
    );
    assert_eq!(after["pulses"], report["pulses"]);
    assert_eq!(after["hands_raised"], 2);
    let participant = format!("Bearer {}", session.participant_token);
    let refused = http::get(server.addr, &path, &[("Authorization", &participant)])
        .await
        .0;
    assert_eq!(refused, 401);
    let other = server.session().await;
    let other_host = format!("Bearer {}", other.facilitator_token);
    let elsewhere = http::get(server.addr, &path, &[("Authorization", &other_host)]).await.0;
    assert_eq!(elsewhere, 404);
}

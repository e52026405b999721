//! The facilitation toolkit over real WebSockets: the run-of-show, warnings,
//! the check-in round, ground rules, energizers, pulse checks and the summary.

use serde_json::{Value, json};

use crate::support::{TestClient, TestServer, http, room_of};

fn segment(title: &str, kind: &str, minutes: u32) -> Value {
    json!({"title": title, "kind": kind, "minutes": minutes})
}

async fn ack(client: &mut TestClient, message: Value) {
    let reply = client.request(message.clone()).await;
    assert_eq!(reply["type"], "ack", "{message} -> {reply}");
}

#[tokio::test]
async fn everyone_shares_one_server_clock_that_the_facilitator_runs() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (mut host, mut guests) = room_of(&server, &session, 1).await;
    ack(
        &mut host,
        json!({"type": "add_segment", "segment": segment("Check-in", "check_in", 10)}),
    )
    .await;
    ack(
        &mut host,
        json!({"type": "add_segment", "segment": segment("Sharing", "sharing", 20), "position": 0}),
    )
    .await;
    ack(
        &mut host,
        json!({"type": "move_segment", "segment_id": 1, "position": 0}),
    )
    .await;
    ack(&mut host, json!({"type": "start_session"})).await;

    let show = guests[0]
        .expect_where(
            |m| m["type"] == "run_of_show" && !m["clock"]["started_at"].is_null(),
            "the started clock",
        )
        .await;
    let titles: Vec<&str> = show["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, vec!["Check-in", "Sharing"]);
    let clock = &show["clock"];
    assert_eq!(clock["current_segment"], 1);
    let started = clock["segment_started_at"].as_i64().unwrap();
    assert_eq!(
        clock["segment_deadline"].as_i64().unwrap() - started,
        10 * 60_000,
        "absolute deadline"
    );
    assert!(show["server_time"].as_i64().unwrap() >= started);

    // From here on the facilitator's own view is read back after each step.
    ack(&mut host, json!({"type": "extend", "minutes": 3, "scope": "segment"})).await;
    let clock = host.state().await["run_of_show"]["clock"].clone();
    assert_eq!(clock["segment_deadline"].as_i64().unwrap() - started, 13 * 60_000);

    ack(&mut host, json!({"type": "pause_clock"})).await;
    let paused = host.state().await["run_of_show"]["clock"].clone();
    let paused_at = paused["paused_at"].as_i64().expect("paused");
    ack(&mut host, json!({"type": "resume_clock"})).await;
    let resumed = host.request(json!({"type": "get_state"})).await;
    let resumed_at = resumed["server_time"].as_i64().unwrap();
    let clock = &resumed["run_of_show"]["clock"];
    assert!(clock["paused_at"].is_null());
    let moved = clock["segment_deadline"].as_i64().unwrap() - paused["segment_deadline"].as_i64().unwrap();
    assert!(
        (0..=resumed_at - paused_at).contains(&moved),
        "the deadline moved by the pause: {moved} ms"
    );
    // The guest was told about each step as it happened.
    guests[0]
        .expect_where(
            |m| m["type"] == "run_of_show" && !m["clock"]["paused_at"].is_null(),
            "the pause",
        )
        .await;

    ack(&mut host, json!({"type": "next_segment"})).await;
    assert_eq!(host.state().await["run_of_show"]["clock"]["current_segment"], 2);
    guests[0]
        .expect_where(
            |m| m["type"] == "run_of_show" && m["clock"]["current_segment"] == 2,
            "segment 2",
        )
        .await;
    let refused = host.request(json!({"type": "remove_segment", "segment_id": 2})).await;
    assert_eq!(refused["code"], "invalid_input", "{refused}");
    let refused = guests[0]
        .request(json!({"type": "extend", "minutes": 5, "scope": "session"}))
        .await;
    assert_eq!(refused["code"], "forbidden");
}

#[tokio::test]
async fn the_end_of_session_warning_arrives_once_and_a_stale_one_never() {
    let server = TestServer::start().await;
    let now = peer_room::clock::now_millis();
    // Planned to end 62 seconds from now: the one-minute warning is two
    // seconds away, and the five-minute one is long past (never sent).
    let session = server
        .session_with(now + 3_600_000, |new| new.starts_at = now + 62_000 - 60 * 60_000)
        .await;
    let (mut host, mut guests) = room_of(&server, &session, 1).await;
    ack(&mut host, json!({"type": "start_session"})).await;
    let warning = guests[0].expect("time_warning").await;
    assert_eq!(
        warning,
        json!({"type": "time_warning", "kind": "session_ending", "minutes": 1})
    );
    // Nothing else was warned: the next thing the guest reads is this chat.
    ack(&mut host, json!({"type": "chat", "text": "marker"})).await;
    guests[0].expect("chat").await;
    assert!(guests[0].unread_of("time_warning").is_empty());
}

#[tokio::test]
async fn a_check_in_round_goes_in_order_and_anyone_may_pass() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (mut host, mut guests) = room_of(&server, &session, 3).await;
    let ids: Vec<u64> = guests.iter().map(|g| g.you.unwrap()).collect();
    ack(&mut guests[2], json!({"type": "raise_hand"})).await;
    ack(&mut host, json!({"type": "start_round", "order": "hands_first"})).await;
    let round = guests[0].expect("round").await;
    assert_eq!(round["order"], json!([ids[2], ids[0], ids[1]]));
    assert_eq!(round["speaker"], ids[2]);

    ack(&mut guests[0], json!({"type": "pass"})).await; // in advance
    ack(&mut host, json!({"type": "next_speaker"})).await;
    let round = guests[1]
        .expect_where(|m| m["type"] == "round" && m["speaker"] != ids[2], "the next speaker")
        .await;
    assert_eq!(round["speaker"], ids[1], "the guest who passed was skipped");
    assert_eq!(round["passed"], json!([ids[0]]));
    ack(&mut host, json!({"type": "end_round"})).await;
    guests[1]
        .expect_where(|m| m["type"] == "round" && m["active"] == false, "the round's end")
        .await;
}

#[tokio::test]
async fn rules_can_be_shown_and_changed_for_whoever_joins_next() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (mut host, mut guests) = room_of(&server, &session, 1).await;
    ack(&mut host, json!({"type": "show_rules"})).await;
    let shown = guests[0].expect("rules_shown").await;
    assert!(shown["rules"][0].as_str().unwrap().contains("stays here"));

    let mut at_the_gate = TestClient::joined(&server.ws_url(), &session.participant_token, "Gate").await;
    let rules = json!(["What is said here stays here.", "Cameras optional."]);
    ack(&mut host, json!({"type": "set_ground_rules", "rules": rules})).await;
    assert_eq!(guests[0].expect("ground_rules").await["rules"], rules);
    assert_eq!(
        at_the_gate.expect("ground_rules").await["rules"],
        rules,
        "read before accepting"
    );
    let mut late = TestClient::greeted(&server.ws_url()).await;
    let joined = late.join(&session.participant_token, "Late").await;
    assert_eq!(
        joined["session"]["ground_rules"], rules,
        "the new rules are stored and shown at the gate"
    );
}

#[tokio::test]
async fn an_energizer_runs_for_everyone_and_counts_who_is_back() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (mut host, mut guests) = room_of(&server, &session, 2).await;
    let library = host.request(json!({"type": "list_energizers"})).await;
    let energizers = library["energizers"].as_array().unwrap();
    assert!(energizers.len() >= 12);
    let id = energizers[0]["id"].as_str().unwrap().to_owned();

    ack(
        &mut host,
        json!({"type": "launch_energizer", "energizer": id, "seated": true}),
    )
    .await;
    for guest in guests.iter_mut() {
        let started = guest.expect("energizer_started").await;
        assert_eq!(started["energizer"]["id"], id.as_str());
        assert_eq!(started["seated"], true);
        assert!(started["ends_at"].as_i64().unwrap() > started["server_time"].as_i64().unwrap());
    }
    assert_eq!(
        host.expect("energizer_progress").await,
        json!({"type": "energizer_progress", "back": 0, "total": 2})
    );
    ack(&mut guests[1], json!({"type": "im_back"})).await;
    assert_eq!(host.expect("energizer_progress").await["back"], 1);
    ack(&mut host, json!({"type": "end_energizer"})).await;
    guests[0].expect("energizer_ended").await;
}

#[tokio::test]
async fn a_pulse_check_shows_only_aggregates_and_only_when_safe() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (mut host, mut guests) = room_of(&server, &session, 3).await;
    ack(&mut host, json!({"type": "start_pulse", "kind": "scale"})).await;
    let pulse = guests[0].expect("pulse").await;
    assert_eq!(pulse["question"], "How is your energy?");
    let id = pulse["id"].clone();
    for (guest, value) in guests.iter_mut().zip([2, 4, 4]) {
        ack(guest, json!({"type": "answer_pulse", "pulse": id, "scale": value})).await;
    }
    let progress = host
        .expect_where(|m| m["type"] == "pulse" && m["answered"] == 3, "three answers")
        .await;
    assert!(
        progress.get("scale").is_none(),
        "no distribution while open: {progress}"
    );
    let twice = guests[0]
        .request(json!({"type": "answer_pulse", "pulse": id, "scale": 5}))
        .await;
    assert_eq!(twice["code"], "invalid_input");

    ack(&mut host, json!({"type": "close_pulse"})).await;
    let closed = host
        .expect_where(|m| m["type"] == "pulse" && m["open"] == false, "the closed check")
        .await;
    assert_eq!(closed["scale"], json!([0, 1, 0, 2, 0]));
    let seen = guests[1]
        .expect_where(|m| m["type"] == "pulse" && m["open"] == false, "the closed check")
        .await;
    assert!(seen.get("scale").is_none(), "not shared yet: {seen}");
    ack(&mut host, json!({"type": "share_pulse"})).await;
    let shared = guests[1]
        .expect_where(
            |m| m["type"] == "pulse" && m.get("scale").is_some(),
            "the shared results",
        )
        .await;
    assert_eq!(shared["scale"], json!([0, 1, 0, 2, 0]));
    // Nothing anyone received ties an answer to a person.
    for message in guests[1].unread_of("pulse").iter().chain([&shared]) {
        assert!(
            message.get("from").is_none() && message.get("participant").is_none(),
            "{message}"
        );
    }
}

#[tokio::test]
async fn the_summary_is_captured_proposed_finalized_and_exported() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (mut host, mut guests) = room_of(&server, &session, 1).await;
    ack(&mut host, json!({"type": "add_summary_item", "key": "key-takeaway-1", "kind": "takeaway", "text": "Rest is part of the work."})).await;
    ack(
        &mut guests[0],
        json!({"type": "propose_summary_item", "kind": "follow_up", "text": "Meet again in two weeks."}),
    )
    .await;
    let with_proposal = host
        .expect_where(
            |m| m["type"] == "summary" && m["proposals"].as_array().is_some_and(|p| !p.is_empty()),
            "a proposal",
        )
        .await;
    let proposal = with_proposal["proposals"][0]["id"].clone();
    assert!(
        with_proposal["proposals"][0].get("from").is_none(),
        "proposals carry no author"
    );
    ack(
        &mut host,
        json!({"type": "accept_proposal", "key": "key-accept-01", "proposal": proposal}),
    )
    .await;
    ack(&mut host, json!({"type": "finalize_summary", "key": "key-final-001"})).await;
    let last = guests[0]
        .expect_where(
            |m| m["type"] == "summary" && m["finalized"] == true,
            "the final summary",
        )
        .await;
    assert_eq!(last["items"].as_array().unwrap().len(), 2);
    assert!(last.get("proposals").is_none());
    let late = host
        .request(json!({"type": "add_summary_item", "key": "key-too-late", "kind": "outcome", "text": "x"}))
        .await;
    assert_eq!(late["code"], "invalid_input");

    let path = format!("/sessions/{}/summary.md", session.id);
    let bearer = format!("Bearer {}", session.facilitator_token);
    let (status, response) = http::get(server.addr, &path, &[("Authorization", &bearer)]).await;
    assert_eq!(status, 200, "{response}");
    let markdown = http::body(&response);
    assert!(markdown.starts_with("# Tuesday group\n"), "{markdown}");
    assert!(
        markdown.contains("## Key takeaways\n\n- Rest is part of the work.\n"),
        "{markdown}"
    );
    assert!(
        markdown.contains("## Follow-ups\n\n- Meet again in two weeks.\n"),
        "{markdown}"
    );
    assert!(!markdown.contains("Draft"));

    let participant = format!("Bearer {}", session.participant_token);
    assert_eq!(
        http::get(server.addr, &path, &[("Authorization", &participant)])
            .await
            .0,
        401
    );
    assert_eq!(http::get(server.addr, &path, &[]).await.0, 401);
    let other = server.session().await;
    let other_host = format!("Bearer {}", other.facilitator_token);
    assert_eq!(
        http::get(server.addr, &path, &[("Authorization", &other_host)]).await.0,
        404
    );
}

#[tokio::test]
async fn the_next_session_of_a_series_opens_with_the_last_outcomes() {
    let server = TestServer::start().await;
    let store = server.store();
    let series = store.create_series("Night shift group", None, 0).await.unwrap();
    let now = peer_room::clock::now_millis();
    let first = server
        .session_with(now + 3_600_000, |s| {
            s.series_id = Some(series.clone());
            s.starts_at = now - 7 * 24 * 3_600_000;
        })
        .await;
    let second = server
        .session_with(now + 3_600_000, |s| s.series_id = Some(series.clone()))
        .await;

    let (mut host, _) = room_of(&server, &first, 0).await;
    for (key, kind, text) in [
        ("k-series-01", "outcome", "Ask for a quiet room."),
        ("k-series-02", "takeaway", "Kept private."),
    ] {
        ack(
            &mut host,
            json!({"type": "add_summary_item", "key": key, "kind": kind, "text": text}),
        )
        .await;
    }
    ack(&mut host, json!({"type": "finalize_summary", "key": "k-series-03"})).await;

    let mut next = TestClient::joined(&server.ws_url(), &second.facilitator_token, "Host").await;
    let state = next.expect("room_state").await;
    let previous: Vec<&str> = state["previous_outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["text"].as_str().unwrap())
        .collect();
    assert_eq!(previous, vec!["Ask for a quiet room."], "outcomes and follow-ups only");
}

//! The whole join flow: facilitator, waiting room, rules, presence, chat,
//! the hand queue, and a reconnect that keeps one's place.

use serde_json::{Value, json};

use crate::support::{TestClient, TestServer, room_of};

fn ids(list: &Value) -> Vec<u64> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|v| v["id"].as_u64().expect("an id"))
        .collect()
}

#[tokio::test]
async fn a_participant_waits_is_admitted_accepts_the_rules_and_sees_the_room() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let url = server.ws_url();

    let mut host = TestClient::joined(&url, &session.facilitator_token, "Dr. Facilitator").await;
    let state = host.expect("room_state").await;
    assert_eq!(state["participants"][0]["role"], "facilitator");
    let host_id = host.you.unwrap();

    let mut guest = TestClient::greeted(&url).await;
    let joined = guest.join(&session.participant_token, "Sam").await;
    assert_eq!(joined["type"], "joined", "{joined}");
    assert_eq!(joined["role"], "participant");
    assert_eq!(joined["gate"], json!({"rules_accepted": false, "admitted": false}));
    assert_eq!(joined["session"]["title"], "Tuesday group");
    assert!(joined["session"]["ground_rules"].as_array().unwrap().len() >= 5);
    let guest_id = guest.you.unwrap();

    // The facilitator sees who is waiting; the guest sees nothing of the room.
    let waiting = host.expect("waiting_room").await;
    assert_eq!(ids(&waiting["waiting"]), vec![guest_id]);
    assert_eq!(waiting["waiting"][0]["name"], "Sam");
    let refused = guest.request(json!({"type": "get_state"})).await;
    assert_eq!(refused["code"], "not_in_room", "{refused}");

    host.request(json!({"type": "admit", "participant": guest_id})).await;
    let gate = guest.expect("gate").await;
    assert_eq!(gate["admitted"], true);
    assert_eq!(gate["rules_accepted"], false);

    guest.request(json!({"type": "accept_rules"})).await;
    let state = guest.expect("room_state").await;
    assert_eq!(ids(&state["participants"]), vec![host_id, guest_id]);
    assert!(
        state.get("waiting").is_none(),
        "participants never see the waiting list"
    );
    let joined = host.expect("participant_joined").await;
    assert_eq!(joined["participant"]["id"], guest_id);
    assert_eq!(joined["participant"]["name"], "Sam");
}

#[tokio::test]
async fn chat_reaches_everyone_in_the_order_the_server_received_it() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (mut host, mut guests) = room_of(&server, &session, 2).await;

    host.request(json!({"type": "chat", "text": "one"})).await;
    guests[0].request(json!({"type": "chat", "text": "two"})).await;
    guests[1].request(json!({"type": "chat", "text": "three"})).await;
    host.request(json!({"type": "chat", "text": "four"})).await;

    for client in std::iter::once(&mut host).chain(guests.iter_mut()) {
        let mut seen = Vec::new();
        for _ in 0..4 {
            let line = client.expect("chat").await;
            seen.push((line["seq"].as_u64().unwrap(), line["text"].as_str().unwrap().to_owned()));
        }
        assert_eq!(
            seen,
            vec![
                (1, "one".into()),
                (2, "two".into()),
                (3, "three".into()),
                (4, "four".into())
            ]
        );
    }
}

#[tokio::test]
async fn the_hand_queue_keeps_its_order_and_a_reconnect_keeps_ones_place() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (mut host, mut guests) = room_of(&server, &session, 3).await;
    let [a, b, c] = [0, 1, 2].map(|i| guests[i].you.unwrap());

    for i in [2, 0, 1] {
        let ack = guests[i].request(json!({"type": "raise_hand"})).await;
        assert_eq!(ack["type"], "ack", "{ack}");
    }
    // Raising again does not move anyone.
    guests[2].request(json!({"type": "raise_hand"})).await;
    assert_eq!(host.state().await["hands"], json!([c, a, b]));

    // Guest a loses the network: no close frame, just gone.
    let resume_token = guests[0].resume_token.clone().unwrap();
    let dropped = guests.remove(0);
    dropped.drop_connection();
    let update = host
        .expect_where(
            |m| m["type"] == "participant_updated" && m["participant"]["connected"] == false,
            "a disconnect",
        )
        .await;
    assert_eq!(update["participant"]["id"], a);

    // Back within the grace: same id, same hand position, no admission.
    let mut back = TestClient::greeted(&server.ws_url()).await;
    let joined = back.resume(&resume_token).await;
    assert_eq!(joined["type"], "joined", "{joined}");
    assert_eq!(joined["you"], a);
    assert_eq!(joined["gate"], json!({"rules_accepted": true, "admitted": true}));
    let state = back.expect("room_state").await;
    assert_eq!(state["hands"], json!([c, a, b]));
    host.expect_where(
        |m| m["type"] == "participant_updated" && m["participant"]["connected"] == true,
        "a reconnect",
    )
    .await;

    // The facilitator calls the first hand; everyone sees who has the floor.
    host.request(json!({"type": "call_next_hand"})).await;
    assert_eq!(back.expect("hand_called").await["participant"], c);
    assert_eq!(back.state().await["hands"], json!([a, b]));
}

#[tokio::test]
async fn after_the_grace_a_dropped_participant_has_left() {
    let server = TestServer::start_with(|config| config.rooms.room.grace_ms = 300).await;
    let session = server.session().await;
    let (mut host, mut guests) = room_of(&server, &session, 1).await;
    let id = guests[0].you.unwrap();
    guests[0].request(json!({"type": "raise_hand"})).await;
    let token = guests[0].resume_token.clone().unwrap();
    guests.remove(0).drop_connection();

    let left = host.expect("participant_left").await;
    assert_eq!(
        left,
        json!({"type": "participant_left", "participant": id, "reason": "timed_out"})
    );
    assert_eq!(host.state().await["hands"], json!([]));
    let mut late = TestClient::greeted(&server.ws_url()).await;
    assert_eq!(late.resume(&token).await["code"], "resume_failed");
}

#[tokio::test]
async fn reactions_and_mute_requests_reach_the_right_people() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (mut host, mut guests) = room_of(&server, &session, 2).await;
    let a = guests[0].you.unwrap();

    guests[0].request(json!({"type": "react", "reaction": "me_too"})).await;
    let reaction = host.expect("reaction").await;
    assert_eq!(reaction, json!({"type": "reaction", "from": a, "reaction": "me_too"}));
    guests[1].expect("reaction").await;

    host.request(json!({"type": "ask_to_mute", "participant": a})).await;
    guests[0].expect("mute_requested").await;
    // The other guest was not asked: the next thing they see is this chat.
    host.request(json!({"type": "chat", "text": "marker"})).await;
    guests[1].expect("chat").await;
    assert!(guests[1].unread_of("mute_requested").is_empty());
}

#[tokio::test]
async fn the_support_signal_reaches_the_facilitators_and_no_one_else() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (mut host, mut guests) = room_of(&server, &session, 2).await;
    let asking = guests[0].you.unwrap();
    guests[0].request(json!({"type": "need_support"})).await;
    let requests = host.expect("support_requests").await;
    assert_eq!(requests["requests"][0]["participant"], asking);
    // The other guest is told nothing: the next thing they see is this chat.
    host.request(json!({"type": "chat", "text": "marker"})).await;
    guests[1].expect("chat").await;
    assert!(guests[1].unread_of("support_requests").is_empty());

    host.request(json!({"type": "acknowledge_support", "participant": asking}))
        .await;
    guests[0].expect("support_acknowledged").await;
    assert_eq!(host.expect("support_requests").await["requests"], json!([]));
}

#[tokio::test]
async fn the_welcome_carries_the_crisis_resources() {
    let server = TestServer::start().await;
    let mut client = TestClient::connect(&server.ws_url()).await;
    let welcome = client.request(json!({"type": "hello", "version": 1})).await;
    let first = &welcome["crisis_resources"][0];
    assert!(first["contact"].as_str().unwrap().contains("988"), "{welcome}");
}

//! Every host control is checked on the server: a participant who sends one
//! gets `forbidden` and the room is exactly as it was. The controls are not
//! listed here: they are every request the permission table keeps for hosts,
//! as docs/protocol.md writes it.

use peer_room_testkit::protocol_doc;
use serde_json::json;

use crate::support::{TestClient, TestServer, room_of};

#[tokio::test]
async fn a_participant_sending_any_host_control_is_refused_and_nothing_changes() {
    // This test asks for the room's state twice per message, far faster than
    // a person clicks: lift the rate limit so it measures authorization only.
    let server = TestServer::start_with(|config| {
        config.socket.rate.per_second = 10_000.0;
        config.socket.rate.burst = 10_000.0;
    })
    .await;
    let session = server.session().await;
    let (mut host, mut guests) = room_of(&server, &session, 1).await;
    let mut waiting = TestClient::joined(&server.ws_url(), &session.participant_token, "Waiting").await;
    // Something for every control to change, were it allowed to.
    for setup in [
        json!({"type": "raise_hand"}),
        json!({"type": "chat", "text": "before"}),
        json!({"type": "add_segment", "segment": {"title": "Check-in", "kind": "check_in", "minutes": 10}}),
        json!({"type": "add_segment", "segment": {"title": "Sharing", "kind": "sharing", "minutes": 20}}),
        json!({"type": "start_session"}),
        json!({"type": "start_round", "order": "hands_first"}),
        json!({"type": "launch_energizer", "energizer": "box-breathing"}),
        json!({"type": "start_pulse", "kind": "scale"}),
        json!({"type": "add_summary_item", "key": "setup-item-1", "kind": "outcome", "text": "kept"}),
    ] {
        let reply = host.request(setup.clone()).await;
        assert_eq!(reply["type"], "ack", "{setup} -> {reply}");
    }
    guests[0]
        .request(json!({"type": "propose_summary_item", "kind": "takeaway", "text": "p"}))
        .await;
    let (host_id, waiting_id) = (host.you.unwrap(), waiting.you.unwrap());
    // Every request the permission table keeps for hosts, as the protocol
    // doc writes it, aimed at real people where it names someone.
    let messages = protocol_doc::restricted_requests(|id| json!(if id == 4 { host_id } else { waiting_id }));
    assert!(messages.len() > 40, "{messages:?}");
    // Someone in the room and someone still waiting: neither may host.
    for sender in [&mut guests[0], &mut waiting] {
        for message in &messages {
            let before = host.state().await;
            let reply = sender.request(message.clone()).await;
            assert_eq!(reply["type"], "error", "{message} -> {reply}");
            assert_eq!(reply["code"], "forbidden", "{message} -> {reply}");
            assert_eq!(host.state().await, before, "{message} changed the room");
        }
    }
    // The facilitator is still here, and so is everyone else.
    let ack = host.request(json!({"type": "chat", "text": "after"})).await;
    assert_eq!(ack["type"], "ack");
}

#[tokio::test]
async fn a_co_facilitator_may_host_but_not_end_the_session() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (mut host, mut guests) = room_of(&server, &session, 2).await;
    let co = guests[0].you.unwrap();
    host.request(json!({"type": "set_role", "participant": co, "role": "co_facilitator"}))
        .await;
    let update = guests[1].expect("participant_updated").await;
    assert_eq!(update["participant"]["role"], "co_facilitator");

    let ack = guests[0].request(json!({"type": "set_locked", "locked": true})).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    assert_eq!(guests[1].expect("settings").await["locked"], true);
    for message in [
        json!({"type": "end_session"}),
        json!({"type": "remove", "participant": host.you.unwrap()}),
    ] {
        let reply = guests[0].request(message.clone()).await;
        assert_eq!(reply["code"], "forbidden", "{message} -> {reply}");
    }
}

#[tokio::test]
async fn a_facilitator_of_one_room_cannot_act_on_another() {
    let server = TestServer::start().await;
    let (room_a, room_b) = (server.session().await, server.session().await);
    let (mut host_a, _) = room_of(&server, &room_a, 1).await;
    let (mut host_b, guests_b) = room_of(&server, &room_b, 3).await;
    // Participant numbers are per room: this one exists only in room B.
    let only_in_b = guests_b[2].you.unwrap();
    assert!(only_in_b > 2);
    let before = host_b.state().await;

    for message in [
        json!({"type": "remove", "participant": only_in_b}),
        json!({"type": "ask_to_mute", "participant": only_in_b}),
        json!({"type": "admit", "participant": only_in_b}),
        json!({"type": "lower_hand", "participant": only_in_b}),
    ] {
        let reply = host_a.request(message.clone()).await;
        assert_eq!(reply["code"], "not_found", "{message} -> {reply}");
    }
    // A connection belongs to one room: it cannot also join another.
    let reply = host_a.join(&room_b.facilitator_token, "Intruder").await;
    assert_eq!(reply["code"], "already_joined", "{reply}");
    assert_eq!(host_b.state().await, before);
}

#[tokio::test]
async fn a_removed_person_cannot_rejoin_with_the_same_link_on_the_same_device() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (mut host, mut guests) = room_of(&server, &session, 2).await;
    let removed_id = guests[0].you.unwrap();
    let device = guests[0].device.clone();

    host.request(json!({"type": "remove", "participant": removed_id})).await;
    guests[0].expect("removed").await;
    assert_eq!(guests[0].expect_close().await, Some(4001));
    let left = guests[1].expect("participant_left").await;
    assert_eq!(left["reason"], "removed");

    let mut again = TestClient::greeted(&server.ws_url()).await;
    again.device = device;
    let reply = again.join(&session.participant_token, "Back again").await;
    assert_eq!(reply["code"], "removed", "{reply}");
}

#[tokio::test]
async fn ending_the_session_closes_every_connection_and_every_link() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (mut host, mut guests) = room_of(&server, &session, 1).await;
    host.request(json!({"type": "end_session"})).await;
    for client in [&mut host, &mut guests[0]] {
        client.expect("session_ended").await;
        assert_eq!(client.expect_close().await, Some(4004));
    }
    for token in [&session.facilitator_token, &session.participant_token] {
        let mut late = TestClient::greeted(&server.ws_url()).await;
        assert_eq!(late.join(token, "Late").await["code"], "session_ended");
    }
}

//! Keepalive and shutdown: dead connections are noticed, and a stopping
//! server tells everyone so they can rejoin.

use std::time::Duration;

use serde_json::json;

use crate::support::{TestClient, TestServer, room_of};

#[tokio::test]
async fn a_connection_that_stops_answering_pings_is_dropped() {
    let server = TestServer::start_with(|config| {
        config.socket.ping_interval = Duration::from_millis(100);
        config.socket.dead_after = Duration::from_millis(400);
    })
    .await;
    let session = server.session().await;
    let (mut host, guests) = room_of(&server, &session, 1).await;
    let silent_id = guests[0].you.unwrap();
    // Never read again: a client that never reads never answers a ping. The
    // host keeps answering because `expect_where` keeps reading.
    let _silent = guests;
    let update = host
        .expect_where(
            |m| m["type"] == "participant_updated" && m["participant"]["connected"] == false,
            "a dead peer",
        )
        .await;
    assert_eq!(update["participant"]["id"], silent_id);
    let ack = host.request(json!({"type": "chat", "text": "still alive"})).await;
    assert_eq!(ack["type"], "ack");
}

#[tokio::test]
async fn shutting_down_tells_every_client_the_server_is_restarting() {
    let mut server = TestServer::start().await;
    let session = server.session().await;
    let (mut host, mut guests) = room_of(&server, &session, 1).await;
    let mut lobby = TestClient::greeted(&server.ws_url()).await;
    server.stop().await;
    for client in [&mut host, &mut guests[0], &mut lobby] {
        client.expect("server_restarting").await;
        assert_eq!(client.expect_close().await, Some(1012));
    }
}

#[tokio::test]
async fn a_connection_that_never_greets_or_never_joins_is_closed() {
    let server = TestServer::start_with(|config| {
        config.socket.hello_within = Duration::from_millis(200);
        config.socket.join_within = Duration::from_millis(400);
    })
    .await;
    let mut silent = TestClient::connect(&server.ws_url()).await;
    assert_eq!(silent.expect_close().await, Some(1008));
    assert_eq!(silent.unread_of("error")[0]["code"], "handshake_required");

    let mut idle = TestClient::greeted(&server.ws_url()).await;
    assert_eq!(idle.expect_close().await, Some(1008));
    assert_eq!(idle.unread_of("error")[0]["code"], "not_joined");

    // Joining in time keeps the connection open past both deadlines.
    let session = server.session().await;
    let mut joined = TestClient::joined(&server.ws_url(), &session.facilitator_token, "Host").await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let ack = joined.request(json!({"type": "chat", "text": "still here"})).await;
    assert_eq!(ack["type"], "ack");
}

#[tokio::test]
async fn a_client_that_closes_gets_the_close_frame_answered() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (host, _) = room_of(&server, &session, 0).await;
    let answer = host.close_with(1000).await.expect("the server answers the close frame");
    assert_eq!(
        u16::from(answer.code),
        1000,
        "RFC 6455: the endpoint echoes the status code"
    );
}

//! The server makes a person's peer connection on their first `media_offer`,
//! not when they enter the room: people who never send media (a client that
//! only chats, a load test) hold no UDP socket, no ICE agent and no DTLS
//! state. The server's media ports are given a range here so that its
//! sockets can be told apart from the test clients' in `/proc/net/udp`.

use serde_json::json;

use crate::support::udp_ports::{LAZY_CONNECTIONS, ports_of_block, udp_sockets_in};
use crate::support::{MediaClient, TestClient, TestServer, room_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_connection_is_made_on_the_first_offer_and_closed_on_leaving() {
    let ports = ports_of_block(LAZY_CONNECTIONS);
    let server = TestServer::start_with(|config| {
        config.media.ports = Some((*ports.start(), *ports.end()));
    })
    .await;
    let session = server.session().await;
    let (mut host, mut guests) = room_of(&server, &session, 3).await;
    host.request(json!({"type": "set_waiting_room", "enabled": false}))
        .await;

    // One more person comes in and offers media. The room's media task
    // handles commands in order, so once this connection is up, the four
    // entries before it have been handled: had any of them made a peer
    // connection, its socket would be counted below.
    let mut late = TestClient::joined(&server.ws_url(), &session.participant_token, "Late").await;
    let ack = late.request(json!({"type": "accept_rules"})).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    late.expect("room_state").await;
    let mut sender = MediaClient::start(late, 127).await;
    sender.wait_connected().await;
    assert_eq!(
        udp_sockets_in(&ports),
        1,
        "only the person who offered has a peer connection on the server"
    );

    // The chatting people are still fully in the room.
    let ack = guests[0].request(json!({"type": "chat", "text": "still here"})).await;
    assert_eq!(ack["type"], "ack", "{ack}");

    // Leaving (not a dropped socket, which keeps the place for a while).
    sender.leave().await;
    for _ in 0..100 {
        if udp_sockets_in(&ports) == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the leaver's peer connection still holds its socket after 5 s");
}

//! Test support: a real server and scripted clients.

mod client;
mod database;
pub mod http;
mod media_client;
mod server;
pub mod udp_ports;
pub mod video_seen;

pub use client::{TestClient, WAIT};
pub use database::TestDatabase;
pub use http::ApiClient;
pub use media_client::MediaClient;
pub use server::{ServerProcess, Session, TestServer, binary, token_of};

use serde_json::json;

/// A facilitator and `n` participants of one session, all in the room.
pub async fn room_of(server: &TestServer, session: &Session, n: usize) -> (TestClient, Vec<TestClient>) {
    let url = server.ws_url();
    let mut host = TestClient::joined(&url, &session.facilitator_token, "Facilitator").await;
    host.expect("room_state").await;
    let mut guests = Vec::new();
    for i in 0..n {
        let mut guest = TestClient::joined(&url, &session.participant_token, &format!("Guest {i}")).await;
        let ack = guest.request(json!({"type": "accept_rules"})).await;
        assert_eq!(ack["type"], "ack", "{ack}");
        let id = guest.you.expect("joined");
        let ack = host.request(json!({"type": "admit", "participant": id})).await;
        assert_eq!(ack["type"], "ack", "{ack}");
        guest.expect("room_state").await;
        host.expect_where(
            |m| m["type"] == "participant_joined" && m["participant"]["id"] == id,
            "participant_joined",
        )
        .await;
        guests.push(guest);
    }
    (host, guests)
}

/// The session's facilitator alone in its room, on camera and microphone and
/// connected, with the waiting room off so that whoever joins comes in.
pub async fn host_on_camera_door_open(server: &TestServer, session: &Session) -> MediaClient {
    let (host, _) = room_of(server, session, 0).await;
    let mut host = MediaClient::start(host, 127).await;
    host.wait_connected().await;
    let reply = host
        .request(json!({"type": "set_waiting_room", "enabled": false}))
        .await;
    assert_eq!(reply["type"], "ack", "{reply}");
    host
}

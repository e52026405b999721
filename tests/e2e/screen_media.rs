//! Screen share through the real server and real `webrtc` peers: a screen
//! offered as the web client offers it (a third section) reaches no one
//! until its sharer starts sharing, then reaches everyone as a stream of its
//! own (`s<id>`), beside the camera; it stops for everyone when the share
//! stops, and a participant who was not allowed is refused and sends nothing.

use std::time::Duration;

use rtc::rtp_transceiver::rtp_sender::RtpCodecKind::Video;
use serde_json::json;

use crate::support::{MediaClient, TestServer, room_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_screen_reaches_everyone_only_while_it_is_shared() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (host, mut guests) = room_of(&server, &session, 2).await;
    let guest_b = guests.pop().unwrap();
    let guest_a = guests.pop().unwrap();
    let mut peers = [
        MediaClient::start_with_screen(host, 60).await,
        MediaClient::start_with_screen(guest_a, 127).await,
        MediaClient::start(guest_b, 127).await,
    ];
    for peer in peers.iter_mut() {
        peer.wait_connected().await;
    }
    let (host, a) = (peers[0].you, peers[1].you);
    peers[2].wait_for_packets(host, Video, 30).await;
    // Offered, sending, and yet forwarded to no one.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(peers[2].screen_packets_from(host), 0);
    assert_eq!(peers[2].screen_packets_from(a), 0);

    // A participant who was not allowed is refused.
    let refused = peers[1].request(json!({"type": "start_screen_share"})).await;
    assert_eq!(refused["code"], "forbidden", "{refused}");

    let ack = peers[0].request(json!({"type": "start_screen_share"})).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    for peer in &peers[1..] {
        peer.wait_for_screen(host, 30).await;
    }
    assert_eq!(peers[2].screen_packets_from(a), 0, "only the sharer's screen");
    let camera = peers[2].packets_from(host, Video);
    peers[2].wait_for_packets(host, Video, camera + 30).await;

    let ack = peers[0].request(json!({"type": "stop_screen_share"})).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stopped = peers[2].screen_packets_from(host);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        peers[2].screen_packets_from(host),
        stopped,
        "a stopped share is not forwarded"
    );

    // Allowed, the participant shares; the host hears of it and sees it.
    let body = json!({"type": "allow_screen_share", "participant": a, "allowed": true});
    let ack = peers[0].request(body).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    let ack = peers[1].request(json!({"type": "start_screen_share"})).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    peers[0].wait_for_screen(a, 30).await;
    peers[2].wait_for_screen(a, 30).await;
}

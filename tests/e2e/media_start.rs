//! The start of a session and a long one: a whole group let in at once gets
//! everyone's media in one or two offers per connection, and people coming
//! and going all session long never cost anyone who stays a new connection.

use rtc::rtp_transceiver::rtp_sender::RtpCodecKind::{Audio, Video};
use serde_json::json;

use crate::support::{MediaClient, TestClient, TestServer, host_on_camera_door_open, room_of};

/// How many offers a connection may take to get a whole group at once.
const OFFERS_AT_MOST: usize = 2;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twelve_admitted_at_once_get_everyone_in_at_most_two_offers_each() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (host, _) = room_of(&server, &session, 0).await;
    let mut host = MediaClient::start(host, 127).await;
    host.wait_connected().await;

    // Twelve wait, rules accepted, as they would before the start.
    let mut waiting = Vec::new();
    for i in 0..12 {
        let mut guest = TestClient::joined(&server.ws_url(), &session.participant_token, &format!("Guest {i}")).await;
        assert_eq!(guest.request(json!({"type": "accept_rules"})).await["type"], "ack");
        waiting.push(guest);
    }
    let host_offers_before = host.offers_received();
    assert_eq!(host.request(json!({"type": "admit_all"})).await["type"], "ack");

    // Each page starts its media as soon as it is let in, as a browser does.
    // Collected, so that all start at once, not each after the one before.
    let starts: Vec<_> = waiting
        .into_iter()
        .map(|mut guest| {
            tokio::spawn(async move {
                guest.expect("room_state").await;
                MediaClient::start(guest, 127).await
            })
        })
        .collect();
    let mut peers = vec![host];
    for start in starts {
        peers.push(start.await.expect("a guest starts"));
    }
    for peer in peers.iter_mut() {
        peer.wait_connected().await;
    }
    let ids: Vec<u64> = peers.iter().map(|p| p.you).collect();
    for peer in &peers {
        for &other in ids.iter().filter(|&&id| id != peer.you) {
            peer.wait_for_packets(other, Video, 10).await;
            peer.wait_for_packets(other, Audio, 5).await;
        }
    }
    // Counted once everyone has everyone: nothing was still to come.
    let host_offers = peers[0].offers_received() - host_offers_before;
    assert!(
        host_offers <= OFFERS_AT_MOST,
        "the facilitator took {host_offers} offers"
    );
    for peer in &peers[1..] {
        let offers = peer.offers_received();
        assert!(offers <= OFFERS_AT_MOST, "p{} took {offers} offers", peer.you);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_comings_and_goings_never_restart_the_connection_of_someone_who_stays() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let mut stays = host_on_camera_door_open(&server, &session).await;

    for i in 0..50 {
        let mut guest = TestClient::joined(&server.ws_url(), &session.participant_token, &format!("Guest {i}")).await;
        guest.request(json!({"type": "accept_rules"})).await;
        guest.expect("room_state").await;
        let mut guest = MediaClient::start(guest, 127).await;
        guest.wait_connected().await;
        // Each newcomer is seen and heard by the one who stays, and sees them.
        stays.wait_for_packets(guest.you, Video, 3).await;
        stays.wait_for_packets(guest.you, Audio, 3).await;
        guest.wait_for_packets(stays.you, Video, 3).await;
        guest.leave().await;
    }
    // One more to check the last departure's offer went through too.
    let mut last = TestClient::joined(&server.ws_url(), &session.participant_token, "Last").await;
    last.request(json!({"type": "accept_rules"})).await;
    last.expect("room_state").await;
    let last = MediaClient::start(last, 127).await;
    stays.wait_for_packets(last.you, Video, 10).await;

    let ufrags = stays.offer_ufrags.lock().unwrap().clone();
    assert!(
        ufrags.len() >= 100,
        "an offer for each arrival and departure: {}",
        ufrags.len()
    );
    assert!(
        ufrags.windows(2).all(|w| w[0] == w[1]),
        "ICE never restarted: {ufrags:?}"
    );
    assert!(
        stays.unread_of("media_restart").is_empty(),
        "the one who stays is never asked to start afresh"
    );
    // The connection sends on as many m-lines as the room held at once (one
    // guest: audio and video), plus its own two: it did not grow.
    let mlines = stays.offer_mlines.lock().unwrap().clone();
    assert_eq!(mlines.iter().max(), Some(&4), "m-lines in every offer: {mlines:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_the_server_cannot_apply_asks_the_client_to_start_afresh() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let mut stays = host_on_camera_door_open(&server, &session).await;
    stays.spoil_next_answer();

    let mut guest = TestClient::joined(&server.ws_url(), &session.participant_token, "Guest").await;
    guest.request(json!({"type": "accept_rules"})).await;
    guest.expect("room_state").await;
    let guest = MediaClient::start(guest, 127).await;
    stays
        .expect_where(|m| m["type"] == "media_restart", "the request to start afresh")
        .await;

    // It starts afresh (a new connection and offer, the same place) and gets
    // the guest's media on it.
    let token = stays.resume_token.clone();
    stays.close().await;
    let mut ws = TestClient::greeted(&server.ws_url()).await;
    assert_eq!(ws.resume(&token).await["type"], "joined");
    let mut fresh = MediaClient::start(ws, 127).await;
    fresh.wait_connected().await;
    fresh.wait_for_packets(guest.you, Video, 20).await;
    guest.wait_for_packets(fresh.you, Audio, 10).await;
}

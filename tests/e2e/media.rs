//! Media through the real server: three real `webrtc` peers in one room send
//! synthetic Opus and VP8; each receives the other two; a host's mute stops
//! one's audio for everyone; a leaver's tracks end for the others.

use std::time::Duration;

use rtc::rtp_transceiver::rtp_sender::RtpCodecKind::{Audio, Video};
use serde_json::json;

use crate::support::{MediaClient, TestServer, room_of};

/// A room of a facilitator and two participants, all sending media.
async fn three_peers(server: &TestServer) -> Vec<MediaClient> {
    let session = server.session().await;
    let (host, guests) = room_of(server, &session, 2).await;
    let mut peers = Vec::new();
    // Different levels: the loudest should be the one who speaks.
    for (client, level) in std::iter::once(host).chain(guests).zip([30, 127, 127]) {
        peers.push(MediaClient::start(client, level).await);
    }
    for peer in peers.iter_mut() {
        peer.wait_connected().await;
    }
    peers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_peer_receives_the_others_audio_and_video_through_the_server() {
    let server = TestServer::start().await;
    let peers = three_peers(&server).await;
    // The server's candidates name an m-line a browser can match: an index,
    // never an empty mid.
    for peer in &peers {
        let candidates = peer.server_candidates.lock().unwrap().clone();
        assert!(!candidates.is_empty(), "the server sent its candidates");
        for candidate in candidates {
            assert_ne!(candidate["sdpMid"], "", "{candidate}");
            assert!(candidate["sdpMLineIndex"].is_u64(), "{candidate}");
        }
    }
    let ids: Vec<u64> = peers.iter().map(|p| p.you).collect();
    for peer in &peers {
        for from in ids.iter().filter(|id| **id != peer.you) {
            peer.wait_for_packets(*from, Audio, 25).await;
            peer.wait_for_packets(*from, Video, 50).await;
        }
        assert_eq!(
            peer.packets_from(peer.you, Audio),
            0,
            "no one gets their own media back"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_mute_stops_that_audio_for_everyone_until_they_unmute() {
    let server = TestServer::start().await;
    let mut peers = three_peers(&server).await;
    let muted = peers[1].you;
    peers[2].wait_for_packets(muted, Audio, 10).await;

    let ack = peers[0].request(json!({"type": "mute", "participant": muted})).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    peers[1]
        .expect_where(|m| m["type"] == "muted_by_host", "the mute notice")
        .await;
    // Packets already on their way may still land; then nothing more comes.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (audio, video) = (peers[2].packets_from(muted, Audio), peers[2].packets_from(muted, Video));
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        peers[2].packets_from(muted, Audio),
        audio,
        "muted audio is not forwarded"
    );
    assert!(peers[2].packets_from(muted, Video) > video, "their video still is");

    // A host cannot unmute anyone; the person can, by turning it back on.
    let ack = peers[1]
        .request(json!({"type": "set_media_state", "audio": true, "video": true}))
        .await;
    assert_eq!(ack["type"], "ack", "{ack}");
    peers[2].wait_for_packets(muted, Audio, audio + 10).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_one_leaves_their_tracks_end_for_the_others() {
    let server = TestServer::start().await;
    let mut peers = three_peers(&server).await;
    let leaver = peers.remove(2);
    let gone = leaver.you;
    peers[0].wait_for_packets(gone, Video, 20).await;
    leaver.leave().await;

    for peer in peers.iter_mut() {
        peer.expect_where(
            |m| m["type"] == "participant_left" && m["participant"] == gone,
            "the leave",
        )
        .await;
        let ended = async {
            while !peer.ended.lock().unwrap().contains(&format!("p{gone}")) {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(10), ended)
            .await
            .expect("the server's offer ends the tracks");
    }
    // The two who stayed still hear each other.
    let (a, b) = (peers[0].you, peers[1].you);
    let before = peers[1].packets_from(a, Audio);
    peers[1].wait_for_packets(a, Audio, before + 10).await;
    peers[0].wait_for_packets(b, Video, 10).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_room_is_told_who_speaks_and_hosts_alone_get_talk_time() {
    let server = TestServer::start().await;
    let mut peers = three_peers(&server).await;
    let speaker = peers[0].you;
    let speaking = peers[1]
        .expect_where(|m| m["type"] == "speaking" && m["speaking"] == true, "someone speaking")
        .await;
    assert_eq!(speaking["participant"], speaker, "the one sending loud audio speaks");

    // The speaker mutes: their stretch ends and counts as talk time, which
    // only hosts see.
    peers[0]
        .request(json!({"type": "set_media_state", "audio": false, "video": true}))
        .await;
    let totals = peers[0].expect_where(|m| m["type"] == "talk_time", "talk time").await;
    let mine = totals["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["participant"] == speaker)
        .unwrap();
    assert!(mine["ms"].as_i64().unwrap() > 0, "{totals}");
    let state = peers[1].request(json!({"type": "get_state"})).await;
    assert!(state.get("talk_time").is_none(), "participants never see talk time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resume_on_a_new_connection_restarts_ice_and_media_goes_on() {
    let server = TestServer::start().await;
    let mut peers = three_peers(&server).await;
    let other = peers[0].you;
    peers[1].wait_for_packets(other, Video, 20).await;
    peers[1].resume_with_ice_restart(&server.ws_url()).await;
    let now = peers[1].packets_from(other, Video);
    peers[1].wait_for_packets(other, Video, now + 50).await;
    let me = peers[1].you;
    let theirs = peers[0].packets_from(me, Audio);
    peers[0].wait_for_packets(me, Audio, theirs + 10).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reloaded_page_resumes_its_place_with_a_new_peer_connection() {
    let server = TestServer::start().await;
    let mut peers = three_peers(&server).await;
    let (stays, reloads) = (peers[0].you, peers[1].you);
    peers[0].wait_for_packets(reloads, Video, 20).await;

    // The page reloads: its socket and its peer connection are gone; the new
    // page resumes its place and offers from a brand new connection.
    let old = peers.remove(1);
    let token = old.resume_token.clone();
    old.close().await;
    let mut ws = crate::support::TestClient::greeted(&server.ws_url()).await;
    assert_eq!(ws.resume(&token).await["type"], "joined");
    let mut fresh = MediaClient::start(ws, 127).await;
    fresh.wait_connected().await;
    fresh.wait_for_packets(stays, Video, 20).await;
    fresh.wait_for_packets(stays, Audio, 10).await;
    let before = peers[0].packets_from(reloads, Video);
    peers[0].wait_for_packets(reloads, Video, before + 30).await;
}

//! Breakouts through the real server and real `webrtc` peers: once a pair is
//! opened, its two hear and see each other and no one else, and the people
//! left in the main room hear only each other; a host's visit joins the
//! group's media; once everyone is back, everyone receives everyone again.

use std::time::Duration;

use rtc::rtp_transceiver::rtp_sender::RtpCodecKind::{self, Audio, Video};
use serde_json::json;

use crate::support::{MediaClient, TestServer, room_of};

/// How long to watch for packets that should not come: 25 audio packets'
/// worth, after a pause for those already on their way.
const QUIET: Duration = Duration::from_millis(500);

/// The packets each of `peers` has from `from`, of `kind`, now.
fn counts(peers: &[MediaClient], from: u64, kind: RtpCodecKind) -> Vec<u64> {
    peers.iter().map(|p| p.packets_from(from, kind)).collect()
}

/// Asserts that, over a while, `peer` gets nothing more from `from`.
async fn hears_nothing_from(peer: &MediaClient, from: u64, what: &str) {
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (audio, video) = (peer.packets_from(from, Audio), peer.packets_from(from, Video));
    tokio::time::sleep(QUIET).await;
    assert_eq!(peer.packets_from(from, Audio), audio, "{what}: audio");
    assert_eq!(peer.packets_from(from, Video), video, "{what}: video");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pair_hears_only_itself_until_everyone_is_back() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (host, guests) = room_of(&server, &session, 3).await;
    let mut peers = Vec::new();
    for client in std::iter::once(host).chain(guests) {
        peers.push(MediaClient::start(client, 60).await);
    }
    for peer in peers.iter_mut() {
        peer.wait_connected().await;
    }
    let ids: Vec<u64> = peers.iter().map(|p| p.you).collect();
    let (host, a, b, c) = (ids[0], ids[1], ids[2], ids[3]);
    for peer in &peers {
        for from in ids.iter().filter(|id| **id != peer.you) {
            peer.wait_for_packets(*from, Video, 20).await;
        }
    }

    let ack = peers[0]
        .request(json!({"type": "open_breakouts", "groups": [[a, b]], "minutes": 5}))
        .await;
    assert_eq!(ack["type"], "ack", "{ack}");
    peers[1].expect_where(|m| m["type"] == "breakouts", "the groups").await;
    // The pair: each other, and no one else.
    hears_nothing_from(&peers[1], host, "a, in the pair, from the host").await;
    hears_nothing_from(&peers[1], c, "a, in the pair, from c").await;
    hears_nothing_from(&peers[3], a, "c, in the main room, from a").await;
    hears_nothing_from(&peers[0], b, "the host, in the main room, from b").await;
    let before = counts(&peers[1..2], b, Audio)[0];
    peers[1].wait_for_packets(b, Audio, before + 25).await;
    let before = counts(&peers[3..4], host, Audio)[0];
    peers[3].wait_for_packets(host, Audio, before + 25).await;

    // The host visits the pair: now they hear each other, and c does not hear the host.
    let ack = peers[0].request(json!({"type": "visit_breakout", "breakout": 1})).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    let before = peers[1].packets_from(host, Video);
    peers[1].wait_for_packets(host, Video, before + 20).await;
    let before = peers[0].packets_from(b, Audio);
    peers[0].wait_for_packets(b, Audio, before + 25).await;
    hears_nothing_from(&peers[3], host, "c, from the visiting host").await;

    // Everyone back: everyone's video again, from a keyframe.
    let ack = peers[0].request(json!({"type": "end_breakouts"})).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    for peer in &peers {
        for from in ids.iter().filter(|id| **id != peer.you) {
            let (audio, video) = (peer.packets_from(*from, Audio), peer.packets_from(*from, Video));
            peer.wait_for_packets(*from, Audio, audio + 25).await;
            peer.wait_for_packets(*from, Video, video + 20).await;
        }
    }
}

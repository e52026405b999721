//! Simulcast through the real server and real `webrtc` peers: a camera
//! published in three layers (`q` 90, `h` 180, `f` 360 pixels tall, each
//! packet marked with its layer) reaches each subscriber in the layer their
//! page shows it at (`video_sizes`): full size until a page says, the
//! smallest layer at least 0.8 times the tile's height, none when hidden.
//! Each switch begins at that layer's keyframe and the numbering runs on
//! unbroken. Bad sizes change nothing; a camera sent once is sent whatever
//! the size.

use std::time::Duration;

use rtc::rtp_transceiver::rtp_sender::RtpCodecKind::{Audio, Video};
use serde_json::{Value, json};

use peer_room_testkit::simulcast::{KeyframeOrder, TopLayer};

use crate::support::video_seen::Switch;
use crate::support::{MediaClient, TestServer, room_of};

const QUARTER: usize = 0;
const HALF: usize = 1;
const FULL: usize = 2;
/// The most sequence numbers a subscriber may see skipped at once: a packet
/// lost on loopback now and then, never a switch's (that would be thousands,
/// each layer numbering on its own).
const LARGEST_JUMP: u16 = 10;
/// The most frames a subscriber may see skipped at once: a whole frame
/// lost on loopback and repaired late, now and then.
const LARGEST_FRAME_STEP: u16 = 3;

/// A host publishing three layers, and `guests` with single-layer cameras,
/// all connected.
async fn simulcast_host_and(server: &TestServer, guests: usize) -> Vec<MediaClient> {
    let session = server.session().await;
    let (host, others) = room_of(server, &session, guests).await;
    let mut peers = vec![MediaClient::start_simulcast(host, 127).await];
    for guest in others {
        peers.push(MediaClient::start(guest, 127).await);
    }
    for peer in peers.iter_mut() {
        peer.wait_connected().await;
    }
    peers
}

/// Says which cameras the page shows, and how tall: `(participant, height)`.
async fn show(peer: &mut MediaClient, shown: &[(u64, u64)]) -> Value {
    let shown: Vec<Value> = shown
        .iter()
        .map(|(participant, height)| json!({"participant": participant, "height": height}))
        .collect();
    peer.request(json!({"type": "video_sizes", "shown": shown})).await
}

/// Waits until `from`'s camera comes at full size, as it does to a page
/// that has not said what it shows, having begun at a full-size keyframe
/// and nothing before it: the publisher's small layer is heard a moment
/// before the others, and the server waits for the chosen one rather than
/// send each smaller one as it appears. Returns how many switches that took.
async fn settles_at_full_size(peer: &MediaClient, from: u64) -> usize {
    peer.video_seen.wait_for_layer(from, FULL).await;
    let switches = peer.video_seen.of(from, |c| c.switches.clone());
    assert_eq!(switches.len(), 1, "straight to full size: {switches:?}");
    assert_eq!(
        Some((switches[0].to, switches[0].keyframe_height)),
        keyframe_of(FULL),
        "{switches:?}"
    );
    switches.len()
}

/// The layer `from`'s camera last switched to, and the height of the
/// keyframe it began with.
fn last_switch(peer: &MediaClient, from: u64) -> Option<(usize, Option<u16>)> {
    peer.video_seen
        .of(from, |c| c.switches.last().map(|s| (s.to, s.keyframe_height)))
}

fn keyframe_of(layer: usize) -> Option<(usize, Option<u16>)> {
    Some((layer, Some([90, 180, 360][layer])))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulcast_a_page_that_says_nothing_gets_full_size_and_a_small_tile_the_quarter_layer() {
    let server = TestServer::start().await;
    let mut peers = simulcast_host_and(&server, 2).await;
    let a = peers[0].you;
    let b_switches = settles_at_full_size(&peers[1], a).await;
    settles_at_full_size(&peers[2], a).await;

    let ack = show(&mut peers[2], &[(a, 100)]).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    peers[2].video_seen.wait_for_layer(a, QUARTER).await;
    assert_eq!(
        last_switch(&peers[2], a),
        keyframe_of(QUARTER),
        "switched at a keyframe"
    );

    // Meanwhile the page that said nothing still gets full size, unswitched.
    let before = peers[1].packets_from(a, Video);
    peers[1].wait_for_packets(a, Video, before + 50).await;
    let b_saw = peers[1].video_seen.of(a, |c| format!("{c:?}"));
    assert_eq!(peers[1].video_seen.of(a, |c| c.switches.len()), b_switches, "{b_saw}");
    assert_eq!(peers[1].video_seen.of(a, |c| c.layer), Some(FULL), "{b_saw}");
    let keyframes = peers[1].video_seen.of(a, |c| c.keyframes.clone());
    assert!(
        keyframes[b_switches..].iter().all(|h| *h == 360),
        "only full-size keyframes: {b_saw}"
    );
    for peer in &peers[1..] {
        let jump = peer.video_seen.of(a, |c| c.largest_jump);
        assert!(jump <= LARGEST_JUMP, "p{} saw a jump of {jump}", peer.you);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulcast_the_layer_follows_the_tile_stops_while_hidden_and_numbering_runs_on() {
    let server = TestServer::start().await;
    let mut peers = simulcast_host_and(&server, 2).await;
    let a = peers[0].you;
    let c = &mut peers[2];
    let first = settles_at_full_size(c, a).await - 1;
    assert_eq!(show(c, &[(a, 100)]).await["type"], "ack");
    c.video_seen.wait_for_layer(a, QUARTER).await;

    // 0.8 x 300 = 240: taller than the half layer, so the full one.
    assert_eq!(show(c, &[(a, 300)]).await["type"], "ack");
    c.video_seen.wait_for_layer(a, FULL).await;
    assert_eq!(last_switch(c, a), keyframe_of(FULL));

    // Hidden: no more of A's video, while A's sound goes on.
    assert_eq!(show(c, &[]).await["type"], "ack");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (video, audio) = (c.packets_from(a, Video), c.packets_from(a, Audio));
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(c.packets_from(a, Video), video, "a hidden camera is not sent");
    assert!(c.packets_from(a, Audio) > audio + 25, "its sound still is");

    // Shown again at 170: the half layer, from a keyframe on.
    assert_eq!(show(c, &[(a, 170)]).await["type"], "ack");
    c.video_seen.wait_for_layer(a, HALF).await;
    assert_eq!(last_switch(c, a), keyframe_of(HALF), "it starts again at a keyframe");
    let seen = c.video_seen.of(a, |c| format!("{c:?}"));
    let switches = c
        .video_seen
        .of(a, |c| c.switches[first..].iter().map(|s| s.to).collect::<Vec<_>>());
    assert_eq!(switches, vec![FULL, QUARTER, FULL, HALF], "{seen}");
    let jump = c.video_seen.of(a, |c| c.largest_jump);
    assert!(
        jump <= LARGEST_JUMP,
        "sequence numbers jumped by {jump} across switches: {seen}"
    );
    // Each layer numbers its frames on its own, from a random start: the
    // subscriber must see one stream's (a receiver drops frames whose
    // picture id it takes for one it had, and freezes until a keyframe).
    let steps = c.video_seen.of(a, |c| (c.largest_picture_id_step, c.largest_tl0_step));
    assert!(
        steps.0 <= LARGEST_FRAME_STEP && steps.1 <= LARGEST_FRAME_STEP as u8,
        "picture id and TL0PICIDX stepped by {steps:?} across switches: {seen}"
    );
}

/// A host whose keyframes' packets come in `order`, and a guest whose page
/// shows its camera at full size, then small, then at 170 rows: the
/// guest's switches (each checked to begin at its layer's keyframe, with
/// the numbering unbroken) and what it saw, for messages.
async fn full_quarter_half(order: KeyframeOrder) -> (Vec<Switch>, String) {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (host, mut guests) = room_of(&server, &session, 1).await;
    let mut a = MediaClient::start_simulcast_keyframes(host, 127, order).await;
    let mut b = MediaClient::start(guests.remove(0), 127).await;
    a.wait_connected().await;
    b.wait_connected().await;
    b.video_seen.wait_for_layer(a.you, FULL).await;
    // Each switch waits until the keyframes the layers began with are too
    // old to be sent on one (`recent_packets.rs`): it is made at the
    // keyframe it asks for, which comes in `order`.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(show(&mut b, &[(a.you, 100)]).await["type"], "ack");
    b.video_seen.wait_for_layer(a.you, QUARTER).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(show(&mut b, &[(a.you, 170)]).await["type"], "ack");
    b.video_seen.wait_for_layer(a.you, HALF).await;

    let seen = b.video_seen.of(a.you, |c| format!("{c:?}"));
    let switches = b.video_seen.of(a.you, |c| c.switches.clone());
    assert_eq!(
        switches.iter().map(|s| s.to).collect::<Vec<_>>(),
        vec![FULL, QUARTER, HALF],
        "{seen}"
    );
    for switch in &switches {
        assert_eq!(
            Some((switch.to, switch.keyframe_height)),
            keyframe_of(switch.to),
            "{seen}"
        );
    }
    let jump = b.video_seen.of(a.you, |c| c.largest_jump);
    assert!(jump <= LARGEST_JUMP, "sequence numbers jumped by {jump}: {seen}");
    (switches, seen)
}

/// On a lossy link a keyframe's first packet can come after the rest of its
/// frame (lost and repaired a round trip later, or reordered). A subscriber
/// switched at it must still get the whole keyframe: what came before it is
/// sent after it. Were it not, the rest could never be repaired for that
/// subscriber, and its picture would stall until the next keyframe.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulcast_a_switch_at_a_keyframe_whose_first_packet_came_last_gets_all_of_it() {
    let (switches, seen) = full_quarter_half(KeyframeOrder::FirstPacketLast).await;
    for switch in &switches {
        assert_eq!(switch.first_frame_packets, 3, "the whole keyframe: {seen}");
    }
}

/// On a lossy link a keyframe seldom comes whole at first: one of its
/// packets is repaired a round trip later. A subscriber moving to that
/// layer keeps the one it has until the keyframe is whole, then gets it
/// all, in order; switched at its first packet, it would have had nothing
/// to show until the repair came.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulcast_a_switch_waits_for_the_keyframe_to_come_whole_and_sends_it_in_order() {
    let (switches, seen) = full_quarter_half(KeyframeOrder::MiddlePacketLate).await;
    // The first is a start, with no picture to keep showing meanwhile: it
    // begins at once and the late packet follows as it comes.
    for switch in &switches[1..] {
        assert!(
            switch.opened_whole(),
            "the keyframe whole and in order: {switch:?} in {seen}"
        );
    }
}

/// Chromium turns its top layer off when its uplink estimate falls (at 5%
/// loss, every few seconds) and goes on sending padding on it. A
/// subscriber on that layer is moved to the one below rather than left on
/// a frozen picture, and taken back once the layer is on again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulcast_a_top_layer_its_browser_stops_is_left_for_the_one_below_and_taken_again_when_back() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (host, mut guests) = room_of(&server, &session, 1).await;
    let top = TopLayer::default();
    let mut a = MediaClient::start_simulcast_with_top_layer(host, 127, top.clone()).await;
    let mut b = MediaClient::start(guests.remove(0), 127).await;
    a.wait_connected().await;
    b.wait_connected().await;
    b.video_seen.wait_for_layer(a.you, FULL).await;

    top.stop();
    b.video_seen.wait_for_layer(a.you, HALF).await;
    assert_eq!(last_switch(&b, a.you), keyframe_of(HALF), "down at a keyframe");
    top.resume();
    b.video_seen.wait_for_layer(a.you, FULL).await;
    assert_eq!(last_switch(&b, a.you), keyframe_of(FULL), "back up at a keyframe");

    let seen = b.video_seen.of(a.you, |c| format!("{c:?}"));
    let switches = b
        .video_seen
        .of(a.you, |c| c.switches.iter().map(|s| s.to).collect::<Vec<_>>());
    assert_eq!(switches, vec![FULL, HALF, FULL], "{seen}");
    let jump = b.video_seen.of(a.you, |c| c.largest_jump);
    assert!(jump <= LARGEST_JUMP, "sequence numbers jumped by {jump}: {seen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulcast_sizes_out_of_bounds_are_refused_and_change_nothing() {
    let server = TestServer::start().await;
    let mut peers = simulcast_host_and(&server, 1).await;
    let a = peers[0].you;
    let c = &mut peers[1];
    assert_eq!(show(c, &[(a, 100)]).await["type"], "ack");
    c.video_seen.wait_for_layer(a, QUARTER).await;
    let switches = c.video_seen.of(a, |c| c.switches.len());

    // Both would move A to full size, were they taken.
    let too_many = vec![(a, 300); 65];
    let reply = show(c, &too_many).await;
    assert_eq!(reply["code"], "invalid_input", "{reply}");
    let reply = show(c, &[(a, 5_000)]).await;
    assert_eq!(reply["code"], "invalid_input", "{reply}");

    let before = c.packets_from(a, Video);
    tokio::time::sleep(Duration::from_secs(2)).await;
    c.wait_for_packets(a, Video, before + 100).await;
    let seen = c.video_seen.of(a, |c| format!("{c:?}"));
    assert_eq!(c.video_seen.of(a, |c| c.switches.len()), switches, "{seen}");
    assert_eq!(c.video_seen.of(a, |c| c.layer), Some(QUARTER), "{seen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulcast_a_camera_sent_once_is_sent_whatever_the_size_shown() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (host, mut guests) = room_of(&server, &session, 1).await;
    let mut peers = [
        MediaClient::start(host, 127).await,
        MediaClient::start(guests.remove(0), 127).await,
    ];
    for peer in peers.iter_mut() {
        peer.wait_connected().await;
    }
    let publisher = peers[0].you;
    let viewer = &mut peers[1];
    viewer.wait_for_packets(publisher, Video, 30).await;
    assert_eq!(show(viewer, &[(publisher, 60)]).await["type"], "ack");
    // Past the next choice of layers (once a second): still sent.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let before = viewer.packets_from(publisher, Video);
    viewer.wait_for_packets(publisher, Video, before + 100).await;
    let jump = viewer.video_seen.of(publisher, |c| c.largest_jump);
    assert!(jump <= LARGEST_JUMP, "sequence numbers jumped by {jump}");
}

/// A browser names a layer (mid and rid in each packet) only until the
/// first reception report; after that the server knows it by its SSRC
/// alone. Someone joining later makes the server offer again to everyone,
/// and the layers must still be known then: the crate, reading the answer,
/// would set up the publisher's camera anew and forget its SSRCs
/// (`publish_codecs.rs`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulcast_layers_known_by_ssrc_alone_survive_the_offers_a_later_arrival_brings() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (host, mut guests) = room_of(&server, &session, 2).await;
    let late = guests.pop().expect("two guests");
    let early = guests.pop().expect("two guests");
    let mut a = MediaClient::start_simulcast(host, 127).await;
    let mut b = MediaClient::start(early, 127).await;
    a.wait_connected().await;
    b.wait_connected().await;
    settles_at_full_size(&b, a.you).await;
    // Past the second in which the layers are named.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let mut c = MediaClient::start(late, 127).await;
    c.wait_connected().await;
    let seen = b.packets_from(a.you, Video);
    assert!(
        b.receives_within(a.you, Video, seen + 100, Duration::from_secs(5))
            .await,
        "B stopped getting A's camera after C came: {} then {}",
        seen,
        b.packets_from(a.you, Video)
    );
    assert!(
        c.receives_within(a.you, Video, 100, Duration::from_secs(5)).await,
        "C never got A's camera"
    );
}

//! Media setup on a bad link: a client whose datagrams go through a relay
//! that loses and delays them (`peer_room_testkit::impaired_path`) still
//! gets connected and receives the others, whichever handshake packets the
//! network lost. Counted, not timed: each join must get there within the
//! suite's usual wait.

use std::time::Duration;

use peer_room::media::engine::{OPUS_PAYLOAD_TYPE, RTX_PAYLOAD_TYPE, VP8_PAYLOAD_TYPE};
use peer_room::media::repair_twice::COPY_AFTER;

use peer_room_testkit::impaired_path::{DtlsLoss, Impairment};
use rtc::rtp_transceiver::rtp_sender::RtpCodecKind::{Audio, Video};
use serde_json::json;

use crate::support::udp_ports::{CONNECTIONS_GIVEN_UP, HANDSHAKES_GIVEN_UP, ports_of_block, udp_sockets_in};
use crate::support::{MediaClient, TestClient, TestServer, host_on_camera_door_open, http, room_of};

/// A hospital Wi-Fi on a bad day, as issue 21 measured it.
fn lossy_and_slow(seed: u64) -> Impairment {
    Impairment {
        one_way: Duration::from_millis(50),
        loss: 0.05,
        seed,
        ..Impairment::default()
    }
}

/// The server's DTLS datagrams on a fresh connection: its ClientHello, the
/// same with the cookie, then its last flight (certificate, key exchange,
/// Finished), the one a lossy link stalled for good (issue 21).
const SERVERS_LAST_FLIGHT: usize = 2;

/// A room with a facilitator connected on a plain path and one guest
/// starting media on `impairment`; the server is returned to keep it up.
async fn host_and_guest_on(impairment: Impairment) -> (TestServer, MediaClient, MediaClient) {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (host, guests) = room_of(&server, &session, 1).await;
    let mut host = MediaClient::start(host, 127).await;
    host.wait_connected().await;
    let guest = guests.into_iter().next().expect("one guest");
    let guest = MediaClient::start_impaired(guest, 127, impairment).await;
    (server, host, guest)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_last_handshake_flight_lost_is_sent_again_when_the_client_repeats_its_own() {
    // Lost twice, and each time the client repeats its flight at once, as
    // Chromium does: the server must answer each repeat with its flight.
    let lost = Impairment {
        server_dtls_lost: DtlsLoss {
            from: SERVERS_LAST_FLIGHT,
            count: 2,
            client_repeats_after: Some(Duration::from_millis(60)),
        },
        ..Impairment::delay(Duration::from_millis(20))
    };
    let (_server, host, mut guest) = host_and_guest_on(lost).await;
    // One connection, no fresh start: well within the page's patience.
    assert!(guest.connected_within(PATIENCE).await, "the handshake stalled");
    guest.wait_for_packets(host.you, Video, 10).await;
    assert_eq!(guest.lost(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_dtls_flights_lost_each_way_the_connection_still_comes_up() {
    // Two DTLS datagrams lost each way: the server's first flight and its
    // retransmission, and the client's answer to the one that got through.
    let lost = Impairment {
        lost_dtls: 2,
        ..Impairment::delay(Duration::from_millis(20))
    };
    let (_server, host, mut guest) = host_and_guest_on(lost).await;
    guest.wait_connected().await;
    guest.wait_for_packets(host.you, Video, 10).await;
    host.wait_for_packets(guest.you, Audio, 10).await;
    assert!(guest.lost() >= 2, "the relay lost {} datagrams", guest.lost());
}

/// How long the test's page waits for a connection before it makes a fresh
/// one, as a browser page does (10 s there: `setup-watch.js`).
const PATIENCE: Duration = Duration::from_secs(6);
/// Connections one join may take. Since the server repeats a lost last
/// DTLS flight (`media::dtls_repeat`) these joins need none beyond the
/// first; a fresh start stays allowed, as a page makes one, for a loss the
/// handshake cannot recover from in the page's patience.
const ATTEMPTS: u64 = 3;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_joins_in_a_row_on_a_lossy_slow_link_each_get_the_group() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let host = host_on_camera_door_open(&server, &session).await;
    let mut fresh_starts = 0;
    for join in 0..10 {
        let mut page = TestClient::joined(&server.ws_url(), &session.participant_token, &format!("Guest {join}")).await;
        assert_eq!(page.request(json!({"type": "accept_rules"})).await["type"], "ack");
        let mut attempt = 0;
        let guest = loop {
            let link = lossy_and_slow(join * ATTEMPTS + attempt);
            let mut guest = MediaClient::start_impaired(page, 127, link).await;
            if guest.connected_within(PATIENCE).await && guest.receives_within(host.you, Audio, 1, PATIENCE).await {
                break guest;
            }
            attempt += 1;
            assert!(attempt < ATTEMPTS, "join {join}: no connection in {ATTEMPTS} attempts");
            // What a page does: a fresh connection, in the same place.
            fresh_starts += 1;
            let token = guest.resume_token.clone();
            guest.close().await;
            page = TestClient::greeted(&server.ws_url()).await;
            assert_eq!(page.resume(&token).await["type"], "joined");
        };
        // Each way: the joiner gets the facilitator, and the facilitator the joiner.
        guest.wait_for_packets(host.you, Video, 20).await;
        guest.wait_for_packets(host.you, Audio, 20).await;
        host.wait_for_packets(guest.you, Audio, 20).await;
        assert!(guest.lost() > 0, "join {join}: the link lost nothing");
        guest.leave().await;
    }
    eprintln!("ten joins at 5% loss and 100 ms: {fresh_starts} fresh starts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_that_never_finds_a_path_is_given_up_freed_and_started_afresh() {
    // UDP blocked: nothing gets through, ICE included.
    let blocked = Impairment {
        loss: 1.0,
        ..Impairment::default()
    };
    given_up_freed_and_started_afresh(CONNECTIONS_GIVEN_UP, blocked, |media| {
        media.setup_within = Duration::from_secs(2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handshake_that_never_completes_is_given_up_once_the_path_is_found() {
    // ICE gets through but no DTLS datagram ever does: the connection is
    // stuck where issue 21 saw Chromium stuck, its pair chosen and nothing
    // flowing. (The library never calls such a connection failed.) Given
    // up on the handshake's own time, long before the setup's.
    let stuck = Impairment {
        lost_dtls: usize::MAX,
        ..Impairment::default()
    };
    given_up_freed_and_started_afresh(HANDSHAKES_GIVEN_UP, stuck, |media| {
        media.setup_within = Duration::from_secs(600);
        media.handshake_within = Duration::from_secs(2);
    })
    .await;
}

/// A guest whose connection the `impairment` keeps from coming up: the
/// facilitator's tile for them shows the problem, the server gives the
/// connection up (its socket freed) and asks for a fresh start, and a fresh
/// connection on a working network comes up.
async fn given_up_freed_and_started_afresh(
    block: u16,
    impairment: Impairment,
    limits: impl FnOnce(&mut peer_room::media::MediaConfig),
) {
    let ports = ports_of_block(block);
    let server = TestServer::start_with(|config| {
        config.media.ports = Some((*ports.start(), *ports.end()));
        limits(&mut config.media);
    })
    .await;
    let session = server.session().await;
    let (mut host, guests) = room_of(&server, &session, 1).await;
    let guest = guests.into_iter().next().expect("one guest");
    let mut guest = MediaClient::start_impaired(guest, 127, impairment).await;
    let id = guest.you;
    let trouble = tile_shows(&mut host, id, "trouble").await;
    assert_eq!(trouble["participant"]["connected"], true, "their socket is fine");
    guest
        .expect_where(|m| m["type"] == "media_restart", "the server asking for a fresh start")
        .await;
    // Given up: the server holds no socket for it any more.
    let mut freed = false;
    for _ in 0..100 {
        if udp_sockets_in(&ports) == 0 {
            freed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(freed, "{} server sockets left", udp_sockets_in(&ports));

    // The page comes back on a network that works now: its fresh connection
    // comes up and the tile says so.
    let token = guest.resume_token.clone();
    guest.close().await;
    let mut back = TestClient::greeted(&server.ws_url()).await;
    assert_eq!(back.resume(&token).await["type"], "joined");
    let mut back = MediaClient::start(back, 127).await;
    back.wait_connected().await;
    tile_shows(&mut host, id, "connected").await;
    assert_eq!(udp_sockets_in(&ports), 1, "one connection, the fresh one");
}

/// Waits until `watcher` is told that `id`'s media connection is `media`.
async fn tile_shows(watcher: &mut TestClient, id: u64, media: &str) -> serde_json::Value {
    let what = format!("participant {id}'s media shown as {media}");
    watcher
        .expect_where(
            |m| {
                m["type"] == "participant_updated" && m["participant"]["id"] == id && m["participant"]["media"] == media
            },
            &what,
        )
        .await
}

/// A publisher that repairs on an RTX stream its offer ties to its camera
/// (`a=ssrc-group:FID`, as a browser's one-layer camera or screen): the
/// server puts each repair back in place (`media::incoming_rtx`) before its
/// NACK generator looks, so a packet repaired is not asked for again, nor
/// given up. The guest's uplink loses 5%.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publishers_repairs_over_rtx_are_put_back_in_place() {
    let lossy = Impairment {
        one_way: Duration::from_millis(2),
        loss: 0.05,
        seed: 11,
        ..Impairment::default()
    };
    let (server, host, guest) = host_and_guest_on(lossy).await;
    host.wait_for_packets(guest.you, Video, 400).await;
    // A packet never repaired is given up a second after it was missed.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let repaired = server_counter(&server, "peer_room_media_packets_repaired_over_rtx_total").await;
    let unrepaired = server_counter(&server, "peer_room_media_packets_unrepaired_total").await;
    assert!(repaired >= 5, "{repaired} repairs put back in place");
    assert!(
        unrepaired <= 2,
        "{unrepaired} lost packets never repaired ({repaired} were)"
    );
}

/// A counter from the server's `/metrics`.
async fn server_counter(server: &TestServer, name: &str) -> u64 {
    let (status, response) = http::get(server.addr, "/metrics", &[]).await;
    assert_eq!(status, 200, "{response}");
    let line = http::body(&response)
        .lines()
        .find(|line| line.split(' ').next() == Some(name))
        .unwrap_or_else(|| panic!("no {name} in /metrics"));
    line.split(' ').nth(1).and_then(|v| v.parse().ok()).expect("a count")
}

/// A video packet lost on its way to a subscriber is sent again, and each
/// repair twice, a moment apart (`media::repair_twice`): at 5% loss one
/// repair in twenty is lost too, and a browser asks again only a round trip
/// later. Read off the subscriber's path before its losses (RTP headers are
/// in the clear). Repairs go on the slot's RTX SSRC, each with a sequence
/// number of its own there, so each RTX packet is heard twice (the copy is
/// the same packet) and every media packet once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscribers_lost_video_is_sent_again_each_repair_twice() {
    let lossy = Impairment {
        one_way: Duration::from_millis(2),
        loss: 0.05,
        seed: 7,
        ..Impairment::default()
    };
    let (_server, host, mut guest) = host_and_guest_on(lossy).await;
    guest.wait_connected().await;
    guest.wait_for_packets(host.you, Video, 400).await;
    // Copies still waiting when the count is read go out within this.
    tokio::time::sleep(COPY_AFTER * 4).await;

    let video = guest.heard(VP8_PAYLOAD_TYPE);
    assert!(
        video.values().all(|&times| times == 1),
        "repairs go on RTX, not the media SSRC"
    );
    let repairs = guest.heard(RTX_PAYLOAD_TYPE);
    assert!(
        repairs.len() >= 5,
        "{} repairs for {} video packets",
        repairs.len(),
        video.len()
    );
    // A repair heard once has no copy: the last, whose copy may be on its
    // way, or one sent while the client's latest report said 10% or more
    // was lost (the copies' gate; at 5% random loss a one-second report
    // now and then does, more often on a busy machine: seen 6 of 23 in a
    // full run). Without copies at all every repair is heard once.
    let without_copy = repairs.values().filter(|&&times| times == 1).count();
    assert!(
        without_copy * 3 <= repairs.len() && repairs.values().all(|&times| times <= 2),
        "repairs heard {:?} times",
        repairs.values().collect::<Vec<_>>()
    );
    let audio = guest.heard(OPUS_PAYLOAD_TYPE);
    assert!(
        !audio.is_empty() && audio.values().all(|&times| times == 1),
        "sound is sent once"
    );
}

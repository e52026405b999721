//! One UDP port for all media (`--media-port`): three real `webrtc` peers
//! meet through one server socket, which tells their datagrams apart; people
//! leave and come; an ICE restart keeps routing; strangers' datagrams are
//! dropped and counted. Each test's server binds its media to a loopback
//! address of its own (127.0.0.2, 127.0.0.3), where the test clients (on
//! 127.0.0.1) bind nothing, so its sockets are counted apart from theirs.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use rtc::rtp_transceiver::rtp_sender::RtpCodecKind::{Audio, Video};
use serde_json::json;

use crate::support::udp_ports::{SHARED_PORT, ports_of_block, udp_ports_on};
use crate::support::{MediaClient, TestClient, TestServer, http, room_of};

/// A server with its media on one port, the `nth` test's address and port,
/// so that tests running at once do not meet (`media_shared_tcp.rs` has 3 and 4).
pub async fn server_on_one_port(nth: u8) -> (TestServer, Ipv4Addr, u16) {
    let ip = Ipv4Addr::new(127, 0, 0, 2 + nth);
    let port = ports_of_block(SHARED_PORT).start() + u16::from(nth);
    let server = TestServer::start_with(|config| {
        config.media.udp_ip = ip.into();
        config.media.port = Some(port);
    })
    .await;
    (server, ip, port)
}

/// Media started for each client, and each connected.
pub async fn connected_peers(clients: impl IntoIterator<Item = TestClient>) -> Vec<MediaClient> {
    let mut peers = Vec::new();
    for client in clients {
        peers.push(MediaClient::start(client, 127).await);
    }
    for peer in &mut peers {
        peer.wait_connected().await;
    }
    peers
}

/// Every peer receives every other's audio and video.
async fn all_hear_and_see_each_other(peers: &[MediaClient], at_least: u64) {
    for peer in peers {
        for from in peers.iter().filter(|p| p.you != peer.you) {
            let audio = peer.packets_from(from.you, Audio);
            let video = peer.packets_from(from.you, Video);
            peer.wait_for_packets(from.you, Audio, audio + at_least / 2).await;
            peer.wait_for_packets(from.you, Video, video + at_least).await;
        }
    }
}

/// The UDP host candidates a peer was sent, as `port`s.
fn udp_candidate_ports(peer: &MediaClient) -> Vec<u16> {
    let candidates = peer.server_candidates.lock().unwrap().clone();
    candidates
        .iter()
        .filter_map(|c| c["candidate"].as_str())
        .filter(|c| c.contains(" udp ") || c.contains(" UDP "))
        .filter_map(|c| c.split(' ').nth(5)?.parse().ok())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_peers_meet_through_one_udp_socket_and_people_come_and_go() {
    let (server, ip, port) = server_on_one_port(0).await;
    let session = server.session().await;
    let (mut host, guests) = room_of(&server, &session, 2).await;
    let ack = host
        .request(json!({"type": "set_waiting_room", "enabled": false}))
        .await;
    assert_eq!(ack["type"], "ack", "{ack}");
    let mut peers = connected_peers(std::iter::once(host).chain(guests)).await;
    all_hear_and_see_each_other(&peers, 50).await;
    for peer in &peers {
        let ports = udp_candidate_ports(peer);
        assert!(!ports.is_empty(), "the server sent UDP candidates");
        assert!(
            ports.iter().all(|p| *p == port),
            "every one on the shared port: {ports:?}"
        );
    }
    assert_eq!(udp_ports_on(ip), [port], "one UDP socket for three connections");

    // One leaves, another comes in: the newcomer is routed, the rest go on.
    let leaver = peers.remove(2);
    leaver.leave().await;
    let mut late = TestClient::joined(&server.ws_url(), &session.participant_token, "Late").await;
    let ack = late.request(json!({"type": "accept_rules"})).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    late.expect("room_state").await;
    let mut late = MediaClient::start(late, 127).await;
    late.wait_connected().await;
    peers.push(late);
    all_hear_and_see_each_other(&peers, 30).await;
    assert_eq!(udp_ports_on(ip), [port], "still one UDP socket");

    // A stranger who finds the port: datagrams of every kind, dropped and
    // counted, and the room's media goes on.
    let stranger = tokio::net::UdpSocket::bind("127.0.0.1:0").await.expect("a socket");
    let to = SocketAddr::from((ip, port));
    for first in [0u8, 1, 22, 0x80, 0xFF] {
        let mut datagram = vec![first; 120];
        datagram[4..8].copy_from_slice(&[0x21, 0x12, 0xA4, 0x42]);
        stranger.send_to(&datagram, to).await.expect("sent");
    }
    let unrouted = async {
        loop {
            let (_, metrics) = http::get(server.addr, "/metrics", &[]).await;
            let count = metrics
                .lines()
                .find_map(|l| l.strip_prefix("peer_room_media_datagrams_unrouted_total "))
                .and_then(|n| n.trim().parse::<f64>().ok());
            if count.is_some_and(|n| n >= 5.0) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), unrouted)
        .await
        .expect("the stranger's datagrams counted as unrouted");
    all_hear_and_see_each_other(&peers, 20).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ice_restart_on_the_shared_port_routes_the_fresh_ufrag_and_media_goes_on() {
    let (server, ip, port) = server_on_one_port(1).await;
    let session = server.session().await;
    let (host, guests) = room_of(&server, &session, 1).await;
    let mut peers = connected_peers(std::iter::once(host).chain(guests)).await;
    all_hear_and_see_each_other(&peers, 20).await;
    peers[1].resume_with_ice_restart(&server.ws_url()).await;
    // Media both ways after the restart, through the same one socket.
    all_hear_and_see_each_other(&peers, 50).await;
    assert_eq!(udp_ports_on(ip), [port]);
}

//! ICE over TCP: each connection listens on TCP on the same port number as
//! its UDP socket (an operator opens one range for both), and a stranger who
//! finds that port cannot make it hold more than a few connections.

use std::time::Duration;

use peer_room::media::TCP_CONNECTIONS_PER_LISTENER;
use rtc::rtp_transceiver::rtp_sender::RtpCodecKind::{Audio, Video};
use tokio::net::TcpStream;

use std::ops::RangeInclusive;

use peer_room_testkit::stalled_tcp::Stall;

use crate::support::udp_ports::{
    TCP_MEDIA, TCP_STRANGERS, ports_of_block, tcp_connections_in, tcp_listeners_in, udp_ports_in,
};
use crate::support::{MediaClient, TestClient, TestServer, http, room_of};

/// A server whose media uses the port range `ports`.
async fn server_on_ports(ports: &RangeInclusive<u16>) -> TestServer {
    TestServer::start_with(|config| {
        config.media.ports = Some((*ports.start(), *ports.end()));
    })
    .await
}

/// A host on UDP and a guest with no UDP at all, connected, each receiving
/// the other's audio and video.
pub async fn host_and_guest_over_tcp(host: TestClient, guest: TestClient) -> (MediaClient, MediaClient) {
    let mut host = MediaClient::start(host, 127).await;
    let mut guest = MediaClient::start_over_tcp(guest, 127).await;
    host.wait_connected().await;
    guest.wait_connected().await;
    for (peer, other) in [(&guest, &host), (&host, &guest)] {
        peer.wait_for_packets(other.you, Audio, 50).await;
        peer.wait_for_packets(other.you, Video, 50).await;
    }
    (host, guest)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connections_tcp_port_is_its_udp_port_and_strangers_cannot_fill_the_server_with_connections() {
    let ports = ports_of_block(TCP_STRANGERS);
    let server = server_on_ports(&ports).await;
    let session = server.session().await;
    let (host, guests) = room_of(&server, &session, 1).await;
    let mut host = MediaClient::start(host, 127).await;
    host.wait_connected().await;
    let listeners = tcp_listeners_in(&ports);
    assert_eq!(
        listeners,
        udp_ports_in(&ports),
        "one TCP listener, on the connection's UDP port"
    );

    // A stranger opens fifty connections to it and keeps them open.
    let port = listeners[0];
    let mut strangers = Vec::new();
    for _ in 0..50 {
        if let Ok(stream) = TcpStream::connect(("127.0.0.1", port)).await {
            strangers.push(stream);
        }
    }
    assert_eq!(strangers.len(), 50, "the kernel takes them all first");
    // The server closes those beyond its cap as it accepts them.
    let mut held = usize::MAX;
    for _ in 0..100 {
        held = tcp_connections_in(&ports);
        if held <= TCP_CONNECTIONS_PER_LISTENER {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        held <= TCP_CONNECTIONS_PER_LISTENER,
        "the server holds {held} stranger connections"
    );

    // The person whose port it is still has their media, and others theirs.
    let guest = guests.into_iter().next().expect("one guest");
    let mut guest = MediaClient::start(guest, 127).await;
    guest.wait_connected().await;
    guest.wait_for_packets(host.you, Audio, 10).await;
    host.wait_for_packets(guest.you, Audio, 10).await;
    drop(strangers);
}

/// Media both ways between a client on UDP and one with no UDP at all,
/// whose every packet goes over ICE over TCP to its own connection's
/// listener (the port range's), through the server's own TCP streams.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_without_udp_sends_and_receives_over_ice_tcp() {
    // The first half of the block; the stalled client's test has the other.
    let block = ports_of_block(TCP_MEDIA);
    let ports = *block.start()..=*block.start() + 49;
    let server = server_on_ports(&ports).await;
    let session = server.session().await;
    let (host, guests) = room_of(&server, &session, 1).await;
    let guest = guests.into_iter().next().expect("one guest");
    host_and_guest_over_tcp(host, guest).await;
    assert!(
        tcp_connections_in(&ports) >= 1,
        "the guest's media came over a TCP connection to the server"
    );
}

/// The server's count of packets dropped for subscribers who could not
/// take them.
async fn dropped_for_subscribers(server: &TestServer) -> f64 {
    let (_, metrics) = http::get(server.addr, "/metrics", &[]).await;
    metrics
        .lines()
        .find_map(|l| l.strip_prefix("peer_room_media_packets_subscriber_behind_total "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0.0)
}

/// A client on ICE over TCP whose network stops taking data (its TCP reads
/// nothing, its socket's buffers fill, and the server's after them) is
/// still heard by the others, and holds up nobody: the server's streams
/// queue their writes and drop what finds the queue full, where the
/// crate's own stream stopped that connection's loop, reads included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tcp_client_that_stops_reading_is_still_heard_and_holds_up_no_one() {
    let block = ports_of_block(TCP_MEDIA);
    let ports = *block.start() + 50..=*block.end();
    let server = server_on_ports(&ports).await;
    let session = server.session().await;
    let (host, guests) = room_of(&server, &session, 2).await;
    let mut guests = guests.into_iter();
    let stall = Stall::new();
    let mut host = MediaClient::start(host, 127).await;
    let mut stalled = MediaClient::start_over_stalling_tcp(guests.next().unwrap(), 127, stall.clone()).await;
    let mut other = MediaClient::start(guests.next().unwrap(), 127).await;
    for peer in [&mut host, &mut stalled, &mut other] {
        peer.wait_connected().await;
    }
    for peer in [&host, &stalled, &other] {
        for from in [&host, &stalled, &other].into_iter().filter(|p| p.you != peer.you) {
            peer.wait_for_packets(from.you, Audio, 20).await;
        }
    }

    stall.set(true);
    let dropped_before = dropped_for_subscribers(&server).await;
    // Until the server finds the stalled connection full (its queue of
    // writes), and for two seconds after: everyone still hears everyone,
    // the stalled client included.
    let mut full_since = None;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let heard = [
            host.packets_from(stalled.you, Audio),
            other.packets_from(stalled.you, Audio),
            host.packets_from(other.you, Audio),
            other.packets_from(host.you, Audio),
        ];
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = [
            host.packets_from(stalled.you, Audio),
            other.packets_from(stalled.you, Audio),
            host.packets_from(other.you, Audio),
            other.packets_from(host.you, Audio),
        ];
        assert!(
            now.iter().zip(&heard).all(|(now, then)| now > then),
            "a half second with no packets on some way (host from stalled, other from stalled, host from other, other from host): {heard:?} -> {now:?}"
        );
        if full_since.is_none() && dropped_for_subscribers(&server).await > dropped_before {
            full_since = Some(tokio::time::Instant::now());
        }
        if full_since.is_some_and(|since| since.elapsed() >= Duration::from_secs(2)) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the stalled connection never filled: nothing dropped for it"
        );
    }

    // Reading again: the stalled client hears the room again.
    stall.set(false);
    let had = stalled.packets_from(host.you, Audio);
    stalled.wait_for_packets(host.you, Audio, had + 50).await;
}

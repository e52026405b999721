//! ICE over TCP: each connection listens on TCP on the same port number as
//! its UDP socket (an operator opens one range for both), and a stranger who
//! finds that port cannot make it hold more than a few connections.

use std::time::Duration;

use peer_room::media::TCP_CONNECTIONS_PER_LISTENER;
use rtc::rtp_transceiver::rtp_sender::RtpCodecKind::{Audio, Video};
use tokio::net::TcpStream;

use crate::support::udp_ports::{
    TCP_MEDIA, TCP_STRANGERS, ports_of_block, tcp_connections_in, tcp_listeners_in, udp_ports_in,
};
use crate::support::{MediaClient, TestServer, room_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connections_tcp_port_is_its_udp_port_and_strangers_cannot_fill_the_server_with_connections() {
    let ports = ports_of_block(TCP_STRANGERS);
    let server = TestServer::start_with(|config| {
        config.media.ports = Some((*ports.start(), *ports.end()));
    })
    .await;
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
    let ports = ports_of_block(TCP_MEDIA);
    let server = TestServer::start_with(|config| {
        config.media.ports = Some((*ports.start(), *ports.end()));
    })
    .await;
    let session = server.session().await;
    let (host, guests) = room_of(&server, &session, 1).await;
    let mut host = MediaClient::start(host, 127).await;
    let guest = guests.into_iter().next().expect("one guest");
    let mut guest = MediaClient::start_over_tcp(guest, 127).await;
    host.wait_connected().await;
    guest.wait_connected().await;
    for (peer, other) in [(&guest, &host), (&host, &guest)] {
        peer.wait_for_packets(other.you, Audio, 50).await;
        peer.wait_for_packets(other.you, Video, 50).await;
    }
    assert!(
        tcp_connections_in(&ports) >= 1,
        "the guest's media came over a TCP connection to the server"
    );
}

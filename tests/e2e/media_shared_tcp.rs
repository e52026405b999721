//! ICE over TCP on the shared media port (`--media-port`): one TCP listener
//! on the port's number for every connection, and each connection told its
//! passive candidate is there; a stream goes to the connection its first
//! check names; strangers' streams are closed, and only a few of them are
//! held at a time; a client with no UDP comes in through it. That a
//! browser's media does is tests/browser/media-firewall.test.mjs's.

use std::time::Duration;

use peer_room::media::{TCP_FIRST_FRAME_WITHIN, TCP_UNKNOWN_PER_ADDRESS};
use rtc::rtp_transceiver::rtp_sender::RtpCodecKind::Audio;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::media_shared_port::{connected_peers, server_on_one_port};
use crate::media_tcp::host_and_guest_over_tcp;
use crate::support::room_of;
use crate::support::udp_ports::{tcp_connections_in, tcp_listeners_on};

/// A connectivity check's bare bones, framed for TCP (RFC 4571): enough to
/// be routed by its USERNAME; no integrity, so the connection's ICE agent
/// answers nothing.
fn framed_check(username: &str) -> Vec<u8> {
    let value = username.as_bytes();
    let padded = value.len().div_ceil(4) * 4;
    let mut stun = vec![0x00, 0x01];
    stun.extend_from_slice(&u16::try_from(4 + padded).unwrap().to_be_bytes());
    stun.extend_from_slice(&[0x21, 0x12, 0xA4, 0x42]);
    stun.extend_from_slice(&[9; 12]);
    stun.extend_from_slice(&[0x00, 0x06]);
    stun.extend_from_slice(&u16::try_from(value.len()).unwrap().to_be_bytes());
    stun.extend_from_slice(value);
    stun.resize(20 + 4 + padded, 0);
    let mut framed = u16::try_from(stun.len()).unwrap().to_be_bytes().to_vec();
    framed.extend_from_slice(&stun);
    framed
}

/// Whether the server closes `stream` within `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 64];
    matches!(
        tokio::time::timeout(within, stream.read(&mut buf)).await,
        Ok(Ok(0) | Err(_))
    )
}

/// Waits until the server's end holds at most `most` connections on `port`.
async fn server_holds_at_most(port: u16, most: usize, within: Duration) -> usize {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let held = tcp_connections_in(&(port..=port));
        if held <= most || tokio::time::Instant::now() > deadline {
            return held;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ice_over_tcp_listens_on_the_shared_port_for_everyone_and_strangers_are_closed() {
    let (server, ip, port) = server_on_one_port(3).await;
    let session = server.session().await;
    let (host, guests) = room_of(&server, &session, 1).await;
    let peers = connected_peers(std::iter::once(host).chain(guests)).await;
    assert_eq!(tcp_listeners_on(ip), [port], "one TCP listener for both connections");
    for peer in &peers {
        let candidates = peer.server_candidates.lock().unwrap().clone();
        let passive: Vec<&str> = candidates
            .iter()
            .filter_map(|c| c["candidate"].as_str())
            .filter(|c| c.contains(" tcp ") && c.contains("tcptype passive"))
            .collect();
        assert!(!passive.is_empty(), "a passive TCP candidate was sent");
        for candidate in passive {
            assert_eq!(
                candidate.split(' ').nth(5),
                Some(port.to_string().as_str()),
                "{candidate}"
            );
        }
    }

    // A check naming the host's connection is handed to it, and kept; one
    // naming nobody is closed once read.
    let ufrag = peers[0].offer_ufrags.lock().unwrap().last().cloned().expect("an offer");
    let mut named = TcpStream::connect((ip, port)).await.expect("connects");
    named
        .write_all(&framed_check(&format!("{ufrag}:browser")))
        .await
        .unwrap();
    let mut nobody = TcpStream::connect((ip, port)).await.expect("connects");
    nobody.write_all(&framed_check("nobody:browser")).await.unwrap();
    assert!(
        closed_within(&mut nobody, Duration::from_secs(5)).await,
        "a check naming nobody is closed"
    );
    let mut huge = TcpStream::connect((ip, port)).await.expect("connects");
    huge.write_all(&[0xFF, 0xFF, 0, 1]).await.unwrap();
    assert!(
        closed_within(&mut huge, Duration::from_secs(5)).await,
        "a frame no check is that long"
    );
    assert!(
        !closed_within(&mut named, Duration::from_millis(500)).await,
        "the named stream is the connection's now"
    );

    // Thirty connections that send nothing: a few held, for a few seconds.
    let mut silent = Vec::new();
    for _ in 0..30 {
        silent.push(TcpStream::connect((ip, port)).await.expect("the kernel takes them"));
    }
    let held = server_holds_at_most(port, TCP_UNKNOWN_PER_ADDRESS + 1, Duration::from_secs(5)).await;
    assert!(
        held <= TCP_UNKNOWN_PER_ADDRESS + 1,
        "{held} held: the named one and {TCP_UNKNOWN_PER_ADDRESS} unknown at most"
    );
    let held = server_holds_at_most(port, 1, TCP_FIRST_FRAME_WITHIN + Duration::from_secs(5)).await;
    assert_eq!(
        held, 1,
        "the silent ones are closed after their while; the named one stays"
    );

    // The room's media went on throughout.
    for (peer, other) in [(&peers[0], &peers[1]), (&peers[1], &peers[0])] {
        let before = peer.packets_from(other.you, Audio);
        peer.wait_for_packets(other.you, Audio, before + 20).await;
    }
    drop(silent);
}

/// A client with no UDP at all meets the room through the shared port's
/// TCP listener: its stream is handed to its connection, and media flows
/// both ways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_without_udp_comes_in_over_tcp_on_the_shared_port() {
    let (server, _, port) = server_on_one_port(4).await;
    let session = server.session().await;
    let (host, guests) = room_of(&server, &session, 1).await;
    let guest = guests.into_iter().next().expect("one guest");
    host_and_guest_over_tcp(host, guest).await;
    // A stream for each candidate pair the client checks over TCP.
    let streams = tcp_connections_in(&(port..=port));
    assert!(
        streams >= 1,
        "the guest's media came over TCP to the shared port: {streams} streams"
    );
}

//! A server behind 1:1 NAT (most cloud machines) is told its public
//! address (`--public-ip`) and must give browsers that address, never its
//! private one, in every host candidate it sends: the `webrtc` crate takes
//! the setting but never uses it, so the server writes it in itself.

use std::time::{Duration, Instant};

use crate::support::{MediaClient, TestServer, room_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_nat_every_host_candidate_a_browser_is_sent_names_the_public_address() {
    let server = TestServer::start_with(|config| {
        config.media.public_ip = Some("203.0.113.7".parse().expect("an address"));
    })
    .await;
    let session = server.session().await;
    let (host, _) = room_of(&server, &session, 0).await;
    // Nothing connects (203.0.113.7 is a documentation address): what the
    // server says is the point.
    let peer = MediaClient::start(host, 127).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let hosts = loop {
        let candidates = peer.server_candidates.lock().unwrap().clone();
        let hosts: Vec<String> = candidates
            .iter()
            .filter_map(|c| c["candidate"].as_str())
            .filter(|c| c.contains(" typ host"))
            .map(str::to_owned)
            .collect();
        if hosts.iter().any(|c| c.contains(" udp ")) && hosts.iter().any(|c| c.contains(" tcp ")) {
            break hosts;
        }
        assert!(
            Instant::now() < deadline,
            "no UDP and TCP host candidates: {candidates:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    for candidate in &hosts {
        let address = candidate.split(' ').nth(4);
        assert_eq!(address, Some("203.0.113.7"), "{candidate}");
    }
}

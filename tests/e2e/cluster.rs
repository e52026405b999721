//! Many nodes on one PostgreSQL database (docs/deployment.md): each live
//! room runs on exactly one node, and any node finds it. Nodes listen on
//! 127.0.0.1, 127.0.0.2 and 127.0.0.3; the database is the run's throwaway
//! PostgreSQL, or one of the test's own.

use std::collections::HashSet;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;

use rtc::rtp_transceiver::rtp_sender::RtpCodecKind;

use crate::support::{MediaClient, ServerProcess, TestClient, TestDatabase, TestServer};

const IPS: [&str; 3] = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];

async fn three_nodes(db: &TestDatabase) -> Vec<TestServer> {
    let mut nodes = Vec::new();
    for ip in IPS {
        // Every test client comes from 127.0.0.1.
        nodes.push(TestServer::node(db, ip, |config| config.socket.max_joining_per_address = 256).await);
    }
    nodes
}

#[tokio::test]
async fn a_room_stored_through_one_node_and_joined_through_the_others_runs_on_one() {
    let mut owned = None;
    let db = TestDatabase::postgres(&mut owned);
    let nodes = three_nodes(&db).await;
    let session = nodes[0].session().await;
    // Each registered itself as it started, by the URL it is reached at.
    let mut live: Vec<String> = nodes[0]
        .store()
        .live_nodes(0)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.url)
        .collect();
    live.sort();
    let mut urls: Vec<String> = nodes.iter().map(|n| format!("http://{}", n.addr)).collect();
    urls.sort();
    assert_eq!(live, urls);

    let (mut host, host_at, reply) =
        TestClient::join_following(&nodes[1].ws_url(), &session.facilitator_token, "Host").await;
    assert_eq!(reply["type"], "joined", "{reply}");
    assert_eq!(
        host_at,
        nodes[1].ws_url(),
        "an idle cluster places a room where its first join came in"
    );
    host.expect("room_state").await;

    let (mut guest, guest_at, reply) =
        TestClient::join_following(&nodes[2].ws_url(), &session.participant_token, "Sam").await;
    assert_eq!(reply["type"], "joined", "{reply}");
    assert_eq!(
        guest_at, host_at,
        "the join through the third node was sent to the room's"
    );

    // One room: the host lets the guest in, and both see the other.
    let ack = guest.request(json!({"type": "accept_rules"})).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    let ack = host.request(json!({"type": "admit", "participant": guest.you})).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    let state = guest.expect("room_state").await;
    let people = state["participants"].as_array().map_or(0, Vec::len);
    assert_eq!(people, 2, "{state}");

    // Their media meets on that node: each hears the other.
    let (host_id, guest_id) = (host.you.expect("joined"), guest.you.expect("joined"));
    let host = MediaClient::start(host, 127).await;
    let guest = MediaClient::start(guest, 127).await;
    guest.wait_for_packets(host_id, RtpCodecKind::Audio, 20).await;
    host.wait_for_packets(guest_id, RtpCodecKind::Audio, 20).await;

    // A join through the room's own node stays there.
    let (_, at, reply) = TestClient::join_following(&host_at, &session.participant_token, "Kim").await;
    assert_eq!(reply["type"], "joined", "{reply}");
    assert_eq!(at, host_at);
}

#[tokio::test]
async fn fifty_first_joins_through_three_nodes_at_once_place_the_room_on_exactly_one() {
    let mut owned = None;
    let db = TestDatabase::postgres(&mut owned);
    let nodes = three_nodes(&db).await;
    let session = nodes[0]
        .session_with(peer_room::clock::now_millis() + 3_600_000, |new| new.capacity = 50)
        .await;
    let mut joins = tokio::task::JoinSet::new();
    for i in 0..50 {
        let url = nodes[i % 3].ws_url();
        // Hosts' links: a waiting room refuses fifty arrivals at once.
        let token = session.facilitator_token.clone();
        joins.spawn(async move { TestClient::join_following(&url, &token, &format!("P{i}")).await });
    }
    let mut landed = HashSet::new();
    let mut clients = Vec::new();
    while let Some(joined) = joins.join_next().await {
        let (client, at, reply) = joined.expect("the join task");
        assert_eq!(reply["type"], "joined", "{reply}");
        landed.insert(at);
        clients.push(client);
    }
    assert_eq!(clients.len(), 50);
    assert_eq!(landed.len(), 1, "every join ended on one node: {landed:?}");
    // And a join after them, through each node, finds the same one.
    for node in &nodes {
        let (_, at, reply) = TestClient::join_following(&node.ws_url(), &session.facilitator_token, "Host").await;
        assert_eq!(reply["type"], "joined", "{reply}");
        assert!(landed.contains(&at), "{at} is not {landed:?}");
    }
}

#[tokio::test]
async fn a_killed_node_s_room_comes_back_on_another_within_the_lease_and_keeps_its_summary() {
    let mut owned = None;
    let db = TestDatabase::postgres(&mut owned);
    let lease = Duration::from_secs(3);
    let mut nodes: Vec<Option<ServerProcess>> = IPS
        .iter()
        .map(|ip| {
            let args = ["--lease-seconds", "3"];
            Some(ServerProcess::start_listening(
                &db,
                &format!("{ip}:0"),
                &args,
                "warn",
                Stdio::inherit(),
            ))
        })
        .collect();
    let url = |nodes: &[Option<ServerProcess>], i: usize| nodes[i].as_ref().expect("running").ws_url();
    let store = db.open().await;
    let now = peer_room::clock::now_millis();
    let new = peer_room::store::NewSession {
        title: "Night shift group".into(),
        starts_at: now - 60_000,
        ..Default::default()
    };
    let record = store.create_session(&new, now).await.unwrap();
    let links = store.create_links(&record.id, now + 3_600_000, now).await.unwrap();
    store.close().await;

    let (mut host, at, reply) = TestClient::join_following(&url(&nodes, 0), &links.facilitator_token, "Host").await;
    assert_eq!(reply["type"], "joined", "{reply}");
    host.expect("room_state").await;
    let ack = host.request(json!({"type": "start_session"})).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    let item =
        json!({"type": "add_summary_item", "key": "kill-me-0001", "kind": "outcome", "text": "Ask for a quiet room."});
    let ack = host.request(item).await;
    assert_eq!(ack["type"], "ack", "{ack}");

    let dead = (0..3)
        .find(|&i| url(&nodes, i) == at)
        .expect("the room's node is one of the three");
    nodes[dead].take().expect("running").kill();
    let killed = Instant::now();
    let alive = (0..3).find(|&i| i != dead).expect("another node");
    // Through a node still up, again and again as a client retries: the
    // room is placed elsewhere once the dead node's lease runs out.
    let (mut back, back_at) = loop {
        assert!(
            killed.elapsed() < lease + Duration::from_secs(5),
            "the room did not come back within the lease and 5 s"
        );
        match TestClient::try_join_following(&url(&nodes, alive), &links.facilitator_token, "Host", None).await {
            Ok((client, at, reply)) if reply["type"] == "joined" => break (client, at),
            _ => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    };
    assert_ne!(back_at, at, "back on another node");
    let state = back.expect("room_state").await;
    let items = state["summary"]["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "{}", state["summary"]);
    assert_eq!(items[0]["text"], "Ask for a quiet room.");
    assert!(
        state["run_of_show"]["clock"]["started_at"].is_i64(),
        "the session is still started"
    );
}

/// Three nodes as real processes, each with these settings.
fn three_processes(db: &TestDatabase, args: &[&str]) -> Vec<ServerProcess> {
    IPS.iter()
        .map(|ip| ServerProcess::start_listening(db, &format!("{ip}:0"), args, "warn", Stdio::inherit()))
        .collect()
}

/// A session starting now, stored directly, with its two links.
async fn stored_session(db: &TestDatabase, title: &str) -> (String, String) {
    let store = db.open().await;
    let now = peer_room::clock::now_millis();
    let new = peer_room::store::NewSession {
        title: title.into(),
        starts_at: now - 60_000,
        ..Default::default()
    };
    let record = store.create_session(&new, now).await.unwrap();
    let links = store.create_links(&record.id, now + 3_600_000, now).await.unwrap();
    store.close().await;
    (links.facilitator_token, links.participant_token)
}

#[tokio::test]
async fn a_draining_node_takes_no_new_rooms_then_moves_its_people_without_losing_any() {
    let mut owned = None;
    let db = TestDatabase::postgres(&mut owned);
    let mut nodes = three_processes(&db, &["--lease-seconds", "3", "--drain-seconds", "3"]);
    let (host_token, guest_token) = stored_session(&db, "Night shift group").await;
    let (later_host, _) = stored_session(&db, "Tuesday group").await;

    // A host and two guests (who came through the other nodes) in one room.
    let (mut host, at, reply) = TestClient::join_following(&nodes[0].ws_url(), &host_token, "Host").await;
    assert_eq!(reply["type"], "joined", "{reply}");
    host.expect("room_state").await;
    let mut guests = Vec::new();
    for (i, node) in nodes.iter().enumerate().skip(1) {
        let (mut guest, guest_at, reply) =
            TestClient::join_following(&node.ws_url(), &guest_token, &format!("Guest {i}")).await;
        assert_eq!(
            (reply["type"].as_str(), guest_at.as_str()),
            (Some("joined"), at.as_str())
        );
        let ack = guest.request(json!({"type": "accept_rules"})).await;
        assert_eq!(ack["type"], "ack", "{ack}");
        let ack = host.request(json!({"type": "admit", "participant": guest.you})).await;
        assert_eq!(ack["type"], "ack", "{ack}");
        guest.expect("room_state").await;
        guests.push(guest);
    }
    let item =
        json!({"type": "add_summary_item", "key": "drain-0001", "kind": "outcome", "text": "Swap one night shift."});
    assert_eq!(host.request(item).await["type"], "ack");

    let draining = (0..3).find(|&i| nodes[i].ws_url() == at).expect("the room's node");
    let others: Vec<String> = (0..3).filter(|&i| i != draining).map(|i| nodes[i].ws_url()).collect();
    nodes[draining].signal_terminate();
    // It says so, and sends a room nobody is in yet to another node.
    let readyz = loop {
        let (status, body) = crate::support::http::get(nodes[draining].addr, "/readyz", &[]).await;
        if status == 503 {
            break body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(readyz.contains("draining"), "{readyz}");
    let (_, later_at, reply) = TestClient::join_following(&at, &later_host, "Host").await;
    assert_eq!(reply["type"], "joined", "{reply}");
    assert!(
        others.contains(&later_at),
        "a new room went to {later_at}, not to another node"
    );
    // Its people stay until the drain's 3 s are up, then are told to come
    // back, and find their room on another node at once: no lease to wait out.
    assert_eq!(host.expect_close().await, Some(1012));
    // At the first try: a lease still on the stopped node would send them
    // there, to a closed port, and this would fail.
    let (mut host, host_at, reply) = TestClient::join_following(&others[0], &host_token, "Host").await;
    assert_eq!(reply["type"], "joined", "{reply}");
    assert!(others.contains(&host_at));
    for (i, mut guest) in guests.into_iter().enumerate() {
        assert_eq!(guest.expect_close().await, Some(1012));
        // From the same browser: let in before, straight in again.
        let (mut back, back_at, reply) =
            TestClient::try_join_following(&others[1 - i % 2], &guest_token, "Guest", Some(&guest.device))
                .await
                .expect("a node up");
        assert_eq!(
            (reply["type"].as_str(), back_at.as_str()),
            (Some("joined"), host_at.as_str())
        );
        assert_eq!(reply["gate"]["admitted"], true, "{reply}");
        back.expect("room_state").await;
    }
    let state = host.state().await;
    assert_eq!(
        state["summary"]["items"][0]["text"], "Swap one night shift.",
        "{}",
        state["summary"]
    );
    let status = nodes[draining]
        .exited_within(Duration::from_secs(10))
        .expect("the node exits");
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn a_rolling_upgrade_of_the_three_nodes_loses_no_session() {
    let mut owned = None;
    let db = TestDatabase::postgres(&mut owned);
    let args = ["--lease-seconds", "3", "--drain-seconds", "1"];
    let mut nodes = three_processes(&db, &args);
    let (host_token, guest_token) = stored_session(&db, "Night shift group").await;
    let (mut host, _, reply) = TestClient::join_following(&nodes[0].ws_url(), &host_token, "Host").await;
    assert_eq!(reply["type"], "joined", "{reply}");
    host.expect("room_state").await;
    let (mut guest, _, reply) = TestClient::join_following(&nodes[1].ws_url(), &guest_token, "Sam").await;
    assert_eq!(reply["type"], "joined", "{reply}");
    assert_eq!(guest.request(json!({"type": "accept_rules"})).await["type"], "ack");
    assert_eq!(
        host.request(json!({"type": "admit", "participant": guest.you})).await["type"],
        "ack"
    );
    guest.expect("room_state").await;
    let mut items = 0;
    // Each node in turn: stopped (it drains), replaced by a new one (the
    // new binary) on its address, and the session goes on.
    for i in 0..3 {
        items += 1;
        let item = json!({"type": "add_summary_item", "key": format!("upgrade-{i:04}"), "kind": "takeaway", "text": format!("Note {i}")});
        assert_eq!(host.request(item).await["type"], "ack");
        nodes[i].signal_terminate();
        let status = nodes[i].exited_within(Duration::from_secs(15)).expect("the node stops");
        assert!(status.success(), "{status:?}");
        nodes[i] = ServerProcess::start_listening(&db, &format!("{}:0", IPS[i]), &args, "warn", Stdio::inherit());
        // Whoever was on the stopped node comes back, through any node.
        let alive = nodes[(i + 1) % 3].ws_url();
        for (client, token) in [(&mut host, &host_token), (&mut guest, &guest_token)] {
            if client.closed.is_some() || client.try_request(json!({"type": "get_state"})).await.is_none() {
                let device = client.device.clone();
                let (back, _, reply) = TestClient::try_join_following(&alive, token, "Back", Some(&device))
                    .await
                    .expect("a node up");
                assert_eq!(reply["gate"]["admitted"], true, "{reply}");
                *client = back;
            }
        }
        let state = host.state().await;
        let kept = state["summary"]["items"].as_array().map_or(0, Vec::len);
        assert_eq!(kept, items, "after node {i}: {}", state["summary"]);
        let people = state["participants"].as_array().map_or(0, Vec::len);
        assert_eq!(people, 2, "after node {i}: {state}");
    }
}

#[tokio::test]
async fn the_senders_of_two_nodes_at_once_send_each_message_once() {
    use peer_room::mail::Sender;
    use peer_room::store::{InviteRole, Language, NewInvitee, Scope};
    use peer_room_testkit::mail_server::MailServer;

    let mut owned = None;
    let db = TestDatabase::postgres(&mut owned);
    let mail = MailServer::start().expect("a throwaway mail server");
    // Two nodes' stores (each its own pool) and senders, on one database.
    let (first, second) = (db.open().await, db.open().await);
    let now = peer_room::clock::now_millis();
    let new = peer_room::store::NewSession {
        title: "Night shift group".into(),
        starts_at: now + 2 * 24 * 3_600_000,
        ..Default::default()
    };
    let session = first.create_session(&new, now).await.unwrap();
    let people: Vec<NewInvitee> = (0..24)
        .map(|i| NewInvitee {
            email: format!("physician{i}@hopital.test"),
            role: InviteRole::Participant,
            language: Language::En,
        })
        .collect();
    let scope = Scope::Session(&session.id);
    let added = first
        .add_invitees(scope, &people, session.ends_at(), true, now)
        .await
        .unwrap();
    assert_eq!(added.added.len(), 24);
    let settings = crate::mail::smtp_to(mail.port());
    let senders = [
        Sender::new(first.clone(), &settings, "https://rooms.example.org").unwrap(),
        Sender::new(second.clone(), &settings, "https://rooms.example.org").unwrap(),
    ];
    let (a, b) = tokio::join!(senders[0].round(now), senders[1].round(now));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.sent + b.sent, 24, "{a:?} {b:?}");
    assert!(a.sent > 0 && b.sent > 0, "both senders worked: {a:?} {b:?}");
    let received = mail.wait_for(24, Duration::from_secs(20)).expect("every invitation");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut to: Vec<String> = mail.messages().iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    let before = to.len();
    to.dedup();
    assert_eq!((before, to.len(), received.len()), (24, 24, 24), "each once");
}

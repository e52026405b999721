//! `/metrics` and `/readyz`: the figures an operator watches, read as
//! Prometheus reads them, move with a real session (WebSocket clients, and
//! media through the server); strangers get a 404.

use std::time::Duration;

use prometheus_parse::{LineInfo, Scrape, Value};
use rtc::rtp_transceiver::rtp_sender::RtpCodecKind::Video;
use serde_json::json;

use crate::support::{MediaClient, TestClient, TestServer, http, room_of};

/// `/metrics` from 127.0.0.1, parsed. Strict: a line the parser would skip,
/// a sample with no HELP or TYPE, or a name without the prefix fails.
async fn scrape(server: &TestServer) -> Scrape {
    let (status, response) = http::get(server.addr, "/metrics", &[]).await;
    assert_eq!(status, 200, "{response}");
    let content_type = http::header(&response, "content-type").unwrap_or_default();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    let body = http::body(&response);
    let mut typed = Vec::new();
    for line in body.lines() {
        match LineInfo::parse(line) {
            LineInfo::Doc { .. } => {}
            LineInfo::Type {
                metric_alias,
                metric_name,
                ..
            } => typed.push(metric_alias.unwrap_or(metric_name)),
            LineInfo::Sample {
                metric_name,
                value,
                timestamp,
                ..
            } => {
                assert!(metric_name.starts_with("peer_room_"), "{line}");
                assert!(value.parse::<f64>().is_ok(), "{line}");
                assert!(timestamp.is_none(), "{line}");
            }
            LineInfo::Empty | LineInfo::Ignored => panic!("not a line of the text format: {line:?}"),
        }
    }
    let scrape = Scrape::parse(body.lines().map(|line| Ok(line.to_owned()))).expect("the text format");
    for sample in &scrape.samples {
        let family = ["_count", "_sum"]
            .iter()
            .find_map(|suffix| sample.metric.strip_suffix(suffix))
            .filter(|base| typed.iter().any(|t| t == base))
            .unwrap_or(&sample.metric);
        assert!(scrape.docs.contains_key(family), "no HELP for {}", sample.metric);
        assert!(typed.iter().any(|t| t == family), "no TYPE for {}", sample.metric);
    }
    scrape
}

/// The value of a counter or gauge, with one label if given.
fn value(scrape: &Scrape, name: &str, label: Option<(&str, &str)>) -> f64 {
    let sample = scrape
        .samples
        .iter()
        .find(|s| s.metric == name && label.is_none_or(|(k, v)| s.labels.get(k) == Some(v)))
        .unwrap_or_else(|| panic!("no {name} {label:?} in the scrape"));
    match sample.value {
        Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => v,
        _ => panic!("{name} is not a single number"),
    }
}

/// Scrapes until `done` holds, for what the server does after answering
/// (closing a peer connection, a socket's loop ending).
async fn scrape_until(server: &TestServer, what: &str, done: impl Fn(&Scrape) -> bool) -> Scrape {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let scrape = scrape(server).await;
        if done(&scrape) {
            return scrape;
        }
        assert!(tokio::time::Instant::now() < deadline, "not {what} within 10 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_figures_follow_a_session_with_media_and_go_back_when_everyone_leaves() {
    let server = TestServer::start().await;
    let before = scrape(&server).await;
    assert_eq!(value(&before, "peer_room_rooms_live", None), 0.0);
    assert_eq!(value(&before, "peer_room_people_in_rooms", None), 0.0);
    assert_eq!(
        value(&before, "peer_room_joins_total", Some(("outcome", "entered"))),
        0.0
    );
    assert_eq!(value(&before, "peer_room_media_packets_forwarded_total", None), 0.0);

    // A facilitator and a participant in the room, one more waiting, and a
    // link that leads nowhere.
    let session = server.session().await;
    let (host, mut guests) = room_of(&server, &session, 1).await;
    let mut waiting = TestClient::joined(&server.ws_url(), &session.participant_token, "Waiting").await;
    let mut stranger = TestClient::greeted(&server.ws_url()).await;
    let refused = stranger.join("not-a-token", "Stranger").await;
    assert_eq!(refused["type"], "error", "{refused}");
    let during = scrape(&server).await;
    assert_eq!(value(&during, "peer_room_rooms_live", None), 1.0);
    assert_eq!(value(&during, "peer_room_people_in_rooms", None), 2.0);
    assert_eq!(value(&during, "peer_room_people_waiting", None), 1.0);
    assert_eq!(
        value(&during, "peer_room_joins_total", Some(("outcome", "entered"))),
        3.0
    );
    assert_eq!(
        value(&during, "peer_room_joins_total", Some(("outcome", "refused"))),
        1.0
    );
    assert_eq!(value(&during, "peer_room_ws_connections", None), 4.0);
    assert!(value(&during, "peer_room_ws_messages_received_total", None) >= 10.0);
    assert!(value(&during, "peer_room_ws_messages_sent_total", None) >= 10.0);
    assert!(
        value(&during, "peer_room_store_persist_seconds_count", None) >= 1.0,
        "letting someone in is written down"
    );
    assert_eq!(value(&during, "peer_room_mail_due", None), 0.0);

    // Media both ways, through the server.
    let guest = guests.remove(0);
    let mut host = MediaClient::start(host, 30).await;
    let mut guest = MediaClient::start(guest, 127).await;
    host.wait_connected().await;
    guest.wait_connected().await;
    host.wait_for_packets(guest.you, Video, 30).await;
    guest.wait_for_packets(host.you, Video, 30).await;
    let media = scrape(&server).await;
    let packets = value(&media, "peer_room_media_packets_forwarded_total", None);
    assert!(packets >= 60.0, "{packets} packets forwarded");
    assert!(
        value(&media, "peer_room_media_bytes_forwarded_total", None) > packets * 12.0,
        "each packet is at least its RTP header"
    );
    assert_eq!(value(&media, "peer_room_media_peer_connections", None), 2.0);
    // There, whatever they say on loopback.
    for name in [
        "peer_room_media_packets_lost_reported_total",
        "peer_room_ws_outbox_fullest",
    ] {
        assert!(value(&media, name, None) >= 0.0, "{name}");
    }
    let later = scrape_until(&server, "more packets", |s| {
        value(s, "peer_room_media_packets_forwarded_total", None) > packets
    })
    .await;
    assert!(
        value(&later, "peer_room_media_bytes_forwarded_total", None)
            > value(&media, "peer_room_media_bytes_forwarded_total", None)
    );

    // Everyone leaves: no one is in a room, waiting, or connected.
    let ack = waiting.request(json!({"type": "leave"})).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    guest.leave().await;
    host.leave().await;
    drop(stranger);
    let after = scrape_until(&server, "everyone gone", |s| {
        value(s, "peer_room_people_in_rooms", None) == 0.0
            && value(s, "peer_room_people_waiting", None) == 0.0
            && value(s, "peer_room_media_peer_connections", None) == 0.0
            && value(s, "peer_room_ws_connections", None) == 0.0
    })
    .await;
    assert!(value(&after, "peer_room_ws_closed_total", Some(("reason", "left"))) >= 3.0);
    assert!(value(&after, "peer_room_metrics_scrape_seconds_count", None) >= 1.0);

    let (status, response) = http::get(server.addr, "/readyz", &[]).await;
    assert_eq!(status, 200, "{response}");
    assert_eq!(http::body(&response), "ready");
}

#[tokio::test]
async fn strangers_get_a_404_and_readiness_is_for_anyone() {
    // 127.0.0.1, where the suite's clients are, is not on this list.
    let server = TestServer::start_with(|config| config.metrics_allow = vec!["10.0.0.0/8".parse().unwrap()]).await;
    let (status, response) = http::get(server.addr, "/metrics", &[]).await;
    assert_eq!(status, 404, "{response}");
    assert_eq!(http::body(&response), "", "a refusal says no more than an unknown path");
    let (status, response) = http::get(server.addr, "/readyz", &[]).await;
    assert_eq!(status, 200, "{response}");
    assert_eq!(http::body(&response), "ready");

    // Allowed by default from loopback, but not through a proxy the server
    // was not told to trust: a proxy on this host makes everyone loopback.
    let server = TestServer::start().await;
    assert_eq!(http::get(server.addr, "/metrics", &[]).await.0, 200);
    let through_proxy = [("X-Forwarded-For", "203.0.113.9")];
    assert_eq!(http::get(server.addr, "/metrics", &through_proxy).await.0, 404);
}

//! 200 times, two media participants join, hear and see each other through
//! the server, and leave: the process's open files, tasks and memory come
//! back to where they were after the first cycles.
//!
//! The server runs in this test's process, so the measure includes the test
//! clients too; each is closed before the next comes, so they must come back
//! as well. The webrtc crate's tracker has had leak reports (issues 906 and
//! 772): this is the test that would catch one.
//!
//! The facilitator stays in the room without media. A participant who stays
//! with media through many others' comings and goings gathers one inactive
//! transceiver per track that left (see docs/media.md); that is measured by
//! the benchmarks, not hidden in this test.

use std::time::Duration;

use rtc::rtp_transceiver::rtp_sender::RtpCodecKind::Video;
use serde_json::json;

use crate::support::{MediaClient, TestClient, TestServer, room_of};

const WARM_UP: usize = 20;
const CYCLES: usize = 200;

#[derive(Clone, Copy, Debug)]
struct Usage {
    fds: usize,
    tasks: usize,
    rss_kib: u64,
}

fn usage() -> Usage {
    let fds = std::fs::read_dir("/proc/self/fd").map(|d| d.count()).unwrap_or(0);
    let rss_kib = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0);
    Usage {
        fds,
        tasks: tokio::runtime::Handle::current().metrics().num_alive_tasks(),
        rss_kib,
    }
}

fn within_ten_percent(now: f64, then: f64) -> bool {
    now <= then * 1.10 + 2.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_media_joins_and_leaves_leave_nothing_behind() {
    let server = TestServer::start().await;
    let session = server.session().await;
    let (mut host, _) = room_of(&server, &session, 0).await;
    host.request(json!({"type": "set_waiting_room", "enabled": false}))
        .await;

    let mut baseline = None;
    for cycle in 1..=CYCLES {
        let (mut a, mut b) = tokio::join!(
            media_guest(&server, &session.participant_token),
            media_guest(&server, &session.participant_token)
        );
        tokio::join!(a.wait_connected(), b.wait_connected());
        // Really in: each receives the other's video through the server.
        let (a_id, b_id) = (a.you, b.you);
        tokio::join!(a.wait_for_packets(b_id, Video, 3), b.wait_for_packets(a_id, Video, 3));
        tokio::join!(a.leave(), b.leave());
        if cycle == WARM_UP {
            settle().await;
            baseline = Some(usage());
        }
    }
    let baseline = baseline.expect("measured after the warm-up");
    // Closing is asynchronous: give the last connections a moment to go.
    let mut after = usage();
    for _ in 0..50 {
        if within_ten_percent(after.fds as f64, baseline.fds as f64)
            && within_ten_percent(after.tasks as f64, baseline.tasks as f64)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        after = usage();
    }
    println!("after {WARM_UP} cycles: {baseline:?}; after {CYCLES}: {after:?}");
    assert!(
        within_ten_percent(after.fds as f64, baseline.fds as f64),
        "file descriptors: {baseline:?} -> {after:?}"
    );
    assert!(
        within_ten_percent(after.tasks as f64, baseline.tasks as f64),
        "tasks: {baseline:?} -> {after:?}"
    );
    assert!(
        within_ten_percent(after.rss_kib as f64, baseline.rss_kib as f64),
        "memory: {baseline:?} -> {after:?}"
    );
}

async fn media_guest(server: &TestServer, token: &str) -> MediaClient {
    let mut guest = TestClient::joined(&server.ws_url(), token, "Guest").await;
    guest.request(json!({"type": "accept_rules"})).await;
    guest.expect("room_state").await;
    MediaClient::start(guest, 127).await
}

async fn settle() {
    tokio::time::sleep(Duration::from_millis(500)).await;
}

//! What strangers on the open internet can hold of the server is bounded:
//! connections that never send a request, connections beyond a cap, and
//! WebSockets that never join a room are closed or refused, while someone
//! else still gets in.

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::support::http::{self, ApiClient, PASSWORD, organizer};
use crate::support::{TestClient, TestServer};

/// A TCP connection to `server` from the loopback address `from`.
async fn connect_from(from: &str, server: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("socket");
    socket
        .bind(format!("{from}:0").parse().expect("address"))
        .expect("bind");
    socket.connect(server).await.expect("connect")
}

/// Whether the server has closed `stream` within `within`: a read that ends.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 256];
    loop {
        match tokio::time::timeout(within, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

/// An HTTP answer from `server` over a connection from `from`.
async fn health_from(from: &str, server: SocketAddr) -> String {
    let mut stream = connect_from(from, server).await;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut answer = String::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_string(&mut answer)).await;
    answer
}

#[tokio::test]
async fn connections_that_send_nothing_are_closed_and_one_address_cannot_take_every_place() {
    let server = TestServer::start_with(|config| {
        config.http.max_per_address = 20;
        config.http.header_read_timeout = Duration::from_millis(500);
    })
    .await;
    // A stranger opens connections and sends nothing on them.
    let mut idle = Vec::new();
    for _ in 0..20 {
        idle.push(connect_from("127.0.0.1", server.addr).await);
    }
    // One more from the same address is closed at once: over its cap.
    let mut over = connect_from("127.0.0.1", server.addr).await;
    assert!(closed_within(&mut over, Duration::from_secs(2)).await, "over the cap");
    // Someone else, from another address, still gets an answer meanwhile.
    let answer = health_from("127.0.0.2", server.addr).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // The idle ones are closed once the time to send headers is over...
    for stream in &mut idle {
        assert!(
            closed_within(stream, Duration::from_secs(5)).await,
            "an idle connection stayed open"
        );
    }
    // ...and their places are free again.
    let answer = health_from("127.0.0.1", server.addr).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn a_kept_alive_connection_is_closed_when_idle() {
    let server = TestServer::start_with(|config| config.http.header_read_timeout = Duration::from_millis(500)).await;
    let mut stream = connect_from("127.0.0.1", server.addr).await;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let mut buf = [0u8; 512];
    let n = stream.read(&mut buf).await.expect("answer");
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    // No second request: the connection is not held open for it.
    assert!(closed_within(&mut stream, Duration::from_secs(5)).await);
}

#[tokio::test]
async fn sockets_that_have_not_joined_are_capped_per_address() {
    let server = TestServer::start_with(|config| config.socket.max_joining_per_address = 5).await;
    let session = server.session().await;
    let mut joining = Vec::new();
    for _ in 0..5 {
        joining.push(TestClient::greeted(&server.ws_url()).await);
    }
    // The sixth upgrade is refused, with a time to come back.
    let mut stream = connect_from("127.0.0.1", server.addr).await;
    let upgrade = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                   Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    stream.write_all(upgrade.as_bytes()).await.expect("write");
    let mut buf = vec![0u8; 1024];
    let n = stream.read(&mut buf).await.expect("an answer");
    let response = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(response.starts_with("HTTP/1.1 429"), "{response}");
    assert_eq!(http::header(&response, "retry-after"), Some("5"));
    // One of them joins: it no longer counts, and another may come.
    let reply = joining[0].join(&session.participant_token, "Sam").await;
    assert_eq!(reply["type"], "joined", "{reply}");
    let mut another = TestClient::greeted(&server.ws_url()).await;
    assert_eq!(another.join(&session.participant_token, "Alex").await["type"], "joined");
    // And one that leaves frees its place too.
    drop(joining.pop());
    tokio::time::sleep(Duration::from_millis(200)).await;
    TestClient::greeted(&server.ws_url()).await;
}

#[tokio::test]
async fn the_one_time_setup_link_makes_one_account_even_when_used_eight_times_at_once() {
    let server = TestServer::start().await;
    let token = peer_room::tokens::generate();
    let hash = peer_room::api::hex(&peer_room::tokens::hash(&token));
    server
        .store()
        .set_setting(peer_room::api::SETUP_KEY, &hash)
        .await
        .unwrap();
    let attempts = (0..8).map(|n| {
        let account = json!({"token": token, "email": format!("first{n}@example.org"), "name": "First", "password": PASSWORD, "time_zone": "Europe/Paris"});
        let mut client = ApiClient::new(server.addr);
        async move { client.call("POST", "/api/setup", Some(account)).await.0 }
    });
    let mut statuses = futures_util::future::join_all(attempts).await;
    statuses.sort();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 403), "{statuses:?}");
    assert_eq!(server.store().organizer_count().await.unwrap(), 1);
}

#[tokio::test]
async fn logins_past_what_the_cores_can_hash_are_refused_at_once_with_a_time_to_retry() {
    let server = TestServer::start().await;
    organizer(&server, "lee@example.org").await;
    let attempts = (0..60).map(|_| {
        let body = json!({"email": "lee@example.org", "password": "not the password"}).to_string();
        let origin = format!("http://{}", server.addr);
        async move { http::send(server.addr, "POST", "/api/login", &[("Origin", &origin)], Some(&body)).await }
    });
    let answers = futures_util::future::join_all(attempts).await;
    let busy: Vec<&String> = answers
        .iter()
        .filter(|(status, _)| *status == 503)
        .map(|(_, r)| r)
        .collect();
    assert!(!busy.is_empty(), "sixty logins at once all waited for a hash");
    for response in &busy {
        assert_eq!(http::header(response, "retry-after"), Some("1"), "{response}");
    }
    for (status, response) in &answers {
        assert!([400, 429, 503].contains(status), "{response}");
    }
}

#[tokio::test]
async fn an_address_guessing_at_many_accounts_is_refused_a_while() {
    let server = TestServer::start().await;
    let origin = format!("http://{}", server.addr);
    for n in 0..20 {
        let body = json!({"email": format!("guess{n}@example.org"), "password": "nope nope nope"}).to_string();
        let (status, _) = http::send(server.addr, "POST", "/api/login", &[("Origin", &origin)], Some(&body)).await;
        assert_eq!(status, 400);
    }
    let body = json!({"email": "lee@example.org", "password": PASSWORD}).to_string();
    let (status, response) = http::send(server.addr, "POST", "/api/login", &[("Origin", &origin)], Some(&body)).await;
    assert_eq!(status, 429, "{response}");
    assert!(http::header(&response, "retry-after").is_some());
}

/// A session an organizer schedules, as the API takes it, with `title`
/// and `starts_at` as given.
fn session_input(title: &str, starts_at: &str) -> serde_json::Value {
    json!({"title": title, "starts_at": starts_at, "time_zone": "America/Toronto", "duration_minutes": 60, "capacity": 12})
}

#[tokio::test]
async fn text_that_hides_itself_or_breaks_lines_and_years_out_of_range_are_refused_where_they_come_in() {
    let server = TestServer::start().await;
    let mut lee = organizer(&server, "lee@example.org").await;
    for (title, starts_at, field) in [
        ("Tuesday \u{202E}puorg", "2027-03-02T18:00", "title"),
        ("Tuesday\r\nATTENDEE:mailto:x@example.org", "2027-03-02T18:00", "title"),
        ("Tuesday\u{200B}group", "2027-03-02T18:00", "title"),
        ("Tuesday group", "9999-01-01T10:00", "starts_at"),
        ("Tuesday group", "-0001-01-01T10:00", "starts_at"),
    ] {
        let (status, answer) = lee
            .call("POST", "/api/sessions", Some(session_input(title, starts_at)))
            .await;
        assert_eq!(status, 400, "{title:?} {starts_at}: {answer}");
        assert_eq!(answer["error"]["field"], field, "{answer}");
    }
    let (_, listed) = lee.call("GET", "/api/sessions?when=upcoming", None).await;
    assert_eq!(listed, json!([]), "nothing was written");
    // The same words typed two ways are stored one way (NFC).
    let (status, created) = lee
        .call(
            "POST",
            "/api/sessions",
            Some(session_input("  Rene\u{301}e's group ", "2027-03-02T18:00")),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["session"]["title"], "Ren\u{e9}e's group");

    // In the room: a name that reorders itself, a chat line that hides text.
    let session = server.session().await;
    let mut sam = TestClient::greeted(&server.ws_url()).await;
    let refused = sam.join(&session.participant_token, "Sam\u{202E}gnp.exe").await;
    assert_eq!(refused["code"], "invalid_input", "{refused}");
    let (mut host, _) = crate::support::room_of(&server, &session, 0).await;
    let refused = host
        .request(json!({"type": "chat", "text": "hello\u{2066} there"}))
        .await;
    assert_eq!(refused["code"], "invalid_input", "{refused}");
    let line = host
        .request(json!({"type": "chat", "text": "two\nlines are fine"}))
        .await;
    assert_eq!(line["type"], "ack", "{line}");
}

#[tokio::test]
async fn the_api_answers_are_never_cached() {
    let server = TestServer::start().await;
    let (_, anonymous) = http::get(server.addr, "/api/me", &[]).await;
    assert_eq!(
        http::header(&anonymous, "cache-control"),
        Some("no-store"),
        "{anonymous}"
    );
    let mut lee = organizer(&server, "lee@example.org").await;
    let (status, created) = lee
        .call(
            "POST",
            "/api/sessions",
            Some(session_input("Tuesday group", "2027-03-02T18:00")),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["session"]["id"].as_str().unwrap();
    let cookie = format!("peer_room_login={}", lee.cookie.clone().unwrap());
    let (_, links) = http::get(
        server.addr,
        &format!("/api/sessions/{id}/links"),
        &[("Cookie", &cookie)],
    )
    .await;
    assert!(links.contains("/join#"), "{links}");
    assert_eq!(http::header(&links, "cache-control"), Some("no-store"), "{links}");
}

#[tokio::test]
async fn the_database_its_journal_and_its_folder_are_readable_by_the_server_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("data");
    let db = folder.join("peer-room.db");
    // SQLite's own files, whichever database the suite runs on; the key
    // beside them, where it goes by default.
    let server = TestServer::start_with(|config| {
        config.database_url = format!("sqlite://{}", db.display());
        config.token_key_file = None;
    })
    .await;
    server.session().await; // something written, so the journal exists
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&folder), 0o700);
    for file in ["peer-room.db", "peer-room.db-wal", "peer-room.key"] {
        assert_eq!(mode(&folder.join(file)), 0o600, "{file}");
    }
}

//! What reaches a room from outside its node: an organizer's change made
//! through another node (PostgreSQL's notifications,
//! `store/session_changes.rs`), and its lease taken by another node.

use serde_json::json;

use crate::live_changes::soon;
use crate::support::http::{PASSWORD, organizer};
use crate::support::{ApiClient, TestClient, TestDatabase, TestServer, token_of};

#[tokio::test]
async fn a_change_made_through_any_node_reaches_the_room_on_its_own() {
    let mut owned = None;
    let db = TestDatabase::postgres(&mut owned);
    let mut nodes = Vec::new();
    for ip in ["127.0.0.1", "127.0.0.2", "127.0.0.3"] {
        nodes.push(TestServer::node(&db, ip, |_| {}).await);
    }
    let mut through_a = organizer(&nodes[0], "lee@example.org").await;
    let (status, created) = through_a.call("POST", "/api/sessions", Some(soon())).await;
    assert_eq!(status, 201, "{created}");
    let path = format!("/api/sessions/{}", created["session"]["id"].as_str().unwrap());
    let facilitator = token_of(created["links"]["facilitator"].as_str().unwrap());
    // The room starts on B, where its first join came in.
    let (mut host, at, reply) = TestClient::join_following(&nodes[1].ws_url(), &facilitator, "Host").await;
    assert_eq!((reply["type"].as_str(), at), (Some("joined"), nodes[1].ws_url()));
    host.expect("room_state").await;

    // Changed through C, which does not run it.
    let mut through_c = ApiClient::new(nodes[2].addr);
    let login = json!({"email": "lee@example.org", "password": PASSWORD});
    assert_eq!(through_c.call("POST", "/api/login", Some(login)).await.0, 200);
    let (status, body) = through_c
        .call("PATCH", &path, Some(json!({"title": "Moved to Wednesday's room"})))
        .await;
    assert_eq!(status, 200, "{body}");
    let changed = host.expect("session_changed").await;
    assert_eq!(changed["session"]["title"], "Moved to Wednesday's room");

    // Every node's listening connection cut (as a database restart or a
    // proxy's idle timeout would): each listens again, and a change made
    // then still arrives, from the notification or from the room reading
    // its session again once its node is back.
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&db.url)
        .await
        .unwrap();
    let cut: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()) AS cut",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(cut, 3, "one listening connection per node");
    let (status, body) = through_c
        .call("PATCH", &path, Some(json!({"title": "Back to Tuesday's room"})))
        .await;
    assert_eq!(status, 200, "{body}");
    let changed = host.expect("session_changed").await;
    assert_eq!(changed["session"]["title"], "Back to Tuesday's room");

    // Cancelled through A.
    let (status, body) = through_a.call("POST", &format!("{path}/cancel"), None).await;
    assert_eq!(status, 200, "{body}");
    host.expect("session_cancelled").await;
    assert_eq!(host.expect_close().await, Some(4004));
}

#[tokio::test]
async fn a_room_whose_lease_another_node_took_moves_there() {
    let mut owned = None;
    let db = TestDatabase::postgres(&mut owned);
    let a = TestServer::node(&db, "127.0.0.1", |_| {}).await;
    let b = TestServer::node(&db, "127.0.0.2", |_| {}).await;
    let session = a.session().await;
    let (mut host, at, reply) = TestClient::join_following(&b.ws_url(), &session.facilitator_token, "Host").await;
    assert_eq!((reply["type"].as_str(), at), (Some("joined"), b.ws_url()));
    host.expect("room_state").await;

    // A holds the lease now, as after B was cut off from the database for
    // longer than a lease and a join through A placed the room again.
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&db.url)
        .await
        .unwrap();
    let taken = sqlx::query("UPDATE room_leases SET node_id = $1, expires_at = $2 WHERE session_id = $3")
        .bind(format!("http://{}", a.addr))
        .bind(peer_room::clock::now_millis() + 600_000)
        .bind(&session.id)
        .execute(&mut admin)
        .await
        .unwrap();
    assert_eq!(taken.rows_affected(), 1);

    // B's next beat finds it lost: its people are told to come back
    // (1012), and coming back through B they are sent to A.
    assert_eq!(host.expect_close().await, Some(1012));
    let (_, at, reply) = TestClient::join_following(&b.ws_url(), &session.facilitator_token, "Host").await;
    assert_eq!((reply["type"].as_str(), at), (Some("joined"), a.ws_url()));
}

//! What is acknowledged survives SIGKILL: summary items exactly once (a retry
//! with the same key is not applied again), and the run-of-show's deadlines.

use serde_json::json;

use crate::support::{ServerProcess, TestClient, TestDatabase, token_of};

#[tokio::test]
async fn an_acknowledged_summary_item_and_the_clock_survive_sigkill_exactly_once() {
    let db = TestDatabase::fresh();
    let first = ServerProcess::start(&db);
    let token = token_of(&first.banner_value("facilitator link:").unwrap());

    let mut host = TestClient::joined(&first.ws_url(), &token, "Host").await;
    let state = host.expect("room_state").await;
    assert!(
        state["run_of_show"]["segments"].as_array().unwrap().len() >= 3,
        "the demo has an agenda"
    );
    let ack = host.request(json!({"type": "start_session"})).await;
    assert_eq!(ack["type"], "ack");
    let add =
        json!({"type": "add_summary_item", "key": "retry-me-0001", "kind": "outcome", "text": "Ask for a quiet room."});
    let ack = host.request(add.clone()).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    let before = host.state().await["run_of_show"].clone();
    // Killed right after the acknowledgement: no shutdown, no flush.
    first.kill();

    let second = ServerProcess::start(&db);
    let mut host = TestClient::joined(&second.ws_url(), &token, "Host").await;
    let state = host.expect("room_state").await;
    assert_eq!(
        state["summary"]["items"].as_array().unwrap().len(),
        1,
        "{}",
        state["summary"]
    );
    let mut after = state["run_of_show"].clone();
    after["server_time"] = json!(0);
    assert_eq!(after, before, "the clock and its deadlines are where they were");

    // The client never saw the ack (say) and retries with the same key.
    let ack = host.request(add).await;
    assert_eq!(ack["type"], "ack", "{ack}");
    let items = host.state().await["summary"]["items"].clone();
    assert_eq!(items.as_array().unwrap().len(), 1, "applied exactly once: {items}");
    assert_eq!(items[0]["text"], "Ask for a quiet room.");
}

//! The plain HTTP side: health, the embedded web client and its headers.

use crate::support::{TestServer, http};

async fn get(server: &TestServer, path: &str) -> String {
    http::get(server.addr, path, &[]).await.1
}

#[tokio::test]
async fn health_answers_ok() {
    let server = TestServer::start().await;
    let response = get(&server, "/healthz").await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("ok"), "{response}");
}

#[tokio::test]
async fn the_join_page_and_its_scripts_are_served_from_the_binary_with_a_strict_policy() {
    let server = TestServer::start().await;
    let page = get(&server, "/join").await;
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    let lower = page.to_ascii_lowercase();
    assert!(lower.contains("content-type: text/html"), "{page}");
    assert!(lower.contains("content-security-policy: default-src 'self'"), "{page}");
    assert!(lower.contains("referrer-policy: no-referrer"), "{page}");
    assert!(page.contains("<script type=\"module\""), "{page}");
    // The shared header and footer are in the page, with its own part.
    assert!(page.contains("<select id=\"language\">"), "{page}");
    assert!(page.contains("id=\"status\""), "{page}");
    assert!(page.contains("<footer class=\"footer\">"), "{page}");
    assert!(!page.contains("<!-- include:"), "{page}");

    let script = get(&server, "/assets/src/shared/protocol.js").await;
    assert!(script.starts_with("HTTP/1.1 200"), "{script}");
    assert!(script.to_ascii_lowercase().contains("content-type: text/javascript"));
    assert!(script.contains("hello"), "the protocol module greets the server");

    assert!(get(&server, "/assets/../Cargo.toml").await.starts_with("HTTP/1.1 404"));
    assert!(
        get(&server, "/assets/node_modules/typescript/package.json")
            .await
            .starts_with("HTTP/1.1 404")
    );
}

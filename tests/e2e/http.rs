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

/// A GET with these headers, read as bytes: the head as text, the body raw.
async fn raw_get(server: &TestServer, path: &str, headers: &[(&str, &str)]) -> (String, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", server.addr);
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").expect("a head");
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    (head, response[split + 4..].to_vec())
}

#[tokio::test]
async fn the_web_client_goes_out_gzipped_to_who_takes_it_and_unchanged_files_are_not_sent_again() {
    use std::io::Read as _;
    let server = TestServer::start().await;
    let path = "/assets/src/room/media.js";
    let (plain_head, plain) = raw_get(&server, path, &[]).await;
    assert!(plain_head.starts_with("HTTP/1.1 200"), "{plain_head}");
    assert!(
        !plain_head.to_ascii_lowercase().contains("content-encoding"),
        "{plain_head}"
    );
    let (head, body) = raw_get(&server, path, &[("Accept-Encoding", "gzip, deflate, br")]).await;
    let lower = head.to_ascii_lowercase();
    assert!(lower.contains("content-encoding: gzip"), "{head}");
    assert!(lower.contains("vary: accept-encoding"), "{head}");
    assert!(lower.contains("content-security-policy: default-src 'self'"), "{head}");
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain, "the same file");
    assert!(
        body.len() * 2 < plain.len(),
        "smaller by half at least: {} of {}",
        body.len(),
        plain.len()
    );
    // Refused with q=0: plain.
    let (head, _) = raw_get(&server, path, &[("Accept-Encoding", "gzip;q=0")]).await;
    assert!(!head.to_ascii_lowercase().contains("content-encoding"), "{head}");

    // The browser asks again with the ETag it has: not modified, no body.
    let etag = http::header(&format!("{plain_head}\r\n\r\n"), "etag")
        .expect("an etag")
        .to_owned();
    let (head, body) = raw_get(&server, path, &[("If-None-Match", &etag)]).await;
    assert!(head.starts_with("HTTP/1.1 304"), "{head}");
    assert!(body.is_empty());
    let (head, _) = raw_get(&server, path, &[("If-None-Match", "\"something-else\"")]).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    // A page with its header and footer put in has its own tag, and gzips too.
    let (head, _) = raw_get(&server, "/join", &[("Accept-Encoding", "gzip")]).await;
    assert!(head.to_ascii_lowercase().contains("content-encoding: gzip"), "{head}");
}

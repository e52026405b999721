//! A bare HTTP/1.1 client: enough to read what the server answers and to
//! drive the organizers' API with a cookie, as a browser would.

use std::net::SocketAddr;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends one request; returns the status and the whole response as text.
pub async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        request.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    request.push_str("\r\n");
    request.push_str(body.unwrap_or(""));
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    (status, response)
}

pub async fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    send(addr, "GET", path, headers, None).await
}

/// The body of a response.
pub fn body(response: &str) -> &str {
    response.split_once("\r\n\r\n").map_or("", |(_, body)| body)
}

/// The value of a response header, by name.
pub fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    let head = response.split_once("\r\n\r\n").map_or(response, |(head, _)| head);
    head.lines().skip(1).find_map(|line| {
        line.split_once(':')
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    })
}

/// An organizer's browser: keeps the login cookie and sends the site's origin.
pub struct ApiClient {
    pub addr: SocketAddr,
    pub cookie: Option<String>,
}

impl ApiClient {
    pub fn new(addr: SocketAddr) -> ApiClient {
        ApiClient { addr, cookie: None }
    }

    /// Sends JSON; returns the status and the JSON answer (`Null` if none).
    pub async fn call(&mut self, method: &str, path: &str, json: Option<Value>) -> (u16, Value) {
        let origin = format!("http://{}", self.addr);
        let cookie = self.cookie.as_ref().map(|c| format!("peer_room_login={c}"));
        let mut headers = vec![("Origin", origin.as_str())];
        if let Some(cookie) = &cookie {
            headers.push(("Cookie", cookie.as_str()));
        }
        let text = json.map(|b| b.to_string());
        let (status, response) = send(self.addr, method, path, &headers, text.as_deref()).await;
        if let Some(set) = header(&response, "set-cookie")
            && let Some(value) = set.strip_prefix("peer_room_login=").and_then(|v| v.split(';').next())
        {
            self.cookie = (!value.is_empty()).then(|| value.to_owned());
        }
        let json = serde_json::from_str(body(&response)).unwrap_or(Value::Null);
        (status, json)
    }
}

/// The password every test organizer has.
pub const PASSWORD: &str = "correct horse battery";

/// A new organizer account, logged in.
pub async fn organizer(server: &super::TestServer, email: &str) -> ApiClient {
    let new = peer_room::store::NewOrganizer {
        email: email.into(),
        name: "Organizer".into(),
        password: PASSWORD.into(),
        time_zone: "America/Toronto".into(),
    };
    server
        .store()
        .create_organizer(&new, 0)
        .await
        .unwrap()
        .expect("created");
    let mut client = ApiClient::new(server.addr);
    let login = serde_json::json!({"email": email, "password": PASSWORD});
    let (status, body) = client.call("POST", "/api/login", Some(login)).await;
    assert_eq!(status, 200, "{body}");
    client
}

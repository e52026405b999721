//! The web client, embedded in the binary at build time so that one file is
//! the whole product; served gzipped to browsers that take it, with an ETag
//! so that a browser that has a file already is told it has not changed.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use rust_embed::RustEmbed;
use sha2::{Digest as _, Sha256};

use crate::app::AppState;

#[derive(RustEmbed)]
#[folder = "../web-client/"]
#[include = "*.html"]
#[include = "partials/*.html"]
#[include = "src/**/*.js"]
#[include = "*.css"]
#[include = "*.svg"]
#[exclude = "node_modules/*"]
struct WebClient;

pub async fn index(headers: HeaderMap) -> Response {
    serve("index.html", &headers)
}

/// The room's page. With many nodes, its policy also lets it reach the live
/// nodes' WebSockets: a join that reaches another node is sent on to the
/// room's (`room_elsewhere`), and the page follows.
pub async fn join_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let mut response = serve("join.html", &headers);
    if let Some(placement) = state.rooms.placement() {
        let policy = policy(&placement.socket_origins());
        if let Ok(value) = HeaderValue::from_str(&policy) {
            response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    response
}

/// The pages load only their own scripts and talk only to this server.
const POLICY: &str =
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; media-src 'self' blob:; frame-ancestors 'none'";

/// `POLICY`, letting the page talk to `more_sockets` too (a space-separated
/// CSP source list, or nothing).
fn policy(more_sockets: &str) -> String {
    if more_sockets.is_empty() {
        return POLICY.to_owned();
    }
    POLICY.replacen("connect-src 'self'", &format!("connect-src 'self' {more_sockets}"), 1)
}

/// The organizers' pages: one document that shows login, setup or the
/// schedule, as the fragment and the login say.
pub async fn organize_page(headers: HeaderMap) -> Response {
    serve("organize.html", &headers)
}

/// The front door for one-on-one peer support, and a physician's request
/// (its private link carries the token in the fragment).
pub async fn support_page(headers: HeaderMap) -> Response {
    serve("support.html", &headers)
}

/// The facilitator's report on a session (`/report?session=ID#TOKEN`: the
/// facilitator's token in the fragment, sent by the page in a header).
pub async fn report_page(headers: HeaderMap) -> Response {
    serve("report.html", &headers)
}

pub async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    serve(&path, &headers)
}

/// A file as it goes out: its bytes (a page with its header and footer put
/// in), the same gzipped, and its ETag. Made once per file and kept: the
/// files are in the binary and never change while it runs, and only files
/// that exist are kept, so the map holds at most the client's own files.
struct Prepared {
    body: Bytes,
    gzipped: Option<Bytes>,
    etag: String,
}

fn prepared(path: &str) -> Option<Arc<Prepared>> {
    static PREPARED: OnceLock<Mutex<HashMap<String, Arc<Prepared>>>> = OnceLock::new();
    let cache = PREPARED.get_or_init(Mutex::default);
    if let Some(done) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(path) {
        return Some(Arc::clone(done));
    }
    let file = WebClient::get(path)?;
    // A page gets its shared header and footer (`pages.rs`); every other
    // file goes out as it is.
    let body: Bytes = match std::str::from_utf8(&file.data) {
        Ok(page) if path.ends_with(".html") => match super::pages::fill(page, partial) {
            std::borrow::Cow::Owned(filled) => Bytes::from(filled),
            std::borrow::Cow::Borrowed(_) => Bytes::from(file.data.into_owned()),
        },
        _ => Bytes::from(file.data.into_owned()),
    };
    let etag = format!("\"{}\"", hex(&Sha256::digest(&body)[..12]));
    let gzipped = gzip(&body).filter(|small| small.len() < body.len());
    let done = Arc::new(Prepared { body, gzipped, etag });
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    Some(Arc::clone(cache.entry(path.to_owned()).or_insert(done)))
}

fn gzip(bytes: &[u8]) -> Option<Bytes> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::best());
    encoder.write_all(bytes).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether the request says it takes gzip (`Accept-Encoding`, without `;q=0`).
fn takes_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| p.replace(' ', "") == "q=0");
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

fn serve(path: &str, headers: &HeaderMap) -> Response {
    let Some(file) = prepared(path) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let content_type = match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    };
    // `no-cache` makes the browser ask each time; the ETag makes the answer
    // "not modified" when it has the file already (a reload, a rejoin).
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == file.etag));
    let mut response = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        match (&file.gzipped, takes_gzip(headers)) {
            (Some(gzipped), true) => ([(header::CONTENT_ENCODING, "gzip")], gzipped.clone()).into_response(),
            _ => file.body.clone().into_response(),
        }
    };
    let out = response.headers_mut();
    let set = |out: &mut HeaderMap, name: header::HeaderName, value: &str| {
        if let Ok(value) = HeaderValue::from_str(value) {
            out.insert(name, value);
        }
    };
    set(out, header::CONTENT_TYPE, content_type);
    set(out, header::ETAG, &file.etag);
    set(out, header::VARY, "Accept-Encoding");
    set(out, header::CACHE_CONTROL, "no-cache");
    set(out, header::CONTENT_SECURITY_POLICY, POLICY);
    set(out, header::REFERRER_POLICY, "no-referrer");
    set(out, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    response
}

/// A partial of `web-client/partials/`, by name.
fn partial(name: &str) -> Option<std::borrow::Cow<'static, str>> {
    let file = WebClient::get(&format!("partials/{name}.html"))?;
    match file.data {
        std::borrow::Cow::Borrowed(bytes) => std::str::from_utf8(bytes).ok().map(std::borrow::Cow::Borrowed),
        std::borrow::Cow::Owned(bytes) => String::from_utf8(bytes).ok().map(std::borrow::Cow::Owned),
    }
}

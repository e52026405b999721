//! The web client, embedded in the binary at build time so that one file is
//! the whole product.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "../web-client/"]
#[include = "*.html"]
#[include = "partials/*.html"]
#[include = "src/**/*.js"]
#[include = "*.css"]
#[include = "*.svg"]
#[exclude = "node_modules/*"]
struct WebClient;

pub async fn index() -> Response {
    serve("index.html")
}

pub async fn join_page() -> Response {
    serve("join.html")
}

/// The organizers' pages: one document that shows login, setup or the
/// schedule, as the fragment and the login say.
pub async fn organize_page() -> Response {
    serve("organize.html")
}

/// The front door for one-on-one peer support, and a physician's request
/// (its private link carries the token in the fragment).
pub async fn support_page() -> Response {
    serve("support.html")
}

/// The facilitator's report on a session (`/report?session=ID#TOKEN`: the
/// facilitator's token in the fragment, sent by the page in a header).
pub async fn report_page() -> Response {
    serve("report.html")
}

pub async fn asset(Path(path): Path<String>) -> Response {
    serve(&path)
}

fn serve(path: &str) -> Response {
    let Some(file) = WebClient::get(path) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    // A page gets its shared header and footer (`pages.rs`); every other
    // file goes out as it is.
    let body = match std::str::from_utf8(&file.data) {
        Ok(page) if path.ends_with(".html") => match super::pages::fill(page, partial) {
            std::borrow::Cow::Owned(filled) => filled.into_bytes().into(),
            std::borrow::Cow::Borrowed(_) => file.data,
        },
        _ => file.data,
    };
    let content_type = match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
            // The pages load only their own scripts and talk only to this server.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; connect-src 'self'; img-src 'self' data:; media-src 'self' blob:; frame-ancestors 'none'",
            ),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

/// A partial of `web-client/partials/`, by name.
fn partial(name: &str) -> Option<std::borrow::Cow<'static, str>> {
    let file = WebClient::get(&format!("partials/{name}.html"))?;
    match file.data {
        std::borrow::Cow::Borrowed(bytes) => std::str::from_utf8(bytes).ok().map(std::borrow::Cow::Borrowed),
        std::borrow::Cow::Owned(bytes) => String::from_utf8(bytes).ok().map(std::borrow::Cow::Owned),
    }
}

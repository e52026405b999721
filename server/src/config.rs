//! The server's settings, with the defaults `cargo run --release` runs on.

use std::net::SocketAddr;
use std::time::Duration;

use crate::crisis::CrisisResource;
use crate::http::listen::HttpLimits;
use crate::http::metrics_access::Network;
use crate::live::RoomsConfig;
use crate::mail::SmtpSettings;
use crate::media::MediaConfig;
use crate::ws::rate_limit::RateConfig;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub database_url: String,
    /// Where the key invitation links are derived from lives (see `store`).
    pub token_key_file: Option<std::path::PathBuf>,
    /// The address people reach the server at, used in links. `None`: the
    /// address it listens on.
    pub public_url: Option<String>,
    /// Extra origins allowed to open the WebSocket. `None`: the loopback
    /// spellings of the public URL, for local use.
    pub allowed_origins: Option<Vec<String>>,
    pub rooms: RoomsConfig,
    /// Connections: caps in total and per address, and how long a client
    /// may take to send its request headers.
    pub http: HttpLimits,
    pub socket: SocketConfig,
    pub media: MediaConfig,
    pub crisis_resources: Vec<CrisisResource>,
    /// Where mail is sent through; `None`: no mail, links are copied by hand.
    pub smtp: Option<SmtpSettings>,
    /// Days after a request for a peer closes before what identifies the
    /// physician is forgotten.
    pub support_retention_days: u32,
    /// Physicians may book a supporter's open time at the front door, rather
    /// than wait for an organizer to match them.
    pub support_self_booking: bool,
    /// Who may read `/metrics`: loopback by default.
    pub metrics_allow: Vec<Network>,
    /// With PostgreSQL: this node among the others that share it.
    pub cluster: crate::live::ClusterConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://data/peer-room.db".to_owned(),
            token_key_file: None,
            public_url: None,
            allowed_origins: None,
            rooms: RoomsConfig::default(),
            http: HttpLimits::default(),
            socket: SocketConfig::default(),
            media: MediaConfig::default(),
            crisis_resources: crate::crisis::defaults(),
            smtp: None,
            support_retention_days: crate::retention::DEFAULT_DAYS,
            support_self_booking: false,
            metrics_allow: Network::loopback(),
            cluster: crate::live::ClusterConfig::default(),
        }
    }
}

/// How each WebSocket connection is kept alive and kept in check.
#[derive(Clone, Debug)]
pub struct SocketConfig {
    /// How often the server pings a connection.
    pub ping_interval: Duration,
    /// A connection silent for this long (no pong, no message) is dropped.
    pub dead_after: Duration,
    /// A connection must say `hello` this soon after opening...
    pub hello_within: Duration,
    /// ...and join or resume this soon, so idle sockets cannot pile up.
    /// The web client opens its socket only to join, at once.
    pub join_within: Duration,
    /// Sockets one address may have open that have not joined a room yet:
    /// a group arriving together from one hospital network fits well.
    pub max_joining_per_address: usize,
    pub rate: RateConfig,
}

impl Default for SocketConfig {
    fn default() -> Self {
        SocketConfig {
            ping_interval: Duration::from_secs(15),
            dead_after: Duration::from_secs(45),
            hello_within: Duration::from_secs(10),
            join_within: Duration::from_secs(30),
            max_joining_per_address: 32,
            rate: RateConfig::default(),
        }
    }
}

/// The origin (`scheme://host[:port]`) of a URL, lower-cased, or `None` if
/// the text is not an http(s) URL.
pub fn origin_of(url: &str) -> Option<String> {
    let url = url.trim().to_ascii_lowercase();
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next()?;
    if host.is_empty() {
        return None;
    }
    let host = host
        .strip_suffix(if scheme == "http" { ":80" } else { ":443" })
        .unwrap_or(host);
    Some(format!("{scheme}://{host}"))
}

/// The origins allowed to open the WebSocket: the public URL's, and either the
/// configured list or, by default, the loopback spellings of the same port.
pub fn allowed_origins(public_url: &str, configured: Option<&[String]>) -> Vec<String> {
    let mut origins: Vec<String> = origin_of(public_url).into_iter().collect();
    match configured {
        Some(list) => origins.extend(list.iter().filter_map(|o| origin_of(o))),
        None => {
            if let Some(port) = origin_of(public_url).and_then(|o| o.rsplit_once(':').map(|(_, p)| p.to_owned()))
                && port.chars().all(|c| c.is_ascii_digit())
            {
                for host in ["localhost", "127.0.0.1", "[::1]"] {
                    origins.push(format!("http://{host}:{port}"));
                }
            }
        }
    }
    origins.sort();
    origins.dedup();
    origins
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised() {
        assert_eq!(
            origin_of("HTTPS://Rooms.Example.org/path?q"),
            Some("https://rooms.example.org".into())
        );
        assert_eq!(origin_of("http://example.org:80"), Some("http://example.org".into()));
        assert_eq!(
            origin_of("http://127.0.0.1:8080/"),
            Some("http://127.0.0.1:8080".into())
        );
        assert_eq!(origin_of("ftp://example.org"), None);
        assert_eq!(origin_of("example.org"), None);
    }

    #[test]
    fn local_use_allows_the_loopback_spellings_only() {
        let allowed = allowed_origins("http://127.0.0.1:8080", None);
        assert!(allowed.contains(&"http://localhost:8080".to_owned()));
        assert!(allowed.contains(&"http://127.0.0.1:8080".to_owned()));
        assert!(!allowed.iter().any(|o| o.ends_with(":8081")));
    }

    #[test]
    fn a_public_deployment_allows_its_own_origin_and_the_configured_ones() {
        let extra = vec!["https://intranet.example.org".to_owned()];
        let allowed = allowed_origins("https://rooms.example.org", Some(&extra));
        assert_eq!(
            allowed,
            vec![
                "https://intranet.example.org".to_owned(),
                "https://rooms.example.org".to_owned()
            ]
        );
    }
}

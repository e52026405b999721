//! The command line. Every server flag also reads a `PEER_ROOM_*` variable.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};

use crate::config::LogFormat;
use crate::http::metrics_access::Network;
use crate::protocol::Named as _;
use crate::protocol::e2ee::E2eePolicy;

#[derive(Debug, Parser)]
#[command(
    name = "peer-room",
    version,
    about = "PeerRoom: a real-time room for physician peer support groups",
    long_about = "PeerRoom: a real-time room for physician peer support groups.\n\n\
                  With no command it serves the room, the signalling and the web client \
                  on http://127.0.0.1:8080 with a SQLite database under ./data."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Address and port to listen on.
    #[arg(long, env = "PEER_ROOM_LISTEN", default_value = "127.0.0.1:8080", global = true)]
    pub listen: SocketAddr,

    /// Where the store lives: a SQLite URL (one node; the folder is created
    /// if missing) or a PostgreSQL URL (postgres://user:password@host/db,
    /// for one node or many).
    #[arg(
        long,
        env = "PEER_ROOM_DATABASE_URL",
        default_value = "sqlite://data/peer-room.db",
        global = true
    )]
    pub database_url: String,

    /// The key invitation links are derived from, made on first use (32
    /// random bytes, 0600). Default with SQLite: beside the database
    /// (data/peer-room.key). Needed with PostgreSQL: every node must be
    /// given the same file.
    #[arg(long, env = "PEER_ROOM_TOKEN_KEY_FILE", global = true)]
    pub token_key_file: Option<std::path::PathBuf>,

    /// With PostgreSQL, where clients reach this node itself
    /// (https://node-a.rooms.example.org): people whose room runs on it are
    /// sent there. Also the node's id: keep it across restarts. Default:
    /// http:// and the listen address.
    #[arg(long, env = "PEER_ROOM_NODE_URL", global = true)]
    pub node_url: Option<String>,

    /// With PostgreSQL, how long a room stays placed on a node that stopped
    /// renewing it: after a crash, the wait before it starts on another.
    #[arg(long, env = "PEER_ROOM_LEASE_SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(3..=300), global = true)]
    pub lease_seconds: u64,

    /// With PostgreSQL, how long a stopping node (SIGTERM) lets the rooms
    /// running on it end on their own, taking no new ones, before it moves
    /// their people to another node. A second signal moves them at once.
    #[arg(long, env = "PEER_ROOM_DRAIN_SECONDS", default_value_t = 0, global = true)]
    pub drain_seconds: u64,

    /// The URL people open, used in invitation links (e.g. https://rooms.example.org).
    /// Default: http:// and the listen address.
    #[arg(long, env = "PEER_ROOM_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Comma-separated origins allowed to open the WebSocket, besides the public URL's.
    /// Default: the loopback spellings of the public URL (localhost, 127.0.0.1, [::1]).
    #[arg(long, env = "PEER_ROOM_ALLOWED_ORIGINS", value_delimiter = ',', global = true)]
    pub allowed_origins: Option<Vec<String>>,

    /// Log format: human-readable or one JSON object a line.
    #[arg(
        long,
        env = "PEER_ROOM_LOG_FORMAT",
        value_enum,
        default_value = "pretty",
        global = true
    )]
    pub log_format: LogFormat,

    /// A JSON file of the deployment's own energizers, added to the built-in library:
    /// a list of {id, title, seconds, steps, seated}.
    #[arg(long, env = "PEER_ROOM_ENERGIZERS", global = true)]
    pub energizers: Option<std::path::PathBuf>,

    /// The address media (UDP) binds to. Default: the --listen address's.
    /// Use 0.0.0.0 on a server that people reach over a network.
    #[arg(long, env = "PEER_ROOM_MEDIA_IP", global = true)]
    pub media_ip: Option<std::net::IpAddr>,

    /// The UDP port range for media, as LOW-HIGH (e.g. 50000-50199): one port
    /// per participant. Default: any free port.
    #[arg(long, env = "PEER_ROOM_MEDIA_PORTS", global = true, value_parser = parse_port_range)]
    pub media_ports: Option<(u16, u16)>,

    /// One port for all media (e.g. 50000): every participant's audio and
    /// video on it, UDP and (for ICE over TCP) TCP, told apart by the server,
    /// so a firewall opens one port. Cannot be combined with --media-ports.
    #[arg(
        long,
        env = "PEER_ROOM_MEDIA_PORT",
        global = true,
        conflicts_with = "media_ports",
        value_parser = clap::value_parser!(u16).range(1..)
    )]
    pub media_port: Option<u16>,

    /// The public IP of a host behind 1:1 NAT (most cloud machines), advertised
    /// to browsers in place of the private address.
    #[arg(long, env = "PEER_ROOM_PUBLIC_IP", global = true)]
    pub public_ip: Option<std::net::IpAddr>,

    /// STUN and TURN servers handed to browsers, as a JSON list in the shape of
    /// RTCIceServer: [{"urls":["turn:turn.example.org:3478"],"username":"u","credential":"p"}].
    #[arg(long, env = "PEER_ROOM_ICE_SERVERS", global = true)]
    pub ice_servers: Option<String>,

    /// TURN servers that take time-limited credentials made from a shared
    /// secret (coturn's use-auth-secret), comma-separated:
    /// turn:turn.example.org:3478?transport=udp,turns:turn.example.org:443?transport=tcp.
    /// Needs --turn-secret-file.
    #[arg(long, env = "PEER_ROOM_TURN_URLS", value_delimiter = ',', global = true)]
    pub turn_urls: Vec<String>,

    /// A file holding the secret shared with the TURN servers (coturn's
    /// static-auth-secret). A file, so the secret is in no process list.
    #[arg(long, env = "PEER_ROOM_TURN_SECRET_FILE", global = true)]
    pub turn_secret_file: Option<std::path::PathBuf>,

    /// How long a TURN credential lasts from entering a room, in minutes:
    /// longer than the longest session.
    #[arg(long, env = "PEER_ROOM_TURN_TTL_MINUTES", default_value_t = 360, global = true)]
    pub turn_ttl_minutes: u32,

    /// Offer no ICE over TCP. By default each connection also listens on TCP,
    /// on the same port number as its UDP socket, for networks that block UDP.
    #[arg(long, env = "PEER_ROOM_NO_ICE_TCP", global = true)]
    pub no_ice_tcp: bool,

    /// A JSON file of the crisis resources every screen offers, as a list of
    /// {label, contact}. Default: Canada's 9-8-8 helpline and 911.
    #[arg(long, env = "PEER_ROOM_CRISIS_RESOURCES", global = true)]
    pub crisis_resources: Option<std::path::PathBuf>,

    /// The SMTP server invitations and reminders are sent through. Without
    /// it no mail is sent, and the organizers' pages show each person's link
    /// to copy instead.
    #[arg(long, env = "PEER_ROOM_SMTP_HOST", global = true)]
    pub smtp_host: Option<String>,

    /// The SMTP server's port. Default: 587 with starttls, 465 with tls, 25
    /// with none.
    #[arg(long, env = "PEER_ROOM_SMTP_PORT", global = true)]
    pub smtp_port: Option<u16>,

    /// How the connection to the SMTP server is protected: starttls
    /// (required), tls (from the first byte), or none (a relay on this
    /// machine or network only).
    #[arg(
        long,
        env = "PEER_ROOM_SMTP_SECURITY",
        value_enum,
        default_value = "starttls",
        global = true
    )]
    pub smtp_security: crate::mail::Security,

    /// The SMTP login, if the server asks for one.
    #[arg(long, env = "PEER_ROOM_SMTP_USER", global = true)]
    pub smtp_user: Option<String>,

    /// A file holding the SMTP password. A file, so the password is in no
    /// process list or environment.
    #[arg(long, env = "PEER_ROOM_SMTP_PASSWORD_FILE", global = true)]
    pub smtp_password_file: Option<std::path::PathBuf>,

    /// The sender of every message, e.g. "PeerRoom <peer-room@example.org>".
    /// Required with --smtp-host.
    #[arg(long, env = "PEER_ROOM_SMTP_FROM", global = true)]
    pub smtp_from: Option<String>,

    /// Days after a request for a peer closes before the physician's name,
    /// address and times are forgotten.
    #[arg(long, env = "PEER_ROOM_SUPPORT_RETENTION_DAYS", default_value_t = 30, global = true)]
    pub support_retention_days: u32,

    /// Let physicians book a peer supporter's open time themselves at the
    /// front door (from the supporters' weekly availability); the supporter
    /// still confirms. Off: an organizer matches every request.
    #[arg(long, env = "PEER_ROOM_SUPPORT_SELF_BOOKING", global = true)]
    pub support_self_booking: bool,

    /// Seconds a dropped participant keeps their place before they have left.
    #[arg(long, env = "PEER_ROOM_RECONNECT_GRACE", default_value_t = 30, global = true)]
    pub reconnect_grace: u32,

    /// Connections open at once, in total (lowered to fit the open-files limit).
    #[arg(long, env = "PEER_ROOM_MAX_CONNECTIONS", default_value_t = 8192, global = true)]
    pub max_connections: usize,

    /// Connections open at once from one address.
    #[arg(
        long,
        env = "PEER_ROOM_MAX_CONNECTIONS_PER_ADDRESS",
        default_value_t = 256,
        global = true
    )]
    pub max_connections_per_address: usize,

    /// Behind a reverse proxy on this host: take a request's address from the
    /// last entry of its X-Forwarded-For when it comes from loopback (for the
    /// limits on logins and on sockets still joining).
    #[arg(long, env = "PEER_ROOM_TRUST_FORWARDED_FOR", global = true)]
    pub trust_forwarded_for: bool,

    /// Comma-separated addresses and networks (CIDR) that may read /metrics,
    /// e.g. 127.0.0.1,::1,10.0.0.5/32. Anyone else gets a 404, as does a
    /// request through a proxy the server does not trust. Default: loopback.
    #[arg(
        long,
        env = "PEER_ROOM_METRICS_ALLOW",
        value_delimiter = ',',
        value_name = "ADDRESSES",
        global = true
    )]
    pub metrics_allow: Vec<Network>,
}

#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Serve the room (the default when no command is given).
    Serve,
    /// Manage sessions.
    #[command(subcommand)]
    Session(SessionCommand),
    /// Manage series: recurring groups whose sessions share ground rules and
    /// carry outcomes from one session to the next.
    #[command(subcommand)]
    Series(SeriesCommand),
    /// Manage organizer accounts.
    #[command(subcommand)]
    Organizer(OrganizerCommand),
}

#[derive(Debug, Subcommand)]
pub enum OrganizerCommand {
    /// Create an organizer account. The password is read from the first line
    /// of standard input, so it never appears in the shell's history.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// The IANA time zone their pages show times in.
        #[arg(long, default_value = "America/Toronto")]
        time_zone: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SeriesCommand {
    /// Create a series and print its id, for `session create --series`.
    Create {
        /// What the group is called.
        #[arg(long)]
        title: String,
        /// A text file with the series' ground rules, one a line.
        #[arg(long)]
        ground_rules: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Schedule a session and print its facilitator and participant links.
    Create(CreateSession),
}

#[derive(Debug, Args)]
pub struct CreateSession {
    /// What the group is called, as participants will see it.
    #[arg(long)]
    pub title: String,
    /// When it starts, in RFC 3339 (e.g. 2026-12-01T18:00:00-05:00).
    #[arg(long)]
    pub starts_at: String,
    /// How long it lasts, in minutes.
    #[arg(long)]
    pub minutes: u32,
    /// The IANA time zone it is shown in.
    #[arg(long, default_value = "America/Toronto")]
    pub time_zone: String,
    /// How many participants it takes (facilitators not counted).
    #[arg(long, default_value_t = 16)]
    pub capacity: u32,
    /// The series it belongs to (from `series create`): it takes the series'
    /// ground rules and shows the previous session's outcomes.
    #[arg(long)]
    pub series: Option<String>,
    /// A text file with this session's ground rules, one a line
    /// (default: the series' rules, or the built-in ones).
    #[arg(long)]
    pub ground_rules: Option<std::path::PathBuf>,
    /// Nudge the facilitator after this many minutes without a break (10 to 240).
    #[arg(long)]
    pub break_nudge_minutes: Option<u32>,
    /// Comma-separated minutes before the planned end at which everyone is
    /// warned (default 5,1).
    #[arg(long, value_delimiter = ',')]
    pub warning_marks: Option<Vec<u32>>,
    /// Whether its audio and video are end-to-end encrypted: off, offered
    /// (a host may turn it on in the room) or required (docs/security.md).
    #[arg(long, default_value = "off", value_parser = parse_e2ee)]
    pub e2ee: E2eePolicy,
}

fn parse_e2ee(text: &str) -> Result<E2eePolicy, String> {
    E2eePolicy::parse(text).ok_or_else(|| "expected off, offered or required".to_owned())
}

/// `LOW-HIGH`, both ports, LOW <= HIGH.
fn parse_port_range(text: &str) -> Result<(u16, u16), String> {
    let (low, high) = text.split_once('-').ok_or("expected LOW-HIGH, such as 50000-50199")?;
    let low: u16 = low.trim().parse().map_err(|_| format!("{low:?} is not a port"))?;
    let high: u16 = high.trim().parse().map_err(|_| format!("{high:?} is not a port"))?;
    if low == 0 || low > high {
        return Err("LOW must be at least 1 and at most HIGH".to_owned());
    }
    Ok((low, high))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_metrics_allow_list_is_refused_at_start_naming_the_flag_and_the_entry() {
        let refused = Cli::try_parse_from(["peer-room", "--metrics-allow", "127.0.0.1,10.0.0.0/33"])
            .expect_err("a prefix past 32 bits");
        let said = refused.to_string();
        assert!(said.contains("--metrics-allow"), "{said}");
        assert!(said.contains("10.0.0.0/33"), "{said}");
        let refused = Cli::try_parse_from(["peer-room", "--metrics-allow", "rooms.example.org"])
            .expect_err("a name, not an address");
        assert!(refused.to_string().contains("not an IP address"), "{refused}");
    }

    #[test]
    fn one_media_port_or_a_range_but_not_both() {
        let cli = Cli::try_parse_from(["peer-room", "--media-port", "50000"]).expect("one port");
        assert_eq!(cli.global.media_port, Some(50000));
        let refused = Cli::try_parse_from(["peer-room", "--media-port", "50000", "--media-ports", "50000-50199"])
            .expect_err("both");
        let said = refused.to_string();
        assert!(
            said.contains("--media-port") && said.contains("--media-ports"),
            "{said}"
        );
        assert!(
            Cli::try_parse_from(["peer-room", "--media-port", "0"]).is_err(),
            "a real port"
        );
    }

    #[test]
    fn the_metrics_allow_list_takes_addresses_and_networks() {
        let cli = Cli::try_parse_from(["peer-room", "--metrics-allow", "127.0.0.1, 10.0.0.0/8,fd00::/8"])
            .expect("three entries");
        assert_eq!(cli.global.metrics_allow.len(), 3);
        assert!(cli.global.metrics_allow[1].contains("10.1.2.3".parse().unwrap()));
    }
}

//! The `peer-room` binary: serve, or manage sessions from the command line.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use peer_room::cli::{Cli, CliCommand, CreateSession, GlobalArgs, OrganizerCommand, SeriesCommand, SessionCommand};
use peer_room::config::Config;
use peer_room::http::listen::HttpLimits;
use peer_room::http::metrics_access::Network;
use peer_room::live::RoomsConfig;
use peer_room::mail::{Security, SmtpSettings};
use peer_room::media::turn::TurnRest;
use peer_room::media::{IceServer, MediaConfig};
use peer_room::store::{DEFAULT_WARNING_MARKS, NewOrganizer, NewSession, Store, StoreError};
use peer_room::{LINKS_OUTLIVE_SESSION_MS, Server, app, clock, demo, energizers, ground_rules};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    keep_large_allocations_apart();
    let cli = Cli::parse();
    peer_room::logging::init(cli.global.log_format);
    match cli.command.unwrap_or(CliCommand::Serve) {
        CliCommand::Serve => serve(&cli.global).await,
        CliCommand::Session(SessionCommand::Create(args)) => create_session(&cli.global, args).await,
        CliCommand::Series(SeriesCommand::Create { title, ground_rules }) => {
            create_series(&cli.global, &title, ground_rules.as_deref()).await
        }
        CliCommand::Organizer(OrganizerCommand::Add { email, name, time_zone }) => {
            add_organizer(&cli.global, email, name, time_zone).await
        }
    }
}

/// A password hash takes 19 MiB at once. glibc's malloc raises its mmap
/// threshold after such a block is freed, so the next ones come from the
/// heap of whichever thread runs the hash and stay there: with the blocking
/// pool's threads taking turns, a burst of logins left ~10 of them held (180
/// MiB, docs/benchmarks.md "Logins"). A fixed threshold of 1 MiB keeps large
/// blocks mapped on their own and given back when freed.
fn keep_large_allocations_apart() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's settings, process-wide;
    // called first thing in main.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

fn config_from(args: &GlobalArgs) -> anyhow::Result<Config> {
    let mut rooms = RoomsConfig::default();
    rooms.room.grace_ms = i64::from(args.reconnect_grace) * 1000;
    rooms.energizers = energizers::library(args.energizers.as_deref())?.into();
    let media = MediaConfig {
        udp_ip: args.media_ip.unwrap_or(args.listen.ip()),
        ports: args.media_ports,
        port: args.media_port,
        public_ip: args.public_ip,
        ice_servers: match &args.ice_servers {
            Some(json) => ice_servers(json)?,
            None => Vec::new(),
        },
        turn: turn_rest(args)?,
        ice_tcp: !args.no_ice_tcp,
        ..MediaConfig::default()
    };
    Ok(Config {
        media,
        crisis_resources: peer_room::crisis::load(args.crisis_resources.as_deref())?,
        smtp: smtp(args)?,
        support_retention_days: args.support_retention_days,
        support_self_booking: args.support_self_booking,
        listen: args.listen,
        database_url: args.database_url.clone(),
        token_key_file: args.token_key_file.clone(),
        cluster: peer_room::live::ClusterConfig {
            node_url: args.node_url.clone(),
            lease: Duration::from_secs(args.lease_seconds),
        },
        public_url: args.public_url.clone(),
        allowed_origins: args.allowed_origins.clone(),
        rooms,
        http: HttpLimits {
            max_connections: args.max_connections,
            max_per_address: args.max_connections_per_address,
            trust_forwarded_for: args.trust_forwarded_for,
            ..HttpLimits::default()
        },
        metrics_allow: if args.metrics_allow.is_empty() {
            Network::loopback()
        } else {
            args.metrics_allow.clone()
        },
        ..Config::default()
    })
}

/// `--turn-urls` with `--turn-secret-file`: both or neither.
/// The SMTP settings, all or nothing: a half-configured mailer is refused
/// at start rather than found out when the first invitation fails.
fn smtp(args: &GlobalArgs) -> anyhow::Result<Option<SmtpSettings>> {
    let Some(host) = args.smtp_host.clone() else {
        if args.smtp_from.is_some() || args.smtp_user.is_some() || args.smtp_password_file.is_some() {
            anyhow::bail!("the --smtp-* settings need --smtp-host, the SMTP server to send through");
        }
        return Ok(None);
    };
    let from = args
        .smtp_from
        .clone()
        .context("--smtp-host needs --smtp-from, the address mail is sent from")?;
    if from.parse::<lettre::message::Mailbox>().is_err() {
        anyhow::bail!("--smtp-from: {from:?} is not an address such as \"PeerRoom <peer-room@example.org>\"");
    }
    let password = match (&args.smtp_user, &args.smtp_password_file) {
        (Some(_), Some(file)) => Some(
            std::fs::read_to_string(file)
                .with_context(|| format!("--smtp-password-file: cannot read {}", file.display()))?
                .trim_end_matches(['\r', '\n'])
                .to_owned(),
        ),
        (None, None) => None,
        _ => anyhow::bail!("--smtp-user and --smtp-password-file go together"),
    };
    let port = args.smtp_port.unwrap_or(match args.smtp_security {
        Security::Starttls => 587,
        Security::Tls => 465,
        Security::None => 25,
    });
    Ok(Some(SmtpSettings {
        host,
        port,
        security: args.smtp_security,
        user: args.smtp_user.clone(),
        password,
        from,
    }))
}

fn turn_rest(args: &GlobalArgs) -> anyhow::Result<Option<TurnRest>> {
    match (&args.turn_secret_file, args.turn_urls.is_empty()) {
        (None, true) => Ok(None),
        (None, false) => anyhow::bail!("--turn-urls needs --turn-secret-file, the secret shared with the TURN server"),
        (Some(_), true) => anyhow::bail!("--turn-secret-file needs --turn-urls, the TURN servers that share it"),
        (Some(file), false) => {
            let secret = std::fs::read_to_string(file)
                .with_context(|| format!("--turn-secret-file: cannot read {}", file.display()))?;
            let ttl = Duration::from_secs(u64::from(args.turn_ttl_minutes.max(1)) * 60);
            Ok(Some(
                TurnRest::new(args.turn_urls.clone(), &secret, ttl).context("--turn-urls")?,
            ))
        }
    }
}

/// `--ice-servers`: a JSON list in the shape of the browser's RTCIceServer.
fn ice_servers(json: &str) -> anyhow::Result<Vec<IceServer>> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Entry {
        urls: Urls,
        username: Option<String>,
        credential: Option<String>,
    }
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Urls {
        One(String),
        Many(Vec<String>),
    }
    let entries: Vec<Entry> = serde_json::from_str(json)
        .context("--ice-servers: expected a JSON list such as [{\"urls\":[\"stun:stun.example.org:3478\"]}]")?;
    Ok(entries
        .into_iter()
        .map(|e| IceServer {
            urls: match e.urls {
                Urls::One(url) => vec![url],
                Urls::Many(urls) => urls,
            },
            username: e.username,
            credential: e.credential,
        })
        .collect())
}

async fn serve(args: &GlobalArgs) -> anyhow::Result<()> {
    let server = Server::start(config_from(args)?)
        .await
        .context("could not start the server")?;
    println!("PeerRoom is listening on http://{}", server.addr);
    println!("People open links under {}", server.public_url);
    if let Some(links) = demo::first_start(&server.store, &server.public_url).await? {
        println!();
        println!("First start: a demo session is ready. Open these in two browser windows:");
        println!("  facilitator link: {}", links.facilitator);
        println!("  participant link: {}", links.participant);
        println!("These links are shown only once. Schedule more sessions with:");
        println!(
            "  peer-room session create --title \"Tuesday group\" --starts-at 2026-12-01T18:00:00-05:00 --minutes 60"
        );
    }
    if let Some(link) = demo::demo_supporter(&server.store, &server.public_url).await? {
        println!();
        println!(
            "One-on-one support: physicians ask for a peer at {}/support.",
            server.public_url
        );
        println!("A demo peer supporter is on the roster; they set up their account with:");
        println!("  supporter enrolment link: {link}");
    }
    if let Some(link) = demo::setup_link(&server.store, &server.public_url).await? {
        println!();
        println!("No organizer account yet. Create the first one with this one-time link:");
        println!("  setup link: {link}");
        println!(
            "or on this machine: echo 'a long password' | peer-room organizer add --email you@example.org --name \"Your name\""
        );
    }
    println!("Ready. Press Ctrl-C to stop.");
    wait_for_signal().await;
    println!("Shutting down: telling every client the server is restarting.");
    // With other nodes, rooms may end first (a second signal: at once).
    server
        .drain(Duration::from_secs(args.drain_seconds), wait_for_signal())
        .await;
    Ok(())
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

async fn create_session(args: &GlobalArgs, create: CreateSession) -> anyhow::Result<()> {
    let starts_at = chrono::DateTime::parse_from_rfc3339(&create.starts_at)
        .with_context(|| {
            format!(
                "--starts-at {:?} is not an RFC 3339 time such as 2026-12-01T18:00:00-05:00",
                create.starts_at
            )
        })?
        .timestamp_millis();
    let store = Store::open(&args.database_url, args.token_key_file.as_deref()).await?;
    let series_rules = match &create.series {
        Some(series) => match store.series_ground_rules(series).await {
            Ok(rules) => rules,
            Err(StoreError::NotFound) => anyhow::bail!("--series: no series with id {series}"),
            Err(error) => return Err(error.into()),
        },
        None => None,
    };
    let rules = match &create.ground_rules {
        Some(path) => read_rules(path, "--ground-rules")?,
        None => series_rules.unwrap_or_else(ground_rules::default_rules),
    };
    let mut session = NewSession {
        title: create.title,
        starts_at,
        duration_minutes: create.minutes,
        time_zone: create.time_zone,
        capacity: create.capacity,
        ground_rules: rules,
        agenda: Vec::new(),
        series_id: create.series,
        break_nudge_minutes: create.break_nudge_minutes,
        warning_marks: create.warning_marks.unwrap_or_else(|| DEFAULT_WARNING_MARKS.to_vec()),
        e2ee: create.e2ee,
        ..NewSession::default()
    };
    session.normalize();
    // The flag for the duration is --minutes; the other fields match their flags.
    session.validate().map_err(|e| {
        let flag = e.to_string().replace("duration_minutes", "minutes").replace('_', "-");
        anyhow::anyhow!("--{flag}")
    })?;
    let now = clock::now_millis();
    let record = store.create_session(&session, now).await?;
    let links = store
        .create_links(&record.id, session.ends_at() + LINKS_OUTLIVE_SESSION_MS, now)
        .await?;
    store.close().await;

    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", args.listen));
    println!("session: {}", record.id);
    println!(
        "facilitator link: {}",
        app::join_link(&public_url, &links.facilitator_token)
    );
    println!(
        "participant link: {}",
        app::join_link(&public_url, &links.participant_token)
    );
    Ok(())
}

async fn create_series(args: &GlobalArgs, title: &str, rules_file: Option<&Path>) -> anyhow::Result<()> {
    if title.trim().is_empty() || title.chars().count() > 200 {
        anyhow::bail!("--title: must have between 1 and 200 characters");
    }
    let rules = rules_file.map(|path| read_rules(path, "--ground-rules")).transpose()?;
    let store = Store::open(&args.database_url, args.token_key_file.as_deref()).await?;
    let id = store
        .create_series(title, rules.as_deref(), clock::now_millis())
        .await?;
    store.close().await;
    println!("series: {id}");
    Ok(())
}

async fn add_organizer(args: &GlobalArgs, email: String, name: String, time_zone: String) -> anyhow::Result<()> {
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("could not read the password from standard input")?;
    let new = NewOrganizer {
        email: email.trim().to_lowercase(),
        name,
        password: password.trim_end_matches(['\r', '\n']).to_owned(),
        time_zone,
    };
    new.validate()
        .map_err(|e| anyhow::anyhow!("--{}", e.to_string().replace('_', "-")))?;
    let store = Store::open(&args.database_url, args.token_key_file.as_deref()).await?;
    let created = store.create_organizer(&new, clock::now_millis()).await?;
    store.close().await;
    match created {
        Some(organizer) => println!("organizer: {}", organizer.id),
        None => anyhow::bail!("--email: an organizer with this email exists"),
    }
    Ok(())
}

/// Ground rules from a text file, one a line; blank lines are skipped.
fn read_rules(path: &Path, flag: &str) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{flag}: could not read {}", path.display()))?;
    let rules: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    ground_rules::validate(&rules).map_err(|problem| anyhow::anyhow!("{flag}: {problem}"))?;
    Ok(rules)
}

//! A real PeerRoom server for a test: in-process on 127.0.0.1:0 with its own
//! database (database.rs), or as the real binary in a child process.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use peer_room::config::Config;
use peer_room::store::{InviteRole, NewSession};
use peer_room::{Server, clock, ground_rules};

use super::database::TestDatabase;

/// Links to one stored session.
#[derive(Clone, Debug)]
pub struct Session {
    pub id: String,
    pub facilitator_token: String,
    pub participant_token: String,
}

pub struct TestServer {
    pub server: Option<Server>,
    pub addr: SocketAddr,
    /// Held, not read: the database lives as long as the server (a node of
    /// several holds none: the test does).
    _database: Option<TestDatabase>,
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    /// Starts a server after `adjust` has changed the test's settings.
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> TestServer {
        let database = TestDatabase::fresh();
        let mut server = Self::node(&database, "127.0.0.1", adjust).await;
        server._database = Some(database);
        server
    }

    /// A server on `database`, listening on `ip` (one of several nodes on
    /// 127.0.0.1, 127.0.0.2...), after `adjust`.
    pub async fn node(database: &TestDatabase, ip: &str, adjust: impl FnOnce(&mut Config)) -> TestServer {
        let mut config = Config {
            listen: format!("{ip}:0").parse().expect("address"),
            database_url: database.url.clone(),
            token_key_file: Some(database.key_file.clone()),
            ..Config::default()
        };
        adjust(&mut config);
        let server = Server::start(config).await.expect("server starts");
        TestServer {
            addr: server.addr,
            server: Some(server),
            _database: None,
        }
    }

    pub fn store(&self) -> &peer_room::store::Store {
        &self.server.as_ref().expect("running").store
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// A session that started a minute ago and runs for an hour.
    pub async fn session(&self) -> Session {
        let now = clock::now_millis();
        self.session_between(now - 60_000, now + 60 * 60_000).await
    }

    /// A session whose links expire at `expires_at`.
    pub async fn session_between(&self, starts_at: i64, expires_at: i64) -> Session {
        self.session_with(expires_at, |new| new.starts_at = starts_at).await
    }

    /// A session that started a minute ago, as `adjust` changes it, with links
    /// that expire at `expires_at`.
    pub async fn session_with(&self, expires_at: i64, adjust: impl FnOnce(&mut NewSession)) -> Session {
        let store = self.store();
        let mut new = NewSession {
            title: "Tuesday group".into(),
            starts_at: clock::now_millis() - 60_000,
            duration_minutes: 60,
            time_zone: "America/Toronto".into(),
            capacity: 16,
            ground_rules: ground_rules::default_rules(),
            agenda: Vec::new(),
            series_id: None,
            break_nudge_minutes: None,
            warning_marks: vec![5, 1],
            ..NewSession::default()
        };
        adjust(&mut new);
        let now = clock::now_millis();
        let record = store.create_session(&new, now).await.expect("session stored");
        let links = store
            .create_links(&record.id, expires_at, now)
            .await
            .expect("links stored");
        Session {
            id: record.id,
            facilitator_token: links.facilitator_token,
            participant_token: links.participant_token,
        }
    }

    /// Another participant invitation of a session, with its id for revoking.
    pub async fn invitation(&self, session: &Session) -> (String, String) {
        let expires = clock::now_millis() + 60 * 60_000;
        self.store()
            .create_invitation(&session.id, InviteRole::Participant, expires, clock::now_millis())
            .await
            .expect("invitation stored")
    }

    pub async fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown(Duration::from_secs(5)).await;
        }
    }
}

/// The real `peer-room` binary, started as a child process.
pub struct ServerProcess {
    child: Child,
    pub addr: SocketAddr,
    /// What the server printed on stdout before it was ready, such as the
    /// first start's demo links.
    pub banner: Vec<String>,
}

pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_peer-room"))
}

impl ServerProcess {
    /// Starts the binary on `db` and waits until it serves.
    pub fn start(db: &TestDatabase) -> ServerProcess {
        Self::start_logging(db, "warn", Stdio::inherit())
    }

    /// Starts the binary with `RUST_LOG=filter`, its log going to `log`.
    pub fn start_logging(db: &TestDatabase, filter: &str, log: Stdio) -> ServerProcess {
        Self::start_with_args(db, &[], filter, log)
    }

    /// Starts the binary with settings of the test's own (`--smtp-host`...).
    pub fn start_with_args(db: &TestDatabase, args: &[&str], filter: &str, log: Stdio) -> ServerProcess {
        Self::spawn(&db.args(), "127.0.0.1:0", args, filter, log)
    }

    /// Starts the binary as one of several nodes on `db`, on `listen` (a
    /// loopback address of its own), known by that address.
    pub fn start_listening(db: &TestDatabase, listen: &str, args: &[&str], filter: &str, log: Stdio) -> ServerProcess {
        Self::spawn(&db.store_args(), listen, args, filter, log)
    }

    fn spawn(database: &[String], listen: &str, args: &[&str], filter: &str, log: Stdio) -> ServerProcess {
        let mut child = Command::new(binary())
            .args(["--listen", listen])
            .args(database)
            .args(args)
            .env("RUST_LOG", filter)
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("the peer-room binary starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut banner = Vec::new();
        let mut addr = None;
        // The banner ends with a line that starts with "Ready".
        for line in lines.by_ref() {
            let line = line.expect("stdout line");
            if let Some(rest) = line.strip_prefix("PeerRoom is listening on http://") {
                addr = Some(rest.trim().parse().expect("listen address"));
            }
            let done = line.starts_with("Ready");
            banner.push(line);
            if done {
                break;
            }
        }
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        ServerProcess {
            child,
            addr: addr.expect("the server printed its address"),
            banner,
        }
    }

    /// A line of the banner that starts with `label`, without the label.
    pub fn banner_value(&self, label: &str) -> Option<String> {
        self.banner
            .iter()
            .find_map(|line| line.trim().strip_prefix(label).map(|rest| rest.trim().to_owned()))
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// SIGTERM, as a service manager stops a server, then waits for the exit.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        self.signal_terminate();
        self.child.wait().expect("wait")
    }

    /// SIGTERM, without waiting: the server drains or stops meanwhile.
    pub fn signal_terminate(&self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
        assert!(sent.success());
    }

    /// Waits for the process to exit, at most `within`.
    pub fn exited_within(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + within;
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// SIGKILL: no chance to flush or say goodbye.
    pub fn kill(mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The token inside a join link (`.../join#TOKEN`).
pub fn token_of(link: &str) -> String {
    link.rsplit_once('#').expect("a join link has a fragment").1.to_owned()
}

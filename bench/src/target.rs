//! The server under test: the real `peer-room` binary in its own process
//! (pinned to its own CPU, so its memory and CPU time can be read from /proc
//! apart from the load's), or an in-process server for the smoke test.
//! Either way it listens on 127.0.0.1 only, with a fresh SQLite file holding
//! one session per room.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};
use peer_room::store::{NewOrganizer, NewSession, Store};
use peer_room::{Config, Server, clock};

/// The organizer every bench database has, for the login benchmark.
pub const BENCH_ORGANIZER: &str = "bench@example.org";
pub const BENCH_PASSWORD: &str = "bench password, not secret";

/// The two links of one room's session.
#[derive(Clone, Debug)]
pub struct RoomLinks {
    pub facilitator: String,
    pub participant: String,
}

/// How to start the server binary.
#[derive(Clone, Debug)]
pub struct ServerOptions {
    pub bin: PathBuf,
    /// `taskset -c` list for the server; empty: not pinned.
    pub cpus: String,
}

enum Running {
    Child(Child),
    InProcess(Box<Server>),
}

pub struct Target {
    pub addr: SocketAddr,
    /// The process whose memory and CPU time are the server's.
    pub pid: u32,
    pub rooms: Vec<RoomLinks>,
    running: Running,
    dir: PathBuf,
}

impl Target {
    /// Seeds `rooms` sessions of up to `capacity` people, then starts the
    /// server binary on that database and waits until it accepts connections.
    pub async fn spawn(options: &ServerOptions, rooms: usize, capacity: u32) -> anyhow::Result<Target> {
        let dir = fresh_dir()?;
        let url = database_url(&dir);
        let store = Store::open(&url, None).await.context("opening the bench database")?;
        let links = seed(&store, rooms, capacity).await?;
        store.close().await;

        let log = std::fs::File::create(dir.join("server.log"))?;
        let mut command = if options.cpus.is_empty() {
            Command::new(&options.bin)
        } else {
            let mut taskset = Command::new("taskset");
            taskset.args(["-c", &options.cpus]).arg(&options.bin);
            taskset
        };
        let mut child = command
            .args(["--listen", "127.0.0.1:0", "--database-url", &url])
            // PEER_ROOM_BENCH_SERVER_LOG=peer_room::media=debug, say, to see
            // where a run's time goes (in the run's server.log).
            .env(
                "RUST_LOG",
                std::env::var("PEER_ROOM_BENCH_SERVER_LOG").unwrap_or_else(|_| "warn".to_owned()),
            )
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .with_context(|| format!("starting {}", options.bin.display()))?;
        let stdout = child.stdout.take().expect("piped stdout");
        let (found, address) = std::sync::mpsc::channel();
        // Reads the banner for the address, then keeps draining stdout so the
        // server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("PeerRoom is listening on http://") {
                    let _ = found.send(rest.trim().to_owned());
                }
            }
        });
        let addr: SocketAddr = match address.recv_timeout(Duration::from_secs(30)) {
            Ok(text) => text.parse().context("the server's address")?,
            Err(_) => {
                let _ = child.kill();
                bail!(
                    "the server printed no address; see {}",
                    dir.join("server.log").display()
                );
            }
        };
        // The tool measures loopback only: refuse anything else outright.
        anyhow::ensure!(addr.ip().is_loopback(), "the server listens on {addr}, not loopback");
        wait_until_accepting(addr).await?;
        Ok(Target {
            addr,
            pid: child.id(),
            rooms: links,
            running: Running::Child(child),
            dir,
        })
    }

    /// The server inside this process: for the smoke test, where only "did
    /// events flow" matters (its memory and CPU are mixed with the load's).
    pub async fn in_process(rooms: usize, capacity: u32) -> anyhow::Result<Target> {
        let dir = fresh_dir()?;
        let config = Config {
            listen: "127.0.0.1:0".parse().expect("address"),
            database_url: database_url(&dir),
            ..Config::default()
        };
        let server = Server::start(config).await?;
        let links = seed(&server.store, rooms, capacity).await?;
        Ok(Target {
            addr: server.addr,
            pid: std::process::id(),
            rooms: links,
            running: Running::InProcess(Box::new(server)),
            dir,
        })
    }

    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// Where the server's log is until `stop` removes it.
    pub fn log_path(&self) -> PathBuf {
        self.dir.join("server.log")
    }

    /// Lines of the server's log at `level` ("WARN" or "ERROR") so far; a
    /// spawned server logs at `warn`. Dropped packets and refused
    /// connections show as errors; the `webrtc` crate warns at every
    /// connection set-up, harmlessly.
    pub fn log_lines(&self, level: &str) -> Vec<String> {
        let text = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        text.lines()
            .filter(|line| line.contains(level))
            .map(str::to_owned)
            .collect()
    }

    /// SIGTERM and wait, as a service manager stops it; then the files go.
    pub async fn stop(self) {
        match self.running {
            Running::Child(mut child) => {
                // SAFETY: signals the child this tool started, by its own id.
                unsafe {
                    libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
                }
                for _ in 0..100 {
                    if matches!(child.try_wait(), Ok(Some(_))) {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                let _ = child.kill();
                let _ = child.wait();
            }
            Running::InProcess(server) => server.shutdown(Duration::from_secs(5)).await,
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn fresh_dir() -> anyhow::Result<PathBuf> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "peer-room-bench-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let dir = std::env::temp_dir().join(name);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn database_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("bench.db").display())
}

/// One session per room, started a minute ago, running two hours: long
/// enough for any run, with links valid throughout.
async fn seed(store: &Store, rooms: usize, capacity: u32) -> anyhow::Result<Vec<RoomLinks>> {
    let now = clock::now_millis();
    let organizer = NewOrganizer {
        email: BENCH_ORGANIZER.to_owned(),
        name: "Bench".to_owned(),
        password: BENCH_PASSWORD.to_owned(),
        time_zone: "America/Toronto".to_owned(),
    };
    store.create_organizer(&organizer, now).await?;
    let mut links = Vec::with_capacity(rooms);
    for room in 0..rooms {
        let new = NewSession {
            title: format!("Bench room {room}"),
            starts_at: now - 60_000,
            duration_minutes: 120,
            capacity: capacity.max(2),
            ..NewSession::default()
        };
        let record = store.create_session(&new, now).await?;
        let created = store.create_links(&record.id, now + 3 * 3_600_000, now).await?;
        links.push(RoomLinks {
            facilitator: created.facilitator_token,
            participant: created.participant_token,
        });
    }
    Ok(links)
}

async fn wait_until_accepting(addr: SocketAddr) -> anyhow::Result<()> {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("the server at {addr} accepts no connection")
}

//! A throwaway PostgreSQL for the tests: Debian's `postgresql` package's
//! server, run as a child with its data in a fresh temp dir, listening on
//! 127.0.0.1 on a port of its own (and its Unix socket in that dir, never
//! /var/run). Nothing of the machine's own cluster, if it has one, is used.
//!
//! PostgreSQL will not run as root, so when the tests are root (as in CI)
//! initdb and the server run as the `postgres` user the package made, or
//! `nobody`. Logins are trusted on loopback: it lives as long as a test run.
//! tests/run.sh starts one (the `throwaway-postgres` binary) and the store
//! tests each make a database of their own in it (`fresh_database`).

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Settings of a test cluster: commits need not reach the disk.
const FAST: [&str; 6] = [
    "-c",
    "fsync=off",
    "-c",
    "synchronous_commit=off",
    "-c",
    "full_page_writes=off",
];

/// How long a fresh cluster may take to accept connections.
const READY_WITHIN: Duration = Duration::from_secs(30);

/// A running PostgreSQL; stopped and its data removed on drop.
pub struct Postgres {
    port: u16,
    child: Option<Child>,
    dir: Option<tempfile::TempDir>,
}

/// The folder of Debian's PostgreSQL programs (`initdb`, `postgres`): the
/// newest version installed.
fn programs() -> Result<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .context("PostgreSQL is not installed: apt-get install postgresql")?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, bin)| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .context("no initdb under /usr/lib/postgresql")
}

/// A program of Debian's PostgreSQL (`pg_dump`...), for the tests that read
/// what a database holds.
pub fn program(name: &str) -> PathBuf {
    programs().map_or_else(|_| PathBuf::from(name), |bin| bin.join(name))
}

/// The user and group the server runs as: ours, unless we are root.
fn run_as() -> Option<(u32, u32)> {
    // SAFETY: getuid has no preconditions.
    if unsafe { libc::getuid() } != 0 {
        return None;
    }
    for name in ["postgres", "nobody"] {
        let Ok(c_name) = std::ffi::CString::new(name) else {
            continue;
        };
        // SAFETY: a valid C string; the result is read at once, before any
        // other call could reuse the static it points to.
        let entry = unsafe { libc::getpwnam(c_name.as_ptr()) };
        if !entry.is_null() {
            // SAFETY: non-null, from getpwnam just above.
            let (uid, gid) = unsafe { ((*entry).pw_uid, (*entry).pw_gid) };
            return Some((uid, gid));
        }
    }
    None
}

fn command(program: &Path, user: Option<(u32, u32)>) -> Command {
    let mut command = Command::new(program);
    if let Some((uid, gid)) = user {
        command.uid(uid).gid(gid);
    }
    // initdb and postgres read nothing of ours; a locale they accept.
    command
        .env_clear()
        .env("LC_ALL", "C.UTF-8")
        .env("PATH", "/usr/bin:/bin");
    command
}

impl Postgres {
    /// A new cluster on a free loopback port, ready for connections; for
    /// tests, it does not wait for the disk (`fsync=off`).
    pub fn start() -> Result<Postgres> {
        Self::launch(false)
    }

    /// As `start`, but writing as a real database server would (every
    /// commit on disk): for the benchmarks of the store.
    pub fn start_durable() -> Result<Postgres> {
        Self::launch(true)
    }

    fn launch(durable: bool) -> Result<Postgres> {
        let bin = programs()?;
        let user = run_as();
        let dir = tempfile::Builder::new().prefix("peer-room-pg-").tempdir()?;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))?;
        if let Some((uid, gid)) = user {
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid))?;
        }
        let data = dir.path().join("data");
        let init = command(&bin.join("initdb"), user)
            .args([
                "--auth=trust",
                "--username=postgres",
                "--encoding=UTF8",
                "--no-sync",
                "-D",
            ])
            .arg(&data)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .context("initdb")?;
        if !init.status.success() {
            bail!("initdb failed: {}", String::from_utf8_lossy(&init.stderr));
        }
        // Another process may take the port between the probe and the bind:
        // try another then.
        let mut last = None;
        for _ in 0..3 {
            let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port();
            let mut child = command(&bin.join("postgres"), user)
                .arg("-D")
                .arg(&data)
                .args(["-c", "listen_addresses=127.0.0.1", "-p", &port.to_string(), "-k"])
                .arg(dir.path())
                // Room for the store suite's servers, each with its pool,
                // side by side; for tests, speed over durability.
                .args(["-c", "max_connections=300", "-c", "shared_buffers=64MB"])
                .args(if durable { &[][..] } else { &FAST[..] })
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(dir.path().join("postgres.log"))?)
                .spawn()
                .context("postgres")?;
            let deadline = Instant::now() + READY_WITHIN;
            let ready = loop {
                if child.try_wait()?.is_some() {
                    break false;
                }
                if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok()
                    && command(&bin.join("pg_isready"), None)
                        .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string()])
                        .status()
                        .is_ok_and(|s| s.success())
                {
                    break true;
                }
                if Instant::now() > deadline {
                    break false;
                }
                std::thread::sleep(Duration::from_millis(50));
            };
            if ready {
                return Ok(Postgres {
                    port,
                    child: Some(child),
                    dir: Some(dir),
                });
            }
            let _ = child.kill();
            let _ = child.wait();
            last = std::fs::read_to_string(dir.path().join("postgres.log")).ok();
        }
        bail!("postgres did not start: {}", last.unwrap_or_default())
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL of its `postgres` database, as the superuser: for making
    /// the tests' own databases.
    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SIGINT: the fast shutdown, which ends every session first.
            // SAFETY: a plain signal to our own child.
            unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
            let deadline = Instant::now() + Duration::from_secs(10);
            while child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        self.dir.take();
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Makes a database of its own for one test in the cluster at `admin_url`
/// and returns its URL. Names are random: tests run side by side.
pub async fn fresh_database(admin_url: &str) -> Result<String> {
    use sqlx::Connection;
    let name = format!("test_{}", rand::random::<u64>());
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .context("the throwaway PostgreSQL")?;
    // The name is ours, made of [a-z0-9_]: nothing to quote.
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    let (base, _) = admin_url.rsplit_once('/').context("a database URL")?;
    Ok(format!("{base}/{name}"))
}

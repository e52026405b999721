//! The database a test's server keeps its store in: a SQLite file in a
//! temp folder, or, when tests/run.sh gives a throwaway PostgreSQL
//! (`PEER_ROOM_TEST_POSTGRES`, its superuser's URL), a database of the
//! test's own in it. tests/run.sh runs the store's tests both ways, so the
//! same assertions hold for both databases.

use std::path::{Path, PathBuf};

use peer_room::store::Store;
use tempfile::TempDir;

/// The variable naming the throwaway PostgreSQL's URL (testkit's
/// `throwaway-postgres`).
pub const POSTGRES_VARIABLE: &str = "PEER_ROOM_TEST_POSTGRES";

pub struct TestDatabase {
    /// What `--database-url` is given.
    pub url: String,
    /// The token key's file: beside the SQLite file, where the server puts
    /// it by default; named explicitly for PostgreSQL, as it must be.
    pub key_file: PathBuf,
    dir: TempDir,
}

impl TestDatabase {
    /// A new, empty database. Works from a test's runtime and outside one.
    pub fn fresh() -> TestDatabase {
        match std::env::var(POSTGRES_VARIABLE) {
            Ok(admin) => Self::made_in(admin),
            Err(_) => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("peer-room.db").display());
                Self::at(url, dir)
            }
        }
    }

    /// A new PostgreSQL database, whichever way the suite runs: in the run's
    /// throwaway cluster, or in one of this test's own (held in `owned`),
    /// for the tests of what only PostgreSQL does (many nodes).
    pub fn postgres(owned: &mut Option<peer_room_testkit::postgres::Postgres>) -> TestDatabase {
        let admin = std::env::var(POSTGRES_VARIABLE).unwrap_or_else(|_| {
            let cluster = peer_room_testkit::postgres::Postgres::start().expect("a throwaway PostgreSQL");
            owned.insert(cluster).admin_url()
        });
        Self::made_in(admin)
    }

    /// A database of its own in the cluster whose superuser's URL is
    /// `admin`, made on a thread of its own: a runtime cannot be entered
    /// from within the test's.
    fn made_in(admin: String) -> TestDatabase {
        let url = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime")
                .block_on(peer_room_testkit::postgres::fresh_database(&admin))
        })
        .join()
        .expect("the database is made")
        .expect("the throwaway PostgreSQL makes a database");
        Self::at(url, tempfile::tempdir().expect("temp dir"))
    }

    fn at(url: String, dir: TempDir) -> TestDatabase {
        TestDatabase {
            url,
            key_file: dir.path().join("peer-room.key"),
            dir,
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.url.starts_with("postgres")
    }

    /// The temp folder the SQLite file (or the key of a PostgreSQL
    /// database) lives in, for a test's other files.
    pub fn folder(&self) -> &Path {
        self.dir.path()
    }

    /// The server's command-line arguments that name it. With PostgreSQL,
    /// one node's URL too, the same at each start, as a deployment keeps
    /// it: a node restarted on another port (the tests' port 0) is still
    /// the node that holds its rooms, not a stranger waiting for its own
    /// leases to run out. Never a place anyone is sent: the database has
    /// this one node.
    pub fn args(&self) -> Vec<String> {
        let mut args = self.store_args();
        if self.is_postgres() {
            args.extend(["--node-url".to_owned(), "http://the-one-node.invalid".to_owned()]);
        }
        args
    }

    /// The arguments that name the store alone: for one of several nodes,
    /// each known by its own address.
    pub fn store_args(&self) -> Vec<String> {
        vec![
            "--database-url".to_owned(),
            self.url.clone(),
            "--token-key-file".to_owned(),
            self.key_file.display().to_string(),
        ]
    }

    /// Every byte the database holds, to search for what must never be
    /// stored: SQLite's file and its write-ahead log, or a dump of the
    /// PostgreSQL database (pg_dump writes text columns as they are).
    pub fn everything_stored(&self) -> Vec<Vec<u8>> {
        if self.is_postgres() {
            let dump = std::process::Command::new(peer_room_testkit::postgres::program("pg_dump"))
                .args(["--data-only", &self.url])
                .output()
                .expect("pg_dump runs");
            assert!(dump.status.success(), "{}", String::from_utf8_lossy(&dump.stderr));
            vec![dump.stdout]
        } else {
            let file = self.dir.path().join("peer-room.db");
            let wal = self.dir.path().join("peer-room.db-wal");
            vec![
                std::fs::read(file).expect("the database file"),
                std::fs::read(wal).unwrap_or_default(),
            ]
        }
    }

    /// The store, opened as the server opens it.
    pub async fn open(&self) -> Store {
        Store::open(&self.url, Some(&self.key_file))
            .await
            .expect("the store opens")
    }
}

//! A throwaway PostgreSQL for tests/run.sh, which runs the store's tests a
//! second time against it: it starts one (postgres.rs: a temp dir, a free
//! loopback port), prints `ready URL` (the superuser's URL of its
//! `postgres` database), and stops it and removes its data when its
//! standard input closes or it is told to stop (SIGTERM, SIGINT).
//!
//! ```text
//! throwaway-postgres
//! ```

use std::io::{BufRead, Write};

use peer_room_testkit::postgres::Postgres;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let mut server = Postgres::start()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready {}", server.admin_url())?;
    out.flush()?;
    drop(out);
    let (closed, mut stdin_closed) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        for _ in std::io::stdin().lock().lines() {}
        let _ = closed.send(());
    });
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = &mut stdin_closed => {}
        _ = terminate.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    server.stop();
    Ok(())
}

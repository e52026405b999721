//! What a redirect costs a join: two nodes on one PostgreSQL database
//! (127.0.0.1 and 127.0.0.2, in this process), a room placed on the first,
//! and joins timed from opening the WebSocket to `joined`, one at a time,
//! alternating: straight to the room's node, or to the other one, which
//! answers `room_elsewhere`, and on to the room's node, as a browser
//! follows it.

use std::time::{Duration, Instant};

use anyhow::Context;
use futures_util::SinkExt;
use peer_room::store::NewSession;
use peer_room::{Config, Server, clock};
use peer_room_testkit::postgres::{Postgres, fresh_database};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::stats::{Quantiles, Samples};
use crate::ws;

pub struct Figures {
    pub direct: Quantiles,
    pub redirected: Quantiles,
}

async fn node(url: &str, key: &std::path::Path, ip: &str) -> anyhow::Result<Server> {
    let mut config = Config {
        listen: format!("{ip}:0").parse()?,
        database_url: url.to_owned(),
        token_key_file: Some(key.to_owned()),
        ..Config::default()
    };
    config.socket.max_joining_per_address = 1024;
    Server::start(config).await
}

/// Opens `url`, greets, joins; follows `room_elsewhere`. Returns the
/// number of hops taken.
async fn join(url: &str, token: &str) -> anyhow::Result<usize> {
    let mut url = url.to_owned();
    for hops in 0..3 {
        let mut socket = ws::connect(&url).await?;
        socket
            .send(Message::Text(
                json!({"type": "hello", "id": 1, "version": 1}).to_string().into(),
            ))
            .await?;
        reply(&mut socket, 1).await?;
        let join = json!({"type": "join", "id": 2, "token": token, "name": "Bench", "device": ws::device_key()});
        socket.send(Message::Text(join.to_string().into())).await?;
        let answer = reply(&mut socket, 2).await?;
        match answer["type"].as_str() {
            Some("joined") => {
                let _ = socket.close(None).await;
                return Ok(hops);
            }
            Some("room_elsewhere") => url = answer["ws_url"].as_str().context("ws_url")?.to_owned(),
            _ => anyhow::bail!("refused: {answer}"),
        }
    }
    anyhow::bail!("still sent elsewhere after three hops")
}

async fn reply(socket: &mut ws::Socket, id: u64) -> anyhow::Result<Value> {
    loop {
        let message = ws::next_json(socket).await?;
        if message["id"] == id {
            return Ok(message);
        }
    }
}

/// `joins` joins each way, alternating.
pub async fn run(joins: usize) -> anyhow::Result<Figures> {
    let postgres = Postgres::start().context("a throwaway PostgreSQL (apt-get install postgresql)")?;
    let url = fresh_database(&postgres.admin_url()).await?;
    let folder = tempfile::tempdir()?;
    let key = folder.path().join("bench.key");
    let home = node(&url, &key, "127.0.0.1").await?;
    let other = node(&url, &key, "127.0.0.2").await?;
    let now = clock::now_millis();
    let new = NewSession {
        title: "Bench room".into(),
        starts_at: now - 60_000,
        capacity: 50,
        ..NewSession::default()
    };
    let record = home.store.create_session(&new, now).await?;
    let links = home.store.create_links(&record.id, now + 3_600_000, now).await?;
    let (home_ws, other_ws) = (format!("ws://{}/ws", home.addr), format!("ws://{}/ws", other.addr));
    // The host places the room on the first node, and stays.
    let _host = ws::enter(&home_ws, &links.facilitator_token, "host", ws::Role::Facilitator).await?;
    let (direct, redirected) = (Samples::default(), Samples::default());
    for _ in 0..joins {
        for (at, samples, hops) in [(&home_ws, &direct, 0), (&other_ws, &redirected, 1)] {
            let started = Instant::now();
            let taken = join(at, &links.facilitator_token).await?;
            anyhow::ensure!(taken == hops, "{taken} hops through {at}");
            samples.record(started.elapsed().as_micros() as u64);
        }
    }
    home.shutdown(Duration::from_secs(2)).await;
    other.shutdown(Duration::from_secs(2)).await;
    Ok(Figures {
        direct: direct.quantiles(),
        redirected: redirected.quantiles(),
    })
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn a_join_through_the_other_node_takes_one_hop() {
        let figures = super::run(3).await.expect("the bench runs");
        assert_eq!((figures.direct.count, figures.redirected.count), (3, 3));
    }
}

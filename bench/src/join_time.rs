//! Join time: how long from opening the WebSocket until the first packet of
//! someone else's media arrives, for a synthetic client joining a room where
//! someone is already talking on camera. One joiner at a time, each leaving
//! before the next arrives, as people trickle into a group.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::media::client::{MediaPeer, Publishing};
use crate::media::packets::MediaCounters;
use crate::procfs;
use crate::stats::{RunFigures, Samples};
use crate::target::Target;
use crate::ws::{self, Role};

/// A joiner with no remote media by then has failed to join.
const MEDIA_WITHIN: Duration = Duration::from_secs(10);
/// Joiners per room before moving to a fresh room. Once needed because
/// departed people's m-lines piled up on whoever stayed; the server reuses
/// them now, and the figure stays so runs compare with earlier ones.
pub const JOINS_PER_ROOM: usize = 20;

pub fn rooms_for(joins: usize) -> usize {
    joins.div_ceil(JOINS_PER_ROOM).max(1)
}

pub async fn run_once(target: &Target, joins: usize) -> anyhow::Result<RunFigures> {
    let counters = Arc::new(MediaCounters::new());
    let (entered, connected, first_media) = (Samples::default(), Samples::default(), Samples::default());
    let mut failed = 0;
    let rooms = rooms_for(joins);
    anyhow::ensure!(target.rooms.len() >= rooms, "fewer seeded rooms than needed");
    for (room, links) in target.rooms.iter().take(rooms).enumerate() {
        // The one already there: the facilitator, talking on camera.
        let host = ws::enter(&target.ws_url(), &links.facilitator, "host", Role::Facilitator).await?;
        let publishing = Publishing {
            publisher: u32::try_from(room)?,
            receivers: 1,
            level: 30,
        };
        let (mut host, _) = MediaPeer::start(host, Some(publishing), counters.clone()).await?;
        anyhow::ensure!(
            host.wait_connected(MEDIA_WITHIN).await,
            "the host's media did not connect"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;

        let first = room * JOINS_PER_ROOM;
        for joiner in first..joins.min(first + JOINS_PER_ROOM) {
            let start = Instant::now();
            let name = format!("joiner{joiner}");
            let person = ws::enter(&target.ws_url(), &links.participant, &name, Role::Participant).await?;
            entered.record(start.elapsed().as_micros() as u64);
            let (mut peer, mut first_packet) = MediaPeer::start(person, None, counters.clone()).await?;
            let media = async {
                if peer.wait_connected(MEDIA_WITHIN).await {
                    connected.record(start.elapsed().as_micros() as u64);
                }
                while first_packet.borrow().is_none() {
                    if first_packet.changed().await.is_err() {
                        return None;
                    }
                }
                *first_packet.borrow()
            };
            match tokio::time::timeout(MEDIA_WITHIN, media).await {
                Ok(Some(at)) => first_media.record(at.duration_since(start).as_micros() as u64),
                _ => failed += 1,
            }
            peer.leave().await;
        }
        host.leave().await;
    }
    let mut figures = RunFigures::default();
    figures.add("joins", joins as f64);
    figures.add("joins without media in 10 s", f64::from(failed));
    entered.quantiles().add_to(&mut figures, "open to room_state");
    connected.quantiles().add_to(&mut figures, "open to media connected");
    first_media
        .quantiles()
        .add_to(&mut figures, "open to first remote packet");
    figures.add(
        "server RSS at the end (MiB)",
        procfs::rss_kib(target.pid).unwrap_or(0) as f64 / 1024.0,
    );
    Ok(figures)
}

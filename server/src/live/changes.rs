//! Brings an organizer's changes to the session's live room.
//!
//! The organizers' API tells the registry of this node directly after the
//! store wrote the change (`RoomRegistry::session_changed`). With PostgreSQL
//! the room may run on another node: every node also follows the store's
//! change feed (`store::SessionChanges`) and tells its own rooms. A room
//! works out itself what differs (`room::planning`), so hearing of one
//! change twice (directly and from the feed) changes nothing the second time.

use tokio_util::sync::CancellationToken;
use tracing::warn;

use super::RoomRegistry;
use crate::room::{Command, Plan};
use crate::store::{Heard, SessionChanges, StoreError};

impl RoomRegistry {
    /// Tells a session's live room here the session as the store now holds
    /// it. Nothing happens when its room is not live here: a room that
    /// starts later reads the store.
    pub async fn session_changed(&self, session_id: &str) -> Result<(), StoreError> {
        let Some(handle) = self.live(session_id) else {
            return Ok(());
        };
        let record = self.store.session(session_id).await?;
        let plan = Plan {
            session: record.room_info(),
            cancelled: record.cancelled_at.is_some(),
            agenda: record.agenda,
        };
        handle.tell(Command::Replanned(Box::new(plan))).await;
        Ok(())
    }
}

/// Follows the store's change feed until the server stops: each change
/// heard goes to its room if it is live here; after the feed was cut off,
/// every room here reads its session again.
pub async fn follow_session_changes(mut changes: SessionChanges, rooms: RoomRegistry, shutdown: CancellationToken) {
    loop {
        let heard = tokio::select! {
            heard = changes.next() => heard,
            _ = shutdown.cancelled() => return,
        };
        let sessions = match heard {
            Heard::Changed(session) => vec![session],
            Heard::Missed => rooms.live_sessions().0,
        };
        for session in sessions {
            if let Err(error) = rooms.session_changed(&session).await {
                warn!(%error, "a live room could not read its changed session");
            }
        }
    }
}

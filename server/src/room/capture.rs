//! Capturing the summary while the session runs. Hosts change it directly;
//! everyone else proposes. Accepted changes are stored before they are
//! acknowledged, each under the client's idempotency key.

use super::Room;
use super::command::{Reply, RoomError};
use super::outbox::Outbox;
use super::summary::{Applied, SummaryChange, SummaryKind, key_ok};
use super::types::*;

impl Room {
    pub(super) fn change_summary(
        &mut self,
        key: &str,
        change: SummaryChange,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        if !key_ok(key) {
            return Err(RoomError::Invalid("key: 8 to 64 letters, digits, '-' or '_'"));
        }
        match self.summary.apply(key, change).map_err(RoomError::Invalid)? {
            // Already applied and stored: the retry is acknowledged, not redone.
            Applied::AlreadyApplied => return Ok(Reply::Ack),
            Applied::Now => {}
        }
        out.persist(Persist::Summary {
            key: key.to_owned(),
            items: self.summary.items.clone(),
            finalized: self.summary.finalized,
        });
        self.summary_changed(out);
        Ok(Reply::Ack)
    }

    pub(super) fn propose(&mut self, kind: SummaryKind, text: &str, out: &mut Outbox) -> Result<Reply, RoomError> {
        self.summary.propose(kind, text).map_err(RoomError::Invalid)?;
        // Only hosts see proposals; the group sees nothing until one is accepted.
        out.send_all(self.host_conns(), Event::Summary(self.summary_view(true)));
        Ok(Reply::Ack)
    }

    pub(super) fn decline_proposal(&mut self, id: u32, out: &mut Outbox) -> Result<Reply, RoomError> {
        self.summary.decline(id).map_err(RoomError::Invalid)?;
        out.send_all(self.host_conns(), Event::Summary(self.summary_view(true)));
        Ok(Reply::Ack)
    }

    pub(super) fn summary_view(&self, is_host: bool) -> SummaryView {
        SummaryView {
            items: self.summary.items.clone(),
            proposals: is_host.then(|| self.summary.proposals.clone()),
            finalized: self.summary.finalized,
        }
    }

    fn summary_changed(&self, out: &mut Outbox) {
        for person in self.people.values().filter(|p| p.present()) {
            if let Some(conn) = person.conn {
                out.send(conn, Event::Summary(self.summary_view(person.role.is_host())));
            }
        }
    }
}

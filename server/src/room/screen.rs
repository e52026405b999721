//! Screen share: one sharer at a time, who is a host or someone a host
//! allowed. The media layer is told who shares (`MediaCommand::Share`) and
//! forwards that person's screen track alone; everyone is told
//! (`screen_share`). A share ends when its sharer stops, a host stops it,
//! the permission is taken back, or the sharer leaves.

use std::collections::BTreeSet;

use super::Room;
use super::command::{Reply, RoomError};
use super::media::MediaCommand;
use super::outbox::Outbox;
use super::types::*;
use crate::protocol::screen::{ScreenEvent, ScreenRequest, ScreenShare};

#[derive(Default)]
pub(super) struct Screen {
    sharer: Option<ParticipantId>,
    /// Participants a host let share (hosts need no permission).
    allowed: BTreeSet<ParticipantId>,
}

impl Screen {
    pub fn view(&self) -> ScreenShare {
        ScreenShare {
            sharer: self.sharer,
            allowed: self.allowed.iter().copied().collect(),
        }
    }
}

impl Room {
    pub(super) fn handle_screen(
        &mut self,
        me: ParticipantId,
        request: ScreenRequest,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        match request {
            ScreenRequest::StartScreenShare {} => {
                if !self.is_host(me) && !self.screen.allowed.contains(&me) {
                    return Err(RoomError::Forbidden);
                }
                match self.screen.sharer {
                    Some(sharer) if sharer == me => {}
                    Some(_) => {
                        return Err(RoomError::Invalid(
                            "someone is sharing their screen: they stop first, or a host stops it",
                        ));
                    }
                    None => self.set_sharer(Some(me), out),
                }
            }
            ScreenRequest::StopScreenShare { participant } => {
                let whose = participant.unwrap_or(me);
                if self.people.get(whose).is_none() {
                    return Err(RoomError::NotFound);
                }
                if self.screen.sharer == Some(whose) {
                    self.set_sharer(None, out);
                }
            }
            ScreenRequest::AllowScreenShare { participant, allowed } => {
                if !self.people.get(participant).is_some_and(|p| p.present()) {
                    return Err(RoomError::NotFound);
                }
                let changed = if allowed {
                    self.screen.allowed.insert(participant)
                } else {
                    self.screen.allowed.remove(&participant)
                };
                if !allowed && self.screen.sharer == Some(participant) && !self.is_host(participant) {
                    self.set_sharer(None, out);
                } else if changed {
                    self.screen_changed(out);
                }
            }
        }
        Ok(Reply::Ack)
    }

    fn set_sharer(&mut self, sharer: Option<ParticipantId>, out: &mut Outbox) {
        self.screen.sharer = sharer;
        out.media(MediaCommand::Share { sharer });
        self.screen_changed(out);
    }

    fn screen_changed(&self, out: &mut Outbox) {
        self.broadcast(ScreenEvent::ScreenShare(self.screen.view()), out);
    }

    /// Someone left: their share ends and their permission goes with them.
    pub(super) fn forget_screen(&mut self, id: ParticipantId, out: &mut Outbox) {
        let allowed = self.screen.allowed.remove(&id);
        if self.screen.sharer == Some(id) {
            self.set_sharer(None, out);
        } else if allowed {
            self.screen_changed(out);
        }
    }

    /// Someone stopped being a host: a share they had no permission for ends.
    pub(super) fn screen_after_role_change(&mut self, id: ParticipantId, out: &mut Outbox) {
        if self.screen.sharer == Some(id) && !self.is_host(id) && !self.screen.allowed.contains(&id) {
            self.set_sharer(None, out);
        }
    }
}

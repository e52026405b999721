//! The host controls. `Room::act` has already checked that the asker may use
//! them; the checks here are about the target.

use std::collections::HashSet;

use super::Room;
use super::command::{Reply, RoomError};
use super::outbox::Outbox;
use super::types::*;
use crate::protocol::Role;
use crate::protocol::hosting::{HostingEvent, HostingRequest};
use crate::protocol::presence::{LeaveReason, PresenceEvent};

/// Who may come in: the waiting room, the lock, and the devices removed.
pub(super) struct Door {
    locked: bool,
    waiting_room: bool,
    banned_devices: HashSet<[u8; 32]>,
}

impl Door {
    pub fn new(banned_devices: HashSet<[u8; 32]>) -> Door {
        Door {
            locked: false,
            waiting_room: true,
            banned_devices,
        }
    }

    pub fn locked(&self) -> bool {
        self.locked
    }

    pub fn waiting_room(&self) -> bool {
        self.waiting_room
    }

    /// Whether someone may take a place: removed devices never, and while
    /// the room is locked or full, hosts only.
    pub fn check(
        &self,
        device_hash: &[u8; 32],
        is_host: bool,
        seats_taken: usize,
        capacity: u32,
    ) -> Result<(), RoomError> {
        if self.banned_devices.contains(device_hash) {
            return Err(RoomError::Removed);
        }
        if !is_host {
            if self.locked {
                return Err(RoomError::Locked);
            }
            if seats_taken >= capacity as usize {
                return Err(RoomError::Full);
            }
        }
        Ok(())
    }
}

impl Room {
    pub(super) fn handle_hosting(
        &mut self,
        me: ParticipantId,
        request: HostingRequest,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        match request {
            HostingRequest::Admit { participant } => self.admit(participant, out),
            HostingRequest::Decline { participant } => self.decline(participant, now, out),
            HostingRequest::AdmitAll {} => self.admit_all(out),
            HostingRequest::SetWaitingRoom { enabled } => self.set_waiting_room(enabled, out),
            HostingRequest::SetLocked { locked } => self.set_locked(locked, out),
            HostingRequest::Remove { participant } => self.remove(me, participant, now, out),
            HostingRequest::AskToMute { participant } => self.ask_to_mute(me, participant, out),
            HostingRequest::SetRole { participant, role } => self.set_role(me, participant, role, out),
            HostingRequest::EndSession {} => self.end_session(now, out),
        }
    }

    pub(super) fn accept_rules(&mut self, me: ParticipantId, out: &mut Outbox) -> Result<Reply, RoomError> {
        let person = self.people.get_mut(me).ok_or(RoomError::NotJoined)?;
        if !person.gate.rules_accepted {
            person.gate.rules_accepted = true;
            self.gate_changed(me, out);
        }
        Ok(Reply::Ack)
    }

    fn admit(&mut self, id: ParticipantId, out: &mut Outbox) -> Result<Reply, RoomError> {
        let person = self.people.get_mut(id).ok_or(RoomError::NotFound)?;
        if !person.gate.admitted {
            person.gate.admitted = true;
            self.gate_changed(id, out);
        }
        Ok(Reply::Ack)
    }

    fn admit_all(&mut self, out: &mut Outbox) -> Result<Reply, RoomError> {
        let waiting: Vec<ParticipantId> = self.people.all().filter(|p| !p.gate.admitted).map(|p| p.id).collect();
        for id in waiting {
            self.admit(id, out)?;
        }
        Ok(Reply::Ack)
    }

    fn decline(&mut self, id: ParticipantId, now: Millis, out: &mut Outbox) -> Result<Reply, RoomError> {
        let person = self.people.get(id).ok_or(RoomError::NotFound)?;
        if person.present() {
            return Err(RoomError::Invalid("they are already in the room: remove them instead"));
        }
        if let Some(conn) = person.conn {
            out.send(conn, HostingEvent::Declined {});
            out.close(conn, CloseReason::Declined);
        }
        self.depart(id, LeaveReason::Declined, now, out);
        Ok(Reply::Ack)
    }

    fn set_waiting_room(&mut self, enabled: bool, out: &mut Outbox) -> Result<Reply, RoomError> {
        if self.door.waiting_room != enabled {
            self.door.waiting_room = enabled;
            self.settings_changed(out);
            // Turning the waiting room off lets in whoever is already waiting.
            if !enabled {
                self.admit_all(out)?;
            }
        }
        Ok(Reply::Ack)
    }

    fn set_locked(&mut self, locked: bool, out: &mut Outbox) -> Result<Reply, RoomError> {
        if self.door.locked != locked {
            self.door.locked = locked;
            self.settings_changed(out);
        }
        Ok(Reply::Ack)
    }

    fn remove(
        &mut self,
        me: ParticipantId,
        id: ParticipantId,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        let target = self.people.outranked_by(me, id)?;
        let (device_hash, conn) = (target.device_hash, target.conn);
        // Written first: the ban must hold even if the server restarts now.
        out.persist(Persist::BanDevice { device_hash });
        self.door.banned_devices.insert(device_hash);
        if let Some(conn) = conn {
            out.send(conn, HostingEvent::Removed {});
            out.close(conn, CloseReason::Removed);
        }
        self.depart(id, LeaveReason::Removed, now, out);
        Ok(Reply::Ack)
    }

    fn ask_to_mute(&mut self, me: ParticipantId, id: ParticipantId, out: &mut Outbox) -> Result<Reply, RoomError> {
        let target = self.people.outranked_by(me, id)?;
        if !target.present() {
            return Err(RoomError::NotFound);
        }
        self.tell(id, HostingEvent::MuteRequested {}, out);
        Ok(Reply::Ack)
    }

    fn set_role(
        &mut self,
        me: ParticipantId,
        id: ParticipantId,
        role: Role,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        if role == Role::Facilitator {
            return Err(RoomError::Invalid(
                "the facilitator role comes only with the facilitator link",
            ));
        }
        let target = self.people.outranked_by(me, id)?;
        if !target.present() {
            return Err(RoomError::NotFound);
        }
        if target.role == role {
            return Ok(Reply::Ack);
        }
        let person = self.people.get_mut(id).ok_or(RoomError::NotFound)?;
        person.role = role;
        let participant = person.info();
        self.broadcast(PresenceEvent::ParticipantUpdated { participant }, out);
        // A new host needs the waiting list they can now act on.
        if role.is_host() {
            self.tell(
                id,
                HostingEvent::WaitingRoom {
                    waiting: self.people.waiting(),
                },
                out,
            );
        }
        Ok(Reply::Ack)
    }

    fn end_session(&mut self, now: Millis, out: &mut Outbox) -> Result<Reply, RoomError> {
        out.persist(Persist::SessionEnded { at: now });
        self.ended = true;
        let everyone: Vec<ConnId> = self.people.all_conns().collect();
        for conn in everyone {
            out.send(conn, HostingEvent::SessionEnded {});
            out.close(conn, CloseReason::SessionEnded);
        }
        // The chat lives only as long as the session.
        self.people.clear();
        self.floor.clear();
        Ok(Reply::Ack)
    }

    /// Tells a person where they stand, and lets them in once both conditions hold.
    fn gate_changed(&mut self, id: ParticipantId, out: &mut Outbox) {
        let Some(person) = self.people.get(id) else {
            return;
        };
        if person.present() {
            self.enter(id, out);
        } else {
            self.tell(id, PresenceEvent::Gate(person.gate), out);
            self.tell_hosts_waiting(out);
        }
    }

    fn settings_changed(&self, out: &mut Outbox) {
        let event = HostingEvent::Settings {
            locked: self.door.locked,
            waiting_room: self.door.waiting_room,
        };
        self.broadcast(event, out);
    }
}

//! The host controls. `Room::act` has already checked that the asker may use
//! them; the checks here are about the target.

use super::Room;
use super::command::{Reply, RoomError};
use super::outbox::Outbox;
use super::types::*;

impl Room {
    pub(super) fn accept_rules(&mut self, me: ParticipantId, out: &mut Outbox) -> Result<Reply, RoomError> {
        let person = self.people.get_mut(&me).ok_or(RoomError::NotJoined)?;
        if person.gate.rules_accepted {
            return Ok(Reply::Ack);
        }
        person.gate.rules_accepted = true;
        self.gate_changed(me, out);
        Ok(Reply::Ack)
    }

    pub(super) fn admit(&mut self, id: ParticipantId, out: &mut Outbox) -> Result<Reply, RoomError> {
        let person = self.people.get_mut(&id).ok_or(RoomError::NotFound)?;
        if !person.gate.admitted {
            person.gate.admitted = true;
            self.gate_changed(id, out);
        }
        Ok(Reply::Ack)
    }

    pub(super) fn admit_all(&mut self, out: &mut Outbox) -> Result<Reply, RoomError> {
        let waiting: Vec<ParticipantId> = self
            .people
            .values()
            .filter(|p| !p.gate.admitted)
            .map(|p| p.id)
            .collect();
        for id in waiting {
            self.admit(id, out)?;
        }
        Ok(Reply::Ack)
    }

    pub(super) fn decline(&mut self, id: ParticipantId, now: Millis, out: &mut Outbox) -> Result<Reply, RoomError> {
        let person = self.people.get(&id).ok_or(RoomError::NotFound)?;
        if person.present() {
            return Err(RoomError::Invalid("they are already in the room: remove them instead"));
        }
        if let Some(conn) = person.conn {
            out.send(conn, Event::Declined);
            out.close(conn, CloseReason::Declined);
        }
        self.depart(id, LeaveReason::Declined, now, out);
        Ok(Reply::Ack)
    }

    pub(super) fn set_waiting_room(&mut self, enabled: bool, out: &mut Outbox) -> Result<Reply, RoomError> {
        if self.waiting_room != enabled {
            self.waiting_room = enabled;
            self.settings_changed(out);
            // Turning the waiting room off lets in whoever is already waiting.
            if !enabled {
                self.admit_all(out)?;
            }
        }
        Ok(Reply::Ack)
    }

    pub(super) fn set_locked(&mut self, locked: bool, out: &mut Outbox) -> Result<Reply, RoomError> {
        if self.locked != locked {
            self.locked = locked;
            self.settings_changed(out);
        }
        Ok(Reply::Ack)
    }

    pub(super) fn remove(
        &mut self,
        me: ParticipantId,
        id: ParticipantId,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        let target = self.outranked_target(me, id)?;
        let (device_hash, conn) = (target.device_hash, target.conn);
        // Written first: the ban must hold even if the server restarts now.
        out.persist(Persist::BanDevice { device_hash });
        self.banned_devices.insert(device_hash);
        if let Some(conn) = conn {
            out.send(conn, Event::Removed);
            out.close(conn, CloseReason::Removed);
        }
        self.depart(id, LeaveReason::Removed, now, out);
        Ok(Reply::Ack)
    }

    pub(super) fn ask_to_mute(
        &mut self,
        me: ParticipantId,
        id: ParticipantId,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        let target = self.outranked_target(me, id)?;
        if !target.present() {
            return Err(RoomError::NotFound);
        }
        if let Some(conn) = target.conn {
            out.send(conn, Event::MuteRequested);
        }
        Ok(Reply::Ack)
    }

    pub(super) fn set_role(
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
        let target = self.outranked_target(me, id)?;
        if !target.present() {
            return Err(RoomError::NotFound);
        }
        if target.role == role {
            return Ok(Reply::Ack);
        }
        let person = self.people.get_mut(&id).ok_or(RoomError::NotFound)?;
        person.role = role;
        let (info, conn) = (person.info(), person.conn);
        self.broadcast(Event::ParticipantUpdated(info), out);
        // A new host needs the waiting list they can now act on.
        if role.is_host()
            && let Some(conn) = conn
        {
            out.send(conn, Event::WaitingRoom(self.waiting_list()));
        }
        Ok(Reply::Ack)
    }

    pub(super) fn end_session(&mut self, now: Millis, out: &mut Outbox) -> Result<Reply, RoomError> {
        out.persist(Persist::SessionEnded { at: now });
        self.ended = true;
        for conn in self.people.values().filter_map(|p| p.conn) {
            out.send(conn, Event::SessionEnded);
            out.close(conn, CloseReason::SessionEnded);
        }
        // The chat lives only as long as the session.
        self.people.clear();
        self.by_conn.clear();
        self.hands.clear();
        self.chat.clear();
        Ok(Reply::Ack)
    }

    /// The target of a host control, who must rank below the host.
    pub(super) fn outranked_target(&self, me: ParticipantId, id: ParticipantId) -> Result<&super::Person, RoomError> {
        let my_role = self.people.get(&me).ok_or(RoomError::NotJoined)?.role;
        let target = self.people.get(&id).ok_or(RoomError::NotFound)?;
        if !my_role.outranks(target.role) {
            return Err(RoomError::Forbidden);
        }
        Ok(target)
    }

    /// Tells a person where they stand, and lets them in once both conditions hold.
    fn gate_changed(&mut self, id: ParticipantId, out: &mut Outbox) {
        let Some(person) = self.people.get(&id) else {
            return;
        };
        if person.present() {
            self.enter(id, out);
        } else {
            if let Some(conn) = person.conn {
                out.send(conn, Event::Gate(person.gate));
            }
            self.tell_hosts_waiting(out);
        }
    }

    fn settings_changed(&self, out: &mut Outbox) {
        let event = Event::Settings {
            locked: self.locked,
            waiting_room: self.waiting_room,
        };
        self.broadcast(event, out);
    }
}

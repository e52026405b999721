//! Taking, keeping and giving up a place in the room.
//!
//! A place outlives its connection: when a socket drops, the person keeps
//! their role, hand position, accepted rules and admission for the grace
//! period, and a `Resume` with their token puts them back where they were.

use super::command::{JoinRequest, Reply, RoomError};
use super::media::MediaCommand;
use super::outbox::Outbox;
use super::types::*;
use super::{Person, Room};

impl Room {
    pub(super) fn join(&mut self, request: JoinRequest, now: Millis, out: &mut Outbox) -> Result<Reply, RoomError> {
        if self.ended {
            return Err(RoomError::Ended);
        }
        if self.by_conn.contains_key(&request.conn) {
            return Err(RoomError::AlreadyJoined);
        }
        if self.banned_devices.contains(&request.device_hash) {
            return Err(RoomError::Removed);
        }
        let is_host = request.role.is_host();
        if !is_host {
            if self.locked {
                return Err(RoomError::Locked);
            }
            let seats_taken = self.people.values().filter(|p| !p.role.is_host()).count();
            if seats_taken >= self.session.capacity as usize {
                return Err(RoomError::Full);
            }
        }

        // Ids are never reused in a room; a room that has used them all
        // (four billion joins) takes no one new rather than wrap around.
        let id = ParticipantId(self.next_id);
        self.next_id = self.next_id.checked_add(1).ok_or(RoomError::Full)?;
        // Hosts set the rules and open the room: their gate is open at once.
        let gate = Gate {
            rules_accepted: is_host,
            admitted: is_host || !self.waiting_room,
        };
        let person = Person {
            id,
            name: request.name,
            role: request.role,
            device_hash: request.device_hash,
            resume_hash: request.resume_hash,
            gate,
            conn: Some(request.conn),
            since: now,
            dropped_at: None,
            audio: false,
            video: false,
            host_muted: false,
            host_stopped_video: false,
            talk_ms: 0,
            speaking_since: None,
        };
        self.people.insert(id, person);
        self.by_conn.insert(request.conn, id);

        if gate.open() {
            self.enter(id, out);
        } else {
            self.tell_hosts_waiting(out);
        }
        Ok(Reply::Joined {
            you: id,
            role: request.role,
            gate,
            session: self.session.clone(),
        })
    }

    pub(super) fn resume(&mut self, conn: ConnId, resume_hash: [u8; 32], out: &mut Outbox) -> Result<Reply, RoomError> {
        if self.ended {
            return Err(RoomError::Ended);
        }
        if self.by_conn.contains_key(&conn) {
            return Err(RoomError::AlreadyJoined);
        }
        let Some(id) = self
            .people
            .values()
            .find(|p| p.resume_hash == resume_hash)
            .map(|p| p.id)
        else {
            return Err(RoomError::ResumeFailed);
        };
        let person = self.people.get_mut(&id).ok_or(RoomError::ResumeFailed)?;
        // The old socket may still look open (a laptop changing networks):
        // the newest connection wins and the old one is told why it closes.
        let was_connected = person.conn.is_some();
        if let Some(old) = person.conn.replace(conn) {
            self.by_conn.remove(&old);
            out.close(old, CloseReason::Replaced);
        }
        person.dropped_at = None;
        let (gate, role, info) = (person.gate, person.role, person.info());
        self.by_conn.insert(conn, id);

        if gate.open() {
            out.send(conn, Event::RoomState(Box::new(self.snapshot_for(id))));
            out.media(MediaCommand::Restart { participant: id });
            if !was_connected {
                let others = self.present_conns().filter(|c| *c != conn).collect::<Vec<_>>();
                out.send_all(others.into_iter(), Event::ParticipantUpdated(info));
            }
        }
        Ok(Reply::Joined {
            you: id,
            role,
            gate,
            session: self.session.clone(),
        })
    }

    pub(super) fn disconnected(&mut self, conn: ConnId, now: Millis, out: &mut Outbox) {
        // A connection replaced by a resume is no longer mapped: nothing to do.
        let Some(id) = self.by_conn.remove(&conn) else {
            return;
        };
        let Some(person) = self.people.get_mut(&id) else {
            return;
        };
        person.conn = None;
        person.dropped_at = Some(now);
        if person.present() {
            let info = person.info();
            self.broadcast(Event::ParticipantUpdated(info), out);
        }
    }

    pub(super) fn expire_graces(&mut self, now: Millis, out: &mut Outbox) {
        let grace = self.config.grace_ms;
        let expired: Vec<ParticipantId> = self
            .people
            .values()
            .filter(|p| p.dropped_at.is_some_and(|at| at + grace <= now))
            .map(|p| p.id)
            .collect();
        for id in expired {
            self.depart(id, LeaveReason::TimedOut, now, out);
        }
    }

    pub(super) fn leave(&mut self, me: ParticipantId, now: Millis, out: &mut Outbox) -> Result<Reply, RoomError> {
        if let Some(conn) = self.people.get(&me).and_then(|p| p.conn) {
            out.close(conn, CloseReason::Left);
        }
        self.depart(me, LeaveReason::Left, now, out);
        Ok(Reply::Ack)
    }

    /// Someone's gate just opened: show them the room, and them to the room.
    pub(super) fn enter(&mut self, id: ParticipantId, out: &mut Outbox) {
        let Some(person) = self.people.get(&id) else {
            return;
        };
        let (info, conn, is_host) = (person.info(), person.conn, person.role.is_host());
        if let Some(conn) = conn {
            out.send(conn, Event::RoomState(Box::new(self.snapshot_for(id))));
        }
        out.media(MediaCommand::Attach { participant: id });
        let others: Vec<ConnId> = self.present_conns().filter(|c| Some(*c) != conn).collect();
        out.send_all(others.into_iter(), Event::ParticipantJoined(info));
        if !is_host {
            // They left the waiting list the hosts are looking at.
            self.tell_hosts_waiting(out);
            // A round in progress gets them last; an energizer counts them.
            if let Some(round) = self.round.as_mut() {
                round.append(id);
                self.round_changed(out);
            }
            if self.energizer.is_some() {
                self.energizer_headcount_changed(None, out);
            }
        }
    }

    /// Takes a person out of the room for good and tells whoever should know.
    /// The caller closes their connection if it should be closed.
    pub(super) fn depart(&mut self, id: ParticipantId, reason: LeaveReason, now: Millis, out: &mut Outbox) {
        self.stop_speaking(id, now);
        let Some(person) = self.people.remove(&id) else {
            return;
        };
        self.forget_support(id, out);
        if person.present() {
            out.media(MediaCommand::Detach { participant: id });
        }
        if let Some(conn) = person.conn {
            self.by_conn.remove(&conn);
        }
        let had_hand = self.hands.contains(&id);
        self.hands.retain(|h| *h != id);
        if person.present() {
            self.broadcast(Event::ParticipantLeft { id, reason }, out);
            if had_hand {
                self.broadcast(Event::Hands(self.hands.iter().copied().collect()), out);
            }
            if let Some(round) = self.round.as_mut().filter(|r| r.order.contains(&id)) {
                round.remove(id);
                self.round_changed(out);
            }
            if self.energizer.is_some() {
                self.energizer_headcount_changed(Some(id), out);
            }
        } else {
            self.tell_hosts_waiting(out);
        }
    }
}

//! Taking, keeping and giving up a place in the room, and the whole room as
//! one person sees it.
//!
//! A place outlives its connection: when a socket drops, the person keeps
//! their role, hand position, accepted rules and admission for the grace
//! period, and a `Resume` with their token puts them back where they were.
//!
//! Leaving on purpose is told to everyone at once (`participant_left`, their
//! media and hand gone), but the room keeps the place out of sight for the
//! same grace: a `Resume` within it brings them back with their role, gate
//! and hand's place, even into a locked room. After the grace it is gone.

use super::Room;
use super::command::{Entered, JoinRequest, Reply, RoomError};
use super::media::MediaCommand;
use super::outbox::Outbox;
use super::people::{Away, Person};
use super::types::*;
use crate::protocol::hosting::HostingEvent;
use crate::protocol::presence::{Gate, LeaveReason, MediaLink, PresenceEvent, PresenceRequest, RoomState};

impl Room {
    pub(super) fn handle_presence(
        &mut self,
        me: ParticipantId,
        request: PresenceRequest,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        match request {
            PresenceRequest::GetState {} => Ok(Reply::message(PresenceEvent::RoomState(Box::new(self.state_for(me))))),
            PresenceRequest::AcceptRules {} => self.accept_rules(me, out),
            PresenceRequest::Leave {} => self.leave(me, now, out),
        }
    }

    pub(super) fn join(&mut self, request: JoinRequest, now: Millis, out: &mut Outbox) -> Result<Reply, RoomError> {
        if self.ended {
            return Err(RoomError::Ended);
        }
        if self.people.on(request.conn).is_some() {
            return Err(RoomError::AlreadyJoined);
        }
        let is_host = request.role.is_host();
        let count = self.people.headcount();
        self.door.check(
            &request.device_hash,
            is_host,
            count,
            self.session.capacity,
            &self.config,
            now,
        )?;

        let id = self.people.next_id()?;
        // Hosts set the rules and open the room: their gate is open at once.
        // So is the gate of someone who has been in this session already
        // (before a restart, or before their place went): they accepted the
        // rules and were let in then.
        let returning = self.door.entered_before(&request.device_hash);
        let gate = Gate {
            rules_accepted: is_host || returning,
            admitted: is_host || returning || !self.door.waiting_room(),
        };
        self.people.add(Person {
            id,
            name: request.name,
            role: request.role,
            device_hash: request.device_hash,
            resume_hash: request.resume_hash,
            gate,
            conn: Some(request.conn),
            since: now,
            dropped_at: None,
            away: None,
            audio: false,
            video: false,
            host_muted: false,
            host_stopped_video: false,
            talk_ms: 0,
            speaking_since: None,
            voice: false,
            chat_from: 0,
            media: MediaLink::Connecting,
            e2ee_key: None,
        });

        if gate.open() {
            self.enter(id, out);
        } else {
            self.tell_hosts_waiting(out);
        }
        self.entered(id)
    }

    pub(super) fn resume(&mut self, conn: ConnId, resume_hash: [u8; 32], out: &mut Outbox) -> Result<Reply, RoomError> {
        if self.ended {
            return Err(RoomError::Ended);
        }
        if self.people.on(conn).is_some() {
            return Err(RoomError::AlreadyJoined);
        }
        let id = self
            .people
            .by_resume_hash(&resume_hash)
            .ok_or(RoomError::ResumeFailed)?;
        let away = self.people.away(id);
        let was_connected = self.people.get(id).is_some_and(|p| p.conn.is_some());
        // The old socket may still look open (a laptop changing networks):
        // the newest connection wins and the old one is told why it closes.
        if let Some(old) = self.people.reconnect(id, conn) {
            out.close(old, CloseReason::Replaced);
        }
        if let Some(away) = away {
            self.come_back(id, away, out);
            return self.entered(id);
        }
        let person = self.people.get(id).ok_or(RoomError::ResumeFailed)?;
        if person.present() {
            let info = person.info();
            out.send(conn, PresenceEvent::RoomState(Box::new(self.state_for(id))));
            out.media(MediaCommand::Restart { participant: id });
            if !was_connected {
                let others: Vec<ConnId> = self.people.present_conns().filter(|c| *c != conn).collect();
                out.send_all(
                    others.into_iter(),
                    PresenceEvent::ParticipantUpdated { participant: info }.into(),
                );
            }
        }
        self.entered(id)
    }

    /// The answer to a join or a resume: where the person stands.
    fn entered(&self, id: ParticipantId) -> Result<Reply, RoomError> {
        let person = self.people.get(id).ok_or(RoomError::NotJoined)?;
        Ok(Reply::Entered(Entered {
            you: id,
            role: person.role,
            gate: person.gate,
            session: self.session.to_wire(),
        }))
    }

    pub(super) fn disconnected(&mut self, conn: ConnId, now: Millis, out: &mut Outbox) {
        // A connection replaced by a resume is no longer mapped: nothing to do.
        let Some(person) = self.people.disconnect(conn, now) else {
            return;
        };
        if person.present() {
            let participant = person.info();
            self.broadcast(PresenceEvent::ParticipantUpdated { participant }, out);
        }
    }

    pub(super) fn expire_graces(&mut self, now: Millis, out: &mut Outbox) {
        for (id, left) in self.people.graces_over(self.config.grace_ms, now) {
            if left {
                // Everyone was told when they left: the kept place just goes.
                self.people.remove(id);
            } else {
                self.depart(id, LeaveReason::TimedOut, now, out);
            }
        }
    }

    /// Leaving on purpose: gone for everyone now, the place kept for the grace.
    fn leave(&mut self, me: ParticipantId, now: Millis, out: &mut Outbox) -> Result<Reply, RoomError> {
        if let Some(conn) = self.people.get(me).and_then(|p| p.conn) {
            out.close(conn, CloseReason::Left);
        }
        self.stop_speaking(me, now);
        let hand = self.floor.place_of(me);
        let device_hash = self.people.get(me).map(|p| p.device_hash).unwrap_or_default();
        let was_present = self.people.step_away(me, now, hand).ok_or(RoomError::NotJoined)?;
        self.gone_for_everyone(me, device_hash, was_present, LeaveReason::Left, out);
        Ok(Reply::Ack)
    }

    /// Someone who left resumes within the grace: back where they were, with
    /// their role, their gate and their hand's place in the queue.
    fn come_back(&mut self, id: ParticipantId, away: Away, out: &mut Outbox) {
        if !self.people.get(id).is_some_and(|p| p.present()) {
            // They left from the waiting room: back in its list, at the gate.
            self.tell_hosts_waiting(out);
            return;
        }
        if let Some(place) = away.hand {
            self.floor.restore(id, place);
        }
        self.enter(id, out);
        if away.hand.is_some() {
            self.hands_changed(out);
        }
    }

    /// Someone's gate just opened: show them the room, and them to the room.
    pub(super) fn enter(&mut self, id: ParticipantId, out: &mut Outbox) {
        let said_before = self.floor.last_seq();
        let Some(person) = self.people.get_mut(id) else {
            return;
        };
        person.chat_from = said_before;
        // Entering (again) starts a connection of its own.
        person.media = MediaLink::Connecting;
        let person = &*person;
        let (info, conn, is_host, device_hash) = (person.info(), person.conn, person.is_host(), person.device_hash);
        if !is_host && self.door.remember_entry(device_hash) {
            out.persist(Persist::EnteredRoom { device_hash });
        }
        if let Some(conn) = conn {
            out.send(conn, PresenceEvent::RoomState(Box::new(self.state_for(id))));
        }
        out.media(MediaCommand::Attach { participant: id });
        let others: Vec<ConnId> = self.people.present_conns().filter(|c| Some(*c) != conn).collect();
        out.send_all(
            others.into_iter(),
            PresenceEvent::ParticipantJoined { participant: info }.into(),
        );
        if !is_host {
            // They left the waiting list the hosts are looking at.
            self.tell_hosts_waiting(out);
            // A round in progress gets them last; an energizer counts them.
            if let Some(round) = self.round.as_mut() {
                round.append(id);
                self.round_changed(out);
            }
            self.energizer_headcount_changed(None, out);
        }
        self.entered_during_breakouts(id, device_hash, self.now, out);
    }

    /// Takes a person out of the room for good and tells whoever should know.
    /// The caller closes their connection if it should be closed.
    pub(super) fn depart(&mut self, id: ParticipantId, reason: LeaveReason, now: Millis, out: &mut Outbox) {
        self.stop_speaking(id, now);
        let Some(person) = self.people.remove(id) else {
            return;
        };
        self.gone_for_everyone(id, person.device_hash, person.present(), reason, out);
    }

    /// Someone is no longer in sight: the hosts' lists lose them, and if they
    /// were in the room, everyone is told, their media and hand go, and the
    /// round, the energizer and their breakout group count them no more.
    fn gone_for_everyone(
        &mut self,
        id: ParticipantId,
        device_hash: [u8; 32],
        was_present: bool,
        reason: LeaveReason,
        out: &mut Outbox,
    ) {
        self.forget_support(id, out);
        if !was_present {
            self.tell_hosts_waiting(out);
            return;
        }
        out.media(MediaCommand::Detach { participant: id });
        self.broadcast(
            PresenceEvent::ParticipantLeft {
                participant: id,
                reason,
            },
            out,
        );
        if self.floor.forget(id) {
            self.hands_changed(out);
        }
        if let Some(round) = self.round.as_mut().filter(|r| r.order.contains(&id)) {
            round.remove(id);
            self.round_changed(out);
        }
        self.energizer_headcount_changed(Some(id), out);
        self.left_breakout(id, device_hash, self.now, out);
        self.forget_screen(id, out);
        // The room stops once empty: what it counted is written first.
        self.write_tally(self.now, out);
    }

    /// The hosts see the waiting room as it is now.
    pub(super) fn tell_hosts_waiting(&self, out: &mut Outbox) {
        self.tell_hosts(
            HostingEvent::WaitingRoom {
                waiting: self.people.waiting(),
            },
            out,
        );
    }

    /// Everything `me` needs to draw the room: hosts see more than others.
    pub(super) fn state_for(&self, me: ParticipantId) -> RoomState {
        let is_host = self.is_host(me);
        RoomState {
            you: me,
            server_time: self.now,
            participants: self.people.present().map(Person::info).collect(),
            hands: self.floor.hands(),
            chat: self
                .floor
                .chat_since(self.people.get(me).map_or(u64::MAX, |p| p.chat_from), me),
            locked: self.door.locked(),
            waiting_room: self.door.waiting_room(),
            waiting: is_host.then(|| self.people.waiting()),
            ground_rules: self.session.ground_rules.clone(),
            run_of_show: self.show.to_wire(self.now),
            round: self.round_view(),
            energizer: self.energy.active_view(self.now),
            energizer_progress: if is_host { self.energizer_progress() } else { None },
            pulse: self.pulse_view_for(me),
            summary: self.capture.view(is_host),
            previous_outcomes: self.capture.previous_outcomes(),
            talk_time: is_host.then(|| self.talk_time(self.now)),
            support_requests: is_host.then(|| self.support_signals()),
            breakouts: self.breakouts.view(self.now),
            screen_share: self.screen.view(),
            e2ee: self.e2ee(),
        }
    }
}

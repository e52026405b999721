//! The facilitator's structure for a session: the run-of-show clock and its
//! warnings, the check-in round, and the ground rules.

use super::Room;
use super::agenda::RunOfShow;
use super::command::{Action, Reply, RoomError};
use super::outbox::Outbox;
use super::round::{Round, RoundOrder};
use super::types::*;
use crate::ground_rules;

impl Room {
    /// Every clock and agenda change: applied, stored, then shown to everyone.
    pub(super) fn run_of_show(&mut self, action: Action, now: Millis, out: &mut Outbox) -> Result<Reply, RoomError> {
        let scheduled_minutes = u32::try_from((self.session.ends_at - self.session.starts_at) / 60_000).unwrap_or(60);
        let mut show = self.show.clone();
        let result = match action {
            Action::StartSession => show.start(scheduled_minutes, now),
            Action::NextSegment => show.next(now),
            Action::PreviousSegment => show.previous(now),
            Action::PauseClock => show.pause(now),
            Action::ResumeClock => show.resume(now),
            Action::Extend { minutes, whole_session } => show.extend(minutes, whole_session),
            Action::AddSegment { segment, position } => show.add(segment, position).map(|_| ()),
            Action::UpdateSegment { id, segment } => show.update(id, segment),
            Action::RemoveSegment { id } => show.remove(id),
            Action::MoveSegment { id, position } => show.move_to(id, position),
            _ => Err("not a run-of-show action"),
        };
        result.map_err(RoomError::Invalid)?;
        // The clock starting is the group's first "break" for the nudge.
        if self.last_break_at.is_none() {
            self.last_break_at = show.clock.started_at;
        }
        self.show = show;
        self.show_changed(out);
        Ok(Reply::Ack)
    }

    fn show_changed(&self, out: &mut Outbox) {
        out.persist(Persist::RunOfShow(Box::new(self.show.clone())));
        self.broadcast(Event::RunOfShow(Box::new(self.show.clone())), out);
    }

    pub(super) fn fire_warnings(&mut self, now: Millis, out: &mut Outbox) {
        let fired_before = self.show.fired.len();
        let warnings = self.show.due_warnings(now);
        // Which warnings fired is stored too, so a restart does not repeat them.
        if self.show.fired.len() != fired_before {
            out.persist(Persist::RunOfShow(Box::new(self.show.clone())));
        }
        for warning in warnings {
            self.broadcast(Event::TimeWarning(warning), out);
        }
    }

    pub(super) fn start_round(&mut self, order: RoundOrder, seed: u64, out: &mut Outbox) -> Result<Reply, RoomError> {
        let speakers: Vec<ParticipantId> = self
            .people
            .values()
            .filter(|p| p.present() && !p.role.is_host())
            .map(|p| p.id)
            .collect();
        if speakers.is_empty() {
            return Err(RoomError::Invalid("no one is here for a round yet"));
        }
        let hands: Vec<ParticipantId> = self.hands.iter().copied().collect();
        self.round = Some(Round::new(&speakers, &hands, order, seed));
        self.round_changed(out);
        Ok(Reply::Ack)
    }

    pub(super) fn next_speaker(&mut self, out: &mut Outbox) -> Result<Reply, RoomError> {
        let round = self.round.as_mut().ok_or(RoomError::Invalid("no round is running"))?;
        round.advance();
        self.round_changed(out);
        Ok(Reply::Ack)
    }

    pub(super) fn pass(&mut self, me: ParticipantId, out: &mut Outbox) -> Result<Reply, RoomError> {
        let round = self.round.as_mut().ok_or(RoomError::Invalid("no round is running"))?;
        if !round.order.contains(&me) {
            return Err(RoomError::Invalid("you are not in this round"));
        }
        round.pass(me);
        self.round_changed(out);
        Ok(Reply::Ack)
    }

    pub(super) fn end_round(&mut self, out: &mut Outbox) -> Result<Reply, RoomError> {
        if self.round.take().is_none() {
            return Err(RoomError::Invalid("no round is running"));
        }
        self.broadcast(Event::Round(None), out);
        Ok(Reply::Ack)
    }

    pub(super) fn round_view(&self) -> Option<RoundView> {
        self.round.as_ref().map(|round| RoundView {
            order: round.order.clone(),
            speaker: round.speaker(),
            passed: round.passed.iter().copied().collect(),
        })
    }

    pub(super) fn round_changed(&self, out: &mut Outbox) {
        self.broadcast(Event::Round(self.round_view()), out);
    }

    pub(super) fn show_rules(&mut self, out: &mut Outbox) -> Result<Reply, RoomError> {
        self.broadcast(Event::RulesShown(self.session.ground_rules.clone()), out);
        Ok(Reply::Ack)
    }

    /// New rules for this session: stored, and shown to whoever joins next.
    /// Those already in accepted the rules as they were; they see the change.
    pub(super) fn set_ground_rules(&mut self, rules: Vec<String>, out: &mut Outbox) -> Result<Reply, RoomError> {
        let rules: Vec<String> = rules.iter().map(|r| r.trim().to_owned()).collect();
        ground_rules::validate(&rules).map_err(RoomError::Invalid)?;
        self.session.ground_rules = rules.clone();
        out.persist(Persist::GroundRules(rules.clone()));
        // Those still at the gate see the new rules before they accept them.
        let everyone: Vec<ConnId> = self.people.values().filter_map(|p| p.conn).collect();
        out.send_all(everyone.into_iter(), Event::GroundRules(rules));
        Ok(Reply::Ack)
    }

    /// The run-of-show as it is now, for tests and the snapshot.
    pub fn run_of_show_state(&self) -> &RunOfShow {
        &self.show
    }
}

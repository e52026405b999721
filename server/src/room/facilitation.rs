//! The facilitator's structure for a session: the run-of-show clock and its
//! warnings, the check-in round, and the ground rules.

use super::Room;
use super::agenda::{RunOfShow, Warning};
use super::command::{Reply, RoomError};
use super::outbox::Outbox;
use super::report::ReportEntry;
use super::round::Round;
use super::types::*;
use crate::ground_rules;
use crate::protocol::facilitation::{
    self as wire, ExtendScope, FacilitationEvent, FacilitationRequest, RoundOrder, WarningKind,
};

impl Room {
    pub(super) fn handle_facilitation(
        &mut self,
        me: ParticipantId,
        request: FacilitationRequest,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        use FacilitationRequest as R;
        match request {
            R::StartRound { order } => self.start_round(order, out),
            R::NextSpeaker {} => self.next_speaker(out),
            R::Pass {} => self.pass(me, out),
            R::EndRound {} => self.end_round(out),
            R::ShowRules {} => self.show_rules(out),
            R::SetGroundRules { rules } => self.set_ground_rules(rules, out),
            clock_or_agenda => self.run_of_show(clock_or_agenda, now, out),
        }
    }

    /// Every clock and agenda change: applied, stored, then shown to everyone.
    fn run_of_show(&mut self, request: FacilitationRequest, now: Millis, out: &mut Outbox) -> Result<Reply, RoomError> {
        use FacilitationRequest as R;
        let position = |at: u32| usize::try_from(at).unwrap_or(usize::MAX);
        let scheduled_minutes = u32::try_from((self.session.ends_at - self.session.starts_at) / 60_000).unwrap_or(60);
        let mut show = self.show.clone();
        let result = match request {
            R::StartSession {} => show.start(scheduled_minutes, now),
            R::NextSegment {} => show.next(now),
            R::PreviousSegment {} => show.previous(now),
            R::PauseClock {} => show.pause(now),
            R::ResumeClock {} => show.resume(now),
            R::Extend { minutes, scope } => show.extend(minutes, scope == ExtendScope::Session),
            R::AddSegment { segment, position: at } => show.add(segment, at.map(position)).map(|_| ()),
            R::UpdateSegment { segment_id, segment } => show.update(segment_id, segment),
            R::RemoveSegment { segment_id } => show.remove(segment_id),
            R::MoveSegment {
                segment_id,
                position: at,
            } => show.move_to(segment_id, position(at)),
            _ => Err("not a run-of-show request"),
        };
        result.map_err(RoomError::Invalid)?;
        self.note_segment_change(&show, now, out);
        // The clock starting is the group's first "break" for the nudge.
        self.energy.clock_started(show.clock.started_at);
        self.show = show;
        out.persist(Persist::RunOfShow(Box::new(self.show.clone())));
        self.broadcast(FacilitationEvent::RunOfShow(self.show.to_wire(now)), out);
        Ok(Reply::Ack)
    }

    pub(super) fn fire_warnings(&mut self, now: Millis, out: &mut Outbox) {
        let fired_before = self.show.fired.len();
        let warnings = self.show.due_warnings(now);
        // Which warnings fired is stored too, so a restart does not repeat them.
        if self.show.fired.len() != fired_before {
            out.persist(Persist::RunOfShow(Box::new(self.show.clone())));
        }
        for warning in warnings {
            let event = match warning {
                Warning::SessionEnding { minutes } => FacilitationEvent::TimeWarning {
                    kind: WarningKind::SessionEnding,
                    minutes: Some(minutes),
                    segment: None,
                },
                Warning::SegmentOver { segment } => FacilitationEvent::TimeWarning {
                    kind: WarningKind::SegmentOver,
                    minutes: None,
                    segment: Some(segment),
                },
            };
            self.broadcast(event, out);
        }
    }

    /// A part of the agenda started (or the agenda is done): the report
    /// keeps when, against what was planned.
    fn note_segment_change(&self, after: &RunOfShow, now: Millis, out: &mut Outbox) {
        let (before, after_clock) = (&self.show.clock, &after.clock);
        if before.current_segment == after_clock.current_segment
            && before.segment_started_at == after_clock.segment_started_at
        {
            return;
        }
        let entry = match after_clock
            .current_segment
            .and_then(|id| after.segments.iter().find(|s| s.id == id))
        {
            Some(segment) => ReportEntry::SegmentStarted {
                segment: segment.id,
                title: segment.title.clone(),
                kind: segment.kind,
                minutes: segment.minutes,
            },
            None if before.current_segment.is_some() => ReportEntry::AgendaDone,
            None => return,
        };
        self.note(entry, now, out);
    }

    fn start_round(&mut self, order: RoundOrder, out: &mut Outbox) -> Result<Reply, RoomError> {
        let speakers = self.people.present_guests();
        if speakers.is_empty() {
            return Err(RoomError::Invalid("no one is here for a round yet"));
        }
        let seed = self.next_random();
        self.round = Some(Round::new(&speakers, &self.floor.hands(), order, seed));
        self.round_changed(out);
        Ok(Reply::Ack)
    }

    fn next_speaker(&mut self, out: &mut Outbox) -> Result<Reply, RoomError> {
        let round = self.round.as_mut().ok_or(RoomError::Invalid("no round is running"))?;
        round.advance();
        self.round_changed(out);
        Ok(Reply::Ack)
    }

    fn pass(&mut self, me: ParticipantId, out: &mut Outbox) -> Result<Reply, RoomError> {
        let round = self.round.as_mut().ok_or(RoomError::Invalid("no round is running"))?;
        if !round.order.contains(&me) {
            return Err(RoomError::Invalid("you are not in this round"));
        }
        round.pass(me);
        self.round_changed(out);
        Ok(Reply::Ack)
    }

    fn end_round(&mut self, out: &mut Outbox) -> Result<Reply, RoomError> {
        if self.round.take().is_none() {
            return Err(RoomError::Invalid("no round is running"));
        }
        self.note(ReportEntry::RoundEnded, self.now, out);
        self.round_changed(out);
        Ok(Reply::Ack)
    }

    /// The round as everyone sees it; an inactive one when none runs.
    pub(super) fn round_view(&self) -> wire::Round {
        match &self.round {
            Some(round) => wire::Round {
                active: true,
                order: round.order.clone(),
                speaker: round.speaker(),
                passed: round.passed.iter().copied().collect(),
            },
            None => wire::Round {
                active: false,
                order: Vec::new(),
                speaker: None,
                passed: Vec::new(),
            },
        }
    }

    pub(super) fn round_changed(&self, out: &mut Outbox) {
        self.broadcast(FacilitationEvent::Round(self.round_view()), out);
    }

    fn show_rules(&mut self, out: &mut Outbox) -> Result<Reply, RoomError> {
        let rules = self.session.ground_rules.clone();
        self.broadcast(FacilitationEvent::RulesShown { rules }, out);
        Ok(Reply::Ack)
    }

    /// New rules for this session: stored, and shown to whoever joins next.
    /// Those already in accepted the rules as they were; they see the change.
    fn set_ground_rules(&mut self, rules: Vec<String>, out: &mut Outbox) -> Result<Reply, RoomError> {
        let rules = ground_rules::normalized(&rules);
        ground_rules::validate(&rules).map_err(RoomError::Invalid)?;
        self.session.ground_rules = rules.clone();
        out.persist(Persist::GroundRules(rules.clone()));
        // Those still at the gate see the new rules before they accept them.
        let everyone: Vec<ConnId> = self.people.all_conns().collect();
        out.send_all(everyone.into_iter(), FacilitationEvent::GroundRules { rules }.into());
        Ok(Reply::Ack)
    }

    /// A fresh seed for a shuffle: the room's random start, moved on by
    /// one each time (the shuffle itself mixes it well).
    fn next_random(&mut self) -> u64 {
        self.random = self.random.wrapping_add(1);
        self.random
    }

    /// The run-of-show as it is now, for tests and the snapshot.
    pub fn run_of_show_state(&self) -> &RunOfShow {
        &self.show
    }
}

//! Watching the group's energy: energizers with an "I'm back" check, a nudge
//! when the group has gone long without a break, and anonymous pulse checks.

use std::collections::HashSet;

use super::command::{Reply, RoomError};
use super::outbox::Outbox;
use super::pulse::{Pulse, PulseAnswer, PulseKind};
use super::types::*;
use super::{ActiveEnergizer, Room};

impl Room {
    pub(super) fn launch_energizer(
        &mut self,
        id: &str,
        seated: bool,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        let energizer = self
            .library
            .iter()
            .find(|e| e.id == id)
            .cloned()
            .ok_or(RoomError::Invalid("no energizer with that id"))?;
        let ends_at = now + i64::from(energizer.seconds) * 1_000;
        self.energizer = Some(ActiveEnergizer {
            energizer,
            seated,
            ends_at,
            back: HashSet::new(),
        });
        self.broadcast(Event::Energizer(self.energizer_view()), out);
        self.tell_hosts_progress(out);
        Ok(Reply::Ack)
    }

    pub(super) fn im_back(&mut self, me: ParticipantId, out: &mut Outbox) -> Result<Reply, RoomError> {
        let active = self
            .energizer
            .as_mut()
            .ok_or(RoomError::Invalid("no energizer is running"))?;
        if active.back.insert(me) {
            self.tell_hosts_progress(out);
        }
        Ok(Reply::Ack)
    }

    pub(super) fn end_energizer(&mut self, now: Millis, out: &mut Outbox) -> Result<Reply, RoomError> {
        if self.energizer.take().is_none() {
            return Err(RoomError::Invalid("no energizer is running"));
        }
        // An energizer is a break: the nudge counts from its end.
        self.last_break_at = Some(now);
        self.broadcast(Event::Energizer(None), out);
        Ok(Reply::Ack)
    }

    pub(super) fn energizer_view(&self) -> Option<EnergizerView> {
        self.energizer.as_ref().map(|active| EnergizerView {
            energizer: active.energizer.clone(),
            seated: active.seated,
            ends_at: active.ends_at,
        })
    }

    /// While an energizer runs: how many of the people in the room (hosts
    /// aside) are back, and of how many.
    pub(super) fn energizer_progress(&self) -> Option<(u32, u32)> {
        let active = self.energizer.as_ref()?;
        let expected: Vec<ParticipantId> = self
            .people
            .values()
            .filter(|p| p.present() && !p.role.is_host())
            .map(|p| p.id)
            .collect();
        let back = expected.iter().filter(|id| active.back.contains(id)).count();
        Some((
            u32::try_from(back).unwrap_or(u32::MAX),
            u32::try_from(expected.len()).unwrap_or(u32::MAX),
        ))
    }

    /// Hosts see how many are back.
    fn tell_hosts_progress(&self, out: &mut Outbox) {
        if let Some((back, total)) = self.energizer_progress() {
            out.send_all(self.host_conns(), Event::EnergizerProgress { back, total });
        }
    }

    /// Someone left or arrived: the count of who is back changes.
    pub(super) fn energizer_headcount_changed(&mut self, gone: Option<ParticipantId>, out: &mut Outbox) {
        if let (Some(active), Some(gone)) = (self.energizer.as_mut(), gone) {
            active.back.remove(&gone);
        }
        self.tell_hosts_progress(out);
    }

    /// When the hosts are due a nudge about a break, if the session asks for one.
    pub(super) fn break_due(&self) -> Option<Millis> {
        let minutes = self.break_nudge_minutes?;
        let since = self.last_break_at?;
        if self.nudged_for == Some(since) || self.energizer.is_some() {
            return None;
        }
        Some(since + i64::from(minutes) * 60_000)
    }

    pub(super) fn nudge_for_break(&mut self, now: Millis, out: &mut Outbox) {
        let (Some(due), Some(minutes)) = (self.break_due(), self.break_nudge_minutes) else {
            return;
        };
        if due <= now {
            self.nudged_for = self.last_break_at;
            out.send_all(self.host_conns(), Event::BreakNudge { minutes });
        }
    }

    pub(super) fn start_pulse(
        &mut self,
        question: Option<String>,
        kind: PulseKind,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        if self.pulse.as_ref().is_some_and(|p| p.open) {
            return Err(RoomError::Invalid("close the current check first"));
        }
        let pulse = Pulse::new(self.next_pulse_id, question, kind).map_err(RoomError::Invalid)?;
        self.next_pulse_id += 1;
        self.pulse = Some(pulse);
        self.pulse_changed(true, out);
        Ok(Reply::Ack)
    }

    pub(super) fn answer_pulse(
        &mut self,
        me: ParticipantId,
        id: u32,
        answer: PulseAnswer,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        let pulse = self
            .pulse
            .as_mut()
            .filter(|p| p.id == id)
            .ok_or(RoomError::Invalid("that check is not running"))?;
        pulse.answer(me, answer).map_err(RoomError::Invalid)?;
        // Only the hosts see the count grow; no one sees whose answer it was.
        self.pulse_changed(false, out);
        if let Some(conn) = self.people.get(&me).and_then(|p| p.conn)
            && let Some(view) = self.pulse_view_for(me)
        {
            out.send(conn, Event::Pulse(view));
        }
        Ok(Reply::Ack)
    }

    pub(super) fn close_pulse(&mut self, out: &mut Outbox) -> Result<Reply, RoomError> {
        let pulse = self
            .pulse
            .as_mut()
            .filter(|p| p.open)
            .ok_or(RoomError::Invalid("no check is open"))?;
        pulse.close();
        self.pulse_changed(true, out);
        Ok(Reply::Ack)
    }

    pub(super) fn share_pulse(&mut self, out: &mut Outbox) -> Result<Reply, RoomError> {
        let pulse = self
            .pulse
            .as_mut()
            .filter(|p| !p.open)
            .ok_or(RoomError::Invalid("close the check before sharing its results"))?;
        pulse.shared = true;
        self.pulse_changed(true, out);
        Ok(Reply::Ack)
    }

    /// The pulse check as `who` may see it: the distribution, once there is
    /// one to show, goes to hosts, and to everyone once shared.
    pub(super) fn pulse_view_for(&self, who: ParticipantId) -> Option<PulseView> {
        let pulse = self.pulse.as_ref()?;
        let is_host = self.people.get(&who).is_some_and(|p| p.role.is_host());
        let mut results = pulse.results();
        if !is_host && !pulse.shared {
            results.scale = None;
            results.words = None;
        }
        Some(PulseView {
            results,
            you_answered: pulse.has_answered(who),
        })
    }

    /// Tells the hosts (and, if `everyone`, the whole room) how the check stands.
    fn pulse_changed(&self, everyone: bool, out: &mut Outbox) {
        for person in self.people.values().filter(|p| p.present()) {
            if !everyone && !person.role.is_host() {
                continue;
            }
            if let (Some(conn), Some(view)) = (person.conn, self.pulse_view_for(person.id)) {
                out.send(conn, Event::Pulse(view));
            }
        }
    }
}

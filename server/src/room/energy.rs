//! Watching the group's energy: energizers with an "I'm back" check, a nudge
//! when the group has gone long without a break, and anonymous pulse checks.

use std::collections::HashSet;
use std::sync::Arc;

use super::Room;
use super::command::{Reply, RoomError};
use super::outbox::Outbox;
use super::pulse::{Pulse, PulseAnswer, PulseKind};
use super::report::ReportEntry;
use super::types::*;
use crate::protocol::energy::{
    self as wire, ActiveEnergizer, Energizer, EnergizerProgress, EnergyEvent, EnergyRequest, WordCount,
};

/// The energizer library and the one running, the breaks, the pulse check.
pub(super) struct Energy {
    library: Arc<[Energizer]>,
    running: Option<Running>,
    /// When the group last had a break (the start, or the end of an energizer).
    last_break_at: Option<Millis>,
    break_nudge_minutes: Option<u32>,
    /// The break the hosts were last nudged about, so a nudge comes once.
    nudged_for: Option<Millis>,
    pulse: Option<Pulse>,
    /// The last pulse check's number; the first is 1.
    pulse_seq: u32,
}

/// An energizer running now, and who is back from it.
struct Running {
    energizer: Energizer,
    seated: bool,
    ends_at: Millis,
    back: HashSet<ParticipantId>,
}

impl Energy {
    pub fn new(library: Arc<[Energizer]>, break_nudge_minutes: Option<u32>, started_at: Option<Millis>) -> Energy {
        Energy {
            library,
            running: None,
            last_break_at: started_at,
            break_nudge_minutes,
            nudged_for: None,
            pulse: None,
            pulse_seq: 0,
        }
    }

    /// The session's clock started: the group's first "break" for the nudge.
    pub fn clock_started(&mut self, started_at: Option<Millis>) {
        if self.last_break_at.is_none() {
            self.last_break_at = started_at;
        }
    }

    /// The running energizer as everyone sees it.
    pub fn active_view(&self, now: Millis) -> Option<ActiveEnergizer> {
        self.running.as_ref().map(|running| ActiveEnergizer {
            energizer: running.energizer.clone(),
            seated: running.seated,
            ends_at: running.ends_at,
            server_time: now,
        })
    }

    /// When the hosts are due a nudge about a break, if the session asks for one.
    pub fn break_due(&self) -> Option<Millis> {
        let minutes = self.break_nudge_minutes?;
        let since = self.last_break_at?;
        if self.nudged_for == Some(since) || self.running.is_some() {
            return None;
        }
        Some(since + i64::from(minutes) * 60_000)
    }
}

impl Room {
    pub(super) fn handle_energy(
        &mut self,
        me: ParticipantId,
        request: EnergyRequest,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        match request {
            EnergyRequest::ListEnergizers {} => Ok(Reply::message(EnergyEvent::Energizers {
                energizers: self.energy.library.to_vec(),
            })),
            EnergyRequest::LaunchEnergizer { energizer, seated } => self.launch_energizer(&energizer, seated, now, out),
            EnergyRequest::ImBack {} => self.im_back(me, out),
            EnergyRequest::EndEnergizer {} => self.end_energizer(now, out),
            EnergyRequest::StartPulse { kind, question } => self.start_pulse(question, kind, out),
            EnergyRequest::AnswerPulse { pulse, scale, word } => {
                let answer = match (scale, word) {
                    (Some(n), None) => PulseAnswer::Scale(n),
                    (None, Some(w)) => PulseAnswer::Word(w),
                    _ => return Err(RoomError::Invalid("answer with either scale or word")),
                };
                self.answer_pulse(me, pulse, answer, out)
            }
            EnergyRequest::ClosePulse {} => self.close_pulse(out),
            EnergyRequest::SharePulse {} => self.share_pulse(out),
        }
    }

    fn launch_energizer(&mut self, id: &str, seated: bool, now: Millis, out: &mut Outbox) -> Result<Reply, RoomError> {
        let energizer = self
            .energy
            .library
            .iter()
            .find(|e| e.id == id)
            .cloned()
            .ok_or(RoomError::Invalid("no energizer with that id"))?;
        let ends_at = now + i64::from(energizer.seconds) * 1_000;
        self.energy.running = Some(Running {
            energizer,
            seated,
            ends_at,
            back: HashSet::new(),
        });
        if let Some(view) = self.energy.active_view(now) {
            self.broadcast(EnergyEvent::EnergizerStarted(view), out);
        }
        self.tell_hosts_progress(out);
        Ok(Reply::Ack)
    }

    fn im_back(&mut self, me: ParticipantId, out: &mut Outbox) -> Result<Reply, RoomError> {
        let running = self
            .energy
            .running
            .as_mut()
            .ok_or(RoomError::Invalid("no energizer is running"))?;
        if running.back.insert(me) {
            self.tell_hosts_progress(out);
        }
        Ok(Reply::Ack)
    }

    fn end_energizer(&mut self, now: Millis, out: &mut Outbox) -> Result<Reply, RoomError> {
        if self.energy.running.take().is_none() {
            return Err(RoomError::Invalid("no energizer is running"));
        }
        // An energizer is a break: the nudge counts from its end.
        self.energy.last_break_at = Some(now);
        self.broadcast(EnergyEvent::EnergizerEnded {}, out);
        Ok(Reply::Ack)
    }

    /// While an energizer runs: how many of the people in the room (hosts
    /// aside) are back, and of how many.
    pub(super) fn energizer_progress(&self) -> Option<EnergizerProgress> {
        let running = self.energy.running.as_ref()?;
        let expected = self.people.present_guests();
        let back = expected.iter().filter(|id| running.back.contains(id)).count();
        Some(EnergizerProgress {
            back: u32::try_from(back).unwrap_or(u32::MAX),
            total: u32::try_from(expected.len()).unwrap_or(u32::MAX),
        })
    }

    /// Hosts see how many are back.
    fn tell_hosts_progress(&self, out: &mut Outbox) {
        if let Some(progress) = self.energizer_progress() {
            self.tell_hosts(EnergyEvent::EnergizerProgress(progress), out);
        }
    }

    /// Someone left (`gone`) or arrived: while an energizer runs, the count
    /// of who is back changes.
    pub(super) fn energizer_headcount_changed(&mut self, gone: Option<ParticipantId>, out: &mut Outbox) {
        let Some(running) = self.energy.running.as_mut() else {
            return;
        };
        if let Some(gone) = gone {
            running.back.remove(&gone);
        }
        self.tell_hosts_progress(out);
    }

    pub(super) fn nudge_for_break(&mut self, now: Millis, out: &mut Outbox) {
        let (Some(due), Some(minutes)) = (self.energy.break_due(), self.energy.break_nudge_minutes) else {
            return;
        };
        if due <= now {
            self.energy.nudged_for = self.energy.last_break_at;
            self.tell_hosts(EnergyEvent::BreakNudge { minutes }, out);
        }
    }

    fn start_pulse(&mut self, question: Option<String>, kind: PulseKind, out: &mut Outbox) -> Result<Reply, RoomError> {
        if self.energy.pulse.as_ref().is_some_and(|p| p.open) {
            return Err(RoomError::Invalid("close the current check first"));
        }
        let pulse = Pulse::new(self.energy.pulse_seq + 1, question, kind).map_err(RoomError::Invalid)?;
        self.energy.pulse_seq += 1;
        self.energy.pulse = Some(pulse);
        self.pulse_changed(true, out);
        Ok(Reply::Ack)
    }

    fn answer_pulse(
        &mut self,
        me: ParticipantId,
        id: u32,
        answer: PulseAnswer,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        let pulse = self
            .energy
            .pulse
            .as_mut()
            .filter(|p| p.id == id)
            .ok_or(RoomError::Invalid("that check is not running"))?;
        pulse.answer(me, answer).map_err(RoomError::Invalid)?;
        // Only the hosts see the count grow; no one sees whose answer it was.
        self.pulse_changed(false, out);
        if let Some(view) = self.pulse_view_for(me) {
            self.tell(me, EnergyEvent::Pulse(view), out);
        }
        Ok(Reply::Ack)
    }

    fn close_pulse(&mut self, out: &mut Outbox) -> Result<Reply, RoomError> {
        let pulse = self
            .energy
            .pulse
            .as_mut()
            .filter(|p| p.open)
            .ok_or(RoomError::Invalid("no check is open"))?;
        pulse.close();
        // The report keeps the distribution only where it may be shown.
        let results = pulse.results();
        let entry = ReportEntry::PulseClosed {
            question: results.question,
            kind: results.kind,
            answered: results.answered,
            scale: results.scale,
        };
        self.note(entry, self.now, out);
        self.pulse_changed(true, out);
        Ok(Reply::Ack)
    }

    fn share_pulse(&mut self, out: &mut Outbox) -> Result<Reply, RoomError> {
        let pulse = self
            .energy
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
    pub(super) fn pulse_view_for(&self, who: ParticipantId) -> Option<wire::Pulse> {
        let pulse = self.energy.pulse.as_ref()?;
        let mut results = pulse.results();
        if !self.is_host(who) && !pulse.shared {
            results.scale = None;
            results.words = None;
        }
        Some(wire::Pulse {
            id: results.id,
            question: results.question,
            kind: results.kind,
            open: results.open,
            answered: results.answered,
            you_answered: pulse.has_answered(who),
            shared: results.shared,
            scale: results.scale,
            words: results.words.map(|words| {
                words
                    .into_iter()
                    .map(|(word, count)| WordCount { word, count })
                    .collect()
            }),
        })
    }

    /// Tells the hosts (and, if `everyone`, the whole room) how the check stands.
    fn pulse_changed(&self, everyone: bool, out: &mut Outbox) {
        for person in self.people.present() {
            if !everyone && !person.is_host() {
                continue;
            }
            if let (Some(conn), Some(view)) = (person.conn, self.pulse_view_for(person.id)) {
                out.send(conn, EnergyEvent::Pulse(view));
            }
        }
    }
}

//! The run-of-show: the agenda's timed segments and the session clock.
//!
//! The server owns the clock. Clients get absolute times (the session's planned
//! end, the current segment's deadline) with the server's current time, and
//! count down on their own: no ticks are sent. Warnings fire once for each
//! deadline they belong to: extending the session gives it new warnings.

use std::collections::BTreeSet;

use super::types::Millis;
use crate::protocol::facilitation as wire;
pub use crate::protocol::facilitation::{Clock, Segment, SegmentDraft, SegmentKind};

pub const MAX_SEGMENTS: usize = 30;
pub const MAX_SEGMENT_MINUTES: u32 = 240;
/// A warning overdue by more than this (the server was down when it was due)
/// is marked as fired without being sent: it would only confuse people.
const STALE_WARNING_MS: Millis = 60_000;

impl SegmentDraft {
    pub fn validate(&self) -> Result<(), &'static str> {
        let title = crate::text::normalize(&self.title);
        if crate::text::check(&title, 100, crate::text::Lines::One).is_err() {
            return Err("a segment title has between 1 and 100 characters, with no control or invisible characters");
        }
        if self.minutes == 0 || self.minutes > MAX_SEGMENT_MINUTES {
            return Err("a segment lasts between 1 and 240 minutes");
        }
        let objective = self
            .objective
            .as_deref()
            .map(crate::text::normalize)
            .unwrap_or_default();
        if !objective.is_empty() && crate::text::check(&objective, 300, crate::text::Lines::One).is_err() {
            return Err("a segment objective has at most 300 characters, with no control or invisible characters");
        }
        Ok(())
    }
}

/// Which deadline a warning belongs to, so that each fires once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WarningKey {
    SessionEnding { minutes: u32, planned_end: Millis },
    SegmentOver { segment: u32, deadline: Millis },
}

/// What a warning tells everyone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Warning {
    SessionEnding { minutes: u32 },
    SegmentOver { segment: u32 },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOfShow {
    pub segments: Vec<Segment>,
    pub clock: Clock,
    /// Minutes before the planned end at which everyone is warned.
    pub marks: Vec<u32>,
    pub fired: BTreeSet<WarningKey>,
    pub next_segment_id: u32,
}

impl RunOfShow {
    pub fn new(planned_end: Millis, marks: Vec<u32>) -> RunOfShow {
        RunOfShow {
            segments: Vec::new(),
            clock: Clock {
                planned_end,
                ..Clock::default()
            },
            marks,
            fired: BTreeSet::new(),
            next_segment_id: 1,
        }
    }

    /// The run-of-show as everyone sees it, with the server's time now.
    pub fn to_wire(&self, now: Millis) -> wire::RunOfShow {
        wire::RunOfShow {
            segments: self.segments.clone(),
            clock: self.clock.clone(),
            server_time: now,
        }
    }

    pub fn started(&self) -> bool {
        self.clock.started_at.is_some()
    }

    /// Starts the session. A session started after its scheduled end gets its
    /// scheduled length from now, so a late start still has a real end.
    pub fn start(&mut self, scheduled_minutes: u32, now: Millis) -> Result<(), &'static str> {
        if self.started() {
            return Err("the session has already started");
        }
        self.clock.started_at = Some(now);
        if self.clock.planned_end <= now {
            self.clock.planned_end = now + i64::from(scheduled_minutes) * 60_000;
        }
        if let Some(first) = self.segments.first().map(|s| s.id) {
            self.enter_segment(first, now);
        }
        Ok(())
    }

    pub fn next(&mut self, now: Millis) -> Result<(), &'static str> {
        self.require_started()?;
        let next = match self.position_of_current() {
            Some(at) => self.segments.get(at + 1).map(|s| s.id),
            None if self.clock.segment_started_at.is_none() => self.segments.first().map(|s| s.id),
            None => None,
        };
        match next {
            Some(id) => self.enter_segment(id, now),
            // Past the last segment: the agenda is done, the session goes on.
            None => {
                self.clock.current_segment = None;
                self.clock.segment_deadline = None;
                self.clock.paused_at = None;
            }
        }
        Ok(())
    }

    pub fn previous(&mut self, now: Millis) -> Result<(), &'static str> {
        self.require_started()?;
        let previous = match self.position_of_current() {
            Some(0) => return Err("this is the first segment"),
            Some(at) => self.segments[at - 1].id,
            None => self.segments.last().map(|s| s.id).ok_or("the agenda has no segments")?,
        };
        self.enter_segment(previous, now);
        Ok(())
    }

    pub fn pause(&mut self, now: Millis) -> Result<(), &'static str> {
        self.require_started()?;
        if self.clock.paused_at.is_some() {
            return Err("the clock is already paused");
        }
        self.clock.paused_at = Some(now);
        Ok(())
    }

    pub fn resume(&mut self, now: Millis) -> Result<(), &'static str> {
        let paused_at = self.clock.paused_at.take().ok_or("the clock is not paused")?;
        let stood_still = (now - paused_at).max(0);
        if let Some(deadline) = self.clock.segment_deadline.as_mut() {
            *deadline += stood_still;
        }
        if let Some(started) = self.clock.segment_started_at.as_mut() {
            *started += stood_still;
        }
        Ok(())
    }

    /// Adds minutes to the current segment, or to the whole session.
    pub fn extend(&mut self, minutes: u32, whole_session: bool) -> Result<(), &'static str> {
        if minutes == 0 || minutes > 120 {
            return Err("extend by 1 to 120 minutes");
        }
        let by = i64::from(minutes) * 60_000;
        if whole_session {
            self.clock.planned_end += by;
            return Ok(());
        }
        let deadline = self.clock.segment_deadline.as_mut().ok_or("no segment is running")?;
        *deadline += by;
        Ok(())
    }

    /// The organizer's new agenda in place of this one, before the session
    /// starts (no segment is current yet). The API validated every segment;
    /// one that fails here anyway is left out rather than keeping the old
    /// agenda half replaced.
    pub fn replan(&mut self, agenda: &[SegmentDraft]) {
        self.segments.clear();
        for draft in agenda {
            let _left_out = self.add(draft.clone(), None);
        }
    }

    pub fn add(&mut self, draft: SegmentDraft, position: Option<usize>) -> Result<u32, &'static str> {
        draft.validate()?;
        if self.segments.len() >= MAX_SEGMENTS {
            return Err("an agenda has at most 30 segments");
        }
        let id = self.next_segment_id;
        self.next_segment_id += 1;
        let segment = Segment {
            id,
            title: crate::text::normalize(&draft.title),
            kind: draft.kind,
            minutes: draft.minutes,
            objective: draft
                .objective
                .map(|o| crate::text::normalize(&o))
                .filter(|o| !o.is_empty()),
        };
        let at = position.unwrap_or(self.segments.len()).min(self.segments.len());
        self.segments.insert(at, segment);
        Ok(id)
    }

    /// Changes a segment; a running segment's deadline follows its new length.
    pub fn update(&mut self, id: u32, draft: SegmentDraft) -> Result<(), &'static str> {
        draft.validate()?;
        let segment = self.segments.iter_mut().find(|s| s.id == id).ok_or("no such segment")?;
        segment.title = crate::text::normalize(&draft.title);
        segment.kind = draft.kind;
        segment.minutes = draft.minutes;
        segment.objective = draft
            .objective
            .map(|o| crate::text::normalize(&o))
            .filter(|o| !o.is_empty());
        if self.clock.current_segment == Some(id)
            && let Some(started) = self.clock.segment_started_at
        {
            self.clock.segment_deadline = Some(started + i64::from(draft.minutes) * 60_000);
        }
        Ok(())
    }

    pub fn remove(&mut self, id: u32) -> Result<(), &'static str> {
        if self.clock.current_segment == Some(id) {
            return Err("this segment is running: move on before removing it");
        }
        let before = self.segments.len();
        self.segments.retain(|s| s.id != id);
        if self.segments.len() == before {
            return Err("no such segment");
        }
        Ok(())
    }

    pub fn move_to(&mut self, id: u32, position: usize) -> Result<(), &'static str> {
        let from = self.segments.iter().position(|s| s.id == id).ok_or("no such segment")?;
        let segment = self.segments.remove(from);
        let to = position.min(self.segments.len());
        self.segments.insert(to, segment);
        Ok(())
    }

    /// The next moment a warning is due, if the clock runs.
    pub fn next_deadline(&self) -> Option<Millis> {
        self.pending().map(|(at, _, _)| at).min()
    }

    /// The warnings due at `now`, each marked as fired. Stale ones are marked
    /// without being returned.
    pub fn due_warnings(&mut self, now: Millis) -> Vec<Warning> {
        let due: Vec<(Millis, WarningKey, Warning)> = self.pending().filter(|(at, _, _)| *at <= now).collect();
        let mut warnings = Vec::new();
        for (at, key, warning) in due {
            self.fired.insert(key);
            if now - at <= STALE_WARNING_MS {
                warnings.push(warning);
            }
        }
        warnings
    }

    fn pending(&self) -> impl Iterator<Item = (Millis, WarningKey, Warning)> + '_ {
        let started = self.started();
        let planned_end = self.clock.planned_end;
        let ending = self.marks.iter().filter(move |_| started).map(move |&minutes| {
            let key = WarningKey::SessionEnding { minutes, planned_end };
            (
                planned_end - i64::from(minutes) * 60_000,
                key,
                Warning::SessionEnding { minutes },
            )
        });
        let running = self.clock.paused_at.is_none();
        let segment = self
            .clock
            .current_segment
            .zip(self.clock.segment_deadline)
            .filter(move |_| running)
            .map(|(segment, deadline)| {
                let key = WarningKey::SegmentOver { segment, deadline };
                (deadline, key, Warning::SegmentOver { segment })
            });
        ending.chain(segment).filter(|(_, key, _)| !self.fired.contains(key))
    }

    fn enter_segment(&mut self, id: u32, now: Millis) {
        let minutes = self.segments.iter().find(|s| s.id == id).map_or(0, |s| s.minutes);
        self.clock.current_segment = Some(id);
        self.clock.segment_started_at = Some(now);
        self.clock.segment_deadline = Some(now + i64::from(minutes) * 60_000);
        // Moving on is a decision to carry on: the clock runs again.
        self.clock.paused_at = None;
    }

    fn position_of_current(&self) -> Option<usize> {
        let current = self.clock.current_segment?;
        self.segments.iter().position(|s| s.id == current)
    }

    fn require_started(&self) -> Result<(), &'static str> {
        if self.started() {
            Ok(())
        } else {
            Err("start the session first")
        }
    }
}

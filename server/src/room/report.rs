//! What the room notes for the facilitator's report: when each part of the
//! agenda started, rounds ended, pulse checks closed and breakouts ran (as
//! they happen: `Persist::ReportEntry`), and the counts that change often
//! (hands, talk time per person) gathered in memory and written as
//! increments at most once a minute, when someone leaves and at the end
//! (`Persist::ReportTally`). Increments, so a restart loses at most the
//! last minute and never counts twice.
//!
//! Times, counts and first names only: nothing anyone said or typed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Room;
use super::command::{Reply, RoomError};
use super::outbox::Outbox;
use super::types::*;
use crate::protocol::energy::PulseKind;
use crate::protocol::facilitation::SegmentKind;
use crate::protocol::report::ReportRequest;

/// How often the counts are written while they change.
const TALLY_EVERY_MS: Millis = 60_000;

/// Something that happened at a moment, kept as it happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case")]
pub enum ReportEntry {
    SegmentStarted {
        segment: u32,
        title: String,
        kind: SegmentKind,
        minutes: u32,
    },
    /// Past the last part of the agenda, or the clock taken off every part.
    AgendaDone,
    RoundEnded,
    PulseClosed {
        question: String,
        kind: PulseKind,
        answered: u32,
        scale: Option<[u32; 5]>,
    },
    BreakoutsOpened {
        groups: u32,
        people: u32,
        minutes: u32,
    },
    BreakoutsClosed,
}

/// Counts gathered since they were last written: added to what is stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportTally {
    pub hands_raised: u32,
    pub hands_answered: u32,
    /// By speaker: a hash of their device (the same person on a new
    /// connection is the same speaker), their first name, the time.
    pub talk: Vec<(String, String, Millis)>,
}

impl ReportTally {
    fn is_empty(&self) -> bool {
        self.hands_raised == 0 && self.hands_answered == 0 && self.talk.is_empty()
    }
}

/// The counts not written yet, and when they are due.
#[derive(Default)]
pub(super) struct Notes {
    hands_raised: u32,
    hands_answered: u32,
    talk: BTreeMap<String, (String, Millis)>,
    due: Option<Millis>,
}

impl Notes {
    pub fn due(&self) -> Option<Millis> {
        self.due
    }

    fn touched(&mut self, now: Millis) {
        self.due.get_or_insert(now + TALLY_EVERY_MS);
    }

    pub fn hand_raised(&mut self, now: Millis) {
        self.hands_raised += 1;
        self.touched(now);
    }

    pub fn hand_answered(&mut self, now: Millis) {
        self.hands_answered += 1;
        self.touched(now);
    }

    pub fn talked(&mut self, device_hash: &[u8; 32], name: &str, ms: Millis, now: Millis) {
        if ms <= 0 {
            return;
        }
        let speaker: String = device_hash[..8].iter().map(|b| format!("{b:02x}")).collect();
        let entry = self.talk.entry(speaker).or_insert_with(|| (first_name(name), 0));
        entry.1 += ms;
        self.touched(now);
    }

    fn take(&mut self) -> ReportTally {
        self.due = None;
        ReportTally {
            hands_raised: std::mem::take(&mut self.hands_raised),
            hands_answered: std::mem::take(&mut self.hands_answered),
            talk: std::mem::take(&mut self.talk)
                .into_iter()
                .map(|(speaker, (name, ms))| (speaker, name, ms))
                .collect(),
        }
    }
}

/// The first name in what someone typed, without a title before it: "Dr.
/// Maya Lee" is Maya. Never more than one word.
pub fn first_name(name: &str) -> String {
    const TITLES: [&str; 8] = ["dr", "dre", "doctor", "docteur", "prof", "mr", "mrs", "ms"];
    let words: Vec<&str> = name.split_whitespace().collect();
    let is_title = |w: &&str| TITLES.contains(&w.trim_end_matches('.').to_lowercase().as_str());
    let first = words.iter().find(|w| !is_title(w)).or(words.first());
    first.map(|w| w.chars().take(40).collect()).unwrap_or_default()
}

/// How much of all the talking the most talkative third did, in percent.
pub fn top_third_percent(talk: &[Millis]) -> Option<u32> {
    let total: Millis = talk.iter().sum();
    if total <= 0 {
        return None;
    }
    let mut sorted = talk.to_vec();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    let third = sorted.len().div_ceil(3);
    let top: Millis = sorted.iter().take(third).sum();
    u32::try_from((top * 100 + total / 2) / total).ok()
}

impl Room {
    pub(super) fn handle_report(
        &mut self,
        request: ReportRequest,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        match request {
            ReportRequest::GetReport {} => {
                // What is still in memory is written first: the report is
                // read from the store once the writes are done.
                self.write_tally(now, out);
                Ok(Reply::Report)
            }
        }
    }

    /// Notes an event for the report.
    pub(super) fn note(&self, entry: ReportEntry, now: Millis, out: &mut Outbox) {
        out.persist(Persist::ReportEntry { at: now, entry });
    }

    /// Writes the counts gathered since last time, if any.
    pub(super) fn write_tally(&mut self, now: Millis, out: &mut Outbox) {
        // Talk still going on counts up to now, and from now on next time.
        let speaking: Vec<ParticipantId> = self
            .people
            .present()
            .filter(|p| p.speaking_since.is_some())
            .map(|p| p.id)
            .collect();
        for id in speaking {
            self.stop_speaking(id, now);
            if let Some(person) = self.people.get_mut(id) {
                person.speaking_since = Some(now);
            }
        }
        let tally = self.notes.take();
        if !tally.is_empty() {
            out.persist(Persist::ReportTally(tally));
        }
    }

    /// The counts are due to be written.
    pub(super) fn tally_if_due(&mut self, now: Millis, out: &mut Outbox) {
        if self.notes.due().is_some_and(|due| due <= now) {
            self.write_tally(now, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_name_leaves_titles_and_surnames_out() {
        assert_eq!(first_name("Dr. Maya Lee"), "Maya");
        assert_eq!(first_name("  Sam  "), "Sam");
        assert_eq!(first_name("Dre Tremblay"), "Tremblay");
        assert_eq!(first_name("Dr."), "Dr.");
        assert_eq!(first_name(""), "");
    }

    #[test]
    fn the_top_third_share_is_33_when_even_and_more_when_one_dominates() {
        assert_eq!(top_third_percent(&[]), None);
        assert_eq!(top_third_percent(&[0, 0]), None);
        assert_eq!(top_third_percent(&[10, 10, 10]), Some(33));
        // Six people: the top two of 60 s, 20 s and four of 5 s.
        assert_eq!(top_third_percent(&[60, 20, 5, 5, 5, 5]), Some(80));
        // Four people: the third is two people (rounded up).
        assert_eq!(top_third_percent(&[40, 30, 20, 10]), Some(70));
    }
}

//! Energy and pulse checks: one-tap answers, counted, never tied to a person.
//!
//! The room keeps who has answered (so each person answers once) apart from
//! the counts, and never the two together. While the check is open, hosts see
//! only how many have answered: live counts would let someone watching the
//! screen match a change to the person who just tapped. The distribution is
//! shown once the check is closed, and only with enough answers that no one
//! answer can be picked out.

use std::collections::{BTreeMap, HashSet};

use super::types::ParticipantId;
pub use crate::protocol::energy::PulseKind;

/// Fewer answers than this and the distribution is not shown at all.
pub const MIN_ANSWERS_TO_SHOW: u32 = 3;
pub const MAX_WORD_CHARS: usize = 30;
pub const DEFAULT_SCALE_QUESTION: &str = "How is your energy?";
pub const DEFAULT_WORD_QUESTION: &str = "One word to check out with?";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PulseAnswer {
    Scale(u8),
    Word(String),
}

/// What may be shown of a pulse check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PulseResults {
    pub id: u32,
    pub question: String,
    pub kind: PulseKind,
    pub answered: u32,
    pub open: bool,
    /// Whether a host has shared the results with everyone.
    pub shared: bool,
    /// `None` while open, or when too few answered to show anything safely.
    pub scale: Option<[u32; 5]>,
    pub words: Option<Vec<(String, u32)>>,
}

#[derive(Clone, Debug)]
pub struct Pulse {
    pub id: u32,
    pub question: String,
    pub kind: PulseKind,
    pub open: bool,
    pub shared: bool,
    answered: HashSet<ParticipantId>,
    scale: [u32; 5],
    words: BTreeMap<String, u32>,
}

impl Pulse {
    pub fn new(id: u32, question: Option<String>, kind: PulseKind) -> Result<Pulse, &'static str> {
        let question = match question.map(|q| crate::text::normalize(&q)).filter(|q| !q.is_empty()) {
            Some(q) if crate::text::check(&q, 200, crate::text::Lines::One).is_err() => {
                return Err("a question has at most 200 characters, with no control or invisible characters");
            }
            Some(q) => q,
            None if kind == PulseKind::Scale => DEFAULT_SCALE_QUESTION.to_owned(),
            None => DEFAULT_WORD_QUESTION.to_owned(),
        };
        Ok(Pulse {
            id,
            question,
            kind,
            open: true,
            shared: false,
            answered: HashSet::new(),
            scale: [0; 5],
            words: BTreeMap::new(),
        })
    }

    pub fn answer(&mut self, who: ParticipantId, answer: PulseAnswer) -> Result<(), &'static str> {
        if !self.open {
            return Err("this check is closed");
        }
        if self.answered.contains(&who) {
            return Err("you have already answered");
        }
        match (self.kind, answer) {
            (PulseKind::Scale, PulseAnswer::Scale(n)) if (1..=5).contains(&n) => self.scale[usize::from(n - 1)] += 1,
            (PulseKind::Scale, _) => return Err("answer with a number from 1 to 5"),
            (PulseKind::Word, PulseAnswer::Word(word)) => {
                let word = normalize_word(&word)?;
                *self.words.entry(word).or_insert(0) += 1;
            }
            (PulseKind::Word, _) => return Err("answer with one word"),
        }
        self.answered.insert(who);
        Ok(())
    }

    pub fn answered(&self) -> u32 {
        u32::try_from(self.answered.len()).unwrap_or(u32::MAX)
    }

    pub fn has_answered(&self, who: ParticipantId) -> bool {
        self.answered.contains(&who)
    }

    pub fn close(&mut self) {
        self.open = false;
    }

    pub fn results(&self) -> PulseResults {
        let showable = !self.open && self.answered() >= MIN_ANSWERS_TO_SHOW;
        PulseResults {
            id: self.id,
            question: self.question.clone(),
            kind: self.kind,
            answered: self.answered(),
            open: self.open,
            shared: self.shared,
            scale: (showable && self.kind == PulseKind::Scale).then_some(self.scale),
            words: (showable && self.kind == PulseKind::Word)
                .then(|| self.words.iter().map(|(w, n)| (w.clone(), *n)).collect()),
        }
    }
}

/// One word, lower-cased: letters, with hyphens or apostrophes inside.
fn normalize_word(word: &str) -> Result<String, &'static str> {
    let word = word.trim().to_lowercase();
    let ok = !word.is_empty()
        && word.chars().count() <= MAX_WORD_CHARS
        && word.chars().all(|c| c.is_alphabetic() || c == '-' || c == '\'');
    if ok {
        Ok(word)
    } else {
        Err("answer with one word of up to 30 letters")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(n: u32) -> ParticipantId {
        ParticipantId(n)
    }

    #[test]
    fn nothing_is_shown_while_open_and_the_distribution_only_with_enough_answers() {
        let mut pulse = Pulse::new(1, None, PulseKind::Scale).unwrap();
        pulse.answer(p(1), PulseAnswer::Scale(2)).unwrap();
        pulse.answer(p(2), PulseAnswer::Scale(4)).unwrap();
        let live = pulse.results();
        assert_eq!((live.answered, live.scale), (2, None), "open: only the count");
        pulse.close();
        assert_eq!(pulse.results().scale, None, "two answers could be told apart");

        let mut pulse = Pulse::new(2, None, PulseKind::Scale).unwrap();
        for (who, n) in [(1, 2), (2, 4), (3, 4)] {
            pulse.answer(p(who), PulseAnswer::Scale(n)).unwrap();
        }
        pulse.close();
        assert_eq!(pulse.results().scale, Some([0, 1, 0, 2, 0]));
    }

    #[test]
    fn results_never_carry_who_answered_what() {
        let mut pulse = Pulse::new(1, None, PulseKind::Word).unwrap();
        for (who, word) in [(7, "Tired"), (8, "hopeful"), (9, "tired ")] {
            pulse.answer(p(who), PulseAnswer::Word(word.into())).unwrap();
        }
        pulse.close();
        let results = pulse.results();
        assert_eq!(results.words, Some(vec![("hopeful".into(), 1), ("tired".into(), 2)]));
        // The only per-person fact kept is whether they answered.
        let shown = format!("{results:?}");
        for id in ["7", "8", "9"] {
            assert!(!shown.contains(&format!("ParticipantId({id})")), "{shown}");
        }
    }

    #[test]
    fn each_person_answers_once_with_a_valid_answer() {
        let mut pulse = Pulse::new(1, None, PulseKind::Scale).unwrap();
        assert!(pulse.answer(p(1), PulseAnswer::Scale(0)).is_err());
        assert!(pulse.answer(p(1), PulseAnswer::Scale(6)).is_err());
        assert!(pulse.answer(p(1), PulseAnswer::Word("ok".into())).is_err());
        pulse.answer(p(1), PulseAnswer::Scale(5)).unwrap();
        assert_eq!(
            pulse.answer(p(1), PulseAnswer::Scale(5)),
            Err("you have already answered")
        );
        pulse.close();
        assert_eq!(pulse.answer(p(2), PulseAnswer::Scale(5)), Err("this check is closed"));

        let mut words = Pulse::new(2, Some("  ".into()), PulseKind::Word).unwrap();
        assert_eq!(words.question, DEFAULT_WORD_QUESTION);
        assert!(words.answer(p(1), PulseAnswer::Word("two words".into())).is_err());
        assert!(words.answer(p(1), PulseAnswer::Word("x".repeat(31))).is_err());
        words.answer(p(1), PulseAnswer::Word("worn-out".into())).unwrap();
    }
}

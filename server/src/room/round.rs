//! The check-in round: everyone speaks in turn, and anyone may pass.

use std::collections::BTreeSet;

use super::types::ParticipantId;
pub use crate::protocol::facilitation::RoundOrder;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Round {
    pub order: Vec<ParticipantId>,
    /// Index into `order` of who speaks now; `order.len()` once the round is over.
    pub at: usize,
    /// Who passed, now or in advance: they are skipped when their turn comes.
    pub passed: BTreeSet<ParticipantId>,
}

impl Round {
    /// A round over `people`. `hands` go first for `HandsFirst`; `seed` mixes
    /// the order for `Shuffled` (the caller draws it, so the room stays pure).
    pub fn new(people: &[ParticipantId], hands: &[ParticipantId], order: RoundOrder, seed: u64) -> Round {
        let mut speakers: Vec<ParticipantId> = match order {
            RoundOrder::HandsFirst => {
                let raised = hands.iter().copied().filter(|h| people.contains(h));
                let rest = people.iter().copied().filter(|p| !hands.contains(p));
                raised.chain(rest).collect()
            }
            RoundOrder::Shuffled => people.to_vec(),
        };
        if order == RoundOrder::Shuffled {
            shuffle(&mut speakers, seed);
        }
        Round {
            order: speakers,
            at: 0,
            passed: BTreeSet::new(),
        }
    }

    pub fn speaker(&self) -> Option<ParticipantId> {
        self.order.get(self.at).copied()
    }

    pub fn is_over(&self) -> bool {
        self.at >= self.order.len()
    }

    /// Gives the floor to the next person who has not passed.
    pub fn advance(&mut self) {
        self.at += 1;
        self.skip_passed();
    }

    /// `who` passes: if it is their turn the round moves on, otherwise they
    /// are skipped when it comes.
    pub fn pass(&mut self, who: ParticipantId) {
        self.passed.insert(who);
        self.skip_passed();
    }

    /// Someone joined during the round: they go last.
    pub fn append(&mut self, who: ParticipantId) {
        if !self.order.contains(&who) {
            self.order.push(who);
        }
    }

    /// Someone left: their turn goes, and no one else's moves.
    pub fn remove(&mut self, who: ParticipantId) {
        if let Some(index) = self.order.iter().position(|p| *p == who) {
            self.order.remove(index);
            if index < self.at {
                self.at -= 1;
            }
            self.passed.remove(&who);
            self.skip_passed();
        }
    }

    fn skip_passed(&mut self) {
        while self.speaker().is_some_and(|s| self.passed.contains(&s)) {
            self.at += 1;
        }
    }
}

/// Fisher-Yates with splitmix64: a fair enough order for who speaks first,
/// and the same order for the same seed, which the tests rely on.
fn shuffle(list: &mut [ParticipantId], seed: u64) {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    for i in (1..list.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        list.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[u32]) -> Vec<ParticipantId> {
        list.iter().map(|n| ParticipantId(*n)).collect()
    }

    #[test]
    fn hands_go_first_then_everyone_else_in_order() {
        let round = Round::new(&ids(&[2, 3, 4, 5]), &ids(&[4, 9, 2]), RoundOrder::HandsFirst, 0);
        assert_eq!(
            round.order,
            ids(&[4, 2, 3, 5]),
            "a hand of someone not in the round is ignored"
        );
    }

    #[test]
    fn a_shuffle_keeps_everyone_once_and_depends_on_the_seed() {
        let people = ids(&[2, 3, 4, 5, 6, 7]);
        let a = Round::new(&people, &[], RoundOrder::Shuffled, 1);
        let b = Round::new(&people, &[], RoundOrder::Shuffled, 2);
        let mut sorted = a.order.clone();
        sorted.sort();
        assert_eq!(sorted, people);
        assert_ne!(a.order, b.order);
        assert_eq!(a.order, Round::new(&people, &[], RoundOrder::Shuffled, 1).order);
    }

    #[test]
    fn passing_now_or_in_advance_skips_a_turn() {
        let mut round = Round::new(&ids(&[2, 3, 4, 5]), &[], RoundOrder::HandsFirst, 0);
        round.pass(ParticipantId(4)); // in advance
        assert_eq!(round.speaker(), Some(ParticipantId(2)));
        round.pass(ParticipantId(2)); // on their turn
        assert_eq!(round.speaker(), Some(ParticipantId(3)));
        round.advance();
        assert_eq!(round.speaker(), Some(ParticipantId(5)), "4 passed in advance");
        round.advance();
        assert!(round.is_over());
    }

    #[test]
    fn leaving_and_joining_during_a_round_keeps_the_current_speaker() {
        let mut round = Round::new(&ids(&[2, 3, 4]), &[], RoundOrder::HandsFirst, 0);
        round.advance();
        round.remove(ParticipantId(2));
        assert_eq!(round.speaker(), Some(ParticipantId(3)));
        round.append(ParticipantId(9));
        round.remove(ParticipantId(3));
        assert_eq!(
            round.speaker(),
            Some(ParticipantId(4)),
            "the current speaker left: the next one speaks"
        );
        round.advance();
        assert_eq!(round.speaker(), Some(ParticipantId(9)));
    }
}

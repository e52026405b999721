//! The session's summary: takeaways, consensus, outcomes and follow-ups.
//!
//! Items carry no author. Hosts change items directly; participants propose
//! items that a host accepts or declines. Every accepted change carries the
//! client's idempotency key: a key already applied is acknowledged again
//! without applying the change twice, even across a restart (the keys are
//! stored with the items).

use std::collections::HashSet;

pub use crate::protocol::summary::{SummaryItem, SummaryKind};

pub const MAX_ITEMS: usize = 100;
pub const MAX_ITEM_CHARS: usize = 1_000;
pub const MAX_PROPOSALS: usize = 50;

/// A participant's suggestion, waiting for a host. Kept in memory only: until
/// a host accepts it, it is not part of the record. It has the shape of an
/// item, and like an item no author.
pub type Proposal = SummaryItem;

impl SummaryKind {
    /// The heading of this kind in an exported summary.
    pub fn heading(self) -> &'static str {
        match self {
            SummaryKind::Takeaway => "Key takeaways",
            SummaryKind::Consensus => "Points of consensus",
            SummaryKind::Outcome => "Outcomes",
            SummaryKind::FollowUp => "Follow-ups",
        }
    }
}

/// A change a host makes to the summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SummaryChange {
    Add { kind: SummaryKind, text: String },
    Edit { item: u32, kind: SummaryKind, text: String },
    Delete { item: u32 },
    Move { item: u32, position: usize },
    Accept { proposal: u32 },
    Finalize,
}

/// The summary as stored: what survives a restart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoredSummary {
    pub items: Vec<SummaryItem>,
    pub finalized: bool,
    pub applied_keys: HashSet<String>,
}

#[derive(Clone, Debug)]
pub struct Summary {
    pub items: Vec<SummaryItem>,
    pub proposals: Vec<Proposal>,
    pub finalized: bool,
    applied_keys: HashSet<String>,
    next_id: u32,
}

/// Whether a change was applied now or had been applied before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    Now,
    AlreadyApplied,
}

impl Default for Summary {
    fn default() -> Self {
        Summary::restore(StoredSummary::default())
    }
}

impl Summary {
    pub fn restore(stored: StoredSummary) -> Summary {
        let next_id = stored.items.iter().map(|i| i.id).max().unwrap_or(0) + 1;
        Summary {
            items: stored.items,
            proposals: Vec::new(),
            finalized: stored.finalized,
            applied_keys: stored.applied_keys,
            next_id,
        }
    }

    /// Applies a host's change once per key.
    pub fn apply(&mut self, key: &str, change: SummaryChange) -> Result<Applied, &'static str> {
        if self.applied_keys.contains(key) {
            return Ok(Applied::AlreadyApplied);
        }
        if self.finalized {
            return Err("the summary is final");
        }
        match change {
            SummaryChange::Add { kind, text } => {
                let text = clean(&text)?;
                if self.items.len() >= MAX_ITEMS {
                    return Err("a summary has at most 100 items");
                }
                let id = self.take_id();
                self.items.push(SummaryItem { id, kind, text });
            }
            SummaryChange::Edit { item, kind, text } => {
                let text = clean(&text)?;
                let found = self.items.iter_mut().find(|i| i.id == item).ok_or("no such item")?;
                found.kind = kind;
                found.text = text;
            }
            SummaryChange::Delete { item } => {
                let before = self.items.len();
                self.items.retain(|i| i.id != item);
                if self.items.len() == before {
                    return Err("no such item");
                }
            }
            SummaryChange::Move { item, position } => {
                let from = self.items.iter().position(|i| i.id == item).ok_or("no such item")?;
                let moved = self.items.remove(from);
                let to = position.min(self.items.len());
                self.items.insert(to, moved);
            }
            SummaryChange::Accept { proposal } => {
                let at = self
                    .proposals
                    .iter()
                    .position(|p| p.id == proposal)
                    .ok_or("no such proposal")?;
                if self.items.len() >= MAX_ITEMS {
                    return Err("a summary has at most 100 items");
                }
                let accepted = self.proposals.remove(at);
                let id = self.take_id();
                self.items.push(SummaryItem {
                    id,
                    kind: accepted.kind,
                    text: accepted.text,
                });
            }
            SummaryChange::Finalize => self.finalized = true,
        }
        self.applied_keys.insert(key.to_owned());
        Ok(Applied::Now)
    }

    pub fn propose(&mut self, kind: SummaryKind, text: &str) -> Result<u32, &'static str> {
        if self.finalized {
            return Err("the summary is final");
        }
        if self.proposals.len() >= MAX_PROPOSALS {
            return Err("too many proposals are waiting: ask a facilitator to review them");
        }
        let text = clean(text)?;
        let id = self.take_id();
        self.proposals.push(Proposal { id, kind, text });
        Ok(id)
    }

    pub fn decline(&mut self, proposal: u32) -> Result<(), &'static str> {
        let before = self.proposals.len();
        self.proposals.retain(|p| p.id != proposal);
        if self.proposals.len() == before {
            return Err("no such proposal");
        }
        Ok(())
    }

    fn take_id(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }
}

/// A client's idempotency key: 8 to 64 letters, digits, `-` or `_`.
pub fn key_ok(key: &str) -> bool {
    (8..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn clean(text: &str) -> Result<String, &'static str> {
    crate::text::clean(text, MAX_ITEM_CHARS, crate::text::Lines::Many).map_err(|error| match error {
        crate::text::TextError::Control | crate::text::TextError::Hidden => {
            "a summary item cannot contain control or invisible characters"
        }
        _ => "a summary item has between 1 and 1000 characters",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(text: &str) -> SummaryChange {
        SummaryChange::Add {
            kind: SummaryKind::Takeaway,
            text: text.into(),
        }
    }

    #[test]
    fn a_key_is_applied_once() {
        let mut summary = Summary::default();
        assert_eq!(summary.apply("key-0001", add("rest matters")), Ok(Applied::Now));
        assert_eq!(
            summary.apply("key-0001", add("rest matters")),
            Ok(Applied::AlreadyApplied)
        );
        assert_eq!(summary.items.len(), 1);
        // The keys survive a restore, so a retry after a restart is a no-op too.
        let stored = StoredSummary {
            items: summary.items.clone(),
            finalized: false,
            applied_keys: ["key-0001".to_owned()].into(),
        };
        let mut restored = Summary::restore(stored);
        assert_eq!(
            restored.apply("key-0001", add("rest matters")),
            Ok(Applied::AlreadyApplied)
        );
        assert_eq!(restored.apply("key-0002", add("sleep")), Ok(Applied::Now));
        assert_eq!(restored.items.iter().map(|i| i.id).collect::<Vec<_>>(), vec![1, 2]);
    }

    #[test]
    fn proposals_become_items_only_when_accepted() {
        let mut summary = Summary::default();
        let kept = summary
            .propose(SummaryKind::FollowUp, "meet again in two weeks")
            .unwrap();
        let dropped = summary.propose(SummaryKind::Outcome, "nothing").unwrap();
        assert!(summary.items.is_empty());
        summary
            .apply("accept-1", SummaryChange::Accept { proposal: kept })
            .unwrap();
        summary.decline(dropped).unwrap();
        assert_eq!(summary.items.len(), 1);
        assert_eq!(summary.items[0].kind, SummaryKind::FollowUp);
        assert!(summary.proposals.is_empty());
        assert!(summary.decline(dropped).is_err());
    }

    #[test]
    fn edits_moves_and_deletes_then_a_final_summary_is_frozen() {
        let mut summary = Summary::default();
        for (key, text) in [("k-aaaaaa1", "one"), ("k-aaaaaa2", "two"), ("k-aaaaaa3", "three")] {
            summary.apply(key, add(text)).unwrap();
        }
        summary
            .apply("k-move-01", SummaryChange::Move { item: 3, position: 0 })
            .unwrap();
        summary
            .apply(
                "k-edit-01",
                SummaryChange::Edit {
                    item: 1,
                    kind: SummaryKind::Consensus,
                    text: "uno".into(),
                },
            )
            .unwrap();
        summary.apply("k-del-001", SummaryChange::Delete { item: 2 }).unwrap();
        let texts: Vec<&str> = summary.items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(texts, vec!["three", "uno"]);
        summary.apply("k-final-1", SummaryChange::Finalize).unwrap();
        assert_eq!(summary.apply("k-late-01", add("late")), Err("the summary is final"));
        assert!(summary.propose(SummaryKind::Takeaway, "late").is_err());
    }

    #[test]
    fn bad_text_and_keys_are_refused() {
        let mut summary = Summary::default();
        assert!(summary.apply("k-empty-1", add("   ")).is_err());
        assert!(summary.apply("k-long-01", add(&"x".repeat(1001))).is_err());
        assert!(summary.items.is_empty());
        assert!(key_ok("2f6c1a9e-4b7d"));
        assert!(!key_ok("short"));
        assert!(!key_ok("has space in it"));
    }
}

//! Counting what strangers hold open, in total and per address, under caps:
//! connections (`http::listen`), and WebSockets that have not joined a room
//! (`ws`). A place is held by a `Held` guard and given back when it drops,
//! so nothing is ever forgotten to be counted down.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct Tally {
    inner: Arc<Inner>,
}

struct Inner {
    max_total: usize,
    max_per_address: usize,
    open: Mutex<Open>,
}

#[derive(Default)]
struct Open {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

/// One place in a tally; dropping the last clone of it frees the place.
pub struct Held {
    inner: Arc<Inner>,
    ip: IpAddr,
}

impl Tally {
    pub fn new(max_total: usize, max_per_address: usize) -> Tally {
        Tally {
            inner: Arc::new(Inner {
                max_total,
                max_per_address,
                open: Mutex::default(),
            }),
        }
    }

    /// A place for `ip`, or `None` if it would pass a cap.
    pub fn hold(&self, ip: IpAddr) -> Option<Held> {
        let mut open = lock(&self.inner.open);
        let from_here = open.by_address.get(&ip).copied().unwrap_or(0);
        if open.total >= self.inner.max_total || from_here >= self.inner.max_per_address {
            return None;
        }
        open.total += 1;
        open.by_address.insert(ip, from_here + 1);
        Some(Held {
            inner: Arc::clone(&self.inner),
            ip,
        })
    }

    /// Places held now, in total.
    pub fn held(&self) -> usize {
        lock(&self.inner.open).total
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut open = lock(&self.inner.open);
        open.total = open.total.saturating_sub(1);
        if let Some(count) = open.by_address.get_mut(&self.ip) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                // The map holds only addresses with something open: it is
                // bounded by the total cap, not by how many ever came.
                open.by_address.remove(&self.ip);
            }
        }
    }
}

/// A poisoned lock only means a task panicked while counting; the counts
/// are still right, so carry on.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_cannot_take_every_place_and_a_freed_one_is_given_back() {
        let tally = Tally::new(4, 2);
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let first = tally.hold(a).expect("first");
        let _second = tally.hold(a).expect("second");
        assert!(tally.hold(a).is_none(), "a third from the same address");
        let _others = [tally.hold(b).expect("b1"), tally.hold(b).expect("b2")];
        assert!(
            tally.hold("10.0.0.3".parse().unwrap()).is_none(),
            "the total is reached"
        );
        drop(first);
        assert_eq!(tally.held(), 3);
        assert!(tally.hold(a).is_some(), "a freed place can be held again");
    }

    #[test]
    fn addresses_with_nothing_open_are_forgotten() {
        let tally = Tally::new(1_000_000, 1);
        for n in 0..1000u32 {
            let ip = IpAddr::from(n.to_be_bytes());
            drop(tally.hold(ip).expect("a place"));
        }
        assert_eq!(lock(&tally.inner.open).by_address.len(), 0);
    }
}

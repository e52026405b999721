//! Slowing down password guessing: failed logins are counted per account and
//! per address over a window; past a few, that account or that address is
//! refused (429 with `Retry-After`) until the window has passed.
//!
//! In memory only, with nothing to clean up after a restart, and bounded: a
//! stranger who tries a million made-up emails from a thousand addresses
//! fills at most `MAX_TRACKED` entries per map, the oldest making room.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed logins allowed per account in `WINDOW` before it is refused a while.
pub const MAX_ACCOUNT_FAILURES: u32 = 5;
/// Failed logins allowed per address in `WINDOW`: a few people may share one
/// (a hospital's network), so more than per account.
pub const MAX_ADDRESS_FAILURES: u32 = 20;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The most accounts, and the most addresses, remembered at once.
pub const MAX_TRACKED: usize = 10_000;

#[derive(Default)]
pub struct LoginLimiter {
    accounts: Failures<String>,
    addresses: Failures<IpAddr>,
}

impl LoginLimiter {
    /// Seconds to wait, if this account or this address has failed too often lately.
    pub fn blocked(&self, email: &str, from: Option<IpAddr>, now: Instant) -> Option<u64> {
        let account = self.accounts.blocked(email, MAX_ACCOUNT_FAILURES, now);
        let address = from.and_then(|ip| self.addresses.blocked(&ip, MAX_ADDRESS_FAILURES, now));
        account.max(address)
    }

    pub fn failed(&self, email: &str, from: Option<IpAddr>, now: Instant) {
        self.accounts.failed(email.to_owned(), now);
        if let Some(ip) = from {
            self.addresses.failed(ip, now);
        }
    }

    /// A right password clears the account's count, not the address's: a
    /// guesser who knows one password must not clear the way for others.
    pub fn succeeded(&self, email: &str) {
        self.accounts.forget(email);
    }
}

/// What the front door for one-on-one support does without an account,
/// counted per address over the same window: requests for a peer (so one
/// address cannot fill the organizers' list and the store), and looking up
/// open times to book (each costs a walk through the roster's weeks).
/// Bounded like the logins' maps.
pub struct RequestLimiter {
    addresses: Failures<IpAddr>,
    max: u32,
}

/// Requests for a peer one address may make in `WINDOW`: a few colleagues
/// on one hospital network, not a flood.
pub const MAX_REQUESTS_PER_ADDRESS: u32 = 5;
/// Looks at the open times (and bookings) one address may make in `WINDOW`.
pub const MAX_SLOT_LOOKUPS_PER_ADDRESS: u32 = 60;

impl RequestLimiter {
    pub fn new(max: u32) -> RequestLimiter {
        RequestLimiter {
            addresses: Failures::default(),
            max,
        }
    }

    /// Counts one from `from`; `Some(seconds to wait)` when the address has
    /// made too many lately (and this one is not counted).
    pub fn take(&self, from: Option<IpAddr>, now: Instant) -> Option<u64> {
        let ip = from?;
        if let Some(wait) = self.addresses.blocked(&ip, self.max, now) {
            return Some(wait);
        }
        self.addresses.failed(ip, now);
        None
    }
}

/// Failures per key: how many in the current window, and when it began.
struct Failures<K> {
    counts: Mutex<HashMap<K, (u32, Instant)>>,
}

impl<K> Default for Failures<K> {
    fn default() -> Self {
        Failures {
            counts: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash + Clone> Failures<K> {
    fn blocked<Q>(&self, key: &Q, max: u32, now: Instant) -> Option<u64>
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        let counts = lock(&self.counts);
        let (count, since) = *counts.get(key)?;
        let elapsed = now.saturating_duration_since(since);
        (count >= max && elapsed < WINDOW).then(|| (WINDOW - elapsed).as_secs().max(1))
    }

    fn failed(&self, key: K, now: Instant) {
        let mut counts = lock(&self.counts);
        if !counts.contains_key(&key) && counts.len() >= MAX_TRACKED {
            // Make room: first whatever has passed its window, then, if a
            // flood of fresh keys fills the map, the oldest.
            counts.retain(|_, (_, since)| now.saturating_duration_since(*since) < WINDOW);
            if counts.len() >= MAX_TRACKED
                && let Some(oldest) = counts
                    .iter()
                    .min_by_key(|(_, (_, since))| *since)
                    .map(|(k, _)| k.clone())
            {
                counts.remove(&oldest);
            }
        }
        let entry = counts.entry(key).or_insert((0, now));
        if now.saturating_duration_since(entry.1) >= WINDOW {
            *entry = (0, now);
        }
        entry.0 += 1;
    }

    fn forget<Q>(&self, key: &Q)
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        lock(&self.counts).remove(key);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        lock(&self.counts).len()
    }
}

/// A poisoned lock only means a task panicked while counting; carry on.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HERE: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1)));

    #[test]
    fn an_account_is_refused_a_while_after_five_failures() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        for _ in 0..5 {
            assert_eq!(limiter.blocked("a@b.org", HERE, start), None);
            limiter.failed("a@b.org", HERE, start);
        }
        assert!(limiter.blocked("a@b.org", None, start).is_some());
        assert_eq!(limiter.blocked("other@b.org", None, start), None);
        assert_eq!(limiter.blocked("a@b.org", None, start + WINDOW), None);
        limiter.succeeded("a@b.org");
        assert_eq!(limiter.blocked("a@b.org", None, start), None);
    }

    #[test]
    fn an_address_guessing_at_many_accounts_is_refused_too() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        for n in 0..MAX_ADDRESS_FAILURES {
            limiter.failed(&format!("person{n}@b.org"), HERE, start);
        }
        let wait = limiter
            .blocked("someone-new@b.org", HERE, start)
            .expect("the address is refused");
        assert!(wait > 0 && wait <= WINDOW.as_secs());
        assert_eq!(
            limiter.blocked("someone-new@b.org", None, start),
            None,
            "not the account"
        );
        limiter.succeeded("person0@b.org");
        assert!(
            limiter.blocked("x@b.org", HERE, start).is_some(),
            "a success does not clear the address"
        );
    }

    #[test]
    fn made_up_accounts_never_grow_the_memory_past_the_bound() {
        let limiter = LoginLimiter::default();
        let start = Instant::now();
        for n in 0..(MAX_TRACKED + 500) {
            let from = IpAddr::from(u32::try_from(n).unwrap_or(0).to_be_bytes());
            limiter.failed(
                &format!("made-up-{n}@b.org"),
                Some(from),
                start + Duration::from_millis(n as u64),
            );
        }
        assert_eq!(limiter.accounts.len(), MAX_TRACKED);
        assert_eq!(limiter.addresses.len(), MAX_TRACKED);
    }
}

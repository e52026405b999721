//! A per-connection limit on how fast a client may send.
//!
//! Two buckets: `tokens` pays for each message and refills at `rate`;
//! `strikes` counts refused messages and drains at the same rate. A client
//! that now and then sends a burst gets a `rate_limited` error and loses only
//! the excess; one that keeps flooding fills `strikes` and is disconnected.

use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug)]
pub struct RateConfig {
    /// Messages per second a client may send for as long as it likes.
    pub per_second: f64,
    /// Messages a client may send at once after being quiet.
    pub burst: f64,
    /// Refused messages, net of the drain, after which the client is cut off.
    pub max_strikes: f64,
}

impl Default for RateConfig {
    fn default() -> Self {
        RateConfig {
            per_second: 20.0,
            burst: 40.0,
            max_strikes: 100.0,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    /// Drop the message; `warn` is true for the first refusal in a second, so
    /// a flood is not answered with a flood of errors.
    Refuse {
        warn: bool,
    },
    /// The client keeps flooding: close the connection.
    Disconnect,
}

pub struct RateLimiter {
    config: RateConfig,
    tokens: f64,
    strikes: f64,
    last: Instant,
    last_warning: Option<Instant>,
}

impl RateLimiter {
    pub fn new(config: RateConfig, now: Instant) -> RateLimiter {
        RateLimiter {
            config,
            tokens: config.burst,
            strikes: 0.0,
            last: now,
            last_warning: None,
        }
    }

    pub fn check(&mut self, now: Instant) -> Verdict {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        let refill = elapsed * self.config.per_second;
        self.tokens = (self.tokens + refill).min(self.config.burst);
        self.strikes = (self.strikes - refill).max(0.0);

        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Verdict::Allow;
        }
        self.strikes += 1.0;
        if self.strikes > self.config.max_strikes {
            return Verdict::Disconnect;
        }
        let warn = self
            .last_warning
            .is_none_or(|at| now.saturating_duration_since(at) >= Duration::from_secs(1));
        if warn {
            self.last_warning = Some(now);
        }
        Verdict::Refuse { warn }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(start: Instant) -> RateLimiter {
        RateLimiter::new(RateConfig::default(), start)
    }

    #[test]
    fn a_burst_is_allowed_and_the_excess_refused() {
        let start = Instant::now();
        let mut limit = limiter(start);
        for _ in 0..40 {
            assert_eq!(limit.check(start), Verdict::Allow);
        }
        assert_eq!(limit.check(start), Verdict::Refuse { warn: true });
        assert_eq!(limit.check(start), Verdict::Refuse { warn: false });
        // Half a second refills ten messages.
        let later = start + Duration::from_millis(500);
        for _ in 0..10 {
            assert_eq!(limit.check(later), Verdict::Allow);
        }
    }

    #[test]
    fn a_steady_pace_at_the_rate_is_never_refused() {
        let start = Instant::now();
        let mut limit = limiter(start);
        for i in 0..10_000u64 {
            let at = start + Duration::from_millis(i * 50);
            assert_eq!(limit.check(at), Verdict::Allow, "message {i}");
        }
    }

    #[test]
    fn a_sustained_flood_is_disconnected() {
        let start = Instant::now();
        let mut limit = limiter(start);
        // 500 messages a second: well past the rate, even with the drain.
        let verdicts: Vec<Verdict> = (0..1_000u64)
            .map(|i| limit.check(start + Duration::from_millis(i * 2)))
            .collect();
        assert!(verdicts.contains(&Verdict::Disconnect));
    }

    #[test]
    fn a_client_slightly_over_the_rate_loses_messages_but_stays() {
        let start = Instant::now();
        let mut limit = limiter(start);
        // 25 a second against a rate of 20, for a minute.
        let verdicts: Vec<Verdict> = (0..1_500u64)
            .map(|i| limit.check(start + Duration::from_millis(i * 40)))
            .collect();
        assert!(!verdicts.contains(&Verdict::Disconnect));
        assert!(verdicts.iter().any(|v| matches!(v, Verdict::Refuse { .. })));
    }
}

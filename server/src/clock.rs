//! The one place that reads the wall clock. Everything else takes time as an
//! argument, so the room logic is tested with time passed in.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::room::Millis;

/// Milliseconds since the Unix epoch, UTC.
pub fn now_millis() -> Millis {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}

/// The monotonic instant at which the wall clock will read `at`.
pub fn instant_at(at: Millis) -> tokio::time::Instant {
    let wait = u64::try_from(at.saturating_sub(now_millis())).unwrap_or(0);
    tokio::time::Instant::now() + Duration::from_millis(wait)
}

//! The job that forgets what identified physicians who asked for a peer:
//! once an hour, requests closed more than `days` ago lose their first name,
//! address and times (`Store::forget_closed_requests`). It runs on its own,
//! whether or not mail is on; a restart simply runs it again.

use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use crate::clock;
use crate::store::Store;

/// Thirty days after a request closes, unless the deployment says otherwise.
pub const DEFAULT_DAYS: u32 = 30;
const EVERY: Duration = Duration::from_secs(3600);

pub async fn run(store: Store, days: u32, shutdown: CancellationToken) {
    loop {
        match store.forget_closed_requests(clock::now_millis(), days).await {
            Ok(0) => {}
            Ok(forgotten) => info!(forgotten, "requests for a peer forgotten after their retention"),
            Err(error) => warn!(%error, "the retention job failed; it runs again in an hour"),
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(EVERY) => {}
        }
    }
}

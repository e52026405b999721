//! Keyframe requests to a publisher, paced. Every subscriber that starts,
//! loses packets or waits for a picture wants a keyframe, and a careless
//! client may ask in a loop; each keyframe costs the publisher's uplink
//! several times a delta frame. So a publisher is asked at most once per
//! `MIN_GAP` (browsers ignore requests closer than about that anyway), and a
//! request inside the gap is not dropped but folded into one sent when the
//! gap ends: whoever asked still gets their keyframe. Each simulcast layer
//! is paced on its own (`layers.rs`).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rtc::rtcp::payload_feedbacks::picture_loss_indication::PictureLossIndication;

use super::session::{Publication, lock};

/// At most one request to a publisher this often.
pub const MIN_GAP: Duration = Duration::from_millis(300);

/// What to do with a request now.
#[derive(Debug, PartialEq, Eq)]
pub enum Ask {
    /// Send it now.
    Now,
    /// Send one at this time (and call `fired` then).
    At(Instant),
    /// One is already due: nothing more to do.
    Folded,
}

/// The pacing of one publisher's requests.
#[derive(Debug, Default)]
pub struct KeyframePacer {
    state: Mutex<PacerState>,
}

#[derive(Debug, Default)]
struct PacerState {
    last: Option<Instant>,
    due: bool,
}

impl KeyframePacer {
    pub fn ask(&self, now: Instant) -> Ask {
        let mut state = lock(&self.state);
        if state.due {
            return Ask::Folded;
        }
        match state.last {
            Some(last) if now.saturating_duration_since(last) < MIN_GAP => {
                state.due = true;
                Ask::At(last + MIN_GAP)
            }
            _ => {
                state.last = Some(now);
                Ask::Now
            }
        }
    }

    /// The request folded into `Ask::At` went out.
    pub fn fired(&self, now: Instant) {
        let mut state = lock(&self.state);
        state.due = false;
        state.last = Some(now);
    }
}

/// Asks a publisher for a keyframe on every layer it sends, each paced.
/// Before its track has arrived there is no one to ask yet; forwarding
/// asks when it starts.
pub fn request_keyframe(publication: &Arc<Publication>) {
    for (layer, _) in publication.layers.known() {
        request_layer_keyframe(publication, layer);
    }
}

/// Asks for a keyframe on one simulcast layer (a subscriber moving to it
/// starts there), paced per layer.
pub fn request_layer_keyframe(publication: &Arc<Publication>, layer: u8) {
    let Some(pacer) = publication.layers.pacer(layer) else {
        return;
    };
    match pacer.ask(Instant::now()) {
        Ask::Now => send(Arc::clone(publication), layer),
        Ask::At(at) => {
            let publication = Arc::clone(publication);
            tokio::spawn(async move {
                tokio::time::sleep_until(at.into()).await;
                if let Some(pacer) = publication.layers.pacer(layer) {
                    pacer.fired(Instant::now());
                }
                send(publication, layer);
            });
        }
        Ask::Folded => {}
    }
}

fn send(publication: Arc<Publication>, layer: u8) {
    let Some(source) = publication.source.get() else {
        return;
    };
    let Some((_, media_ssrc)) = publication.layers.known().find(|(l, _)| *l == layer) else {
        return;
    };
    let remote = Arc::clone(&source.remote);
    tokio::spawn(async move {
        let pli = PictureLossIndication {
            sender_ssrc: 0,
            media_ssrc,
        };
        // A publisher gone meanwhile has no one left to send keyframes to.
        let _ = remote.write_rtcp(vec![Box::new(pli)]).await;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_in_a_burst_become_one_now_and_one_when_the_gap_ends() {
        let pacer = KeyframePacer::default();
        let start = Instant::now();
        assert_eq!(pacer.ask(start), Ask::Now);
        let at = start + MIN_GAP;
        assert_eq!(pacer.ask(start + Duration::from_millis(10)), Ask::At(at));
        // Eleven more subscribers in the same gap: folded into that one.
        for i in 0..11 {
            assert_eq!(pacer.ask(start + Duration::from_millis(20 + i)), Ask::Folded);
        }
        pacer.fired(at);
        // Right after, the next request waits for the next gap again.
        assert_eq!(pacer.ask(at + Duration::from_millis(1)), Ask::At(at + MIN_GAP));
    }

    #[test]
    fn a_request_after_the_gap_goes_at_once() {
        let pacer = KeyframePacer::default();
        let start = Instant::now();
        assert_eq!(pacer.ask(start), Ask::Now);
        assert_eq!(pacer.ask(start + MIN_GAP), Ask::Now);
        assert_eq!(pacer.ask(start + MIN_GAP * 5), Ask::Now);
    }

    #[test]
    fn a_client_asking_in_a_loop_costs_the_publisher_at_most_one_keyframe_per_gap() {
        let pacer = KeyframePacer::default();
        let start = Instant::now();
        let mut sent = 0;
        let mut due: Option<Instant> = None;
        // Ten seconds of a request every millisecond.
        for ms in 0..10_000u64 {
            let now = start + Duration::from_millis(ms);
            if due.is_some_and(|at| at <= now) {
                pacer.fired(now);
                sent += 1;
                due = None;
            }
            match pacer.ask(now) {
                Ask::Now => sent += 1,
                Ask::At(at) => due = Some(at),
                Ask::Folded => {}
            }
        }
        let most = 10_000 / MIN_GAP.as_millis() + 1;
        assert!(sent as u128 <= most, "{sent} keyframes in 10 s");
        assert!(sent >= 30, "requests still get keyframes: {sent}");
    }
}

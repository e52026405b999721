//! How one connection stands, for the others' tiles, and when it is given
//! up. Pure: the peer task feeds it the connection's states and its own
//! deadlines, and reports what it answers.
//!
//! A connection starts `connecting`. Not up `TROUBLE_AFTER` after the offer,
//! it is `trouble`; not up `setup_within` after the offer, or
//! `handshake_within` after ICE found a path (the `webrtc` crate's DTLS can
//! stall for good, docs/media.md), it is given up. Once up it has no
//! deadlines left; lost afterwards, it is `trouble`, and the page retries.

use std::time::{Duration, Instant};

use webrtc::peer_connection::RTCPeerConnectionState;

use crate::protocol::presence::MediaLink;

/// A connection not up this long after the offer shows as a problem on the
/// person's tile, before their page tries again (after 10 s).
const TROUBLE_AFTER: Duration = Duration::from_secs(6);

/// What the room is to be told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkNews {
    /// The connection stands otherwise now.
    Link(MediaLink),
    /// Not up in time: let it go, and ask the page to start afresh.
    GiveUp,
}

pub struct LinkWatch {
    /// As last told to the room.
    link: MediaLink,
    trouble_at: Instant,
    give_up_at: Instant,
    handshake_within: Duration,
    /// Up once, or given up: no deadlines left.
    settled: bool,
}

impl LinkWatch {
    /// A connection whose offer came at `now`.
    pub fn new(now: Instant, setup_within: Duration, handshake_within: Duration) -> LinkWatch {
        LinkWatch {
            link: MediaLink::Connecting,
            trouble_at: now + TROUBLE_AFTER.min(setup_within),
            give_up_at: now + setup_within,
            handshake_within,
            settled: false,
        }
    }

    /// When `overdue` is next due, if ever.
    pub fn deadline(&self) -> Option<Instant> {
        match (self.settled, self.link) {
            (true, _) => None,
            (false, MediaLink::Trouble) => Some(self.give_up_at),
            (false, _) => Some(self.trouble_at),
        }
    }

    /// ICE found a path: the handshake has `handshake_within` from `now`.
    pub fn path_found(&mut self, now: Instant) {
        self.give_up_at = self.give_up_at.min(now + self.handshake_within);
        self.trouble_at = self.trouble_at.min(self.give_up_at);
    }

    /// The connection's state changed.
    pub fn state_changed(&mut self, state: RTCPeerConnectionState) -> Option<LinkNews> {
        let link = match state {
            RTCPeerConnectionState::Connected => {
                self.settled = true;
                MediaLink::Connected
            }
            RTCPeerConnectionState::Disconnected | RTCPeerConnectionState::Failed => MediaLink::Trouble,
            _ => return None,
        };
        self.changed_to(link)
    }

    /// The deadline passed: first a problem on the tile, then given up.
    pub fn overdue(&mut self) -> Option<LinkNews> {
        if self.link == MediaLink::Trouble {
            self.settled = true;
            Some(LinkNews::GiveUp)
        } else {
            self.changed_to(MediaLink::Trouble)
        }
    }

    fn changed_to(&mut self, link: MediaLink) -> Option<LinkNews> {
        (self.link != link).then(|| {
            self.link = link;
            LinkNews::Link(link)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETUP: Duration = Duration::from_secs(30);
    const HANDSHAKE: Duration = Duration::from_secs(8);

    #[test]
    fn a_connection_never_up_is_trouble_after_six_seconds_then_given_up_at_its_setup_limit() {
        let t0 = Instant::now();
        let mut watch = LinkWatch::new(t0, SETUP, HANDSHAKE);
        assert_eq!(watch.deadline(), Some(t0 + TROUBLE_AFTER));
        assert_eq!(watch.overdue(), Some(LinkNews::Link(MediaLink::Trouble)));
        assert_eq!(watch.deadline(), Some(t0 + SETUP));
        assert_eq!(watch.overdue(), Some(LinkNews::GiveUp));
        assert_eq!(watch.deadline(), None, "given up once");
    }

    #[test]
    fn a_path_found_leaves_the_handshake_its_own_time() {
        let t0 = Instant::now();
        let mut watch = LinkWatch::new(t0, SETUP, HANDSHAKE);
        watch.path_found(t0 + Duration::from_secs(1));
        assert_eq!(watch.deadline(), Some(t0 + TROUBLE_AFTER));
        watch.overdue();
        assert_eq!(watch.deadline(), Some(t0 + Duration::from_secs(9)));

        // A handshake shorter than the trouble delay: trouble comes with it.
        let mut quick = LinkWatch::new(t0, SETUP, Duration::from_secs(2));
        quick.path_found(t0);
        assert_eq!(quick.deadline(), Some(t0 + Duration::from_secs(2)));
    }

    #[test]
    fn once_up_no_deadline_is_left_and_a_lost_connection_is_trouble_once() {
        let t0 = Instant::now();
        let mut watch = LinkWatch::new(t0, SETUP, HANDSHAKE);
        assert_eq!(watch.state_changed(RTCPeerConnectionState::Connecting), None);
        assert_eq!(
            watch.state_changed(RTCPeerConnectionState::Connected),
            Some(LinkNews::Link(MediaLink::Connected))
        );
        assert_eq!(watch.deadline(), None);
        assert_eq!(
            watch.state_changed(RTCPeerConnectionState::Disconnected),
            Some(LinkNews::Link(MediaLink::Trouble))
        );
        assert_eq!(watch.state_changed(RTCPeerConnectionState::Failed), None, "told once");
        assert_eq!(
            watch.deadline(),
            None,
            "the page retries a lost connection, not the server"
        );
    }
}

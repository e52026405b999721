//! RFC 6347 section 4.2.4, done beside the `webrtc` crate's DTLS: when the
//! peer repeats a handshake flight we have already answered, our answer was
//! lost, so we send it again.
//!
//! Why here: the crate's handshaker (rtc-dtls 0.21.1, `Handshaker::wait`)
//! stops its retransmission timer on any datagram it receives and re-arms
//! it only when the handshake moves on. A browser's DTLS timer starts from
//! the measured round trip, far sooner than the crate's 1 s, so when our
//! last flight is lost the browser's repeat of its own flight arrives first,
//! stops our timer, and the handshake stalls for good: ICE connected,
//! nothing flowing (issue 21). This module remembers, per peer address, the
//! datagrams of our latest flight and says when to send them again. It only
//! reads record headers: nothing is decrypted, nothing kept past the
//! handshake.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Datagrams of one flight kept, at most: a flight with a certificate
/// chain is two or three.
const FLIGHT_DATAGRAMS: usize = 6;
/// Times a flight is sent again for one peer, at most: enough for a
/// handshake at heavy loss, and a bound on what a spoofed repeat can
/// make us send.
const REPEATS: u32 = 10;
/// A peer's repeated flight may span datagrams: one repeat of ours per
/// repeat of theirs.
const REPEAT_GAP: Duration = Duration::from_millis(100);
/// Peer addresses remembered per socket. DTLS runs on the one pair ICE
/// chose; a second address appears only when that pair changes.
const PEERS: usize = 4;

const HANDSHAKE: u8 = 22;
const RECORD_HEADER: usize = 13;
const HANDSHAKE_HEADER: usize = 12;

/// RFC 7983: a first byte from 20 to 63 is DTLS.
pub fn is_dtls(datagram: &[u8]) -> bool {
    datagram.first().is_some_and(|b| (20..=63).contains(b))
}

/// RFC 7983: a first byte from 128 to 191 is RTP or RTCP, which flows only
/// once the handshake is over.
pub fn is_rtp_or_rtcp(datagram: &[u8]) -> bool {
    datagram.first().is_some_and(|b| (128..=191).contains(b))
}

/// The message sequence numbers of the plaintext (epoch 0) handshake
/// messages in a datagram. Encrypted records (the Finished message) are
/// skipped: their headers are under the encryption.
fn handshake_sequences(datagram: &[u8]) -> impl Iterator<Item = u16> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        while at + RECORD_HEADER <= datagram.len() {
            let header = &datagram[at..at + RECORD_HEADER];
            let length = u16::from_be_bytes([header[11], header[12]]) as usize;
            let body = datagram.get(at + RECORD_HEADER..at + RECORD_HEADER + length)?;
            at += RECORD_HEADER + length;
            let epoch = u16::from_be_bytes([header[3], header[4]]);
            if header[0] == HANDSHAKE && epoch == 0 && body.len() >= HANDSHAKE_HEADER {
                return Some(u16::from_be_bytes([body[4], body[5]]));
            }
        }
        None
    })
}

/// One peer's handshake as seen from the socket.
#[derive(Debug, Default)]
struct Handshake {
    peer: Option<SocketAddr>,
    /// The highest message sequence the peer has sent in the clear.
    highest_heard: Option<u16>,
    /// Our latest flight, as sent, and the sequence it opened with.
    flight: Vec<Vec<u8>>,
    flight_opens_with: Option<u16>,
    /// The peer said something new since our last datagram: our next
    /// handshake datagram opens a new flight.
    peer_moved_on: bool,
    repeats: u32,
    last_repeat: Option<Instant>,
}

impl Handshake {
    fn sent(&mut self, datagram: &[u8]) {
        let opens_with = handshake_sequences(datagram).next();
        // The crate's own timer resends a flight whole: start it again
        // rather than keep it twice.
        let resent = opens_with.is_some() && opens_with == self.flight_opens_with;
        if self.peer_moved_on || resent || self.flight.len() >= FLIGHT_DATAGRAMS {
            self.flight.clear();
            self.flight_opens_with = opens_with;
            self.peer_moved_on = false;
        }
        self.flight.push(datagram.to_vec());
    }

    fn heard(&mut self, datagram: &[u8], now: Instant) -> Option<Vec<Vec<u8>>> {
        let highest = handshake_sequences(datagram).max()?;
        if self.highest_heard.is_none_or(|heard| highest > heard) {
            self.highest_heard = Some(highest);
            self.peer_moved_on = true;
            return None;
        }
        // Everything in it was heard before: the peer is repeating itself.
        let too_soon = self.last_repeat.is_some_and(|at| now < at + REPEAT_GAP);
        if self.flight.is_empty() || self.peer_moved_on || too_soon || self.repeats >= REPEATS {
            return None;
        }
        self.repeats += 1;
        self.last_repeat = Some(now);
        Some(self.flight.clone())
    }
}

/// What one socket remembers of its handshakes; it forgets them all once
/// media flows.
#[derive(Debug, Default)]
pub struct FlightMemory {
    handshakes: Vec<Handshake>,
}

impl FlightMemory {
    fn of(&mut self, peer: SocketAddr) -> Option<&mut Handshake> {
        let at = match self.handshakes.iter().position(|h| h.peer == Some(peer)) {
            Some(at) => at,
            None if self.handshakes.len() < PEERS => {
                self.handshakes.push(Handshake {
                    peer: Some(peer),
                    ..Handshake::default()
                });
                self.handshakes.len() - 1
            }
            None => return None,
        };
        self.handshakes.get_mut(at)
    }

    /// A DTLS datagram we sent to `peer`.
    pub fn sent(&mut self, peer: SocketAddr, datagram: &[u8]) {
        if let Some(handshake) = self.of(peer) {
            handshake.sent(datagram);
        }
    }

    /// A DTLS datagram `peer` sent us: the datagrams to send it again when
    /// it repeats a flight we answered.
    pub fn heard(&mut self, peer: SocketAddr, datagram: &[u8], now: Instant) -> Option<Vec<Vec<u8>>> {
        self.of(peer)?.heard(datagram, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A datagram of epoch-0 handshake records with these message sequences.
    fn flight(sequences: &[u16]) -> Vec<u8> {
        let mut datagram = Vec::new();
        for sequence in sequences {
            let body_length = HANDSHAKE_HEADER as u16 + 2;
            datagram.extend_from_slice(&[HANDSHAKE, 254, 253, 0, 0, 0, 0, 0, 0, 0, 1]);
            datagram.extend_from_slice(&body_length.to_be_bytes());
            datagram.extend_from_slice(&[11, 0, 0, 2]);
            datagram.extend_from_slice(&sequence.to_be_bytes());
            datagram.extend_from_slice(&[0, 0, 0, 0, 0, 2, 0xaa, 0xbb]);
        }
        datagram
    }

    fn peer() -> SocketAddr {
        "127.0.0.1:5000".parse().unwrap()
    }

    #[test]
    fn a_repeated_flight_from_the_peer_brings_our_last_flight_again() {
        let now = Instant::now();
        let mut memory = FlightMemory::default();
        memory.sent(peer(), &flight(&[0]));
        assert_eq!(
            memory.heard(peer(), &flight(&[1, 2, 3, 4]), now),
            None,
            "new: an answer"
        );
        let ours = [flight(&[1, 2, 3]), vec![20, 254, 253, 0, 0]];
        for datagram in &ours {
            memory.sent(peer(), datagram);
        }
        // Their flight again, renumbered or not: ours again, whole.
        let later = now + Duration::from_millis(150);
        assert_eq!(memory.heard(peer(), &flight(&[1, 2, 3, 4]), later), Some(ours.to_vec()));
        // The second datagram of the same repeat brings nothing more.
        assert_eq!(
            memory.heard(peer(), &flight(&[4]), later + Duration::from_millis(1)),
            None
        );
        // Something new from them: nothing to repeat until we answer it.
        assert_eq!(memory.heard(peer(), &flight(&[5]), later), None);
        assert_eq!(memory.heard(peer(), &flight(&[5]), later + REPEAT_GAP), None);
    }

    #[test]
    fn our_own_resent_flight_is_kept_once_and_repeats_are_bounded() {
        let mut now = Instant::now();
        let mut memory = FlightMemory::default();
        memory.heard(peer(), &flight(&[0]), now);
        for _ in 0..3 {
            memory.sent(peer(), &flight(&[1]));
        }
        let mut answered = 0;
        for _ in 0..50 {
            now += REPEAT_GAP;
            if let Some(again) = memory.heard(peer(), &flight(&[0]), now) {
                assert_eq!(again, vec![flight(&[1])], "the flight once, not thrice");
                answered += 1;
            }
        }
        assert_eq!(answered, REPEATS);
    }

    #[test]
    fn torn_and_foreign_datagrams_are_ignored_and_peers_are_bounded() {
        let now = Instant::now();
        let mut memory = FlightMemory::default();
        let whole = flight(&[3]);
        for cut in 0..whole.len() {
            assert_eq!(memory.heard(peer(), &whole[..cut], now), None);
        }
        // An encrypted record only (epoch 1): nothing to read.
        let encrypted = [HANDSHAKE, 254, 253, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0];
        assert_eq!(handshake_sequences(&encrypted).count(), 0);
        for port in 0..100 {
            memory.sent(SocketAddr::from(([127, 0, 0, 1], port)), &whole);
        }
        assert_eq!(memory.handshakes.len(), PEERS);
        assert!(is_dtls(&whole) && !is_rtp_or_rtcp(&whole) && is_rtp_or_rtcp(&[0x80, 96]));
    }
}

//! Just enough of STUN (RFC 8489) to route a datagram on the shared media
//! port: whether it is STUN, and the ICE username fragment of ours that its
//! USERNAME names. Nothing is checked beyond the framing: the connection's
//! own ICE agent checks the message's integrity, with the password only it
//! holds.

/// RFC 8489 section 5: every STUN message carries it at bytes 4 to 8.
const MAGIC_COOKIE: [u8; 4] = [0x21, 0x12, 0xA4, 0x42];
const HEADER: usize = 20;
const USERNAME: u16 = 0x0006;
/// RFC 8445 section 5.3: a ufrag is at most 256 characters.
const MAX_UFRAG: usize = 256;

/// RFC 7983: a first byte from 0 to 3 is STUN; and the cookie says so.
pub fn is_stun(datagram: &[u8]) -> bool {
    datagram.len() >= HEADER && datagram[0] < 4 && datagram[4..8] == MAGIC_COOKIE
}

/// The ufrag of ours a connectivity check names: RFC 8445 section 7.2.2,
/// a check's USERNAME is "the receiver's ufrag:the sender's ufrag", and the
/// receiver is us. `None` for anything else, or anything malformed.
pub fn our_ufrag(datagram: &[u8]) -> Option<&str> {
    if !is_stun(datagram) {
        return None;
    }
    let declared = usize::from(u16::from_be_bytes([datagram[2], datagram[3]]));
    let body = datagram.get(HEADER..HEADER + declared)?;
    let mut at = 0;
    while at + 4 <= body.len() {
        let kind = u16::from_be_bytes([body[at], body[at + 1]]);
        let length = usize::from(u16::from_be_bytes([body[at + 2], body[at + 3]]));
        let value = body.get(at + 4..at + 4 + length)?;
        if kind == USERNAME {
            let ours = value.split(|b| *b == b':').next()?;
            if ours.is_empty() || ours.len() > MAX_UFRAG {
                return None;
            }
            return std::str::from_utf8(ours).ok();
        }
        // Attributes are padded to four bytes.
        at += 4 + length.div_ceil(4) * 4;
    }
    None
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A binding request carrying `username`, and nothing else a real one
    /// would (no integrity, no fingerprint): enough to route.
    pub fn binding_request(username: &str) -> Vec<u8> {
        let value = username.as_bytes();
        let padded = value.len().div_ceil(4) * 4;
        let mut message = vec![0x00, 0x01];
        message.extend_from_slice(&u16::try_from(4 + padded).unwrap().to_be_bytes());
        message.extend_from_slice(&MAGIC_COOKIE);
        message.extend_from_slice(&[7; 12]);
        message.extend_from_slice(&USERNAME.to_be_bytes());
        message.extend_from_slice(&u16::try_from(value.len()).unwrap().to_be_bytes());
        message.extend_from_slice(value);
        message.resize(HEADER + 4 + padded, 0);
        message
    }

    #[test]
    fn a_check_names_our_ufrag_before_the_colon() {
        assert_eq!(our_ufrag(&binding_request("ServerFrag:client")), Some("ServerFrag"));
        assert_eq!(our_ufrag(&binding_request("abc:de")), Some("abc"));
    }

    #[test]
    fn what_is_not_a_well_formed_check_names_no_one() {
        assert_eq!(our_ufrag(&[]), None);
        assert_eq!(our_ufrag(&[0x80; 40]), None, "RTP");
        assert_eq!(our_ufrag(&[22; 40]), None, "DTLS");
        assert_eq!(our_ufrag(&binding_request(":client")), None);
        let mut cut = binding_request("ServerFrag:client");
        cut.truncate(30);
        assert_eq!(our_ufrag(&cut), None, "shorter than it says");
        let mut lying = binding_request("ServerFrag:client");
        lying[2..4].copy_from_slice(&0xFFFFu16.to_be_bytes());
        assert_eq!(our_ufrag(&lying), None);
        let long = format!("{}:c", "x".repeat(300));
        assert_eq!(our_ufrag(&binding_request(&long)), None);
    }
}

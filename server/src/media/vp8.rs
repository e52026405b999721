//! Just enough of VP8's RTP payload (RFC 7741) to tell where a keyframe
//! starts (a subscriber's video begins there, because everything before the
//! next keyframe would only be decoded into garbage) and how tall its
//! picture is (which simulcast layer fits a tile).

/// Whether this packet is the first of a VP8 keyframe: the start of
/// partition 0 (S set, PID 0) whose payload header says "key frame"
/// (its P bit clear).
pub fn starts_keyframe(payload: &[u8]) -> bool {
    payload_header_at(payload).is_some_and(|at| payload.get(at).is_some_and(|header| header & 0x01 == 0))
}

/// The picture height a keyframe's first packet announces (RFC 6386
/// 9.1: after the 3-byte frame tag, the start code 9d 01 2a, then width
/// and height, 14 bits each, little-endian).
pub fn keyframe_height(payload: &[u8]) -> Option<u16> {
    let at = payload_header_at(payload)?;
    let header = payload.get(at..at + 10)?;
    if header[0] & 0x01 != 0 || header[3..6] != [0x9d, 0x01, 0x2a] {
        return None;
    }
    Some(u16::from_le_bytes([header[8], header[9]]) & 0x3fff)
}

/// Where the VP8 payload header starts, after the payload descriptor, in
/// a packet that starts partition 0; None for any other packet.
fn payload_header_at(payload: &[u8]) -> Option<usize> {
    let &first = payload.first()?;
    let extended = first & 0x80 != 0;
    let start = first & 0x10 != 0;
    let partition = first & 0x07;
    if !start || partition != 0 {
        return None;
    }
    let mut at = 1;
    if extended {
        let &flags = payload.get(at)?;
        at += 1;
        if flags & 0x80 != 0 {
            // PictureID: one byte, or two when its M bit is set.
            let &picture = payload.get(at)?;
            at += if picture & 0x80 != 0 { 2 } else { 1 };
        }
        if flags & 0x40 != 0 {
            at += 1; // TL0PICIDX
        }
        if flags & 0x30 != 0 {
            at += 1; // TID, Y and KEYIDX share one byte
        }
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::{keyframe_height, starts_keyframe};

    #[test]
    fn a_keyframes_height_is_read_from_its_first_packet() {
        // Chrome's descriptor (X, I, 15-bit picture id), then a keyframe
        // header: tag, start code, 640 x 360 (scale bits set on the height).
        let mut packet = vec![0x90, 0x80, 0x81, 0x23, 0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a];
        packet.extend_from_slice(&640u16.to_le_bytes());
        packet.extend_from_slice(&(360u16 | 0x4000).to_le_bytes());
        assert_eq!(keyframe_height(&packet), Some(360));
        // An interframe, a wrong start code, a cut header: nothing.
        let mut delta = packet.clone();
        delta[4] |= 0x01;
        assert_eq!(keyframe_height(&delta), None);
        let mut wrong = packet.clone();
        wrong[7] = 0;
        assert_eq!(keyframe_height(&wrong), None);
        assert_eq!(keyframe_height(&packet[..12]), None);
    }

    #[test]
    fn the_first_packet_of_a_keyframe_is_recognised_with_or_without_extensions() {
        // S=1 PID=0, payload header with P=0.
        assert!(starts_keyframe(&[0x10, 0x9c, 0x01, 0x2a]));
        // As Chrome sends it: X=1, I=1 with a 15-bit picture id, then the header.
        assert!(starts_keyframe(&[0x90, 0x80, 0x81, 0x23, 0x50, 0x02]));
        // X=1 with I, L, T: picture id (1 byte), TL0PICIDX, TID byte.
        assert!(starts_keyframe(&[0x90, 0xe0, 0x05, 0x07, 0x40, 0x10]));
    }

    #[test]
    fn deltas_continuations_and_scraps_are_not_keyframe_starts() {
        // P=1: an interframe.
        assert!(!starts_keyframe(&[0x10, 0x01]));
        assert!(!starts_keyframe(&[0x90, 0x80, 0x81, 0x23, 0x51]));
        // S=0: the middle of a frame, whatever its bytes look like.
        assert!(!starts_keyframe(&[0x00, 0x00]));
        // Another partition's start.
        assert!(!starts_keyframe(&[0x11, 0x00]));
        // Cut short anywhere.
        for cut in [&[][..], &[0x10], &[0x90], &[0x90, 0x80], &[0x90, 0x80, 0x81, 0x23]] {
            assert!(!starts_keyframe(cut), "{cut:?}");
        }
    }
}

//! Just enough of VP8's RTP payload (RFC 7741) to tell where a keyframe
//! starts: a subscriber's video begins there, because everything before the
//! next keyframe would only be decoded into garbage.

/// Whether this packet is the first of a VP8 keyframe: the start of
/// partition 0 (S set, PID 0) whose payload header says "key frame"
/// (its P bit clear).
pub fn starts_keyframe(payload: &[u8]) -> bool {
    let Some(&first) = payload.first() else {
        return false;
    };
    let extended = first & 0x80 != 0;
    let start = first & 0x10 != 0;
    let partition = first & 0x07;
    if !start || partition != 0 {
        return false;
    }
    let mut at = 1;
    if extended {
        let Some(&flags) = payload.get(at) else {
            return false;
        };
        at += 1;
        if flags & 0x80 != 0 {
            // PictureID: one byte, or two when its M bit is set.
            let Some(&picture) = payload.get(at) else {
                return false;
            };
            at += if picture & 0x80 != 0 { 2 } else { 1 };
        }
        if flags & 0x40 != 0 {
            at += 1; // TL0PICIDX
        }
        if flags & 0x30 != 0 {
            at += 1; // TID, Y and KEYIDX share one byte
        }
    }
    payload.get(at).is_some_and(|header| header & 0x01 == 0)
}

#[cfg(test)]
mod tests {
    use super::starts_keyframe;

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

//! Just enough of VP8's RTP payload (RFC 7741) to tell where a keyframe
//! starts (a subscriber's video begins there, because everything before the
//! next keyframe would only be decoded into garbage), how tall its
//! picture is (which simulcast layer fits a tile), and to renumber the
//! picture id and TL0PICIDX a receiver orders frames by (`timeline.rs`).

use bytes::Bytes;

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

/// The frame numbers a packet's payload descriptor carries: Chromium
/// sends both in every packet (a 15-bit picture id; TL0PICIDX with
/// temporal layers). Each simulcast layer numbers its own, so a receiver
/// switched from one layer to another would see them jump: its reference
/// finder then takes the new layer's frames for ones it already had and
/// drops them, until it asks for a keyframe 3 s later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameIds {
    pub picture_id: u16,
    /// Whether the picture id has 15 bits (else 7).
    long: bool,
    pub tl0: Option<u8>,
}

/// Where the picture id starts: after the descriptor's first byte and its
/// extension flags.
const PICTURE_ID_AT: usize = 2;

/// The picture id (and TL0PICIDX, if any) of any packet that has them.
pub fn frame_ids(payload: &[u8]) -> Option<FrameIds> {
    let &first = payload.first()?;
    if first & 0x80 == 0 {
        return None;
    }
    let &flags = payload.get(1)?;
    if flags & 0x80 == 0 {
        return None;
    }
    let &high = payload.get(PICTURE_ID_AT)?;
    let long = high & 0x80 != 0;
    let picture_id = if long {
        u16::from_be_bytes([high & 0x7f, *payload.get(PICTURE_ID_AT + 1)?])
    } else {
        u16::from(high)
    };
    let ids = FrameIds {
        picture_id,
        long,
        tl0: None,
    };
    if flags & 0x40 == 0 {
        return Some(ids);
    }
    let tl0 = *payload.get(ids.tl0_at())?;
    Some(FrameIds { tl0: Some(tl0), ..ids })
}

impl FrameIds {
    /// The largest picture id this packet can carry, plus one.
    pub fn picture_id_span(&self) -> u16 {
        if self.long { 0x8000 } else { 0x80 }
    }

    /// The TL0PICIDX's place: right after the picture id.
    fn tl0_at(&self) -> usize {
        PICTURE_ID_AT + if self.long { 2 } else { 1 }
    }

    /// `payload` with these ids replaced by `picture_id` and `tl0`: a copy,
    /// or the same bytes when nothing changes.
    pub fn renumbered(&self, payload: &Bytes, picture_id: u16, tl0: Option<u8>) -> Bytes {
        // Only a packet that carries a TL0PICIDX has one rewritten.
        let tl0 = tl0.filter(|_| self.tl0.is_some());
        if picture_id == self.picture_id && (tl0.is_none() || tl0 == self.tl0) {
            return payload.clone();
        }
        let mut bytes = payload.to_vec();
        if self.long {
            let [high, low] = (picture_id & 0x7fff).to_be_bytes();
            bytes[PICTURE_ID_AT] = 0x80 | high;
            bytes[PICTURE_ID_AT + 1] = low;
        } else {
            bytes[PICTURE_ID_AT] = (picture_id & 0x7f) as u8;
        }
        if let Some(tl0) = tl0 {
            bytes[self.tl0_at()] = tl0;
        }
        Bytes::from(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packets_picture_id_and_tl0_are_read_and_renumbered_in_place() {
        // X; I and L; 15-bit picture id 0x1234; TL0PICIDX 200; then the rest.
        let packet = Bytes::from_static(&[0x90, 0xc0, 0x92, 0x34, 200, 0x50, 0xaa]);
        let ids = frame_ids(&packet).expect("ids");
        assert_eq!((ids.picture_id, ids.tl0), (0x1234, Some(200)));
        let renumbered = ids.renumbered(&packet, 0x7fff, Some(7));
        assert_eq!(&renumbered[..], &[0x90, 0xc0, 0xff, 0xff, 7, 0x50, 0xaa]);
        // Nothing to change: the same bytes, not a copy.
        let same = ids.renumbered(&packet, 0x1234, Some(200));
        assert_eq!(same.as_ptr(), packet.as_ptr());
        // A 7-bit picture id, no TL0PICIDX: only the id, kept to 7 bits.
        let short = Bytes::from_static(&[0x80, 0x80, 0x05, 0x10]);
        let ids = frame_ids(&short).expect("ids");
        assert_eq!((ids.picture_id, ids.tl0, ids.picture_id_span()), (5, None, 0x80));
        assert_eq!(&ids.renumbered(&short, 0x81, None)[..], &[0x80, 0x80, 0x01, 0x10]);
    }

    #[test]
    fn packets_without_a_picture_id_or_cut_short_have_no_ids() {
        for payload in [
            &[][..],
            &[0x10, 0x00],
            &[0x90, 0x40, 7],
            &[0x90],
            &[0x90, 0x80],
            &[0x90, 0x80, 0x80],
        ] {
            assert_eq!(frame_ids(payload), None, "{payload:?}");
        }
        assert_eq!(frame_ids(&[0x90, 0xc0, 0x80, 0x01]), None, "TL0PICIDX cut off");
    }

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

//! Audio redundancy (RED, RFC 2198) as browsers send it for Opus: each
//! packet carries the previous frame again besides its own, so a lost
//! packet's sound arrives in the next one. The server forwards RED packets
//! as they are to subscribers that took RED, and takes out the primary (the
//! newest frame) for those that did not. Nothing is decoded.
//!
//! A RED payload: a 4-byte header per redundant block (F bit set, payload
//! type, timestamp offset, block length), a 1-byte header for the primary
//! block (F bit clear, payload type), then the blocks' data in that order,
//! the primary's last.

/// The F bit: another block header follows.
const FOLLOWS: u8 = 0x80;

/// Where the primary block's data starts, and its payload type; None for a
/// payload that is not well-formed RED (a header cut short, or lengths that
/// run past the end).
pub fn primary(payload: &[u8]) -> Option<(u8, usize)> {
    let mut at = 0;
    let mut redundant = 0usize;
    loop {
        let first = *payload.get(at)?;
        if first & FOLLOWS == 0 {
            let start = at + 1 + redundant;
            return (start <= payload.len()).then_some((first & 0x7f, start));
        }
        let header = payload.get(at..at + 4)?;
        redundant += usize::from(header[2] & 0x03) << 8 | usize::from(header[3]);
        at += 4;
    }
}

/// The same RED payload with every block's payload type set to `payload_type`
/// (a subscriber may know Opus by another number than the publisher); None
/// if it is not well-formed.
pub fn with_block_payload_type(payload: &[u8], payload_type: u8) -> Option<Vec<u8>> {
    let (_, _) = primary(payload)?;
    let mut copy = payload.to_vec();
    let mut at = 0;
    loop {
        let follows = copy[at] & FOLLOWS;
        copy[at] = follows | (payload_type & 0x7f);
        if follows == 0 {
            return Some(copy);
        }
        at += 4;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One redundant block of 3 bytes (payload type 111, 960 samples back)
    /// and a primary of 2 bytes.
    const TWO_BLOCKS: [u8; 10] = [0x80 | 111, 0x0f, 0x00, 0x03, 111, 0xa1, 0xa2, 0xa3, 0xb1, 0xb2];

    #[test]
    fn the_primary_is_found_after_the_redundant_blocks() {
        assert_eq!(primary(&TWO_BLOCKS), Some((111, 8)));
        assert_eq!(&TWO_BLOCKS[8..], &[0xb1, 0xb2]);
        // No redundancy yet (the first packet): a one-byte header.
        assert_eq!(primary(&[111, 0xb1]), Some((111, 1)));
        assert_eq!(primary(&[111]), Some((111, 1)), "an empty primary");
    }

    #[test]
    fn anything_cut_short_or_overlong_is_not_red() {
        for cut in 0..5 {
            assert_eq!(primary(&TWO_BLOCKS[..cut]), None, "cut at {cut}");
        }
        let mut overlong = TWO_BLOCKS;
        overlong[3] = 0xff;
        assert_eq!(primary(&overlong), None);
        assert_eq!(with_block_payload_type(&overlong, 96), None);
        // Headers only, all claiming more follow: runs out, not forever.
        assert_eq!(primary(&[0x80 | 111; 64]), None);
    }

    #[test]
    fn block_payload_types_are_rewritten_and_nothing_else() {
        let rewritten = with_block_payload_type(&TWO_BLOCKS, 109).unwrap();
        assert_eq!(rewritten[0], 0x80 | 109);
        assert_eq!(rewritten[4], 109);
        assert_eq!(&rewritten[1..4], &TWO_BLOCKS[1..4]);
        assert_eq!(&rewritten[5..], &TWO_BLOCKS[5..]);
        assert_eq!(primary(&rewritten), Some((109, 8)));
    }
}

use rtc::interceptor::{AttributedPacket, RTPHeaderExtension};
use rtc::rtp::Packet as RtpPacket;

use super::*;

const LAYER: u32 = 1000;
const OTHER_LAYER: u32 = 2000;
const RTX: u32 = 1001;
const VP8: u8 = 96;
const RTX_TYPE: u8 = 97;
const MID: u8 = 1;
const RID: u8 = 2;
const RRID: u8 = 3;
const TWCC: u8 = 4;

fn stream(ssrc: u32, mime: &str, ssrc_rtx: Option<u32>) -> StreamInfo {
    let extension = |uri: &str, id| RTPHeaderExtension {
        uri: uri.to_owned(),
        id,
    };
    StreamInfo {
        ssrc,
        ssrc_rtx,
        payload_type: VP8,
        mime_type: mime.to_owned(),
        rtp_header_extensions: vec![
            extension(SDES_MID_URI, u16::from(MID)),
            extension(SDES_RTP_STREAM_ID_URI, u16::from(RID)),
            extension(SDES_REPAIR_RTP_STREAM_ID_URI, u16::from(RRID)),
            extension(TRANSPORT_CC_URI, u16::from(TWCC)),
        ],
        ..StreamInfo::default()
    }
}

/// A connection publishing a camera in two layers, `h` and `l`, on mid 1.
fn simulcast() -> IncomingRtx {
    let mut rtx = IncomingRtx::counting_in(Arc::default());
    rtx.bind_remote_stream(&stream(LAYER, "video/VP8", None));
    rtx.bind_remote_stream(&stream(OTHER_LAYER, "video/VP8", None));
    rtx
}

fn packet(ssrc: u32, payload_type: u8, seq: u16, extensions: &[(u8, &'static str)], payload: &[u8]) -> TaggedPacket {
    let mut header = Header {
        ssrc,
        payload_type,
        sequence_number: seq,
        timestamp: 90_000,
        marker: true,
        extension: true,
        extension_profile: 0xBEDE,
        ..Header::default()
    };
    for (id, value) in extensions {
        header.set_extension(*id, Bytes::from_static(value.as_bytes())).unwrap();
    }
    TaggedPacket {
        now: Instant::now(),
        transport: Default::default(),
        message: AttributedPacket::new(Packet::Rtp(RtpPacket {
            header,
            payload: Bytes::copy_from_slice(payload),
        })),
    }
}

/// Everything that comes out of `rtx` for `message`, in order.
fn all_through(rtx: &mut IncomingRtx, message: TaggedPacket) -> Vec<RtpPacket> {
    rtx.handle_read(message).unwrap();
    std::iter::from_fn(|| rtx.poll_read())
        .map(|m| match m.message.packet {
            Packet::Rtp(p) => p,
            other => panic!("not RTP: {other:?}"),
        })
        .collect()
}

/// What comes out of `rtx` for `message`: one packet.
fn through(rtx: &mut IncomingRtx, message: TaggedPacket) -> RtpPacket {
    let mut out = all_through(rtx, message);
    assert_eq!(out.len(), 1, "{out:?}");
    out.remove(0)
}

/// The original a repair is put back as (it comes out first, then the RTX
/// packet emptied).
fn unwrapped(rtx: &mut IncomingRtx, message: TaggedPacket) -> RtpPacket {
    let original_twcc = match &message.message.packet {
        Packet::Rtp(p) => p.header.get_extension(TWCC),
        _ => None,
    };
    let out = all_through(rtx, message);
    assert_eq!(out.len(), 2, "the original and the RTX packet: {out:?}");
    let [original, rtx_packet] = <[RtpPacket; 2]>::try_from(out).unwrap();
    assert_eq!(rtx_packet.header.ssrc, RTX, "the RTX packet goes on");
    assert!(rtx_packet.payload.is_empty(), "emptied, so the crate drops it");
    assert_eq!(
        rtx_packet.header.get_extension(TWCC),
        original_twcc,
        "counted by transport-cc as it came"
    );
    original
}

/// A layer's packet: seq `seq`, naming its mid and rid.
fn media(ssrc: u32, rid: &'static str, seq: u16) -> TaggedPacket {
    packet(ssrc, VP8, seq, &[(MID, "1"), (RID, rid), (TWCC, "tw")], b"frame")
}

/// An RTX packet repairing `original` of the layer `rrid` names.
fn repair(rrid: &'static str, rtx_seq: u16, original: u16) -> TaggedPacket {
    let mut payload = original.to_be_bytes().to_vec();
    payload.extend_from_slice(b"lost frame");
    packet(
        RTX,
        RTX_TYPE,
        rtx_seq,
        &[(MID, "1"), (RRID, rrid), (TWCC, "tx")],
        &payload,
    )
}

#[test]
fn a_layers_repair_over_rtx_comes_out_as_the_packet_it_repairs() {
    let mut rtx = simulcast();
    through(&mut rtx, media(OTHER_LAYER, "l", 500));
    through(&mut rtx, media(LAYER, "h", 10));
    through(&mut rtx, media(LAYER, "h", 12));

    let out = unwrapped(&mut rtx, repair("h", 7000, 11));
    assert_eq!(out.header.ssrc, LAYER, "the layer `h` names, not the other");
    assert_eq!(out.header.payload_type, VP8);
    assert_eq!(out.header.sequence_number, 11);
    assert_eq!(
        &out.payload[..],
        b"lost frame",
        "the original payload, without its sequence number"
    );
    assert_eq!(out.header.timestamp, 90_000, "timestamp and marker kept");
    assert!(out.header.marker);
    assert!(
        out.header.get_extension(TWCC).is_none(),
        "transport-cc counts the RTX packet, not this too"
    );
    assert!(
        out.header.get_extension(RRID).is_none(),
        "no longer a repair stream's packet"
    );
    assert_eq!(
        out.header.get_extension(MID).as_deref(),
        Some(&b"1"[..]),
        "other extensions kept"
    );
    assert_eq!(rtx.counters.packets_repaired_over_rtx(), 1);

    // Chromium names the repaired layer only until its first report: the
    // SSRC is tied from then on.
    through(&mut rtx, media(LAYER, "h", 14));
    let bare = {
        let mut payload = 13u16.to_be_bytes().to_vec();
        payload.push(9);
        packet(RTX, RTX_TYPE, 7001, &[], &payload)
    };
    let out = unwrapped(&mut rtx, bare);
    assert_eq!((out.header.ssrc, out.header.sequence_number), (LAYER, 13));
    assert_eq!(rtx.counters.packets_repaired_over_rtx(), 2);
}

#[test]
fn an_rtx_stream_the_sdp_ties_to_its_camera_is_unwrapped_without_extensions() {
    let mut rtx = IncomingRtx::counting_in(Arc::default());
    rtx.bind_remote_stream(&stream(LAYER, "video/VP8", Some(RTX)));
    // The crate binds the repair flow too, with the layer's codec: it is
    // not a layer, whichever comes first.
    rtx.bind_remote_stream(&stream(RTX, "video/VP8", None));
    assert!(!rtx.layers.contains_key(&RTX));
    let mut other_order = IncomingRtx::counting_in(Arc::default());
    other_order.bind_remote_stream(&stream(RTX, "video/VP8", None));
    other_order.bind_remote_stream(&stream(LAYER, "video/VP8", Some(RTX)));
    assert_eq!(other_order.layers.keys().collect::<Vec<_>>(), [&LAYER]);
    through(&mut rtx, packet(LAYER, VP8, 100, &[], b"x"));
    let out = unwrapped(&mut rtx, packet(RTX, RTX_TYPE, 1, &[], &[0, 99, 42]));
    assert_eq!(
        (out.header.ssrc, out.header.payload_type, out.header.sequence_number),
        (LAYER, VP8, 99)
    );
    assert_eq!(&out.payload[..], &[42]);
}

#[test]
fn copies_of_packets_already_in_are_emptied_and_padding_passes_on_its_own_ssrc() {
    let mut rtx = simulcast();
    through(&mut rtx, media(LAYER, "h", 20));
    through(&mut rtx, media(LAYER, "h", 21));

    // A probe that copies a packet sent (or a repair of one that came after all).
    let out = through(&mut rtx, repair("h", 1, 20));
    assert_eq!(out.header.ssrc, RTX, "left on the RTX SSRC, where the crate drops it");
    assert!(out.payload.is_empty(), "emptied, so no subscriber gets packet 20 twice");
    assert_eq!(
        out.header.get_extension(TWCC).as_deref(),
        Some(&b"tx"[..]),
        "and still counted by transport-cc"
    );

    // A repair twice: the second is a copy.
    assert_eq!(unwrapped(&mut rtx, repair("h", 2, 19)).header.ssrc, LAYER);
    assert!(through(&mut rtx, repair("h", 3, 19)).payload.is_empty());

    // Padding alone: nothing to unwrap.
    let out = through(&mut rtx, packet(RTX, RTX_TYPE, 4, &[(MID, "1"), (RRID, "h")], &[]));
    assert_eq!((out.header.ssrc, out.header.sequence_number), (RTX, 4));
    assert_eq!(rtx.counters.packets_repaired_over_rtx(), 1);
}

#[test]
fn a_packet_naming_no_known_layer_passes_unchanged_and_ties_nothing() {
    let mut rtx = simulcast();
    through(&mut rtx, media(LAYER, "h", 5));
    for (mid, rrid) in [("2", "h"), ("1", "q")] {
        let out = through(
            &mut rtx,
            packet(RTX, RTX_TYPE, 9, &[(MID, mid), (RRID, rrid)], &[0, 4, 1]),
        );
        assert_eq!(
            (out.header.ssrc, out.header.sequence_number, out.payload.len()),
            (RTX, 9, 3)
        );
    }
    assert!(rtx.layers.values().all(|layer| layer.rtx_ssrc.is_none()));
    // Nor does a layer's own packet change.
    let out = through(&mut rtx, media(LAYER, "h", 6));
    assert_eq!(
        (out.header.ssrc, out.header.sequence_number, &out.payload[..]),
        (LAYER, 6, &b"frame"[..])
    );
    assert_eq!(rtx.counters.packets_repaired_over_rtx(), 0);
}

#[test]
fn the_window_follows_the_newest_number_across_the_wrap() {
    let mut arrived = Arrived::default();
    assert!(!arrived.has(3), "nothing in yet");
    arrived.mark(65_530);
    arrived.mark(2); // 8 ahead, across the wrap: 65_531..=1 skipped
    assert!(arrived.has(65_530) && arrived.has(2));
    assert!(!arrived.has(65_535) && !arrived.has(0), "skipped numbers have not come");
    assert!(!arrived.has(3), "ahead of the newest has not come");
    arrived.mark(0);
    assert!(arrived.has(0), "a late packet counts");
    assert!(
        arrived.has(2u16.wrapping_sub(WINDOW as u16)),
        "older than the window counts as in"
    );

    // A jump past the whole window forgets everything but the new number,
    // even where the old bits fall on the same places.
    arrived.mark(2 + WINDOW as u16 + 10);
    assert!(!arrived.has(2 + WINDOW as u16 + 9));
    assert!(!arrived.has(2 + WINDOW as u16 - 1) && arrived.has(2 + WINDOW as u16 + 10));
}

#[test]
fn a_layer_unbound_takes_no_repairs_and_bound_again_is_still_known_by_name() {
    let mut rtx = simulcast();
    through(&mut rtx, media(LAYER, "h", 5));
    rtx.unbind_remote_stream(&stream(LAYER, "video/VP8", None));
    let out = through(&mut rtx, repair("h", 1, 4));
    assert_eq!(out.header.ssrc, RTX, "no layer to repair");
    // Bound again after the browser stopped naming it: its name is kept.
    rtx.bind_remote_stream(&stream(LAYER, "video/VP8", None));
    let out = unwrapped(&mut rtx, repair("h", 2, 4));
    assert_eq!((out.header.ssrc, out.header.sequence_number), (LAYER, 4));
}

#[test]
fn layers_kept_are_bounded_and_the_unbound_go_first() {
    let mut rtx = simulcast();
    for ssrc in 0..100 {
        rtx.bind_remote_stream(&stream(ssrc, "video/VP8", None));
        rtx.unbind_remote_stream(&stream(ssrc, "video/VP8", None));
    }
    assert!(rtx.layers.len() <= MAX_LAYERS);
    assert!(
        rtx.layers[&LAYER].bound && rtx.layers[&OTHER_LAYER].bound,
        "the layers in use stay"
    );
    // Audio is no layer.
    rtx.bind_remote_stream(&stream(5000, "audio/opus", None));
    assert!(!rtx.layers.contains_key(&5000));
}

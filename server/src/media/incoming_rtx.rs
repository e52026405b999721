//! A publisher's retransmissions come on an SSRC of their own (RTX, RFC
//! 4588); this puts each back in its place, as the packet it repairs,
//! before anything else on the way in reads it.
//!
//! The crate cannot do this for a simulcast camera: nothing in the SDP ties
//! a layer's RTX stream to the layer (Chromium names no SSRCs there), only
//! the `repaired-rtp-stream-id` header extension on the RTX packets does,
//! which the crate does not read; and it unwraps RTX after its NACK
//! generator has looked, which would then ask again for every packet
//! repaired. So, at a slot wire-ward of the NACK generator
//! (`engine.rs`), this learns each layer's name (its `mid` and `rid`
//! extensions) from the layer's own packets, ties an RTX SSRC to the layer
//! its `mid` and `repaired-rtp-stream-id` name (or takes the tie from the
//! SDP's FID group, for a camera or screen sent without layers), and puts
//! the original beside each retransmission: the layer's SSRC and payload
//! type, the sequence number from the first two bytes of the payload, the
//! rest of the payload as it was.
//!
//! The RTX packet itself goes on, emptied of its payload (the crate drops
//! an RTX packet with none, and the original must not reach subscribers
//! twice): the transport-wide feedback downstream counts it under its own
//! number (the original is stripped of that number), and where the SDP
//! named the RTX stream, the reception reports see its numbering whole.
//! With RTX, Chromium also probes its uplink on the RTX SSRC, with padding
//! alone and with copies of packets already sent: padding goes on as it
//! is, and a copy of a packet that has come (which a repair may be too) is
//! emptied, with no original beside it. Which packets have come is kept
//! per layer for the last `WINDOW` sequence numbers.
//!
//! Bounded: an entry per stream the crate bound (what the SDP allows), up
//! to `MAX_LAYERS`; one RTX SSRC each, tied only to a layer bound; a fixed
//! window each. A stranger's packets add none of these.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use rtc::interceptor::{AttributedPacket, Interceptor, Packet, StreamInfo, TaggedPacket};
use rtc::rtp::Header;
use rtc::sansio::Protocol;
use rtc::sdp::extmap::{SDES_MID_URI, SDES_REPAIR_RTP_STREAM_ID_URI, SDES_RTP_STREAM_ID_URI, TRANSPORT_CC_URI};

use super::MediaCounters;
use super::engine::MIME_TYPE_RTX;

/// Sequence numbers remembered per layer: 20 s of a camera's top layer.
const WINDOW: usize = 1024;
/// Layers kept, bound or not (a client publishes at most a few at once).
const MAX_LAYERS: usize = 16;

/// The interceptor: one per peer connection.
pub struct IncomingRtx {
    counters: Arc<MediaCounters>,
    /// The header extension ids the connection negotiated (one bundle:
    /// the same for every stream).
    mid: Option<u8>,
    rid: Option<u8>,
    rrid: Option<u8>,
    transport_cc: Option<u8>,
    /// The video streams the client publishes, by their SSRC.
    layers: HashMap<u32, Layer>,
    read: VecDeque<TaggedPacket>,
    write: VecDeque<TaggedPacket>,
}

struct Layer {
    /// Bound by the crate now; an unbound layer is kept (to `MAX_LAYERS`)
    /// in case it is bound again, as a renegotiation may do, after the
    /// browser has stopped naming it in its packets.
    bound: bool,
    payload_type: u8,
    /// Its `mid` and `rid`, once a packet of its own has named them.
    name: Option<(Bytes, Bytes)>,
    rtx_ssrc: Option<u32>,
    arrived: Arrived,
}

impl IncomingRtx {
    pub fn counting_in(counters: Arc<MediaCounters>) -> Self {
        Self {
            counters,
            mid: None,
            rid: None,
            rrid: None,
            transport_cc: None,
            layers: HashMap::new(),
            read: VecDeque::new(),
            write: VecDeque::new(),
        }
    }

    /// The layer an RTX packet repairs: by its SSRC once tied, else by the
    /// `mid` and `repaired-rtp-stream-id` it carries (and then tied).
    fn repaired_layer(&mut self, header: &Header) -> Option<u32> {
        if let Some((&ssrc, _)) = self
            .layers
            .iter()
            .find(|(_, l)| l.bound && l.rtx_ssrc == Some(header.ssrc))
        {
            return Some(ssrc);
        }
        let mid = header.get_extension(self.mid?)?;
        let rrid = header.get_extension(self.rrid?)?;
        let (&ssrc, layer) = self
            .layers
            .iter_mut()
            .find(|(_, l)| l.bound && l.name.as_ref().is_some_and(|(m, r)| *m == mid && *r == rrid))?;
        layer.rtx_ssrc = Some(header.ssrc);
        Some(ssrc)
    }

    fn on_media(&mut self, header: &Header) {
        let (mid, rid) = (self.mid, self.rid);
        let Some(layer) = self.layers.get_mut(&header.ssrc).filter(|l| l.bound) else {
            return;
        };
        layer.arrived.mark(header.sequence_number);
        if layer.name.is_none()
            && let (Some(mid), Some(rid)) = (
                mid.and_then(|id| header.get_extension(id)),
                rid.and_then(|id| header.get_extension(id)),
            )
        {
            layer.name = Some((mid, rid));
        }
    }

    /// The packet `rtx` repairs, when that has not come yet; and `rtx`
    /// emptied either way, unless it is padding alone (left as it is).
    fn unwrap(&mut self, layer_ssrc: u32, rtx: &mut rtc::rtp::Packet) -> Option<rtc::rtp::Packet> {
        let layer = self.layers.get_mut(&layer_ssrc)?;
        if rtx.payload.len() < 2 {
            return None;
        }
        let original_seq = u16::from_be_bytes([rtx.payload[0], rtx.payload[1]]);
        let payload = std::mem::take(&mut rtx.payload);
        rtx.header.padding = false;
        if layer.arrived.has(original_seq) {
            return None;
        }
        layer.arrived.mark(original_seq);
        let mut original = rtx.clone();
        original.header.ssrc = layer_ssrc;
        original.header.payload_type = layer.payload_type;
        original.header.sequence_number = original_seq;
        original.payload = payload.slice(2..);
        // Counted once, on the RTX packet: the feedback names each
        // transport-wide number once. And nothing after this should take
        // the original for a repair stream's packet.
        for id in [self.transport_cc, self.rrid].into_iter().flatten() {
            let _ = original.header.del_extension(id);
        }
        self.counters.repaired_over_rtx();
        Some(original)
    }
}

impl Protocol<TaggedPacket, TaggedPacket, ()> for IncomingRtx {
    type Rout = TaggedPacket;
    type Wout = TaggedPacket;
    type Eout = ();
    type Error = rtc::shared::error::Error;
    type Time = Instant;

    fn handle_read(&mut self, mut message: TaggedPacket) -> Result<(), Self::Error> {
        if let Packet::Rtp(rtp) = &mut message.message.packet {
            if self.layers.get(&rtp.header.ssrc).is_some_and(|l| l.bound) {
                self.on_media(&rtp.header);
            } else if let Some(layer) = self.repaired_layer(&rtp.header)
                && let Some(original) = self.unwrap(layer, rtp)
            {
                self.read.push_back(TaggedPacket {
                    now: message.now,
                    transport: message.transport,
                    message: AttributedPacket::new(Packet::Rtp(original)),
                });
            }
        }
        self.read.push_back(message);
        Ok(())
    }

    fn poll_read(&mut self) -> Option<Self::Rout> {
        self.read.pop_front()
    }

    fn handle_write(&mut self, message: TaggedPacket) -> Result<(), Self::Error> {
        self.write.push_back(message);
        Ok(())
    }

    fn poll_write(&mut self) -> Option<Self::Wout> {
        self.write.pop_front()
    }
}

impl Interceptor for IncomingRtx {
    fn bind_remote_stream(&mut self, info: &StreamInfo) {
        // The crate binds an RTX stream the SDP names as a stream of its
        // own too (with its layer's codec): it is no layer.
        let video = info.mime_type.to_ascii_lowercase().starts_with("video/");
        let repairs = self.layers.values().any(|l| l.rtx_ssrc == Some(info.ssrc));
        if !video || repairs || info.mime_type.eq_ignore_ascii_case(MIME_TYPE_RTX) {
            return;
        }
        for extension in &info.rtp_header_extensions {
            let id = u8::try_from(extension.id).ok();
            match extension.uri.as_str() {
                SDES_MID_URI => self.mid = id,
                SDES_RTP_STREAM_ID_URI => self.rid = id,
                SDES_REPAIR_RTP_STREAM_ID_URI => self.rrid = id,
                TRANSPORT_CC_URI => self.transport_cc = id,
                _ => {}
            }
        }
        if self.layers.len() >= MAX_LAYERS {
            self.layers.retain(|_, layer| layer.bound);
        }
        if self.layers.len() >= MAX_LAYERS {
            return;
        }
        let layer = self.layers.entry(info.ssrc).or_insert_with(|| Layer {
            bound: true,
            payload_type: info.payload_type,
            name: None,
            rtx_ssrc: None,
            arrived: Arrived::default(),
        });
        layer.bound = true;
        layer.payload_type = info.payload_type;
        if let Some(rtx) = info.ssrc_rtx {
            layer.rtx_ssrc = Some(rtx);
            self.layers.remove(&rtx);
        }
    }

    fn unbind_remote_stream(&mut self, info: &StreamInfo) {
        if let Some(layer) = self.layers.get_mut(&info.ssrc) {
            layer.bound = false;
        }
    }

    fn bind_local_stream(&mut self, _info: &StreamInfo) {}
    fn unbind_local_stream(&mut self, _info: &StreamInfo) {}
}

/// Which of a layer's last `WINDOW` sequence numbers have come in.
#[derive(Default)]
struct Arrived {
    newest: Option<u16>,
    bits: Box<[u64; WINDOW / 64]>,
}

impl Arrived {
    fn mark(&mut self, seq: u16) {
        let Some(newest) = self.newest else {
            self.newest = Some(seq);
            self.set(seq);
            return;
        };
        let ahead = seq.wrapping_sub(newest) as i16;
        if ahead > 0 {
            // The numbers skipped over have not come (yet).
            for skipped in 1..=usize::from(ahead.unsigned_abs()).min(WINDOW) {
                self.clear(newest.wrapping_add(skipped as u16));
            }
            self.newest = Some(seq);
        } else if usize::from(ahead.unsigned_abs()) >= WINDOW {
            return;
        }
        self.set(seq);
    }

    /// Whether `seq` came; one older than the window counts as come (too
    /// late to be of use).
    fn has(&self, seq: u16) -> bool {
        let Some(newest) = self.newest else {
            return false;
        };
        let ahead = seq.wrapping_sub(newest) as i16;
        if ahead > 0 {
            return false;
        }
        if usize::from(ahead.unsigned_abs()) >= WINDOW {
            return true;
        }
        let bit = usize::from(seq) % WINDOW;
        self.bits[bit / 64] & (1 << (bit % 64)) != 0
    }

    fn set(&mut self, seq: u16) {
        let bit = usize::from(seq) % WINDOW;
        self.bits[bit / 64] |= 1 << (bit % 64);
    }

    fn clear(&mut self, seq: u16) {
        let bit = usize::from(seq) % WINDOW;
        self.bits[bit / 64] &= !(1 << (bit % 64));
    }
}

#[cfg(test)]
#[path = "incoming_rtx_tests.rs"]
mod tests;

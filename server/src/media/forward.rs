//! Forwarding one published track: every packet the publisher sends goes to
//! every subscriber's copy in the same place (breakouts), rewritten for that
//! subscriber. Muted audio and
//! stopped video are dropped here, which is what makes a host's mute real.
//! Audio levels on the way through tell who is speaking. A subscriber's
//! video starts at a keyframe, and each slot's numbering (RTP's, and VP8's
//! picture id and TL0PICIDX) runs on unbroken whoever feeds it
//! (`timeline.rs`); a video packet whose VP8 numbers change is the one
//! copy of a payload made here. Each copy written adds to the media
//! counters: two relaxed atomic adds, no lock, no allocation.
//!
//! The loop never waits long on one subscriber (`delivery.rs`): a
//! connection that cannot take packets loses them, and everyone else still
//! gets theirs.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use bytes::Bytes;
use rtc::shared::marshal::MarshalSize;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_remote::TrackRemoteEvent;

use super::MediaCounters;
use super::delivery::{Delivery, deliver};
use super::keyframe_pacing::request_layer_keyframe;
use super::layers::{LAYERS, NO_LAYER, RateMeter, layer_for_rid};
use super::recent_packets::{Keyframe, RecentPackets};
use super::red;
use super::session::{Kind, Publication, RoomMedia, Source, Target, lock, read};
use super::timeline::HeldBack;
use super::vp8;
use crate::room::media::MediaReport;

/// RFC 6464 levels are -dBov: 0 is the loudest, 127 silence. Speech into a
/// laptop microphone sits around 20 to 45.
const SPEAKING_BELOW: f64 = 45.0;
/// Quieter than this for `SILENCE_AFTER` ends a speaking stretch. The gap
/// between the two thresholds keeps a pause for breath from flickering.
const QUIET_ABOVE: f64 = 55.0;
const SILENCE_AFTER: Duration = Duration::from_millis(700);
/// No packet at all for this long (a muted browser may stop sending) also
/// ends a speaking stretch.
const NO_PACKETS_AFTER: Duration = Duration::from_secs(1);

pub async fn run(publication: Arc<Publication>, room: Weak<RoomMedia>, counters: Arc<MediaCounters>) {
    let Some(source) = publication.source.get() else {
        return;
    };
    let clock_rate = match publication.kind {
        Kind::Audio => 48_000,
        Kind::Video | Kind::Screen => 90_000,
    };
    let mut speech = Speech::default();
    let mut rates = RateMeter::new(Instant::now());
    let mut held_back: [HeldBack; LAYERS] = Default::default();
    let mut recent: [RecentPackets; LAYERS] = Default::default();
    let mut asked = std::collections::HashSet::new();
    loop {
        let event = match tokio::time::timeout(NO_PACKETS_AFTER, source.remote.poll()).await {
            Ok(Some(event)) => event,
            // The track ended: the publisher left or stopped sending it.
            Ok(None) => break,
            Err(_) => {
                if speech.silent(Instant::now()) {
                    report(&room, &publication, false);
                }
                continue;
            }
        };
        let packet = match event {
            TrackRemoteEvent::OnRtpPacket(packet) => packet,
            // A simulcast layer's first packet: its rid says which layer.
            TrackRemoteEvent::OnOpen(init) => {
                publication.layers.open(layer_for_rid(init.rid.as_deref()), init.ssrc);
                continue;
            }
            _ => continue,
        };
        let now = Instant::now();
        let Some(layer) = publication.layers.layer_of(packet.header.ssrc) else {
            // A layer whose `OnOpen` has not come (or was lost): its rid is
            // asked for aside, since the crate's lookup can wait on what
            // waits on this loop; its packets go nowhere until then.
            if asked.len() < MAX_ASKED && asked.insert(packet.header.ssrc) {
                tokio::spawn(learn_layer(Arc::clone(&publication), packet.header.ssrc));
            }
            continue;
        };
        // Padding only: the publisher probing its uplink for its own
        // estimate, on any of its layers, even one it stopped encoding.
        let padding = publication.kind.is_video() && packet.payload.is_empty();
        if !padding {
            // Only media says a layer sends: a stopped layer kept "live" by
            // its padding held its subscribers on a frozen picture.
            publication.layers.heard(layer, now);
            rates.add(layer, packet.payload.len(), now, &publication.layers);
        }
        publication.received.fetch_add(1, Ordering::Relaxed);
        let level = (publication.kind == Kind::Audio && source.audio_level_id != 0)
            .then(|| packet.header.get_extension(source.audio_level_id))
            .flatten()
            .and_then(|bytes| bytes.first().copied());
        if let Some(level) = level
            && let Some(speaking) = speech.hear(level & 0x7f, now)
        {
            report(&room, &publication, speaking);
        }
        let seq = packet.header.sequence_number;
        let held = &mut held_back[usize::from(layer)];
        if !publication.forwarding.load(Ordering::Acquire) {
            // Muted by a host: numbered around, so the others see no gap.
            held.hold_back(seq);
            continue;
        }
        if padding {
            // Nothing to show, and it would cost every subscriber's
            // downlink; numbered around, so no gap shows.
            held.hold_back(seq);
            continue;
        }
        #[cfg(feature = "media-tap")]
        super::tap::record(publication.publisher, publication.kind, layer, &packet);
        let keyframe = publication.kind.is_video() && vp8::starts_keyframe(&packet.payload);
        if keyframe && let Some(height) = vp8::keyframe_height(&packet.payload) {
            publication.layers.set_height(layer, height);
        }
        let red = source.red_payload_type != 0 && packet.header.payload_type == source.red_payload_type;
        let skipped = held.before(seq);
        if publication.kind.is_video() {
            recent[usize::from(layer)].keep(&packet, keyframe, now);
        }
        let copying = Copying {
            source,
            clock_rate,
            level,
            red,
            counters: &counters,
        };
        // Read once, whoever it goes to.
        let ids = vp8_ids(publication.kind, &packet);
        let targets = read(&publication.targets).clone();
        // Where this layer's keyframe stands: read once, if a subscriber waits for it.
        let mut keyframe_state = None;
        for target in targets {
            if !target.ready.load(Ordering::Acquire) || target.apart.load(Ordering::Acquire) {
                continue;
            }
            if !publication.kind.is_video() {
                copying.send(&target, &packet, None, skipped, now).await;
                continue;
            }
            let ring = &recent[usize::from(layer)];
            let state = || *keyframe_state.get_or_insert_with(|| ring.keyframe(now));
            match video_goes_to(&target, &publication, layer, state, now) {
                Goes::No => {}
                Goes::On => copying.send(&target, &packet, ids, skipped, now).await,
                Goes::SwitchedAt(first) => {
                    for kept in ring.since(first, &packet) {
                        let skipped = held.before(kept.header.sequence_number);
                        let ids = vp8_ids(publication.kind, &kept);
                        copying.send(&target, &kept, ids, skipped, now).await;
                    }
                }
            }
        }
    }
    if speech.speaking {
        report(&room, &publication, false);
    }
}

/// SSRCs asked about per track: a browser sends three layers and their
/// repairs; a stranger's stream of new SSRCs costs no more than this.
const MAX_ASKED: usize = 16;

/// Learns which layer an SSRC is from the crate, which knows its rid.
async fn learn_layer(publication: Arc<Publication>, ssrc: u32) {
    let Some(source) = publication.source.get() else {
        return;
    };
    let rid = source.remote.rid(ssrc).await;
    publication.layers.open(layer_for_rid(rid.as_deref()), ssrc);
}

/// What becomes of one video packet for one subscriber.
enum Goes {
    No,
    On,
    /// The subscriber is switched now to the layer's keyframe that begins
    /// at this number (whole, or still coming to one shown nothing of this
    /// camera yet): it is sent, and everything of the layer numbered after
    /// it (`recent_packets.rs`), this packet included.
    SwitchedAt(u16),
}

/// Whether this video packet, of simulcast `layer`, goes to `target`; and
/// the switches it makes. Video waits while the subscriber's downlink
/// cannot carry it (`downlink.rs`) and while their page does not show it.
/// Each subscriber is sent one layer, the one chosen for them
/// (`target.goal`, or the nearest that sends); a change of layer, or a
/// start after a pause, waits until that layer has a whole keyframe
/// (`keyframe`, read only if needed), asked for here when none is coming,
/// and starts a new stretch of the slot's timeline, so the numbering
/// carries on without a gap.
fn video_goes_to(
    target: &Target,
    publication: &Arc<Publication>,
    layer: u8,
    keyframe: impl FnOnce() -> Keyframe,
    now: Instant,
) -> Goes {
    if target.downlink.video_paused(now) {
        target.layer.store(NO_LAYER, Ordering::Release);
        return Goes::No;
    }
    let epoch = target.downlink.epoch();
    let new_epoch = target.epoch_seen.swap(epoch, Ordering::AcqRel) != epoch;
    if target.awaiting_keyframe.swap(false, Ordering::AcqRel) | new_epoch {
        target.layer.store(NO_LAYER, Ordering::Release);
    }
    let goal = publication.layers.settle(target.goal.load(Ordering::Acquire), now);
    if goal == NO_LAYER {
        // Not shown: when it is again, it starts at a keyframe.
        target.layer.store(NO_LAYER, Ordering::Release);
        return Goes::No;
    }
    let current = target.layer.load(Ordering::Acquire);
    if layer == current {
        // Until the chosen layer's keyframe is whole, the one before carries on.
        return Goes::On;
    }
    if layer != goal {
        return Goes::No;
    }
    let first = match keyframe() {
        Keyframe::Whole(first) => first,
        // Nothing shown meanwhile (a start, a page that lost its picture):
        // start now, the rest follows as it comes. (A screen's keyframe can
        // be bigger than a layer's ring holds.)
        Keyframe::Coming(first) if current == NO_LAYER => first,
        // The layer shown carries on while the repairs are on their way.
        Keyframe::Coming(_) => return Goes::No,
        Keyframe::Wanted => {
            // Paced: a wait costs the publisher a keyframe per gap at most.
            request_layer_keyframe(publication, layer);
            return Goes::No;
        }
    };
    target.layer.store(layer, Ordering::Release);
    target.stretch.fetch_add(1, Ordering::AcqRel);
    Goes::SwitchedAt(first)
}

/// How one publisher's packet is copied to each subscriber: what holds for
/// every copy of it.
struct Copying<'a> {
    source: &'a Source,
    clock_rate: u32,
    /// Its audio level, written again under each subscriber's id.
    level: Option<u8>,
    red: bool,
    counters: &'a MediaCounters,
}

impl Copying<'_> {
    /// Sends one subscriber its copy: their slot's SSRC and timeline, the
    /// payload type and extension id they agreed to (`write_rtp` checks
    /// these and rewrites nothing itself). `ids`: its VP8 frame numbers,
    /// run on per slot as its sequence numbers are. `skipped` is the
    /// publisher's count of packets held back before this one.
    async fn send(
        &self,
        target: &Target,
        packet: &rtc::rtp::Packet,
        ids: Option<vp8::FrameIds>,
        skipped: u16,
        now: Instant,
    ) {
        // Each stretch of forwarding (breakouts, pauses, layers) is a new
        // feeder for the slot's timeline.
        let feeder = target.id << 32 | u64::from(target.stretch.load(Ordering::Acquire));
        let header = &packet.header;
        let mut copy = packet.clone();
        let (seq, timestamp) = {
            let mut timeline = lock(&target.timeline);
            if let Some(ids) = ids {
                let (picture_id, tl0) = timeline.map_frame_ids(feeder, ids.picture_id, ids.tl0, ids.picture_id_span());
                copy.payload = ids.renumbered(&packet.payload, picture_id, tl0);
            }
            timeline.map(
                feeder,
                header.sequence_number,
                header.timestamp,
                skipped,
                self.clock_rate,
                now,
            )
        };
        copy.header.ssrc = target.ssrc;
        copy.header.payload_type = target.payload_type.load(Ordering::Relaxed);
        if self.red && !as_red_for(&mut copy, self.source, target) {
            return;
        }
        copy.header.sequence_number = seq;
        copy.header.timestamp = timestamp;
        copy.header.extension = false;
        copy.header.extension_profile = 0;
        copy.header.extensions.clear();
        copy.header.extensions_padding = 0;
        let level_id = target.audio_level_id.load(Ordering::Relaxed);
        if let (Some(level), true) = (self.level, level_id != 0) {
            let _ = copy.header.set_extension(level_id, Bytes::copy_from_slice(&[level]));
        }
        let bytes = copy.marshal_size();
        match deliver(&target.backlog, target.track.write_rtp(copy)).await {
            Delivery::Sent => {
                self.counters.forwarded(bytes);
                target.downlink.sent(bytes);
            }
            Delivery::Behind => self.counters.subscriber_behind(),
            // That subscriber is leaving: nothing to do.
            Delivery::Gone => {}
        }
    }
}

/// A video packet's VP8 frame numbers, if it carries them.
fn vp8_ids(kind: Kind, packet: &rtc::rtp::Packet) -> Option<vp8::FrameIds> {
    kind.is_video().then(|| vp8::frame_ids(&packet.payload)).flatten()
}

/// A RED packet made right for `target`: as it is (with its blocks'
/// payload type changed if the subscriber numbers Opus differently) when it
/// took RED, else the newest frame alone, as plain Opus. False when the
/// packet is not well-formed RED: it is not sent.
fn as_red_for(copy: &mut rtc::rtp::Packet, source: &Source, target: &Target) -> bool {
    let opus = target.payload_type.load(Ordering::Relaxed);
    let target_red = target.red_payload_type.load(Ordering::Relaxed);
    if target_red == 0 {
        let Some((_, start)) = red::primary(&copy.payload) else {
            return false;
        };
        copy.payload = copy.payload.slice(start..);
        return true;
    }
    copy.header.payload_type = target_red;
    if opus != source.payload_type {
        let Some(renumbered) = red::with_block_payload_type(&copy.payload, opus) else {
            return false;
        };
        copy.payload = Bytes::from(renumbered);
    }
    true
}

fn report(room: &Weak<RoomMedia>, publication: &Publication, speaking: bool) {
    if let Some(room) = room.upgrade() {
        let participant = publication.publisher;
        room.tell(MediaReport::Speaking { participant, speaking });
    }
}

/// Whether someone is speaking, from the levels of their audio packets.
#[derive(Debug, Default)]
struct Speech {
    smoothed: Option<f64>,
    speaking: bool,
    last_loud: Option<Instant>,
}

impl Speech {
    /// Takes one packet's level; returns the new state when it changes.
    fn hear(&mut self, level: u8, now: Instant) -> Option<bool> {
        let level = f64::from(level);
        let smoothed = self.smoothed.map_or(level, |s| 0.7 * s + 0.3 * level);
        self.smoothed = Some(smoothed);
        if smoothed < QUIET_ABOVE {
            self.last_loud = Some(now);
        }
        if !self.speaking && smoothed < SPEAKING_BELOW {
            self.speaking = true;
            return Some(true);
        }
        if self.silent(now) {
            return Some(false);
        }
        None
    }

    /// Ends a speaking stretch after enough quiet; true if it just ended.
    fn silent(&mut self, now: Instant) -> bool {
        let quiet_for = self
            .last_loud
            .map_or(Duration::MAX, |at| now.saturating_duration_since(at));
        if self.speaking && quiet_for >= SILENCE_AFTER {
            self.speaking = false;
            self.smoothed = None;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(speech: &mut Speech, level: u8, from: Instant, packets: u64) -> Vec<(u64, bool)> {
        (0..packets)
            .filter_map(|i| {
                let at = from + Duration::from_millis(20 * i);
                speech.hear(level, at).map(|s| (i, s))
            })
            .collect()
    }

    #[test]
    fn speech_starts_quickly_and_ends_after_a_pause_not_a_breath() {
        let start = Instant::now();
        let mut speech = Speech::default();
        assert!(feed(&mut speech, 127, start, 50).is_empty(), "silence is not speech");
        let changes = feed(&mut speech, 25, start + Duration::from_secs(1), 50);
        assert!(
            matches!(changes.first(), Some(&(i, true)) if i <= 5),
            "speaking within 100 ms: {changes:?}"
        );
        assert_eq!(changes.len(), 1);
        // A 300 ms breath: still speaking.
        assert!(feed(&mut speech, 127, start + Duration::from_secs(2), 15).is_empty());
        assert!(feed(&mut speech, 25, start + Duration::from_millis(2_300), 10).is_empty());
        // A real pause ends it, once.
        let changes = feed(&mut speech, 127, start + Duration::from_secs(3), 100);
        assert_eq!(changes.len(), 1);
        assert!(!changes[0].1);
    }

    #[test]
    fn packets_stopping_ends_a_speaking_stretch() {
        let start = Instant::now();
        let mut speech = Speech::default();
        feed(&mut speech, 20, start, 10);
        assert!(speech.speaking);
        assert!(!speech.silent(start + Duration::from_millis(300)));
        assert!(speech.silent(start + Duration::from_secs(2)));
        assert!(!speech.speaking);
    }
}

//! What a subscriber saw of each camera sent to it, packet by packet: which
//! simulcast layer (`peer_room_testkit::simulcast` marks each packet), the
//! switches from one layer to another and whether each began at a
//! keyframe, and the biggest jump in the sequence numbers, which the
//! server's per-slot timeline should keep at none across switches.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use peer_room_testkit::simulcast::{frame_ids, keyframe_height, layer_of};
use rtc::rtp;

use super::WAIT;

/// One layer change: the layer now sent, the height announced by the
/// packet it began with (`None`: it began with no keyframe), how many
/// of the camera's packets had come by then, that one included, and how
/// many of the frame it began with came (each of the test camera's frames
/// has three), and the first three packets from it on, as (sequence
/// number, timestamp) in the order they came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Switch {
    pub to: usize,
    pub keyframe_height: Option<u16>,
    pub at_packet: u64,
    pub first_frame_packets: u32,
    first_frame: u32,
    pub opening: Vec<(u16, u32)>,
}

impl Switch {
    /// Its first three packets are one frame's, numbered one after another:
    /// the keyframe came whole and in order.
    pub fn opened_whole(&self) -> bool {
        self.opening.len() == 3
            && self.opening.iter().all(|&(_, ts)| ts == self.first_frame)
            && self.opening.windows(2).all(|w| w[1].0 == w[0].0.wrapping_add(1))
    }
}

#[derive(Debug, Default)]
pub struct Camera {
    pub packets: u64,
    pub layer: Option<usize>,
    pub switches: Vec<Switch>,
    /// The heights of the keyframes received, in order.
    pub keyframes: Vec<u16>,
    last_seq: Option<u16>,
    /// The largest number of sequence numbers skipped between two packets.
    pub largest_jump: u16,
    /// The last frame's picture id and TL0PICIDX, and the largest step
    /// forward of each from one frame to the next: 1 in a stream a
    /// receiver can follow, whichever layers it came from.
    last_frame: Option<(u16, u8)>,
    pub largest_picture_id_step: u16,
    pub largest_tl0_step: u8,
}

/// Each camera's record, by the sender's stream id (`p3`).
#[derive(Clone, Default)]
pub struct VideoSeen(Arc<Mutex<HashMap<String, Camera>>>);

impl VideoSeen {
    /// A video packet from `stream` arrived.
    pub fn note(&self, stream: &str, packet: &rtp::Packet) {
        let mut cameras = self.0.lock().unwrap();
        let camera = cameras.entry(stream.to_owned()).or_default();
        camera.packets += 1;
        let height = keyframe_height(&packet.payload);
        if let Some(height) = height {
            camera.keyframes.push(height);
        }
        if let Some(switch) = camera.switches.last_mut() {
            if switch.first_frame == packet.header.timestamp {
                switch.first_frame_packets += 1;
            }
            if switch.opening.len() < 3 {
                switch
                    .opening
                    .push((packet.header.sequence_number, packet.header.timestamp));
            }
        }
        if let Some((picture_id, tl0)) = frame_ids(&packet.payload) {
            match camera.last_frame {
                // Older than the newest (a repair): no step.
                Some((last, _)) if picture_id.wrapping_sub(last) & 0x7fff >= 0x4000 => {}
                Some((last, last_tl0)) => {
                    let step = picture_id.wrapping_sub(last) & 0x7fff;
                    camera.largest_picture_id_step = camera.largest_picture_id_step.max(step);
                    camera.largest_tl0_step = camera.largest_tl0_step.max(tl0.wrapping_sub(last_tl0));
                    camera.last_frame = Some((picture_id, tl0));
                }
                None => camera.last_frame = Some((picture_id, tl0)),
            }
        }
        let seq = packet.header.sequence_number;
        match camera.last_seq {
            // Older than the newest (a retransmission, or reordered): no jump.
            Some(last) if seq.wrapping_sub(last) >= 0x8000 => {}
            Some(last) => {
                let jump = seq.wrapping_sub(last).saturating_sub(1);
                camera.largest_jump = camera.largest_jump.max(jump);
                camera.last_seq = Some(seq);
            }
            None => camera.last_seq = Some(seq),
        }
        // A camera without layers carries no mark: only marked ones switch.
        let layer = layer_of(&packet.payload);
        if layer.is_some() && layer != camera.layer {
            camera.layer = layer;
            camera.switches.push(Switch {
                to: layer.unwrap_or_default(),
                keyframe_height: height,
                at_packet: camera.packets,
                first_frame_packets: 1,
                first_frame: packet.header.timestamp,
                opening: vec![(packet.header.sequence_number, packet.header.timestamp)],
            });
        }
    }

    /// Runs `read` on what `from`'s camera sent so far.
    pub fn of<T>(&self, from: u64, read: impl FnOnce(&Camera) -> T) -> T {
        let cameras = self.0.lock().unwrap();
        let empty = Camera::default();
        read(cameras.get(&format!("p{from}")).unwrap_or(&empty))
    }

    /// Waits until `from`'s camera comes in `layer`, and a few packets of it.
    pub async fn wait_for_layer(&self, from: u64, layer: usize) {
        let wait = async {
            loop {
                let start = self.of(from, |c| (c.layer == Some(layer)).then_some(c.packets));
                if let Some(start) = start {
                    while self.of(from, |c| c.packets) < start + 10 {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                    if self.of(from, |c| c.layer) == Some(layer) {
                        return;
                    }
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        if tokio::time::timeout(WAIT, wait).await.is_err() {
            let seen = self.of(from, |c| format!("{c:?}"));
            panic!("p{from}'s camera never came in layer {layer}: {seen}");
        }
    }
}

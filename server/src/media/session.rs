//! One room's media: who is attached, who publishes what, and the task that
//! carries out the room's `MediaCommand`s in order.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU16, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock, Weak};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tracing::{debug, warn};
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_remote::TrackRemote;
use webrtc::rtp_transceiver::RtpSender;

use super::Media;
use super::delivery::Backlog;
use super::downlink::Downlink;
use super::keyframe_pacing::request_keyframe;
use super::layers::Layers;
use super::peer::{PeerCommand, PeerHandle};
use super::timeline::Timeline;
use crate::protocol::presence::MediaLink;
use crate::room::ParticipantId;
use crate::room::media::{MediaCommand, MediaReport};

/// Audio, the camera's video, or a shared screen: a publisher has at most
/// one track of each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Audio,
    Video,
    /// A screen, window or tab, as a video track of its own. Sent on only
    /// while the room says this person shares.
    Screen,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Audio => "audio",
            Kind::Video => "video",
            Kind::Screen => "screen",
        }
    }

    /// Carried as video (VP8, keyframes, paused when a downlink cannot take it).
    pub fn is_video(self) -> bool {
        self != Kind::Audio
    }
}

/// One subscriber's copy of one published track, sent in one of the
/// subscriber's slots.
pub struct Target {
    /// Which subscription this is: a slot's timeline tells feeders apart by it.
    pub id: u64,
    pub subscriber: ParticipantId,
    /// The slot's track and sender.
    pub track: Arc<TrackLocalStaticRTP>,
    pub sender: Arc<dyn RtpSender>,
    /// The slot's SSRC: every subscriber's copy has its own.
    pub ssrc: u32,
    pub timeline: Arc<Mutex<Timeline>>,
    /// What it copies: weak, the publication holds its targets.
    pub publication: Weak<Publication>,
    /// Set once the subscriber has answered the offer with this track and its
    /// connection is up: writing earlier only produces errors.
    pub ready: AtomicBool,
    /// Video goes out from a keyframe on: the frames before it could only be
    /// decoded into garbage. Set when video starts (again): the forwarder
    /// then waits for the next keyframe of the layer chosen.
    pub awaiting_keyframe: AtomicBool,
    /// The payload type and audio-level extension id negotiated with this
    /// subscriber, which may differ from the publisher's.
    pub payload_type: AtomicU8,
    /// Its payload type for RED over Opus; 0 if it took none, and is sent
    /// the newest frame of each RED packet alone.
    pub red_payload_type: AtomicU8,
    /// The subscriber's downlink: video to them pauses when it cannot
    /// carry it. And the pause epoch this target last saw: a new one
    /// starts its video again at a keyframe.
    pub downlink: Arc<Downlink>,
    /// Shared by every forwarder sending to this subscriber.
    pub backlog: Arc<Backlog>,
    pub epoch_seen: AtomicU16,
    pub audio_level_id: AtomicU8,
    /// The publisher and the subscriber are in different places (a
    /// breakout group, the main room): nothing is forwarded.
    pub apart: AtomicBool,
    /// Counts the stretches of forwarding: each time they are brought
    /// together again (breakouts), or video starts again after a pause or
    /// on another layer, the slot's timeline starts afresh, as from a new
    /// feeder, so the gap is neither a loss to repair nor a jump in time.
    pub stretch: AtomicU32,
    /// Video: the simulcast layer it is sent now (`layers::NO_LAYER`: none
    /// yet, or the next starts at a keyframe), and the one chosen for the
    /// subscriber (`bandwidth.rs`): a switch happens at that layer's
    /// next keyframe.
    pub layer: AtomicU8,
    pub goal: AtomicU8,
}

/// The publisher's side of a published track, known once its first packet
/// has come.
pub struct Source {
    pub remote: Arc<dyn TrackRemote>,
    /// The audio-level extension id negotiated with the publisher; 0: none.
    pub audio_level_id: u8,
    /// The publisher's payload types for its codec (Opus, VP8) and for RED
    /// over Opus; 0: none.
    pub payload_type: u8,
    pub red_payload_type: u8,
}

/// One published track and who receives it. It exists from the publisher's
/// offer on, before any of its packets: everyone's subscription is planned
/// and offered while the publisher's connection is still being set up.
pub struct Publication {
    pub publisher: ParticipantId,
    pub kind: Kind,
    pub source: OnceLock<Source>,
    pub targets: RwLock<Vec<Arc<Target>>>,
    /// False while a host has muted the audio or stopped the video.
    pub forwarding: AtomicBool,
    pub received: AtomicU64,
    /// Its simulcast layers (one, the top, for a track sent once).
    pub layers: Layers,
}

impl Publication {
    pub fn key(&self) -> (ParticipantId, Kind) {
        (self.publisher, self.kind)
    }
}

/// What the session task, the peers and the forwarders share. Locks are
/// `std` mutexes held for a lookup or an insert, never across an `.await`.
pub struct RoomMedia {
    pub media: Media,
    /// Where reports for the room go: its actor reads them.
    reports: mpsc::UnboundedSender<MediaReport>,
    peers: Mutex<HashMap<ParticipantId, PeerHandle>>,
    publications: Mutex<HashMap<(ParticipantId, Kind), Arc<Publication>>>,
    /// What a host allows to be forwarded, kept for tracks not published yet.
    allowed: Mutex<HashMap<ParticipantId, (bool, bool)>>,
    /// Who is in the room and may offer. Their peer connection is made on
    /// their first offer, not on entry: a client that never sends media
    /// (a phone that only listens still offers; a script that only chats
    /// does not) costs no connection, no socket and no DTLS state.
    present: Mutex<HashSet<ParticipantId>>,
    /// People let in whose offer has not come yet, and since when: the
    /// others' offers wait a moment for them (see `arrivals_expected`).
    arriving: Mutex<HashMap<ParticipantId, Instant>>,
    /// Bumped whenever `arriving` changes, to wake the peers waiting on it.
    arrivals: watch::Sender<u64>,
    /// Who is in which breakout group; absent: the main room.
    places: Mutex<HashMap<ParticipantId, u32>>,
    /// Who shares their screen now, if anyone: only their screen track is
    /// offered to the others and forwarded.
    sharer: Mutex<Option<ParticipantId>>,
}

/// How long someone let in is waited for: a browser offers within a few
/// hundred milliseconds of entering, even before its camera opens.
const ARRIVAL_EXPECTED_FOR: Duration = Duration::from_secs(2);

impl RoomMedia {
    /// Reports something to the room. Never waits: if the room has
    /// stopped, there is no one left to tell.
    pub fn tell(&self, report: MediaReport) {
        let _ = self.reports.send(report);
    }

    pub fn allowed(&self, participant: ParticipantId, kind: Kind) -> bool {
        if kind == Kind::Screen {
            return *lock(&self.sharer) == Some(participant);
        }
        let allowed = lock(&self.allowed).get(&participant).copied();
        let (audio, video) = allowed.unwrap_or((true, true));
        if kind == Kind::Audio { audio } else { video }
    }

    /// Whether others are sent this track at all: a screen only while it is shared.
    fn offered(&self, publication: &Publication) -> bool {
        publication.kind != Kind::Screen || *lock(&self.sharer) == Some(publication.publisher)
    }

    /// A track the publisher's offer announces: plan it, and offer it to
    /// everyone else now, before its first packet.
    pub fn plan(&self, publisher: ParticipantId, kind: Kind) -> Arc<Publication> {
        let publication = {
            let mut publications = lock(&self.publications);
            if let Some(planned) = publications.get(&(publisher, kind)) {
                return Arc::clone(planned);
            }
            let publication = Arc::new(Publication {
                publisher,
                kind,
                source: OnceLock::new(),
                targets: RwLock::default(),
                forwarding: AtomicBool::new(self.allowed(publisher, kind)),
                received: AtomicU64::new(0),
                layers: Layers::default(),
            });
            publications.insert((publisher, kind), Arc::clone(&publication));
            publication
        };
        if !self.offered(&publication) {
            return publication;
        }
        for (id, peer) in lock(&self.peers).iter() {
            if *id != publisher {
                let _ = peer.commands.send(PeerCommand::Subscribe(Arc::clone(&publication)));
            }
        }
        publication
    }

    /// The publisher's first packet of a planned track came: forward it.
    /// None if the track was not planned or is already flowing.
    pub fn start_forwarding(
        self: &Arc<Self>,
        publisher: ParticipantId,
        kind: Kind,
        source: Source,
        layers: &[(u8, u32)],
    ) -> Option<JoinHandle<()>> {
        let publication = self.plan(publisher, kind);
        publication.source.set(source).ok()?;
        for &(layer, ssrc) in layers {
            publication.layers.open(layer, ssrc);
        }
        if kind.is_video() && !read(&publication.targets).is_empty() {
            // Subscribers are waiting for its first picture.
            request_keyframe(&publication);
        }
        let counters = Arc::clone(self.media.counters());
        Some(tokio::spawn(super::forward::run(
            publication,
            Arc::downgrade(self),
            counters,
        )))
    }

    /// Someone's offer has been taken and their tracks planned: nobody
    /// waits for them any more.
    pub fn arrived(&self, participant: ParticipantId) {
        if lock(&self.arriving).remove(&participant).is_some() {
            self.arrivals.send_modify(|n| *n += 1);
        }
    }

    /// Whether people let in a moment ago have yet to offer. A connection
    /// about to offer new tracks waits for them (briefly), so that when a
    /// facilitator admits a whole group at once each page gets one offer
    /// with everyone rather than one per arrival.
    pub fn arrivals_expected(&self, now: Instant) -> bool {
        lock(&self.arriving)
            .values()
            .any(|since| now.saturating_duration_since(*since) < ARRIVAL_EXPECTED_FOR)
    }

    pub fn watch_arrivals(&self) -> watch::Receiver<u64> {
        self.arrivals.subscribe()
    }

    /// Whether two people are in different places (breakout groups, the
    /// main room), so that neither receives the other's media.
    pub fn apart(&self, a: ParticipantId, b: ParticipantId) -> bool {
        let places = lock(&self.places);
        places.get(&a) != places.get(&b)
    }

    /// Breakout groups changed: each copy of a track flows only between
    /// people in the same place. Video that flows again starts at a
    /// keyframe, asked for now so the picture comes at once.
    fn set_places(&self, places: Vec<(ParticipantId, u32)>) {
        *lock(&self.places) = places.into_iter().collect();
        let publications: Vec<Arc<Publication>> = lock(&self.publications).values().cloned().collect();
        for publication in publications {
            let mut wants_keyframe = false;
            for target in read(&publication.targets).iter() {
                let apart = self.apart(publication.publisher, target.subscriber);
                let was = target.apart.swap(apart, Ordering::AcqRel);
                if was && !apart {
                    target.stretch.fetch_add(1, Ordering::AcqRel);
                    if publication.kind.is_video() {
                        target.awaiting_keyframe.store(true, Ordering::Release);
                        wants_keyframe = true;
                    }
                }
            }
            if wants_keyframe {
                request_keyframe(&publication);
            }
        }
    }

    /// Everything published by others, for a newcomer to subscribe to.
    pub fn publications_for(&self, subscriber: ParticipantId) -> Vec<Arc<Publication>> {
        lock(&self.publications)
            .values()
            .filter(|p| p.publisher != subscriber && self.offered(p))
            .cloned()
            .collect()
    }

    /// Someone entered the room: they may now offer.
    fn attach(&self, participant: ParticipantId) {
        lock(&self.present).insert(participant);
        lock(&self.arriving).insert(participant, Instant::now());
        self.arrivals.send_modify(|n| *n += 1);
    }

    /// Makes a participant's peer connection; false (and the room told) if
    /// the engine could not.
    async fn start_peer(self: &Arc<Self>, participant: ParticipantId) -> bool {
        let started = Instant::now();
        match PeerHandle::start(Arc::clone(self), participant).await {
            Ok(peer) => {
                debug!(participant = %participant, micros = started.elapsed().as_micros() as u64, "peer connection made");
                lock(&self.peers).insert(participant, peer);
                true
            }
            Err(error) => {
                warn!(participant = %participant, %error, "could not create a peer connection");
                let reason = "the server could not set up media for you".to_owned();
                self.tell(MediaReport::Failed { participant, reason });
                false
            }
        }
    }

    /// Someone left: stop forwarding their tracks, take them away from
    /// everyone else's connection, and close theirs.
    async fn detach(&self, participant: ParticipantId) {
        lock(&self.present).remove(&participant);
        lock(&self.allowed).remove(&participant);
        self.arrived(participant);
        self.close_peer(participant).await;
    }

    /// A client's offer. The first makes their connection. A peer is only
    /// ever made by an offer, so one that exists already means a new
    /// connection on the client's side (a reloaded page, a fresh start): the
    /// server side starts afresh too.
    async fn offer(self: &Arc<Self>, participant: ParticipantId, sdp: String) {
        if !lock(&self.present).contains(&participant) {
            let reason = "media is not set up for you: rejoin the room".to_owned();
            self.tell(MediaReport::Failed { participant, reason });
            return;
        }
        let replaced = lock(&self.peers).get(&participant).map(|peer| *peer.connected.borrow());
        if replaced.is_some() {
            self.close_peer(participant).await;
        }
        if replaced == Some(false) {
            // A page that replaces a connection that never came up is trying
            // again: the others' tiles say so now, not after this one's wait.
            self.tell(MediaReport::Link {
                participant,
                link: MediaLink::Trouble,
            });
        }
        if !self.start_peer(participant).await {
            self.arrived(participant);
            return;
        }
        if !self.send_to_peer(participant, PeerCommand::Offer(sdp)) {
            self.arrived(participant);
            let reason = "media is not set up for you: rejoin the room".to_owned();
            self.tell(MediaReport::Failed { participant, reason });
        }
    }

    /// Closes someone's connection and takes their tracks off everyone
    /// else's, keeping what a host decided about their media.
    async fn close_peer(&self, participant: ParticipantId) {
        let gone: Vec<Arc<Publication>> = {
            let mut publications = lock(&self.publications);
            let keys: Vec<_> = publications
                .keys()
                .filter(|(p, _)| *p == participant)
                .copied()
                .collect();
            keys.iter().filter_map(|k| publications.remove(k)).collect()
        };
        for publication in lock(&self.publications).values() {
            write(&publication.targets).retain(|t| t.subscriber != participant);
        }
        let peer = lock(&self.peers).remove(&participant);
        for publication in &gone {
            write(&publication.targets).clear();
            for other in lock(&self.peers).values() {
                let _ = other.commands.send(PeerCommand::Unsubscribe(publication.key()));
            }
        }
        if let Some(peer) = peer {
            peer.close().await;
        }
    }

    /// A connection that never came up is let go, if it is still the
    /// person's (their page may have replaced it meanwhile): its port and
    /// tracks freed, the tiles told, the page asked to start afresh.
    async fn abandon(&self, participant: ParticipantId, connection: u64) {
        let current = lock(&self.peers).get(&participant).map(|peer| peer.id);
        if current != Some(connection) {
            return;
        }
        self.close_peer(participant).await;
        self.tell(MediaReport::Link {
            participant,
            link: MediaLink::Trouble,
        });
        self.tell(MediaReport::StartAfresh { participant });
    }

    fn set_allowed(&self, participant: ParticipantId, audio: bool, video: bool) {
        lock(&self.allowed).insert(participant, (audio, video));
        for publication in lock(&self.publications).values().filter(|p| p.publisher == participant) {
            let allow = match publication.kind {
                Kind::Audio => audio,
                Kind::Video => video,
                // A host's stop of someone's camera leaves their share: the room stops that.
                Kind::Screen => continue,
            };
            let was = publication.forwarding.swap(allow, Ordering::AcqRel);
            if allow && !was && publication.kind == Kind::Video {
                // Video coming back: its subscribers start again from a
                // keyframe, asked for now so it shows at once.
                for target in read(&publication.targets).iter() {
                    target.awaiting_keyframe.store(true, Ordering::Release);
                }
                request_keyframe(publication);
            }
        }
    }

    /// Someone starts sharing their screen, or no one does: the screen
    /// that stops is taken off everyone's connection; the one that starts
    /// is offered to everyone and starts at a keyframe.
    fn set_sharer(&self, sharer: Option<ParticipantId>) {
        let before = std::mem::replace(&mut *lock(&self.sharer), sharer);
        if before == sharer {
            return;
        }
        let screen = |who: Option<ParticipantId>| {
            who.and_then(|who| lock(&self.publications).get(&(who, Kind::Screen)).cloned())
        };
        if let Some(stopped) = screen(before) {
            stopped.forwarding.store(false, Ordering::Release);
            write(&stopped.targets).clear();
            for peer in lock(&self.peers).values() {
                let _ = peer.commands.send(PeerCommand::Unsubscribe(stopped.key()));
            }
        }
        if let Some(started) = screen(sharer) {
            started.forwarding.store(true, Ordering::Release);
            for (id, peer) in lock(&self.peers).iter() {
                if *id != started.publisher {
                    let _ = peer.commands.send(PeerCommand::Subscribe(Arc::clone(&started)));
                }
            }
            request_keyframe(&started);
        }
    }

    fn send_to_peer(&self, participant: ParticipantId, command: PeerCommand) -> bool {
        match lock(&self.peers).get(&participant) {
            Some(peer) => peer.commands.send(command).is_ok(),
            None => false,
        }
    }

    async fn close_all(&self) {
        lock(&self.present).clear();
        let peers: Vec<PeerHandle> = lock(&self.peers).drain().map(|(_, peer)| peer).collect();
        lock(&self.publications).clear();
        for peer in peers {
            peer.close().await;
        }
    }
}

/// The room's media task: carries out the room's commands in order, and
/// closes every connection when the room lets go of it.
pub async fn run(
    media: Media,
    reports: mpsc::UnboundedSender<MediaReport>,
    mut commands: mpsc::UnboundedReceiver<MediaCommand>,
) {
    let shared = Arc::new(RoomMedia {
        media,
        reports,
        peers: Mutex::new(HashMap::new()),
        publications: Mutex::new(HashMap::new()),
        allowed: Mutex::new(HashMap::new()),
        present: Mutex::new(HashSet::new()),
        arriving: Mutex::new(HashMap::new()),
        arrivals: watch::Sender::new(0),
        places: Mutex::new(HashMap::new()),
        sharer: Mutex::new(None),
    });
    while let Some(command) = commands.recv().await {
        match command {
            MediaCommand::Attach { participant } => shared.attach(participant),
            MediaCommand::Detach { participant } => shared.detach(participant).await,
            MediaCommand::Forward {
                participant,
                audio,
                video,
            } => shared.set_allowed(participant, audio, video),
            MediaCommand::Offer { participant, sdp } => shared.offer(participant, sdp).await,
            MediaCommand::Answer { participant, sdp } => {
                shared.send_to_peer(participant, PeerCommand::Answer(sdp));
            }
            MediaCommand::Candidate { participant, candidate } => {
                shared.send_to_peer(participant, PeerCommand::Candidate(candidate));
            }
            MediaCommand::Places { places } => shared.set_places(places),
            MediaCommand::Share { sharer } => shared.set_sharer(sharer),
            MediaCommand::VideoSizes { participant, shown } => {
                shared.send_to_peer(participant, PeerCommand::VideoSizes(shown));
            }
            MediaCommand::Restart { participant } => {
                shared.send_to_peer(participant, PeerCommand::RestartIce);
            }
            MediaCommand::Abandon {
                participant,
                connection,
            } => shared.abandon(participant, connection).await,
        }
    }
    debug!("room media stopped");
    shared.close_all().await;
}

/// A poisoned lock only means another task panicked while holding it; the
/// maps stay usable, so carry on rather than fail every room's media.
pub fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

pub fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

//! One participant's peer connection, driven by a task of its own.
//!
//! Everything that touches this connection's signalling goes through the
//! task's queue, so an offer is never created while another is in flight.
//! The client offers once, to publish; after that only the server offers: to
//! add or remove the tracks it sends, and to restart ICE after a resume.
//! Offers are gathered: everything that changed while one was in flight, or
//! while people just let in have yet to offer, goes in the next one, so a
//! whole group arriving at once costs each page one or two offers.
//! `tracks.rs` has the tracks it carries; `link_watch.rs` (beside this
//! folder) how it stands for the others.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rtc::peer_connection::configuration::RTCOfferOptions;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tracing::{debug, warn};
use webrtc::media_stream::track_remote::TrackRemote;
use webrtc::peer_connection::{
    PeerConnection, PeerConnectionEventHandler, RTCIceCandidateInit, RTCIceConnectionState, RTCPeerConnectionIceEvent,
    RTCPeerConnectionState, RTCSessionDescription,
};

mod reception;
mod tracks;

use self::tracks::Subscription;
use super::announced;
use super::bandwidth::Estimate;
use super::counters::OpenPeerConnection;
use super::delivery::Backlog;
use super::downlink::Downlink;
use super::engine::{self, EngineError};
use super::keyframes::ReceptionReports;
use super::link_watch::{LinkNews, LinkWatch};
use super::published_tracks::answer_keeping_published_tracks;
use super::session::{Kind, Publication, RoomMedia, Target};
use super::shared_port::Announcer;
use super::slots::Slots;
use crate::protocol::media::{IceCandidate, ShownVideo};
use crate::room::ParticipantId;
use crate::room::media::MediaReport;

/// How long an offer waits at most for people just let in to offer
/// themselves, so that their tracks come in the same offer.
const GATHER_AT_MOST: Duration = Duration::from_millis(300);
/// Candidates kept while the client's description has not come yet: a
/// browser sends a handful; more is a client that will never offer.
const MAX_EARLY_CANDIDATES: usize = 64;

pub enum PeerCommand {
    /// The client's offer.
    Offer(String),
    /// The client's answer to our offer.
    Answer(String),
    /// A candidate from the client.
    Candidate(IceCandidate),
    /// A candidate of ours, to send to the client.
    LocalCandidate(RTCIceCandidateInit),
    /// The client started sending a track.
    RemoteTrack(Arc<dyn TrackRemote>),
    Subscribe(Arc<Publication>),
    Unsubscribe((ParticipantId, Kind)),
    RestartIce,
    /// Whose camera the client shows, and how tall.
    VideoSizes(Vec<ShownVideo>),
    /// The connection's state changed.
    State(RTCPeerConnectionState),
    /// ICE's state changed.
    IceState(RTCIceConnectionState),
    Close,
}

pub struct PeerHandle {
    /// Tells this connection from the person's earlier and later ones.
    pub id: u64,
    pub commands: mpsc::UnboundedSender<PeerCommand>,
    /// Whether the connection is up now.
    pub connected: watch::Receiver<bool>,
    task: JoinHandle<()>,
}

impl PeerHandle {
    pub async fn start(room: Arc<RoomMedia>, me: ParticipantId) -> Result<PeerHandle, EngineError> {
        let (commands, queue) = mpsc::unbounded_channel();
        let (connected_tx, connected) = watch::channel(false);
        let connected_watch = connected.clone();
        let id = NEXT_CONNECTION.fetch_add(1, Ordering::Relaxed);
        let handler = Arc::new(Events {
            commands: commands.clone(),
            connected: connected_tx,
        });
        let (pc, reports, announcer) = engine::peer_connection(&room.media, handler).await?;
        // Its first state is not told to the room: a page trying again after
        // trouble is still in trouble for the others until this one is up.
        let (setup_within, handshake_within) = {
            let config = room.media.config();
            (config.setup_within, config.handshake_within)
        };
        let open = room.media.counters().peer_connection_opened();
        let peer = Peer {
            id,
            _open: open,
            room,
            me,
            pc,
            announcer,
            connected,
            remote_candidates: Vec::new(),
            offer_in_flight: false,
            needs_offer: false,
            restart_ice: false,
            wanted_since: None,
            pending: Vec::new(),
            in_flight: Vec::new(),
            subscriptions: HashMap::new(),
            early_subscriptions: Vec::new(),
            awaiting_slot: Vec::new(),
            slots: Slots::default(),
            screen_mid: None,
            tasks: Vec::new(),
            candidate_complaint: None,
            link: LinkWatch::new(Instant::now(), setup_within, handshake_within),
            downlink: Arc::default(),
            backlog: Arc::default(),
            reports,
            reports_seen: HashMap::new(),
            told_paused: false,
            shown: None,
            estimate: Estimate::default(),
            sent_before: (0, Instant::now()),
            raised_at: None,
            smallest_since: None,
        };
        let task = tokio::spawn(peer.run(queue));
        Ok(PeerHandle {
            id,
            commands,
            connected: connected_watch,
            task,
        })
    }

    /// Closes the connection and waits for its task to finish.
    pub async fn close(self) {
        let _ = self.commands.send(PeerCommand::Close);
        let _ = self.task.await;
    }
}

/// The connection's callbacks. They run on its driver task, so they only
/// queue work for the peer task and never wait.
struct Events {
    commands: mpsc::UnboundedSender<PeerCommand>,
    connected: watch::Sender<bool>,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Events {
    async fn on_ice_candidate(&self, event: RTCPeerConnectionIceEvent) {
        if let Ok(candidate) = event.candidate.to_json() {
            let _ = self.commands.send(PeerCommand::LocalCandidate(candidate));
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        let _ = self.connected.send(state == RTCPeerConnectionState::Connected);
        let _ = self.commands.send(PeerCommand::State(state));
    }

    async fn on_ice_connection_state_change(&self, state: RTCIceConnectionState) {
        let _ = self.commands.send(PeerCommand::IceState(state));
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let _ = self.commands.send(PeerCommand::RemoteTrack(track));
    }
}

struct Peer {
    id: u64,
    /// Held, not read: counts this connection as open until its task ends.
    _open: OpenPeerConnection,
    room: Arc<RoomMedia>,
    me: ParticipantId,
    pc: Arc<dyn PeerConnection>,
    /// Puts right what we tell the client when on the shared media port.
    announcer: Announcer,
    connected: watch::Receiver<bool>,
    /// Candidates that came before the client's description.
    remote_candidates: Vec<RTCIceCandidateInit>,
    offer_in_flight: bool,
    needs_offer: bool,
    restart_ice: bool,
    /// Since when an offer has been wanted: how long it may still gather.
    wanted_since: Option<Instant>,
    /// Tracks added since our last offer, and those in the offer in flight.
    pending: Vec<Arc<Target>>,
    in_flight: Vec<Arc<Target>>,
    subscriptions: HashMap<(ParticipantId, Kind), Subscription>,
    /// Tracks planned before the client's own offer: taken once it comes.
    early_subscriptions: Vec<Arc<Publication>>,
    /// Tracks waiting for a departed person's slot of their kind to be free
    /// (`Slots::must_wait_for`): taken once the offer retiring it is answered.
    awaiting_slot: Vec<Arc<Publication>>,
    slots: Slots,
    /// The mid of the section the client shares its screen on, if it has one.
    screen_mid: Option<String>,
    tasks: Vec<JoinHandle<()>>,
    /// When a bad candidate from this client was last logged: one a client
    /// sends in a loop must not fill the log.
    candidate_complaint: Option<std::time::Instant>,
    /// How the connection stands for the others, and when it is given up.
    link: LinkWatch,
    /// Whether this person's downlink carries the video sent to them, from
    /// their reception reports; its forwarders hold it back when not.
    downlink: Arc<Downlink>,
    /// Whether this person's connection has lately had no room for
    /// packets: forwarders then do not wait for it (`delivery.rs`).
    backlog: Arc<Backlog>,
    /// What the person's reception reports say, per stream sent, and how
    /// many of them were read already.
    reports: Arc<ReceptionReports>,
    reports_seen: HashMap<u32, u64>,
    /// Whether the person was last told their incoming video is paused.
    told_paused: bool,
    /// Whose camera the client shows and how tall; `None` until it says:
    /// everyone's, at full size.
    shown: Option<HashMap<ParticipantId, u16>>,
    /// What this person's downlink carries (`bandwidth.rs`), and the bytes
    /// sent to them as of the last report read.
    estimate: Estimate,
    sent_before: (u64, Instant),
    /// When a camera sent to them was last raised to a bigger layer.
    raised_at: Option<Instant>,
    /// Since when every camera sent to this person has flowed at its
    /// smallest layer: only loss after that can pause their video.
    smallest_since: Option<Instant>,
}

/// How often the connection's stats are read for its downlink: about as
/// often as a browser sends reception reports for video.
pub(super) const DOWNLINK_EVERY: Duration = Duration::from_secs(1);

/// Tells a person's connections apart, across every room.
static NEXT_CONNECTION: AtomicU64 = AtomicU64::new(1);

#[derive(Debug, thiserror::Error)]
enum SignalError {
    #[error("{0}")]
    Webrtc(#[from] webrtc::error::Error),
    #[error("{0}")]
    Refused(&'static str),
    /// The library's words for a bad candidate may quote it, addresses and
    /// all: neither the log nor the reply repeats them.
    #[error("an ICE candidate could not be used")]
    Candidate,
    /// The client's answer to our offer could not be applied.
    #[error("{0}")]
    AnswerRefused(webrtc::error::Error),
}

/// How often a client's bad candidates are mentioned in the log at most.
const CANDIDATE_COMPLAINT_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

impl Peer {
    async fn run(mut self, mut queue: mpsc::UnboundedReceiver<PeerCommand>) {
        let mut arrivals = self.room.watch_arrivals();
        let mut downlink_check = tokio::time::interval(DOWNLINK_EVERY);
        downlink_check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let deadline = self.gather_deadline();
            let setup = self.link.deadline();
            tokio::select! {
                // Commands first: an arrival's tracks are queued before the
                // news that it arrived.
                biased;
                command = queue.recv() => {
                    let Some(command) = command else { break };
                    if matches!(command, PeerCommand::Close) {
                        break;
                    }
                    let offer = matches!(command, PeerCommand::Offer(_));
                    let result = self.handle(command).await;
                    if offer {
                        // Planned or failed: either way no one waits for it.
                        self.room.arrived(self.me);
                    }
                    if let Err(error) = result {
                        self.complain(error);
                    }
                }
                _ = arrivals.changed() => {}
                _ = downlink_check.tick(), if self.sends_video() => self.check_downlink(),
                () = tokio::time::sleep_until(deadline.unwrap_or_else(Instant::now).into()), if deadline.is_some() => {}
                () = tokio::time::sleep_until(setup.unwrap_or_else(Instant::now).into()), if setup.is_some() => {
                    let news = self.link.overdue();
                    self.tell_link(news);
                }
            }
            // Everything queued goes in the same offer.
            if queue.is_empty()
                && let Err(error) = self.offer_if_due().await
            {
                self.complain(error);
            }
        }
        for task in &self.tasks {
            task.abort();
        }
        if self.told_paused {
            // What this connection told, it takes back as it goes: the
            // next one starts with video and says so if it cannot.
            self.room.tell(MediaReport::IncomingVideoPaused {
                participant: self.me,
                paused: false,
            });
        }
        if let Err(error) = self.pc.close().await {
            warn!(participant = %self.me, %error, "closing a peer connection failed");
        }
    }

    async fn handle(&mut self, command: PeerCommand) -> Result<(), SignalError> {
        match command {
            PeerCommand::Offer(sdp) => self.on_offer(sdp).await,
            PeerCommand::Answer(sdp) => self.on_answer(sdp).await,
            PeerCommand::Candidate(candidate) => self.on_candidate(candidate).await,
            PeerCommand::LocalCandidate(candidate) => {
                // The library gives no m-line for its candidates (an empty
                // mid): with everything bundled on one transport, the first
                // m-line is the one, and a browser rejects an empty mid
                // that matches none.
                let candidate = IceCandidate {
                    candidate: self.announcer.candidate(candidate.candidate),
                    sdp_mid: candidate.sdp_mid.filter(|mid| !mid.is_empty()),
                    sdp_mline_index: candidate.sdp_mline_index.or(Some(0)),
                    username_fragment: None,
                };
                self.room.tell(MediaReport::Candidate {
                    participant: self.me,
                    candidate,
                });
                Ok(())
            }
            PeerCommand::RemoteTrack(track) => self.on_remote_track(track).await,
            PeerCommand::Subscribe(publication) => self.subscribe(publication).await,
            PeerCommand::Unsubscribe(key) => self.unsubscribe(key).await,
            PeerCommand::RestartIce => self.restart_ice().await,
            PeerCommand::VideoSizes(shown) => {
                self.shown = Some(shown.into_iter().map(|v| (v.participant, v.height)).collect());
                self.choose_layers();
                Ok(())
            }
            PeerCommand::State(state) => {
                let news = self.link.state_changed(state);
                self.tell_link(news);
                Ok(())
            }
            PeerCommand::IceState(state) => {
                if state == RTCIceConnectionState::Connected {
                    self.link.path_found(Instant::now());
                }
                Ok(())
            }
            PeerCommand::Close => Ok(()),
        }
    }

    /// Tells the room what the link watch said, if anything.
    fn tell_link(&self, news: Option<LinkNews>) {
        let report = match news {
            None => return,
            Some(LinkNews::Link(link)) => MediaReport::Link {
                participant: self.me,
                link,
            },
            Some(LinkNews::GiveUp) => {
                debug!(participant = %self.me, "a connection that never came up is given up");
                MediaReport::NeverConnected {
                    participant: self.me,
                    connection: self.id,
                }
            }
        };
        self.room.tell(report);
    }

    /// What went wrong is the client's or the network's doing: tell the
    /// client, and carry on with what still works.
    fn complain(&mut self, error: SignalError) {
        if matches!(error, SignalError::Candidate) {
            let now = std::time::Instant::now();
            if self
                .candidate_complaint
                .is_none_or(|at| now - at >= CANDIDATE_COMPLAINT_EVERY)
            {
                self.candidate_complaint = Some(now);
                debug!(participant = %self.me, "a candidate from the client could not be used");
            }
        } else {
            debug!(participant = %self.me, %error, "signalling failed");
        }
        let report = match error {
            // Our offer stands unanswered for good: only a new connection
            // gets this one going again.
            SignalError::AnswerRefused(_) => MediaReport::StartAfresh { participant: self.me },
            error => MediaReport::Failed {
                participant: self.me,
                reason: error.to_string(),
            },
        };
        self.room.tell(report);
    }

    async fn on_offer(&mut self, sdp: String) -> Result<(), SignalError> {
        if self.offer_in_flight {
            return Err(SignalError::Refused("the server's offer is waiting for your answer"));
        }
        let first = self.pc.remote_description().await.is_none();
        let description = RTCSessionDescription::offer(sdp)?;
        let announced = announced::kinds_sent(&description.sdp);
        self.pc.set_remote_description(description).await?;
        if first {
            // Everyone else is offered these tracks now, in the same round
            // as this answer, not once their first packet has come.
            for section in announced {
                if section.kind == Kind::Screen {
                    self.screen_mid = section.mid;
                }
                self.room.plan(self.me, section.kind);
            }
        }
        let answer = self.pc.create_answer(None).await?;
        self.pc.set_local_description(answer.clone()).await?;
        let event = MediaReport::Answer {
            participant: self.me,
            sdp: self.announcer.sdp(answer.sdp),
        };
        self.room.tell(event);
        self.add_remote_candidates().await?;
        if first {
            let mut planned = self.room.publications_for(self.me);
            planned.append(&mut self.early_subscriptions);
            for publication in planned {
                self.subscribe(publication).await?;
            }
        }
        Ok(())
    }

    async fn on_answer(&mut self, sdp: String) -> Result<(), SignalError> {
        if !self.offer_in_flight {
            return Err(SignalError::Refused("there is no offer to answer"));
        }
        let sdp = answer_keeping_published_tracks(&sdp);
        let answer = RTCSessionDescription::answer(sdp).map_err(SignalError::AnswerRefused)?;
        self.pc
            .set_remote_description(answer)
            .await
            .map_err(SignalError::AnswerRefused)?;
        self.offer_in_flight = false;
        self.slots.answered();
        for target in std::mem::take(&mut self.in_flight) {
            self.activate(target).await;
        }
        for publication in std::mem::take(&mut self.awaiting_slot) {
            self.subscribe(publication).await?;
        }
        Ok(())
    }

    async fn on_candidate(&mut self, candidate: IceCandidate) -> Result<(), SignalError> {
        let candidate = RTCIceCandidateInit {
            candidate: candidate.candidate,
            sdp_mid: candidate.sdp_mid,
            sdp_mline_index: candidate.sdp_mline_index,
            ..Default::default()
        };
        if self.pc.remote_description().await.is_some() {
            self.pc
                .add_ice_candidate(candidate)
                .await
                .map_err(|_| SignalError::Candidate)?;
        } else if self.remote_candidates.len() < MAX_EARLY_CANDIDATES {
            self.remote_candidates.push(candidate);
        }
        Ok(())
    }

    async fn add_remote_candidates(&mut self) -> Result<(), SignalError> {
        let mut failed = false;
        for candidate in std::mem::take(&mut self.remote_candidates) {
            // One bad candidate must not cost the good ones after it.
            failed |= self.pc.add_ice_candidate(candidate).await.is_err();
        }
        if failed { Err(SignalError::Candidate) } else { Ok(()) }
    }

    /// Something changed that the client must be offered: it goes in the
    /// next offer, when `offer_if_due` says so.
    fn want_offer(&mut self) {
        self.needs_offer = true;
        self.wanted_since.get_or_insert_with(Instant::now);
    }

    /// When a wanted offer stops waiting for arrivals; None if none waits.
    fn gather_deadline(&self) -> Option<Instant> {
        let since = self
            .wanted_since
            .filter(|_| self.needs_offer && !self.offer_in_flight)?;
        Some(since + GATHER_AT_MOST)
    }

    /// Offers if one is wanted and the connection allows it: after the
    /// client's first offer, one at a time, and not while people just let
    /// in are about to offer (for a moment at most).
    async fn offer_if_due(&mut self) -> Result<(), SignalError> {
        if !self.needs_offer || self.offer_in_flight || self.pc.remote_description().await.is_none() {
            return Ok(());
        }
        let now = Instant::now();
        let gathered = self.gather_deadline().is_some_and(|deadline| now >= deadline);
        if !self.restart_ice && !gathered && self.room.arrivals_expected(now) {
            return Ok(());
        }
        self.send_offer().await
    }

    async fn send_offer(&mut self) -> Result<(), SignalError> {
        self.needs_offer = false;
        self.wanted_since = None;
        let options = RTCOfferOptions {
            ice_restart: std::mem::take(&mut self.restart_ice),
        };
        let offer = self.pc.create_offer(Some(options)).await?;
        self.pc.set_local_description(offer.clone()).await?;
        self.offer_in_flight = true;
        self.in_flight = std::mem::take(&mut self.pending);
        self.slots.offered();
        let event = MediaReport::Offer {
            participant: self.me,
            sdp: self.announcer.sdp(offer.sdp),
        };
        self.room.tell(event);
        Ok(())
    }

    /// The client came back on a new socket. An offer sent while it was away
    /// may never have reached it: send it again, and restart ICE once it is
    /// answered; otherwise restart ICE now.
    async fn restart_ice(&mut self) -> Result<(), SignalError> {
        self.restart_ice = true;
        self.want_offer();
        if self.offer_in_flight
            && let Some(pending) = self.pc.local_description().await
        {
            let event = MediaReport::Offer {
                participant: self.me,
                sdp: self.announcer.sdp(pending.sdp),
            };
            self.room.tell(event);
        }
        Ok(())
    }
}

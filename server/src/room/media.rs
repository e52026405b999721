//! The room's side of the media: who sends what, host mutes, signalling
//! passed to and from the media layer, and who is speaking.
//!
//! The room never holds a WebRTC type. It tells the media layer what to do
//! with `Effect::Media(MediaCommand)` and hears back through
//! `Command::Media(MediaReport)`, both plain data. Each participant has one
//! peer connection. The client offers once, to publish its microphone and
//! camera; from then on only the server offers (when tracks come and go, or to
//! restart ICE), so two offers never cross.

use super::Room;
use super::command::{Reply, RoomError};
use super::outbox::Outbox;
use super::types::*;
use crate::protocol::media::{
    IceCandidate, MAX_SHOWN_HEIGHT, MAX_SHOWN_VIDEOS, MediaEvent, MediaRequest, ShownVideo, TalkTime,
};
use crate::protocol::presence::{MediaLink, PresenceEvent};

/// The largest SDP the room passes on. A browser's offer for two tracks is
/// a few KiB; a frame is capped at 64 KiB anyway.
pub const MAX_SDP_BYTES: usize = 48 * 1024;
/// The largest ICE candidate line: a real one is under 200 bytes.
pub const MAX_CANDIDATE_BYTES: usize = 1024;
/// How often hosts are told the talk-time totals while people talk.
const TALK_TIME_EVERY_MS: Millis = 5_000;

/// What the room asks of the media layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MediaCommand {
    /// Someone entered the room: they may now offer. Their connection is made
    /// on that first offer, and then sends them everyone's tracks.
    Attach { participant: ParticipantId },
    /// Someone left: close their connections and stop forwarding their tracks.
    Detach { participant: ParticipantId },
    /// The client's first offer: what it publishes.
    Offer { participant: ParticipantId, sdp: String },
    /// The client's answer to a server offer.
    Answer { participant: ParticipantId, sdp: String },
    Candidate {
        participant: ParticipantId,
        candidate: IceCandidate,
    },
    /// Whether this participant's audio and video are forwarded to the others.
    Forward {
        participant: ParticipantId,
        audio: bool,
        video: bool,
    },
    /// Who shares their screen now, if anyone: only that screen is sent on.
    Share { sharer: Option<ParticipantId> },
    /// Who is in which breakout group; everyone else is in the main room.
    /// Audio and video go only to the people in the same place.
    Places { places: Vec<(ParticipantId, u32)> },
    /// Whose camera their page shows and how tall (`video_sizes`).
    VideoSizes {
        participant: ParticipantId,
        shown: Vec<ShownVideo>,
    },
    /// They came back on a new connection, perhaps a new network: restart ICE.
    Restart { participant: ParticipantId },
    /// Their connection `connection` never came up: if it is still theirs,
    /// close it, free what it holds and ask their page to start afresh.
    Abandon {
        participant: ParticipantId,
        connection: u64,
    },
}

/// What the media layer tells the room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MediaReport {
    /// The server's answer to the client's offer.
    Answer { participant: ParticipantId, sdp: String },
    /// The server's offer: tracks came or went, or ICE restarts.
    Offer { participant: ParticipantId, sdp: String },
    Candidate {
        participant: ParticipantId,
        candidate: IceCandidate,
    },
    /// Someone started or stopped speaking, from their audio levels.
    Speaking { participant: ParticipantId, speaking: bool },
    /// A signalling step failed; the client is told and may start over.
    Failed { participant: ParticipantId, reason: String },
    /// The client's answer to the server's offer could not be applied: the
    /// client should make a new connection and offer again.
    StartAfresh { participant: ParticipantId },
    /// How their connection stands now.
    Link {
        participant: ParticipantId,
        link: MediaLink,
    },
    /// The video sent to them is held back, or flows again: their downlink
    /// cannot carry it.
    IncomingVideoPaused { participant: ParticipantId, paused: bool },
    /// Their connection `connection` has not come up for so long that it is
    /// given up. The media layer decides, in order with the page's own
    /// fresh starts, whether it is still the one to let go.
    NeverConnected {
        participant: ParticipantId,
        connection: u64,
    },
}

/// When the hosts are next due the talk-time totals, and when they last had them.
#[derive(Default)]
pub(super) struct TalkClock {
    due: Option<Millis>,
    sent_at: Option<Millis>,
}

impl TalkClock {
    pub fn due(&self) -> Option<Millis> {
        self.due
    }
}

impl Room {
    pub(super) fn handle_media(
        &mut self,
        me: ParticipantId,
        request: MediaRequest,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        let participant = me;
        match request {
            MediaRequest::SetMediaState { audio, video } => self.set_media_state(me, audio, video, now, out),
            MediaRequest::Mute { participant } => self.host_mute(me, participant, false, now, out),
            MediaRequest::StopVideo { participant } => self.host_mute(me, participant, true, now, out),
            MediaRequest::MediaOffer { sdp } => {
                self.may_send_media(me)?;
                self.signal(MediaCommand::Offer { participant, sdp }, out)
            }
            MediaRequest::MediaAnswer { sdp } => self.signal(MediaCommand::Answer { participant, sdp }, out),
            MediaRequest::IceCandidate { candidate } => {
                self.signal(MediaCommand::Candidate { participant, candidate }, out)
            }
            MediaRequest::VideoSizes { shown } => self.video_sizes(me, shown, out),
        }
    }

    fn set_media_state(
        &mut self,
        me: ParticipantId,
        audio: bool,
        video: bool,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        let person = self.people.get_mut(me).ok_or(RoomError::NotJoined)?;
        person.audio = audio;
        person.video = video;
        // A host can mute; only the person can unmute, by turning it back on.
        if audio {
            person.host_muted = false;
        }
        if video {
            person.host_stopped_video = false;
        }
        if audio {
            // Unmuted mid-sentence: they are heard from now on.
            self.speaking_changed(me, now, out);
        } else {
            self.stopped_speaking(me, now, out);
        }
        self.media_changed(me, out);
        Ok(Reply::Ack)
    }

    fn host_mute(
        &mut self,
        me: ParticipantId,
        id: ParticipantId,
        video: bool,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        if !self.people.outranked_by(me, id)?.present() {
            return Err(RoomError::NotFound);
        }
        let person = self.people.get_mut(id).ok_or(RoomError::NotFound)?;
        if video {
            person.video = false;
            person.host_stopped_video = true;
            self.tell(id, MediaEvent::VideoStoppedByHost {}, out);
        } else {
            person.audio = false;
            person.host_muted = true;
            self.stopped_speaking(id, now, out);
            self.tell(id, MediaEvent::MutedByHost {}, out);
        }
        self.media_changed(id, out);
        Ok(Reply::Ack)
    }

    /// The cameras a page shows: checked, and passed on to the media layer,
    /// which sends each person's picture at the size shown.
    fn video_sizes(&mut self, me: ParticipantId, shown: Vec<ShownVideo>, out: &mut Outbox) -> Result<Reply, RoomError> {
        if shown.len() > MAX_SHOWN_VIDEOS {
            return Err(RoomError::Invalid("a page shows at most 64 cameras"));
        }
        if shown.iter().any(|video| video.height > MAX_SHOWN_HEIGHT) {
            return Err(RoomError::Invalid("a camera is shown at most 4320 pixels tall"));
        }
        let participant = me;
        self.signal(MediaCommand::VideoSizes { participant, shown }, out)
    }

    /// Passes a client's signalling on to the media layer.
    fn signal(&mut self, command: MediaCommand, out: &mut Outbox) -> Result<Reply, RoomError> {
        match &command {
            MediaCommand::Offer { sdp, .. } | MediaCommand::Answer { sdp, .. }
                if sdp.is_empty() || sdp.len() > MAX_SDP_BYTES =>
            {
                return Err(RoomError::Invalid("the session description is empty or too large"));
            }
            // An empty candidate is the end of the client's candidates, as
            // browsers send it: accepted, and nothing to pass on.
            MediaCommand::Candidate { candidate, .. } if candidate.candidate.is_empty() => return Ok(Reply::Ack),
            MediaCommand::Candidate { candidate, .. } if candidate.candidate.len() > MAX_CANDIDATE_BYTES => {
                return Err(RoomError::Invalid("an ICE candidate is at most 1024 bytes"));
            }
            _ => {}
        }
        out.media(command);
        Ok(Reply::Ack)
    }

    /// Something the media layer reports.
    pub(super) fn media_event(&mut self, report: MediaReport, now: Millis, out: &mut Outbox) {
        let (participant, event) = match report {
            MediaReport::Answer { participant, sdp } => (participant, MediaEvent::MediaAnswer { sdp }),
            MediaReport::Offer { participant, sdp } => (participant, MediaEvent::MediaOffer { sdp }),
            MediaReport::Candidate { participant, candidate } => (participant, MediaEvent::IceCandidate { candidate }),
            MediaReport::Failed { participant, reason } => (participant, MediaEvent::MediaFailed { reason }),
            MediaReport::StartAfresh { participant } => (participant, MediaEvent::MediaRestart {}),
            MediaReport::IncomingVideoPaused { participant, paused } => {
                (participant, MediaEvent::IncomingVideoPaused { paused })
            }
            MediaReport::Speaking { participant, speaking } => {
                self.speaking(participant, speaking, now, out);
                return;
            }
            MediaReport::Link { participant, link } => {
                self.media_link(participant, link, out);
                return;
            }
            MediaReport::NeverConnected {
                participant,
                connection,
            } => {
                if self.people.get(participant).is_some_and(|p| p.present()) {
                    out.media(MediaCommand::Abandon {
                        participant,
                        connection,
                    });
                }
                return;
            }
        };
        // Signalling is for people in the room only: a report that crossed
        // their leaving goes nowhere.
        if self.people.get(participant).is_some_and(|p| p.present()) {
            self.tell(participant, event, out);
        }
    }

    /// Their connection came up, or went: everyone's tile for them says so.
    fn media_link(&mut self, id: ParticipantId, link: MediaLink, out: &mut Outbox) {
        let Some(person) = self.people.get_mut(id).filter(|p| p.present()) else {
            return;
        };
        if person.media == link {
            return;
        }
        person.media = link;
        let participant = person.info();
        self.broadcast(PresenceEvent::ParticipantUpdated { participant }, out);
    }

    fn speaking(&mut self, id: ParticipantId, speaking: bool, now: Millis, out: &mut Outbox) {
        if let Some(person) = self.people.get_mut(id) {
            person.voice = speaking;
        }
        self.speaking_changed(id, now, out);
    }

    /// Whether someone is heard speaking now, from their voice and their
    /// microphone: a stretch starts or ends, and everyone is told.
    fn speaking_changed(&mut self, id: ParticipantId, now: Millis, out: &mut Outbox) {
        let Some(person) = self.people.get_mut(id).filter(|p| p.present()) else {
            return;
        };
        // A muted person's levels do not count: with their microphone off or a
        // host's mute on, no one hears them.
        let speaking = person.voice && person.audio && !person.host_muted;
        match (speaking, person.speaking_since) {
            (true, None) => person.speaking_since = Some(now),
            (false, Some(_)) => self.stop_speaking(id, now),
            _ => return,
        }
        self.broadcast(
            MediaEvent::Speaking {
                participant: id,
                speaking,
            },
            out,
        );
    }

    /// Their microphone went off: a stretch in progress ends, for everyone.
    fn stopped_speaking(&mut self, id: ParticipantId, now: Millis, out: &mut Outbox) {
        if self.people.get(id).is_some_and(|p| p.speaking_since.is_some()) {
            self.stop_speaking(id, now);
            self.broadcast(
                MediaEvent::Speaking {
                    participant: id,
                    speaking: false,
                },
                out,
            );
        }
    }

    /// Ends someone's speaking stretch and adds it to their talk time.
    pub(super) fn stop_speaking(&mut self, id: ParticipantId, now: Millis) {
        if let Some(person) = self.people.get_mut(id)
            && let Some(since) = person.speaking_since.take()
        {
            person.talk_ms += (now - since).max(0);
            self.notes.talked(&person.device_hash, &person.name, now - since, now);
            // At once if the hosts have not had totals for a while, else at
            // most every few seconds: a lively group must not flood them.
            let earliest = self.talk.sent_at.map_or(now, |at| at + TALK_TIME_EVERY_MS);
            self.talk.due.get_or_insert(earliest.max(now));
        }
    }

    /// Talk time per person in the room, counting a stretch still going on.
    pub(super) fn talk_time(&self, now: Millis) -> Vec<TalkTime> {
        self.people
            .present()
            .map(|p| TalkTime {
                participant: p.id,
                ms: p.talk_ms + p.speaking_since.map_or(0, |since| (now - since).max(0)),
            })
            .collect()
    }

    /// Hosts only: talk-time balance is for the facilitator, never the group.
    pub(super) fn send_talk_time(&mut self, now: Millis, out: &mut Outbox) {
        if self.talk.due.is_some_and(|due| due <= now) {
            self.talk.due = None;
            self.talk.sent_at = Some(now);
            self.tell_hosts(
                MediaEvent::TalkTime {
                    totals: self.talk_time(now),
                },
                out,
            );
        }
    }

    fn media_changed(&mut self, id: ParticipantId, out: &mut Outbox) {
        let Some(person) = self.people.get(id) else {
            return;
        };
        out.media(MediaCommand::Forward {
            participant: id,
            audio: !person.host_muted,
            video: !person.host_stopped_video,
        });
        let participant = person.info();
        self.broadcast(PresenceEvent::ParticipantUpdated { participant }, out);
    }
}

//! Breakouts: the room split into small groups for a while.
//!
//! There is still one room. Each person is in one place: a group (as a
//! member, or as a host visiting) or the main room. The media layer is told
//! every place (`MediaCommand::Places`) and forwards someone's audio and
//! video only to the people in the same place; chat and reactions go only
//! there too. Everything else (the people list, hands, talk time, "I need
//! support", the clock) stays room-wide, so a facilitator in the main room
//! still sees who needs them.
//!
//! Groups are planned by the facilitator's console (at random or by hand)
//! and checked here. The time is the server's: a warning a minute before
//! the end, then everyone is back in the main room together. Breakouts live
//! in memory only, like the hands: after a restart everyone is in the main
//! room.

use std::collections::HashMap;

use super::Room;
use super::command::{Reply, RoomError};
use super::media::MediaCommand;
use super::outbox::Outbox;
use super::report::ReportEntry;
use super::types::*;
use crate::protocol::breakouts::{BreakoutEvent, BreakoutGroup, BreakoutRequest, Breakouts as BreakoutsView};

const MINUTE: Millis = 60_000;
/// The warning comes this long before the end.
const WARNING_MS: Millis = MINUTE;
/// A breakout is a conversation, not a second session.
const MAX_MINUTES: u32 = 60;
const MAX_EXTEND_MINUTES: u32 = 30;
/// The longest countdown a host may set for bringing everyone back.
const MAX_COUNTDOWN_SECONDS: u32 = 600;
/// More groups than people could fill; it bounds what one request costs.
const MAX_GROUPS: usize = 50;
const MAX_MESSAGE_CHARS: usize = 280;
/// Devices remembered to go back to their group: more than a room holds.
const MAX_RETURNING: usize = 256;

#[derive(Clone, Debug, Default)]
struct Group {
    id: u32,
    members: Vec<ParticipantId>,
    visitors: Vec<ParticipantId>,
}

impl Group {
    fn has(&self, id: ParticipantId) -> bool {
        self.members.contains(&id) || self.visitors.contains(&id)
    }

    /// Takes someone out: Some(true) if they were a member, Some(false)
    /// if they were visiting, None if they were not here.
    fn without(&mut self, id: ParticipantId) -> Option<bool> {
        let (members, visitors) = (self.members.len(), self.visitors.len());
        self.members.retain(|m| *m != id);
        self.visitors.retain(|v| *v != id);
        if self.members.len() != members {
            Some(true)
        } else {
            (self.visitors.len() != visitors).then_some(false)
        }
    }
}

struct Running {
    groups: Vec<Group>,
    ends_at: Millis,
    /// The one-minute warning has been given.
    warned: bool,
    choose: bool,
}

/// The breakouts of one room, open or not.
#[derive(Default)]
pub(super) struct Breakouts {
    running: Option<Running>,
    /// The last group number given: numbers are never reused in a session.
    last_id: u32,
    /// Whose place went while they were in a group, by device: coming back
    /// with the same link puts them back in it. Cleared when breakouts end.
    returning: HashMap<[u8; 32], u32>,
}

impl Breakouts {
    pub fn is_open(&self) -> bool {
        self.running.is_some()
    }

    /// The group someone is in (as a member or visiting); None: the main room.
    pub fn place_of(&self, id: ParticipantId) -> Option<u32> {
        let running = self.running.as_ref()?;
        running.groups.iter().find(|g| g.has(id)).map(|g| g.id)
    }

    /// Everyone in a group, with their group: the rest are in the main room.
    fn places(&self) -> Vec<(ParticipantId, u32)> {
        let Some(running) = &self.running else {
            return Vec::new();
        };
        running
            .groups
            .iter()
            .flat_map(|g| g.members.iter().chain(&g.visitors).map(move |id| (*id, g.id)))
            .collect()
    }

    pub fn view(&self, now: Millis) -> Option<BreakoutsView> {
        let running = self.running.as_ref()?;
        Some(BreakoutsView {
            groups: running
                .groups
                .iter()
                .map(|g| BreakoutGroup {
                    id: g.id,
                    members: g.members.clone(),
                    visitors: g.visitors.clone(),
                })
                .collect(),
            ends_at: running.ends_at,
            server_time: now,
            choose: running.choose,
            ending: running.warned,
        })
    }

    /// When the timer next does something: the warning, then the end.
    pub fn deadline(&self) -> Option<Millis> {
        let running = self.running.as_ref()?;
        Some(if running.warned {
            running.ends_at
        } else {
            running.ends_at - WARNING_MS
        })
    }

    fn group_mut(&mut self, id: u32) -> Result<&mut Group, RoomError> {
        let running = self
            .running
            .as_mut()
            .ok_or(RoomError::Invalid("breakouts are not open"))?;
        running
            .groups
            .iter_mut()
            .find(|g| g.id == id)
            .ok_or(RoomError::Invalid("there is no breakout with that number"))
    }

    /// Takes someone out of whatever group they are in: which, and whether
    /// they were a member of it (not visiting).
    fn remove(&mut self, id: ParticipantId) -> Option<(u32, bool)> {
        let running = self.running.as_mut()?;
        running
            .groups
            .iter_mut()
            .find_map(|g| g.without(id).map(|member| (g.id, member)))
    }

    /// Sets when the groups end, and whether the warning is due already.
    fn ends_at(&mut self, at: Millis, now: Millis) {
        if let Some(running) = self.running.as_mut() {
            running.ends_at = at;
            running.warned = at - now <= WARNING_MS;
        }
    }
}

impl Room {
    pub(super) fn handle_breakouts(
        &mut self,
        me: ParticipantId,
        request: BreakoutRequest,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<Reply, RoomError> {
        if self.session.one_on_one {
            return Err(RoomError::Invalid("a one-on-one conversation has no breakouts"));
        }
        match request {
            BreakoutRequest::OpenBreakouts {
                groups,
                minutes,
                choose,
            } => self.open_breakouts(groups, minutes, choose, now, out)?,
            BreakoutRequest::MoveToBreakout { participant, breakout } => {
                self.open_or_refuse()?;
                if !self.people.get(participant).is_some_and(|p| p.present()) {
                    return Err(RoomError::NotFound);
                }
                self.place(participant, breakout, false)?;
                self.breakouts_changed(now, out);
            }
            BreakoutRequest::VisitBreakout { breakout } => {
                self.open_or_refuse()?;
                self.place(me, breakout, true)?;
                self.breakouts_changed(now, out);
            }
            BreakoutRequest::ChooseBreakout { breakout } => {
                let running = self
                    .breakouts
                    .running
                    .as_ref()
                    .ok_or(RoomError::Invalid("breakouts are not open"))?;
                if breakout.is_some() && !running.choose {
                    return Err(RoomError::Invalid("the facilitator chose the groups"));
                }
                self.place(me, breakout, false)?;
                self.breakouts_changed(now, out);
            }
            BreakoutRequest::ExtendBreakouts { minutes } => {
                let ends_at = self.open_or_refuse()?;
                if !(1..=MAX_EXTEND_MINUTES).contains(&minutes) {
                    return Err(RoomError::Invalid("breakouts are extended by 1 to 30 minutes"));
                }
                self.breakouts
                    .ends_at(ends_at.max(now) + Millis::from(minutes) * MINUTE, now);
                self.breakouts_changed(now, out);
            }
            BreakoutRequest::EndBreakouts { in_seconds } => {
                self.open_or_refuse()?;
                match in_seconds.unwrap_or(0) {
                    0 => self.close_breakouts(now, out),
                    s if s <= MAX_COUNTDOWN_SECONDS => {
                        self.breakouts.ends_at(now + Millis::from(s) * 1000, now);
                        self.breakouts_changed(now, out);
                    }
                    _ => return Err(RoomError::Invalid("a countdown is at most 10 minutes")),
                }
            }
            BreakoutRequest::BroadcastToBreakouts { text } => {
                self.open_or_refuse()?;
                let text = crate::text::clean(&text, MAX_MESSAGE_CHARS, crate::text::Lines::Many)
                    .map_err(|_| RoomError::Invalid("a message to the groups is 1 to 280 characters of plain text"))?;
                self.broadcast(
                    BreakoutEvent::BreakoutMessage {
                        from: me,
                        text,
                        at: now,
                    },
                    out,
                );
            }
        }
        Ok(Reply::Ack)
    }

    /// When the open breakouts end; refused if none are open.
    fn open_or_refuse(&self) -> Result<Millis, RoomError> {
        let running = self.breakouts.running.as_ref();
        running
            .map(|r| r.ends_at)
            .ok_or(RoomError::Invalid("breakouts are not open"))
    }

    fn open_breakouts(
        &mut self,
        groups: Vec<Vec<ParticipantId>>,
        minutes: u32,
        choose: bool,
        now: Millis,
        out: &mut Outbox,
    ) -> Result<(), RoomError> {
        if self.breakouts.is_open() {
            return Err(RoomError::Invalid("breakouts are open already: end them first"));
        }
        if !(1..=MAX_MINUTES).contains(&minutes) {
            return Err(RoomError::Invalid("breakouts last 1 to 60 minutes"));
        }
        if groups.is_empty() || groups.len() > MAX_GROUPS {
            return Err(RoomError::Invalid("breakouts are 1 to 50 groups"));
        }
        let mut seen = Vec::new();
        for id in groups.iter().flatten() {
            if !self.people.get(*id).is_some_and(|p| p.present()) {
                return Err(RoomError::NotFound);
            }
            if seen.contains(id) {
                return Err(RoomError::Invalid("someone is in two groups"));
            }
            seen.push(*id);
        }
        // People who choose may start in an empty group; groups someone
        // planned are conversations, so need two people at least.
        if !choose && groups.iter().any(|g| g.len() < 2) {
            return Err(RoomError::Invalid("a breakout needs two people at least"));
        }
        let groups = groups
            .into_iter()
            .map(|members| {
                self.breakouts.last_id += 1;
                Group {
                    id: self.breakouts.last_id,
                    members,
                    visitors: Vec::new(),
                }
            })
            .collect();
        self.breakouts.running = Some(Running {
            groups,
            ends_at: now,
            warned: false,
            choose,
        });
        self.breakouts.ends_at(now + Millis::from(minutes) * MINUTE, now);
        let (groups, people) = self.breakouts.running.as_ref().map_or((0, 0), |r| {
            (r.groups.len(), r.groups.iter().map(|g| g.members.len()).sum::<usize>())
        });
        let entry = ReportEntry::BreakoutsOpened {
            groups: u32::try_from(groups).unwrap_or(u32::MAX),
            people: u32::try_from(people).unwrap_or(u32::MAX),
            minutes,
        };
        self.note(entry, now, out);
        self.breakouts_changed(now, out);
        Ok(())
    }

    /// Puts someone in a group (as a member, or visiting), or in the main room.
    fn place(&mut self, id: ParticipantId, breakout: Option<u32>, visiting: bool) -> Result<(), RoomError> {
        if let Some(group) = breakout {
            // Checked before anything moves: a wrong number changes nothing.
            self.breakouts.group_mut(group)?;
        }
        self.breakouts.remove(id);
        if let Some(group) = breakout {
            let group = self.breakouts.group_mut(group)?;
            if visiting {
                group.visitors.push(id);
            } else {
                group.members.push(id);
            }
        }
        Ok(())
    }

    /// Everyone back in the main room.
    pub(super) fn close_breakouts(&mut self, now: Millis, out: &mut Outbox) {
        if self.breakouts.running.take().is_some() {
            self.breakouts.returning.clear();
            self.note(ReportEntry::BreakoutsClosed, now, out);
            self.breakouts_changed(now, out);
        }
    }

    /// The warning a minute before the end, and the end itself.
    pub(super) fn breakouts_timer(&mut self, now: Millis, out: &mut Outbox) {
        let Some(running) = self.breakouts.running.as_mut() else {
            return;
        };
        if now >= running.ends_at {
            self.close_breakouts(now, out);
        } else if !running.warned && now >= running.ends_at - WARNING_MS {
            running.warned = true;
            self.breakouts_changed(now, out);
        }
    }

    /// Someone's place went for good (they left, were removed, or timed
    /// out) while they were in a group: the group goes on without them. A
    /// planned group left with one person ends, and that person is back in
    /// the main room rather than alone; once no group is left, breakouts end.
    pub(super) fn left_breakout(&mut self, id: ParticipantId, device_hash: [u8; 32], now: Millis, out: &mut Outbox) {
        let Some((group, member)) = self.breakouts.remove(id) else {
            return;
        };
        if member && self.breakouts.returning.len() < MAX_RETURNING {
            self.breakouts.returning.insert(device_hash, group);
        }
        let Some(running) = self.breakouts.running.as_mut() else {
            return;
        };
        if !running.choose {
            running.groups.retain(|g| g.members.len() >= 2);
            if running.groups.is_empty() {
                self.close_breakouts(now, out);
                return;
            }
        }
        self.breakouts_changed(now, out);
    }

    /// Someone entered the room while breakouts run: back in the group they
    /// were in before their place went, if it still runs; else the main room.
    pub(super) fn entered_during_breakouts(
        &mut self,
        id: ParticipantId,
        device_hash: [u8; 32],
        now: Millis,
        out: &mut Outbox,
    ) {
        let Some(group) = self.breakouts.returning.remove(&device_hash) else {
            return;
        };
        if self.place(id, Some(group), false).is_ok() {
            self.breakouts_changed(now, out);
        }
    }

    /// Everyone sees the groups as they are, and the media layer forwards
    /// accordingly.
    fn breakouts_changed(&self, now: Millis, out: &mut Outbox) {
        out.media(MediaCommand::Places {
            places: self.breakouts.places(),
        });
        self.broadcast(
            BreakoutEvent::Breakouts {
                breakouts: self.breakouts.view(now),
            },
            out,
        );
    }

    /// The people in the room in the same place as `id` (their group, or
    /// the main room), `id` included.
    fn in_place_with(&self, id: ParticipantId) -> impl Iterator<Item = &super::people::Person> {
        let place = self.breakouts.place_of(id);
        self.people
            .present()
            .filter(move |p| self.breakouts.place_of(p.id) == place)
    }

    /// The connections of the people in the same place as `id`.
    pub(super) fn conns_with(&self, id: ParticipantId) -> Vec<ConnId> {
        self.in_place_with(id).filter_map(|p| p.conn).collect()
    }

    /// Who hears what `id` says now: None while there are no breakouts
    /// (everyone in the room, and whoever enters later).
    pub(super) fn audience_of(&self, id: ParticipantId) -> Option<Vec<ParticipantId>> {
        self.breakouts
            .is_open()
            .then(|| self.in_place_with(id).map(|p| p.id).collect())
    }
}

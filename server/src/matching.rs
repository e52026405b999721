//! Which supporters suit a request, best first: only those who take
//! requests and speak the physician's language, then by how well they meet
//! the physician's preferences (practice status; the same or a different
//! area), then those who have said when they are free, then the least
//! loaded. Pure: the organizer confirms; nothing is matched automatically.
//! `open_slots` is what a physician may book directly where the deployment
//! allows it: the supporters' weekly windows, less the times they are taken.

use chrono::{Datelike, TimeZone};

use crate::room::Millis;
use crate::store::{Language, SupportRequest, Supporter};

/// A time a physician may book with a supporter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub supporter_id: String,
    pub starts_at: Millis,
    pub minutes: u32,
}

/// Booked conversations last this long.
pub const SLOT_MINUTES: u32 = 45;
/// Slots start on the hour within a window, this long apart.
const SLOT_STEP_MINUTES: u16 = 60;
/// Booking opens this far ahead, and no sooner than this.
const BOOKING_DAYS: i64 = 14;
const BOOKING_NOTICE_MS: Millis = 2 * 3_600_000;
pub const MAX_SLOTS: usize = 30;

/// Open slots for a physician speaking `language`, earliest first: each
/// supporter who takes requests and speaks it, in each of their weekly
/// windows (on their own clock) over the next two weeks, at least two hours
/// ahead, not overlapping a time they are already taken (`taken`: supporter,
/// start, minutes).
pub fn open_slots(roster: &[Supporter], taken: &[(String, Millis, u32)], language: Language, now: Millis) -> Vec<Slot> {
    let mut slots = Vec::new();
    for supporter in roster
        .iter()
        .filter(|s| s.takes_requests() && s.languages.contains(&language))
    {
        let zone: chrono_tz::Tz = supporter.time_zone.parse().unwrap_or(chrono_tz::UTC);
        let Some(today) = zone.timestamp_millis_opt(now).single().map(|t| t.date_naive()) else {
            continue;
        };
        for offset in 0..BOOKING_DAYS {
            let Some(day) = today.checked_add_days(chrono::Days::new(offset as u64)) else {
                continue;
            };
            let weekday = day.weekday().num_days_from_monday() as u8;
            for window in supporter.availability.iter().filter(|w| w.day == weekday) {
                let mut minute = window.from.div_ceil(SLOT_STEP_MINUTES) * SLOT_STEP_MINUTES;
                while u32::from(minute) + SLOT_MINUTES <= u32::from(window.to) {
                    let local = day.and_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0);
                    let start = local
                        .and_then(|l| zone.from_local_datetime(&l).earliest())
                        .map(|t| t.timestamp_millis());
                    minute += SLOT_STEP_MINUTES;
                    let Some(start) = start else { continue };
                    let end = start + Millis::from(SLOT_MINUTES) * 60_000;
                    let busy = taken.iter().any(|(who, at, minutes)| {
                        who == &supporter.id && *at < end && start < at + Millis::from(*minutes) * 60_000
                    });
                    if start >= now + BOOKING_NOTICE_MS && !busy {
                        slots.push(Slot {
                            supporter_id: supporter.id.clone(),
                            starts_at: start,
                            minutes: SLOT_MINUTES,
                        });
                    }
                }
            }
        }
    }
    slots.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.supporter_id.cmp(&b.supporter_id)));
    slots.dedup();
    slots.truncate(MAX_SLOTS);
    slots
}

/// Why a supporter is suggested, for the organizer to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub supporter_id: String,
    /// The preferences this supporter meets, of those the physician gave.
    pub meets: Vec<&'static str>,
    pub misses: Vec<&'static str>,
}

pub fn suggest(request: &SupportRequest, roster: &[Supporter]) -> Vec<Suggestion> {
    let mut scored: Vec<(u32, u32, bool, &Supporter, Suggestion)> = roster
        .iter()
        .filter(|s| s.takes_requests() && s.languages.contains(&request.language))
        .map(|s| {
            let mut meets = vec!["language"];
            let mut misses = Vec::new();
            if request.supporter_status != "any" {
                if s.practice_status == request.supporter_status {
                    meets.push("practice_status");
                } else {
                    misses.push("practice_status");
                }
            }
            if let Some(area) = &request.practice_area {
                let same = s.practice_areas.iter().any(|a| a.eq_ignore_ascii_case(area));
                match (request.area_preference.as_str(), same) {
                    ("same", true) | ("different", false) => meets.push("practice_area"),
                    ("same", false) | ("different", true) => misses.push("practice_area"),
                    _ => {}
                }
            }
            let score = meets.len() as u32;
            let suggestion = Suggestion {
                supporter_id: s.id.clone(),
                meets,
                misses,
            };
            (score, s.load, !s.availability.is_empty(), s, suggestion)
        })
        .collect();
    scored.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(b.2.cmp(&a.2))
            .then(a.1.cmp(&b.1))
            .then(a.3.name.cmp(&b.3.name))
    });
    scored.into_iter().map(|(.., s)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{RequestState, Window};

    fn supporter(id: &str, languages: Vec<Language>, status: &str, areas: &[&str], load: u32) -> Supporter {
        Supporter {
            id: id.into(),
            account_id: Some(format!("account-{id}")),
            name: id.into(),
            email: format!("{id}@example.org"),
            practice_areas: areas.iter().map(|a| (*a).to_owned()).collect(),
            practice_status: status.into(),
            years_band: "6-15".into(),
            languages,
            trained_on: "2026-01-15".into(),
            time_zone: "America/Toronto".into(),
            availability: vec![Window {
                day: 1,
                from: 1080,
                to: 1200,
            }],
            paused: false,
            waiting_room: false,
            enrolled: true,
            active: true,
            load,
        }
    }

    fn request(language: Language, area: Option<&str>, preference: &str, status: &str) -> SupportRequest {
        SupportRequest {
            id: "r".into(),
            first_name: Some("Sam".into()),
            email: None,
            language,
            practice_area: area.map(str::to_owned),
            area_preference: preference.into(),
            supporter_status: status.into(),
            times: Some("evenings".into()),
            time_zone: None,
            state: RequestState::Requested,
            supporter_id: None,
            proposed_at: None,
            minutes: None,
            session_id: None,
            physician_invitation: None,
            supporter_invitation: None,
            cancelled_by: None,
            cancel_reason: None,
            follow_up: None,
            created_at: 0,
            closed_at: None,
        }
    }

    #[test]
    fn only_supporters_who_take_requests_and_speak_the_language_are_suggested() {
        let mut paused = supporter("paused", vec![Language::Fr], "practising", &["ER"], 0);
        paused.paused = true;
        let mut gone = supporter("gone", vec![Language::Fr], "practising", &["ER"], 0);
        gone.active = false;
        let english = supporter("english", vec![Language::En], "practising", &["ER"], 0);
        let french = supporter("french", vec![Language::En, Language::Fr], "retired", &["Surgery"], 3);
        let roster = [paused, gone, english, french];
        let ids: Vec<_> = suggest(&request(Language::Fr, None, "any", "any"), &roster)
            .into_iter()
            .map(|s| s.supporter_id)
            .collect();
        assert_eq!(ids, ["french"]);
    }

    #[test]
    fn preferences_met_come_first_then_the_least_loaded() {
        let roster = [
            supporter(
                "busy-same",
                vec![Language::En],
                "practising",
                &["Emergency medicine"],
                5,
            ),
            supporter(
                "idle-same",
                vec![Language::En],
                "practising",
                &["emergency medicine"],
                1,
            ),
            supporter("idle-other", vec![Language::En], "retired", &["Psychiatry"], 0),
        ];
        let wanted = request(Language::En, Some("Emergency medicine"), "same", "practising");
        let suggested = suggest(&wanted, &roster);
        let ids: Vec<_> = suggested.iter().map(|s| s.supporter_id.as_str()).collect();
        assert_eq!(ids, ["idle-same", "busy-same", "idle-other"]);
        assert_eq!(suggested[2].misses, ["practice_status", "practice_area"]);
        let elsewhere = request(Language::En, Some("Emergency medicine"), "different", "any");
        assert_eq!(suggest(&elsewhere, &roster)[0].supporter_id, "idle-other");
    }

    #[test]
    fn slots_come_from_weekly_windows_on_the_supporters_clock_less_what_is_taken() {
        // Tuesday 2026-12-01 12:00 in Toronto (17:00 UTC).
        let now = 1_796_144_400_000;
        let mut alex = supporter("alex", vec![Language::Fr], "practising", &["ER"], 0);
        // Tuesdays 18:00 to 20:00: two slots a week, at 18:00 and 19:00.
        alex.availability = vec![Window {
            day: 1,
            from: 1080,
            to: 1200,
        }];
        let slots = open_slots(std::slice::from_ref(&alex), &[], Language::Fr, now);
        let hour = 3_600_000;
        let first = now + 6 * hour; // 18:00 Toronto today
        let week = 7 * 24 * hour;
        let starts: Vec<_> = slots.iter().map(|s| s.starts_at).collect();
        assert_eq!(starts, [first, first + hour, first + week, first + week + hour]);
        // Taken at 18:30 for 45 minutes: both of today's slots overlap it.
        let taken = [("alex".to_owned(), first + hour / 2, 45)];
        let starts: Vec<_> = open_slots(&[alex.clone()], &taken, Language::Fr, now)
            .iter()
            .map(|s| s.starts_at)
            .collect();
        assert_eq!(starts, [first + week, first + week + hour]);
        // Not in English; nothing within two hours.
        assert!(open_slots(&[alex.clone()], &[], Language::En, now).is_empty());
        let late = open_slots(&[alex], &[], Language::Fr, first - hour);
        assert_eq!(
            late[0].starts_at,
            first + hour,
            "at 17:00, 18:00 is too soon; 19:00 is two hours away"
        );
    }
}

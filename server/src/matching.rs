//! Which supporters suit a request, best first: only those who take
//! requests and speak the physician's language, then by how well they meet
//! the physician's preferences (practice status; the same or a different
//! area), then those who have said when they are free, then the least
//! loaded. Pure: the organizer confirms; nothing is matched automatically.

use crate::store::{SupportRequest, Supporter};

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
    use crate::store::{Language, RequestState, Window};

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
}

//! What each message says, in English and in French. Plain sentences: the
//! people reading them are busy physicians, often on a phone.

use chrono::{Datelike, TimeZone, Timelike};

use crate::room::Millis;
use crate::store::{InviteRole, Language, MailKind};

/// What a message is about, in the words it needs.
pub struct Facts<'a> {
    pub kind: MailKind,
    pub role: InviteRole,
    pub language: Language,
    pub title: &'a str,
    /// The meeting's start, written in its own zone and the reader's language.
    pub when: String,
    pub minutes: u32,
    pub opens_minutes_before: u32,
    /// For a series' invitation: 1 (weekly) or 2 (every two weeks).
    pub every_weeks: Option<u32>,
    /// A one-on-one peer support conversation, not a group.
    pub one_on_one: bool,
}

/// A message's words: its subject, its paragraphs, and the label of the
/// link's button (the link itself is put in by `compose`).
pub struct Draft {
    pub subject: String,
    pub paragraphs: Vec<String>,
    /// `None`: the message has no link (a cancellation).
    pub link_label: Option<String>,
    pub footer: String,
}

pub fn draft(f: &Facts<'_>) -> Draft {
    let fr = f.language == Language::Fr;
    let host = f.role == InviteRole::Facilitator;
    let title = f.title;
    let when = &f.when;
    let pick = |en: String, fr_text: String| if fr { fr_text } else { en };
    let mut paragraphs = Vec::new();
    let subject = match f.kind {
        MailKind::Invitation => {
            paragraphs.push(match (f.every_weeks, host) {
                _ if f.one_on_one && host => pick(
                    format!("You are meeting a physician who asked for a peer, {when}, for {} minutes. Thank you.", f.minutes),
                    format!("Vous rencontrez un·e médecin qui a demandé un·e pair, le {when}, pendant {} minutes. Merci.", f.minutes),
                ),
                _ if f.one_on_one => pick(
                    format!("Your conversation with a trained peer supporter is booked: {when}, for {} minutes. It is private: nothing is recorded.", f.minutes),
                    format!("Votre conversation avec un·e pair aidant·e formé·e est prévue le {when}, pendant {} minutes. Elle est privée : rien n'est enregistré.", f.minutes),
                ),
                (Some(every), _) => pick(
                    format!(
                        "You are invited to {title}, a peer support group that meets {}, starting {when}, for {} minutes each time.",
                        if every == 2 { "every two weeks" } else { "every week" },
                        f.minutes
                    ),
                    format!(
                        "Vous êtes invité·e à {title}, un groupe de soutien par les pairs qui se réunit {}, à partir du {when}, pendant {} minutes chaque fois.",
                        if every == 2 { "toutes les deux semaines" } else { "chaque semaine" },
                        f.minutes
                    ),
                ),
                (None, true) => pick(
                    format!("You are facilitating {title}, {when}, for {} minutes.", f.minutes),
                    format!("Vous animez {title}, le {when}, pendant {} minutes.", f.minutes),
                ),
                (None, false) => pick(
                    format!("You are invited to {title}, a peer support group, {when}, for {} minutes.", f.minutes),
                    format!(
                        "Vous êtes invité·e à {title}, un groupe de soutien par les pairs, le {when}, pendant {} minutes.",
                        f.minutes
                    ),
                ),
            });
            pick(format!("Invitation: {title}"), format!("Invitation : {title}"))
        }
        MailKind::Reminder => {
            paragraphs.push(pick(
                format!("A reminder: {title} starts {when}."),
                format!("Un rappel : {title} commence le {when}."),
            ));
            pick(
                format!("Reminder: {title}, {when}"),
                format!("Rappel : {title}, le {when}"),
            )
        }
        MailKind::Moved => {
            paragraphs.push(pick(
                format!(
                    "{title} has a new time: {when}, for {} minutes. Your link stays the same.",
                    f.minutes
                ),
                format!(
                    "{title} change d'horaire : le {when}, pendant {} minutes. Votre lien reste le même.",
                    f.minutes
                ),
            ));
            pick(
                format!("New time: {title}, {when}"),
                format!("Nouvel horaire : {title}, le {when}"),
            )
        }
        MailKind::Cancelled => {
            paragraphs.push(pick(
                format!("{title}, planned for {when}, is cancelled. The calendar file attached takes it out of your calendar."),
                format!("{title}, prévu le {when}, est annulé. Le fichier de calendrier joint le retire de votre agenda."),
            ));
            pick(
                format!("Cancelled: {title}, {when}"),
                format!("Annulé : {title}, le {when}"),
            )
        }
        // A request's notices have words of their own (`request_notice.rs`)
        // and never come here; a title is all this can say of them.
        MailKind::RequestReceived
        | MailKind::TimeProposed
        | MailKind::RequestCancelled
        | MailKind::Enrolment
        | MailKind::SupportMatched => title.to_owned(),
    };
    let link_label = (f.kind != MailKind::Cancelled).then(|| {
        paragraphs.push(if host {
            pick(
                "Your host link opens the room with the facilitator's controls. It is yours alone: do not share it.".into(),
                "Votre lien d'animation ouvre la salle avec les commandes d'animation. Il est à vous seul·e : ne le partagez pas.".into(),
            )
        } else {
            pick(
                format!(
                    "Join from your browser, with nothing to install. The room opens {} minutes before the start. This link is yours alone: please do not forward it.",
                    f.opens_minutes_before
                ),
                format!(
                    "Rejoignez la salle depuis votre navigateur, sans rien installer. Elle ouvre {} minutes avant le début. Ce lien est à vous seul·e : merci de ne pas le transférer.",
                    f.opens_minutes_before
                ),
            )
        });
        if host {
            pick("Open the room as host".into(), "Ouvrir la salle (animation)".into())
        } else {
            pick("Join the session".into(), "Rejoindre la séance".into())
        }
    });
    let footer = pick(
        "You receive this because an organizer invited you to a PeerRoom peer support session. Nothing is recorded.".into(),
        "Vous recevez ce message parce qu'une personne organisatrice vous a invité·e à une séance de soutien par les pairs PeerRoom. Rien n'est enregistré.".into(),
    );
    Draft {
        subject,
        paragraphs,
        link_label,
        footer,
    }
}

/// A start as a reader expects it: "Tuesday 1 December 2026 at 18:00
/// (America/Toronto)", or "mardi 1 décembre 2026 à 18 h 00 (America/Toronto)".
pub fn when(at: Millis, zone: &str, language: Language) -> String {
    let tz: chrono_tz::Tz = zone.parse().unwrap_or(chrono_tz::UTC);
    let Some(local) = tz.timestamp_millis_opt(at).single() else {
        return String::new();
    };
    let day = local.weekday().num_days_from_monday() as usize;
    let month = local.month0() as usize;
    let zone = zone.replace('_', " ");
    match language {
        Language::En => {
            const DAYS: [&str; 7] = [
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ];
            const MONTHS: [&str; 12] = [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ];
            format!(
                "{} {} {} {} at {:02}:{:02} ({zone})",
                DAYS[day],
                local.day(),
                MONTHS[month],
                local.year(),
                local.hour(),
                local.minute()
            )
        }
        Language::Fr => {
            const DAYS: [&str; 7] = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];
            const MONTHS: [&str; 12] = [
                "janvier",
                "février",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "août",
                "septembre",
                "octobre",
                "novembre",
                "décembre",
            ];
            format!(
                "{} {} {} {} à {} h {:02} ({zone})",
                DAYS[day],
                local.day(),
                MONTHS[month],
                local.year(),
                local.hour(),
                local.minute()
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_in_the_meetings_zone_and_the_readers_language() {
        let at = 1_796_166_000_000; // 2026-12-01T23:00:00Z
        assert_eq!(
            when(at, "America/Toronto", Language::En),
            "Tuesday 1 December 2026 at 18:00 (America/Toronto)"
        );
        assert_eq!(
            when(at, "America/Toronto", Language::Fr),
            "mardi 1 décembre 2026 à 18 h 00 (America/Toronto)"
        );
    }

    #[test]
    fn a_cancellation_has_no_link_and_a_host_is_told_not_to_share_theirs() {
        let facts = |kind, role| Facts {
            kind,
            role,
            language: Language::En,
            title: "Night shift group",
            when: "Tuesday".into(),
            minutes: 60,
            opens_minutes_before: 15,
            every_weeks: None,
            one_on_one: false,
        };
        assert!(
            draft(&facts(MailKind::Cancelled, InviteRole::Participant))
                .link_label
                .is_none()
        );
        let host = draft(&facts(MailKind::Invitation, InviteRole::Facilitator));
        assert!(host.paragraphs.iter().any(|p| p.contains("do not share")));
    }
}

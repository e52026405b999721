//! Calendar files (RFC 5545) that common calendar apps import: published
//! (a download, a series' feed) or sent by email to one person as an
//! invitation or its cancellation (RFC 5546, `METHOD:REQUEST`/`CANCEL`).
//!
//! Times are written in the session's own time zone (`DTSTART;TZID=...`) with
//! a `VTIMEZONE` that lists that zone's offset changes around the date, so a
//! calendar without the IANA database still shows the right hour.

use chrono::{Offset, TimeZone};
use chrono_tz::{OffsetComponents, Tz};

use crate::room::Millis;
use crate::store::{SeriesRecord, SessionRecord};

/// What a calendar file is for.
#[derive(Clone, Copy, Debug)]
pub enum Method<'a> {
    /// A download or a feed, for anyone who has it.
    Publish,
    /// Sent by email to one person.
    Sent(Sent<'a>),
}

/// A calendar file sent to one person (RFC 5546): who sends it, to whom,
/// which version of the event it is, and whether it takes the event away.
#[derive(Clone, Copy, Debug)]
pub struct Sent<'a> {
    pub organizer: &'a str,
    pub attendee: &'a str,
    pub sequence: u32,
    pub cancel: bool,
    /// The event's description, in the person's language.
    pub description: &'a str,
}

impl Method<'_> {
    fn name(&self) -> &'static str {
        match self {
            Method::Publish => "PUBLISH",
            Method::Sent(sent) if sent.cancel => "CANCEL",
            Method::Sent(_) => "REQUEST",
        }
    }

    /// The event's version and its people, for a file sent to someone.
    fn parties(&self, out: &mut Calendar) {
        if let Method::Sent(sent) = self {
            out.line(&format!("SEQUENCE:{}", sent.sequence));
            out.line(&format!("ORGANIZER:mailto:{}", escape(sent.organizer)));
            out.line(&format!(
                "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:{}",
                escape(sent.attendee)
            ));
        }
    }

    fn description(&self, published: String) -> String {
        match self {
            Method::Publish => published,
            Method::Sent(sent) => sent.description.to_owned(),
        }
    }
}

/// One session as a calendar with one event.
pub fn session_ics(record: &SessionRecord, participant_link: Option<&str>, method: Method<'_>, now: Millis) -> String {
    let zone: Tz = record.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let mut out = Calendar::begin(method.name());
    timezone(&mut out, zone, record.starts_at);
    let uid = format!("{}@peer-room", record.id);
    begin_event(&mut out, &uid, now, zone, record.starts_at, record.ends_at());
    method.parties(&mut out);
    out.line(&format!("SUMMARY:{}", escape(&record.title)));
    let mut description = String::from("A PeerRoom peer support session.");
    if let Some(link) = participant_link {
        description.push_str(&format!("\nJoin from your browser: {link}"));
        out.line(&format!("URL:{link}"));
    }
    out.line(&format!("DESCRIPTION:{}", escape(&method.description(description))));
    let cancelled = matches!(method, Method::Sent(Sent { cancel: true, .. }));
    if record.cancelled_at.is_some() || cancelled {
        out.line("STATUS:CANCELLED");
    } else {
        out.line("STATUS:CONFIRMED");
    }
    out.line("END:VEVENT");
    out.line("END:VCALENDAR");
    out.text
}

/// A series as a feed: its first occurrence with the rule (`RRULE`), the
/// cancelled occurrences excluded (`EXDATE`), and each changed one as an
/// event of its own naming the occurrence it replaces (`RECURRENCE-ID`).
pub fn series_ics(
    series: &SeriesRecord,
    occurrences: &[SessionRecord],
    participant_link: Option<&str>,
    method: Method<'_>,
    now: Millis,
) -> String {
    let zone: Tz = series
        .time_zone
        .as_deref()
        .and_then(|z| z.parse().ok())
        .unwrap_or(chrono_tz::UTC);
    let minutes = i64::from(series.duration_minutes.unwrap_or(60));
    let original = |o: &SessionRecord| o.original_starts_at.unwrap_or(o.starts_at);
    let first = occurrences
        .first()
        .map(original)
        .or(series.first_starts_at)
        .unwrap_or(0);
    let last = occurrences.last().map(original).unwrap_or(first);
    let uid = format!("series-{}@peer-room", series.id);
    let mut description = String::from("A PeerRoom peer support group.");
    if let Some(link) = participant_link {
        description.push_str(&format!("\nJoin from your browser (the same link every time): {link}"));
    }

    let description = method.description(description);
    let mut out = Calendar::begin(method.name());
    out.line(&format!("X-WR-CALNAME:{}", escape(&series.title)));
    timezone(&mut out, zone, first);
    begin_event(&mut out, &uid, now, zone, first, first + minutes * 60_000);
    method.parties(&mut out);
    let interval = series.every_weeks.unwrap_or(1);
    let end = match series.until_date {
        // UNTIL is in UTC when the start has a zone (RFC 5545 3.3.10).
        Some(_) => format!("UNTIL={}", utc_stamp(last)),
        None => format!("COUNT={}", occurrences.len().max(1)),
    };
    out.line(&format!("RRULE:FREQ=WEEKLY;INTERVAL={interval};{end}"));
    for cancelled in occurrences.iter().filter(|o| o.cancelled_at.is_some()) {
        out.line(&zoned("EXDATE", zone, original(cancelled)));
    }
    out.line(&format!("SUMMARY:{}", escape(&series.title)));
    out.line(&format!("DESCRIPTION:{}", escape(&description)));
    if let Some(link) = participant_link {
        out.line(&format!("URL:{link}"));
    }
    out.line("END:VEVENT");
    let changed = occurrences.iter().filter(|o| {
        o.cancelled_at.is_none()
            && (o.starts_at != original(o) || i64::from(o.duration_minutes) != minutes || o.title != series.title)
    });
    for occurrence in changed {
        begin_event(&mut out, &uid, now, zone, occurrence.starts_at, occurrence.ends_at());
        out.line(&zoned("RECURRENCE-ID", zone, original(occurrence)));
        method.parties(&mut out);
        out.line(&format!("SUMMARY:{}", escape(&occurrence.title)));
        out.line(&format!("DESCRIPTION:{}", escape(&description)));
        if let Some(link) = participant_link {
            out.line(&format!("URL:{link}"));
        }
        out.line("END:VEVENT");
    }
    out.line("END:VCALENDAR");
    out.text
}

/// An event's opening: its identity and its times in the session's zone.
fn begin_event(out: &mut Calendar, uid: &str, now: Millis, zone: Tz, start: Millis, end: Millis) {
    out.line("BEGIN:VEVENT");
    out.line(&format!("UID:{uid}"));
    out.line(&format!("DTSTAMP:{}", utc_stamp(now)));
    out.line(&zoned("DTSTART", zone, start));
    out.line(&zoned("DTEND", zone, end));
}

/// A time property in the zone, e.g. `DTSTART;TZID=America/Toronto:20261201T180000`.
fn zoned(property: &str, zone: Tz, at: Millis) -> String {
    format!("{property};TZID={}:{}", zone.name(), local_stamp(zone, at))
}

/// Lines end with CRLF and fold at 75 octets, as RFC 5545 asks.
#[derive(Default)]
struct Calendar {
    text: String,
}

impl Calendar {
    /// A calendar's opening lines.
    fn begin(method: &str) -> Calendar {
        let mut out = Calendar::default();
        for line in [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//PeerRoom//Peer support sessions//EN",
            "CALSCALE:GREGORIAN",
        ] {
            out.line(line);
        }
        out.line(&format!("METHOD:{method}"));
        out
    }

    fn line(&mut self, line: &str) {
        let mut width = 0;
        for c in line.chars() {
            if width + c.len_utf8() > 75 {
                self.text.push_str("\r\n ");
                width = 1;
            }
            self.text.push(c);
            width += c.len_utf8();
        }
        self.text.push_str("\r\n");
    }
}

/// Text as an RFC 5545 TEXT value: backslash, semicolon and comma escaped,
/// a line break as `\n`, and any other control character (text stored
/// before they were refused at entry) left out, so nothing can end a line
/// and start a property of its own.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn utc_stamp(ms: Millis) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map_or_else(String::new, |t| t.format("%Y%m%dT%H%M%SZ").to_string())
}

fn local_stamp(zone: Tz, ms: Millis) -> String {
    zone.timestamp_millis_opt(ms)
        .single()
        .map_or_else(String::new, |t| t.format("%Y%m%dT%H%M%S").to_string())
}

fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}{:02}", minutes / 60, minutes % 60)
}

/// The zone's offset changes from a year before `around` to two years after,
/// each as an observance of its own: accurate for a session or a series
/// without encoding the zone's rules.
fn timezone(out: &mut Calendar, zone: Tz, around: Millis) {
    let year_ms = 365 * 24 * 3_600_000_i64;
    let (from, to) = (around - year_ms, around + 2 * year_ms);
    let offset_at = |ms: Millis| -> (i32, bool) {
        match zone.timestamp_millis_opt(ms) {
            chrono::LocalResult::Single(t) => {
                let offset = t.offset();
                (offset.fix().local_minus_utc(), !offset.dst_offset().is_zero())
            }
            _ => (0, false),
        }
    };
    out.line("BEGIN:VTIMEZONE");
    out.line(&format!("TZID:{}", zone.name()));
    let (mut offset, mut dst) = offset_at(from);
    observance(out, zone, from, offset, offset, dst);
    // Offsets change at most a few times a year: look every six hours, then
    // narrow the change down to the second.
    let step = 6 * 3_600_000;
    let mut at = from;
    while at < to {
        let next = at + step;
        let (next_offset, next_dst) = offset_at(next);
        if next_offset != offset {
            let (mut low, mut high) = (at, next);
            while high - low > 1_000 {
                let middle = low + (high - low) / 2;
                if offset_at(middle).0 == offset {
                    low = middle
                } else {
                    high = middle
                }
            }
            observance(out, zone, high, offset, next_offset, next_dst);
            (offset, dst) = (next_offset, next_dst);
        }
        at = next;
    }
    let _ = dst;
    out.line("END:VTIMEZONE");
}

fn observance(out: &mut Calendar, zone: Tz, at: Millis, from: i32, to: i32, dst: bool) {
    let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
    // DTSTART is in the local time of the offset in force before the change.
    let local = chrono::DateTime::from_timestamp_millis(at + i64::from(from) * 1000)
        .map_or_else(String::new, |t| t.format("%Y%m%dT%H%M%S").to_string());
    out.line(&format!("BEGIN:{kind}"));
    out.line(&format!("DTSTART:{local}"));
    out.line(&format!("TZOFFSETFROM:{}", offset_text(from)));
    out.line(&format!("TZOFFSETTO:{}", offset_text(to)));
    out.line(&format!("TZNAME:{}", zone.name()));
    out.line(&format!("END:{kind}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> SessionRecord {
        SessionRecord {
            id: "0b8f6f2e".into(),
            title: "Tuesday group, nights; and more".into(),
            starts_at: 1_796_166_000_000, // 2026-12-01T23:00:00Z, 18:00 in Toronto
            duration_minutes: 60,
            time_zone: "America/Toronto".into(),
            capacity: 12,
            ground_rules: vec![],
            ended_at: None,
            series_id: None,
            break_nudge_minutes: None,
            warning_marks: vec![5, 1],
            agenda: vec![],
            organizer_id: None,
            cancelled_at: None,
            opens_minutes_before: 15,
            facilitators: vec![],
            original_starts_at: None,
            reminder_minutes: vec![1440, 60],
            sequence: 0,
            one_on_one: false,
            e2ee: crate::protocol::e2ee::E2eePolicy::Off,
        }
    }

    #[test]
    fn an_event_has_a_stable_uid_local_times_and_the_link() {
        let link = "https://rooms.example.org/join#q3Jx0Vv2wH7h6mLrjTt1b8cS4yZpNnGQeAUkDdfP9aE";
        let ics = session_ics(&record(), Some(link), Method::Publish, 1_796_000_000_000);
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains("UID:0b8f6f2e@peer-room\r\n"));
        assert!(
            unfolded.contains("DTSTART;TZID=America/Toronto:20261201T180000\r\n"),
            "{unfolded}"
        );
        assert!(unfolded.contains("DTEND;TZID=America/Toronto:20261201T190000\r\n"));
        assert!(unfolded.contains("SUMMARY:Tuesday group\\, nights\\; and more\r\n"));
        assert!(unfolded.contains(link));
        assert!(ics.lines().all(|l| l.len() <= 75), "folded at 75 octets");
        // Toronto's 2026 and 2027 changes are listed with both offsets.
        assert!(
            unfolded.contains("TZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400"),
            "{unfolded}"
        );
        assert!(unfolded.contains("TZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500"));
    }

    #[test]
    fn a_title_cannot_end_its_line_and_start_a_property_of_its_own() {
        let mut sneaky = record();
        sneaky.title = "Group\r\nATTENDEE:mailto:x@example.org\u{7}".into();
        let ics = session_ics(&sneaky, None, Method::Publish, 0);
        assert!(!ics.contains("\r\nATTENDEE"), "{ics}");
        assert!(
            ics.contains("SUMMARY:Group\\nATTENDEE:mailto:x@example.org\r\n"),
            "{ics}"
        );
    }

    #[test]
    fn a_cancelled_session_says_so() {
        let mut cancelled = record();
        cancelled.cancelled_at = Some(1);
        assert!(session_ics(&cancelled, None, Method::Publish, 0).contains("STATUS:CANCELLED"));
    }
}

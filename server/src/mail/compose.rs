//! A message as it goes out: plain text and simple HTML with the same words,
//! and for a meeting its calendar file attached (REQUEST, or CANCEL when it
//! is called off). Written when it is sent, from the store as it is then, so
//! a message that waited for a mail server never carries an old time.
//! `message` writes a meeting's; `write` any message from its words (a
//! request for a peer's notices are `request_notice.rs`'s).

use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use super::words::{self, Draft, Facts};
use crate::ics::{self, Method, Sent};
use crate::room::Millis;
use crate::store::{Invitee, MailKind, SeriesRecord, SessionRecord};

/// What a message is about: one meeting, or a whole series (for someone
/// invited to every meeting), perhaps about one of its meetings (a
/// reminder, a new time, a cancellation).
pub enum About<'a> {
    Session(&'a SessionRecord),
    Series(&'a SeriesRecord, &'a [SessionRecord], Option<&'a SessionRecord>),
}

/// Everything a message is made from.
pub struct Parts<'a> {
    pub kind: MailKind,
    pub to: &'a Invitee,
    pub about: About<'a>,
    /// The person's own link; `None` once revoked or for a cancellation.
    pub link: Option<&'a str>,
    pub from: &'a Mailbox,
    /// The outbox row's id: the Message-ID on every attempt.
    pub message_id: &'a str,
    /// The public URL's host, for the Message-ID's right-hand side.
    pub host: &'a str,
    pub now: Millis,
}

/// Why a message could not be written: never the store's fault, so the
/// message is failed rather than tried again.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("the address cannot be written in a mail header")]
    Address(#[from] lettre::address::AddressError),
    #[error("the message could not be built")]
    Build(#[from] lettre::error::Error),
}

pub fn message(parts: &Parts<'_>) -> Result<Message, ComposeError> {
    let person = parts.to;
    let (title, starts_at, zone, minutes, opens, every_weeks) = match &parts.about {
        About::Session(s) => (
            s.title.as_str(),
            s.starts_at,
            s.time_zone.as_str(),
            s.duration_minutes,
            s.opens_minutes_before,
            None,
        ),
        About::Series(series, occurrences, focus) => {
            let next = occurrences
                .iter()
                .find(|o| o.cancelled_at.is_none() && o.ends_at() > parts.now);
            let first = focus.or(next).or(occurrences.first());
            (
                first.map_or(series.title.as_str(), |o| o.title.as_str()),
                first.map_or(0, |o| o.starts_at),
                first.map_or(series.time_zone.as_deref().unwrap_or("UTC"), |o| o.time_zone.as_str()),
                first.map_or(60, |o| o.duration_minutes),
                first.map_or(15, |o| o.opens_minutes_before),
                series.every_weeks.filter(|_| parts.kind == MailKind::Invitation),
            )
        }
    };
    let draft = words::draft(&Facts {
        kind: parts.kind,
        role: person.role,
        language: person.language,
        title,
        when: words::when(starts_at, zone, person.language),
        minutes,
        opens_minutes_before: opens,
        every_weeks,
        one_on_one: matches!(parts.about, About::Session(s) if s.one_on_one),
    });
    let link = parts.link.filter(|_| draft.link_label.is_some());
    let description = format!(
        "{}{}",
        draft.paragraphs.join("\n"),
        link.map_or(String::new(), |l| format!("\n{l}"))
    );
    let sent = Sent {
        organizer: parts.from.email.as_ref(),
        attendee: &person.email,
        sequence: 0,
        cancel: parts.kind == MailKind::Cancelled,
        description: &description,
    };
    let cancels = parts.kind == MailKind::Cancelled && matches!(parts.about, About::Session(_));
    let text = match &parts.about {
        About::Session(s) => ics::session_ics(
            s,
            link,
            Method::Sent(Sent {
                sequence: s.sequence,
                ..sent
            }),
            parts.now,
        ),
        About::Series(series, occurrences, _) => {
            // The whole series again, as it is now: a moved meeting at its
            // new time, a cancelled one left out (EXDATE). Its version moves
            // on with each change to any meeting.
            let sequence = occurrences.iter().map(|o| o.sequence).sum();
            let sent = Sent {
                sequence,
                cancel: false,
                ..sent
            };
            ics::series_ics(series, occurrences, link, Method::Sent(sent), parts.now)
        }
    };
    let envelope = Envelope {
        to: &person.email,
        from: parts.from,
        message_id: parts.message_id,
        host: parts.host,
    };
    write(&envelope, draft, link, Some(CalendarFile { text, cancels }))
}

/// Who a message goes to and from, and its Message-ID.
#[derive(Clone, Copy)]
pub struct Envelope<'a> {
    pub to: &'a str,
    pub from: &'a Mailbox,
    /// The outbox row's id: the Message-ID on every attempt.
    pub message_id: &'a str,
    /// The public URL's host, for the Message-ID's right-hand side.
    pub host: &'a str,
}

/// A calendar file to attach: an invitation (REQUEST) or its cancellation.
pub struct CalendarFile {
    pub text: String,
    pub cancels: bool,
}

/// A message from its words: the text and the HTML say the same, the link
/// (if any) as a button and in full, and the calendar file attached.
pub fn write(
    envelope: &Envelope<'_>,
    draft: Draft,
    link: Option<&str>,
    calendar: Option<CalendarFile>,
) -> Result<Message, ComposeError> {
    let mut text = draft.paragraphs.join("\n\n");
    let mut html = String::from("<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5\">");
    for paragraph in &draft.paragraphs {
        html.push_str(&format!("<p>{}</p>", escape(paragraph)));
    }
    if let (Some(link), Some(label)) = (link, &draft.link_label) {
        text.push_str(&format!("\n\n{label}: {link}"));
        html.push_str(&format!(
            "<p><a href=\"{0}\" style=\"display:inline-block;padding:10px 16px;background:#1d4ed8;color:#fff;\
             text-decoration:none;border-radius:6px\">{1}</a></p><p style=\"font-size:small\">{0}</p>",
            escape(link),
            escape(label)
        ));
    }
    text.push_str(&format!("\n\n--\n{}\n", draft.footer));
    html.push_str(&format!(
        "<hr><p style=\"font-size:small;color:#555\">{}</p></body></html>",
        escape(&draft.footer)
    ));
    let body = MultiPart::alternative()
        .singlepart(SinglePart::plain(text))
        .singlepart(SinglePart::html(html));
    let builder = Message::builder()
        .from(envelope.from.clone())
        .to(Mailbox::new(None, envelope.to.parse()?))
        .subject(draft.subject)
        .message_id(Some(format!("<{}@{}>", envelope.message_id, envelope.host)));
    let message = match calendar {
        None => builder.multipart(body)?,
        Some(calendar) => {
            let method = if calendar.cancels { "CANCEL" } else { "REQUEST" };
            let calendar_type = ContentType::parse(&format!("text/calendar; charset=utf-8; method={method}"))
                .unwrap_or(ContentType::TEXT_PLAIN);
            let file = if calendar.cancels { "cancel.ics" } else { "invite.ics" };
            let attachment = Attachment::new(file.to_owned()).body(calendar.text, calendar_type);
            builder.multipart(MultiPart::mixed().multipart(body).singlepart(attachment))?
        }
    };
    Ok(message)
}

/// Text in HTML, with nothing that could open a tag or an attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

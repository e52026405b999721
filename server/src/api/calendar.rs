//! Calendar files as downloads (the files themselves are `crate::ics`).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::ApiError;
use super::auth::CurrentOrganizer;
use crate::app::AppState;
use crate::clock;
use crate::ics::{self, Method};

pub async fn session_file(
    State(state): State<AppState>,
    CurrentOrganizer(me): CurrentOrganizer,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (record, link) = super::sessions::participant_link(&state, &me.id, &id).await?;
    let body = ics::session_ics(&record, link.as_deref(), Method::Publish, clock::now_millis());
    Ok(calendar_response(&record.title, "session", body))
}

/// A calendar file as a download named after its group ("Tuesday evening
/// group" gives `tuesday-evening-group.ics`), so an organizer's downloads
/// folder does not fill with `session (3).ics`.
pub fn calendar_response(title: &str, fallback: &str, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{}.ics\"", file_stem(title, fallback));
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// A file name from a title: lower-case ASCII letters and digits, French
/// accents folded, everything else a single `-`, at most 60 characters; the
/// fallback when nothing is left (a title in another script).
pub fn file_stem(title: &str, fallback: &str) -> String {
    let mut stem = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'a'..='z' | '0'..='9' => Some(c.to_string()),
            'à' | 'â' | 'ä' | 'á' => Some("a".into()),
            'ç' => Some("c".into()),
            'é' | 'è' | 'ê' | 'ë' => Some("e".into()),
            'î' | 'ï' | 'í' => Some("i".into()),
            'ô' | 'ö' | 'ó' => Some("o".into()),
            'ù' | 'û' | 'ü' | 'ú' => Some("u".into()),
            'ÿ' => Some("y".into()),
            'œ' => Some("oe".into()),
            'æ' => Some("ae".into()),
            _ => None,
        };
        match folded {
            Some(part) => stem.push_str(&part),
            None if !stem.is_empty() && !stem.ends_with('-') => stem.push('-'),
            None => {}
        }
        if stem.len() >= 60 {
            break;
        }
    }
    let stem = stem.trim_end_matches('-');
    if stem.is_empty() {
        fallback.to_owned()
    } else {
        stem.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_files_are_named_after_their_group() {
        assert_eq!(file_stem("Tuesday evening group", "session"), "tuesday-evening-group");
        assert_eq!(
            file_stem("Groupe du mardi : résidents & médecins", "session"),
            "groupe-du-mardi-residents-medecins"
        );
        assert_eq!(file_stem("  ***  ", "series"), "series");
        assert_eq!(file_stem("夜勤", "series"), "series");
        assert!(file_stem(&"long title ".repeat(20), "session").len() <= 61);
        assert!(!file_stem("a\"b\r\nc", "session").contains(['"', '\r', '\n']));
    }
}

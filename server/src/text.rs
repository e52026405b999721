//! Text that people type and others read: display names, titles, ground
//! rules, chat, summary items. Wherever it comes in, it is checked here.
//!
//! - Normalized to NFC and trimmed, so the same words are stored the same way.
//! - No control characters (a line break only where the field has lines): a
//!   title is written into calendar files and HTTP headers.
//! - No characters that change the direction of the text around them or that
//!   cannot be seen (bidi overrides and isolates, zero-width spaces, the BOM):
//!   they let a name pass for another, or hide what a line says. The joiners
//!   that emoji and some scripts need (U+200C, U+200D) stay.
//! - Something visible, and not longer than the field allows, in characters.

use unicode_normalization::UnicodeNormalization;

/// Whether a field may hold several lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("cannot be empty")]
    Empty,
    #[error("is too long")]
    TooLong,
    #[error("cannot contain control characters")]
    Control,
    #[error("cannot contain invisible or direction-changing characters")]
    Hidden,
}

/// `text` in NFC, trimmed.
pub fn normalize(text: &str) -> String {
    text.nfc().collect::<String>().trim().to_owned()
}

/// `text` normalized, if it is fit to show: 1 to `max_chars` characters.
pub fn clean(text: &str, max_chars: usize, lines: Lines) -> Result<String, TextError> {
    let text = normalize(text);
    check(&text, max_chars, lines)?;
    Ok(text)
}

/// Whether normalized `text` is fit to show.
pub fn check(text: &str, max_chars: usize, lines: Lines) -> Result<(), TextError> {
    if text
        .chars()
        .any(|c| c.is_control() && !(lines == Lines::Many && (c == '\n' || c == '\t')))
    {
        return Err(TextError::Control);
    }
    if text.chars().any(hidden) {
        return Err(TextError::Hidden);
    }
    if text.chars().all(|c| c.is_whitespace() || is_joiner(c)) {
        return Err(TextError::Empty);
    }
    if text.chars().count() > max_chars {
        return Err(TextError::TooLong);
    }
    Ok(())
}

/// Characters that cannot be seen or that reorder the text around them.
fn hidden(c: char) -> bool {
    matches!(c,
        '\u{061C}'                    // Arabic letter mark
        | '\u{180E}'                  // Mongolian vowel separator
        | '\u{200B}'                  // zero-width space
        | '\u{200E}' | '\u{200F}'     // left-to-right and right-to-left marks
        | '\u{202A}'..='\u{202E}'     // embeddings and overrides
        | '\u{2060}'..='\u{2064}'     // word joiner and invisible operators
        | '\u{2066}'..='\u{2069}'     // isolates
        | '\u{FEFF}'                  // byte order mark
        | '\u{FFF9}'..='\u{FFFB}'     // interlinear annotations
    )
}

fn is_joiner(c: char) -> bool {
    c == '\u{200C}' || c == '\u{200D}'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalized_and_trimmed() {
        // "é" as e + combining acute becomes the one precomposed character.
        assert_eq!(clean("  Rene\u{301}e ", 40, Lines::One), Ok("Renée".to_owned()));
        assert_eq!(
            clean("Dr. 👩\u{200D}⚕\u{FE0F} Lee", 40, Lines::One).map(|n| n.chars().count()),
            Ok(12)
        );
    }

    #[test]
    fn what_hides_or_reorders_text_is_refused() {
        for bad in [
            "Sam\u{202E}gnp.exe",
            "\u{2067}Lee",
            "A\u{200B}B",
            "\u{FEFF}Kim",
            "x\u{2060}y",
        ] {
            assert_eq!(clean(bad, 40, Lines::One), Err(TextError::Hidden), "{bad:?}");
        }
    }

    #[test]
    fn control_characters_are_refused_and_lines_only_where_a_field_has_them() {
        assert_eq!(
            clean("Tuesday\r\nBEGIN:VEVENT", 200, Lines::One),
            Err(TextError::Control)
        );
        assert_eq!(clean("bell\u{7}", 200, Lines::Many), Err(TextError::Control));
        assert_eq!(
            clean("first line\nsecond", 200, Lines::Many),
            Ok("first line\nsecond".to_owned())
        );
    }

    #[test]
    fn nothing_visible_or_too_much_is_refused() {
        assert_eq!(clean("   ", 40, Lines::One), Err(TextError::Empty));
        assert_eq!(clean("\u{200D}", 40, Lines::One), Err(TextError::Empty));
        assert_eq!(clean(&"é".repeat(41), 40, Lines::One), Err(TextError::TooLong));
        assert!(clean(&"é".repeat(40), 40, Lines::One).is_ok(), "characters, not bytes");
    }
}

//! Email addresses as organizers type them, checked before anything is
//! stored: a refusal names the address and says what is wrong with it.

use std::str::FromStr;

/// RFC 5321's limit on a path, which no real address comes near.
const MAX_LEN: usize = 254;

/// An address, trimmed, with its domain in lower case; or why it is refused.
/// Refused: anything with a space or a control character (a line break
/// would start a mail header of its own), no `@` or more than one, no dot
/// in the domain, or what the mail library does not accept as an address.
pub fn checked(typed: &str) -> Result<String, &'static str> {
    let address = typed.trim();
    if address.is_empty() {
        return Err("is empty");
    }
    if address.chars().count() > MAX_LEN {
        return Err("is longer than 254 characters");
    }
    if address.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("has a space or a line break in it");
    }
    let Some((user, domain)) = address.split_once('@') else {
        return Err("has no @");
    };
    if user.is_empty() || domain.contains('@') {
        return Err("must have one @ with a name before it");
    }
    if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
        return Err("needs a domain such as example.org after the @");
    }
    let address = format!("{user}@{}", domain.to_ascii_lowercase());
    lettre::Address::from_str(&address).map_err(|_| "is not a valid email address")?;
    Ok(address)
}

#[cfg(test)]
mod tests {
    use super::checked;

    #[test]
    fn good_addresses_are_kept_with_their_domain_lower_cased() {
        assert_eq!(
            checked("  Ana.Dube@Hopital.QC.ca ").as_deref(),
            Ok("Ana.Dube@hopital.qc.ca")
        );
        assert_eq!(checked("r+peer@example.org").as_deref(), Ok("r+peer@example.org"));
    }

    #[test]
    fn bad_addresses_are_refused_with_a_reason() {
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.org",
            "ana@example",
            "ana@@example.org",
            "ana@exa mple.org",
            "ana@example.org\r\nBcc: x@example.org",
            "ana@example.org\nSubject: hi",
            "ana@.org",
            "a(b@example.org",
        ] {
            assert!(checked(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(checked(&format!("{}@example.org", "a".repeat(250))).is_err());
    }
}

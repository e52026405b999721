//! The default ground rules, written from peer-support principles. A session
//! can replace them; every participant accepts them before entering.

pub const DEFAULT: &[&str] = &[
    "What is said here stays here.",
    "Listen without judgment.",
    "Speak from your own experience.",
    "One voice at a time.",
    "You may always pass.",
    "No recording or screenshots.",
    "Look after yourself: step away whenever you need to.",
];

pub fn default_rules() -> Vec<String> {
    DEFAULT.iter().map(|rule| (*rule).to_owned()).collect()
}

/// Checks a set of rules before it is stored.
pub fn validate(rules: &[String]) -> Result<(), &'static str> {
    if rules.is_empty() || rules.len() > 20 {
        return Err("ground rules must have between 1 and 20 items");
    }
    if rules
        .iter()
        .any(|rule| crate::text::check(&crate::text::normalize(rule), 300, crate::text::Lines::One).is_err())
    {
        return Err("each ground rule has between 1 and 300 characters, with no control or invisible characters");
    }
    Ok(())
}

/// Rules as people typed them, normalized for storing (see `text`).
pub fn normalized(rules: &[String]) -> Vec<String> {
    rules.iter().map(|rule| crate::text::normalize(rule)).collect()
}

//! Secrets handed to clients: invitation and resume tokens.
//!
//! A token is 256 random bits in URL-safe base64. Only its SHA-256 is kept.
//! A fast hash is enough here, unlike for passwords: with 256 bits of entropy
//! there is nothing to guess, so slowing down each guess buys nothing.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Length of a token in characters: 32 bytes in base64 without padding.
pub const TOKEN_CHARS: usize = 43;

/// A fresh random token.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The hash under which a token, or any other client secret, is stored.
pub fn hash(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Whether a string could be a token at all. Checked before any lookup so a
/// malformed token costs nothing.
pub fn well_formed(token: &str) -> bool {
    token.len() == TOKEN_CHARS
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_well_formed_distinct_and_hash_stably() {
        let a = generate();
        let b = generate();
        assert!(well_formed(&a), "{a}");
        assert_ne!(a, b);
        assert_eq!(hash(&a), hash(&a));
        assert_ne!(hash(&a), hash(&b));
    }

    #[test]
    fn malformed_tokens_are_recognised() {
        assert!(!well_formed(""));
        assert!(!well_formed(&"a".repeat(42)));
        assert!(!well_formed(&format!("{}=", "a".repeat(42))));
        assert!(!well_formed(&"é".repeat(22)));
        assert!(well_formed(
            &"A-_z".repeat(10).chars().chain("abc".chars()).collect::<String>()
        ));
    }
}

//! Secrets handed to clients: invitation, resume and login tokens.
//!
//! A token is 256 bits in URL-safe base64. Only its SHA-256 is kept. A fast
//! hash is enough here, unlike for passwords: with 256 bits of entropy there
//! is nothing to guess, so slowing down each guess buys nothing.
//!
//! Invitation tokens are not random but derived: HMAC-SHA256 of the
//! invitation's id and generation under the server's `TokenKey`. The store
//! still holds only hashes, so a copy of the database opens no room; yet the
//! server can show an organizer a link again. Regenerating a link bumps the
//! generation, and the old token stops matching.

use std::io::Write;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
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

/// The server's key for deriving invitation tokens. Keep it apart from the
/// database: together they can rebuild every link.
#[derive(Clone)]
pub struct TokenKey([u8; 32]);

impl TokenKey {
    /// A key for this process only (tests, an in-memory database).
    pub fn ephemeral() -> TokenKey {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        TokenKey(key)
    }

    /// Reads the key at `path`, or creates it there (readable by its owner
    /// only) on first use.
    pub fn load_or_create(path: &Path) -> std::io::Result<TokenKey> {
        match std::fs::read(path) {
            Ok(bytes) => <[u8; 32]>::try_from(bytes.as_slice())
                .map(TokenKey)
                .map_err(|_| std::io::Error::other(format!("{} is not a 32-byte key", path.display()))),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let key = TokenKey::ephemeral();
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                options.open(path)?.write_all(&key.0)?;
                Ok(key)
            }
            Err(error) => Err(error),
        }
    }

    /// The token of an invitation in its current generation.
    pub fn invitation_token(&self, invitation_id: &str, generation: i64) -> String {
        // HMAC takes a key of any length: `new_from_slice` cannot fail here.
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.0) {
            Ok(mac) => mac,
            Err(_) => return generate(),
        };
        mac.update(b"peer-room invitation\0");
        mac.update(invitation_id.as_bytes());
        mac.update(&generation.to_be_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }
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
    fn invitation_tokens_are_stable_per_generation_and_key() {
        let key = TokenKey::ephemeral();
        let token = key.invitation_token("inv-1", 0);
        assert!(well_formed(&token), "{token}");
        assert_eq!(token, key.invitation_token("inv-1", 0));
        assert_ne!(token, key.invitation_token("inv-1", 1));
        assert_ne!(token, key.invitation_token("inv-2", 0));
        assert_ne!(token, TokenKey::ephemeral().invitation_token("inv-1", 0));
    }

    #[test]
    fn a_key_file_is_created_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("peer-room.key");
        let first = TokenKey::load_or_create(&path).unwrap();
        let again = TokenKey::load_or_create(&path).unwrap();
        assert_eq!(first.invitation_token("x", 0), again.invitation_token("x", 0));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
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

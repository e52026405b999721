//! TURN credentials that expire: the "TURN REST" scheme coturn implements
//! with `use-auth-secret` and `static-auth-secret`. The server and the TURN
//! server share a secret; each person is handed, when they enter a room, a
//! username `EXPIRY:ID` (expiry in Unix seconds, the ID random) and a
//! password `base64(HMAC-SHA1(secret, username))`. The TURN server checks
//! the password and the expiry and needs no list of users; a credential
//! copied out of a page stops working when it expires, and no password is
//! shared by everyone. The ID is random, so a TURN server's logs cannot be
//! tied to a person or a room.

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

use super::IceServer;
use crate::room::Millis;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TurnConfigError {
    #[error("the TURN secret is empty")]
    EmptySecret,
    #[error("a TURN URL must start with turn: or turns:, not {0:?}")]
    NotTurn(String),
    #[error("no TURN URL given")]
    NoUrls,
}

/// The deployment's TURN servers and the secret it shares with them.
#[derive(Clone)]
pub struct TurnRest {
    urls: Vec<String>,
    secret: Vec<u8>,
    /// How long a credential lasts from entering the room: it must outlast
    /// the longest session, as the TURN server checks it again each time
    /// the browser refreshes its allocation.
    ttl: Duration,
}

impl fmt::Debug for TurnRest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the secret, whatever prints a config.
        f.debug_struct("TurnRest")
            .field("urls", &self.urls)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl TurnRest {
    pub fn new(urls: Vec<String>, secret: &str, ttl: Duration) -> Result<TurnRest, TurnConfigError> {
        let secret = secret.trim();
        if secret.is_empty() {
            return Err(TurnConfigError::EmptySecret);
        }
        if urls.is_empty() {
            return Err(TurnConfigError::NoUrls);
        }
        if let Some(url) = urls
            .iter()
            .find(|u| !(u.starts_with("turn:") || u.starts_with("turns:")))
        {
            return Err(TurnConfigError::NotTurn(url.clone()));
        }
        Ok(TurnRest {
            urls,
            secret: secret.as_bytes().to_vec(),
            ttl,
        })
    }

    /// Credentials for one person entering at `now`.
    pub fn server_for(&self, now: Millis) -> IceServer {
        let mut id = [0u8; 8];
        rand::rng().fill_bytes(&mut id);
        let id: String = id.iter().map(|b| format!("{b:02x}")).collect();
        let expiry = u64::try_from(now / 1000).unwrap_or(0) + self.ttl.as_secs();
        let username = format!("{expiry}:{id}");
        let credential = password(&self.secret, &username);
        IceServer {
            urls: self.urls.clone(),
            username: Some(username),
            credential: Some(credential),
        }
    }
}

/// `base64(HMAC-SHA1(secret, username))`, as coturn computes it.
fn password(secret: &[u8], username: &str) -> String {
    // HMAC takes a key of any length: `new_from_slice` cannot fail for it.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(username.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_the_hmac_coturn_expects() {
        // Computed independently: python3 -c "import hmac,hashlib,base64;
        // print(base64.b64encode(hmac.new(b'north-star',
        // b'1800000000:abc', hashlib.sha1).digest()).decode())"
        assert_eq!(
            password(b"north-star", "1800000000:abc"),
            "WXvaRMVP5+z1frSDfgrcuwPIkTw="
        );
    }

    #[test]
    fn each_person_gets_their_own_credential_that_expires() {
        let turn = TurnRest::new(
            vec!["turn:turn.example.org:3478?transport=tcp".to_owned()],
            " north-star\n",
            Duration::from_secs(3600),
        )
        .unwrap();
        let now: Millis = 1_800_000_000_123;
        let (a, b) = (turn.server_for(now), turn.server_for(now));
        let username = a.username.clone().unwrap();
        let (expiry, id) = username.split_once(':').unwrap();
        assert_eq!(expiry, "1800003600");
        assert_eq!(id.len(), 16);
        assert_ne!(a.username, b.username, "no two people share a username");
        assert_eq!(
            a.credential.unwrap(),
            password(b"north-star", &username),
            "the secret is trimmed"
        );
        assert!(
            !format!("{turn:?}").contains("north-star"),
            "the secret is never printed"
        );
    }

    #[test]
    fn a_bad_configuration_is_refused_with_its_reason() {
        let ttl = Duration::from_secs(60);
        let urls = || vec!["turns:turn.example.org:443".to_owned()];
        assert_eq!(
            TurnRest::new(urls(), "  ", ttl).unwrap_err(),
            TurnConfigError::EmptySecret
        );
        assert_eq!(TurnRest::new(vec![], "s", ttl).unwrap_err(), TurnConfigError::NoUrls);
        let stun = vec!["stun:stun.example.org".to_owned()];
        assert!(matches!(
            TurnRest::new(stun, "s", ttl),
            Err(TurnConfigError::NotTurn(_))
        ));
        assert!(TurnRest::new(urls(), "s", ttl).is_ok());
    }
}

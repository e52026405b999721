//! What a peer supporter is told by email: their one-time enrolment link
//! when an organizer nominates them (or gives them a new one), and that a
//! physician was matched with them, with the time to confirm or change on
//! their page. In the request's language if they speak it, else in theirs.

use lettre::Message;

use super::compose::{ComposeError, Envelope, write};
use super::words::{Draft, when};
use crate::room::Millis;
use crate::store::{Language, MailKind, RequestState, Store, StoreError};

/// The notice `kind` for supporter `id` (about `request`, if any); `None`
/// when there is nothing to send any more (enrolled or deactivated since, a
/// match no longer theirs or no longer waiting for them).
pub async fn message(
    store: &Store,
    id: &str,
    request: Option<&str>,
    kind: MailKind,
    public_url: &str,
    envelope: &Envelope<'_>,
    now: Millis,
) -> Result<Option<Result<Message, ComposeError>>, StoreError> {
    let supporter = match store.supporter(id, now).await {
        Ok(supporter) => supporter,
        Err(StoreError::NotFound) => return Ok(None),
        Err(other) => return Err(other),
    };
    if !supporter.active {
        return Ok(None);
    }
    let base = public_url.trim_end_matches('/');
    let own = if supporter.languages == [Language::Fr] {
        Language::Fr
    } else {
        Language::En
    };
    let name = supporter.name.clone();
    let (language, subject, paragraph, label, link) = match (kind, request) {
        (MailKind::Enrolment, _) => {
            let Some(token) = store.current_enrolment_token(id).await? else {
                return Ok(None);
            };
            let fr = own == Language::Fr;
            (
                own,
                if fr {
                    "Devenir pair aidant·e sur PeerRoom".to_owned()
                } else {
                    "Become a PeerRoom peer supporter".to_owned()
                },
                if fr {
                    format!(
                        "Bonjour {name}. Une personne organisatrice de votre programme vous a ajouté·e à la liste des pairs aidant·e·s. Créez votre compte (votre mot de passe et votre fuseau horaire) avec ce lien : il ne fonctionne qu'une fois."
                    )
                } else {
                    format!(
                        "Hello {name}. An organizer of your program put you on the peer-supporter roster. Set up your account (your password and your time zone) with this link: it works once."
                    )
                },
                if fr {
                    "Créer mon compte".to_owned()
                } else {
                    "Set up my account".to_owned()
                },
                format!("{base}/organize/enrol#{token}"),
            )
        }
        (MailKind::SupportMatched, Some(request_id)) => {
            let request = match store.support_request(request_id).await {
                Ok(request) => request,
                Err(StoreError::NotFound) => return Ok(None),
                Err(other) => return Err(other),
            };
            let (RequestState::Matched, Some(at), Some(minutes)) =
                (request.state, request.proposed_at, request.minutes)
            else {
                return Ok(None);
            };
            if request.supporter_id.as_deref() != Some(id) {
                return Ok(None);
            }
            let language = if supporter.languages.contains(&request.language) {
                request.language
            } else {
                own
            };
            let at = when(at, &supporter.time_zone, language);
            let who = request.first_name.unwrap_or_default();
            let fr = language == Language::Fr;
            (
                language,
                if fr {
                    format!("Un·e médecin vous est jumelé·e : {at}")
                } else {
                    format!("A physician is matched with you: {at}")
                },
                if fr {
                    format!(
                        "Bonjour {name}. {who} a demandé un·e pair ; l'heure proposée est le {at}, pendant {minutes} minutes. Acceptez-la ou proposez-en une autre depuis votre page."
                    )
                } else {
                    format!(
                        "Hello {name}. {who} asked for a peer; the time suggested is {at}, for {minutes} minutes. Accept it, or propose another, from your page."
                    )
                },
                if fr {
                    "Voir mes demandes".to_owned()
                } else {
                    "See my requests".to_owned()
                },
                format!("{base}/organize"),
            )
        }
        _ => return Ok(None),
    };
    let fr = language == Language::Fr;
    let draft = Draft {
        subject,
        paragraphs: vec![paragraph],
        link_label: Some(label),
        footer: if fr {
            "Vous recevez ce message parce que vous êtes pair aidant·e d'un programme PeerRoom. Rien n'est enregistré."
                .into()
        } else {
            "You receive this because you are a peer supporter in a PeerRoom program. Nothing is recorded.".into()
        },
    };
    let envelope = Envelope {
        to: &supporter.email,
        ..*envelope
    };
    Ok(Some(write(&envelope, draft, Some(&link), None)))
}

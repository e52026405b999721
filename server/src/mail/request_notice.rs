//! What a physician who asked for a peer is told by email, when they gave
//! an address: that their request is in (with its private link, the only
//! way back to it), that the supporter proposes a time to accept, and that
//! it was cancelled before they met. The meeting itself is invited to like
//! any other (`compose::message`), with its calendar file.

use lettre::Message;

use super::compose::{ComposeError, Envelope, write};
use super::words::{Draft, when};
use crate::store::{Language, MailKind, RequestState, Store, StoreError};

/// The notice `kind` for request `id`; `None` when there is nothing to send
/// any more (no address, or forgotten; a proposal no longer on the table).
pub async fn message(
    store: &Store,
    id: &str,
    kind: MailKind,
    public_url: &str,
    envelope: &Envelope<'_>,
) -> Result<Option<Result<Message, ComposeError>>, StoreError> {
    let request = match store.support_request(id).await {
        Ok(request) => request,
        Err(StoreError::NotFound) => return Ok(None),
        Err(other) => return Err(other),
    };
    let Some(email) = request.email.clone() else {
        return Ok(None);
    };
    let fr = request.language == Language::Fr;
    let pick = |en: String, fr_text: String| if fr { fr_text } else { en };
    let name = request.first_name.clone().unwrap_or_default();
    let base = public_url.trim_end_matches('/');
    let (subject, paragraphs, label, link) = match kind {
        MailKind::RequestReceived => (
            pick("Your request for a peer is in".into(), "Votre demande de pair est reçue".into()),
            vec![
                pick(
                    format!("Hello {name}. An organizer will match you with a trained peer supporter, usually within two working days; you will hear from us when a time is proposed."),
                    format!("Bonjour {name}. Une personne organisatrice vous jumellera avec un·e pair aidant·e formé·e, habituellement en deux jours ouvrables ; nous vous écrirons quand une heure sera proposée."),
                ),
                pick(
                    "If you need help now, do not wait: the page below lists who to call, any time.".into(),
                    "Si vous avez besoin d'aide maintenant, n'attendez pas : la page ci-dessous indique qui appeler, en tout temps.".into(),
                ),
            ],
            pick("See your request".into(), "Voir votre demande".into()),
            Some(format!("{base}/support#{}", store.request_token(id))),
        ),
        MailKind::TimeProposed => {
            let (Some(at), Some(minutes), RequestState::Proposed) = (request.proposed_at, request.minutes, request.state)
            else {
                return Ok(None);
            };
            let supporter = match &request.supporter_id {
                Some(id) => Some(store.supporter(id, at).await?),
                None => None,
            };
            let zone = request
                .time_zone
                .clone()
                .or_else(|| supporter.as_ref().map(|s| s.time_zone.clone()))
                .unwrap_or_else(|| "UTC".into());
            let who = supporter.map_or_else(String::new, |s| s.name);
            let at = when(at, &zone, request.language);
            (
                pick(format!("A time for your conversation: {at}"), format!("Une heure pour votre conversation : le {at}")),
                vec![pick(
                    format!("Hello {name}. {who}, a trained peer supporter, proposes {at}, for {minutes} minutes. Accept it, or cancel, from your request's page."),
                    format!("Bonjour {name}. {who}, pair aidant·e formé·e, propose le {at}, pendant {minutes} minutes. Acceptez-la, ou annulez, depuis la page de votre demande."),
                )],
                pick("Accept or decline".into(), "Accepter ou refuser".into()),
                Some(format!("{base}/support#{}", store.request_token(id))),
            )
        }
        MailKind::RequestCancelled => (
            pick("Your request for a peer was cancelled".into(), "Votre demande de pair est annulée".into()),
            vec![pick(
                format!("Hello {name}. We are sorry: your request could not go ahead this time. You can ask again whenever you like."),
                format!("Bonjour {name}. Nous sommes désolés : votre demande n'a pas pu aboutir cette fois. Vous pouvez en faire une autre quand vous le voulez."),
            )],
            pick("Ask again".into(), "Demander de nouveau".into()),
            Some(format!("{base}/support")),
        ),
        _ => return Ok(None),
    };
    let draft = Draft {
        subject,
        paragraphs,
        link_label: Some(label),
        footer: pick(
            "You receive this because you asked for a peer on PeerRoom. Nothing is recorded.".into(),
            "Vous recevez ce message parce que vous avez demandé un·e pair sur PeerRoom. Rien n'est enregistré.".into(),
        ),
    };
    let envelope = Envelope {
        to: &email,
        ..*envelope
    };
    Ok(Some(write(&envelope, draft, link.as_deref(), None)))
}

// The front page's words (index.html). Registered by home.js. No DOM here:
// the strings test imports it.

export default {
  en: {
    'home.title': 'PeerRoom',
    'home.heading': 'A room for physician peer support',
    'home.intro': 'PeerRoom is where small groups of physicians meet with a trained facilitator to give and receive peer support, from a browser, with nothing to install.',
    'home.joining': 'Joining a session',
    'home.open_link': 'Open the link you were sent.',
    'home.link_detail': 'Your organizer or facilitator sends each session’s link by email or calendar invitation; it takes you straight to the session.',
    'home.name': 'You choose the name the group sees. A first name or a pseudonym is fine.',
    'home.devices': 'You can check your camera and microphone before entering, and join with them off.',
    'home.rules': 'Everyone reads and accepts the group’s ground rules before entering.',
    'home.waiting': 'A facilitator lets people in from a waiting room.',
    'home.private': 'Nothing is recorded. The chat disappears when the session ends.',
  },
  fr: {
    'home.title': 'PeerRoom',
    'home.heading': 'Une salle pour le soutien par les pairs entre médecins',
    'home.intro': 'PeerRoom réunit de petits groupes de médecins avec une personne formée à l’animation, pour donner et recevoir du soutien par les pairs, depuis un navigateur, sans rien installer.',
    'home.joining': 'Rejoindre une séance',
    'home.open_link': 'Ouvrez le lien que vous avez reçu.',
    'home.link_detail': 'L’organisation ou l’animation envoie le lien de chaque séance par courriel ou par invitation de calendrier\u00a0; il mène directement à la séance.',
    'home.name': 'Vous choisissez le nom que le groupe voit. Un prénom ou un pseudonyme suffit.',
    'home.devices': 'Vous pouvez vérifier votre caméra et votre micro avant d’entrer, et entrer avec l’un ou l’autre éteint.',
    'home.rules': 'Chaque personne lit et accepte les règles du groupe avant d’entrer.',
    'home.waiting': 'L’animation fait entrer les personnes depuis une salle d’attente.',
    'home.private': 'Rien n’est enregistré. La discussion écrite disparaît à la fin de la séance.',
  },
};

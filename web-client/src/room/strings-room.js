// The room's words: the people list, hands, reactions, chat, the ground
// rules and the room's notices (people.js, hands.js, reactions.js, chat.js,
// notice.js). The console's are console/strings-console.js's. Registered by
// room/words.js. No DOM here: the strings test loads this file in Node.
//
// A button whose accessible name adds the person's name keeps its visible
// text at the start of that name (WCAG 2.5.3, "label in name"), so someone
// using voice control can say what they see: "Stop video" → "Stop video for Sam".

export default {
  en: {
    'room.leave': 'Leave',
    'room.someone': 'Someone',
    'room.you_suffix': '{name} (you)',

    'room.role.facilitator': 'Facilitator',
    'room.role.co_facilitator': 'Co-facilitator',
    'room.role.participant': 'Participant',

    'room.people.count.one': '{count} person in the room',
    'room.people.count.other': '{count} people in the room',
    'room.badge.you': 'you',
    'room.badge.hand': 'hand raised',
    'room.badge.reconnecting': 'reconnecting',
    'room.badge.mic_off': 'mic off',
    'room.badge.camera_off': 'camera off',

    'room.hands.lower': 'Lower hand',
    'room.hands.lower_for': 'Lower hand for {name}',

    'room.hands.heading': 'Hands',
    'room.hands.raise': 'Raise hand',
    'room.hands.lower_mine': 'Lower my hand',
    'room.hands.empty': 'No hands raised.',
    'room.hands.call_next': 'Give the floor to the next hand',
    'room.hands.lower_all': 'Lower all hands',
    'room.hands.raised': '{name} raised a hand ({place} in the queue).',
    'room.hands.see_queue': 'See the hands',
    'room.hands.position': 'You are {place} in the queue.',
    'room.hands.position_next': 'You are {place} in the queue: you are next.',
    'room.ordinal.one': '{count}st',
    'room.ordinal.two': '{count}nd',
    'room.ordinal.few': '{count}rd',
    'room.ordinal.other': '{count}th',

    'room.react.heading': 'React without speaking',
    'room.react.nod': 'Nod',
    'room.react.thanks': 'Thank you',
    'room.react.heart': 'Heart',
    'room.react.me_too': 'Me too',
    'room.reaction.nod': '{name} nods',
    'room.reaction.thanks': '{name} says thank you',
    'room.reaction.heart': '{name} sends a heart',
    'room.reaction.me_too': '{name} says me too',

    'room.rules.heading': 'Ground rules',
    'room.rules.shown_heading': 'Our ground rules',
    'room.rules.shown_intro': 'A facilitator is showing them to everyone now.',
    'room.rules.shown_close': 'Close',

    'room.chat.heading': 'Chat',
    'room.chat.note': 'Chat is kept only while the session runs.',
    'room.chat.empty': 'No messages yet.',
    'room.chat.label': 'Message',
    'room.chat.placeholder': 'Write to the group',
    'room.chat.send': 'Send',
    'room.chat.toast': '{name}: {text}',
    'room.chat.open': 'Open the chat',

    'room.notice.floor_mine': 'You have the floor. Go ahead when you are ready.',
    'room.notice.floor_other': '{name} has the floor.',
    'room.notice.mute_requested': 'A facilitator asks you to mute your microphone, perhaps to give someone else the floor.',
    'room.notice.rules_shown': 'The facilitator is showing the ground rules to everyone.',
    'room.notice.now_co': 'You are now a co-facilitator: the facilitator tools are now shown on your page.',
    'room.notice.now_participant': 'You are a participant again.',
  },
  fr: {
    'room.leave': 'Quitter',
    'room.someone': 'Quelqu’un',
    'room.you_suffix': '{name} (vous)',

    'room.role.facilitator': 'Personne animatrice',
    'room.role.co_facilitator': 'Personne coanimatrice',
    'room.role.participant': 'Personne participante',

    'room.people.count.one': '{count} personne dans la salle',
    'room.people.count.other': '{count} personnes dans la salle',
    'room.badge.you': 'vous',
    'room.badge.hand': 'main levée',
    'room.badge.reconnecting': 'reconnexion en cours',
    'room.badge.mic_off': 'micro fermé',
    'room.badge.camera_off': 'caméra fermée',

    'room.hands.lower': 'Baisser la main',
    'room.hands.lower_for': 'Baisser la main : {name}',

    'room.hands.heading': 'Mains levées',
    'room.hands.raise': 'Lever la main',
    'room.hands.lower_mine': 'Baisser ma main',
    'room.hands.empty': 'Aucune main levée.',
    'room.hands.call_next': 'Donner la parole à la prochaine main levée',
    'room.hands.lower_all': 'Baisser toutes les mains',
    'room.hands.raised': '{name} a levé la main ({place} dans la file).',
    'room.hands.see_queue': 'Voir les mains',
    'room.hands.position': 'Vous êtes en {place} position dans la file.',
    'room.hands.position_next': 'Vous êtes en {place} position dans la file : c’est bientôt à vous.',
    'room.ordinal.one': '{count}re',
    'room.ordinal.two': '{count}e',
    'room.ordinal.few': '{count}e',
    'room.ordinal.other': '{count}e',

    'room.react.heading': 'Réagir sans parler',
    'room.react.nod': 'Hocher la tête',
    'room.react.thanks': 'Merci',
    'room.react.heart': 'Cœur',
    'room.react.me_too': 'Moi aussi',
    'room.reaction.nod': '{name} hoche la tête',
    'room.reaction.thanks': '{name} dit merci',
    'room.reaction.heart': '{name} envoie un cœur',
    'room.reaction.me_too': '{name} dit « moi aussi »',

    'room.rules.heading': 'Règles du groupe',
    'room.rules.shown_heading': 'Nos règles du groupe',
    'room.rules.shown_intro': 'L’animation les montre à tout le monde en ce moment.',
    'room.rules.shown_close': 'Fermer',

    'room.chat.heading': 'Clavardage',
    'room.chat.note': 'Les messages sont gardés seulement pendant la séance.',
    'room.chat.empty': 'Aucun message pour l’instant.',
    'room.chat.label': 'Message',
    'room.chat.placeholder': 'Écrire au groupe',
    'room.chat.send': 'Envoyer',
    'room.chat.toast': '{name}\u00a0: {text}',
    'room.chat.open': 'Ouvrir les messages',

    'room.notice.floor_mine': 'Vous avez la parole. Allez-y à votre rythme.',
    'room.notice.floor_other': '{name} a la parole.',
    'room.notice.mute_requested': 'Une personne animatrice vous demande de fermer votre micro, peut-être pour laisser la parole à quelqu’un d’autre.',
    'room.notice.rules_shown': 'La personne animatrice montre les règles du groupe à tout le monde.',
    'room.notice.now_co': 'Vous faites maintenant partie de la coanimation : les outils d’animation sont maintenant affichés sur votre page.',
    'room.notice.now_participant': 'Vous participez de nouveau comme les autres membres du groupe.',
  },
};

// Words every page shares: the header, the language picker, the crisis line.
// Registered by i18n.js itself; the strings test keeps en and fr in step.

export default {
  en: {
    'common.language': 'Language',
    'common.skip_to_session': 'Skip to the session',
    'common.loading': 'Loading…',
    'common.talk_to_peer': 'Talk to a peer',

    'common.crisis_call': 'If you are in crisis: call or text',
    'common.crisis_emergency': '(Suicide Crisis Helpline). In an emergency, call',
  },
  fr: {
    'common.language': 'Langue',
    'common.skip_to_session': 'Aller à la séance',
    'common.loading': 'Chargement…',
    'common.talk_to_peer': 'Parler à un pair',

    'common.crisis_call': 'En cas de crise\u00a0: appelez ou textez le',
    'common.crisis_emergency': '(Ligne d’aide en cas de crise de suicide). En cas d’urgence, composez le',
  },
};

// The server's built-in ground rules and crisis resources (server/src/
// ground_rules.rs and crisis.rs), in both languages. The server sends them
// in English; `defaults.js` recognises them by their English words and shows
// them in the page's language. A session's own rules, or a deployment's own
// resources, are shown as written. No DOM here: the strings test loads it.

export default {
  en: {
    'defaults.rule.confidential': 'What is said here stays here.',
    'defaults.rule.no_judgment': 'Listen without judgment.',
    'defaults.rule.own_experience': 'Speak from your own experience.',
    'defaults.rule.one_voice': 'One voice at a time.',
    'defaults.rule.pass': 'You may always pass.',
    'defaults.rule.no_recording': 'No recording or screenshots.',
    'defaults.rule.self_care': 'Look after yourself: step away whenever you need to.',
    'defaults.crisis.988_label': '9-8-8 Suicide Crisis Helpline',
    'defaults.crisis.988_contact': 'Call or text 988, any time',
    'defaults.crisis.911_label': 'Emergency services',
    'defaults.crisis.911_contact': 'Call 911',
  },
  fr: {
    'defaults.rule.confidential': 'Ce qui se dit ici reste ici.',
    'defaults.rule.no_judgment': 'Écouter sans juger.',
    'defaults.rule.own_experience': 'Parler de sa propre expérience.',
    'defaults.rule.one_voice': 'Une personne parle à la fois.',
    'defaults.rule.pass': 'Vous pouvez toujours passer votre tour.',
    'defaults.rule.no_recording': 'Aucun enregistrement ni capture d’écran.',
    'defaults.rule.self_care': 'Prenez soin de vous\u00a0: vous pouvez vous retirer quand vous en avez besoin.',
    'defaults.crisis.988_label': 'Ligne d’aide en cas de crise de suicide 9-8-8',
    'defaults.crisis.988_contact': 'Appelez ou textez le 988, en tout temps',
    'defaults.crisis.911_label': 'Services d’urgence',
    'defaults.crisis.911_contact': 'Composez le 911',
  },
};

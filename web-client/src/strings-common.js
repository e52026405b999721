// Words every page shares: the header, the language picker, connection states.
// See i18n.js for how these are used; the strings test keeps en and fr in step.

export default {
  en: {
    'common.language': 'Language',
    'common.skip_to_session': 'Skip to the session',
    'common.loading': 'Loading…',
  },
  fr: {
    'common.language': 'Langue',
    'common.skip_to_session': 'Aller à la séance',
    'common.loading': 'Chargement…',
  },
};

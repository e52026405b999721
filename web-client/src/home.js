// The front page (index.html): nothing to run but its words, in the
// person's language, and the picker to change it.

import { byId } from './dom.js';
import { languagePicker, startLanguage, t } from './i18n.js';
import './wording.js'; // registers the page's words (strings-join.js)

startLanguage();
document.title = t('join.home.title');
languagePicker(byId('language', HTMLSelectElement));

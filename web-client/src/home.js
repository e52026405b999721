// The front page (index.html): nothing to run but its words, in the
// person's language, and the picker to change it. It owns the front page's
// words (strings-home.js); it opens no connection.

import { byId } from './shared/dom.js';
import { define, languagePicker, startLanguage, t } from './shared/i18n.js';
import strings from './strings-home.js';

define(strings);
startLanguage();
document.title = t('home.title');
languagePicker(byId('language', HTMLSelectElement));

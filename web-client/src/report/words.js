// The report's words, registered once for whoever shows the report or
// offers it (the report's page, its renderer, the room's Session report
// button, which loads the renderer only when asked).

import { define } from '../shared/i18n.js';
import strings from './strings-report.js';

define(strings);

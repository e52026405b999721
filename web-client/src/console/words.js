// The console's words, registered once for every console module (each
// imports this one). The console also speaks some of the room's words (a
// person's name when none is known, a lowered hand), so those come first.

import { define } from '../shared/i18n.js';
import '../room/words.js';
import breakoutsStrings from './strings-breakouts.js';
import strings from './strings-console.js';

define(strings);
define(breakoutsStrings);

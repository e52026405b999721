// The room's words, registered once for every room module (each imports
// this one, so its words are there before the page translates itself), and
// the sentences several room views build from them. No DOM and no state.

import { define, t } from '../shared/i18n.js';
import activitiesStrings from './strings-activities.js';
import agendaStrings from './strings-agenda.js';
import breakoutsStrings from './strings-breakouts.js';
import defaultsStrings from './strings-defaults.js';
import e2eeStrings from './strings-e2ee.js';
import joinStrings from './strings-join.js';
import layoutStrings from './strings-layout.js';
import mediaStrings from './strings-media.js';
import roomStrings from './strings-room.js';

for (const strings of [joinStrings, mediaStrings, roomStrings, agendaStrings, activitiesStrings, layoutStrings, defaultsStrings, breakoutsStrings, e2eeStrings]) define(strings);

/** @typedef {import('./devices.js').Kind} Kind */
/** @typedef {import('./devices.js').DeviceProblem} DeviceProblem */
/** @typedef {import('./devices.js').DeviceProblems} DeviceProblems */

/**
 * Why the microphone or camera is not in use, and what the person can do
 * (`media.problem.<kind>.<problem>`): the room works without either, they can
 * listen, watch, chat and react. `both` is for the two failing the same way,
 * said once.
 * @param {Kind | 'both'} kind
 * @param {DeviceProblem} problem
 */
function problemText(kind, problem) {
  return t(`media.problem.${kind}.${problem}`);
}

/**
 * What is wrong with the devices, in one or two sentences ('' when nothing is).
 * @param {DeviceProblems} problems
 */
export function deviceProblemText({ audio, video }) {
  if (audio && audio === video) return problemText('both', audio);
  return [audio && problemText('audio', audio), video && problemText('video', video)].filter((line) => !!line).join(' ');
}

/**
 * The server's built-in crisis resources (server/src/crisis.rs), for a page
 * that has not heard the deployment's own yet; `defaults.js` words them in
 * the page's language.
 */
export const DEFAULT_CRISIS = [
  { label: '9-8-8 Suicide Crisis Helpline', contact: 'Call or text 988, any time' },
  { label: 'Emergency services', contact: 'Call 911' },
];

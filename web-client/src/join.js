// The join page: from the invitation link to the room and out again.
//
// Steps, each a <section> of join.html: a name (#join-step), the ground rules
// and the waiting room (#gate), the room itself (#room, drawn by room.js),
// and the end (#final). The server decides which step someone is at; this
// file only follows its `joined`, `gate` and `room_state` messages.

import { byId, make, show, timeSpan } from './dom.js';
import { MediaSession } from './media.js';
import { ProtocolError, RoomConnection, deviceKey } from './protocol.js';
import { RoomView } from './room.js';
import { Stage } from './stage.js';
import { ENDINGS, comeBackLater, errorText } from './wording.js';
import { linkInfo } from './link-info.js';
import { languagePicker, startLanguage } from './i18n.js';

/** @typedef {import('./messages.js').Gate} Gate */
/** @typedef {import('./messages.js').JoinedMessage} JoinedMessage */
/** @typedef {import('./wording.js').Ending} Ending */

/** Where this tab keeps its place, so a reload resumes instead of rejoining. */
const PLACE_KEY = 'peer-room.place';

const el = {
  status: byId('status', HTMLParagraphElement),
  joinStep: byId('join-step', HTMLElement),
  joinForm: byId('join-form', HTMLFormElement),
  name: byId('name', HTMLInputElement),
  joinButton: byId('join-button', HTMLButtonElement),
  joinError: byId('join-error', HTMLParagraphElement),
  gate: byId('gate', HTMLElement),
  title: byId('session-title', HTMLHeadingElement),
  times: byId('session-times', HTMLParagraphElement),
  rules: byId('rules', HTMLOListElement),
  acceptRules: byId('accept-rules', HTMLButtonElement),
  gateError: byId('gate-error', HTMLParagraphElement),
  rulesAccepted: byId('rules-accepted', HTMLParagraphElement),
  waiting: byId('waiting', HTMLParagraphElement),
  room: byId('room', HTMLElement),
  roomTitle: byId('room-title', HTMLHeadingElement),
  roomTimes: byId('room-times', HTMLParagraphElement),
  leave: byId('leave-button', HTMLButtonElement),
  final: byId('final', HTMLElement),
  finalHeading: byId('final-heading', HTMLHeadingElement),
  finalMessage: byId('final-message', HTMLParagraphElement),
  rejoin: byId('rejoin', HTMLButtonElement),
};

// Before any text is drawn: every feature module has registered its words
// on import, so the page can be translated now.
startLanguage();
languagePicker(byId('language', HTMLSelectElement));

const token = readToken();
const connection = new RoomConnection(socketUrl());
const room = new RoomView(connection);
const media = new MediaSession(connection);
new Stage(connection, media);
// For whoever diagnoses a call (and the browser tests): the peer connection's
// getStats() is one `peerRoomMedia.pc.getStats()` away in the console.
Object.assign(window, { peerRoomMedia: media });
/** Set by an event that explains the close that follows it. @type {Ending | null} */
let ending = null;

/** @typedef {'join' | 'gate' | 'room' | 'final'} Step */
/** @type {Step | null} */
let step = null;

/**
 * Shows one step and moves focus to its heading, so keyboard and screen
 * reader users land where the page changed.
 * @param {Step} next
 */
function showStep(next) {
  if (step === next) return;
  step = next;
  const sections = { join: el.joinStep, gate: el.gate, room: el.room, final: el.final };
  for (const [name, section] of Object.entries(sections)) show(section, name === next);
  const heading = sections[next].querySelector('h1');
  if (heading && next !== 'join') {
    heading.tabIndex = -1;
    heading.focus();
  }
}

/** @param {string} text */
function status(text) {
  el.status.textContent = text;
}

function readToken() {
  try {
    return decodeURIComponent(location.hash.slice(1)).trim();
  } catch {
    return '';
  }
}

function socketUrl() {
  const url = new URL('/ws', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}

/** @returns {{token: string, name: string, resume: string} | null} */
function savedPlace() {
  try {
    const place = JSON.parse(sessionStorage.getItem(PLACE_KEY) ?? 'null');
    return place && place.token === token ? place : null;
  } catch {
    return null;
  }
}

/** @param {{token: string, name: string, resume: string} | null} place */
function savePlace(place) {
  try {
    if (place) sessionStorage.setItem(PLACE_KEY, JSON.stringify(place));
    else sessionStorage.removeItem(PLACE_KEY);
  } catch {
    // Without storage a reload joins afresh; nothing else depends on it.
  }
}

/**
 * @param {string} name
 * @param {string | null} resume
 */
async function join(name, resume) {
  el.joinButton.disabled = true;
  show(el.joinError, false);
  status('Connecting…');
  try {
    await connection.join({ token, name, device: deviceKey(localStorage) }, resume);
  } catch (error) {
    const code = error instanceof ProtocolError ? error.code : 'internal';
    el.joinError.textContent = errorText(code, error instanceof Error ? error.message : String(error));
    if (code === 'not_open_yet') {
      // Say when, in the person's own time, rather than only "not yet".
      const info = await linkInfo(token);
      if (info) el.joinError.textContent = comeBackLater(info.title, info.starts_at, info.opens_at);
    }
    show(el.joinError, true);
    status('Not connected');
    savePlace(null);
    showStep('join');
  } finally {
    el.joinButton.disabled = false;
  }
}

/** @param {JoinedMessage} joined */
function onJoined(joined) {
  const { session } = joined;
  savePlace({ token, name: el.name.value.trim(), resume: joined.resume_token });
  document.title = `${session.title} · PeerRoom`;
  el.title.textContent = session.title;
  el.roomTitle.textContent = session.title;
  el.times.textContent = timeSpan(session.starts_at, session.ends_at);
  el.roomTimes.textContent = el.times.textContent;
  el.rules.replaceChildren(...session.ground_rules.map((rule) => make('li', { text: rule })));
  room.setRole(joined.role);
  onGate(joined.gate);
}

/** @param {Gate} gate */
function onGate(gate) {
  if (gate.rules_accepted && gate.admitted) {
    // The room_state that follows shows the room.
    if (step !== 'room') status('Entering the room…');
    return;
  }
  showStep('gate');
  show(el.acceptRules, !gate.rules_accepted);
  show(el.rulesAccepted, gate.rules_accepted);
  show(el.waiting, gate.rules_accepted && !gate.admitted);
  status(gate.rules_accepted ? 'Waiting to be let in'
    : gate.admitted ? 'Accept the ground rules to enter the room'
      : 'Please read the ground rules');
}

/** @param {Ending} kind */
function finish(kind, text = ENDINGS[kind].text) {
  savePlace(null);
  el.finalHeading.textContent = ENDINGS[kind].heading;
  el.finalMessage.textContent = text;
  // Coming back makes sense after a drop or a leave, not after a facilitator's decision.
  show(el.rejoin, kind === 'lost' || kind === 'left' || kind === 'replaced');
  status('Not connected');
  showStep('final');
}

connection.on('joined', onJoined);
connection.on('gate', onGate);
connection.on('room_state', () => {
  showStep('room');
  status('In the room');
});
connection.on('declined', () => { ending = 'declined'; });
connection.on('removed', () => { ending = 'removed'; });
connection.on('session_ended', () => { ending = 'session_ended'; });
connection.on('welcome', ({ crisis_resources: resources }) => {
  // The deployment's own crisis resources, in place of the built-in default.
  const line = byId('crisis', HTMLParagraphElement);
  if (!resources?.length) return;
  line.textContent = 'If you are in crisis: ';
  resources.forEach((resource, index) => {
    if (index > 0) line.append('; ');
    line.append(`${resource.label}: `, make('strong', { text: resource.contact }));
  });
  line.append('.');
});
connection.on('server_restarting', () => status('The server is restarting. Reconnecting…'));
connection.on('connection', (event) => {
  if (event.state === 'reconnecting') {
    status(event.attempt === 1 ? 'Connection lost. Reconnecting…' : `Reconnecting (try ${event.attempt})…`);
  } else if (event.state === 'resumed') {
    status(step === 'room' ? 'In the room' : 'Reconnected');
  } else if (event.state === 'rejoined') {
    status('Reconnected. Your place was not kept, so you joined again.');
  } else {
    /** @type {Partial<Record<number, Ending>>} */
    const byCode = { 1000: 'left', 4001: 'removed', 4002: 'declined', 4003: 'replaced', 4004: 'session_ended' };
    if (ending) return finish(ending);
    // A reconnect can learn the news from an error rather than an event.
    if (event.error === 'removed' || event.error === 'session_ended') return finish(event.error);
    if (event.error && event.error !== 'disconnected') return finish('lost', errorText(event.error, event.reason));
    finish(byCode[event.code] ?? 'lost');
  }
});

el.joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const name = el.name.value.trim();
  if (!name) {
    el.joinError.textContent = 'Please enter a name. A first name or a pseudonym is fine.';
    show(el.joinError, true);
    el.name.focus();
    return;
  }
  void join(name, null);
});

el.acceptRules.addEventListener('click', () => {
  el.acceptRules.disabled = true;
  show(el.gateError, false);
  connection.acceptRules().catch((error) => {
    const code = error instanceof ProtocolError ? error.code : 'internal';
    el.gateError.textContent = errorText(code, error instanceof Error ? error.message : String(error));
    show(el.gateError, true);
  }).finally(() => {
    el.acceptRules.disabled = false;
  });
});

el.leave.addEventListener('click', () => {
  ending = 'left';
  // The close that follows shows the goodbye, whether or not the ack arrives.
  connection.leave().catch(() => finish('left'));
});

el.rejoin.addEventListener('click', () => {
  ending = null;
  show(el.joinError, false);
  showStep('join');
  el.name.focus();
});

function start() {
  if (!token) {
    el.finalHeading.textContent = 'Open the link you were sent';
    el.finalMessage.textContent = 'This page needs the invitation link from your organizer or facilitator. Open that link directly; it has everything needed to join.';
    status('Not connected');
    showStep('final');
    return;
  }
  const place = savedPlace();
  showStep('join');
  if (place) {
    // A reload: take the same place back rather than queueing again.
    el.name.value = place.name;
    void join(place.name, place.resume);
  } else {
    status('Not connected');
    el.name.focus();
  }
}

// Pasting a new link over this page only changes the fragment, which does not
// reload the page: reload it, so the new invitation is read from the start.
window.addEventListener('hashchange', () => location.reload());

start();

// The join page: from the invitation link to the room and out again.
//
// Steps, each a <section> of join.html: a name (#join-step), the device check
// (#device-step, before any connection: nothing of it reaches the server),
// the ground rules and the waiting room (#gate), the room itself (#room, drawn
// by room.js), and the end (#final). From the gate on, the server decides
// which step someone is at; this file only follows its `joined`, `gate` and
// `room_state` messages. A banner says, calmly, how the connection stands.
//
// Every text this file writes is kept as a function, so a change of language
// redraws it in the new one.

import { byId, make, show, timeSpan } from './dom.js';
import { DeviceCheck } from './device-check.js';
import { loadChoice } from './devices.js';
import { Shortcuts } from './shortcuts.js';
import { LANGUAGE_CHANGED, languagePicker, startLanguage, t } from './i18n.js';
import { StartLine } from './start-line.js';
import { MediaSession } from './media.js';
import { ProtocolError, RoomConnection, deviceKey } from './protocol.js';
import { RoomView } from './room.js';
import { AgendaPanel } from './agenda.js';
import { RoundPanel } from './round.js';
import { EnergizerOverlay } from './energizer.js';
import { PulsePanel } from './pulse.js';
import { SummaryPanel } from './summary.js';
import { SupportSignal } from './support.js';
import { HelpDialog } from './help.js';
import { Stage } from './stage.js';
import { ENDINGS, comeBackLater, errorText, requestFailureText } from './wording.js';
import { linkInfo } from './link-info.js';

/** @typedef {import('./messages.js').Gate} Gate */
/** @typedef {import('./messages.js').JoinedMessage} JoinedMessage */
/** @typedef {import('./wording.js').Ending} Ending */

/** Where this tab keeps its place, so a reload resumes instead of rejoining. */
const PLACE_KEY = 'peer-room.place';

const el = {
  status: byId('status', HTMLParagraphElement),
  banner: byId('connection-banner', HTMLParagraphElement),
  deviceStep: byId('device-step', HTMLElement),
  deviceContinue: byId('device-continue', HTMLButtonElement),
  deviceBack: byId('device-back', HTMLButtonElement),
  sessionStart: byId('session-start', HTMLParagraphElement),
  crisis: byId('crisis', HTMLParagraphElement),
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
const stage = new Stage(connection, media);
const deviceCheck = new DeviceCheck();
const startLine = new StartLine(el.sessionStart);
// The run of show, the check-in round and energizers, after the room so its role and names are current.
new AgendaPanel(connection, room);
new RoundPanel(connection, room);
new EnergizerOverlay(connection, room);
// The pulse check, the summary (the facilitator's token opens its export), "I need support" and Help.
new PulsePanel(connection, room);
new SummaryPanel(connection, room, token);
new SupportSignal(connection, room);
new HelpDialog(connection);
// For whoever diagnoses a call (and the browser tests): the peer connection's
// getStats() is one `peerRoomMedia.pc.getStats()` away in the console.
Object.assign(window, { peerRoomMedia: media });
/** Set by an event that explains the close that follows it. @type {Ending | null} */
let ending = null;

/** @typedef {'join' | 'devices' | 'gate' | 'room' | 'final'} Step */
/** @type {Step | null} */
let step = null;
new Shortcuts(connection, stage, room, () => step === 'room');

/** @typedef {import('./messages.js').Session} Session */
/** @typedef {import('./messages.js').CrisisResource} CrisisResource */
/**
 * What the page shows that a change of language must redraw: each text as
 * the function that makes it.
 */
const shown = {
  status: () => t('common.loading'),
  /** @type {(() => string) | null} */
  joinError: null,
  /** @type {(() => string) | null} */
  banner: null,
  final: () => ({ heading: '', text: '' }),
  /** @type {Session | null} */
  session: null,
  /** @type {CrisisResource[]} */
  crisis: [],
  /** @type {Gate | null} */
  gate: null,
};
/** @type {ReturnType<typeof setTimeout> | undefined} */
let bannerTimer;

/**
 * Shows one step and moves focus to its heading, so keyboard and screen
 * reader users land where the page changed.
 * @param {Step} next
 */
function showStep(next) {
  if (step === next) return;
  step = next;
  const sections = { join: el.joinStep, devices: el.deviceStep, gate: el.gate, room: el.room, final: el.final };
  for (const [name, section] of Object.entries(sections)) show(section, name === next);
  const heading = sections[next].querySelector('h1');
  if (heading && next !== 'join') {
    heading.tabIndex = -1;
    heading.focus();
  }
}

/**
 * The header's short word on where things stand (the banner below says more).
 * @param {() => string} text
 */
function status(text) {
  shown.status = text;
  el.status.textContent = text();
}

/**
 * The connection banner: visible on every step, announced politely. A calm
 * message (`fades`) goes away by itself once it has been read.
 * @param {(() => string) | null} text
 * @param {{fades?: boolean, tone?: 'busy' | 'ok'}} [options]
 */
function banner(text, { fades = false, tone = 'busy' } = {}) {
  clearTimeout(bannerTimer);
  shown.banner = text;
  el.banner.textContent = text ? text() : '';
  el.banner.classList.toggle('banner-ok', tone === 'ok');
  if (text && fades) bannerTimer = setTimeout(() => banner(null), 6_000);
}

/** @param {(() => string) | null} text */
function joinError(text) {
  shown.joinError = text;
  el.joinError.textContent = text ? text() : '';
  show(el.joinError, text !== null);
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
  el.deviceContinue.disabled = true;
  joinError(null);
  status(() => t('join.status.connecting'));
  banner(() => t('join.banner.connecting'));
  try {
    await connection.join({ token, name, device: deviceKey(localStorage) }, resume);
    banner(null);
  } catch (error) {
    banner(null);
    // Not going in: let go of the camera and microphone the check opened.
    media.stop();
    const code = error instanceof ProtocolError ? error.code : 'internal';
    const detail = error instanceof Error ? error.message : String(error);
    joinError(() => errorText(code, detail));
    if (code === 'not_open_yet') {
      // Say when, in the person's own time, rather than only "not yet".
      const info = await linkInfo(token);
      if (info) joinError(() => comeBackLater(info.title, info.starts_at, info.opens_at));
    }
    status(() => t('join.status.not_connected'));
    savePlace(null);
    showStep('join');
    el.name.focus();
  } finally {
    el.joinButton.disabled = false;
    el.deviceContinue.disabled = false;
  }
}

/** @param {JoinedMessage} joined */
function onJoined(joined) {
  const { session } = joined;
  savePlace({ token, name: el.name.value.trim(), resume: joined.resume_token });
  shown.session = session;
  document.title = `${session.title} · PeerRoom`;
  el.title.textContent = session.title;
  el.roomTitle.textContent = session.title;
  drawTimes();
  el.rules.replaceChildren(...session.ground_rules.map((rule) => make('li', { text: rule })));
  room.setRole(joined.role);
  onGate(joined.gate);
}

/** The session's day and times, in this person's own time and language. */
function drawTimes() {
  if (!shown.session) return;
  el.times.textContent = timeSpan(shown.session.starts_at, shown.session.ends_at);
  el.roomTimes.textContent = el.times.textContent;
}

/** @param {Gate} gate */
function onGate(gate) {
  shown.gate = gate;
  if (gate.rules_accepted && gate.admitted) {
    // The room_state that follows shows the room.
    startLine.stop();
    if (step !== 'room') status(() => t('join.status.entering'));
    return;
  }
  showStep('gate');
  show(el.acceptRules, !gate.rules_accepted);
  show(el.rulesAccepted, gate.rules_accepted);
  const waiting = gate.rules_accepted && !gate.admitted;
  show(el.waiting, waiting);
  if (waiting && shown.session) startLine.start(shown.session.starts_at);
  else startLine.stop();
  status(gateStatus(gate));
}

/**
 * The header's word for someone at the gate.
 * @param {Gate} gate
 * @returns {() => string}
 */
function gateStatus(gate) {
  if (gate.rules_accepted) return () => t('join.status.waiting');
  return gate.admitted ? () => t('join.status.accept') : () => t('join.status.read_rules');
}

/**
 * @param {Ending} kind
 * @param {() => string} [text] in place of the ending's own words
 */
function finish(kind, text) {
  savePlace(null);
  startLine.stop();
  banner(null);
  shown.final = () => ({ heading: ENDINGS[kind]().heading, text: text ? text() : ENDINGS[kind]().text });
  drawFinal();
  // Coming back makes sense after a drop or a leave, not after a facilitator's decision.
  show(el.rejoin, kind === 'lost' || kind === 'left' || kind === 'replaced');
  status(() => t('join.status.not_connected'));
  showStep('final');
}

function drawFinal() {
  const { heading, text } = shown.final();
  el.finalHeading.textContent = heading;
  el.finalMessage.textContent = text;
}

/** The crisis line: the deployment's own resources once the server gives them, else the page's default. */
function drawCrisis() {
  const resources = shown.crisis;
  if (!resources.length) return;
  el.crisis.replaceChildren(`${t('join.crisis_lead')} `);
  resources.forEach((resource, index) => {
    if (index > 0) el.crisis.append('; ');
    el.crisis.append(`${resource.label}: `, make('strong', { text: resource.contact }));
  });
  el.crisis.append('.');
}

connection.on('joined', onJoined);
connection.on('gate', onGate);
connection.on('room_state', () => {
  startLine.stop();
  showStep('room');
  status(() => t('join.status.in_room'));
});
connection.on('declined', () => { ending = 'declined'; });
connection.on('removed', () => { ending = 'removed'; });
connection.on('session_ended', () => { ending = 'session_ended'; });
connection.on('welcome', ({ crisis_resources: resources, server_time: serverTime }) => {
  startLine.offset = serverTime - Date.now();
  // The deployment's own crisis resources, in place of the built-in default.
  if (!resources?.length) return;
  shown.crisis = resources;
  drawCrisis();
});
/** Set by `server_restarting`, so the reconnection that follows says why. */
let restarting = false;
connection.on('server_restarting', () => {
  restarting = true;
  status(() => t('join.status.restarting'));
  banner(() => t('join.banner.restarting'));
});
connection.on('connection', (event) => {
  if (event.state === 'reconnecting') {
    status(() => t('join.status.reconnecting'));
    const attempt = event.attempt;
    if (restarting && attempt <= 2) banner(() => t('join.banner.restarting'));
    else if (attempt <= 2) banner(() => t('join.banner.reconnecting'));
    else banner(() => t('join.banner.still_reconnecting', { attempt }));
  } else if (event.state === 'resumed') {
    restarting = false;
    if (step === 'room') status(() => t('join.status.in_room'));
    else if (shown.gate) status(gateStatus(shown.gate));
    banner(() => t('join.banner.resumed'), { fades: true, tone: 'ok' });
  } else if (event.state === 'rejoined') {
    restarting = false;
    banner(() => t('join.banner.rejoined'), { fades: true, tone: 'ok' });
  } else {
    /** @type {Partial<Record<number, Ending>>} */
    const byCode = { 1000: 'left', 4001: 'removed', 4002: 'declined', 4003: 'replaced', 4004: 'session_ended' };
    if (ending) return finish(ending);
    // A reconnect can learn the news from an error rather than an event.
    if (event.error === 'removed' || event.error === 'session_ended') return finish(event.error);
    const { error, reason } = event;
    if (error && error !== 'disconnected') return finish('lost', () => errorText(error, reason));
    finish(byCode[event.code] ?? 'lost');
  }
});

el.joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const name = el.name.value.trim();
  if (!name) {
    joinError(() => t('join.name_missing'));
    el.name.focus();
    return;
  }
  joinError(null);
  // Before any connection: the camera and microphone, checked in peace.
  showStep('devices');
  status(() => t('join.status.devices'));
  deviceCheck.open(loadChoice());
});

el.deviceContinue.addEventListener('click', () => {
  const name = el.name.value.trim();
  // The room takes over what the check opened: no second camera prompt.
  const { ready, choice } = deviceCheck.finish();
  media.prepare(ready, choice);
  void join(name, null);
});

el.deviceBack.addEventListener('click', () => {
  deviceCheck.cancel();
  status(() => t('join.status.not_connected'));
  showStep('join');
  el.name.focus();
});

el.acceptRules.addEventListener('click', () => {
  el.acceptRules.disabled = true;
  show(el.gateError, false);
  connection.acceptRules().catch((error) => {
    el.gateError.textContent = requestFailureText(error);
    // The button stays: trying again is the way on.
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
  joinError(null);
  showStep('join');
  el.name.focus();
});

document.addEventListener(LANGUAGE_CHANGED, () => {
  el.status.textContent = shown.status();
  if (shown.joinError) el.joinError.textContent = shown.joinError();
  if (shown.banner) el.banner.textContent = shown.banner();
  if (!shown.session) document.title = t('join.page_title');
  drawTimes();
  startLine.draw();
  if (step === 'final') drawFinal();
  drawCrisis();
});

function start() {
  document.title = t('join.page_title');
  if (!token) {
    shown.final = () => ({ heading: t('join.final.no_link_heading'), text: t('join.final.no_link') });
    drawFinal();
    status(() => t('join.status.not_connected'));
    showStep('final');
    return;
  }
  const place = savedPlace();
  showStep('join');
  if (place) {
    // A reload: take the same place back rather than queueing again, with
    // the devices and switches chosen before (no second device check).
    el.name.value = place.name;
    media.prepare(null, loadChoice());
    void join(place.name, place.resume);
  } else {
    status(() => t('join.status.not_connected'));
    el.name.focus();
  }
}

// Pasting a new link over this page only changes the fragment, which does not
// reload the page: reload it, so the new invitation is read from the start.
window.addEventListener('hashchange', () => location.reload());

start();

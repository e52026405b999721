// The browser's room model without a browser: recorded server messages (the
// shapes of docs/protocol.md's examples) go through `apply` and the model,
// and the state that comes out is checked, for a participant and for hosts,
// across a dropped connection that resumes, and to the end of the session.
// No DOM: `web-client/src/room/state.js` and the modules it uses touch none.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Emitter } from '../../web-client/src/shared/events.js';
import { ROOM_EVENT_TYPES, RoomModel } from '../../web-client/src/room/model.js';
import {
  currentSegment, isHost, myTurn, nameOf, peopleInOrder, peopleInSight, placeOf, serverNow, talkOf, unreadChat, waitingForMe,
  waitingToAdmit,
} from '../../web-client/src/room/selectors.js';
import { apply, initialState, REACTION_SHOWN_MS } from '../../web-client/src/room/state.js';

const T0 = 1796223600000;
/** This browser's clock runs 4 s behind the server's in these recordings. */
const SKEW = 4_000;

const RULES = ['What is said here stays here.', 'Listen without judgment.'];
const SESSION = { id: '0b8f6f2e-3c1d-4f5a-9e7b-2a6d8c4e1f30', title: 'Tuesday group', starts_at: T0, ends_at: T0 + 3_600_000, ground_rules: RULES };
const LEE = { id: 1, name: 'Dr. Lee', role: 'facilitator', connected: true, audio: true, video: true };
const SAM = { id: 3, name: 'Sam', role: 'participant', connected: true, audio: true, video: true };
const ALEX = { id: 4, name: 'Alex', role: 'participant', connected: true, audio: true, video: false };
const RIVER = { id: 5, name: 'River', role: 'participant', connected: true, audio: false, video: true };
const RUN_OF_SHOW = {
  segments: [
    { id: 1, title: 'Check-in round', kind: 'check_in', minutes: 10, objective: 'How are you arriving?' },
    { id: 2, title: 'Sharing', kind: 'sharing', minutes: 20 },
  ],
  clock: { started_at: T0, planned_end: T0 + 3_600_000, current_segment: 1, segment_started_at: T0, segment_deadline: T0 + 600_000, paused_at: null },
  server_time: T0 + 60_000,
};
const NO_ROUND = { active: false, order: [], speaker: null, passed: [] };
const ENERGIZER = {
  energizer: { id: 'shoulder-reset', title: 'Shoulder reset', seconds: 60, steps: ['Lift both shoulders.'], seated: ['One shoulder at a time.'] },
  seated: false, ends_at: T0 + 100_000, server_time: T0 + 60_000,
};

const welcome = { type: 'welcome', id: 1, version: 1, server_time: T0, crisis_resources: [{ label: '9-8-8 Suicide Crisis Helpline', contact: 'Call or text 988, any time' }] };
/** @param {number} you @param {string} role @param {{rules_accepted: boolean, admitted: boolean}} gate */
const joined = (you, role, gate) => ({
  type: 'joined', id: 2, you, role, resume_token: 'token', session: SESSION, gate,
  ice_servers: [{ urls: ['turn:turn.example.org:3478'], username: 'peer-room', credential: 's3cret' }],
});
const participantRoom = {
  type: 'room_state', you: 3, server_time: T0 + 60_000, participants: [LEE, SAM], hands: [3],
  chat: [{ seq: 1, from: 1, name: 'Dr. Lee', text: 'Welcome, everyone.', at: T0 + 20_000 }],
  locked: false, waiting_room: true, ground_rules: RULES, run_of_show: RUN_OF_SHOW, round: NO_ROUND,
  summary: { items: [], finalized: false }, previous_outcomes: [{ id: 4, kind: 'follow_up', text: 'Share the peer support line with the residents.' }],
  screen_share: { sharer: 1, allowed: [3] },
};
const hostRoom = {
  type: 'room_state', id: 5, you: 1, server_time: T0 + 60_000, participants: [LEE, SAM], hands: [], chat: [],
  locked: false, waiting_room: true, waiting: [{ id: 4, name: 'Alex', rules_accepted: true, admitted: false, since: T0 + 50_000 }],
  ground_rules: RULES, run_of_show: RUN_OF_SHOW, round: NO_ROUND, energizer: ENERGIZER, energizer_progress: { back: 0, total: 1 },
  pulse: { id: 1, question: 'How is your energy?', kind: 'scale', open: true, answered: 2, you_answered: false, shared: false },
  summary: { items: [{ id: 1, kind: 'takeaway', text: 'Rest is part of the work.' }], proposals: [{ id: 2, kind: 'follow_up', text: 'Meet again in two weeks.' }], finalized: false },
  previous_outcomes: [], talk_time: [{ participant: 1, ms: 184_000 }],
  support_requests: [{ participant: 4, name: 'Alex', since: T0 + 55_000 }],
  screen_share: { sharer: null, allowed: [] },
};

/**
 * Applies each [message, now] in turn, checking on the way that `apply`
 * never changes the state it is given.
 * @param {[object, number][]} steps
 * @param {import('../../web-client/src/room/state.js').RoomState} [start]
 */
function play(steps, start = initialState()) {
  let state = start;
  for (const [message, now] of steps) {
    const copy = structuredClone(state);
    const next = apply(state, /** @type {any} */ (message), now);
    assert.deepEqual(state, copy, `apply changed the state it was given, on ${JSON.stringify(message).slice(0, 60)}`);
    state = next;
  }
  return state;
}

/** The fields only hosts are sent, as the state has them. */
const hostOnly = (state) => ({
  waiting: state.waiting,
  talk: state.media.talk,
  requests: state.activities.support.requests,
  proposals: state.activities.summary.proposals,
  progress: state.activities.energizer.progress,
});
const NO_HOST_FIELDS = { waiting: null, talk: null, requests: null, proposals: null, progress: null };

test('a participant: from the link, through the gate, into the room and its events', () => {
  const state = play([
    [welcome, T0 - SKEW],
    [joined(3, 'participant', { rules_accepted: false, admitted: false }), T0 - SKEW + 100],
  ]);
  assert.deepEqual(state.me.gate, { rules_accepted: false, admitted: false });
  assert.equal(state.me.id, 3);
  assert.equal(state.me.inRoom, false, 'at the gate');
  assert.deepEqual(state.rules, RULES, 'the gate shows the session rules');
  assert.equal(state.crisis[0].contact, 'Call or text 988, any time');
  assert.equal(state.clock.offset, SKEW, "the server's clock, from welcome");
  assert.equal(state.connection.status, 'open');

  const inRoom = play([
    [{ type: 'gate', rules_accepted: true, admitted: false }, T0],
    [{ type: 'gate', rules_accepted: true, admitted: true }, T0 + 1_000],
    [participantRoom, T0 + 60_000 - SKEW],
  ], state);
  assert.equal(inRoom.me.inRoom, true);
  assert.equal(inRoom.me.role, 'participant');
  assert.equal(isHost(inRoom), false);
  assert.deepEqual([...inRoom.people.keys()], [1, 3]);
  assert.deepEqual(inRoom.floor.hands, [3]);
  assert.equal(inRoom.floor.chat[0].text, 'Welcome, everyone.');
  assert.equal(inRoom.clock.offset, SKEW);
  assert.equal(serverNow(inRoom, T0), T0 + SKEW);
  assert.equal(currentSegment(inRoom)?.title, 'Check-in round');
  assert.equal(inRoom.activities.summary.previous.length, 1);
  assert.deepEqual(hostOnly(inRoom), NO_HOST_FIELDS, 'a participant has none of what only hosts are sent');

  const later = play([
    [{ type: 'participant_joined', participant: ALEX }, T0 + 61_000],
    [{ type: 'participant_updated', participant: { ...LEE, connected: false } }, T0 + 62_000],
    [{ type: 'hands', queue: [3, 4] }, T0 + 63_000],
    [{ type: 'chat', seq: 2, from: 3, name: 'Sam', text: 'Thank you for sharing that.', at: T0 + 64_000 }, T0 + 64_000],
    [{ type: 'reaction', from: 4, reaction: 'heart' }, T0 + 65_000],
    [{ type: 'settings', locked: true, waiting_room: true }, T0 + 66_000],
    [{ type: 'round', active: true, order: [4, 3], speaker: 4, passed: [] }, T0 + 67_000],
    [{ type: 'run_of_show', ...RUN_OF_SHOW, clock: { ...RUN_OF_SHOW.clock, current_segment: 2 }, server_time: T0 + 70_000 }, T0 + 68_000],
    [{ type: 'pulse', id: 1, question: 'How is your energy?', kind: 'scale', open: true, answered: 3, you_answered: false, shared: false }, T0 + 69_000],
    [{ type: 'pulse_answered', pulse: 1 }, T0 + 69_500],
    [{ type: 'summary', items: [{ id: 1, kind: 'takeaway', text: 'Rest is part of the work.' }], finalized: false }, T0 + 70_000],
    [{ type: 'speaking', participant: 4, speaking: true }, T0 + 71_000],
    [{ type: 'energizer_started', ...ENERGIZER, server_time: T0 + 74_000 }, T0 + 72_000],
    [{ type: 'energizer_back' }, T0 + 73_000],
    [{ type: 'support_sent' }, T0 + 74_000],
    [{ type: 'support_acknowledged' }, T0 + 75_000],
  ], inRoom);
  assert.deepEqual(peopleInOrder(later).map((p) => p.name), ['Dr. Lee', 'Sam', 'Alex']);
  assert.equal(later.people.get(1)?.connected, false);
  assert.deepEqual(later.floor.hands, [3, 4]);
  assert.deepEqual(later.floor.chat.map((line) => line.seq), [1, 2]);
  assert.deepEqual(later.floor.chat[1], { seq: 2, from: 3, name: 'Sam', text: 'Thank you for sharing that.', at: T0 + 64_000 });
  assert.deepEqual(later.floor.reactions, [{ seq: 1, from: 4, reaction: 'heart', at: T0 + 65_000 }]);
  assert.deepEqual(later.settings, { locked: true, waitingRoom: true });
  assert.equal(later.activities.round.speaker, 4);
  assert.equal(currentSegment(later)?.title, 'Sharing');
  assert.equal(later.clock.offset, 2_000, 'the latest server time corrects the offset');
  assert.equal(later.activities.pulse?.you_answered, true, 'an answer the server took');
  assert.equal(later.activities.summary.items.length, 1);
  assert.deepEqual([...later.media.speaking], [[4, T0 + 71_000]]);
  assert.equal(later.activities.energizer.active?.energizer.id, 'shoulder-reset');
  assert.equal(later.activities.energizer.back, true);
  assert.equal(later.activities.support.mine, 'acknowledged');
  assert.deepEqual(hostOnly(later), NO_HOST_FIELDS, 'still nothing only hosts are sent');

  // Someone leaves: out of the list, the hand queue and the speakers.
  const left = play([[{ type: 'participant_left', participant: 4, reason: 'left' }, T0 + 80_000]], later);
  assert.deepEqual([...left.people.keys()], [1, 3]);
  assert.deepEqual(left.floor.hands, [3]);
  assert.equal(left.media.speaking.size, 0);
  assert.equal(nameOf(left, 4), null);
  // A reaction is kept only as long as it is shown.
  const reacted = play([[{ type: 'reaction', from: 1, reaction: 'nod' }, T0 + 65_000 + REACTION_SHOWN_MS]], left);
  assert.deepEqual(reacted.floor.reactions.map((r) => r.seq), [2]);
});

test('a resume: the same place, and a fresh room_state replaces who left meanwhile', () => {
  const inRoom = play([
    [welcome, T0],
    [joined(3, 'participant', { rules_accepted: true, admitted: true }), T0],
    [participantRoom, T0],
    [{ type: 'participant_joined', participant: ALEX }, T0 + 1_000],
    [{ type: 'speaking', participant: 4, speaking: true }, T0 + 1_500],
    [{ type: 'hands', queue: [3, 4] }, T0 + 2_000],
  ]);
  const away = play([[{ type: 'connection', state: 'reconnecting', attempt: 1 }, T0 + 3_000]], inRoom);
  assert.deepEqual(away.connection, { status: 'reconnecting', attempt: 1, restarting: false });
  assert.equal(away.people.size, 3, 'the room stays on screen while reconnecting');

  const resumed = play([
    [joined(3, 'participant', { rules_accepted: true, admitted: true }), T0 + 5_000],
    [{ type: 'connection', state: 'resumed' }, T0 + 5_001],
  ], away);
  assert.equal(resumed.me.inRoom, true, 'a resumed place stays in the room');
  assert.equal(resumed.connection.status, 'open');

  const fresh = play([[{
    ...participantRoom, id: undefined, server_time: T0 + 9_000, participants: [LEE, SAM, RIVER], hands: [5, 3],
  }, T0 + 5_100]], resumed);
  assert.deepEqual([...fresh.people.keys()], [1, 3, 5], 'Alex left while Sam was away; River came');
  assert.equal(nameOf(fresh, 4), null);
  assert.deepEqual(fresh.floor.hands, [5, 3]);
  assert.equal(fresh.media.speaking.has(4), false, 'no one who left is still speaking');
  assert.equal(fresh.clock.offset, 3_900);

  // A fresh place after the grace: back to the gate, the room no longer shown as current.
  const rejoined = play([[joined(7, 'participant', { rules_accepted: false, admitted: false }), T0 + 40_000]], fresh);
  assert.equal(rejoined.me.inRoom, false);
  assert.equal(rejoined.me.id, 7);
});

test('a host gets what only hosts are sent, and loses it when no longer a host', () => {
  const host = play([
    [welcome, T0],
    [joined(1, 'facilitator', { rules_accepted: true, admitted: true }), T0],
    [hostRoom, T0 + 60_000],
  ]);
  assert.equal(isHost(host), true);
  assert.deepEqual(host.waiting?.map((w) => w.name), ['Alex']);
  assert.deepEqual(host.activities.support.requests?.map((r) => r.participant), [4]);
  assert.deepEqual(host.activities.summary.proposals?.map((p) => p.id), [2]);
  assert.deepEqual(host.activities.energizer.progress, { back: 0, total: 1 });
  assert.equal(host.activities.pulse?.answered, 2);
  assert.equal(talkOf(host, 1, T0 + 60_000), 184_000);

  const talking = play([
    [{ type: 'waiting_room', waiting: [] }, T0 + 61_000],
    [{ type: 'speaking', participant: 3, speaking: true }, T0 + 62_000],
  ], host);
  assert.deepEqual(talking.waiting, []);
  assert.equal(talkOf(talking, 3, T0 + 65_000), 3_000, 'a stretch in progress counts as it goes');
  const spoke = play([[{ type: 'speaking', participant: 3, speaking: false }, T0 + 66_000]], talking);
  assert.equal(talkOf(spoke, 3, T0 + 90_000), 4_000, 'an ended stretch is kept until the next totals');
  // A host's mute cuts a stretch short without a `speaking: false`.
  const muted = play([
    [{ type: 'speaking', participant: 3, speaking: true }, T0 + 70_000],
    [{ type: 'participant_updated', participant: { ...SAM, audio: false } }, T0 + 71_000],
  ], spoke);
  assert.equal(muted.media.speaking.has(3), false);
  assert.equal(talkOf(muted, 3, T0 + 99_000), 5_000);
  const totals = play([
    [{ type: 'talk_time', totals: [{ participant: 1, ms: 190_000 }, { participant: 3, ms: 5_500 }] }, T0 + 72_000],
    [{ type: 'support_requests', requests: [] }, T0 + 73_000],
    [{ type: 'summary', items: [], proposals: [{ id: 4, kind: 'outcome', text: 'Ask for a quiet room.' }], finalized: false }, T0 + 74_000],
    [{ type: 'energizer_progress', back: 1, total: 1 }, T0 + 75_000],
  ], muted);
  assert.equal(talkOf(totals, 3, T0 + 80_000), 5_500, 'the server\'s totals replace what the page counted');
  assert.deepEqual(totals.activities.support.requests, []);
  assert.deepEqual(totals.activities.summary.proposals?.map((p) => p.id), [4]);
  assert.deepEqual(totals.activities.energizer.progress, { back: 1, total: 1 });
  const ended = play([[{ type: 'energizer_ended' }, T0 + 76_000]], totals);
  assert.equal(ended.activities.energizer.active, null);
  assert.equal(ended.activities.energizer.progress, null);
});

test('a participant made co-facilitator gains the host view, and loses it when made participant again', () => {
  const sam = play([
    [joined(3, 'participant', { rules_accepted: true, admitted: true }), T0],
    [participantRoom, T0],
    [{ type: 'participant_updated', participant: { ...SAM, role: 'co_facilitator' } }, T0 + 1_000],
  ]);
  assert.equal(sam.me.role, 'co_facilitator');
  assert.equal(isHost(sam), true);
  // The page then asks for the room again (get_state): the answer brings the host's fields.
  const withHostFields = play([[{ ...hostRoom, you: 3, participants: [LEE, { ...SAM, role: 'co_facilitator' }] }, T0 + 2_000]], sam);
  assert.notEqual(withHostFields.waiting, null);
  assert.notEqual(withHostFields.media.talk, null);
  const demoted = play([[{ type: 'participant_updated', participant: SAM }, T0 + 3_000]], withHostFields);
  assert.equal(demoted.me.role, 'participant');
  assert.deepEqual(hostOnly(demoted), NO_HOST_FIELDS, 'what only hosts are sent is gone with the role');
  // A host-only event that crosses the change of role is not kept either.
  const late = play([[{ type: 'waiting_room', waiting: [] }, T0 + 3_001]], demoted);
  assert.equal(late.waiting, null);
});

test('an organizer changes the live session: its title and rules are the new ones, the rest is untouched', () => {
  const inRoom = play([
    [joined(3, 'participant', { rules_accepted: true, admitted: true }), T0],
    [participantRoom, T0],
  ]);
  const rules = [...RULES, 'Speak from your own experience.'];
  const session = { ...SESSION, title: 'Tuesday group (longer this week)', ends_at: T0 + 4_500_000, ground_rules: rules };
  const changed = play([
    [{ type: 'ground_rules', rules }, T0 + 2_000],
    [{ type: 'session_changed', session }, T0 + 2_000],
  ], inRoom);
  assert.deepEqual(changed.me.session, session);
  assert.deepEqual(changed.rules, rules);
  assert.equal(changed.me.inRoom, true);
  assert.equal(changed.people, inRoom.people, 'who is in the room did not change');
});

test('the end: the reason comes before the close, and the room empties', () => {
  const inRoom = play([
    [joined(3, 'participant', { rules_accepted: true, admitted: true }), T0],
    [participantRoom, T0],
    [{ type: 'speaking', participant: 1, speaking: true }, T0 + 1_000],
  ]);
  const ended = play([
    [{ type: 'session_ended' }, T0 + 2_000],
    [{ type: 'connection', state: 'closed', code: 4004, reason: 'session ended' }, T0 + 2_001],
  ], inRoom);
  assert.equal(ended.me.ending, 'session_ended');
  assert.equal(ended.connection.status, 'closed');
  assert.equal(ended.me.inRoom, false);
  assert.equal(ended.people.size, 0);
  assert.equal(ended.media.speaking.size, 0);

  const cancelled = play([
    [{ type: 'session_cancelled' }, T0 + 2_000],
    [{ type: 'connection', state: 'closed', code: 4004, reason: 'session cancelled' }, T0 + 2_001],
  ], inRoom);
  assert.equal(cancelled.me.ending, 'session_cancelled', 'the organizer cancelled it: not an ordinary end');
  assert.equal(cancelled.people.size, 0);

  const restarting = play([
    [{ type: 'server_restarting' }, T0 + 1_000],
    [{ type: 'connection', state: 'reconnecting', attempt: 1 }, T0 + 1_100],
  ], inRoom);
  assert.equal(restarting.connection.restarting, true);
  const back = play([[{ type: 'connection', state: 'rejoined' }, T0 + 3_000]], restarting);
  assert.equal(back.connection.restarting, false);
  assert.equal(play([[{ type: 'leaving' }, T0]], inRoom).me.ending, 'left');
  // A new join clears an ending that belonged to the place before.
  assert.equal(play([[joined(9, 'participant', { rules_accepted: false, admitted: false }), T0 + 5_000]], ended).me.ending, null);
});

test('what waits for this person: unread chat, their turn, and for hosts arrivals and support requests', () => {
  const entered = play([
    [welcome, T0 - SKEW],
    [joined(3, 'participant', { rules_accepted: true, admitted: true }), T0],
    [participantRoom, T0 + 100],
  ]);
  assert.equal(unreadChat(entered), 0, 'what was said before entering is not unread');
  const line = (seq, from, name) => ({ type: 'chat', seq, from, name, text: 'Hello.', at: T0 + seq });
  const talked = play([[line(2, 1, 'Dr. Lee'), T0 + 200], [line(3, 3, 'Sam'), T0 + 300], [line(4, 1, 'Dr. Lee'), T0 + 400]], entered);
  assert.equal(unreadChat(talked), 2, "others' lines count, one's own do not");
  const read = play([[{ type: 'chat_seen', seq: 4 }, T0 + 500]], talked);
  assert.equal(unreadChat(read), 0);
  assert.equal(play([[{ type: 'chat_seen', seq: 2 }, T0 + 600]], read), read, 'seeing an older line changes nothing');
  const turn = play([[{ type: 'round', active: true, order: [3], speaker: 3, passed: [] }, T0 + 700]], talked);
  assert.equal(myTurn(turn), true);
  assert.equal(waitingForMe(turn), 3, 'two unread lines and the turn');

  const host = play([[welcome, T0 - SKEW], [joined(1, 'facilitator', { rules_accepted: true, admitted: true }), T0], [hostRoom, T0 + 100]]);
  assert.equal(waitingToAdmit(host), 1);
  assert.equal(waitingForMe(host), 2, 'Alex waits to come in, and asked for support');
  const admitted = play([[{ type: 'waiting_room', waiting: [{ id: 4, name: 'Alex', rules_accepted: true, admitted: true, since: T0 + 50_000 }] }, T0 + 200]], host);
  assert.equal(waitingToAdmit(admitted), 0, 'admitted, still reading: nothing for the host to do');
  assert.equal(waitingForMe(initialState()), 0, 'nothing waits outside the room');
});

test('the model is the one listener to room events, and every view sees the state complete', () => {
  const connection = new Emitter();
  let now = T0;
  const model = new RoomModel(/** @type {any} */ (connection), () => now);
  for (const type of ['media_offer', 'media_answer', 'ice_candidate', 'media_restart', 'media_failed', 'ack', 'error']) {
    assert.equal(connection.listeners.get(type)?.size ?? 0, 0, `the model leaves ${type} alone`);
  }
  for (const type of ROOM_EVENT_TYPES) assert.equal(connection.listeners.get(type)?.size, 1, `the model listens to ${type}`);

  // Whatever order views subscribe in, each sees the whole change applied.
  /** @type {string[]} */
  const seen = [];
  model.subscribe(({ state, message }) => seen.push(`first ${message.type}: ${state.me.role} ${state.people.size}`));
  model.subscribe(({ state, before, message }) => {
    seen.push(`second ${message.type}: ${state.me.role} ${state.people.size}`);
    if (message.type === 'participant_updated') assert.equal(before.me.role, 'participant');
  });
  connection.emit(joined(3, 'participant', { rules_accepted: true, admitted: true }));
  now += 1_000;
  connection.emit(participantRoom);
  connection.emit({ type: 'participant_updated', participant: { ...SAM, role: 'co_facilitator' } });
  model.note({ type: 'leaving' });
  assert.deepEqual(seen, [
    'first joined: participant 0', 'second joined: participant 0',
    'first room_state: participant 2', 'second room_state: participant 2',
    'first participant_updated: co_facilitator 2', 'second participant_updated: co_facilitator 2',
    'first leaving: co_facilitator 2', 'second leaving: co_facilitator 2',
  ]);
  assert.equal(model.state.me.ending, 'left');
  assert.equal(model.state.clock.offset, 60_000 - 1_000);
});

test('incoming video paused and back: the state says so, and a resume keeps it', () => {
  const inRoom = play([
    [welcome, T0],
    [joined(3, 'participant', { rules_accepted: true, admitted: true }), T0],
    [participantRoom, T0],
  ]);
  assert.equal(inRoom.media.incomingVideoPaused, false);
  const paused = play([[{ type: 'incoming_video_paused', paused: true }, T0 + 1_000]], inRoom);
  assert.equal(paused.media.incomingVideoPaused, true);
  const talking = play([[{ type: 'speaking', participant: 4, speaking: true }, T0 + 1_500]], paused);
  assert.equal(talking.media.incomingVideoPaused, true, 'other media news leaves it');
  const resumed = play([[{ ...participantRoom, server_time: T0 + 2_000 }, T0 + 2_000]], talking);
  assert.equal(resumed.media.incomingVideoPaused, true, 'the same connection goes on after a resume');
  const back = play([[{ type: 'incoming_video_paused', paused: false }, T0 + 9_000]], resumed);
  assert.equal(back.media.incomingVideoPaused, false);
});

test('breakouts: who is in sight follows the groups, a reload keeps them, and the end brings everyone back', () => {
  const room = { ...participantRoom, participants: [LEE, SAM, ALEX, RIVER] };
  const inRoom = play([
    [welcome, T0],
    [joined(3, 'participant', { rules_accepted: true, admitted: true }), T0],
    [room, T0],
  ]);
  assert.deepEqual([...peopleInSight(inRoom).keys()], [1, 3, 4, 5], 'no breakouts: everyone');
  const groups = {
    groups: [{ id: 1, members: [3, 4], visitors: [] }, { id: 2, members: [5], visitors: [] }],
    ends_at: T0 + 600_000, server_time: T0 + 70_000, choose: false, ending: false,
  };
  const open = play([[{ type: 'breakouts', breakouts: groups }, T0 + 70_000 - SKEW]], inRoom);
  assert.equal(placeOf(open, 3), 1);
  assert.equal(placeOf(open, 1), null, 'the facilitator stays in the main room');
  assert.deepEqual([...peopleInSight(open).keys()], [3, 4], 'Sam sees his partner alone');
  assert.equal(open.clock.offset, SKEW, 'the groups carry the server time');
  const chatted = play([[{ type: 'chat', seq: 2, from: 4, name: 'Alex', text: 'Hi', at: T0 + 71_000, breakout: 1 }, T0 + 71_000]], open);
  assert.equal(chatted.floor.chat.at(-1)?.breakout, 1, 'a line keeps the group it was said in');
  const visited = play([[{ type: 'breakouts', breakouts: { ...groups, groups: [{ id: 1, members: [3, 4], visitors: [1] }, groups.groups[1]] } }, T0 + 72_000]], chatted);
  assert.deepEqual([...peopleInSight(visited).keys()], [1, 3, 4], 'a visiting facilitator is in sight');
  // A reload: room_state carries the groups.
  const reloaded = play([[{ ...room, breakouts: groups }, T0 + 73_000]], visited);
  assert.deepEqual([...peopleInSight(reloaded).keys()], [3, 4]);
  const back = play([[{ type: 'breakouts' }, T0 + 80_000]], reloaded);
  assert.equal(back.breakouts, null);
  assert.deepEqual([...peopleInSight(back).keys()], [1, 3, 4, 5]);
  const closed = play([[{ type: 'connection', state: 'closed', code: 1000 }, T0 + 90_000]], open);
  assert.equal(closed.breakouts, null, 'out of the room, out of the groups');
});

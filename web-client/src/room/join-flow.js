// The join page's steps, from the invitation link to the room and out again.
//
// Steps, each a <section> of join.html: the link checked and a name
// (#join-step; link-check.js says what the link leads to before any name is
// asked), the device check (#device-step, before any connection: nothing of
// it reaches the server), the ground rules and the waiting room (#gate,
// drawn by gate.js), the room itself (#room, laid out as a meeting while the
// page has `in-room`), and the end (#final), where someone who left gets a
// one-tap Rejoin: their resume token, within the server's grace, brings them
// back to their place with no name, device check, rules or waiting room
// again; the facilitator, once the session has ended, gets its report. From
// the gate on, the server decides which step someone is at: this
// file follows the room model's news (`joined`, `gate`, `room_state`, the
// connection's close) and keeps only which step shows, the header's short
// status, and the place to take back after leaving.
//
// Every text this file writes is kept as a function, so a change of language
// redraws it in the new one.

import { byId, make, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { ProtocolError, deviceKey } from '../shared/protocol.js';
import { clockTime, dayText } from '../shared/time-text.js';
import { errorText } from '../shared/wording.js';
import { linkInfo } from '../shared/link-info.js';
import { reportAddress } from '../report/report-address.js';
import { crisisResource } from './defaults.js';
import { loadChoice } from './devices.js';
import { gateStatus } from './gate.js';
import { savePlace, savedPlace } from './place.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */
/** @typedef {import('./media.js').MediaSession} MediaSession */
/** @typedef {import('./device-check.js').DeviceCheck} DeviceCheck */
/** @typedef {import('./connection-banner.js').ConnectionBanner} ConnectionBanner */
/** @typedef {import('./link-check.js').LinkCheck} LinkCheck */
/** @typedef {import('./place.js').Place} Place */
/** @typedef {'join' | 'devices' | 'gate' | 'room' | 'final'} Step */

/**
 * The endings that close the page, with a heading and what to do next.
 * @type {Record<'left' | 'removed' | 'declined' | 'session_ended' | 'session_cancelled' | 'replaced' | 'lost', () => {heading: string, text: string}>}
 */
const ENDINGS = {
  left: () => ({ heading: t('join.ending.left_heading'), text: t('join.ending.left') }),
  removed: () => ({ heading: t('join.ending.removed_heading'), text: t('error.removed') }),
  declined: () => ({ heading: t('join.ending.declined_heading'), text: t('join.ending.declined') }),
  session_ended: () => ({ heading: t('join.ending.ended_heading'), text: t('join.ending.ended') }),
  session_cancelled: () => ({ heading: t('join.ending.cancelled_heading'), text: t('join.ending.cancelled') }),
  replaced: () => ({ heading: t('join.ending.replaced_heading'), text: t('join.ending.replaced') }),
  lost: () => ({ heading: t('join.ending.lost_heading'), text: t('join.ending.lost') }),
};
/** @typedef {keyof typeof ENDINGS} Ending */

/** What a close code means when no event said it first. @type {Partial<Record<number, Ending>>} */
const ENDING_BY_CODE = { 1000: 'left', 4001: 'removed', 4002: 'declined', 4003: 'replaced', 4004: 'session_ended' };

/**
 * For someone who came early: when the session starts and the room opens,
 * in their own time.
 * @param {string} title
 * @param {string} startsAt RFC 3339
 * @param {string} opensAt RFC 3339
 */
function comeBackLater(title, startsAt, opensAt) {
  const time = (/** @type {string} */ iso) => clockTime(Date.parse(iso));
  return t('join.come_back_later', { title, day: dayText(Date.parse(startsAt)), start: time(startsAt), opens: time(opensAt) });
}

export class JoinFlow {
  /**
   * @param {RoomModel} room
   * @param {{token: string, media: MediaSession, deviceCheck: DeviceCheck, banner: ConnectionBanner, linkCheck: LinkCheck}} parts
   */
  constructor(room, { token, media, deviceCheck, banner, linkCheck }) {
    this.room = room;
    this.token = token;
    this.media = media;
    this.deviceCheck = deviceCheck;
    this.banner = banner;
    this.linkCheck = linkCheck;
    /** The place someone who left can take back with one tap, in this page only. @type {Place | null} */
    this.rejoinPlace = null;
    /** @type {Step | null} */
    this.step = null;
    /** The header's status, as the function that makes it. */
    this.statusText = () => t('common.loading');
    /** @type {(() => string) | null} */
    this.joinErrorText = null;
    this.finalText = () => ({ heading: '', text: '' });
    this.el = {
      status: byId('status', HTMLParagraphElement),
      deviceStep: byId('device-step', HTMLElement),
      deviceContinue: byId('device-continue', HTMLButtonElement),
      deviceBack: byId('device-back', HTMLButtonElement),
      crisis: byId('crisis', HTMLParagraphElement),
      joinStep: byId('join-step', HTMLElement),
      nameIntro: byId('name-intro', HTMLParagraphElement),
      joinForm: byId('join-form', HTMLFormElement),
      name: byId('name', HTMLInputElement),
      joinButton: byId('join-button', HTMLButtonElement),
      joinError: byId('join-error', HTMLParagraphElement),
      gate: byId('gate', HTMLElement),
      room: byId('room', HTMLElement),
      final: byId('final', HTMLElement),
      finalHeading: byId('final-heading', HTMLHeadingElement),
      finalMessage: byId('final-message', HTMLParagraphElement),
      rejoin: byId('rejoin', HTMLButtonElement),
      joinAgain: byId('join-again', HTMLButtonElement),
      reportAfter: byId('report-after', HTMLAnchorElement),
    };
    this.wire();
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => this.redraw());
  }

  /** @param {Change} change */
  follow({ state, message }) {
    switch (message.type) {
      case 'joined':
        savePlace({ token: this.token, name: this.el.name.value.trim(), resume: message.resume_token });
        this.atGate();
        break;
      case 'gate': this.atGate(); break;
      case 'room_state':
        this.showStep('room');
        this.status(() => t('join.status.in_room'));
        break;
      case 'welcome': this.drawCrisis(); break;
      case 'server_restarting': this.status(() => t('join.status.restarting')); break;
      case 'connection':
        if (message.state === 'reconnecting') this.status(() => t('join.status.reconnecting'));
        else if (message.state === 'resumed') {
          const { gate } = state.me;
          if (this.step === 'room') this.status(() => t('join.status.in_room'));
          else if (gate) this.status(gateStatus(gate));
        } else if (message.state === 'closed') {
          const { error, reason } = message;
          // An event that came before the close says why; else a reconnection
          // may have learnt it from an error; else the close code says.
          if (state.me.ending) this.finish(state.me.ending);
          else if (error === 'removed' || error === 'session_ended' || error === 'session_cancelled') this.finish(error);
          else if (error && error !== 'disconnected') this.finish('lost', () => errorText(error, reason));
          else this.finish(ENDING_BY_CODE[message.code] ?? 'lost');
        }
        break;
      default: break;
    }
  }

  /** Where the gate leaves this person: at it, or on their way into the room. */
  atGate() {
    const { gate } = this.room.state.me;
    if (!gate) return;
    if (gate.rules_accepted && gate.admitted) {
      // The room_state that follows shows the room.
      if (this.step !== 'room') this.status(() => t('join.status.entering'));
      return;
    }
    this.showStep('gate');
    this.status(gateStatus(gate));
  }

  wire() {
    const { el } = this;
    el.joinForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const name = el.name.value.trim();
      if (!name) {
        this.joinError(() => t('join.name_missing'));
        el.name.focus();
        return;
      }
      this.joinError(null);
      // Before any connection: the camera and microphone, checked in peace.
      this.showStep('devices');
      this.status(() => t('join.status.devices'));
      this.deviceCheck.open(loadChoice());
    });
    el.deviceContinue.addEventListener('click', () => {
      // The room takes over what the check opened: no second camera prompt.
      const { ready, choice } = this.deviceCheck.finish();
      this.media.prepare(ready, choice);
      void this.join(el.name.value.trim(), null);
    });
    el.deviceBack.addEventListener('click', () => {
      this.deviceCheck.cancel();
      this.status(() => t('join.status.not_connected'));
      this.showStep('join');
      el.name.focus();
    });
    el.rejoin.addEventListener('click', () => this.rejoin());
    el.joinAgain.addEventListener('click', () => this.nameStep());
    this.linkCheck.onRetry(() => void this.checkLink());
  }

  /** Leaving, once the person said so (`leave-dialog.js`): the place is kept, in this page, for Rejoin. */
  leave() {
    this.rejoinPlace = savedPlace(this.token);
    this.room.note({ type: 'leaving' });
    // The close that follows shows the goodbye, whether or not the ack arrives.
    this.room.connection.leave().catch(() => this.finish('left'));
  }

  /** One tap back to the place just left: no name, device check, rules or waiting room. */
  rejoin() {
    const place = this.rejoinPlace;
    if (!place) {
      this.nameStep();
      return;
    }
    this.el.name.value = place.name;
    this.media.prepare(null, loadChoice());
    void this.join(place.name, place.resume, { onlyResume: true });
  }

  /** The name step again, with the name given before. */
  nameStep() {
    this.joinError(null);
    this.showForm(true);
    this.showStep('join');
    this.el.name.focus();
  }

  /** @param {boolean} visible */
  showForm(visible) {
    show(this.el.nameIntro, visible);
    show(this.el.joinForm, visible);
  }

  /** What the link leads to, before the name: a link that cannot work asks for none. */
  async checkLink() {
    this.status(() => t('join.status.checking'));
    const goesOn = await this.linkCheck.check(this.token);
    this.showForm(goesOn);
    this.status(() => (goesOn ? t('join.status.not_connected') : t('join.status.link_problem')));
    if (goesOn) this.el.name.focus();
  }

  /**
   * @param {string} name
   * @param {string | null} resume
   * @param {{onlyResume?: boolean}} [options]
   */
  async join(name, resume, options = {}) {
    const { el } = this;
    el.joinButton.disabled = true;
    el.deviceContinue.disabled = true;
    this.joinError(null);
    this.status(() => t('join.status.connecting'));
    this.banner.say(() => t('join.banner.connecting'));
    try {
      await this.room.connection.join({ token: this.token, name, device: deviceKey(localStorage) }, resume, options);
      this.rejoinPlace = null;
      this.banner.say(null);
    } catch (error) {
      this.banner.say(null);
      // Not going in: let go of the camera and microphone the check opened.
      this.media.stop();
      const code = error instanceof ProtocolError ? error.code : 'internal';
      const detail = error instanceof Error ? error.message : String(error);
      this.joinError(() => errorText(code, detail));
      if (code === 'resume_failed') this.joinError(() => t('join.rejoin_too_late'));
      this.rejoinPlace = null;
      this.showForm(true);
      if (code === 'not_open_yet') {
        // Say when, in the person's own time, rather than only "not yet".
        const info = await linkInfo(this.token);
        const { title, starts_at: startsAt, opens_at: opensAt } = info && info !== 'invalid' ? info : {};
        if (title && startsAt && opensAt) this.joinError(() => comeBackLater(title, startsAt, opensAt));
      }
      this.status(() => t('join.status.not_connected'));
      savePlace(null);
      this.showStep('join');
      el.name.focus();
    } finally {
      el.joinButton.disabled = false;
      el.deviceContinue.disabled = false;
    }
  }

  /** The first step: a link to use, a place to take back after a reload, or the link checked and a name asked. */
  start() {
    if (!this.token) {
      this.finalText = () => ({ heading: t('join.final.no_link_heading'), text: t('join.final.no_link') });
      this.drawFinal();
      this.status(() => t('join.status.not_connected'));
      this.showStep('final');
      return;
    }
    const place = savedPlace(this.token);
    this.showStep('join');
    if (place) {
      // A reload: take the same place back rather than queueing again, with
      // the devices and switches chosen before (no second device check).
      this.el.name.value = place.name;
      this.media.prepare(null, loadChoice());
      void this.join(place.name, place.resume);
    } else {
      this.showForm(false);
      void this.checkLink();
    }
  }

  /**
   * Shows one step and moves focus to its heading, so keyboard and screen
   * reader users land where the page changed.
   * @param {Step} next
   */
  showStep(next) {
    if (this.step === next) return;
    this.step = next;
    const { el } = this;
    const sections = { join: el.joinStep, devices: el.deviceStep, gate: el.gate, room: el.room, final: el.final };
    for (const [name, section] of Object.entries(sections)) show(section, name === next);
    // The room is a meeting that fills the screen: the page's header and footer step aside.
    document.body.classList.toggle('in-room', next === 'room');
    const heading = sections[next].querySelector('h1');
    if (heading && next !== 'join') {
      heading.tabIndex = -1;
      heading.focus();
    }
  }

  /**
   * The header's short word on where things stand (the banner says more).
   * @param {() => string} text
   */
  status(text) {
    this.statusText = text;
    this.el.status.textContent = text();
  }

  /** @param {(() => string) | null} text */
  joinError(text) {
    this.joinErrorText = text;
    this.el.joinError.textContent = text ? text() : '';
    show(this.el.joinError, text !== null);
  }

  /**
   * @param {Ending} kind
   * @param {() => string} [text] in place of the ending's own words
   */
  finish(kind, text) {
    savePlace(null);
    this.banner.say(null);
    this.finalText = () => ({ heading: ENDINGS[kind]().heading, text: text ? text() : ENDINGS[kind]().text });
    this.drawFinal();
    // Coming back makes sense after a drop or a leave, not after a facilitator's
    // decision; after a leave, with one tap to the same place.
    if (kind !== 'left') this.rejoinPlace = null;
    show(this.el.rejoin, kind === 'left' && this.rejoinPlace !== null);
    show(this.el.joinAgain, kind === 'lost' || kind === 'replaced' || (kind === 'left' && this.rejoinPlace === null));
    // Once the session has ended, the facilitator's link opens its report.
    const { role, session } = this.room.state.me;
    const report = kind === 'session_ended' && role === 'facilitator' && session !== null;
    if (report) this.el.reportAfter.href = reportAddress(session.id, this.token);
    show(this.el.reportAfter, report);
    this.status(() => t('join.status.not_connected'));
    this.showStep('final');
  }

  drawFinal() {
    const { heading, text } = this.finalText();
    this.el.finalHeading.textContent = heading;
    this.el.finalMessage.textContent = text;
  }

  /** The crisis line: the deployment's own resources once the server gives them, else the page's default. */
  drawCrisis() {
    const resources = this.room.state.crisis;
    if (!resources.length) return;
    const { crisis } = this.el;
    crisis.replaceChildren(`${t('join.crisis_lead')} `);
    resources.map(crisisResource).forEach((resource, index) => {
      if (index > 0) crisis.append('; ');
      crisis.append(`${resource.label}: `, make('strong', { text: resource.contact }));
    });
    crisis.append('.');
  }

  /** Everything this file wrote, again, in the language now in use. */
  redraw() {
    this.el.status.textContent = this.statusText();
    if (this.joinErrorText) this.el.joinError.textContent = this.joinErrorText();
    if (this.step === 'final') this.drawFinal();
    this.drawCrisis();
  }
}

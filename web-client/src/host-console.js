// The hosts' side of the room: the waiting room (admit, decline, admit all),
// the room's settings (lock, waiting room on or off, end the session), talk
// time, and the calm confirmation asked before anything that cannot be undone.
// Participants never see these panels; the server refuses their requests anyway.

import { byId, clockTime, make, show } from './dom.js';
import { locale, t, tn } from './i18n.js';
import { RANK, actionButton } from './room-helpers.js';

/** @typedef {import('./room.js').RoomView} RoomView */
/** @typedef {import('./messages.js').Role} Role */
/** @typedef {import('./messages.js').TalkTime} TalkTime */

/** How often the talk-time bars move while someone speaks. */
const TALK_TICK_MS = 3_000;

export class HostConsole {
  /** @param {RoomView} view */
  constructor(view) {
    this.view = view;
    this.el = {
      hostPanel: byId('host-panel', HTMLElement),
      waitingList: byId('waiting-list', HTMLUListElement),
      waitingEmpty: byId('waiting-empty', HTMLParagraphElement),
      waitingAlert: byId('waiting-alert', HTMLDivElement),
      waitingAlertText: byId('waiting-alert-text', HTMLParagraphElement),
      waitingAlertGo: byId('waiting-alert-go', HTMLButtonElement),
      admitAll: byId('admit-all', HTMLButtonElement),
      lockButton: byId('lock-button', HTMLButtonElement),
      lockedNote: byId('locked-note', HTMLParagraphElement),
      waitingToggle: byId('waiting-room-toggle', HTMLInputElement),
      endSession: byId('end-session', HTMLButtonElement),
      talkPanel: byId('talk-panel', HTMLElement),
      talkList: byId('talk-list', HTMLUListElement),
      dialog: byId('confirm-dialog', HTMLDialogElement),
      dialogTitle: byId('confirm-title', HTMLHeadingElement),
      dialogText: byId('confirm-text', HTMLParagraphElement),
      dialogOk: byId('confirm-ok', HTMLButtonElement),
      dialogCancel: byId('confirm-cancel', HTMLButtonElement),
    };
    // Talk time: the server's totals (hosts only), when they came, and
    // what this page has seen since from `speaking`, so a long stretch in
    // progress shows as it goes rather than only once it ends.
    /** @type {Map<number, number>} */
    this.talk = new Map();
    this.talkAt = Date.now();
    /** Speaking now, since (this page's clock). @type {Map<number, number>} */
    this.speakingSince = new Map();
    /** Stretches ended since the last totals. @type {Map<number, number>} */
    this.talkExtra = new Map();
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.talkTicker = undefined;
    this.wire();
    this.listen();
  }

  listen() {
    const c = this.view.connection;
    c.on('talk_time', ({ totals }) => this.setTalk(totals));
    c.on('speaking', ({ participant, speaking }) => {
      const now = Date.now();
      const since = this.speakingSince.get(participant);
      if (speaking && since === undefined) this.speakingSince.set(participant, now);
      if (!speaking && since !== undefined) {
        this.speakingSince.delete(participant);
        this.talkExtra.set(participant, (this.talkExtra.get(participant) ?? 0) + now - Math.max(since, this.talkAt));
      }
      this.tickTalk();
    });
    c.on('participant_left', ({ participant }) => {
      this.speakingSince.delete(participant);
      this.talkExtra.delete(participant);
    });
  }

  /**
   * New totals from the server; they already count every stretch up to now.
   * @param {TalkTime[]} totals
   */
  setTalk(totals) {
    this.talk = new Map(totals.map((total) => [total.participant, total.ms]));
    this.talkAt = Date.now();
    this.talkExtra.clear();
    this.drawTalk();
  }

  /** @param {number} id */
  talkOf(id) {
    const since = this.speakingSince.get(id);
    const now = Date.now();
    return (this.talk.get(id) ?? 0) + (this.talkExtra.get(id) ?? 0) + (since === undefined ? 0 : now - Math.max(since, this.talkAt));
  }

  /** Keeps the bars moving while someone speaks, and only then. */
  tickTalk() {
    const needed = this.view.isHost && this.speakingSince.size > 0;
    if (needed && this.talkTicker === undefined) this.talkTicker = setInterval(() => this.drawTalk(), TALK_TICK_MS);
    if (!needed && this.talkTicker !== undefined) {
      clearInterval(this.talkTicker);
      this.talkTicker = undefined;
      this.drawTalk();
    }
  }

  wire() {
    const { el, view } = this;
    const c = view.connection;
    el.waitingAlertGo.addEventListener('click', () => {
      // To the first person to let in, or the list's heading.
      const first = el.waitingList.querySelector('button[data-admit]');
      const target = first instanceof HTMLElement ? first : byId('waiting-heading', HTMLHeadingElement);
      if (!(first instanceof HTMLElement)) target.tabIndex = -1;
      target.scrollIntoView({ block: 'center' });
      target.focus();
    });
    // One listener for the whole list: its buttons come and go with each redraw.
    el.waitingList.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('button') : null;
      const admit = button?.getAttribute('data-admit');
      const decline = button?.getAttribute('data-decline');
      if (admit) view.run(c.admit(Number(admit)));
      if (decline) view.run(c.decline(Number(decline)));
    });
    el.admitAll.addEventListener('click', () => view.run(c.admitAll()));
    el.lockButton.addEventListener('click', () => view.run(c.setLocked(!view.locked)));
    el.waitingToggle.addEventListener('change', () => {
      view.run(c.setWaitingRoom(el.waitingToggle.checked), undefined, () => this.drawSettings());
    });
    el.endSession.addEventListener('click', async () => {
      const sure = await this.confirm({
        title: t('room.confirm.end_title'),
        text: t('room.confirm.end_text'),
        ok: t('room.confirm.end_ok'),
        cancel: t('room.confirm.end_cancel'),
      });
      if (sure) view.run(c.endSession());
    });
    el.dialogOk.addEventListener('click', () => el.dialog.close('ok'));
    el.dialogCancel.addEventListener('click', () => el.dialog.close('cancel'));
  }

  /** @param {Role} role */
  showFor(role) {
    const host = role === 'facilitator' || role === 'co_facilitator';
    show(this.el.hostPanel, host);
    show(this.el.talkPanel, host);
    // Only the facilitator may end the session; co-facilitators help run it.
    show(this.el.endSession, role === 'facilitator');
    if (!host && this.el.dialog.open) this.el.dialog.close('cancel');
    // What only hosts are sent goes stale the moment one stops being a host.
    if (!host) this.talk = new Map();
    this.tickTalk();
    this.drawAll();
  }

  drawAll() {
    this.drawWaiting();
    this.drawSettings();
    this.drawTalk();
  }

  drawWaiting() {
    const { waitingList, waitingEmpty, admitAll } = this.el;
    const { waiting } = this.view;
    const focused = document.activeElement instanceof HTMLElement && waitingList.contains(document.activeElement);
    waitingList.replaceChildren(...waiting.map((person) => {
      const state = person.rules_accepted
        ? (person.admitted ? t('room.waiting.admitted') : t('room.waiting.accepted'))
        : (person.admitted ? t('room.waiting.admitted_reading') : t('room.waiting.reading'));
      const { name } = person;
      const buttons = [];
      if (!person.admitted) {
        buttons.push(actionButton(t('room.waiting.admit'), t('room.waiting.admit_for', { name }),
          { 'data-admit': String(person.id) }, 'compact primary'));
      }
      buttons.push(actionButton(t('room.waiting.decline'), t('room.waiting.decline_for', { name }),
        { 'data-decline': String(person.id) }));
      return make('li', { attrs: { 'data-waiting': String(person.id) } }, [
        make('span', { className: 'who' }, [
          make('span', { text: name, className: 'name' }),
          make('span', { text: state, className: 'muted small' }),
          make('span', { text: t('room.waiting.since', { time: clockTime(person.since) }), className: 'muted small' }),
        ]),
        make('span', { className: 'actions' }, buttons),
      ]);
    }));
    show(waitingEmpty, waiting.length === 0);
    admitAll.disabled = !waiting.some((person) => !person.admitted);
    this.drawWaitingAlert();
    // The row whose button was pressed is gone: do not drop the focus on the page's body.
    if (focused && !waitingList.contains(document.activeElement)) {
      const next = waitingList.querySelector('button');
      (next instanceof HTMLElement ? next : this.el.lockButton).focus();
    }
  }

  /**
   * For hosts, at the top of the room: how many wait to be let in, with a
   * way down to the list. Only a change of the count is announced.
   */
  drawWaitingAlert() {
    const { waitingAlert, waitingAlertText } = this.el;
    const count = this.view.isHost ? this.view.waiting.filter((person) => !person.admitted).length : 0;
    show(waitingAlert, count > 0);
    const text = count > 0 ? tn('room.waiting.alert', count) : '';
    if (waitingAlertText.textContent !== text) waitingAlertText.textContent = text;
  }

  drawSettings() {
    const { lockButton, lockedNote, waitingToggle } = this.el;
    // The label stays "Lock room" and aria-pressed says whether it is on; the
    // note says it in words too.
    lockButton.setAttribute('aria-pressed', String(this.view.locked));
    show(lockedNote, this.view.locked);
    waitingToggle.checked = this.view.waitingRoom;
  }

  /**
   * Talk time per person: a bar for a glance and the same in words (minutes,
   * seconds and share), so who has not spoken stands out without colour.
   */
  drawTalk() {
    const { view } = this;
    if (!view.isHost) {
      this.el.talkList.replaceChildren();
      return;
    }
    const people = [...view.people.values()].sort((a, b) => RANK[a.role] - RANK[b.role] || a.id - b.id);
    const talk = new Map(people.map((person) => [person.id, this.talkOf(person.id)]));
    const total = [...talk.values()].reduce((sum, ms) => sum + ms, 0);
    const percent = new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 0 });
    this.el.talkList.replaceChildren(...people.map((person) => {
      const ms = talk.get(person.id) ?? 0;
      const share = total > 0 ? ms / total : 0;
      const words = ms < 1000 ? t('room.talk.none')
        : t('room.talk.value', { time: minutesSeconds(ms), share: percent.format(share) });
      const fill = make('span', { className: 'talk-fill' });
      fill.style.width = `${Math.round(share * 100)}%`;
      return make('li', { attrs: { 'data-talk': String(person.id) } }, [
        make('span', { className: 'talk-line' }, [
          make('span', { text: person.name, className: 'name' }),
          make('span', { text: words, className: 'talk-words' }),
        ]),
        make('span', { className: 'talk-bar', attrs: { 'aria-hidden': 'true' } }, [fill]),
      ]);
    }));
  }

  /**
   * Asks before something that cannot be undone. Cancel has the focus, so a
   * stray Enter changes nothing; Escape cancels too.
   * @param {{title: string, text: string, ok: string, cancel: string}} words
   * @returns {Promise<boolean>}
   */
  confirm({ title, text, ok, cancel }) {
    const { dialog, dialogTitle, dialogText, dialogOk, dialogCancel } = this.el;
    const opener = document.activeElement;
    dialogTitle.textContent = title;
    dialogText.textContent = text;
    dialogOk.textContent = ok;
    dialogCancel.textContent = cancel;
    dialog.returnValue = '';
    dialog.showModal();
    dialogCancel.focus();
    return new Promise((resolve) => {
      dialog.addEventListener('close', () => {
        // Back where the person was, or, if that row has gone, to the list's heading.
        if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
        else byId('people-heading', HTMLHeadingElement).focus();
        resolve(dialog.returnValue === 'ok');
      }, { once: true });
    });
  }
}

/**
 * "4:05" for four minutes and five seconds.
 * @param {number} ms
 */
function minutesSeconds(ms) {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

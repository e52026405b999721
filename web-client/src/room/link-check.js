// The link, checked as the page opens and before anyone types a name: the
// session's title and time, whose link it is, and whether it works now. A
// link that cannot work (unknown, revoked, ended, cancelled) says so and
// offers no name step; one that cannot work yet (too early, the room locked
// or full) says when or why, with "Check again". Asked of the server
// (`shared/link-info.js`); it keeps only what it drew, to draw it again in
// another language. A session that requires end-to-end encryption, opened
// in a browser that cannot encrypt frames, says why it cannot be joined
// and what to use instead, and offers no name step.

import { byId, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { linkInfo } from '../shared/link-info.js';
import { clockTime, dayText, timeSpan } from '../shared/time-text.js';
import { transformApi } from './e2ee.js';
import './words.js';

/** @typedef {import('../shared/link-info.js').LinkInfo} LinkInfo */

/** Whether someone with the link can go on to the name step. */
const GOES_ON = new Set(['open']);
/** Worth checking again in a while. */
const RETRY = new Set(['not_open_yet', 'locked', 'full']);

export class LinkCheck {
  constructor() {
    /** @type {LinkInfo | 'invalid' | null} */
    this.info = null;
    this.el = {
      card: byId('link-card', HTMLDivElement),
      role: byId('link-role', HTMLParagraphElement),
      title: byId('link-title', HTMLParagraphElement),
      when: byId('link-when', HTMLParagraphElement),
      series: byId('link-series', HTMLParagraphElement),
      state: byId('link-state', HTMLParagraphElement),
      retry: byId('link-retry', HTMLButtonElement),
    };
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
  }

  /**
   * Asks the server and draws the answer.
   * @param {string} token
   * @returns {Promise<boolean>} whether the name step may follow
   */
  async check(token) {
    this.info = await linkInfo(token);
    this.draw();
    // The server could not be asked: the join itself will say what is wrong.
    if (this.info === null) return true;
    return this.info !== 'invalid' && GOES_ON.has(this.info.state) && !cannotEncrypt(this.info);
  }

  /** @param {() => void} again what "Check again" does */
  onRetry(again) {
    this.el.retry.addEventListener('click', again);
  }

  draw() {
    const { el, info } = this;
    show(el.card, info !== null);
    if (info === null) return;
    if (info === 'invalid') {
      for (const part of [el.role, el.title, el.when, el.series, el.retry]) show(part, false);
      this.say(t('join.link.invalid'), true);
      return;
    }
    el.role.textContent = t(info.role === 'facilitator' ? 'join.link.role_facilitator' : 'join.link.role_participant');
    show(el.role, true);
    el.title.textContent = info.title ?? '';
    show(el.title, Boolean(info.title));
    const starts = info.starts_at ? Date.parse(info.starts_at) : NaN;
    const ends = info.ends_at ? Date.parse(info.ends_at) : NaN;
    el.when.textContent = Number.isNaN(starts) || Number.isNaN(ends) ? '' : timeSpan(starts, ends);
    show(el.when, el.when.textContent !== '');
    show(el.series, info.series && info.state !== 'revoked');
    show(el.retry, RETRY.has(info.state));
    const opens = info.opens_at ? Date.parse(info.opens_at) : NaN;
    switch (info.state) {
      case 'open': this.say(cannotEncrypt(info) ? t('e2ee.unsupported') : '', cannotEncrypt(info)); break;
      case 'not_open_yet':
        this.say(t('join.link.not_open_yet', { day: dayText(opens), opens: clockTime(opens) }));
        break;
      case 'ended': this.say(t(info.series && !info.starts_at ? 'join.link.series_over' : 'join.link.ended'), true); break;
      case 'cancelled': this.say(t('join.link.cancelled'), true); break;
      case 'revoked': this.say(t('join.link.revoked'), true); break;
      case 'locked': this.say(t('join.link.locked')); break;
      case 'full': this.say(t('join.link.full')); break;
      default: this.say('');
    }
  }

  /**
   * @param {string} text
   * @param {boolean} [final] the link cannot work: said as an error
   */
  say(text, final = false) {
    this.el.state.textContent = text;
    this.el.state.classList.toggle('notice-error', final);
    show(this.el.state, text !== '');
  }
}

/**
 * The session requires end-to-end encryption and this browser cannot do it.
 * @param {LinkInfo} info
 */
function cannotEncrypt(info) {
  return info.e2ee === 'required' && transformApi() === null;
}

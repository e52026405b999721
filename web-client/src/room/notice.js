// The room's notice line (#notice): news for this person (the floor given
// to someone, a host asking to mute, the ground rules shown, a change of
// role) and what went wrong with a request. Other views say things through
// `say` and send requests through `run`; it keeps nothing of the room.

import { byId, show } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { requestFailureText } from '../shared/wording.js';
import { nameOf } from './selectors.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */

const NOTICE_SHOWN_MS = 12_000;

export class Notice {
  /** @param {RoomModel} room */
  constructor(room) {
    this.element = byId('notice', HTMLParagraphElement);
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    room.subscribe((change) => this.follow(change));
  }

  /** @param {Change} change */
  follow({ state, before, message }) {
    switch (message.type) {
      case 'hand_called': {
        const { participant } = message;
        this.say(participant === state.me.id ? t('room.notice.floor_mine')
          : t('room.notice.floor_other', { name: nameOf(state, participant) ?? t('room.someone') }));
        break;
      }
      case 'mute_requested': this.say(t('room.notice.mute_requested')); break;
      case 'rules_shown': this.say(t('room.notice.rules_shown')); break;
      case 'participant_updated':
        // A facilitator changed this person's role during the session.
        if (state.me.role !== before.me.role) {
          this.say(t(state.me.role === 'co_facilitator' ? 'room.notice.now_co' : 'room.notice.now_participant'));
        }
        break;
      default: break;
    }
  }

  /** @param {string} text */
  say(text) {
    this.element.textContent = text;
    show(this.element, true);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => show(this.element, false), NOTICE_SHOWN_MS);
  }

  /**
   * Carries out a request; says what went wrong if the server refused. The
   * screen changes when the event comes back, not here.
   * @param {Promise<unknown>} request
   * @param {() => void} [then]
   * @param {() => void} [onError]
   */
  run(request, then, onError) {
    request.then(then, (error) => {
      onError?.();
      this.say(requestFailureText(error));
    });
  }
}

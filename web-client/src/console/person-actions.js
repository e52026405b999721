// A host's actions on each person in the people list (`room/people.js` makes
// room for them): "Mute" in sight, the rest behind a per-person "Actions"
// disclosure so a full room stays readable. Only the controls the server
// would accept are shown (docs/protocol.md): a host acts only on someone of
// a lower role, any host may lower any hand, and only the facilitator
// changes roles. Nothing for participants. It reads the room model and
// sends requests; the list changes when the server's events come back.

import { actionButton, byId, make } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { RANK, isHost, nameOf } from '../room/selectors.js';
import './words.js';

/** @typedef {import('../room/model.js').RoomModel} RoomModel */
/** @typedef {import('../room/notice.js').Notice} Notice */
/** @typedef {import('./confirm-dialog.js').ConfirmDialog} ConfirmDialog */
/** @typedef {import('../shared/messages.js').Participant} Participant */

export class PersonActions {
  /**
   * @param {RoomModel} room
   * @param {Notice} notice
   * @param {ConfirmDialog} confirm
   */
  constructor(room, notice, confirm) {
    this.room = room;
    this.notice = notice;
    this.confirm = confirm;
    // One listener for the whole list: its buttons come and go with each redraw.
    byId('participants', HTMLUListElement).addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
      if (!button) return;
      const id = Number(button.getAttribute('data-id'));
      void this.act(/** @type {string} */ (button.getAttribute('data-action')), id);
    });
  }

  /**
   * @param {string} action
   * @param {number} id
   */
  async act(action, id) {
    const { notice } = this;
    const c = this.room.connection;
    const name = nameOf(this.room.state, id) ?? t('room.someone');
    switch (action) {
      case 'mute': return notice.run(c.request({ type: 'mute', participant: id }));
      case 'ask-mute': return notice.run(c.request({ type: 'ask_to_mute', participant: id }), () => notice.say(t('console.notice.asked_to_mute', { name })));
      case 'stop-video': return notice.run(c.request({ type: 'stop_video', participant: id }));
      case 'lower-hand': return notice.run(c.request({ type: 'lower_hand', participant: id }));
      case 'stop-share': return notice.run(c.request({ type: 'stop_screen_share', participant: id }));
      case 'allow-share': return notice.run(c.request({ type: 'allow_screen_share', participant: id, allowed: true }));
      case 'disallow-share': return notice.run(c.request({ type: 'allow_screen_share', participant: id, allowed: false }));
      case 'make-co': return notice.run(c.request({ type: 'set_role', participant: id, role: 'co_facilitator' }));
      case 'make-participant': return notice.run(c.request({ type: 'set_role', participant: id, role: 'participant' }));
      case 'remove': {
        const sure = await this.confirm.ask({
          title: t('console.confirm.remove_title', { name }),
          text: t('console.confirm.remove_text', { name }),
          ok: t('console.confirm.remove_ok'),
          cancel: t('console.confirm.cancel'),
        });
        if (sure) notice.run(c.request({ type: 'remove', participant: id }), () => notice.say(t('console.notice.removed', { name })));
        return undefined;
      }
      default: return undefined;
    }
  }

  /**
   * For hosts: "Mute" in sight, the rest in a disclosure. Nothing for
   * participants, and nothing the server would refuse.
   * @param {Participant} person
   * @param {boolean} menuOpen
   * @returns {HTMLElement[]}
   */
  tools(person, menuOpen) {
    const state = this.room.state;
    if (!isHost(state) || person.id === state.me.id) return [];
    const myRole = state.me.role;
    const name = person.name;
    const id = String(person.id);
    const outranked = RANK[person.role] > RANK[myRole];
    /** @param {string} action @param {string} text @param {string} label */
    const button = (action, text, label) => actionButton(text, label, { 'data-action': action, 'data-id': id });

    const tools = [];
    // A host can mute but never unmute: only the person turns it back on.
    if (outranked && person.audio) tools.push(button('mute', t('console.person.mute'), t('console.person.mute_for', { name })));

    const items = [];
    if (outranked && person.audio) {
      items.push(button('ask-mute', t('console.person.ask_mute'), t('console.person.ask_mute_for', { name })));
    }
    if (outranked && person.video) {
      items.push(button('stop-video', t('console.person.stop_video'), t('console.person.stop_video_for', { name })));
    }
    // Any host may stop anyone's share; participants share once allowed.
    if (state.screenShare.sharer === person.id) {
      items.push(button('stop-share', t('console.person.stop_share'), t('console.person.stop_share_for', { name })));
    }
    if (person.role === 'participant') {
      const allowed = state.screenShare.allowed.includes(person.id);
      items.push(allowed
        ? button('disallow-share', t('console.person.disallow_share'), t('console.person.disallow_share_for', { name }))
        : button('allow-share', t('console.person.allow_share'), t('console.person.allow_share_for', { name })));
    }
    if (state.floor.hands.includes(person.id)) {
      items.push(button('lower-hand', t('room.hands.lower'), t('room.hands.lower_for', { name })));
    }
    if (myRole === 'facilitator' && person.role === 'participant') {
      items.push(button('make-co', t('console.person.make_co'), t('console.person.make_co_for', { name })));
    }
    if (myRole === 'facilitator' && person.role === 'co_facilitator') {
      items.push(button('make-participant', t('console.person.make_participant'), t('console.person.make_participant_for', { name })));
    }
    if (outranked) {
      const remove = button('remove', t('console.person.remove'), t('console.person.remove_for', { name }));
      remove.classList.add('danger');
      items.push(remove);
    }
    if (items.length > 0) {
      const summary = make('summary', { text: t('console.person.actions'),
        attrs: { 'aria-label': t('console.person.actions_for', { name }), 'data-action': 'menu', 'data-id': id } });
      const menu = make('details', { className: 'person-menu', attrs: { 'data-id': id } },
        [summary, make('div', { className: 'menu-items' }, items)]);
      menu.open = menuOpen;
      tools.push(menu);
    }
    return tools.length > 0 ? [make('span', { className: 'actions' }, tools)] : [];
  }
}

// Who is in the room, and for hosts what they can do about each person.
//
// Each row shows a name and badges in words (role, you, hand raised, mic or
// camera off), never colour alone. A host sees "Mute" beside whoever they
// may mute, and the rest behind a per-person "Actions" disclosure so a full
// room stays readable. Only the controls the server would accept are shown
// (docs/protocol.md): a host acts only on someone of a lower role, any host
// may lower any hand, and only the facilitator changes roles.

import { byId, make } from './dom.js';
import { t, tn } from './i18n.js';
import { RANK, ROLE_KEYS, actionButton } from './room-helpers.js';

/** @typedef {import('./room.js').RoomView} RoomView */
/** @typedef {import('./messages.js').Participant} Participant */

export class PeopleList {
  /** @param {RoomView} view */
  constructor(view) {
    this.view = view;
    this.list = byId('participants', HTMLUListElement);
    this.heading = byId('people-heading', HTMLHeadingElement);
    // One listener for the whole list: its buttons come and go with each redraw.
    this.list.addEventListener('click', (event) => {
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
    const { view } = this;
    const c = view.connection;
    const name = view.nameOf(id);
    switch (action) {
      case 'mute': return view.run(c.mute(id));
      case 'ask-mute': return view.run(c.askToMute(id), () => view.notice(t('room.notice.asked_to_mute', { name })));
      case 'stop-video': return view.run(c.stopVideo(id));
      case 'lower-hand': return view.run(c.lowerHand(id));
      case 'make-co': return view.run(c.setRole(id, 'co_facilitator'));
      case 'make-participant': return view.run(c.setRole(id, 'participant'));
      case 'remove': {
        const sure = await view.console.confirm({
          title: t('room.confirm.remove_title', { name }),
          text: t('room.confirm.remove_text', { name }),
          ok: t('room.confirm.remove_ok'),
          cancel: t('room.confirm.cancel'),
        });
        if (sure) view.run(c.remove(id), () => view.notice(t('room.notice.removed_other', { name })));
        return undefined;
      }
      default: return undefined;
    }
  }

  draw() {
    const { view, list } = this;
    const people = [...view.people.values()].sort((a, b) => RANK[a.role] - RANK[b.role] || a.id - b.id);
    // A redraw replaces the rows: keep open menus open and the focus where it was.
    const open = new Set([...list.querySelectorAll('details[open]')].map((menu) => menu.getAttribute('data-id')));
    const active = document.activeElement;
    const focus = active instanceof HTMLElement && list.contains(active)
      ? { id: active.getAttribute('data-id'), action: active.getAttribute('data-action') } : null;

    list.replaceChildren(...people.map((person) => this.row(person, open.has(String(person.id)))));
    this.heading.textContent = tn('room.people.count', people.length);

    if (focus) {
      const again = list.querySelector(`[data-id="${focus.id}"][data-action="${focus.action}"]`)
        ?? list.querySelector(`[data-id="${focus.id}"][data-action="menu"]`);
      if (again instanceof HTMLElement) again.focus();
      else this.heading.focus();
    }
  }

  /**
   * @param {Participant} person
   * @param {boolean} menuOpen
   */
  row(person, menuOpen) {
    const { view } = this;
    const badges = [];
    if (person.role !== 'participant') badges.push(badge(t(ROLE_KEYS[person.role])));
    if (person.id === view.me) badges.push(badge(t('room.badge.you'), 'badge-you'));
    if (view.hands.includes(person.id)) badges.push(badge(t('room.badge.hand'), 'badge-hand'));
    if (!person.connected) badges.push(badge(t('room.badge.reconnecting'), 'badge-away'));
    if (!person.audio) badges.push(badge(t('room.badge.mic_off'), 'badge-away'));
    if (!person.video) badges.push(badge(t('room.badge.camera_off'), 'badge-away'));
    return make('li', { attrs: { 'data-participant': String(person.id) } }, [
      make('span', { className: 'who' }, [
        make('span', { text: person.name, className: 'name' }),
        make('span', { className: 'badges' }, badges),
      ]),
      ...this.hostTools(person, menuOpen),
    ]);
  }

  /**
   * For hosts: "Mute" in sight, the rest in a disclosure. Nothing for
   * participants, and nothing the server would refuse.
   * @param {Participant} person
   * @param {boolean} menuOpen
   * @returns {HTMLElement[]}
   */
  hostTools(person, menuOpen) {
    const { view } = this;
    if (!view.isHost || person.id === view.me) return [];
    const name = person.name;
    const id = String(person.id);
    const outranked = RANK[person.role] > RANK[view.role];
    /** @param {string} action @param {string} text @param {string} label */
    const button = (action, text, label) => actionButton(text, label, { 'data-action': action, 'data-id': id });

    const tools = [];
    // A host can mute but never unmute: only the person turns it back on.
    if (outranked && person.audio) tools.push(button('mute', t('room.person.mute'), t('room.person.mute_for', { name })));

    const items = [];
    if (outranked && person.audio) {
      items.push(button('ask-mute', t('room.person.ask_mute'), t('room.person.ask_mute_for', { name })));
    }
    if (outranked && person.video) {
      items.push(button('stop-video', t('room.person.stop_video'), t('room.person.stop_video_for', { name })));
    }
    if (view.hands.includes(person.id)) {
      items.push(button('lower-hand', t('room.person.lower_hand'), t('room.person.lower_hand_for', { name })));
    }
    if (view.role === 'facilitator' && person.role === 'participant') {
      items.push(button('make-co', t('room.person.make_co'), t('room.person.make_co_for', { name })));
    }
    if (view.role === 'facilitator' && person.role === 'co_facilitator') {
      items.push(button('make-participant', t('room.person.make_participant'), t('room.person.make_participant_for', { name })));
    }
    if (outranked) {
      const remove = button('remove', t('room.person.remove'), t('room.person.remove_for', { name }));
      remove.classList.add('danger');
      items.push(remove);
    }
    if (items.length > 0) {
      const summary = make('summary', { text: t('room.person.actions'),
        attrs: { 'aria-label': t('room.person.actions_for', { name }), 'data-action': 'menu', 'data-id': id } });
      const menu = make('details', { className: 'person-menu', attrs: { 'data-id': id } },
        [summary, make('div', { className: 'menu-items' }, items)]);
      menu.open = menuOpen;
      tools.push(menu);
    }
    return tools.length > 0 ? [make('span', { className: 'actions' }, tools)] : [];
  }
}

/**
 * @param {string} text
 * @param {string} [kind]
 */
function badge(text, kind = '') {
  return make('span', { text, className: `badge ${kind}`.trim() });
}

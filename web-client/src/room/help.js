// Help, one click away on the gate and in the room: the deployment's crisis
// resources (from `welcome`, through the room model; the same ones as the
// page's footer), a reminder
// that PeerRoom is peer support and not an emergency service, and a few words
// on the room's controls. A modal <dialog>: the browser keeps the focus
// inside it and closes it with Escape; the focus then goes back to the
// button that opened it.

import { button, byId, make, show, tx } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { isOneOnOne } from './selectors.js';
import { crisisResource } from './defaults.js';
import { DEFAULT_CRISIS } from './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */

export class HelpDialog {
  /** @param {RoomModel} room */
  constructor(room) {
    this.room = room;
    /** @type {HTMLElement | null} */
    this.opener = null;
    // The elements, built once; events redraw only their contents.
    this.list = make('ul', { className: 'help-resources' });
    const close = button('help.close', 'primary');
    /** @param {string} key @param {string} what */
    const shortcut = (key, what) => make('li', {}, [make('kbd', { text: key }), document.createTextNode(' '), tx('span', what)]);
    this.dialog = make('dialog', { className: 'activities-dialog help-dialog', attrs: { id: 'help-dialog', 'aria-labelledby': 'help-heading' } }, [
      tx('h2', 'help.heading', { attrs: { id: 'help-heading' } }),
      tx('h3', 'help.crisis_heading'),
      this.list,
      tx('p', 'help.not_emergency'),
      tx('h3', 'help.controls_heading'),
      make('ul', { className: 'help-keys' }, [
        shortcut('M', 'help.key_mic'), shortcut('V', 'help.key_camera'), shortcut('H', 'help.key_hand'),
      ]),
      tx('p', 'help.keys_note', { className: 'muted small' }),
      tx('p', 'help.support_tip', { className: 'group-only' }),
      tx('p', 'help.pass_tip', { className: 'group-only' }),
      make('div', { className: 'row dialog-actions' }, [close]),
    ]);
    byId('overlay-slot', HTMLElement).append(this.dialog);
    close.addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('close', () => this.opener?.focus());
    // A click on the backdrop (outside the dialog's box) closes it too.
    this.dialog.addEventListener('click', (event) => {
      if (event.target === this.dialog) {
        const box = this.dialog.getBoundingClientRect();
        const inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
        if (!inside) this.dialog.close();
      }
    });
    for (const id of ['help-button', 'gate-help-button']) {
      const opener = byId(id, HTMLButtonElement);
      opener.addEventListener('click', () => {
        this.opener = opener;
        this.drawResources();
        this.dialog.showModal();
      });
    }
    this.drawResources();
    this.drawOpeners();
    room.subscribe(({ state, before }) => {
      if (state.crisis !== before.crisis) this.drawResources();
      if (state.me.session !== before.me.session) this.drawOpeners();
    });
    document.addEventListener(LANGUAGE_CHANGED, () => {
      this.drawResources();
      this.drawOpeners();
    });
  }

  /**
   * In a one-on-one conversation, Help says what it is for there: "I need
   * more help now", drawn to be found at once.
   */
  drawOpeners() {
    const oneOnOne = isOneOnOne(this.room.state);
    // The tips about a group's support signal and its rounds do not apply to two.
    for (const tip of this.dialog.querySelectorAll('.group-only')) show(/** @type {HTMLElement} */ (tip), !oneOnOne);
    for (const id of ['help-button', 'gate-help-button']) {
      const opener = byId(id, HTMLButtonElement);
      const key = oneOnOne ? 'help.more_help_now' : 'help.button';
      // The page's translation pass reads the key from the markup: keep it in step.
      opener.dataset.i18n = key;
      opener.textContent = t(key);
      opener.classList.toggle('more-help', oneOnOne);
    }
  }


  drawResources() {
    // The built-in defaults until the server has said the deployment's own.
    const { crisis } = this.room.state;
    const resources = (crisis.length ? crisis : DEFAULT_CRISIS).map(crisisResource);
    this.list.replaceChildren(...resources.map((resource) => make('li', {}, [
      make('strong', { text: resource.label }), document.createTextNode(`: ${resource.contact}`),
    ])));
  }
}

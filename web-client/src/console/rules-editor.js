// The facilitator replaces the session's ground rules from the room, one
// rule a line, under the rules in the run of show. The server stores them
// and everyone connected gets them; whoever joins next accepts the new ones.
// Only the facilitator has it (the server refuses anyone else). It keeps the
// text being written; the rules themselves come from the room model.

import { byId, make, show, tx } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { builtIn } from '../room/defaults.js';
import { runRequest } from '../room/run-request.js';
import './words.js';

/** @typedef {import('../room/model.js').RoomModel} RoomModel */

/** The server's limits (docs/protocol.md, `set_ground_rules`). */
const MOST_RULES = 20;
const LONGEST_RULE = 300;

export class RulesEditor {
  /** @param {RoomModel} room */
  constructor(room) {
    this.room = room;
    this.toggle = make('button', { className: 'quiet', attrs: { type: 'button', id: 'rules-edit-toggle', 'aria-expanded': 'false', 'aria-controls': 'rules-form' } });
    this.text = make('textarea', { attrs: { id: 'rules-text', rows: '7', 'aria-describedby': 'rules-hint' } });
    this.error = make('p', { className: 'notice notice-error', attrs: { role: 'alert' } });
    show(this.error, false);
    this.save = tx('button', 'console.rules.save', { className: 'primary', attrs: { type: 'submit', id: 'rules-save' } });
    this.form = make('form', { className: 'stack rules-form', attrs: { id: 'rules-form', novalidate: '' } }, [
      tx('label', 'console.rules.label', { attrs: { for: 'rules-text' } }),
      tx('p', 'console.rules.hint', { className: 'muted small', attrs: { id: 'rules-hint' } }),
      this.text,
      make('div', { className: 'row' }, [this.save]),
      this.error,
    ]);
    show(this.form, false);
    byId('rules-editor-slot', HTMLDivElement).append(this.toggle, this.form);
    this.toggle.addEventListener('click', () => this.open(!this.isOpen()));
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    room.subscribe(({ state, before }) => {
      if (state.me.role !== before.me.role) this.draw();
    });
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
    this.draw();
  }

  isOpen() {
    return !this.form.hidden;
  }

  /** @param {boolean} open */
  open(open) {
    if (open) this.text.value = this.room.state.rules.map((rule) => builtIn(rule)).join('\n');
    show(this.form, open);
    show(this.error, false);
    this.draw();
    if (open) this.text.focus();
  }

  submit() {
    const rules = this.text.value.split('\n').map((line) => line.trim()).filter((line) => line !== '');
    const problem = rules.length === 0 || rules.length > MOST_RULES ? t('console.rules.count', { most: MOST_RULES })
      : rules.some((rule) => rule.length > LONGEST_RULE) ? t('console.rules.too_long', { most: LONGEST_RULE }) : '';
    if (problem) {
      this.error.textContent = problem;
      show(this.error, true);
      this.text.focus();
      return;
    }
    runRequest(this.room.connection.request({ type: 'set_ground_rules', rules }).then(() => {
      this.open(false);
      this.toggle.focus();
    }), this.error, { button: this.save });
  }

  draw() {
    const facilitator = this.room.state.me.role === 'facilitator';
    show(this.toggle, facilitator);
    if (!facilitator && this.isOpen()) show(this.form, false);
    this.toggle.textContent = t(this.isOpen() ? 'console.rules.close' : 'console.rules.edit');
    this.toggle.setAttribute('aria-expanded', String(this.isOpen()));
  }
}

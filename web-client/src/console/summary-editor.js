// The hosts' side of the session's summary (`room/summary.js` is the panel
// everyone sees): accept or decline proposals, add, edit, delete and reorder
// items, and finalize it. Its parts go into the panel, which draws them
// along with the rest; what changed shows when the server's `summary` comes.
//
// Every change carries an idempotency key: a retry of the same action reuses
// it, so a change sent twice is applied once.

import { announce, button, make, show, tx } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { ProtocolError } from '../shared/protocol.js';
import { requestFailureText } from '../shared/wording.js';
import { isHost } from '../room/selectors.js';
import { KIND_KEYS, kindField, textField } from '../room/summary-fields.js';
import './words.js';

/** @typedef {import('../room/model.js').RoomModel} RoomModel */
/** @typedef {import('../room/summary.js').SummaryPanel} SummaryPanel */
/** @typedef {import('../shared/messages.js').SummaryItem} SummaryItem */
/** @typedef {import('../shared/messages.js').SummaryKind} SummaryKind */
/** @typedef {import('../shared/messages.js').ClientMessage} ClientMessage */

/** Errors a retry of the very same action may fix. */
const TRANSIENT = new Set(['disconnected', 'timeout', 'rate_limited', 'unavailable', 'internal']);

/**
 * Idempotency keys for summary changes: one per user action, kept while the
 * action may still be retried (the server applies a key once, even after a
 * restart), dropped once it succeeded or was refused for good.
 */
export class ActionKeys {
  constructor() {
    /** @type {Map<string, string>} */
    this.keys = new Map();
  }

  /**
   * The key for an action, the same one each time it is retried.
   * @param {string} action what the action does, e.g. `move:3:0`
   */
  for(action) {
    let key = this.keys.get(action);
    if (!key) this.keys.set(action, (key = crypto.randomUUID()));
    return key;
  }

  /**
   * The action is settled: the next one like it gets a fresh key, unless it
   * failed in a way that a retry of the same action might fix.
   * @param {string} action
   * @param {unknown} [error]
   */
  settle(action, error) {
    const transient = error instanceof ProtocolError && TRANSIENT.has(error.code);
    if (!transient) this.keys.delete(action);
  }
}

export class SummaryEditor {
  /**
   * @param {RoomModel} room
   * @param {SummaryPanel} panel where its parts go
   */
  constructor(room, panel) {
    this.room = room;
    this.panel = panel;
    this.keys = new ActionKeys();
    /** The item being edited and its form, kept across redraws. @type {{id: number, form: HTMLFormElement} | null} */
    this.editor = null;
    this.proposalsBox = make('div', { className: 'summary-proposals' });
    this.addForm = this.buildAddForm();
    this.finalizeBox = this.buildFinalize();
    // In the panel's order: the proposals and the add form after the items,
    // finalizing after the participants' own form.
    panel.itemsBox.after(this.proposalsBox, this.addForm);
    panel.proposeForm.after(this.finalizeBox);
    // One listener each for the lists: their buttons come and go with each redraw.
    panel.itemsBox.addEventListener('click', (event) => this.onItemClick(event));
    this.proposalsBox.addEventListener('click', (event) => this.onProposalClick(event));
    panel.editing = { draw: () => this.draw(), itemRow: (item) => this.itemRow(item) };
    panel.draw();
  }

  buildAddForm() {
    const [kindLabel, kind] = kindField('summary-add-kind');
    const [textLabel, text] = textField('summary-add-text');
    const form = make('form', { className: 'stack summary-form' }, [
      tx('h3', 'summary.add_heading'), kindLabel, kind, textLabel, text,
      tx('button', 'summary.add', { className: 'primary', attrs: { type: 'submit' } }),
    ]);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const chosen = /** @type {SummaryKind} */ (kind.value);
      const words = text.value.trim();
      if (!words) return this.panel.failed(t('summary.empty_text'), text);
      this.change(`add:${chosen}:${words}`, (key) => ({ type: 'add_summary_item', key, kind: chosen, text: words }), t('summary.added'), () => {
        text.value = '';
      });
    });
    return form;
  }

  /** Finalize, in two calm steps. */
  buildFinalize() {
    const finalize = button('summary.finalize');
    const yes = button('summary.finalize_yes', 'primary');
    const no = button('summary.cancel');
    const confirm = make('div', { className: 'summary-confirm' }, [
      tx('p', 'summary.finalize_confirm'), make('div', { className: 'row' }, [yes, no]),
    ]);
    show(confirm, false);
    finalize.addEventListener('click', () => {
      show(confirm, true);
      yes.focus();
    });
    no.addEventListener('click', () => {
      show(confirm, false);
      finalize.focus();
    });
    yes.addEventListener('click', () => {
      this.change('finalize', (key) => ({ type: 'finalize_summary', key }), t('summary.finalized_now'), () => {
        show(confirm, false);
        this.panel.heading.focus();
      });
    });
    return make('div', { className: 'summary-finalize' }, [finalize, confirm]);
  }

  get summary() {
    return this.room.state.activities.summary;
  }

  get editable() {
    return isHost(this.room.state) && !this.summary.finalized;
  }

  /** The hosts' parts, before the panel draws the items. */
  draw() {
    const { items, finalized } = this.summary;
    // An item finalized or deleted meanwhile can no longer be edited.
    if (this.editor && (finalized || !items.some((item) => item.id === this.editor?.id))) this.editor = null;
    show(this.addForm, this.editable);
    show(this.finalizeBox, this.editable);
    this.drawProposals();
  }

  /**
   * A host's row: the item with its tools, or its edit form.
   * @param {SummaryItem} item
   * @returns {HTMLLIElement | null}
   */
  itemRow(item) {
    if (!this.editable) return null;
    if (this.editor?.id === item.id) return make('li', { attrs: { 'data-item': String(item.id) } }, [this.editor.form]);
    const textId = `summary-item-${item.id}`;
    const text = make('p', { text: item.text, className: 'summary-text', attrs: { id: textId } });
    const action = (/** @type {string} */ name, /** @type {string} */ label, disabled = false) => {
      const b = make('button', { text: label, attrs: { type: 'button', 'data-action': name, 'data-item': String(item.id), 'data-focus': `${name}:${item.id}`, 'aria-describedby': textId } });
      b.disabled = disabled;
      return b;
    };
    return make('li', {}, [text, make('div', { className: 'summary-actions' }, [
      action('edit', t('summary.edit')),
      action('up', t('summary.move_up'), this.neighbour(item, -1) === null),
      action('down', t('summary.move_down'), this.neighbour(item, 1) === null),
      action('delete', t('summary.delete')),
    ])]);
  }

  /**
   * The position an item moves to, to swap places with the previous (-1) or
   * next (1) item of its kind; null at the end of its group. The server
   * takes the item out, then puts it at `position`.
   * @param {SummaryItem} item
   * @param {-1 | 1} direction
   * @returns {number | null}
   */
  neighbour(item, direction) {
    const { items } = this.summary;
    const at = items.findIndex((i) => i.id === item.id);
    for (let i = at + direction; i >= 0 && i < items.length; i += direction) {
      if (items[i].kind === item.kind) return i;
    }
    return null;
  }

  drawProposals() {
    show(this.proposalsBox, this.editable);
    if (!this.editable) return;
    const proposals = this.summary.proposals ?? [];
    const list = make('ul', { className: 'summary-list' }, proposals.map((proposal) => {
      const textId = `summary-proposal-${proposal.id}`;
      const act = (/** @type {string} */ name, /** @type {string} */ label, className = '') => make('button', {
        text: label, className,
        attrs: { type: 'button', 'data-action': name, 'data-proposal': String(proposal.id), 'data-focus': `${name}:${proposal.id}`, 'aria-describedby': textId },
      });
      return make('li', {}, [
        make('p', { className: 'summary-text', attrs: { id: textId } }, [
          make('span', { className: 'badge', text: t(KIND_KEYS[proposal.kind]) }), document.createTextNode(` ${proposal.text}`),
        ]),
        make('div', { className: 'summary-actions' }, [act('accept', t('summary.accept'), 'primary'), act('decline', t('summary.decline'))]),
      ]);
    }));
    this.proposalsBox.replaceChildren(
      tx('h3', 'summary.proposals_heading'),
      proposals.length ? list : tx('p', 'summary.no_proposals', { className: 'muted' }),
    );
  }

  /** @param {MouseEvent} event */
  onItemClick(event) {
    const target = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
    if (!(target instanceof HTMLButtonElement)) return;
    const id = Number(target.dataset.item);
    const item = this.summary.items.find((i) => i.id === id);
    if (!item) return;
    const name = target.dataset.action;
    if (name === 'edit') return this.startEditing(item);
    if (name === 'delete') {
      return this.change(`delete:${id}`, (key) => ({ type: 'delete_summary_item', key, item: id }), t('summary.deleted'));
    }
    const position = this.neighbour(item, name === 'up' ? -1 : 1);
    if (position === null) return;
    this.change(`move:${id}:${position}`, (key) => ({ type: 'move_summary_item', key, item: id, position }), t('summary.moved'));
  }

  /** @param {MouseEvent} event */
  onProposalClick(event) {
    const target = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
    if (!(target instanceof HTMLButtonElement)) return;
    const proposal = Number(target.dataset.proposal);
    if (target.dataset.action === 'accept') {
      this.change(`accept:${proposal}`, (key) => ({ type: 'accept_proposal', key, proposal }), t('summary.accepted'));
    } else {
      this.run(this.room.connection.request({ type: 'decline_proposal', proposal }), t('summary.declined'));
    }
  }

  /** @param {SummaryItem} item */
  startEditing(item) {
    const [kindLabel, kind] = kindField('summary-edit-kind');
    const [textLabel, text] = textField('summary-edit-text');
    kind.value = item.kind;
    text.value = item.text;
    const cancel = button('summary.cancel');
    const form = make('form', { className: 'stack summary-form' }, [
      kindLabel, kind, textLabel, text,
      make('div', { className: 'row' }, [tx('button', 'summary.save', { className: 'primary', attrs: { type: 'submit' } }), cancel]),
    ]);
    const done = () => {
      this.editor = null;
      this.panel.draw();
      const edit = this.panel.itemsBox.querySelector(`[data-focus="edit:${item.id}"]`);
      if (edit instanceof HTMLElement) edit.focus();
    };
    cancel.addEventListener('click', done);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const newKind = /** @type {SummaryKind} */ (kind.value);
      const newText = text.value.trim();
      if (!newText) return this.panel.failed(t('summary.empty_text'), text);
      this.change(`edit:${item.id}:${newKind}:${newText}`,
        (key) => ({ type: 'edit_summary_item', key, item: item.id, kind: newKind, text: newText }), t('summary.saved'), done);
    });
    this.editor = { id: item.id, form };
    this.panel.draw();
    text.focus();
  }

  /**
   * A keyed summary change. The key is the same for a retry of the same
   * action, and fresh for the next one once this one is settled.
   * @param {string} action
   * @param {(key: string) => ClientMessage} message
   * @param {string} said announced once the server took it
   * @param {() => void} [then]
   */
  change(action, message, said, then) {
    const request = this.room.connection.request(message(this.keys.for(action)));
    request.then(() => this.keys.settle(action), (error) => this.keys.settle(action, error));
    this.run(request, said, then);
  }

  /**
   * @param {Promise<unknown>} request
   * @param {string} said
   * @param {() => void} [then]
   */
  run(request, said, then) {
    show(this.panel.error, false);
    request.then(() => {
      announce(this.panel.live, said);
      then?.();
    }, (error) => this.panel.failed(requestFailureText(error)));
  }
}

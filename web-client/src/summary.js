// The session's summary, as the group builds it: items grouped by kind
// (takeaway, consensus, outcome, follow-up), with no author, and in a series
// the previous session's outcomes. Participants read it and propose items;
// hosts accept or decline proposals, add, edit, delete and reorder items, and
// finalize it; the facilitator downloads it as Markdown.
//
// Every host change carries an idempotency key (activities-ui.js): a retry
// of the same action reuses it, so a change sent twice is applied once.

import { byId, make, show } from './dom.js';
import { LANGUAGE_CHANGED, t } from './i18n.js';
import { ActionKeys, announce, button, liveRegion, tx } from './activities-ui.js';
import { requestFailureText } from './wording.js';

/** @typedef {import('./protocol.js').RoomConnection} RoomConnection */
/** @typedef {import('./room.js').RoomView} RoomView */
/** @typedef {import('./messages.js').SummaryItem} SummaryItem */
/** @typedef {import('./messages.js').SummaryKind} SummaryKind */
/** @typedef {import('./messages.js').ClientMessage} ClientMessage */

/** The kinds in the order a reader wants them, as the export has them. @type {SummaryKind[]} */
const KINDS = ['takeaway', 'consensus', 'outcome', 'follow_up'];
/** Group headings and single names, per kind (defined in strings-activities.js). */
const GROUP_KEYS = { takeaway: 'summary.group.takeaway', consensus: 'summary.group.consensus', outcome: 'summary.group.outcome', follow_up: 'summary.group.follow_up' };
const KIND_KEYS = { takeaway: 'summary.kind.takeaway', consensus: 'summary.kind.consensus', outcome: 'summary.kind.outcome', follow_up: 'summary.kind.follow_up' };

/**
 * A <select> of the four kinds, with its label.
 * @param {string} id
 * @returns {[HTMLLabelElement, HTMLSelectElement]}
 */
function kindField(id) {
  const select = make('select', { attrs: { id } }, KINDS.map((kind) => tx('option', KIND_KEYS[kind], { attrs: { value: kind } })));
  return [tx('label', 'summary.kind_label', { attrs: { for: id } }), select];
}

/**
 * A <textarea> for an item's text, with its label.
 * @param {string} id
 * @returns {[HTMLLabelElement, HTMLTextAreaElement]}
 */
function textField(id) {
  return [tx('label', 'summary.text_label', { attrs: { for: id } }), make('textarea', { attrs: { id, rows: '2', maxlength: '1000' } })];
}

export class SummaryPanel {
  /**
   * @param {RoomConnection} connection
   * @param {RoomView} room
   * @param {string} token the invitation token: the facilitator's opens the export
   */
  constructor(connection, room, token) {
    this.connection = connection;
    this.room = room;
    this.token = token;
    /** @type {SummaryItem[]} */
    this.items = [];
    /** @type {SummaryItem[]} */
    this.proposals = [];
    /** @type {SummaryItem[]} */
    this.previous = [];
    this.finalized = false;
    this.sessionId = '';
    /** Whether this page's token opens the Markdown export. */
    this.canDownload = false;
    /** The item being edited and its form, kept across redraws. @type {{id: number, form: HTMLFormElement} | null} */
    this.editor = null;
    this.keys = new ActionKeys();
    // The elements, built once; events redraw only their contents.
    this.heading = tx('h2', 'summary.heading', { attrs: { id: 'summary-heading', tabindex: '-1' } });
    this.error = make('p', { className: 'notice notice-error', attrs: { role: 'alert' } });
    show(this.error, false);
    this.finalNote = tx('p', 'summary.final', { className: 'notice notice-ok' });
    this.previousBox = make('div', { className: 'summary-previous' });
    this.itemsBox = make('div', { className: 'summary-items' });
    this.proposalsBox = make('div', { className: 'summary-proposals' });
    this.live = liveRegion();

    // Hosts: add an item.
    const [addKindLabel, addKind] = kindField('summary-add-kind');
    const [addTextLabel, addText] = textField('summary-add-text');
    this.addKind = addKind;
    this.addText = addText;
    this.addForm = make('form', { className: 'stack summary-form' }, [
      tx('h3', 'summary.add_heading'), addKindLabel, addKind, addTextLabel, addText,
      tx('button', 'summary.add', { className: 'primary', attrs: { type: 'submit' } }),
    ]);
    this.addForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const kind = /** @type {SummaryKind} */ (addKind.value);
      const text = addText.value.trim();
      if (!text) return this.failed(t('summary.empty_text'), addText);
      this.change(`add:${kind}:${text}`, (key) => ({ type: 'add_summary_item', key, kind, text }), t('summary.added'), () => {
        addText.value = '';
      });
    });

    // Participants: propose one.
    const [proposeKindLabel, proposeKind] = kindField('summary-propose-kind');
    const [proposeTextLabel, proposeText] = textField('summary-propose-text');
    this.proposeText = proposeText;
    this.proposed = tx('p', 'summary.proposed', { className: 'notice notice-ok' });
    show(this.proposed, false);
    this.proposeForm = make('form', { className: 'stack summary-form' }, [
      tx('h3', 'summary.propose_heading'), tx('p', 'summary.propose_hint', { className: 'muted small' }),
      proposeKindLabel, proposeKind, proposeTextLabel, proposeText,
      tx('button', 'summary.propose', { className: 'primary', attrs: { type: 'submit' } }), this.proposed,
    ]);
    proposeText.addEventListener('input', () => show(this.proposed, false));
    this.proposeForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const kind = /** @type {SummaryKind} */ (proposeKind.value);
      const text = proposeText.value.trim();
      if (!text) return this.failed(t('summary.empty_text'), proposeText);
      show(this.error, false);
      this.connection.request({ type: 'propose_summary_item', kind, text }).then(() => {
        proposeText.value = '';
        show(this.proposed, true);
        announce(this.live, t('summary.proposed'));
      }, (error) => this.failed(requestFailureText(error)));
    });

    // Hosts: finalize, in two calm steps.
    this.finalizeButton = button('summary.finalize');
    this.confirmYes = button('summary.finalize_yes', 'primary');
    this.confirmNo = button('summary.cancel');
    this.confirm = make('div', { className: 'summary-confirm' }, [
      tx('p', 'summary.finalize_confirm'), make('div', { className: 'row' }, [this.confirmYes, this.confirmNo]),
    ]);
    show(this.confirm, false);
    this.finalizeButton.addEventListener('click', () => {
      show(this.confirm, true);
      this.confirmYes.focus();
    });
    this.confirmNo.addEventListener('click', () => {
      show(this.confirm, false);
      this.finalizeButton.focus();
    });
    this.confirmYes.addEventListener('click', () => {
      this.change('finalize', (key) => ({ type: 'finalize_summary', key }), t('summary.finalized_now'), () => {
        show(this.confirm, false);
        this.heading.focus();
      });
    });
    this.finalizeBox = make('div', { className: 'summary-finalize' }, [this.finalizeButton, this.confirm]);

    // The facilitator: the Markdown export.
    this.downloadButton = button('summary.download');
    this.downloadButton.addEventListener('click', () => void this.download());

    this.panel = make('section', { className: 'panel summary-panel', attrs: { 'aria-labelledby': 'summary-heading' } }, [
      this.heading, tx('p', 'summary.intro', { className: 'muted small' }), this.error, this.finalNote,
      this.previousBox, this.itemsBox, this.proposalsBox, this.addForm, this.proposeForm, this.finalizeBox,
      this.downloadButton, this.live,
    ]);
    byId('activities-slot', HTMLElement).append(this.panel);

    // One listener each for the lists: their buttons come and go with each redraw.
    this.itemsBox.addEventListener('click', (event) => this.onItemClick(event));
    this.proposalsBox.addEventListener('click', (event) => this.onProposalClick(event));
    this.listen();
    this.draw();
  }


  listen() {
    const c = this.connection;
    c.on('joined', ({ session, role }) => {
      if (session.id !== this.sessionId) {
        this.sessionId = session.id;
        this.canDownload = false;
        if (role === 'facilitator') void this.probeDownload();
      }
      this.draw();
    });
    c.on('room_state', (state) => {
      this.previous = state.previous_outcomes;
      this.load(state.summary);
    });
    c.on('summary', (summary) => this.load(summary));
    c.on('participant_updated', ({ participant }) => {
      if (participant.id === this.room.me) this.draw();
    });
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
  }

  /** @param {import('./messages.js').Summary} summary */
  load(summary) {
    this.items = summary.items;
    this.proposals = summary.proposals ?? [];
    this.finalized = summary.finalized;
    if (this.editor && (this.finalized || !this.items.some((item) => item.id === this.editor?.id))) this.editor = null;
    this.draw();
  }

  get editable() {
    return this.room.isHost && !this.finalized;
  }

  draw() {
    // A redraw replaces the lists' buttons: put the focus back where it was.
    const active = document.activeElement;
    const focusKey = active instanceof HTMLElement && this.panel.contains(active) ? active.dataset.focus : undefined;

    show(this.finalNote, this.finalized);
    show(this.addForm, this.editable);
    show(this.finalizeBox, this.editable);
    show(this.proposeForm, !this.room.isHost && !this.finalized);
    show(this.downloadButton, this.canDownload && this.room.role === 'facilitator');
    this.drawPrevious();
    this.drawItems();
    this.drawProposals();

    if (focusKey) {
      const again = this.panel.querySelector(`[data-focus="${focusKey}"]`);
      if (again instanceof HTMLButtonElement && !again.disabled) again.focus();
      else if (!this.panel.contains(document.activeElement)) this.heading.focus();
    }
  }

  drawPrevious() {
    show(this.previousBox, this.previous.length > 0);
    this.previousBox.replaceChildren(tx('h3', 'summary.previous_heading'), ...this.groups(this.previous, 'h4', (item) => make('li', { text: item.text })));
  }

  drawItems() {
    if (this.items.length === 0) {
      this.itemsBox.replaceChildren(tx('p', 'summary.empty', { className: 'muted' }));
      return;
    }
    this.itemsBox.replaceChildren(...this.groups(this.items, 'h3', (item) => this.itemRow(item)));
  }

  /**
   * The items of each kind under their heading, kinds in the fixed order.
   * @param {SummaryItem[]} items
   * @param {'h3' | 'h4'} level
   * @param {(item: SummaryItem) => HTMLLIElement} row
   */
  groups(items, level, row) {
    return KINDS.filter((kind) => items.some((item) => item.kind === kind)).flatMap((kind) => [
      make(level, { text: t(GROUP_KEYS[kind]), className: 'summary-kind' }),
      make('ul', { className: 'summary-list' }, items.filter((item) => item.kind === kind).map(row)),
    ]);
  }

  /** @param {SummaryItem} item */
  itemRow(item) {
    if (this.editable && this.editor?.id === item.id) return make('li', { attrs: { 'data-item': String(item.id) } }, [this.editor.form]);
    const textId = `summary-item-${item.id}`;
    const text = make('p', { text: item.text, className: 'summary-text', attrs: { id: textId } });
    if (!this.editable) return make('li', {}, [text]);
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
    const at = this.items.findIndex((i) => i.id === item.id);
    for (let i = at + direction; i >= 0 && i < this.items.length; i += direction) {
      if (this.items[i].kind === item.kind) return i;
    }
    return null;
  }

  drawProposals() {
    show(this.proposalsBox, this.editable);
    if (!this.editable) return;
    const list = make('ul', { className: 'summary-list' }, this.proposals.map((proposal) => {
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
      this.proposals.length ? list : tx('p', 'summary.no_proposals', { className: 'muted' }),
    );
  }

  /** @param {MouseEvent} event */
  onItemClick(event) {
    const target = event.target instanceof Element ? event.target.closest('button[data-action]') : null;
    if (!(target instanceof HTMLButtonElement)) return;
    const id = Number(target.dataset.item);
    const item = this.items.find((i) => i.id === id);
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
      this.run({ type: 'decline_proposal', proposal }, t('summary.declined'));
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
      this.draw();
      const edit = this.itemsBox.querySelector(`[data-focus="edit:${item.id}"]`);
      if (edit instanceof HTMLElement) edit.focus();
    };
    cancel.addEventListener('click', done);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const newKind = /** @type {SummaryKind} */ (kind.value);
      const newText = text.value.trim();
      if (!newText) return this.failed(t('summary.empty_text'), text);
      this.change(`edit:${item.id}:${newKind}:${newText}`,
        (key) => ({ type: 'edit_summary_item', key, item: item.id, kind: newKind, text: newText }), t('summary.saved'), done);
    });
    this.editor = { id: item.id, form };
    this.draw();
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
    const request = this.connection.request(message(this.keys.for(action)));
    request.then(() => this.keys.settle(action), (error) => this.keys.settle(action, error));
    this.run(request, said, then);
  }

  /**
   * @param {ClientMessage | Promise<unknown>} request
   * @param {string} said
   * @param {() => void} [then]
   */
  run(request, said, then) {
    show(this.error, false);
    const sent = request instanceof Promise ? request : this.connection.request(request);
    sent.then(() => {
      announce(this.live, said);
      then?.();
    }, (error) => this.failed(requestFailureText(error)));
  }

  /**
   * @param {string} text
   * @param {HTMLElement} [field] where to put the focus back
   */
  failed(text, field) {
    this.error.textContent = text;
    show(this.error, true);
    field?.focus();
  }

  get exportUrl() {
    return `/sessions/${encodeURIComponent(this.sessionId)}/summary.md`;
  }

  /** @param {string} method */
  exportRequest(method) {
    // The token goes in a header, never in the address: it stays out of logs.
    return fetch(this.exportUrl, { method, cache: 'no-store', headers: { Authorization: `Bearer ${this.token}` } });
  }

  /** Only a token that opens the export shows the download. */
  async probeDownload() {
    try {
      this.canDownload = (await this.exportRequest('HEAD')).ok;
    } catch {
      this.canDownload = false;
    }
    this.draw();
  }

  async download() {
    show(this.error, false);
    try {
      const response = await this.exportRequest('GET');
      if (!response.ok) throw new Error(String(response.status));
      const url = URL.createObjectURL(await response.blob());
      const link = make('a', { attrs: { href: url, download: 'summary.md' } });
      document.body.append(link);
      link.click();
      link.remove();
      // Revoked once the browser had time to start saving it.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch {
      this.failed(t('summary.download_failed'));
    }
  }
}

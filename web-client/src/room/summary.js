// The session's summary, as the group builds it: items grouped by kind
// (takeaway, consensus, outcome, follow-up), with no author, and in a series
// the previous session's outcomes. Participants read it and propose items;
// the facilitator downloads it as Markdown. The hosts' editing (accept or
// decline proposals, add, edit, delete, reorder, finalize) is the console's
// (`console/summary-editor.js`), which this panel gives room to. The summary
// comes from the room model; this panel keeps none of it.

import { announce, button, byId, liveRegion, make, show, tx } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { requestFailureText } from '../shared/wording.js';
import { isHost } from './selectors.js';
import { GROUP_KEYS, KINDS, kindField, textField } from './summary-fields.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */
/** @typedef {import('../shared/messages.js').SummaryItem} SummaryItem */
/** @typedef {import('../shared/messages.js').SummaryKind} SummaryKind */
/**
 * The hosts' side of the panel, handed in by the console.
 * @typedef {object} SummaryEditing
 * @property {() => void} draw shows or hides the hosts' parts, before the items are drawn
 * @property {(item: SummaryItem) => HTMLLIElement | null} itemRow a host's row for an item, or null for the reader's
 */

export class SummaryPanel {
  /**
   * @param {RoomModel} room
   * @param {string} token the invitation token: the facilitator's opens the export
   */
  constructor(room, token) {
    this.room = room;
    this.token = token;
    /** Set by the console for hosts. @type {SummaryEditing | null} */
    this.editing = null;
    /** The session whose export was probed. */
    this.sessionId = '';
    /** Whether this page's token opens the Markdown export. */
    this.canDownload = false;
    // The elements, built once; events redraw only their contents.
    this.heading = tx('h2', 'summary.heading', { attrs: { id: 'summary-heading', tabindex: '-1' } });
    this.error = make('p', { className: 'notice notice-error', attrs: { role: 'alert' } });
    show(this.error, false);
    this.finalNote = tx('p', 'summary.final', { className: 'notice notice-ok' });
    this.previousBox = make('div', { className: 'summary-previous' });
    this.itemsBox = make('div', { className: 'summary-items' });
    this.live = liveRegion();
    this.proposeForm = this.buildProposeForm();

    // The facilitator: the Markdown export.
    this.downloadButton = button('summary.download');
    this.downloadButton.addEventListener('click', () => void this.download());

    this.panel = make('section', { className: 'panel summary-panel', attrs: { 'aria-labelledby': 'summary-heading' } }, [
      this.heading, tx('p', 'summary.intro', { className: 'muted small' }), this.error, this.finalNote,
      this.previousBox, this.itemsBox, this.proposeForm, this.downloadButton, this.live,
    ]);
    byId('summary-slot', HTMLElement).append(this.panel);
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
    this.draw();
  }

  /** Participants: propose an item, which only the hosts see until one accepts it. */
  buildProposeForm() {
    const [kindLabel, kind] = kindField('summary-propose-kind');
    const [textLabel, text] = textField('summary-propose-text');
    const proposed = tx('p', 'summary.proposed', { className: 'notice notice-ok' });
    show(proposed, false);
    const form = make('form', { className: 'stack summary-form' }, [
      tx('h3', 'summary.propose_heading'), tx('p', 'summary.propose_hint', { className: 'muted small' }),
      kindLabel, kind, textLabel, text,
      tx('button', 'summary.propose', { className: 'primary', attrs: { type: 'submit' } }), proposed,
    ]);
    text.addEventListener('input', () => show(proposed, false));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const chosen = /** @type {SummaryKind} */ (kind.value);
      const words = text.value.trim();
      if (!words) return this.failed(t('summary.empty_text'), text);
      show(this.error, false);
      this.room.connection.request({ type: 'propose_summary_item', kind: chosen, text: words }).then(() => {
        text.value = '';
        show(proposed, true);
        announce(this.live, t('summary.proposed'));
      }, (error) => this.failed(requestFailureText(error)));
    });
    return form;
  }

  /** @param {Change} change */
  follow({ state, before, message }) {
    if (message.type === 'joined' && state.me.session && state.me.session.id !== this.sessionId) {
      this.sessionId = state.me.session.id;
      this.canDownload = false;
      if (state.me.role === 'facilitator') void this.probeDownload();
    }
    if (state.activities.summary !== before.activities.summary || state.me.role !== before.me.role) this.draw();
  }

  get summary() {
    return this.room.state.activities.summary;
  }

  draw() {
    // A redraw replaces the lists' buttons: put the focus back where it was.
    const active = document.activeElement;
    const focusKey = active instanceof HTMLElement && this.panel.contains(active) ? active.dataset.focus : undefined;
    const state = this.room.state;
    const { finalized } = this.summary;

    show(this.finalNote, finalized);
    show(this.proposeForm, !isHost(state) && !finalized);
    show(this.downloadButton, this.canDownload && state.me.role === 'facilitator');
    this.editing?.draw();
    this.drawPrevious();
    this.drawItems();

    if (focusKey) {
      const again = this.panel.querySelector(`[data-focus="${focusKey}"]`);
      if (again instanceof HTMLButtonElement && !again.disabled) again.focus();
      else if (!this.panel.contains(document.activeElement)) this.heading.focus();
    }
  }

  drawPrevious() {
    const { previous } = this.summary;
    show(this.previousBox, previous.length > 0);
    this.previousBox.replaceChildren(tx('h3', 'summary.previous_heading'), ...groups(previous, 'h4', (item) => make('li', { text: item.text })));
  }

  drawItems() {
    const { items } = this.summary;
    if (items.length === 0) {
      this.itemsBox.replaceChildren(tx('p', 'summary.empty', { className: 'muted' }));
      return;
    }
    this.itemsBox.replaceChildren(...groups(items, 'h3', (item) => this.editing?.itemRow(item)
      ?? make('li', {}, [make('p', { text: item.text, className: 'summary-text', attrs: { id: `summary-item-${item.id}` } })])));
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

  /** @param {string} method */
  exportRequest(method) {
    // The token goes in a header, never in the address: it stays out of logs.
    return fetch(`/sessions/${encodeURIComponent(this.sessionId)}/summary.md`,
      { method, cache: 'no-store', headers: { Authorization: `Bearer ${this.token}` } });
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

/**
 * The items of each kind under their heading, kinds in the fixed order.
 * @param {SummaryItem[]} items
 * @param {'h3' | 'h4'} level
 * @param {(item: SummaryItem) => HTMLLIElement} row
 */
function groups(items, level, row) {
  return KINDS.filter((kind) => items.some((item) => item.kind === kind)).flatMap((kind) => [
    make(level, { text: t(GROUP_KEYS[kind]), className: 'summary-kind' }),
    make('ul', { className: 'summary-list' }, items.filter((item) => item.kind === kind).map(row)),
  ]);
}

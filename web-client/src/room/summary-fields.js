// The summary's kinds and the two fields every summary form has (a kind and
// a text), shared by the panel (`summary.js`) and the hosts' editing
// (`console/summary-editor.js`). No state.

import { make, tx } from '../shared/dom.js';
import './words.js';

/** @typedef {import('../shared/messages.js').SummaryKind} SummaryKind */

/** The kinds in the order a reader wants them, as the export has them. @type {SummaryKind[]} */
export const KINDS = ['takeaway', 'consensus', 'outcome', 'follow_up'];
/** Group headings and single names, per kind (defined in strings-activities.js). */
export const GROUP_KEYS = { takeaway: 'summary.group.takeaway', consensus: 'summary.group.consensus', outcome: 'summary.group.outcome', follow_up: 'summary.group.follow_up' };
export const KIND_KEYS = { takeaway: 'summary.kind.takeaway', consensus: 'summary.kind.consensus', outcome: 'summary.kind.outcome', follow_up: 'summary.kind.follow_up' };

/**
 * A <select> of the four kinds, with its label.
 * @param {string} id
 * @returns {[HTMLLabelElement, HTMLSelectElement]}
 */
export function kindField(id) {
  const select = make('select', { attrs: { id } }, KINDS.map((kind) => tx('option', KIND_KEYS[kind], { attrs: { value: kind } })));
  return [tx('label', 'summary.kind_label', { attrs: { for: id } }), select];
}

/**
 * A <textarea> for an item's text, with its label.
 * @param {string} id
 * @returns {[HTMLLabelElement, HTMLTextAreaElement]}
 */
export function textField(id) {
  return [tx('label', 'summary.text_label', { attrs: { for: id } }), make('textarea', { attrs: { id, rows: '2', maxlength: '1000' } })];
}

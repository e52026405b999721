// A past session's summary, as its facilitators captured it: items grouped
// by kind, with no author (the server never sends one), and the Markdown
// export for keeping or sharing. It reads; nothing here changes a summary.

import * as api from './api.js';
import { make } from '../shared/dom.js';
import { t } from '../shared/i18n.js';
import { errorMessage } from './page-parts.js';

/** @typedef {import('./api.js').Summary} Summary */
/** @typedef {import('./api.js').SummaryKind} SummaryKind */

/** The groups, in the order a reader wants them, with their headings' keys. @type {[SummaryKind, string][]} */
const GROUPS = [
  ['takeaway', 'organize.summary.takeaway'],
  ['consensus', 'organize.summary.consensus'],
  ['outcome', 'organize.summary.outcome'],
  ['follow_up', 'organize.summary.follow_up'],
];

/**
 * Draws a summary into `container`.
 * @param {HTMLElement} container
 * @param {string} sessionId
 * @param {Summary} summary
 */
export function renderSummary(container, sessionId, summary) {
  if (summary.items.length === 0) {
    container.replaceChildren(make('p', { className: 'muted', text: t('organize.summary.none') }));
    return;
  }
  /** @type {HTMLElement[]} */
  const parts = [];
  if (!summary.finalized) {
    parts.push(make('p', { className: 'notice small', text: t('organize.summary.not_final') }));
  }
  for (const [kind, heading] of GROUPS) {
    const items = summary.items.filter((item) => item.kind === kind);
    if (items.length === 0) continue;
    parts.push(make('h3', { className: 'summary-heading', text: t(heading) }));
    parts.push(make('ul', { className: 'plain-list' }, items.map((item) => make('li', { text: item.text }))));
  }
  parts.push(make('a', {
    text: t('organize.summary.download'),
    className: 'button-link',
    attrs: { href: api.summaryMarkdownUrl(sessionId), download: 'summary.md' },
  }));
  container.replaceChildren(...parts);
}

/**
 * Loads a session's summary and draws it.
 * @param {HTMLElement} container
 * @param {string} sessionId
 * @param {(error: unknown) => void} onUnauthorized
 */
export async function loadSummary(container, sessionId, onUnauthorized) {
  container.replaceChildren(make('p', { className: 'muted', text: t('organize.summary.loading') }));
  try {
    renderSummary(container, sessionId, await api.sessionSummary(sessionId));
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) onUnauthorized(error);
    else container.replaceChildren(make('p', { className: 'notice notice-error', text: errorMessage(error) }));
  }
}

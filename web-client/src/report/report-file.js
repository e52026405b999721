// The report as a file to keep: one self-contained HTML document, with its
// words, its charts and its style embedded (report.css's rules, as the page
// loaded them), and no link or script, so
// it opens anywhere, offline, years later. The report's page and the room's
// dialog download it.

import { make } from '../shared/dom.js';
import { language, speaking, t } from '../shared/i18n.js';
import { isoDay, sessionStart } from './report-figures.js';
import { renderReport } from './report-view.js';

/** @typedef {import('../shared/messages.js').SessionReport} SessionReport */
/** @typedef {import('./report-view.js').ReportOptions} ReportOptions */

/** What style.css gives every page, as much as a report needs of it. */
const PAGE_RULES = `
:root { color-scheme: light; }
body { margin: 0; background: #f3f5f4; color: #1b2321; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif; font-size: 1.0625rem; line-height: 1.55; }
main { max-width: 68rem; margin: 0 auto; padding: 1.25rem 1rem 2rem; }
h1, h2 { line-height: 1.25; font-weight: 650; }
h1 { font-size: 1.6rem; }
h2 { font-size: 1.15rem; }
p { margin: 0 0 0.75rem; }
.muted { color: #4a5552; }
.small { font-size: 0.9rem; }
.eyebrow { margin: 0; color: #4a5552; font-size: 0.95rem; }
:focus-visible { outline: 3px solid #b45309; outline-offset: 2px; }
`;

/** @param {string} text */
function escapeText(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The report's own rules as this page loaded them from report.css: the
 * page, the room's dialog and the file all take them from that one sheet.
 */
function loadedRules() {
  const sheet = [...document.styleSheets].find((s) => s.href?.endsWith('/assets/report.css'));
  try {
    return sheet ? [...sheet.cssRules].map((rule) => rule.cssText).join('\n') : '';
  } catch {
    return ''; // not readable: the file is plainer, not broken
  }
}

/**
 * The whole report as one HTML document, in the options' language and time
 * zone, with `rules` (report.css's) embedded.
 * @param {SessionReport} report
 * @param {ReportOptions} [options]
 * @param {string} [rules]
 */
export function reportDocument(report, options = {}, rules = '') {
  const lang = options.language ?? language();
  const article = renderReport(report, { ...options, language: lang });
  const title = speaking(lang, () => `${report.title || t('report.eyebrow')} · ${t('report.eyebrow')}`);
  return [
    '<!doctype html>',
    `<html lang="${lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeText(title)}</title>`,
    `<style>${PAGE_RULES}${rules}</style>`,
    '</head>',
    '<body>',
    `<main>${article.outerHTML}</main>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * The downloaded file's name: `report-2026-12-01.html`, by the session's day.
 * @param {SessionReport} report
 * @param {string} [timeZone]
 */
export function reportFileName(report, timeZone) {
  return `report-${isoDay(sessionStart(report), timeZone)}.html`;
}

/**
 * Saves the report as an HTML file, as the browser saves a download.
 * @param {SessionReport} report
 * @param {ReportOptions} [options]
 */
export function downloadReport(report, options = {}) {
  const file = new Blob([reportDocument(report, options, loadedRules())], { type: 'text/html;charset=utf-8' });
  const url = URL.createObjectURL(file);
  const link = make('a', { attrs: { href: url, download: reportFileName(report, options.timeZone) } });
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked once the browser had time to start saving it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

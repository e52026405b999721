// The report page (report.html): the facilitator's report on a session,
// through the facilitator's link, during the session or long after it:
// `/report?session=ID#TOKEN`. The token is read from the fragment as the
// join page reads its own (room/place.js) and sent in a header, never in an
// address. The page draws the report (report/report-view.js) in the page's
// language, again when the language changes, and downloads it as one HTML
// file (report/report-file.js). Refusals are said in words.

import { byId, show } from './shared/dom.js';
import { LANGUAGE_CHANGED, languagePicker, startLanguage, t } from './shared/i18n.js';
import { readToken } from './room/place.js';
import { downloadReport } from './report/report-file.js';
import { renderReport } from './report/report-view.js';

/** @typedef {import('./shared/messages.js').SessionReport} SessionReport */
/** Why there is no report to show: the key of its sentence. @typedef {'report.error.no_link' | 'report.error.unauthorized' | 'report.error.not_found' | 'report.error.failed'} Refusal */

startLanguage();
languagePicker(byId('language', HTMLSelectElement));

const el = {
  loading: byId('loading', HTMLParagraphElement),
  heading: byId('report-page-heading', HTMLHeadingElement),
  message: byId('report-message', HTMLParagraphElement),
  actions: byId('report-actions', HTMLDivElement),
  download: byId('report-download', HTMLButtonElement),
  slot: byId('report-slot', HTMLDivElement),
};

/** @type {SessionReport | null} */
let report = null;
/** @type {Refusal | null} */
let refusal = null;

/**
 * The report, or why not.
 * @param {string} sessionId
 * @param {string} token
 * @returns {Promise<SessionReport | Refusal>}
 */
async function load(sessionId, token) {
  try {
    // The token goes in a header, never in the address: it stays out of logs.
    const response = await fetch(`/sessions/${encodeURIComponent(sessionId)}/report.json`,
      { cache: 'no-store', headers: { Authorization: `Bearer ${token}` } });
    if (response.status === 401) return 'report.error.unauthorized';
    if (response.status === 404) return 'report.error.not_found';
    if (!response.ok) return 'report.error.failed';
    return /** @type {SessionReport} */ (await response.json());
  } catch {
    return 'report.error.failed';
  }
}

function draw() {
  document.title = report ? `${report.title} · ${t('report.page_title')}` : t('report.page_title');
  show(el.loading, false);
  show(el.heading, report === null);
  show(el.message, refusal !== null);
  el.message.textContent = refusal ? t(refusal) : '';
  show(el.actions, report !== null);
  el.slot.replaceChildren(...(report ? [renderReport(report)] : []));
}

async function begin() {
  const sessionId = new URLSearchParams(location.search).get('session') ?? '';
  const token = readToken();
  const answer = sessionId && token ? await load(sessionId, token) : 'report.error.no_link';
  if (typeof answer === 'string') refusal = answer;
  else report = answer;
  draw();
}

el.download.addEventListener('click', () => {
  if (report) downloadReport(report);
});
document.addEventListener(LANGUAGE_CHANGED, () => {
  if (report || refusal) draw();
});

document.title = t('report.page_title');
void begin();

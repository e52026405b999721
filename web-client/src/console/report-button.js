// The facilitator's report in the room, for hosts: "Session report" at the
// foot of the Summary tab asks the server for the report so far
// (`get_report`) and shows it in a modal dialog, with the same HTML file
// to download. The facilitator also gets the report's page, to open in a
// new tab (and to come back to after the session: the ending screen links
// to it too). The report is asked afresh at each opening; only the one on
// show is kept, to redraw it in another language. Its renderer is loaded
// the first time it is asked for: participants never load it.

import { button, byId, make, show, tx } from '../shared/dom.js';
import { LANGUAGE_CHANGED } from '../shared/i18n.js';
import { ProtocolError } from '../shared/protocol.js';
import { requestFailureText } from '../shared/wording.js';
import { isHost } from '../room/selectors.js';
import { reportAddress } from '../report/report-address.js';
import '../report/words.js';
import './words.js';

/** @typedef {import('../room/model.js').RoomModel} RoomModel */
/** @typedef {import('../room/summary.js').SummaryPanel} SummaryPanel */
/** @typedef {import('../shared/messages.js').SessionReport} SessionReport */

/** @typedef {{renderReport: typeof import('../report/report-view.js').renderReport, downloadReport: typeof import('../report/report-file.js').downloadReport}} Renderer */

/** @returns {Promise<Renderer>} */
async function loadRenderer() {
  const [{ renderReport }, { downloadReport }] = await Promise.all([
    import('../report/report-view.js'), import('../report/report-file.js'),
  ]);
  return { renderReport, downloadReport };
}

export class ReportButton {
  /**
   * @param {RoomModel} room
   * @param {SummaryPanel} summary the panel it goes in
   * @param {string} token the invitation token: the facilitator's opens the report's page
   */
  constructor(room, summary, token) {
    this.room = room;
    this.token = token;
    /** The report on show in the dialog. @type {SessionReport | null} */
    this.report = null;
    /** The renderer and the file maker, once loaded. @type {Promise<Renderer> | null} */
    this.renderer = null;
    /** @type {Renderer | null} */
    this.loaded = null;

    this.openButton = button('report.room.open');
    this.openButton.id = 'report-open';
    this.pageLink = tx('a', 'report.room.new_tab', { attrs: { id: 'report-page-link', target: '_blank', rel: 'noopener' } });
    this.error = make('p', { className: 'notice notice-error', attrs: { role: 'alert' } });
    show(this.error, false);
    this.box = make('div', { className: 'report-room' }, [
      tx('p', 'report.room.hint', { className: 'muted small' }),
      make('div', { className: 'row' }, [this.openButton, this.pageLink]),
      this.error,
    ]);
    summary.panel.append(this.box);

    this.body = make('div');
    const download = button('report.download', 'primary');
    download.id = 'report-dialog-download';
    const close = button('report.room.close');
    close.id = 'report-dialog-close';
    this.dialog = make('dialog', { className: 'activities-dialog report-dialog', attrs: { id: 'report-dialog', 'aria-labelledby': 'report-title' } }, [
      make('div', { className: 'row dialog-actions' }, [download, close]),
      this.body,
    ]);
    byId('overlay-slot', HTMLElement).append(this.dialog);

    this.openButton.addEventListener('click', () => void this.open());
    download.addEventListener('click', () => {
      if (this.report) this.loaded?.downloadReport(this.report);
    });
    close.addEventListener('click', () => this.dialog.close());
    // Escape closes it too (the browser's own); either way the focus goes back.
    this.dialog.addEventListener('close', () => {
      if (this.openButton.isConnected && !this.openButton.hidden) this.openButton.focus();
    });
    room.subscribe(({ state, before }) => {
      if (state.me.role !== before.me.role || state.me.session !== before.me.session) this.draw();
      // Not a host any more, or out of the room: the report goes with it.
      if (this.dialog.open && (!isHost(state) || state.me.ending !== null)) this.dialog.close();
    });
    document.addEventListener(LANGUAGE_CHANGED, () => this.drawReport());
    this.draw();
  }

  /** Hosts see the button; the facilitator, with a link that opens the page, the link too. */
  draw() {
    const { me } = this.room.state;
    show(this.box, isHost(this.room.state));
    const page = me.role === 'facilitator' && me.session !== null && this.token !== '';
    show(this.pageLink, page);
    if (page && me.session) this.pageLink.href = reportAddress(me.session.id, this.token);
  }

  async open() {
    show(this.error, false);
    this.openButton.disabled = true;
    /** @type {SessionReport | null} */
    let report = null;
    try {
      this.renderer ??= loadRenderer();
      this.loaded = await this.renderer;
      const reply = await this.room.connection.request({ type: 'get_report' });
      if (reply.type !== 'report') throw new ProtocolError('internal', `expected report, got ${reply.type}`);
      report = reply.report;
    } catch (error) {
      this.error.textContent = requestFailureText(error);
      show(this.error, true);
    }
    this.openButton.disabled = false;
    if (!report) {
      // A disabled button lost the focus: give it back, beside the refusal.
      this.openButton.focus();
      return;
    }
    this.report = report;
    this.drawReport();
    this.dialog.showModal();
    // Read from the top: the report's title.
    this.body.querySelector('h1')?.focus();
  }

  drawReport() {
    if (!this.report) return;
    // A redraw replaces what had the focus: the report's title takes it.
    const hadFocus = this.body.contains(document.activeElement);
    if (!this.loaded) return;
    this.body.replaceChildren(this.loaded.renderReport(this.report));
    if (hadFocus) this.body.querySelector('h1')?.focus();
  }
}

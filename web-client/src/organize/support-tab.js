// The organizers' "Peer support" tab: the open requests, the roster (with
// its nomination form) and the counts, loaded together so that each change
// (a match, a cancellation, a nomination, a deactivation) shows everywhere
// it shows: a supporter's load, a request's suggestions. Each part draws
// itself in its own module; this one loads, and hands them what came.

import * as support from './support-api.js';
import { byId } from '../shared/dom.js';
import { errorMessage, say } from './page-parts.js';
import { loginEnded } from './support-parts.js';
import { SupportRequests } from './support-requests.js';
import { SupportRoster } from './support-roster.js';
import { NominateForm } from './support-nominate.js';
import { drawStats } from './support-stats.js';

export class SupportTab {
  /**
   * @param {HTMLElement} message the page's live message line
   * @param {(error: unknown) => void} onUnauthorized
   */
  constructor(message, onUnauthorized) {
    this.message = message;
    this.onUnauthorized = onUnauthorized;
    /** The organizer's time zone, which times are shown and typed in. */
    this.timeZone = 'UTC';
    const hooks = { message, onUnauthorized, reload: () => this.load() };
    this.requests = new SupportRequests(
      byId('support-request-list', HTMLUListElement), byId('support-requests-empty', HTMLParagraphElement), hooks);
    this.roster = new SupportRoster(byId('roster-list', HTMLUListElement), byId('roster-empty', HTMLParagraphElement), hooks);
    this.nominate = new NominateForm(byId('nominate-open', HTMLButtonElement), byId('nominate-slot', HTMLDivElement), hooks);
    this.stats = byId('support-stats', HTMLDivElement);
  }

  /** Loads and draws the whole tab (again). */
  async load() {
    try {
      const [requests, roster, stats] = await Promise.all([support.openRequests(), support.roster(), support.stats()]);
      this.requests.timeZone = this.timeZone;
      this.requests.draw(requests, roster);
      this.roster.draw(roster);
      drawStats(this.stats, stats);
    } catch (error) {
      if (loginEnded(error)) this.onUnauthorized(error);
      else say(this.message, errorMessage(error), 'error');
    }
  }
}

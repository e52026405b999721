// The organizers' pages: one document (organize.html) that shows the setup
// of the first account, the login, or the schedule.
//
// Which one: /organize/setup#<token> shows the setup; otherwise the server's
// answer to "who am I" (from the HttpOnly login cookie) picks the login or
// the schedule. The API calls live in api.js; each view in its own module.

import * as api from './api.js';
import { byId, make, show } from './dom.js';
import { startLogin, startSetup } from './organize-auth.js';
import { SessionForm } from './organize-form.js';
import { renderLinks, seriesLinkSource, sessionLinkSource } from './organize-links.js';
import { meetingList, ruleText, SeriesList } from './organize-series.js';
import { SessionList } from './organize-sessions.js';
import { Tabs } from './organize-tabs.js';
import { whenText } from './organize-time.js';
import { errorMessage, say } from './organize-ui.js';

/** @typedef {import('./api.js').Organizer} Organizer */
/** @typedef {'setup' | 'login' | 'schedule'} View */

const el = {
  loading: byId('loading', HTMLParagraphElement),
  message: byId('page-message', HTMLParagraphElement),
  account: byId('account', HTMLDivElement),
  accountName: byId('account-name', HTMLSpanElement),
  logout: byId('logout', HTMLButtonElement),
  views: {
    setup: byId('setup-view', HTMLElement),
    login: byId('login-view', HTMLElement),
    schedule: byId('schedule-view', HTMLElement),
  },
  zoneNote: byId('zone-note', HTMLParagraphElement),
  newSession: byId('new-session', HTMLButtonElement),
  formClose: byId('session-close', HTMLButtonElement),
  created: byId('created-panel', HTMLElement),
  createdHeading: byId('created-heading', HTMLHeadingElement),
  createdSummary: byId('created-summary', HTMLParagraphElement),
  createdLinks: byId('created-links', HTMLDivElement),
  createdMeetings: byId('created-meetings', HTMLDivElement),
  createdDone: byId('created-done', HTMLButtonElement),
};

/** @type {Organizer | null} */
let organizer = null;

/** @param {unknown} error a 401: the login ended (expired, or logged out elsewhere) */
function loginEnded(error) {
  organizer = null;
  showView('login');
  say(el.message, errorMessage(error), 'info');
}

const list = new SessionList(el.message, loginEnded);
const groups = new SeriesList(el.message, loginEnded);
const tabs = new Tabs(['upcoming', 'groups', 'past'], async (name, switched) => {
  if (switched) say(el.message, '');
  if (name === 'groups') await groups.load();
  else await list.select(name);
});
const form = new SessionForm({ onCreated, onSeriesCreated, onUnauthorized: loginEnded });

/**
 * Shows one view and moves focus to its heading, so keyboard and screen
 * reader users land where the page changed.
 * @param {View} view
 */
function showView(view) {
  show(el.loading, false);
  for (const [name, section] of Object.entries(el.views)) show(section, name === view);
  show(el.account, view === 'schedule' && organizer !== null);
  const titles = { setup: 'Set up', login: 'Log in', schedule: 'Your sessions' };
  document.title = `${titles[view]} · PeerRoom organizers`;
  const heading = el.views[view].querySelector('h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

/** @param {Organizer} who */
function enter(who) {
  organizer = who;
  // The setup token and the login page's path are spent: the address is now the schedule.
  if (location.pathname !== '/organize' || location.hash) history.replaceState(null, '', '/organize');
  el.accountName.textContent = who.name;
  el.zoneNote.textContent = `Times are shown in your time zone, ${who.time_zone.replaceAll('_', ' ')}.`;
  list.timeZone = who.time_zone;
  groups.timeZone = who.time_zone;
  say(el.message, '');
  show(el.created, false);
  form.close();
  el.newSession.setAttribute('aria-expanded', 'false');
  showView('schedule');
  void tabs.select('upcoming');
}

/** @param {{session: import('./api.js').SessionView, links: import('./api.js').Links}} created */
function onCreated({ session, links }) {
  el.createdHeading.textContent = 'Session scheduled';
  el.createdSummary.replaceChildren(
    make('strong', { text: session.title }),
    document.createTextNode(`, ${whenText(session, organizer?.time_zone ?? session.time_zone)}.`),
  );
  renderLinks(el.createdLinks, sessionLinkSource(session.id), links, loginEnded);
  el.createdMeetings.replaceChildren();
  showCreated();
}

/**
 * A group: its rule, its links (one pair for every meeting), its calendar
 * feed, and the list of its meetings.
 * @param {import('./api.js').SeriesDetail} created
 */
function onSeriesCreated(created) {
  const zone = organizer?.time_zone ?? created.series.time_zone ?? 'UTC';
  const first = created.occurrences[0];
  el.createdHeading.textContent = 'Group scheduled';
  el.createdSummary.replaceChildren(
    make('strong', { text: created.series.title }),
    document.createTextNode(`: ${ruleText(created).toLowerCase()}${first ? `, the first on ${whenText(first, zone)}` : ''}. `
      + 'The links below open whichever meeting is on: send them once.'),
  );
  renderLinks(el.createdLinks, seriesLinkSource(created.series.id), created.links, loginEnded);
  el.createdMeetings.replaceChildren(
    make('h3', { className: 'meetings-heading', text: 'Meetings' }),
    meetingList(created, zone),
  );
  showCreated();
}

/** Shows what was just scheduled, and the list with it in. */
function showCreated() {
  el.newSession.setAttribute('aria-expanded', 'false');
  show(el.createdMeetings, el.createdMeetings.childElementCount > 0);
  show(el.created, true);
  el.created.focus();
  void tabs.select('upcoming');
}

el.newSession.addEventListener('click', () => {
  if (!organizer) return;
  if (!form.panel.hidden) {
    // Already open: keep what was typed.
    form.input('title').focus();
    return;
  }
  show(el.created, false);
  el.newSession.setAttribute('aria-expanded', 'true');
  form.open(organizer.time_zone);
});
el.formClose.addEventListener('click', () => {
  form.close();
  el.newSession.setAttribute('aria-expanded', 'false');
  el.newSession.focus();
});
el.createdDone.addEventListener('click', () => {
  show(el.created, false);
  el.newSession.focus();
});

el.logout.addEventListener('click', async () => {
  el.logout.disabled = true;
  try {
    await api.logout();
    organizer = null;
    showView('login');
    say(el.message, 'You are logged out.', 'ok');
  } catch (error) {
    say(el.message, errorMessage(error), 'error');
  } finally {
    el.logout.disabled = false;
  }
});

startLogin(enter);

/** Picks the first view from the address and the login cookie. */
async function begin() {
  const token = location.hash.slice(1).trim();
  const setupPath = location.pathname.replace(/\/$/, '') === '/organize/setup';
  if (setupPath && token) {
    startSetup(token, enter);
    showView('setup');
    return;
  }
  if (setupPath) say(el.message, 'This setup link is missing its code (after the #). Open the whole link the server printed.', 'error');
  try {
    enter(await api.me());
  } catch (error) {
    showView('login');
    if (!(error instanceof api.ApiError && error.status === 401)) say(el.message, errorMessage(error), 'error');
  }
}

void begin();

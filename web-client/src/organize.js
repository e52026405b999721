// The organizers' pages: one document (organize.html) that shows the setup
// of the first account, the login, the schedule (with its "Peer support"
// tab), a peer supporter's enrolment, or a peer supporter's own page.
//
// Which one: /organize/setup#<token> shows the setup, /organize/enrol#<token>
// the enrolment; otherwise the server's answer to "who am I" (from the
// HttpOnly login cookie) picks the login, the schedule for an organizer, or
// their own requests and profile for a peer supporter, who never sees the
// organizers' tabs. The API calls live in organize/api.js and
// organize/support-api.js and each view in its own module under organize/;
// this page only picks the view and wires them.

import * as api from './organize/api.js';
import { byId, make, show } from './shared/dom.js';
import { LANGUAGE_CHANGED, languagePicker, startLanguage, t } from './shared/i18n.js';
import { startLogin, startSetup } from './organize/auth.js';
import { readEnrolToken, startEnrol } from './organize/enrol.js';
import { SessionForm } from './organize/schedule-form.js';
import { renderLinks, seriesLinkSource, sessionLinkSource } from './organize/links.js';
import { meetingList, ruleText, SeriesList } from './organize/series-list.js';
import { SessionList } from './organize/session-list.js';
import { Tabs } from './organize/schedule-tabs.js';
import { SupportTab } from './organize/support-tab.js';
import { SupporterView } from './organize/supporter-view.js';
import { SupporterProfile } from './organize/supporter-profile.js';
import { whenText } from './organize/times.js';
import { errorMessage, say } from './organize/page-parts.js';

/** @typedef {import('./organize/api.js').Organizer} Organizer */
/** @typedef {'setup' | 'login' | 'schedule' | 'enrol' | 'supporter'} View */

const el = {
  loading: byId('loading', HTMLParagraphElement),
  message: byId('page-message', HTMLParagraphElement),
  brandPart: byId('brand-part', HTMLParagraphElement),
  account: byId('account', HTMLDivElement),
  accountName: byId('account-name', HTMLSpanElement),
  logout: byId('logout', HTMLButtonElement),
  views: {
    setup: byId('setup-view', HTMLElement),
    login: byId('login-view', HTMLElement),
    schedule: byId('schedule-view', HTMLElement),
    enrol: byId('enrol-view', HTMLElement),
    supporter: byId('supporter-view', HTMLElement),
  },
  zoneNote: byId('zone-note', HTMLParagraphElement),
  supporterZoneNote: byId('supporter-zone-note', HTMLParagraphElement),
  newSession: byId('new-session', HTMLButtonElement),
  formClose: byId('session-close', HTMLButtonElement),
  created: byId('created-panel', HTMLElement),
  createdHeading: byId('created-heading', HTMLHeadingElement),
  createdSummary: byId('created-summary', HTMLParagraphElement),
  createdLinks: byId('created-links', HTMLDivElement),
  createdMeetings: byId('created-meetings', HTMLDivElement),
  createdDone: byId('created-done', HTMLButtonElement),
};

// Before any text is drawn: the organizer modules registered their words on import.
startLanguage();
languagePicker(byId('language', HTMLSelectElement));

/** Who is logged in: an organizer, or a peer supporter (`role`). @type {Organizer | null} */
let organizer = null;
/** @type {View | null} */
let currentView = null;
/** What the "just scheduled" panel shows, to draw it again in another language. @type {(() => void) | null} */
let drawCreated = null;

/** @param {unknown} error a 401: the login ended (expired, or logged out elsewhere) */
function loginEnded(error) {
  organizer = null;
  showView('login');
  say(el.message, errorMessage(error), 'info');
}

const list = new SessionList(el.message, loginEnded);
const groups = new SeriesList(el.message, loginEnded);
const support = new SupportTab(el.message, loginEnded);
const tabs = new Tabs(['upcoming', 'groups', 'past', 'support'], async (name, switched) => {
  if (switched) say(el.message, '');
  if (name === 'groups') await groups.load();
  else if (name === 'support') await support.load();
  else await list.select(name);
});
const requests = new SupporterView(el.message, loginEnded);
const profile = new SupporterProfile(loginEnded, (mine) => {
  // Their requests are shown on their profile's clock, which they may just have changed.
  const moved = requests.timeZone !== mine.time_zone;
  requests.timeZone = mine.time_zone;
  el.supporterZoneNote.textContent = t('organize.zone_note', { zone: mine.time_zone.replaceAll('_', ' ') });
  if (moved) requests.draw();
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
  show(el.account, (view === 'schedule' || view === 'supporter') && organizer !== null);
  // Whose pages these are, in the header: a supporter's are not the organizers'.
  const part = view === 'supporter' || view === 'enrol' ? 'supporter.brand_part' : 'organize.brand_part';
  el.brandPart.dataset.i18n = part;
  el.brandPart.textContent = t(part);
  currentView = view;
  drawTitle();
  const heading = el.views[view].querySelector('h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

function drawTitle() {
  const titles = {
    setup: 'organize.title.setup',
    login: 'organize.title.login',
    schedule: 'organize.title.schedule',
    enrol: 'supporter.enrol.title',
    supporter: 'supporter.title',
  };
  if (currentView) document.title = t(titles[currentView]);
}

/** @param {Organizer} who */
function zoneNote(who) {
  el.zoneNote.textContent = t('organize.zone_note', { zone: who.time_zone.replaceAll('_', ' ') });
}

/** @param {Organizer} who */
function enter(who) {
  organizer = who;
  // The setup token and the login page's path are spent: the address is now the schedule.
  if (location.pathname !== '/organize' || location.hash) history.replaceState(null, '', '/organize');
  el.accountName.textContent = who.name;
  say(el.message, '');
  if (who.role === 'supporter') {
    // The account's zone until their profile (which they can change) says otherwise.
    requests.timeZone = who.time_zone;
    void enterSupporter();
    return;
  }
  zoneNote(who);
  list.timeZone = who.time_zone;
  groups.timeZone = who.time_zone;
  support.timeZone = who.time_zone;
  show(el.created, false);
  form.close();
  el.newSession.setAttribute('aria-expanded', 'false');
  showView('schedule');
  void tabs.select('upcoming');
}

/** A peer supporter: their own requests and profile, instead of the schedule. */
async function enterSupporter() {
  showView('supporter');
  // The profile first: it holds the clock their requests are shown on.
  await profile.load();
  await requests.load();
}

/** @param {{session: import('./organize/api.js').SessionView, links: import('./organize/api.js').Links}} created */
function onCreated({ session, links }) {
  drawCreated = () => {
    el.createdHeading.textContent = t('organize.created.session');
    el.createdSummary.replaceChildren(
      make('strong', { text: session.title }),
      document.createTextNode(`, ${whenText(session, organizer?.time_zone ?? session.time_zone)}.`),
    );
    renderLinks(el.createdLinks, sessionLinkSource(session), links, loginEnded);
    el.createdMeetings.replaceChildren();
  };
  drawCreated();
  showCreated();
}

/**
 * A group: its rule, its links (one pair for every meeting), its calendar
 * feed, and the list of its meetings.
 * @param {import('./organize/api.js').SeriesDetail} created
 */
function onSeriesCreated(created) {
  const zone = organizer?.time_zone ?? created.series.time_zone ?? 'UTC';
  const first = created.occurrences[0];
  drawCreated = () => {
    el.createdHeading.textContent = t('organize.created.group');
    // After the title and a colon, the rule goes on the sentence: "every two weeks, 4 meetings".
    const full = ruleText(created);
    const rule = full.charAt(0).toLocaleLowerCase() + full.slice(1);
    const ruleLine = first ? t('organize.created.group_first', { rule, when: whenText(first, zone) }) : t('organize.created.group_plain', { rule });
    el.createdSummary.replaceChildren(
      make('strong', { text: created.series.title }),
      document.createTextNode(`: ${ruleLine} ${t('organize.created.group_links')}`),
    );
    renderLinks(el.createdLinks, seriesLinkSource(created), created.links, loginEnded);
    el.createdMeetings.replaceChildren(
      make('h3', { className: 'meetings-heading', text: t('organize.meetings') }),
      meetingList(created, zone),
    );
  };
  drawCreated();
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
    say(el.message, t('organize.logged_out'), 'ok');
  } catch (error) {
    say(el.message, errorMessage(error), 'error');
  } finally {
    el.logout.disabled = false;
  }
});

startLogin(enter);

/** Picks the first view from the address and the login cookie. */
async function begin() {
  const path = location.pathname.replace(/\/$/, '');
  const setupPath = path === '/organize/setup';
  const token = setupPath ? location.hash.slice(1).trim() : '';
  if (setupPath && token) {
    startSetup(token, enter);
    showView('setup');
    return;
  }
  if (setupPath) say(el.message, t('organize.setup.missing_token'), 'error');
  if (path === '/organize/enrol') {
    const enrolToken = readEnrolToken();
    if (enrolToken) {
      startEnrol(enrolToken, (who) => {
        enter(who);
        say(el.message, t('supporter.enrol.welcome', { name: who.name }), 'ok');
      });
      showView('enrol');
      return;
    }
    say(el.message, t('supporter.enrol.missing_token'), 'error');
  }
  try {
    enter(await api.me());
  } catch (error) {
    showView('login');
    if (!(error instanceof api.ApiError && error.status === 401)) say(el.message, errorMessage(error), 'error');
  }
}

// Another language: the page's marked words change by themselves (i18n.js);
// what the scripts wrote is written again. Messages already shown stay as they were said.
document.addEventListener(LANGUAGE_CHANGED, () => {
  drawTitle();
  form.repeat.update();
  if (organizer && currentView === 'supporter') {
    el.supporterZoneNote.textContent = t('organize.zone_note', { zone: requests.timeZone.replaceAll('_', ' ') });
    requests.draw();
    profile.draw();
    return;
  }
  if (!organizer || currentView !== 'schedule') return;
  zoneNote(organizer);
  if (!el.created.hidden) drawCreated?.();
  void tabs.select(tabs.current);
});

void begin();

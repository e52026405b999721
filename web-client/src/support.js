// The support page (support.html): the public front door for one-on-one peer
// support. Anyone may open it, with no account. Without a token it shows the
// request form (support/front-door.js); with `#TOKEN`, the private link, it
// shows that request (support/request-status.js). On every view the crisis
// banner comes first, with the deployment's own resources once the server
// has said them. This file picks the view, draws the banner and wires the
// parts; the calls to the server are in support/api.js.

import { byId, make, show } from './shared/dom.js';
import { define, LANGUAGE_CHANGED, languagePicker, startLanguage, t } from './shared/i18n.js';
import defaultsStrings from './room/strings-defaults.js';
import * as api from './support/api.js';
import { FrontDoorForm } from './support/front-door.js';
import { forgetToken, readToken, RequestStatus } from './support/request-status.js';
import strings from './support/strings-support.js';

/** @typedef {'ask' | 'sent' | 'status'} View */
/** @typedef {import('./support/api.js').CrisisResource} CrisisResource */

// The page's words, and the server's built-in crisis resources in both
// languages (the room's defaults.js does the same, but brings all the
// room's words with it: this page stays small for a phone at night).
define(strings);
define(defaultsStrings);
startLanguage();
languagePicker(byId('language', HTMLSelectElement));

const el = {
  loading: byId('loading', HTMLParagraphElement),
  message: byId('page-message', HTMLParagraphElement),
  crisisList: byId('crisis-list', HTMLUListElement),
  views: {
    ask: byId('ask-view', HTMLElement),
    sent: byId('sent-view', HTMLElement),
    status: byId('status-view', HTMLElement),
  },
};

/** The built-in English sentences (server/src/crisis.rs), to their keys. */
const BUILT_IN = new Map(Object.entries(defaultsStrings.en)
  .filter(([key]) => key.startsWith('defaults.crisis.'))
  .map(([key, english]) => [english, key]));

/** Until the server answers: its built-in resources, which are Canada's. @type {CrisisResource[]} */
let crisis = [
  { label: defaultsStrings.en['defaults.crisis.988_label'], contact: defaultsStrings.en['defaults.crisis.988_contact'] },
  { label: defaultsStrings.en['defaults.crisis.911_label'], contact: defaultsStrings.en['defaults.crisis.911_contact'] },
];

/**
 * A built-in sentence in the page's language; a deployment's own as written.
 * @param {string} text
 */
function crisisWords(text) {
  const key = BUILT_IN.get(text.trim());
  return key ? t(key) : text;
}

/** The banner at the top, and the footer's line, with the same resources. */
function drawCrisis() {
  const resources = crisis.map((r) => ({ label: crisisWords(r.label), contact: crisisWords(r.contact) }));
  el.crisisList.replaceChildren(...resources.map((r) => make('li', {}, [
    make('strong', { text: r.label }), document.createTextNode(`: ${r.contact}`),
  ])));
  const footer = document.getElementById('crisis');
  if (!footer) return;
  footer.replaceChildren(`${t('door.crisis.footer_lead')} `);
  resources.forEach((r, index) => {
    if (index > 0) footer.append('; ');
    footer.append(`${r.label}: `, make('strong', { text: r.contact }));
  });
  footer.append('.');
}

/** @type {View | null} */
let current = null;

/**
 * Shows one view. Focus moves to its heading only for a change within the
 * page: on arrival, a screen reader starts at the top, with the crisis banner.
 * @param {View} view
 * @param {boolean} focus
 */
function showView(view, focus) {
  show(el.loading, false);
  for (const [name, section] of Object.entries(el.views)) show(section, name === view);
  current = view;
  if (focus) {
    const heading = el.views[view].querySelector('h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }
}

const form = new FrontDoorForm({ showView });
const request = new RequestStatus({
  showView,
  askAgain: () => {
    forgetToken();
    showView('ask', true);
  },
});

// The header's "Talk to a peer" is this page.
document.querySelector('.top a[href="/support"]')?.setAttribute('aria-current', 'page');

async function begin() {
  const token = readToken();
  const door = api.frontDoor().catch(() => null);
  if (token) void request.open(token, false);
  const answer = await door;
  if (answer) {
    crisis = answer.crisis_resources.length ? answer.crisis_resources : crisis;
    drawCrisis();
  }
  form.setup(answer);
  if (!answer && !token) {
    el.message.textContent = t('door.error.front_door');
    show(el.message, true);
  }
  if (current === null) showView('ask', false);
}

// The confirmation's "Open my request" (or a private link pasted over this
// page) changes only the fragment, which does not reload the page.
window.addEventListener('hashchange', () => {
  if (location.hash.length <= 1) return;
  const token = readToken();
  if (!token) return;
  show(el.message, false);
  void request.open(token, true);
});

document.addEventListener(LANGUAGE_CHANGED, () => {
  document.title = t('door.title');
  drawCrisis();
});

document.title = t('door.title');
drawCrisis();
void begin();

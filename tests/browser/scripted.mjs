// What the newer browser suites share besides the harness: the organizers'
// API from Node (log in, schedule), and people who join by a script in a
// page of the server's own origin, with no camera and no page of their own:
// enough to fill a room, lock it or end a session without a whole browser
// each; and a one-on-one support team (an organizer and an enrolled peer
// supporter, through their API). All speak to the real server, as a
// browser, an organizer or a supporter would.

import assert from 'node:assert/strict';

/** @typedef {import('./support.mjs').Harness} Harness */
/** @typedef {import('playwright-core').Page} Page */

/**
 * An organizer logged in to the API, as the organizers' page is.
 * @param {Harness} harness
 * @param {string} email
 */
export async function organizerApi(harness, email) {
  const password = 'quiet meadow lantern';
  harness.addOrganizer({ email, name: 'Organizer', timeZone: 'America/Toronto', password });
  const login = await fetch(`${harness.links.url}/api/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  assert.equal(login.status, 200, `login: ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  /**
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   * @returns {Promise<any>}
   */
  return async (method, path, body) => {
    const response = await fetch(`${harness.links.url}${path}`, {
      method,
      headers: { Cookie: cookie, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

/** The token in a join link's fragment. @param {string} link */
export const tokenOf = (link) => decodeURIComponent(new URL(link).hash.slice(1));

/** A time as RFC 3339, to the second. @param {number} millis */
export const rfc3339 = (millis) => new Date(millis).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A page of the server's own origin that holds scripted connections.
 * @param {Harness} harness
 */
export async function scriptedPage(harness) {
  const { page } = await harness.openPage({ viewport: { width: 400, height: 300 } });
  await page.goto(`${harness.links.url}/`);
  return page;
}

/**
 * Someone who joins with `token` over a WebSocket of `page`, and stays
 * connected; answers `joined`. Their requests go through `request`.
 * @param {Page} page
 * @param {string} token
 * @param {string} name
 * @returns {Promise<number>} which of the page's connections it is
 */
export async function scriptedJoin(page, token, name) {
  return page.evaluate(async ({ token: link, name: who }) => {
    const w = /** @type {any} */ (window);
    w.scripted ??= [];
    const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws`);
    /** @type {Map<number, (reply: any) => void>} */
    const waiting = new Map();
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(event.data);
      if (message.type !== 'pulse' && typeof message.id === 'number') waiting.get(message.id)?.(message);
    });
    let next = 1;
    const ask = (/** @type {any} */ message) => new Promise((done) => {
      const id = next++;
      waiting.set(id, done);
      socket.send(JSON.stringify({ ...message, id }));
    });
    await new Promise((open) => socket.addEventListener('open', open, { once: true }));
    await ask({ type: 'hello', version: 1 });
    const device = crypto.randomUUID().replaceAll('-', '');
    const joined = await ask({ type: 'join', token: link, name: who, device });
    if (joined.type !== 'joined') throw new Error(`join: ${JSON.stringify(joined)}`);
    w.scripted.push({ socket, ask });
    return w.scripted.length - 1;
  }, { token, name });
}

/**
 * A request from a scripted person; answers the reply.
 * @param {Page} page
 * @param {number} who
 * @param {object} message
 */
export function scriptedRequest(page, who, message) {
  return page.evaluate(({ index, request }) => /** @type {any} */ (window).scripted[index].ask(request), { index: who, request: message });
}

/**
 * An organizer and an enrolled peer supporter (in Halifax), each with their
 * own login to the API, as their pages will use it.
 * @param {Harness} where
 */
export async function supportTeam(where) {
  const organizer = await organizerApi(where, 'lee@example.org');
  const { supporter, enrol_link: enrolLink } = await organizer('POST', '/api/supporters', {
    name: 'Dr. Alex Martin', email: 'alex.martin@example.org', practice_areas: ['Emergency medicine'],
    practice_status: 'practising', years_band: '6-15', languages: ['fr', 'en'], trained_on: '2026-09-30',
  });
  const enrolled = await fetch(`${where.links.url}/api/supporters/enrol`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: tokenOf(enrolLink), password: 'calm river stone path', time_zone: 'America/Halifax' }),
  });
  assert.equal(enrolled.status, 200, 'the supporter enrols');
  const cookie = (enrolled.headers.get('set-cookie') ?? '').split(';')[0];
  /**
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   * @returns {Promise<any>}
   */
  const asSupporter = async (method, path, body) => {
    const response = await fetch(`${where.links.url}${path}`, {
      method,
      headers: { Cookie: cookie, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  /**
   * Matches the waiting request whose times say `times` with the supporter.
   * @param {string} times
   * @param {number} startsAt
   */
  const match = async (times, startsAt) => {
    const waiting = await organizer('GET', '/api/support/open-requests');
    const request = waiting.find((/** @type {any} */ r) => r.times === times && r.state === 'requested');
    assert.ok(request, `a waiting request for "${times}"`);
    await organizer('POST', `/api/support/open-requests/${request.id}/match`, { supporter_id: supporter.id, starts_at: rfc3339(startsAt), minutes: 45 });
    return request.id;
  };
  return { supporter: asSupporter, match };
}

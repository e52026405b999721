// Browser story of one-on-one peer support, through the real server binary
// in headless Chromium: a physician on a phone asks for a peer in French at
// the front door and gets a private link; an organizer matches them with a
// supporter and the supporter accepts the time (through their API, as their
// pages to come will); the physician opens the room from their request's
// page and the supporter from their own link; each sees and hears the
// other (getStats: inbound audio and video, decoded); the room is for two,
// with no console and "I need more help now", which shows the crisis
// resources. Screenshots of every step, the physician's in French, the
// supporter's in English.
//
// Run from the repository root: `node --test tests/browser/support-room.test.mjs`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { Harness, TIME_ZONE, assertSeen, checkAccessibility, joinAs, leaveRoom } from './support.mjs';
import { ownId, receivesFrom } from './media-stats.mjs';
import { supportTeam } from './scripted.mjs';

const PREFIX = 'one-on-one-';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, timezoneId: TIME_ZONE, locale: 'fr-CA', acceptDownloads: true };
const LAPTOP = { viewport: { width: 1366, height: 768 }, timezoneId: 'America/Halifax', locale: 'en-CA' };

const harness = new Harness();
before(() => harness.start());
after(() => harness.stop());

test('a physician asks in French, is matched, and meets their supporter in a room for two', async (t) => {
  const physician = await harness.openPage(PHONE);
  const supporter = await harness.openPage(LAPTOP);
  const p = physician.page;
  const s = supporter.page;
  try {
    // The front door, in French, with a private link.
    await p.goto(`${harness.links.url}/support?lang=fr`);
    await p.getByLabel('Prénom ou pseudonyme').fill('Sam');
    await p.getByLabel('Moments qui vous conviennent').fill('Ce soir, dès que possible');
    await p.getByLabel('Montrez-moi un lien privé maintenant, sans courriel').check();
    await harness.screenshot(p, 'physician-asks-fr', PREFIX);
    await p.getByRole('button', { name: 'Demander un pair' }).click();
    const link = await p.getByLabel('Votre lien privé', { exact: true }).inputValue();
    await harness.screenshot(p, 'physician-private-link-fr', PREFIX);

    // The organizer matches; the supporter accepts the time suggested.
    const team = await supportTeam(harness);
    const id = await team.match('Ce soir, dès que possible', Date.now() + 2 * 60_000);
    const accepted = await team.supporter('POST', `/api/me/requests/${id}/accept`, {});
    assert.equal(accepted.state, 'agreed');
    assert.ok(accepted.room_link, 'the supporter has their host link');

    // The physician's page now offers the room.
    await p.goto(link);
    const open = p.getByRole('link', { name: 'Ouvrir la salle' });
    await open.waitFor();
    await assertSeen(open, 'Open the room, on a phone');
    await harness.screenshot(p, 'physician-time-agreed-fr', PREFIX);
    // The meeting for their calendar, with their own link in it.
    const download = p.waitForEvent('download');
    await p.getByRole('button', { name: 'Ajouter à mon agenda' }).click();
    const file = await download;
    const ics = await readFile(/** @type {string} */ (await file.path()), 'utf8');
    const roomLink = await open.getAttribute('href');
    assert.ok(roomLink && ics.replaceAll('\r\n ', '').includes(roomLink), 'the calendar file carries their own room link');
    assert.match(ics, /BEGIN:VEVENT/);
    await open.click();
    await joinAs(p, 'Sam');
    // Their own ground rules, in French; no waiting room after them.
    await p.locator('#rules').getByText('Ce qui se dit ici reste entre nous.').waitFor();
    await harness.screenshot(p, 'physician-rules-fr', PREFIX);
    await p.locator('#accept-rules').click();
    await p.locator('#room').waitFor({ state: 'visible' });

    await s.goto(accepted.room_link);
    await joinAs(s, 'Dr. Alex Martin');
    await s.locator('#room').waitFor({ state: 'visible' });
    const [physicianId, supporterId] = [await ownId(p), await ownId(s)];
    await receivesFrom(p, supporterId, 'the physician');
    await receivesFrom(s, physicianId, 'the supporter');
    assert.ok(await s.locator('#console-button').isHidden(), 'a room for two has no host console');
    await assertSeen(s.getByRole('button', { name: 'I need more help now' }), 'the supporter\'s "I need more help now"');
    await harness.screenshot(s, 'supporter-in-the-room-en', PREFIX);
    await checkAccessibility(s, 'the one-on-one room, the supporter\'s');

    // "I need more help now" shows the crisis resources at once.
    const moreHelp = p.getByRole('button', { name: "J'ai besoin d'aide tout de suite" });
    await assertSeen(moreHelp, '"I need more help now", on a phone');
    await harness.screenshot(p, 'physician-in-the-room-fr', PREFIX);
    await moreHelp.click();
    const dialog = p.locator('#help-dialog');
    await dialog.waitFor({ state: 'visible' });
    await dialog.getByText('988').first().waitFor();
    await harness.screenshot(p, 'physician-more-help-fr', PREFIX);
    await checkAccessibility(p, 'the crisis resources in a one-on-one room');
    await p.keyboard.press('Escape');

    await leaveRoom(p);
    await leaveRoom(s);
    const met = await team.supporter('POST', `/api/me/requests/${id}/met`, { follow_up: true });
    assert.equal(met.state, 'met');
    assert.deepEqual(physician.problems, [], 'no errors on the physician\'s pages');
    assert.deepEqual(supporter.problems, [], 'no errors on the supporter\'s page');
  } catch (error) {
    await harness.diagnose(t, { physician, supporter }, PREFIX);
    throw error;
  }
});

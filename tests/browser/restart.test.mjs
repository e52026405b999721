// The server restarts under a session, as an upgrade would: everyone's page
// says so calmly, reconnects by itself once the server is back, and the
// facilitator and the participant find each other in the room again. The
// room is rebuilt from the database; places kept in memory are not, so the
// pages join afresh with the links they came with and say that too, and the
// participant, who was in, goes straight back in (no rules, no waiting).
//
// Run from the repository root: `node --test tests/browser/restart.test.mjs`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { Harness, enterWithDoorOpen, joinAs, openTab } from './support.mjs';

const PREFIX = 'restart-';
const harness = new Harness();
before(() => harness.start());
after(() => harness.stop());

test('a server restart is announced, and both people come back to the room by themselves', async (t) => {
  const host = await harness.openPage({ viewport: { width: 1024, height: 700 } });
  const sam = await harness.openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    await enterWithDoorOpen(host.page, harness.links.facilitator);
    await sam.page.goto(harness.links.participant);
    await joinAs(sam.page, 'Sam');
    await sam.page.locator('#accept-rules').click();
    await sam.page.locator('#room').waitFor({ state: 'visible' });
    await openTab(host.page, 'people');
    await openTab(sam.page, 'people');
    await host.page.locator('#participants li', { hasText: 'Sam' }).waitFor();

    // SIGTERM: the server tells every page it is restarting before it goes.
    const stopped = harness.restartServer();
    for (const { page } of [host, sam]) {
      await page.locator('#connection-banner', { hasText: 'The server is restarting' }).waitFor();
    }
    await harness.screenshot(sam.page, 'participant-told-server-restarts', PREFIX);
    await stopped;

    // Back: each page reconnects by itself and is in the room again.
    for (const { page } of [host, sam]) {
      // A regular expression: the restarting notice says "connected again in a moment".
      await page.locator('#connection-banner', { hasText: /^Connected again/ }).waitFor({ timeout: 30_000 });
      await page.locator('#room').waitFor({ state: 'visible' });
    }
    await host.page.locator('#participants li', { hasText: 'Sam' }).waitFor({ timeout: 30_000 });
    await sam.page.locator('#participants li', { hasText: 'Dr. Rivera' }).waitFor();
    await harness.screenshot(sam.page, 'participant-back-after-restart', PREFIX);
    assert.deepEqual(host.problems, [], 'no errors on the facilitator page');
    assert.deepEqual(sam.problems, [], 'no errors on the participant page');
  } catch (error) {
    await harness.diagnose(t, { host, sam }, PREFIX);
    throw error;
  }
});

// Browser test of the way in and the room's basics on a phone: the device
// check (camera preview, microphone level, choice of devices, joining with
// the microphone off), the ground rules and the waiting room with the start
// time, keyboard shortcuts that reach the facilitator, the connection banner
// through a dropped network, the video grid with three people, and the join
// step in French.
//
// Run from the repository root: `node --test tests/browser/device-check.test.mjs`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { Harness, assertInView, assertNoPageScroll, checkAccessibility, joinAs, openTab } from './support.mjs';

const PREFIX = 'device-';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const LAPTOP = { viewport: { width: 1280, height: 800 } };
/** Reconnecting after a drop takes a few backed-off tries. */
const RECONNECT_TIMEOUT_MS = 20_000;
/** A busy test machine can take a while to load a page. */
const NAVIGATION_TIMEOUT_MS = 30_000;
/** What the browser itself logs while the network is cut: expected, not the page's fault. */
const OFFLINE_NOISE = /ERR_INTERNET_DISCONNECTED/;

const harness = new Harness();

before(() => harness.start());
after(() => harness.stop());

/** @typedef {import('./support.mjs').TestPage} TestPage */

/**
 * Nothing wider than the phone: no sideways scrolling.
 * @param {import('playwright-core').Page} page
 * @param {string} where
 */
async function fitsThePhone(page, where) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `${where}: the page is ${width}px wide on a 390px phone`);
}

/**
 * Every visible control inside `scope` is at least 44 by 44 px to tap (a
 * checkbox through its label).
 * @param {import('playwright-core').Page} page
 * @param {string} scope a CSS selector
 * @param {string} where
 */
async function tapTargetsFit(page, scope, where) {
  const small = await page.evaluate((selector) => {
    const root = document.querySelector(selector);
    if (!root) return [`no ${selector}`];
    return [...root.querySelectorAll('button, select, input, summary')]
      .filter((control) => control instanceof HTMLElement && control.offsetParent !== null)
      .map((control) => {
        const target = control instanceof HTMLInputElement && control.type === 'checkbox'
          ? document.querySelector(`label[for="${control.id}"]`) ?? control : control;
        const { width, height } = target.getBoundingClientRect();
        return { name: control.id || control.textContent?.trim() || control.tagName, width, height };
      })
      .filter(({ width, height }) => width < 44 || height < 43.5)
      .map(({ name, width, height }) => `${name} (${Math.round(width)}x${Math.round(height)})`);
  }, scope);
  assert.deepEqual(small, [], `${where}: tap targets under 44px`);
}

/**
 * On failure, saves what each page showed and the server log.
 * @param {import('node:test').TestContext} t
 * @param {Record<string, TestPage>} pages
 * @param {() => Promise<void>} scenario
 */
async function withDiagnosis(t, pages, scenario) {
  try {
    await scenario();
  } catch (error) {
    await harness.diagnose(t, pages, PREFIX);
    throw error;
  }
}

test('a participant on a phone checks their devices, enters muted, uses the keys and rides out a dropped network', { timeout: 180_000 }, async (t) => {
  /** @type {Record<string, TestPage>} */
  const pages = {};
  await withDiagnosis(t, pages, async () => {
    const f = pages.facilitator = await harness.openPage(LAPTOP);
    f.page.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
    await f.page.goto(harness.links.facilitator);
    await joinAs(f.page, 'Dr. Rivera');
    await f.page.locator('#room').waitFor({ state: 'visible' });
    await checkAccessibility(f.page, 'the facilitator\'s room');

    // The name, on a phone.
    const p = pages.participant = await harness.openPage(PHONE);
    p.page.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
    const page = p.page;
    await page.goto(harness.links.participant);
    await page.locator('#join-step').waitFor({ state: 'visible' });
    await checkAccessibility(page, 'the name step on a phone');
    await fitsThePhone(page, 'the name step');
    await tapTargetsFit(page, '#join-step', 'the name step');
    await harness.screenshot(page, 'name', PREFIX);
    await page.locator('#name').fill('Sam');
    await page.locator('#join-button').click();

    // The device check: a live preview, a moving level, both lists filled.
    await page.locator('#device-step').waitFor({ state: 'visible' });
    await page.locator('#device-state', { hasText: 'ready' }).waitFor();
    await page.waitForFunction(() => {
      const video = document.getElementById('preview');
      return video instanceof HTMLVideoElement && video.videoWidth > 0 && !video.paused;
    });
    await page.waitForFunction(() => {
      // Chromium's fake microphone beeps: the level must go up and down.
      const meter = /** @type {HTMLMeterElement} */ (document.getElementById('mic-level'));
      const seen = /** @type {any} */ (window).levelsSeen ??= new Set();
      seen.add(meter.value);
      return seen.size >= 3 && Math.max(...seen) > 0;
    }, null, { polling: 100, timeout: 15_000 });
    assert.ok(await page.locator('#camera-select option').count() >= 1, 'the cameras are listed');
    assert.ok(await page.locator('#mic-select option').count() >= 1, 'the microphones are listed');
    await page.locator('#mic-heard', { hasText: 'working' }).waitFor();
    await checkAccessibility(page, 'the device check on a phone');
    await fitsThePhone(page, 'the device check');
    await tapTargetsFit(page, '#device-step', 'the device check');
    await harness.screenshot(page, 'device-check', PREFIX);

    // Microphone off for entering, then the ground rules.
    await page.locator('label[for="mic-off-choice"]').click();
    await page.locator('#mic-heard', { hasText: 'off when you enter' }).waitFor();
    await harness.screenshot(page, 'device-check-mic-off', PREFIX);
    await page.locator('#device-continue').click();
    await page.locator('#accept-rules').waitFor({ state: 'visible' });
    await checkAccessibility(page, 'the ground rules on a phone');
    await page.locator('#accept-rules').click();

    // The waiting room says when the session starts (the demo started just now).
    await page.locator('#waiting').waitFor({ state: 'visible' });
    const start = await page.locator('#session-start').innerText();
    assert.match(start, /^The session (started|starts) at \d{1,2}:\d{2}/, `the start time: ${start}`);
    await checkAccessibility(page, 'the waiting room on a phone');
    await fitsThePhone(page, 'the waiting room');
    await tapTargetsFit(page, '#gate', 'the waiting room');
    await harness.screenshot(page, 'waiting-with-start-time', PREFIX);

    // Admitted: the room shows the microphone off, and so does the facilitator's view.
    await f.page.locator('#waiting-list li', { hasText: 'Sam' }).locator('[data-admit]').click();
    await page.locator('#room').waitFor({ state: 'visible' });
    const mic = page.locator('#mic-button');
    await page.locator('#mic-button[aria-pressed="false"]:not([disabled])').waitFor();
    await page.locator('#camera-button[aria-pressed="true"]').waitFor();
    assert.equal(await mic.getAttribute('aria-keyshortcuts'), 'M');
    const id = Number(await page.locator('#tiles li.tile-mine').getAttribute('data-participant'));
    const samTile = f.page.locator(`#tiles li[data-participant="${id}"]`);
    await samTile.locator('.tile-flag', { hasText: 'Mic off' }).waitFor();
    await openTab(f.page, 'people');
    await f.page.locator(`#participants li[data-participant="${id}"]`, { hasText: 'mic off' }).waitFor();
    await checkAccessibility(page, 'the room on a phone');
    await fitsThePhone(page, 'the room');
    await assertNoPageScroll(page, 'the room on a phone');
    await assertInView(page, '.control-bar', 'the control bar on a phone');
    await tapTargetsFit(page, '#stage', 'the stage');
    await tapTargetsFit(page, '.control-bar', 'the control bar');
    await harness.screenshot(page, 'room-phone-mic-off', PREFIX);
    await harness.screenshot(f.page, 'facilitator-sees-sam-muted', PREFIX);

    // A reload resumes the place with the same choice, without a second device check.
    await page.reload();
    await page.locator('#room').waitFor({ state: 'visible' });
    await page.locator('#mic-button[aria-pressed="false"]:not([disabled])').waitFor();
    assert.equal(await page.locator('#device-step').isVisible(), false, 'no device check after a reload');
    await samTile.locator('.tile-flag', { hasText: 'Mic off' }).waitFor();

    // M turns the microphone on, and the facilitator sees it.
    await page.keyboard.press('m');
    await page.locator('#mic-button[aria-pressed="true"]').waitFor();
    await page.locator('#shortcut-live', { hasText: 'Microphone on' }).waitFor({ state: 'attached' });
    await samTile.locator('.tile-flag').waitFor({ state: 'hidden' });
    assert.equal(await f.page.locator(`#participants li[data-participant="${id}"]`, { hasText: 'mic off' }).count(), 0);

    // H raises the hand, and the facilitator sees it in the queue.
    await page.keyboard.press('h');
    await page.locator('#hand-button[aria-pressed="true"]').waitFor();
    await page.locator('#shortcut-live', { hasText: 'Hand raised' }).waitFor({ state: 'attached' });
    await f.page.locator('#hand-queue li', { hasText: 'Sam' }).waitFor();
    await harness.screenshot(f.page, 'facilitator-sees-hand-from-key', PREFIX);

    // An "m" typed into the chat is a letter, not a switch: sent, and the microphone stays on.
    await openTab(page, 'chat');
    await openTab(f.page, 'chat');
    await page.locator('#chat-input').fill('');
    await page.locator('#chat-input').pressSequentially('m');
    assert.equal(await mic.getAttribute('aria-pressed'), 'true', 'typing m in the chat leaves the microphone alone');
    await page.locator('#chat-send').click();
    await f.page.locator('#chat-log li .text', { hasText: /^m$/ }).waitFor();
    assert.equal(await mic.getAttribute('aria-pressed'), 'true');
    assert.equal(await samTile.locator('.tile-flag', { hasText: 'Mic off' }).count(), 0, 'the facilitator still hears Sam');

    // The network drops: a calm banner, then back in the same place.
    // The page hears the browser's offline event: the socket over the gone
    // network may never close by itself, and the banner must not wait for it.
    await page.context().setOffline(true);
    const banner = page.locator('#connection-banner');
    await banner.filter({ hasText: /Reconnecting… you keep your place|Still reconnecting/ }).waitFor();
    assert.match(await page.locator('#status').innerText(), /Reconnecting/);
    await harness.screenshot(page, 'reconnecting-banner', PREFIX);
    await page.context().setOffline(false);
    await banner.filter({ hasText: 'Connected again' }).waitFor({ timeout: RECONNECT_TIMEOUT_MS });
    await page.waitForFunction(() => document.getElementById('connection-banner')?.textContent === '', null, { timeout: RECONNECT_TIMEOUT_MS });
    assert.ok(await page.locator('#room').isVisible(), 'still in the room');
    assert.match(await page.locator('#status').innerText(), /In the room/);
    await page.locator('#hand-button[aria-pressed="true"]').waitFor(); // the same place: the hand is still up
    await openTab(f.page, 'people');
    await f.page.locator(`#participants li[data-participant="${id}"]`, { hasText: 'Sam' }).waitFor();

    // A third person: the facilitator's laptop lays the tiles out in more than one column.
    const q = pages.third = await harness.openPage(LAPTOP);
    q.page.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
    await q.page.goto(harness.links.participant);
    await joinAs(q.page, 'Alex');
    await q.page.locator('#accept-rules').click();
    await openTab(f.page, 'waiting');
    await f.page.locator('#waiting-list li', { hasText: 'Alex' }).locator('[data-admit]').click();
    await q.page.locator('#room').waitFor({ state: 'visible' });
    await f.page.locator('#tiles li.tile').nth(2).waitFor();
    const lefts = await f.page.locator('#tiles li.tile').evaluateAll((tiles) =>
      tiles.map((tile) => Math.round(tile.getBoundingClientRect().left)));
    assert.equal(lefts.length, 3);
    assert.ok(new Set(lefts).size > 1, `tiles in more than one column: ${lefts}`);
    const ratio = await f.page.locator('#tiles li.tile').first().evaluate((tile) => tile.clientWidth / tile.clientHeight);
    assert.ok(Math.abs(ratio - 16 / 9) < 0.1, `tiles keep 16:9 (${ratio})`);
    await harness.screenshot(f.page, 'grid-three-people', PREFIX);

    for (const [who, { problems }] of Object.entries(pages)) {
      assert.deepEqual(problems.filter((problem) => !OFFLINE_NOISE.test(problem)), [], `no errors on the ${who}'s page`);
    }
    for (const { page: open } of Object.values(pages)) await open.context().close();
  });
});

test('the join step and the device check in French', { timeout: 60_000 }, async (t) => {
  /** @type {Record<string, TestPage>} */
  const pages = {};
  await withDiagnosis(t, pages, async () => {
    const p = pages.participant = await harness.openPage(PHONE);
    p.page.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
    await p.page.goto(harness.links.participant.replace('/join#', '/join?lang=fr#'));
    await p.page.locator('#join-heading', { hasText: 'Rejoindre votre séance' }).waitFor();
    assert.equal(await p.page.evaluate(() => document.documentElement.lang), 'fr');
    await p.page.locator('#crisis', { hasText: 'En cas de crise' }).waitFor();
    await p.page.locator('#join-button').click();
    await p.page.locator('#join-error', { hasText: 'Veuillez entrer un nom' }).waitFor();
    await harness.screenshot(p.page, 'name-fr', PREFIX);
    await p.page.locator('#name').fill('Camille');
    await p.page.locator('#join-button').click();
    await p.page.locator('#device-heading', { hasText: 'Vérifiez votre caméra et votre micro' }).waitFor();
    await p.page.locator('#device-state', { hasText: 'prêts' }).waitFor();
    await p.page.locator('label[for="camera-off-choice"]', { hasText: 'Entrer avec ma caméra éteinte' }).click();
    await p.page.locator('#preview-off', { hasText: 'Caméra éteinte' }).waitFor();
    await checkAccessibility(p.page, 'the device check in French');
    await fitsThePhone(p.page, 'the device check in French');
    await harness.screenshot(p.page, 'device-check-fr', PREFIX);
    // Switching language redraws what the scripts wrote, not only the markup.
    await p.page.locator('#language').selectOption('en');
    await p.page.locator('#device-state', { hasText: 'ready' }).waitFor();
    await p.page.locator('#status', { hasText: 'Checking your camera and microphone' }).waitFor();
    await p.page.locator('#language').selectOption('fr');
    await p.page.locator('#device-state', { hasText: 'prêts' }).waitFor();
    await p.page.locator('#device-continue').click();
    await p.page.locator('#accept-rules', { hasText: 'J’accepte les règles du groupe' }).waitFor();
    assert.match(await p.page.locator('#status').innerText(), /règles du groupe/);
    await harness.screenshot(p.page, 'rules-fr', PREFIX);
    assert.deepEqual(p.problems, [], 'no errors on the page');
    await p.page.context().close();
  });
});

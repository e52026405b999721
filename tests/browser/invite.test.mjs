// Browser test of inviting people by email, through the real server binary
// sending to a throwaway mail server (exim, testkit's `throwaway-mail`). An
// organizer opens "Invite by email" under a session, pastes three addresses
// (two in English, then one in French), sees each person with their own
// link, and "waiting to be sent" turn into "sent" without reloading; the
// three messages arrive with their link and calendar file, and one link
// opens the session on a phone. A bad address is refused with the list
// kept to fix. On a laptop and on a phone, the field and the Invite button
// are in view when the box opens. With no mail server, the box says nothing
// is sent and each link is there to copy.
//
// Run from the repository root: `node --test tests/browser/`

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

import { Harness, LOCALE, TIME_ZONE, assertSeen, checkAccessibility, root } from './support.mjs';
import { organizerApi } from './scripted.mjs';

const PREFIX = 'invite-';
const EMAIL = 'lee@example.org';
const MAIL_BIN = resolve(root, 'target/debug/throwaway-mail');
const LAPTOP = { viewport: { width: 1366, height: 768 }, timezoneId: TIME_ZONE, locale: LOCALE };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, timezoneId: TIME_ZONE, locale: LOCALE };

/** The throwaway mail server and the messages it has printed so far. */
class Mailbox {
  async start() {
    if (!existsSync(MAIL_BIN)) {
      const build = spawnSync('cargo', ['build', '-p', 'peer-room-testkit', '--bin', 'throwaway-mail'], { cwd: root, stdio: 'inherit' });
      assert.equal(build.status, 0, '`cargo build --bin throwaway-mail` failed');
    }
    this.child = spawn(MAIL_BIN, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    process.once('exit', () => this.child?.kill('SIGKILL'));
    /** @type {{to: string[], subject: string, text: string, html: string, attachments: {content_type: string, text: string}[]}[]} */
    this.messages = [];
    const lines = createInterface({ input: /** @type {import('node:stream').Readable} */ (this.child.stdout) });
    /** @type {number} */
    this.port = await new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error('throwaway-mail did not start in 10 s')), 10_000);
      lines.on('line', (line) => {
        const ready = /^ready (\d+)$/.exec(line);
        if (ready) {
          clearTimeout(timer);
          done(Number(ready[1]));
        } else this.messages.push(JSON.parse(line));
      });
    });
  }

  /** @param {number} count */
  async waitFor(count) {
    const deadline = Date.now() + 20_000;
    while (this.messages.length < count) {
      assert.ok(Date.now() < deadline, `${count} messages expected, ${this.messages.length} arrived`);
      await new Promise((done) => setTimeout(done, 100));
    }
    return this.messages;
  }

  stop() {
    this.child?.stdin?.end();
  }
}

const mailbox = new Mailbox();
const harness = new Harness();
const unmailed = new Harness();

before(async () => {
  await mailbox.start();
  await harness.start({
    PEER_ROOM_SMTP_HOST: '127.0.0.1',
    PEER_ROOM_SMTP_PORT: String(mailbox.port),
    PEER_ROOM_SMTP_SECURITY: 'none',
    PEER_ROOM_SMTP_FROM: 'PeerRoom <rooms@peer-room.test>',
  });
  await unmailed.start();
});
after(async () => {
  await harness.stop();
  await unmailed.stop();
  mailbox.stop();
});

/**
 * Schedules a session two days from now and logs the organizer's page in.
 * @param {Harness} where
 * @param {import('playwright-core').Page} page
 * @param {string} title
 */
async function sessionAndLogin(where, page, title) {
  const api = await organizerApi(where, EMAIL);
  const start = new Date(Date.now() + 2 * 86_400_000);
  const local = new Intl.DateTimeFormat('sv-SE', { timeZone: TIME_ZONE, dateStyle: 'short', timeStyle: 'short' }).format(start).replace(' ', 'T');
  const created = await api('POST', '/api/sessions', { title, starts_at: local, time_zone: TIME_ZONE, duration_minutes: 60, capacity: 12 });
  await page.goto(`${where.links.url}/organize`);
  await page.locator('#login-email').fill(EMAIL);
  await page.locator('#login-password').fill('quiet meadow lantern'); // organizerApi's
  await page.locator('#login-button').click();
  const item = page.locator(`[data-session="${created.session.id}"]`);
  await item.waitFor();
  return item;
}

test('an organizer invites three people by email; each gets their own link and calendar file', async (t) => {
  const organizer = await harness.openPage(LAPTOP);
  const ana = await harness.openPage(PHONE);
  const { page } = organizer;
  const phone = ana.page;
  try {
    const item = await sessionAndLogin(harness, page, 'Tuesday evening group');
    await item.getByRole('button', { name: 'Invite by email' }).click();
    const field = item.getByLabel('Email addresses');
    await assertSeen(field, 'the addresses field, on opening');
    await assertSeen(item.getByRole('button', { name: 'Invite', exact: true }), 'Invite, on opening');

    // A typo refuses the list, which stays to fix.
    await field.fill('ana@hopital.test, ben@hopital');
    await item.getByRole('button', { name: 'Invite', exact: true }).click();
    await item.locator('.field-error', { hasText: 'ben@hopital' }).waitFor();
    assert.equal(await field.inputValue(), 'ana@hopital.test, ben@hopital');
    await harness.screenshot(page, 'refused-address', PREFIX);

    await field.fill('ana@hopital.test\nben@hopital.test');
    await harness.screenshot(page, 'two-addresses', PREFIX);
    await item.getByRole('button', { name: 'Invite', exact: true }).click();
    await item.getByText('Invited: 2. Their invitations are on their way.').waitFor();
    await field.fill('chloe@clinique.test');
    await item.getByLabel('Language of their email').selectOption('fr');
    await item.getByRole('button', { name: 'Invite', exact: true }).click();
    await item.getByText('Invited: 1.', { exact: false }).waitFor();

    // "Waiting to be sent" becomes "sent" with no reload.
    const people = item.locator('.invitee');
    await page.waitForFunction(() => document.querySelectorAll('.invitee-mail[data-status="sent"]').length === 3, null, { timeout: 20_000 });
    assert.equal(await people.count(), 3);
    const lastCopy = people.last().getByRole('button', { name: 'Copy link for chloe@clinique.test' });
    await lastCopy.scrollIntoViewIfNeeded();
    await assertSeen(lastCopy, 'Copy for the last person');
    await harness.screenshot(page, 'three-invited', PREFIX);
    await checkAccessibility(page, 'the organizer\'s page with three people invited');

    const mail = await mailbox.waitFor(3);
    const links = [];
    for (const address of ['ana@hopital.test', 'ben@hopital.test', 'chloe@clinique.test']) {
      const message = mail.find((m) => m.to.includes(address));
      assert.ok(message, `a message to ${address}`);
      const link = /http:\/\/\S+\/join#\S+/.exec(message.text)?.[0];
      assert.ok(link, `a link in the message to ${address}`);
      const shown = await item.locator(`[data-invitee="${address}"] input.link-text`).inputValue();
      assert.equal(link, shown, 'the link in the mail is the one the organizer sees');
      links.push(link);
      const calendar = message.attachments.find((a) => a.content_type === 'text/calendar');
      assert.ok(calendar && /METHOD:REQUEST/.test(calendar.text) && /SUMMARY:Tuesday evening group/.test(calendar.text), 'a calendar invitation attached');
    }
    assert.equal(new Set(links).size, 3, 'three different links');
    const chloe = mail.find((m) => m.to.includes('chloe@clinique.test'));
    assert.match(chloe?.subject ?? '', /^Invitation : Tuesday evening group/);

    // Ana opens her link on her phone.
    await phone.goto(links[0]);
    await phone.getByText('Tuesday evening group').first().waitFor();
    await harness.screenshot(phone, 'link-opened-on-a-phone', PREFIX);
    // The one refusal is the typo's.
    const unexpected = organizer.problems.filter((p) => !/(HTTP 400 for .*\/invitees$)|status of 40[01]|HTTP 401 for .*\/api\/me$/.test(p));
    assert.deepEqual(unexpected, [], 'no unexpected errors on the organizer page');
    assert.deepEqual(ana.problems, [], 'no errors on the join page');
  } catch (error) {
    await harness.diagnose(t, { organizer, ana }, PREFIX);
    throw error;
  }
});

test('on a phone the invitation box fits, and with no mail server it says nothing is sent', async (t) => {
  const organizer = await unmailed.openPage(PHONE);
  const { page } = organizer;
  try {
    const item = await sessionAndLogin(unmailed, page, 'Night shift group');
    await item.getByRole('button', { name: 'Invite by email' }).click();
    await item.locator('[data-mail="off"]').waitFor();
    const field = item.getByLabel('Email addresses');
    await assertSeen(field, 'the addresses field on a phone');
    await field.fill('dee@hopital.test');
    await item.getByRole('button', { name: 'Invite', exact: true }).click();
    await item.getByText('Nothing was emailed: copy each link below.', { exact: false }).waitFor();
    const copy = item.getByRole('button', { name: 'Copy link for dee@hopital.test' });
    await copy.scrollIntoViewIfNeeded();
    await assertSeen(copy, 'Copy on a phone');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width} px wide on a 390 px phone`);
    await harness.screenshot(page, 'no-mail-server-phone', PREFIX);
    await checkAccessibility(page, 'the invitation box with no mail server');
    const unexpected = organizer.problems.filter((p) => !/status of 401|HTTP 401 for .*\/api\/me$/.test(p));
    assert.deepEqual(unexpected, [], 'no errors on the organizer page but "who am I" before logging in');
  } catch (error) {
    await unmailed.diagnose(t, { organizer }, PREFIX);
    throw error;
  }
});

// Times of day are written one way per locale on every page: a single time
// and a range agree on the hour's digits ("08:30" and "08:30–09:30" in
// en-GB, "8 h 30" in fr-CA), and a time that ends with its own full stop
// ("10:38 p.m.") does not double the sentence's. No DOM: the language is
// chosen through the browser's preferred languages, stubbed here.

import assert from 'node:assert/strict';
import { test } from 'node:test';

/** The browser's preferred languages, as i18n.js reads them. */
const preferred = { languages: ['en-GB'] };
Object.defineProperty(globalThis, 'navigator', { value: preferred, configurable: true });
Object.assign(globalThis, {
  localStorage: { getItem: () => null, setItem: () => {} },
  document: { querySelectorAll: () => [], documentElement: {}, dispatchEvent: () => true },
  CustomEvent: class { constructor(type) { this.type = type; } },
});

const { define, setLanguage, t } = await import('../../web-client/src/shared/i18n.js');
const { clockTime, timeSpan } = await import('../../web-client/src/shared/time-text.js');

const MORNING = Date.UTC(2026, 11, 1, 13, 5); // 8:05 in Toronto, 13:05 in UTC: a one-digit hour somewhere
const LATER = MORNING + 3_600_000;

test('a time alone and a range write the hour the same way, for each locale', () => {
  for (const [language, tags] of /** @type {const} */ ([['en', ['en-GB', 'en-CA', 'en-US']], ['fr', ['fr-CA', 'fr-FR']]])) {
    setLanguage(language);
    for (const tag of tags) {
      preferred.languages = [tag];
      for (const at of [MORNING, MORNING - 5 * 3_600_000]) {
        const single = clockTime(at).replace(/\s?[ap]\.?\s?m\.?$/i, '');
        const span = timeSpan(at, at + 3_600_000);
        // The whole time, not the end of a longer one ("8:05" inside "08:05").
        const alone = new RegExp(`(^|[^\\d])${single.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
        assert.match(span, alone, `${tag}: "${single}" as in "${span}"`);
      }
    }
  }
  setLanguage('en');
  preferred.languages = ['en-GB'];
  assert.match(timeSpan(MORNING, LATER), /\d\d:05/, 'en-GB writes both hours with two digits');
});

test('a value that ends a sentence with its own full stop does not double it', () => {
  define({ en: { 'test.back_at': 'Come back at {time}.', 'test.mid': 'At {time}, then.' }, fr: { 'test.back_at': 'Revenez à {time}.', 'test.mid': 'À {time}, alors.' } });
  assert.equal(t('test.back_at', { time: '10:38 p.m.' }), 'Come back at 10:38 p.m.');
  assert.equal(t('test.back_at', { time: '22:38' }), 'Come back at 22:38.');
  assert.equal(t('test.mid', { time: '10:38 p.m.' }), 'At 10:38 p.m., then.');
});

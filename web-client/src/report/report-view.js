// The facilitator's report, drawn from the server's `SessionReport`: its
// title and day, then Time, Energy, Talking and Breakouts, each a section
// with its chart (report-charts.js) and a table of the same numbers. The
// report's page (report.js), the room's dialog (console/report-button.js)
// and the downloaded file (report-file.js) all show it. It builds elements
// and nothing else: no connection, no state; to redraw, build it again.
//
// Hooks for tests, kept stable: the sections #report-time, #report-energy,
// #report-talk and #report-breakouts; the tables #report-segments,
// #report-pulses, #report-talk-table and #report-breakout-table; the
// sentences #report-rounds, #report-hands and #report-balance. A cell with
// a number carries it as `data-value`, the report's own number: ms since
// the epoch for a time of day, ms for a duration (actual, difference,
// lasted), minutes for a planned length, the count for a count, tenths for
// an average, percent for a share. A cell with none ("still running", "—",
// or a word check's scale) has no data-value.

import { make } from '../shared/dom.js';
import { language, locale, speaking, t, tn } from '../shared/i18n.js';
import { timeOfDay } from '../shared/time-text.js';
import { energyChart, talkChart, timelineChart } from './report-charts.js';
import {
  MINUTE, breakoutLength, countText, isoDay, minutesText, percentText, segmentDifference, sessionStart, tenthsText,
} from './report-figures.js';
import './words.js';

/** @typedef {import('../shared/messages.js').SessionReport} SessionReport */
/** @typedef {import('../shared/i18n.js').Language} Language */
/**
 * How to draw it: in which time zone (the viewer's when none) and language
 * (the page's when none).
 * @typedef {{timeZone?: string, language?: Language}} ReportOptions
 */
/** @typedef {{time: (ms: number) => string, span: (from: number, to: number) => string}} Clock */

/** The share of the talking that the most talkative third would have if all spoke evenly. */
const EVEN_THIRD = 33;
/** What a cell says when its number is hidden or there is none. */
const NONE = '—';

/** The server's default questions (server/src/room/pulse.rs), in the report's language. */
const DEFAULT_QUESTIONS = /** @type {Record<string, string>} */ ({
  'How is your energy?': 'report.pulses.default_scale',
  'One word to check out with?': 'report.pulses.default_word',
});

/**
 * The report as an <article>, in the options' language and time zone.
 * @param {SessionReport} report
 * @param {ReportOptions} [options]
 * @returns {HTMLElement}
 */
export function renderReport(report, options = {}) {
  return speaking(options.language ?? language(), () => {
    const { timeZone } = options;
    const format = new Intl.DateTimeFormat(locale(), { ...timeOfDay(), timeZone });
    /** @type {Clock} */
    const clock = { time: (ms) => format.format(ms), span: (from, to) => format.formatRange(from, to) };
    return make('article', { className: 'report', attrs: { lang: language(), 'aria-labelledby': 'report-title' } }, [
      header(report, timeZone),
      timeSection(report, clock),
      energySection(report, clock),
      talkSection(report),
      breakoutsSection(report, clock),
    ]);
  });
}

/**
 * @param {SessionReport} report
 * @param {string | undefined} timeZone
 */
function header(report, timeZone) {
  const day = sessionStart(report);
  const dayWords = new Intl.DateTimeFormat(locale(), { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', timeZone }).format(day);
  return make('header', { className: 'report-header' }, [
    make('p', { className: 'eyebrow', text: t('report.eyebrow') }),
    make('h1', { text: report.title || t('report.eyebrow'), attrs: { id: 'report-title', tabindex: '-1' } }),
    make('p', { className: 'report-day' }, [make('time', { text: dayWords, attrs: { datetime: isoDay(day, timeZone) } })]),
    make('p', { className: 'muted', text: t('report.intro') }),
  ]);
}

/**
 * @param {string} id
 * @param {string} headingKey
 * @param {Node[]} children
 */
function section(id, headingKey, children) {
  return make('section', { className: 'report-section', attrs: { id, 'aria-labelledby': `${id}-heading` } }, [
    make('h2', { text: t(headingKey), attrs: { id: `${id}-heading` } }), ...children,
  ]);
}

/**
 * A chart and the table of its numbers, side by side where there is room.
 * @param {Element} chart
 * @param {HTMLElement} table
 */
function pair(chart, table) {
  return make('div', { className: 'report-pair' }, [make('div', { className: 'report-figure' }, [chart]), table]);
}

/**
 * A table with its caption and column headings, in a box that scrolls by
 * itself when the table is wider than the screen (and can be reached by
 * keyboard to do so), so the page never does.
 * @param {string} id
 * @param {string} caption
 * @param {string[]} headings
 * @param {number} numbersFrom the first column of numbers, aligned to the right under its heading
 * @param {HTMLElement[][]} rows
 */
function table(id, caption, headings, numbersFrom, rows) {
  const captionId = `${id}-caption`;
  const heading = (/** @type {string} */ text, /** @type {number} */ index) => make('th', {
    text, className: index >= numbersFrom ? 'number' : '', attrs: { scope: 'col' },
  });
  return make('div', { className: 'report-table', attrs: { role: 'region', tabindex: '0', 'aria-labelledby': captionId } }, [
    make('table', { attrs: { id } }, [
      make('caption', { text: caption, attrs: { id: captionId } }),
      make('thead', {}, [make('tr', {}, headings.map(heading))]),
      make('tbody', {}, rows.map((cells) => make('tr', {}, cells))),
    ]),
  ]);
}

/**
 * A row's heading cell: a name, or a time with its number.
 * @param {string | Node} content
 * @param {number | null} [value]
 */
function rowHead(content, value = null) {
  const th = value === null
    ? make('th', { attrs: { scope: 'row' } })
    : make('th', { className: 'time', attrs: { scope: 'row', 'data-value': String(value) } });
  th.append(content);
  return th;
}

/**
 * A cell with a number, written for people, and the number itself for tests.
 * @param {string} text
 * @param {number | null} value
 */
function cell(text, value) {
  return make('td', { text, className: 'number', attrs: value === null ? {} : { 'data-value': String(value) } });
}

/**
 * A time of day, as a <time>.
 * @param {number} ms
 * @param {Clock} clock
 */
function timeOf(ms, clock) {
  return make('time', { text: clock.time(ms), attrs: { datetime: new Date(ms).toISOString() } });
}

/**
 * @param {SessionReport} report
 * @param {Clock} clock
 */
function timeSection(report, clock) {
  const { planned_start: plannedStart, planned_end: plannedEnd, started_at: startedAt, ended_at: endedAt } = report;
  const length = (/** @type {number} */ from, /** @type {number} */ to) => countText(Math.round((to - from) / MINUTE));
  /** @type {Record<string, string>} */
  const actualAttrs = { id: 'report-actual' };
  if (startedAt !== null) actualAttrs['data-start'] = String(startedAt);
  if (endedAt !== null) actualAttrs['data-end'] = String(endedAt);
  let actual = t('report.time.not_started');
  if (startedAt !== null && endedAt !== null) actual = t('report.time.span', { span: clock.span(startedAt, endedAt), minutes: length(startedAt, endedAt) });
  else if (startedAt !== null) actual = t('report.time.from', { start: clock.time(startedAt) });

  const times = make('dl', { className: 'report-times' }, [
    make('dt', { text: t('report.time.planned') }),
    make('dd', {
      text: t('report.time.span', { span: clock.span(plannedStart, plannedEnd), minutes: length(plannedStart, plannedEnd) }),
      attrs: { id: 'report-planned', 'data-start': String(plannedStart), 'data-end': String(plannedEnd) },
    }),
    make('dt', { text: t('report.time.actual') }),
    make('dd', { text: actual, attrs: actualAttrs }),
  ]);

  const agenda = report.segments.length === 0
    ? make('p', { className: 'muted', text: t('report.time.agenda_unused') })
    : pair(timelineChart(report), table('report-segments', t('report.segments.caption'),
      [t('report.segments.part'), t('report.segments.planned'), t('report.segments.actual'), t('report.segments.difference')], 1,
      report.segments.map((segment) => {
        const difference = segmentDifference(segment);
        return [
          rowHead(segment.title),
          cell(countText(segment.planned_minutes), segment.planned_minutes),
          segment.actual_ms === null ? cell(t('report.running'), null) : cell(minutesText(segment.actual_ms), segment.actual_ms),
          difference === null ? cell(NONE, null)
            : cell(difference.tenths === 0 ? t('report.segments.as_planned') : tenthsText(difference.tenths, true), difference.ms),
        ];
      })));

  const rounds = report.rounds_completed;
  const { hands_raised: raised, hands_answered: answered } = report;
  return section('report-time', 'report.time.heading', [
    times,
    agenda,
    make('p', {
      text: rounds === 0 ? t('report.rounds.none') : tn('report.rounds', rounds),
      attrs: { id: 'report-rounds', 'data-value': String(rounds) },
    }),
    make('p', {
      text: raised === 0 ? t('report.hands.none')
        : t('report.hands.both', {
          raised: tn('report.hands.raised', raised),
          answered: answered === 0 ? t('report.hands.none_answered') : tn('report.hands.answered', answered),
        }),
      attrs: { id: 'report-hands', 'data-raised': String(raised), 'data-answered': String(answered) },
    }),
  ]);
}

/**
 * @param {SessionReport} report
 * @param {Clock} clock
 */
function energySection(report, clock) {
  const { pulses } = report;
  if (pulses.length === 0) {
    return section('report-energy', 'report.energy.heading', [make('p', { className: 'muted', text: t('report.energy.none') })]);
  }
  const rows = pulses.map((pulse) => {
    const question = DEFAULT_QUESTIONS[pulse.question] ? t(DEFAULT_QUESTIONS[pulse.question]) : pulse.question;
    const scale = pulse.kind === 'scale';
    const counts = [0, 1, 2, 3, 4].map((point) => {
      if (!scale) return cell('', null);
      return pulse.scale ? cell(countText(pulse.scale[point]), pulse.scale[point]) : cell(NONE, null);
    });
    let average = cell('', null);
    if (scale) average = pulse.average_tenths === null ? cell(NONE, null) : cell(tenthsText(pulse.average_tenths), pulse.average_tenths);
    return [
      rowHead(timeOf(pulse.at, clock), pulse.at),
      make('td', { text: scale ? question : t('report.pulses.word', { question }) }),
      cell(countText(pulse.answered), pulse.answered),
      ...counts,
      average,
    ];
  });
  const pulseTable = table('report-pulses', t('report.pulses.caption'),
    [t('report.pulses.time'), t('report.pulses.question'), t('report.pulses.answers'), '1', '2', '3', '4', '5', t('report.pulses.average')], 2, rows);
  const notes = [];
  if (pulses.some((pulse) => pulse.kind === 'scale' && pulse.scale === null)) notes.push(make('p', { className: 'muted small', text: t('report.pulses.hidden') }));
  if (pulses.some((pulse) => pulse.kind === 'word')) notes.push(make('p', { className: 'muted small', text: t('report.pulses.words_note') }));
  const chart = energyChart(report) ?? make('p', { className: 'muted', text: t('report.energy.no_scale') });
  return section('report-energy', 'report.energy.heading', [
    make('p', { text: t('report.energy.intro') }), pair(chart, pulseTable), ...notes,
  ]);
}

/** @param {SessionReport} report */
function talkSection(report) {
  const share = report.top_third_percent;
  const balance = make('p', {
    className: 'report-balance',
    text: share === null ? t('report.talk.nobody') : t('report.talk.balance', { share: percentText(share), even: percentText(EVEN_THIRD) }),
    attrs: share === null ? { id: 'report-balance' } : { id: 'report-balance', 'data-value': String(share) },
  });
  const parts = [make('p', { text: t('report.talk.intro') }), balance];
  if (report.talk.length > 0) {
    parts.push(pair(talkChart(report), table('report-talk-table', t('report.talk.caption'),
      [t('report.talk.person'), t('report.talk.minutes'), t('report.talk.share')], 1,
      report.talk.map((person) => [
        rowHead(person.name), cell(minutesText(person.ms), person.ms), cell(percentText(person.percent), person.percent),
      ]))));
  }
  return section('report-talk', 'report.talk.heading', parts);
}

/**
 * @param {SessionReport} report
 * @param {Clock} clock
 */
function breakoutsSection(report, clock) {
  if (report.breakouts.length === 0) {
    return section('report-breakouts', 'report.breakouts.heading', [make('p', { className: 'muted', text: t('report.breakouts.none') })]);
  }
  const rows = report.breakouts.map((run) => {
    const lasted = breakoutLength(run);
    return [
      rowHead(timeOf(run.opened_at, clock), run.opened_at),
      lasted === null ? cell(t('report.breakouts.open'), null) : cell(minutesText(lasted), lasted),
      cell(countText(run.planned_minutes), run.planned_minutes),
      cell(countText(run.groups), run.groups),
      cell(countText(run.people), run.people),
    ];
  });
  return section('report-breakouts', 'report.breakouts.heading', [
    table('report-breakout-table', t('report.breakouts.caption'), [
      t('report.breakouts.opened'), t('report.breakouts.lasted'), t('report.breakouts.planned'),
      t('report.breakouts.groups'), t('report.breakouts.people'),
    ], 1, rows),
  ]);
}

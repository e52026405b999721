// The report's three charts, drawn by hand in SVG: the agenda's parts
// (planned and actual minutes, as bars), energy over the session (the
// pulse checks' averages joined by a line) and talk time per person. Each
// is an image with a short name and description in the page's language;
// the table beside it (report-view.js) holds exactly the numbers it draws,
// from the same figures (report-figures.js).
//
// Widths are in percent and heights in pixels, with no viewBox: a chart
// stretches to its column while its text keeps the page's size, so it reads
// the same on a phone and on a wide screen. Colours are the room's palette,
// as attributes (the page's Content-Security-Policy allows no inline
// style, and a downloaded file keeps them); every mark stands 3:1 or more
// against white, and planned and actual differ by shape (outlined or
// filled), not only by colour.

import { t } from '../shared/i18n.js';
import {
  MINUTE, energyPoints, energySpan, minutesText, percentText, place, talkMax, tenthsText, ticks, timelineMax,
} from './report-figures.js';

/** @typedef {import('../shared/messages.js').SessionReport} SessionReport */

const NS = 'http://www.w3.org/2000/svg';
/** The room's palette (style.css). */
const COLOUR = { accent: '#0e5a5f', soft: '#e2eeed', text: '#1b2321', muted: '#4a5552', line: '#d3dbd8' };
/** The longest bar's share of the width, leaving room for its number. */
const BAR_ROOM = 60;
/** A title longer than this is cut in a chart; the table has it whole. */
const LONGEST_LABEL = 38;

/**
 * An SVG element.
 * @param {string} tag
 * @param {Record<string, string | number>} [attrs]
 * @param {(SVGElement | string)[]} [children]
 */
function svg(tag, attrs = {}, children = []) {
  const element = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  element.append(...children);
  return element;
}

/**
 * Text at a place, in the text's colour unless told.
 * @param {string | number} x
 * @param {number} y
 * @param {string} words
 * @param {Record<string, string | number>} [attrs]
 */
function label(x, y, words, attrs = {}) {
  return svg('text', { x, y, fill: COLOUR.text, ...attrs }, [words]);
}

/**
 * A share of the chart's width, to a hundredth of a percent.
 * @param {number} value
 */
function percent(value) {
  return `${Math.round(value * 100) / 100}%`;
}

/** @param {string} words */
function shorter(words) {
  return words.length > LONGEST_LABEL ? `${words.slice(0, LONGEST_LABEL - 1).trimEnd()}…` : words;
}

/**
 * The chart's frame: an image named by its title, described by its note.
 * @param {string} id
 * @param {string} title
 * @param {number} height
 * @param {SVGElement[]} marks
 */
function chart(id, title, height, marks) {
  return svg('svg', {
    id, class: 'report-chart', role: 'img', width: '100%', height, 'font-size': 14,
    'aria-labelledby': `${id}-title`, 'aria-describedby': `${id}-desc`,
  }, [
    svg('title', { id: `${id}-title` }, [title]),
    svg('desc', { id: `${id}-desc` }, [t('report.chart_note')]),
    ...marks,
  ]);
}

/**
 * A horizontal bar with its number after it. Planned bars are outlined,
 * actual ones filled.
 * @param {number} y
 * @param {number} width in percent
 * @param {'planned' | 'actual'} kind
 * @param {string} words
 * @param {number} value the raw number it draws, for tests
 */
function bar(y, width, kind, words, value) {
  const filled = kind === 'actual';
  return [
    svg('rect', {
      x: 1, y, width: percent(width), height: 14, rx: 2, class: `report-bar report-bar-${kind}`, 'data-value': value,
      fill: filled ? COLOUR.accent : COLOUR.soft, stroke: COLOUR.accent, 'stroke-width': 1.5,
    }),
    label(percent(width), y + 12, words, { dx: 8 }),
  ];
}

/**
 * Planned and actual minutes of each part of the agenda, as it ran.
 * @param {SessionReport} report
 */
export function timelineChart(report) {
  const max = timelineMax(report);
  const widthOf = (/** @type {number} */ minutes) => (minutes / max) * BAR_ROOM;
  const ROW = 68;
  const TOP = 42;
  const legend = [
    svg('rect', { x: 1, y: 6, width: 14, height: 14, rx: 2, fill: COLOUR.soft, stroke: COLOUR.accent, 'stroke-width': 1.5 }),
    label(22, 18, t('report.time.planned')),
    svg('rect', { x: 130, y: 6, width: 14, height: 14, rx: 2, fill: COLOUR.accent }),
    label(151, 18, t('report.time.actual')),
  ];
  const rows = report.segments.flatMap((segment, index) => {
    const y = TOP + index * ROW;
    const planned = bar(y + 8, widthOf(segment.planned_minutes), 'planned',
      t('report.minutes', { minutes: segment.planned_minutes }), segment.planned_minutes);
    const actual = segment.actual_ms === null
      ? [label(1, y + 42, t('report.running'), { fill: COLOUR.muted, 'font-style': 'italic' })]
      : bar(y + 30, widthOf(segment.actual_ms / MINUTE), 'actual',
        t('report.minutes', { minutes: minutesText(segment.actual_ms) }), segment.actual_ms);
    return [label(1, y, shorter(segment.title), { 'font-weight': 600 }), ...planned, ...actual];
  });
  return chart('report-time-chart', t('report.time.chart'), TOP + report.segments.length * ROW - 10, [...legend, ...rows]);
}

/**
 * The average energy at each check on the 1 to 5 scale, over the session's
 * minutes, joined by a line; null when no such check was answered.
 * @param {SessionReport} report
 */
export function energyChart(report) {
  const points = energyPoints(report);
  if (points.length === 0) return null;
  const { from, to } = energySpan(report, points);
  // Percent of the width: the scale's numbers sit left of LEFT.
  const LEFT = 10;
  const ROOM = 86;
  // Pixels down: 5 at TOP, 1 at BOTTOM.
  const TOP = 46;
  const BOTTOM = 186;
  const x = (/** @type {number} */ minute) => percent(place(minute, from, to, LEFT, ROOM));
  const y = (/** @type {number} */ tenths) => BOTTOM - ((tenths / 10 - 1) / 4) * (BOTTOM - TOP);
  const levels = [1, 2, 3, 4, 5].flatMap((level) => [
    svg('line', { x1: percent(LEFT), x2: percent(LEFT + ROOM), y1: y(level * 10), y2: y(level * 10), stroke: COLOUR.line }),
    label(percent(LEFT - 3), y(level * 10) + 5, String(level), { 'text-anchor': 'end', fill: COLOUR.muted }),
  ]);
  const marks = ticks(from, to).map((minute) => label(x(minute), BOTTOM + 22, String(minute), { 'text-anchor': 'middle', fill: COLOUR.muted }));
  const lines = points.slice(1).map((point, index) => svg('line', {
    x1: x(points[index].minute), y1: y(points[index].tenths), x2: x(point.minute), y2: y(point.tenths),
    stroke: COLOUR.accent, 'stroke-width': 2.5,
  }));
  const dots = points.flatMap((point) => [
    svg('circle', { cx: x(point.minute), cy: y(point.tenths), r: 5, fill: COLOUR.accent, class: 'report-point', 'data-value': point.tenths, 'data-at': point.at }),
    // Near an edge the value reads inwards, clear of the scale's numbers.
    label(x(point.minute), y(point.tenths) - 11, tenthsText(point.tenths), { 'text-anchor': anchorAt(place(point.minute, from, to, 0, 100)), 'font-weight': 600 }),
  ]);
  return chart('report-energy-chart', t('report.energy.chart'), BOTTOM + 50, [
    label(1, 18, t('report.energy.axis_y'), { fill: COLOUR.muted }),
    ...levels, ...marks, ...lines, ...dots,
    label(percent(LEFT + ROOM / 2), BOTTOM + 44, t('report.energy.axis_x'), { 'text-anchor': 'middle', fill: COLOUR.muted }),
  ]);
}

/**
 * How a label at this percent across the plot is anchored: from its start
 * near the left edge, from its end near the right, else centred.
 * @param {number} across 0 to 100
 */
function anchorAt(across) {
  return across < 8 ? 'start' : across > 92 ? 'end' : 'middle';
}

/**
 * Talk time per person, most first, as the server gives it: a bar for each
 * share, against the largest.
 * @param {SessionReport} report
 */
export function talkChart(report) {
  const max = talkMax(report);
  const ROW = 46;
  const TOP = 18;
  const rows = report.talk.flatMap((share, index) => {
    const y = TOP + index * ROW;
    const width = (share.percent / max) * BAR_ROOM;
    return [
      label(1, y, shorter(share.name), { 'font-weight': 600 }),
      svg('rect', { x: 1, y: y + 8, width: percent(width), height: 14, rx: 2, fill: COLOUR.accent, class: 'report-bar report-bar-talk', 'data-value': share.ms }),
      label(percent(width), y + 20, t('report.talk.bar', { share: percentText(share.percent), minutes: minutesText(share.ms) }), { dx: 8 }),
    ];
  });
  return chart('report-talk-chart', t('report.talk.chart'), TOP + report.talk.length * ROW - 14, rows);
}

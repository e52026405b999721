// The room's line icons, drawn as inline SVG (the page's Content-Security-
// Policy allows no inline styles or images from elsewhere). Decorative: each
// icon sits beside words that say the same, visible or for screen readers.
// No state.

/** Each icon's path on a 24x24 grid, stroked. */
const PATHS = {
  mic: 'M12 3a3 3 0 0 0-3 3v5a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3',
  micOff: 'M12 3a3 3 0 0 0-3 3v5a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3M4 4l16 16',
  camera: 'M3 7h12v10H3zM15 10l6-3v10l-6-3',
  cameraOff: 'M3 7h12v10H3zM15 10l6-3v10l-6-3M3 3l18 18',
  hand: 'M8 13V5a1.5 1.5 0 0 1 3 0v6M11 11V4a1.5 1.5 0 0 1 3 0v7M14 11V5.5a1.5 1.5 0 0 1 3 0V14a7 7 0 0 1-7 7h-.5A6.5 6.5 0 0 1 4 16.5L3 13a1.5 1.5 0 0 1 2.7-1.2L8 15',
  react: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM8.5 14.5a4.5 4.5 0 0 0 7 0M9 9.5h.01M15 9.5h.01',
  chat: 'M4 5h16v11H9l-5 4z',
  people: 'M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM2.5 20a6.5 6.5 0 0 1 13 0M16 4.5a3.5 3.5 0 0 1 0 6.5M18 14.5a6 6 0 0 1 3.5 5.5',
  console: 'M4 6h16M4 12h16M4 18h16M8 4v4M16 10v4M11 16v4',
  more: 'M5 12h.01M12 12h.01M19 12h.01',
  leave: 'M14 4h5v16h-5M10 8l-4 4 4 4M6 12h10',
  speaking: 'M4 10v4M8 7v10M12 4v16M16 7v10M20 10v4',
  heart: 'M12 20s-7-4.4-9-9a4.5 4.5 0 0 1 9-3 4.5 4.5 0 0 1 9 3c-2 4.6-9 9-9 9z',
  star: 'M12 3l2.6 5.6 6.1.7-4.5 4.2 1.2 6L12 16.5l-5.4 3 1.2-6-4.5-4.2 6.1-.7z',
  reconnecting: 'M20 12a8 8 0 1 1-2.3-5.6M20 4v4h-4',
};

/** @typedef {keyof typeof PATHS} IconName */

/**
 * A small line icon, hidden from assistive technology.
 * @param {IconName} name
 * @returns {SVGSVGElement}
 */
export function icon(name) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'icon');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', PATHS[name]);
  svg.append(path);
  return svg;
}

/**
 * Puts the icon an element names (`data-icon="mic"`) into it, replacing
 * whatever icon it had.
 * @param {Element} holder
 * @param {IconName} [name] another icon than the one it names
 */
export function setIcon(holder, name) {
  const wanted = name ?? /** @type {IconName} */ (holder.getAttribute('data-icon'));
  if (holder.getAttribute('data-shown') === wanted) return;
  if (!(wanted in PATHS)) return;
  holder.replaceChildren(icon(wanted));
  holder.setAttribute('data-shown', wanted);
}

/**
 * Draws every `[data-icon]` placeholder under `root`.
 * @param {ParentNode} root
 */
export function drawIcons(root = document) {
  for (const holder of root.querySelectorAll('[data-icon]')) setIcon(holder);
}

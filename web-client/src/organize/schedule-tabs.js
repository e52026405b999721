// The schedule's tabs (Upcoming, Groups, Past, Peer support), as keyboards
// and screen readers expect a tab list: one tab in the Tab order, the arrow
// keys (and Home, End) move between tabs and show the one they land on. What
// a tab shows is loaded by whoever it calls back; it knows no session.

import { byId, show } from '../shared/dom.js';

/** @typedef {'upcoming' | 'groups' | 'past' | 'support'} TabName */

export class Tabs {
  /**
   * @param {TabName[]} names in their order on the page; each has a
   *   `#tab-<name>` button and a `#<name>-panel`
   * @param {(name: TabName, switched: boolean) => Promise<void>} onSelect
   *   loads what the tab shows; `switched` when it was not the current one
   */
  constructor(names, onSelect) {
    this.names = names;
    this.onSelect = onSelect;
    /** @type {TabName} */
    this.current = names[0];
    this.tabs = names.map((name) => byId(`tab-${name}`, HTMLButtonElement));
    this.panels = names.map((name) => byId(`${name}-panel`, HTMLDivElement));
    this.tabs.forEach((tab, index) => {
      tab.addEventListener('click', () => void this.select(names[index]));
      tab.addEventListener('keydown', (event) => {
        const last = names.length - 1;
        const moves = { ArrowLeft: index === 0 ? last : index - 1, ArrowRight: index === last ? 0 : index + 1, Home: 0, End: last };
        if (!(event.key in moves)) return;
        event.preventDefault();
        const next = moves[/** @type {keyof typeof moves} */ (event.key)];
        this.tabs[next].focus();
        void this.select(names[next]);
      });
    });
  }

  /**
   * Shows a tab and loads what it shows (again, if it is the current one).
   * @param {TabName} name
   */
  async select(name) {
    const switched = name !== this.current;
    this.current = name;
    this.names.forEach((other, index) => {
      this.tabs[index].setAttribute('aria-selected', String(other === name));
      this.tabs[index].tabIndex = other === name ? 0 : -1;
      show(this.panels[index], other === name);
    });
    await this.onSelect(name, switched);
  }
}

// The hosts' energizer picker: the server's library (asked for once), a
// preview of the chosen one's steps, a seated variant, and "Launch for
// everyone". The library comes from the room model; what runs is
// `room/energizer.js`'s to show.

import { byId, make, show } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t } from '../shared/i18n.js';
import { formatClock } from '../shared/time-text.js';
import { energizerWords } from '../room/defaults.js';
import { runRequest } from '../room/run-request.js';
import { isHost } from '../room/selectors.js';
import './words.js';

/** @typedef {import('../room/model.js').RoomModel} RoomModel */
/** @typedef {import('../room/model.js').Change} Change */

export class EnergizerPicker {
  /** @param {RoomModel} room */
  constructor(room) {
    this.room = room;
    /** A request for the library is under way. */
    this.loading = false;
    this.el = {
      picker: byId('energizer-picker', HTMLElement),
      choice: byId('energizer-choice', HTMLSelectElement),
      preview: byId('energizer-preview', HTMLOListElement),
      seated: byId('energizer-seated', HTMLInputElement),
      launch: byId('energizer-launch', HTMLButtonElement),
      error: byId('energizer-picker-error', HTMLParagraphElement),
    };
    const { el } = this;
    el.choice.addEventListener('change', () => this.drawPreview());
    el.seated.addEventListener('change', () => this.drawPreview());
    el.launch.addEventListener('click', () => {
      if (!el.choice.value) return;
      runRequest(room.connection.request({ type: 'launch_energizer', energizer: el.choice.value, seated: el.seated.checked }),
        el.error, { button: el.launch });
    });
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
  }

  /** @param {Change} change */
  follow({ state, before }) {
    if (isHost(state) !== isHost(before) || state.me.inRoom !== before.me.inRoom
      || state.activities.energizer.library !== before.activities.energizer.library) this.draw();
  }

  /** Hosts get the picker; the library is asked for once, in the room. */
  draw() {
    const { el } = this;
    const state = this.room.state;
    const host = isHost(state);
    const library = state.activities.energizer.library;
    show(el.picker, host);
    if (!host) return;
    if (!library) {
      if (!this.loading && state.me.inRoom) {
        this.loading = true;
        runRequest(this.room.connection.request({ type: 'list_energizers' }).finally(() => { this.loading = false; }), el.error);
      }
      el.choice.replaceChildren(make('option', { text: t('energizer.loading'), attrs: { value: '' } }));
      el.launch.disabled = true;
      return;
    }
    const chosen = el.choice.value;
    el.choice.replaceChildren(...library.map((energizer) => make('option', {
      text: t('energizer.option', { title: energizerWords(energizer).title, time: formatClock(energizer.seconds * 1000, 'up') }),
      attrs: { value: energizer.id },
    })));
    if (chosen && library.some((e) => e.id === chosen)) el.choice.value = chosen;
    el.launch.disabled = library.length === 0;
    this.drawPreview();
  }

  /** The chosen energizer's steps, so a host knows what everyone will see. */
  drawPreview() {
    const library = this.room.state.activities.energizer.library;
    const found = library?.find((e) => e.id === this.el.choice.value);
    const energizer = found ? energizerWords(found) : undefined;
    const steps = energizer ? (this.el.seated.checked ? energizer.seated : energizer.steps) : [];
    this.el.preview.replaceChildren(...steps.map((step) => make('li', { text: step })));
  }
}

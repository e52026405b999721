// The pulse check: hosts ask a one-tap question (a 1-5 scale or one word),
// watch how many have answered, close it, see the distribution (the server
// sends one only with three answers or more) and share it. Everyone else gets
// a prompt near the top of the room, answers once or skips, and sees the
// results once shared. No one ever sees who answered what: the server never
// sends it, and this page keeps nothing of it. The check itself comes from
// the room model; this panel keeps only which checks this person put away.

import { announce, button, byId, liveRegion, make, show, tx } from '../shared/dom.js';
import { LANGUAGE_CHANGED, t, tn } from '../shared/i18n.js';
import { ProtocolError } from '../shared/protocol.js';
import { requestFailureText } from '../shared/wording.js';
import { isHost } from './selectors.js';
import './words.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */
/** @typedef {import('../shared/messages.js').Pulse} Pulse */
/** @typedef {import('../shared/messages.js').PulseKind} PulseKind */
/** @typedef {import('../shared/messages.js').ClientMessage} ClientMessage */

/** The server's default questions, shown in the page's language. */
const DEFAULT_QUESTIONS = /** @type {Record<string, () => string>} */ ({
  'How is your energy?': () => t('pulse.default_scale'),
  'One word to check out with?': () => t('pulse.default_word'),
});

/** @param {Pulse} pulse */
function questionText(pulse) {
  return DEFAULT_QUESTIONS[pulse.question]?.() ?? pulse.question;
}

/** @param {number} value 1 to 5 */
function scaleLabel(value) {
  if (value === 1) return t('pulse.low', { value });
  if (value === 5) return t('pulse.high', { value });
  return String(value);
}

export class PulsePanel {
  /** @param {RoomModel} room */
  constructor(room) {
    this.room = room;
    /** Checks this person skipped or put away, by id: this page only. @type {Set<number>} */
    this.dismissed = new Set();
    // The elements, built once; events redraw only their contents.
    // The panel, in the room's column: the hosts' controls and the results.
    this.heading = tx('h2', 'pulse.heading', { attrs: { id: 'pulse-heading' } });
    this.intro = tx('p', 'pulse.intro_host', { className: 'muted small' });
    this.question = make('p', { className: 'pulse-question' });
    this.status = make('p', { className: 'pulse-status', attrs: { tabindex: '-1', 'aria-live': 'polite' } });
    this.results = make('div', { className: 'pulse-results' });
    this.closeButton = button('pulse.close');
    this.shareButton = button('pulse.share', 'primary');
    this.answerAnyway = button('pulse.answer_anyway');
    this.error = make('p', { className: 'notice notice-error', attrs: { role: 'alert' } });
    show(this.error, false);
    this.live = liveRegion();
    this.launcher = this.buildLauncher();
    this.panel = make('section', { className: 'panel pulse-panel', attrs: { 'aria-labelledby': 'pulse-heading' } }, [
      this.heading, this.intro, this.question, this.status, this.results,
      make('div', { className: 'row' }, [this.closeButton, this.shareButton, this.answerAnyway]),
      this.error, this.launcher, this.live,
    ]);
    byId('activities-slot', HTMLElement).append(this.panel);

    // The prompt, near the top of the room so it is seen; never modal.
    this.promptQuestion = make('p', { className: 'pulse-question', attrs: { id: 'pulse-prompt-question' } });
    this.scaleButtons = [1, 2, 3, 4, 5].map((value) => {
      const b = make('button', { text: String(value), className: 'pulse-value', attrs: { type: 'button', 'data-value': String(value) } });
      b.addEventListener('click', () => this.answer({ scale: value }));
      return b;
    });
    this.scaleLegend = tx('legend', 'pulse.scale_legend');
    this.scaleSet = make('fieldset', { className: 'pulse-scale' }, [this.scaleLegend, make('div', { className: 'pulse-values' }, this.scaleButtons)]);
    this.wordInput = make('input', { attrs: { id: 'pulse-word', type: 'text', maxlength: '30', autocomplete: 'off', spellcheck: 'false' } });
    this.wordForm = make('form', { className: 'pulse-word' }, [
      tx('label', 'pulse.word_label', { attrs: { for: 'pulse-word' } }),
      make('div', { className: 'pulse-word-row' }, [this.wordInput, tx('button', 'pulse.send_word', { className: 'primary', attrs: { type: 'submit' } })]),
    ]);
    this.wordForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const word = this.wordInput.value.trim();
      if (!word || /\s/.test(word)) return this.promptFailed(t('pulse.word_invalid'));
      this.answer({ word });
    });
    this.thanks = tx('p', 'pulse.thanks', { className: 'notice notice-ok', attrs: { tabindex: '-1' } });
    this.skipButton = button('pulse.skip', 'quiet');
    this.hideButton = button('pulse.hide', 'quiet');
    this.promptError = make('p', { className: 'notice notice-error', attrs: { role: 'alert' } });
    show(this.promptError, false);
    this.prompt = make('section', { className: 'panel pulse-prompt', attrs: { 'aria-labelledby': 'pulse-prompt-heading' } }, [
      tx('h2', 'pulse.heading', { attrs: { id: 'pulse-prompt-heading' } }),
      this.promptQuestion,
      tx('p', 'pulse.anonymous', { className: 'muted small' }),
      this.scaleSet, this.wordForm, this.thanks, this.promptError,
      make('div', { className: 'row' }, [this.skipButton, this.hideButton]),
    ]);
    byId('pulse-prompt-slot', HTMLElement).append(this.prompt);

    this.closeButton.addEventListener('click', () => this.run({ type: 'close_pulse' }));
    this.shareButton.addEventListener('click', () => {
      this.run({ type: 'share_pulse' });
    });
    this.answerAnyway.addEventListener('click', () => {
      if (this.pulse) this.dismissed.delete(this.pulse.id);
      this.draw();
      (this.pulse?.kind === 'word' ? this.wordInput : this.scaleButtons[0]).focus();
    });
    const putAway = () => {
      if (this.pulse) this.dismissed.add(this.pulse.id);
      this.draw();
      this.status.focus();
    };
    this.skipButton.addEventListener('click', putAway);
    this.hideButton.addEventListener('click', putAway);
    room.subscribe((change) => this.follow(change));
    document.addEventListener(LANGUAGE_CHANGED, () => this.draw());
    this.draw();
  }

  /** @returns {Pulse | null} */
  get pulse() {
    return this.room.state.activities.pulse;
  }

  /** The hosts' form to start a check. */
  buildLauncher() {
    const radio = (/** @type {PulseKind} */ kind, /** @type {string} */ key, checked = false) => {
      const input = make('input', { attrs: { type: 'radio', name: 'pulse-kind', value: kind, id: `pulse-kind-${kind}` } });
      input.checked = checked;
      return make('p', { className: 'row pulse-kind' }, [input, tx('label', key, { attrs: { for: `pulse-kind-${kind}` } })]);
    };
    const questionInput = make('input', { attrs: { id: 'pulse-question', type: 'text', maxlength: '200', autocomplete: 'off', 'aria-describedby': 'pulse-question-hint' } });
    const form = make('form', { className: 'stack pulse-launcher' }, [
      make('fieldset', {}, [tx('legend', 'pulse.kind_legend'), radio('scale', 'pulse.kind_scale', true), radio('word', 'pulse.kind_word')]),
      tx('label', 'pulse.question_label', { attrs: { for: 'pulse-question' } }),
      questionInput,
      tx('p', 'pulse.question_hint', { className: 'muted small', attrs: { id: 'pulse-question-hint' } }),
      tx('button', 'pulse.start', { className: 'primary', attrs: { type: 'submit' } }),
    ]);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const checked = form.querySelector('input[name="pulse-kind"]:checked');
      const kind = /** @type {PulseKind} */ (checked instanceof HTMLInputElement ? checked.value : 'scale');
      const question = questionInput.value.trim();
      this.run(question ? { type: 'start_pulse', kind, question } : { type: 'start_pulse', kind }, () => {
        questionInput.value = '';
      });
    });
    return form;
  }

  /** @param {Change} change */
  follow({ state, before: was, message }) {
    const pulse = state.activities.pulse;
    if (pulse === was.activities.pulse && isHost(state) === isHost(was)) return;
    const before = was.activities.pulse;
    // Only the server's news is announced, not a reload of the room.
    if (message.type === 'pulse' && pulse && !isHost(state)) {
      if (pulse.open && before?.id !== pulse.id) announce(this.live, t('pulse.started', { question: questionText(pulse) }));
      if (!pulse.open && hasResults(pulse) && !(before && before.id === pulse.id && hasResults(before))) {
        announce(this.live, t('pulse.results_shared'));
      }
    }
    if (before?.id !== pulse?.id) {
      this.wordInput.value = '';
      show(this.promptError, false);
    }
    this.draw();
  }

  draw() {
    const pulse = this.pulse;
    const host = isHost(this.room.state);
    const promptShown = !host && !!pulse && pulse.open && !this.dismissed.has(pulse.id);
    const promptHadFocus = this.prompt.contains(document.activeElement);
    show(this.prompt, promptShown);
    show(this.panel, host || (!!pulse && !promptShown));
    show(this.intro, host && !pulse?.open);
    show(this.launcher, host && !pulse?.open);
    show(this.closeButton, host && !!pulse?.open);
    show(this.shareButton, host && !!pulse && !pulse.open && hasResults(pulse) && !pulse.shared);
    show(this.answerAnyway, !host && !!pulse?.open && !pulse.you_answered && this.dismissed.has(pulse.id));
    if (!host && !pulse?.open) show(this.error, false);

    show(this.question, !!pulse);
    this.question.textContent = pulse ? questionText(pulse) : '';
    this.status.textContent = pulse ? this.statusText(pulse, host) : '';
    show(this.status, !!this.status.textContent);
    this.drawResults(pulse);

    if (pulse && promptShown) {
      this.promptQuestion.textContent = questionText(pulse);
      show(this.scaleSet, pulse.kind === 'scale' && !pulse.you_answered);
      show(this.wordForm, pulse.kind === 'word' && !pulse.you_answered);
      show(this.thanks, pulse.you_answered);
      show(this.skipButton, !pulse.you_answered);
      show(this.hideButton, pulse.you_answered);
    }
    if (promptHadFocus && !promptShown) this.status.focus();
  }

  /**
   * @param {Pulse} pulse
   * @param {boolean} host
   */
  statusText(pulse, host) {
    if (host) {
      const count = tn('pulse.answered', pulse.answered, { count: pulse.answered });
      if (pulse.open) return count;
      if (!hasResults(pulse)) return `${t('pulse.closed')} ${t('pulse.too_few')}`;
      return pulse.shared ? `${t('pulse.closed')} ${t('pulse.shared')}` : t('pulse.closed');
    }
    if (pulse.open) return pulse.you_answered ? t('pulse.thanks') : t('pulse.skipped');
    return hasResults(pulse) ? '' : t('pulse.closed');
  }

  /** @param {Pulse | null} pulse */
  drawResults(pulse) {
    if (!pulse || pulse.open || !hasResults(pulse)) {
      this.results.replaceChildren();
      return;
    }
    /** @type {[string, number][]} */
    const rows = pulse.scale ? pulse.scale.map((count, index) => [scaleLabel(index + 1), count])
      : (pulse.words ?? []).map(({ word, count }) => [word, count]);
    const most = Math.max(1, ...rows.map(([, count]) => count));
    this.results.replaceChildren(
      tx('h3', 'pulse.results'),
      make('ul', { className: 'pulse-bars' }, rows.map(([label, count]) => {
        const bar = make('span', { className: 'pulse-bar', attrs: { 'aria-hidden': 'true' } });
        // The width shows the share at a glance; the count says it in words.
        bar.style.width = `${Math.round((count / most) * 100)}%`;
        return make('li', {}, [
          make('span', { className: 'pulse-label', text: label }),
          make('span', { className: 'pulse-track' }, [bar]),
          make('span', { className: 'pulse-count', text: tn('pulse.people', count, { count }) }),
        ]);
      })),
    );
  }

  /** @param {{scale: number} | {word: string}} answer */
  answer(answer) {
    const pulse = this.pulse;
    if (!pulse) return;
    show(this.promptError, false);
    this.room.connection.request({ type: 'answer_pulse', pulse: pulse.id, ...answer }).then(() => {
      // Hosts are told of each answer, not the one who answered: the thanks is said at once.
      this.wordInput.value = '';
      this.room.note({ type: 'pulse_answered', pulse: pulse.id });
      this.thanks.focus();
    }, (error) => {
      const invalidWord = error instanceof ProtocolError && error.code === 'invalid_input' && pulse.kind === 'word';
      this.promptFailed(invalidWord ? t('pulse.word_invalid') : requestFailureText(error));
    });
  }

  /** @param {string} text */
  promptFailed(text) {
    this.promptError.textContent = text;
    show(this.promptError, true);
  }

  /**
   * A host's request; what it changed arrives as a `pulse` event.
   * @param {ClientMessage} message
   * @param {() => void} [then]
   */
  run(message, then) {
    show(this.error, false);
    this.room.connection.request(message).then(() => then?.(), (error) => {
      this.error.textContent = requestFailureText(error);
      show(this.error, true);
    });
  }
}

/** @param {Pulse} pulse */
function hasResults(pulse) {
  return pulse.scale !== undefined || pulse.words !== undefined;
}

// What a peer supporter can do with one of their requests, by where it
// stands: matched (accept the suggested time, or propose another), proposed
// (wait for the physician, or propose yet another), agreed (open the room with their host link, copy
// it, say they met and whether a follow-up was agreed), met (close), and
// Cancel with a reason before they meet. It builds the controls; the step
// itself is taken by whoever it is given (supporter-view.js), which loads
// the list again and says how it went.

import { make, show } from '../shared/dom.js';
import { hasText, t } from '../shared/i18n.js';
import { SUPPORTER_REASONS } from './support-api.js';
import { clearErrors, showErrors } from './page-parts.js';
import {
  DEFAULT_MINUTES, MAX_MINUTES, MIN_MINUTES, askReason, freshId, labelledField, linkWithCopy, meetingText, refusal,
  suggestedTime, withOffset,
} from './support-parts.js';

/** @typedef {import('./support-api.js').Assigned} Assigned */
/** @typedef {'accept' | 'propose' | 'met' | 'close' | 'cancel'} Step */

/**
 * Takes a step: resolves once the list shows its outcome. A refusal of a
 * field is handed to `form` to show next to it, when a form is given.
 * @typedef {(step: Step, body: object, doneKey: string, form?: {form: HTMLFormElement, general: HTMLElement}) => Promise<void>} Run
 */

/**
 * The sentence and controls for a request's state.
 * @param {Assigned} request
 * @param {string} name who asked, as the card names them
 * @param {string} timeZone the supporter's
 * @param {Run} run
 * @returns {HTMLElement[]}
 */
export function stepControls(request, name, timeZone, run) {
  const when = request.starts_at ? meetingText(request.starts_at, request.minutes ?? DEFAULT_MINUTES, timeZone) : '';
  /** @param {string} key @param {string} [className] */
  const button = (key, className = 'small-button') => make('button', { text: t(key), className, attrs: { type: 'button' } });
  switch (request.state) {
    case 'matched': {
      const accept = button('supporter.accept', 'primary');
      accept.addEventListener('click', () => void run('accept', {}, 'supporter.done.accept'));
      const { propose, slot } = proposing(request, timeZone, run);
      return [
        make('p', { className: 'request-standing', text: t('supporter.matched.text', { when }) }),
        make('div', { className: 'row step-actions' }, [accept, propose]),
        slot,
        ...cancelling(run),
      ];
    }
    case 'proposed': {
      // Until the physician accepts, the supporter may still think better of their time.
      const { propose, slot } = proposing(request, timeZone, run);
      return [
        make('p', { className: 'request-standing', text: t('supporter.proposed.text', { when }) }),
        make('div', { className: 'row step-actions' }, [propose]),
        slot,
        ...cancelling(run),
      ];
    }
    case 'agreed': {
      /** @type {HTMLElement[]} */
      const room = [];
      if (request.room_link) {
        room.push(
          make('div', { className: 'row step-actions' }, [
            make('a', { className: 'button-link primary-link', text: t('supporter.open_room'), attrs: { href: request.room_link } }),
            // The meeting with their own link, for their calendar (named by the server).
            make('a', { className: 'button-link', text: t('supporter.calendar'), attrs: { href: `/api/me/requests/${encodeURIComponent(request.id)}/calendar.ics`, download: '' } }),
          ]),
          linkWithCopy(request.room_link, t('supporter.link_label', { name }), t('supporter.copied')),
        );
      }
      const followUp = make('input', { attrs: { type: 'checkbox', id: freshId('follow-up') } });
      const met = button('supporter.met');
      met.addEventListener('click', () => void run('met', { follow_up: followUp.checked }, 'supporter.done.met'));
      return [
        make('p', { className: 'request-standing', text: t('supporter.agreed.text', { when }) }),
        make('p', { className: 'small muted', text: t('supporter.agreed.note') }),
        ...room,
        make('div', { className: 'row step-actions' }, [
          make('label', { className: 'choice', attrs: { for: followUp.id } }, [followUp, document.createTextNode(` ${t('supporter.follow_up')}`)]),
          met,
        ]),
        ...cancelling(run),
      ];
    }
    case 'met': {
      const close = button('supporter.close', 'primary');
      close.addEventListener('click', () => void run('close', {}, 'supporter.done.close'));
      // A follow-up agreed: the next time is proposed here, for the physician to accept.
      const next = request.follow_up ? proposing(request, timeZone, run) : null;
      return [
        make('p', { className: 'request-standing', text: `${t('supporter.met.text', { when })} ${
          request.follow_up ? t('supporter.met.follow_up') : t('supporter.met.no_follow_up')}` }),
        make('p', { className: 'small muted', text: t('supporter.met.note') }),
        make('div', { className: 'row step-actions' }, next ? [next.propose, close] : [close]),
        ...(next ? [next.slot] : []),
      ];
    }
    case 'cancelled': {
      const why = `supporter.why.${request.cancel_reason ?? 'other'}`;
      const who = t(`supporter.by.${request.cancelled_by ?? 'organizer'}`);
      return [make('p', { className: 'request-standing', text: t('supporter.cancelled.text', { who, reason: hasText(why) ? t(why) : t('supporter.why.other') }) })];
    }
    default:
      return [make('p', { className: 'request-standing', text: t('supporter.closed.text') })];
  }
}

/**
 * "Propose another time", which opens its form under it.
 * @param {Assigned} request
 * @param {string} timeZone
 * @param {Run} run
 */
function proposing(request, timeZone, run) {
  const slot = make('div', { attrs: { id: freshId('propose') } });
  const propose = make('button', { text: t('supporter.propose_open'), attrs: { type: 'button', 'aria-expanded': 'false', 'aria-controls': slot.id } });
  propose.addEventListener('click', () => {
    const open = propose.getAttribute('aria-expanded') !== 'true';
    propose.setAttribute('aria-expanded', String(open));
    slot.replaceChildren(...(open ? [proposeForm(request, timeZone, run)] : []));
    slot.querySelector('input')?.focus();
  });
  return { propose, slot };
}

/**
 * Cancel, and the place where its reason is asked.
 * @param {Run} run
 */
function cancelling(run) {
  const slot = make('div');
  const cancel = make('button', { text: t('supporter.cancel'), className: 'danger small-button', attrs: { type: 'button' } });
  cancel.addEventListener('click', async () => {
    const reason = await askReason(slot, {
      legend: t('supporter.cancel.legend'),
      note: t('supporter.cancel.note'),
      reasons: SUPPORTER_REASONS.map((value) => ({ value, label: t(`supporter.reason.${value}`) })),
      yes: t('supporter.cancel.yes'),
      keep: t('supporter.cancel.keep'),
      choose: t('supporter.cancel.choose'),
    });
    if (reason) await run('cancel', { reason }, 'supporter.done.cancel');
  });
  return [make('div', { className: 'row step-actions' }, [cancel]), slot];
}

/**
 * Another time, on the supporter's clock, and its length.
 * @param {Assigned} request
 * @param {string} timeZone
 * @param {Run} run
 */
function proposeForm(request, timeZone, run) {
  const prefix = freshId('propose-form');
  const when = make('input', { attrs: { type: 'datetime-local', required: '' } });
  when.value = suggestedTime(timeZone);
  const minutes = make('input', {
    attrs: { type: 'number', inputmode: 'numeric', min: String(MIN_MINUTES), max: String(MAX_MINUTES), step: '1', value: String(request.minutes ?? DEFAULT_MINUTES) },
  });
  const submit = make('button', { text: t('supporter.propose.submit'), className: 'primary small-button', attrs: { type: 'submit' } });
  const general = make('p', { className: 'notice notice-error', attrs: { role: 'alert' } });
  show(general, false);
  const form = make('form', { className: 'edit-form', attrs: { novalidate: '' } }, [
    make('div', { className: 'field-grid' }, [
      labelledField(prefix, 'starts_at', t('supporter.propose.when'), when, t('supporter.propose.when_hint', { zone: timeZone.replaceAll('_', ' ') })),
      labelledField(prefix, 'minutes', t('supporter.propose.length'), minutes, t('supporter.propose.length_hint')),
    ]),
    make('div', { className: 'row form-actions' }, [submit]),
    general,
  ]);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, general);
    const startsAt = withOffset(when.value, timeZone);
    const length = Number(minutes.value);
    const problems = [];
    if (!startsAt) problems.push(refusal('starts_at', t('peer.check.when')));
    if (!Number.isInteger(length) || length < MIN_MINUTES || length > MAX_MINUTES) problems.push(refusal('minutes', t('peer.check.length')));
    if (problems.length > 0) {
      showErrors(form, general, problems);
      return;
    }
    submit.disabled = true;
    try {
      await run('propose', { starts_at: startsAt, minutes: length }, 'supporter.done.propose', { form, general });
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

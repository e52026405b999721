// The client's one event emitter: the connection (`protocol.js`), the media
// session (`room/media.js`) and the room model (`room/model.js`) announce
// their events through it. It knows nothing of what the events mean, and
// nothing of the page.

/**
 * Listeners by event type, each given only the events of its type.
 * @template {{type: string}} E
 */
export class Emitter {
  constructor() {
    /** @type {Map<string, Set<(event: any) => void>>} */
    this.listeners = new Map();
  }

  /**
   * Listens to one kind of event; returns a function that stops listening.
   * @template {E['type']} T
   * @param {T} type
   * @param {(event: Extract<E, {type: T}>) => void} listener
   * @returns {() => void}
   */
  on(type, listener) {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** @param {E} event */
  emit(event) {
    for (const listener of this.listeners.get(event.type) ?? []) {
      try {
        listener(event);
      } catch (error) {
        // One broken listener must not stop the others, or whoever emitted.
        console.error(error);
      }
    }
  }
}

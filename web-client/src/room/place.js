// Where this tab's invitation and place are kept: the token from the link's
// fragment, the WebSocket address, and the place in the room (with its
// resume token) in session storage, so a reload resumes instead of joining
// again. No DOM and no connection.

/** Where this tab keeps its place. */
const PLACE_KEY = 'peer-room.place';

/** @typedef {{token: string, name: string, resume: string}} Place */

/** The invitation token, from the link's fragment (which browsers never send). */
export function readToken() {
  try {
    return decodeURIComponent(location.hash.slice(1)).trim();
  } catch {
    return '';
  }
}

export function socketUrl() {
  const url = new URL('/ws', location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}

/**
 * The place this tab had with this token, if any.
 * @param {string} token
 * @returns {Place | null}
 */
export function savedPlace(token) {
  try {
    const place = JSON.parse(sessionStorage.getItem(PLACE_KEY) ?? 'null');
    return place && place.token === token ? place : null;
  } catch {
    return null;
  }
}

/** @param {Place | null} place */
export function savePlace(place) {
  try {
    if (place) sessionStorage.setItem(PLACE_KEY, JSON.stringify(place));
    else sessionStorage.removeItem(PLACE_KEY);
  } catch {
    // Without storage a reload joins afresh; nothing else depends on it.
  }
}

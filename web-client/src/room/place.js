// Where this tab's invitation and place are kept: the token from the link's
// fragment, the WebSocket address, and the place in the room (with its
// resume token) in session storage, so a reload resumes instead of joining
// again. No DOM and no connection.
//
// The token is taken out of the address bar as soon as it is read: an
// invitation must not sit in the browser's history, a shared screen or a
// screenshot. This tab keeps it in session storage, for a reload.

/** Where this tab keeps its place. */
const PLACE_KEY = 'peer-room.place';
/** Where this tab keeps the invitation it came with. */
const TOKEN_KEY = 'peer-room.token';

/** @typedef {{token: string, name: string, resume: string}} Place */

/**
 * The invitation token: from the link's fragment (which browsers never
 * send), then cleared from the address bar; or, after a reload, the one this
 * tab came with.
 */
export function readToken() {
  let token = '';
  try {
    token = decodeURIComponent(location.hash.slice(1)).trim();
  } catch {
    token = '';
  }
  try {
    if (token) {
      sessionStorage.setItem(TOKEN_KEY, token);
      history.replaceState(history.state, '', location.pathname + location.search);
    } else {
      token = sessionStorage.getItem(TOKEN_KEY) ?? '';
    }
  } catch {
    // Without storage the token stays where it is: better than no way in.
  }
  return token;
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

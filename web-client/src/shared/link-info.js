// What a link leads to, asked of the server before the room opens, so that
// someone who came early reads when to come back rather than a bare "no".
// No DOM and no room state here: the join flow decides how to say it.

/**
 * @typedef {object} LinkInfo
 * @property {string} title
 * @property {string} starts_at UTC, RFC 3339
 * @property {string} opens_at when participants can enter the waiting room
 * @property {string} ends_at
 * @property {string} time_zone the session's own
 * @property {'open' | 'not_open_yet' | 'ended' | 'cancelled'} state
 */

/**
 * @param {string} token the link's token
 * @returns {Promise<LinkInfo | null>} null if the server does not know the link
 */
export async function linkInfo(token) {
  try {
    const response = await fetch('/api/link-info', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
      credentials: 'same-origin',
    });
    if (!response.ok) return null;
    return /** @type {LinkInfo} */ (await response.json());
  } catch {
    return null;
  }
}

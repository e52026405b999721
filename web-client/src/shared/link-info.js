// What a link leads to, asked of the server before the room opens, so that
// someone who came early reads when to come back rather than a bare "no".
// No DOM and no room state here: the join flow decides how to say it.

/**
 * What `POST /api/link-info` answers (docs/api.md). A revoked link, or a
 * series with no meeting left, comes without its times.
 * @typedef {object} LinkInfo
 * @property {'open' | 'not_open_yet' | 'ended' | 'cancelled' | 'revoked' | 'locked' | 'full'} state
 * @property {'facilitator' | 'participant'} role
 * @property {boolean} series a group's link, which opens its meeting now or next
 * @property {string} [title]
 * @property {string} [starts_at] UTC, RFC 3339
 * @property {string} [opens_at] when participants can enter the waiting room
 * @property {string} [ends_at]
 * @property {string} [time_zone] the session's own
 * @property {'off' | 'offered' | 'required'} [e2ee] its end-to-end encryption policy
 */

/**
 * @param {string} token the link's token
 * @returns {Promise<LinkInfo | 'invalid' | null>} `invalid` if the server does not know the
 *   link, null if it could not be asked (the join then says what is wrong)
 */
export async function linkInfo(token) {
  try {
    const response = await fetch('/api/link-info', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
      credentials: 'same-origin',
      cache: 'no-store',
    });
    if (response.status === 404) return 'invalid';
    if (!response.ok) return null;
    return /** @type {LinkInfo} */ (await response.json());
  } catch {
    return null;
  }
}

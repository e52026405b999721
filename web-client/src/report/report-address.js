// Where the facilitator's report lives, for a session and its facilitator's
// token: small on purpose, for the pages that only link to the report.

/**
 * The report page's address. The token goes in the fragment, which the
 * browser never sends: the page reads it and sends it in a header.
 * @param {string} sessionId
 * @param {string} token
 */
export function reportAddress(sessionId, token) {
  return `/report?session=${encodeURIComponent(sessionId)}#${encodeURIComponent(token)}`;
}

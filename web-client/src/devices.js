// This person's microphone and camera: asking the browser for them, and
// sorting a refusal into something the person can act on. No DOM, no
// connection: `media.js` publishes what this finds.

/** @typedef {'audio' | 'video'} Kind */
/**
 * Why a device is not in use: refused (by the person or a policy), not
 * there, held by another program, or not askable (a page that is not https).
 * @typedef {'denied' | 'missing' | 'busy' | 'insecure' | 'failed'} DeviceProblem
 */
/** @typedef {Partial<Record<Kind, DeviceProblem>>} DeviceProblems */

export const KINDS = /** @type {const} */ (['audio', 'video']);
/** Enough for a face in a tile; a group of 12 cannot each send HD. */
const VIDEO = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24, max: 30 } };

/**
 * Asks for the microphone and camera together (one prompt), else each on its
 * own: one may work without the other (a laptop with no camera, a camera
 * blocked but a microphone allowed). Never fails: what did not work is in
 * `problems`, and the room goes on with the rest.
 * @returns {Promise<{tracks: MediaStreamTrack[], problems: DeviceProblems}>}
 */
export async function openDevices() {
  const devices = navigator.mediaDevices;
  if (!devices?.getUserMedia) return { tracks: [], problems: { audio: 'insecure', video: 'insecure' } };
  try {
    return { tracks: (await devices.getUserMedia({ audio: true, video: VIDEO })).getTracks(), problems: {} };
  } catch (error) {
    /** @type {MediaStreamTrack[]} */
    const tracks = [];
    /** @type {DeviceProblems} */
    const problems = {};
    const denied = problem(error) === 'denied';
    for (const kind of KINDS) {
      // After a refusal, ask only for what is already allowed: asking for
      // the rest would prompt the person again.
      if (denied && !(await allowed(kind))) {
        problems[kind] = 'denied';
        continue;
      }
      try {
        tracks.push(...(await devices.getUserMedia(kind === 'audio' ? { audio: true } : { video: VIDEO })).getTracks());
      } catch (single) {
        problems[kind] = problem(single);
      }
    }
    return { tracks, problems };
  }
}

/**
 * Sorts a getUserMedia failure into what the person can do about it.
 * @param {unknown} error
 * @returns {DeviceProblem}
 */
function problem(error) {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'missing';
  if (name === 'NotReadableError' || name === 'AbortError') return 'busy';
  return 'failed';
}

/**
 * Whether the browser already allows this device, without prompting.
 * @param {Kind} kind
 */
async function allowed(kind) {
  try {
    const name = /** @type {PermissionName} */ (kind === 'audio' ? 'microphone' : 'camera');
    return (await navigator.permissions.query({ name })).state === 'granted';
  } catch {
    return false; // no Permissions API, or it does not know the name: do not risk a prompt
  }
}

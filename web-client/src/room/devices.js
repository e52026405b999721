// This person's microphone and camera: asking the browser for them (the
// ones the person chose, if any), listing them, remembering the choice for
// this tab, and sorting a refusal into something the person can act on.
// No DOM, no connection: the device check (`device-check.js`) shows what
// this finds and `media.js` publishes it.

/** @typedef {'audio' | 'video'} Kind */
/**
 * Why a device is not in use: refused (by the person or a policy), not
 * there, held by another program, or not askable (a page that is not https).
 * @typedef {'denied' | 'missing' | 'busy' | 'insecure' | 'failed'} DeviceProblem
 */
/** @typedef {Partial<Record<Kind, DeviceProblem>>} DeviceProblems */

/**
 * What the person chose before entering: which microphone and camera (a
 * deviceId; none means the browser's default), and whether to enter with
 * either switched off.
 * @typedef {object} DeviceChoice
 * @property {string} [audio]
 * @property {string} [video]
 * @property {boolean} audioOff
 * @property {boolean} videoOff
 */
/** @typedef {{tracks: MediaStreamTrack[], problems: DeviceProblems}} Opened */

export const KINDS = /** @type {const} */ (['audio', 'video']);
/** Enough for a face in a tile; a group of 12 cannot each send HD. */
const VIDEO = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24, max: 30 } };
/** Per tab, like the place in the room: device ids and the two switches, nothing else. */
const CHOICE_KEY = 'peer-room.devices';

/**
 * The constraints for one kind: the chosen device if it is still there
 * (`ideal`, so an unplugged one falls back to another rather than failing).
 * @param {Kind} kind
 * @param {string} [deviceId]
 * @returns {MediaTrackConstraints | true}
 */
function constraints(kind, deviceId) {
  const base = kind === 'video' ? { ...VIDEO } : {};
  if (!deviceId) return kind === 'video' ? base : true;
  return { ...base, deviceId: { ideal: deviceId } };
}

/**
 * Asks for the microphone and camera together (one prompt), else each on its
 * own: one may work without the other (a laptop with no camera, a camera
 * blocked but a microphone allowed). Never fails: what did not work is in
 * `problems`, and the room goes on with the rest.
 * @param {{audio?: string, video?: string}} [choice] device ids to prefer
 * @returns {Promise<Opened>}
 */
export async function openDevices(choice = {}) {
  const devices = navigator.mediaDevices;
  if (!devices?.getUserMedia) return { tracks: [], problems: { audio: 'insecure', video: 'insecure' } };
  try {
    const both = { audio: constraints('audio', choice.audio), video: constraints('video', choice.video) };
    return { tracks: (await devices.getUserMedia(both)).getTracks(), problems: {} };
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
        tracks.push(...(await devices.getUserMedia({ [kind]: constraints(kind, choice[kind]) })).getTracks());
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

/**
 * One device, for a person who picked another microphone or camera.
 * @param {Kind} kind
 * @param {string} deviceId
 * @returns {Promise<Opened>}
 */
export async function openDevice(kind, deviceId) {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ [kind]: constraints(kind, deviceId) });
    return { tracks: stream.getTracks(), problems: {} };
  } catch (error) {
    return { tracks: [], problems: { [kind]: problem(error) } };
  }
}

/**
 * The microphones and cameras the browser lists. Their labels are only
 * filled in once the page may use a device, so ask after `openDevices`.
 * @returns {Promise<Record<Kind, MediaDeviceInfo[]>>}
 */
export async function listDevices() {
  try {
    const all = await navigator.mediaDevices.enumerateDevices();
    // Chromium on Windows adds a "communications" alias of a real device: listing it twice would only confuse.
    const real = all.filter((device) => device.deviceId && device.deviceId !== 'communications');
    return { audio: real.filter((d) => d.kind === 'audioinput'), video: real.filter((d) => d.kind === 'videoinput') };
  } catch {
    return { audio: [], video: [] };
  }
}

/** The choice made in this tab's device check, for a reload that resumes. @returns {DeviceChoice} */
export function loadChoice() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(CHOICE_KEY) ?? 'null');
    if (stored && typeof stored === 'object') {
      return {
        audio: typeof stored.audio === 'string' ? stored.audio : undefined,
        video: typeof stored.video === 'string' ? stored.video : undefined,
        audioOff: stored.audioOff === true,
        videoOff: stored.videoOff === true,
      };
    }
  } catch {
    // No storage or a garbled entry: the defaults below.
  }
  return { audioOff: false, videoOff: false };
}

/** @param {DeviceChoice} choice */
export function saveChoice(choice) {
  try {
    sessionStorage.setItem(CHOICE_KEY, JSON.stringify(choice));
  } catch {
    // Without storage a reload uses the default devices, switched on.
  }
}

// How this person's media is sent, apart from the connection that carries
// it (`media.js`, which hands these to its transceivers): the camera as the
// same picture at two sizes (simulcast), so the server can give each of
// the others the one that fits the tile they show it in and their downlink
// (docs/protocol.md, `video_sizes`); a shared screen as one sharp stream,
// since everyone sees it large; the microphone with redundancy. No DOM.

/**
 * The camera's layers, smallest first, as Chromium expects them (it gives
 * the bandwidth it has to the first ones first). The rids are the server's
 * names for them: `h` half the size, `f` the whole of the 640x360 capture
 * (`devices.js`). The server also takes a quarter-size `q`, but Chromium
 * sends at most two layers of a picture this small and drops the third
 * encoding: offered q, h and f, it sends q and h (160x90 and 320x180, or
 * at times 640x360 under q's rid) and never f (tests/browser/
 * simulcast.test.mjs measures it). Half and whole keep the picture
 * everyone has today and give a small tile or a small downlink a quarter
 * of the pixels. The caps are what a face at each size needs, the full
 * one as before simulcast (each person downloads everyone else's video:
 * keep each one light).
 * @type {readonly {rid: 'q' | 'h' | 'f', scaleResolutionDownBy: number, maxBitrate: number}[]}
 */
export const CAMERA_LAYERS = Object.freeze([
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 150_000 },
  { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 400_000 },
]);

/** The full layer's cap, and the one stream's when there are no layers. */
export const MAX_VIDEO_BITRATE = 400_000;

/**
 * The camera transceiver's `sendEncodings`: fresh objects each time, since
 * the browser may keep what it is given.
 * @returns {RTCRtpEncodingParameters[]}
 */
export function cameraEncodings() {
  return CAMERA_LAYERS.map((layer) => ({ ...layer, active: true }));
}

/**
 * Chromium sends two layers only of a picture of at least this many
 * pixels (480x270); of a smaller one, the first layer alone.
 */
export const TWO_LAYERS_FROM = 480 * 270;

/**
 * The camera sender's parameters with each layer's size and cap as
 * `CAMERA_LAYERS` has them, and nothing else touched (a layer the browser
 * switched off stays off). Chromium keeps the first encoding alone in two
 * cases, and that one is then sent whole rather than at half size: the
 * server's answer took no simulcast (one encoding is left), or the camera
 * gives a picture too small for two layers (an old webcam at 320x240).
 * @template {{encodings: RTCRtpEncodingParameters[]}} P
 * @param {P} parameters what `sender.getParameters()` returned
 * @param {{width?: number, height?: number}} [capture] the camera's picture, once it is known
 * @returns {{parameters: P, changed: boolean}}
 */
export function cappedCamera(parameters, capture = {}) {
  const single = parameters.encodings.length === 1;
  const small = (capture.width ?? Infinity) * (capture.height ?? Infinity) < TWO_LAYERS_FROM;
  let changed = false;
  const encodings = parameters.encodings.map((encoding, index) => {
    const layer = single ? undefined : CAMERA_LAYERS.find((l) => l.rid === encoding.rid);
    const maxBitrate = layer?.maxBitrate ?? MAX_VIDEO_BITRATE;
    const scaleResolutionDownBy = small && index === 0 ? 1 : layer?.scaleResolutionDownBy ?? 1;
    changed ||= encoding.maxBitrate !== maxBitrate || (encoding.scaleResolutionDownBy ?? 1) !== scaleResolutionDownBy;
    return { ...encoding, maxBitrate, scaleResolutionDownBy };
  });
  return { parameters: { ...parameters, encodings }, changed };
}

/** A shared screen is one stream for everyone: sharp text at a slide's pace. */
export const MAX_SCREEN_BITRATE = 1_200_000;
export const MAX_SCREEN_FRAMERATE = 15;

/**
 * The screen sender's parameters for slides and documents: sharp text
 * matters more than motion.
 * @template {RTCRtpSendParameters} P
 * @param {P} parameters what `sender.getParameters()` returned, with at least one encoding
 * @returns {P}
 */
export function limitedScreen(parameters) {
  const [first, ...rest] = parameters.encodings;
  const encodings = [{ ...first, maxBitrate: MAX_SCREEN_BITRATE, maxFramerate: MAX_SCREEN_FRAMERATE }, ...rest];
  return { ...parameters, encodings, degradationPreference: 'maintain-resolution' };
}

/**
 * Puts RED first for the microphone: the server's answer then has the
 * browser send each audio frame twice, the second time in the next packet,
 * so a lost packet's sound still arrives (docs/media.md). A browser
 * without RED, or without codec preferences, sends plain Opus.
 * @param {RTCRtpTransceiver} transceiver
 */
export function preferRedundantAudio(transceiver) {
  const codecs = RTCRtpReceiver.getCapabilities?.('audio')?.codecs ?? [];
  const red = codecs.filter((codec) => codec.mimeType.toLowerCase() === 'audio/red');
  if (red.length === 0 || typeof transceiver.setCodecPreferences !== 'function') return;
  try {
    transceiver.setCodecPreferences([...red, ...codecs.filter((codec) => !red.includes(codec))]);
  } catch (error) {
    console.warn('audio redundancy not preferred', error);
  }
}

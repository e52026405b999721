// What a page tells the server it shows (`video_sizes`): whose camera tiles
// are in view and how tall their pictures are drawn, in device pixels, and
// when a new list is worth a message. Also the camera's simulcast layers
// and the caps kept on them, and the screen's one stream. No DOM: the measuring is `video-sizes.js`'s
// class, which the browser tests drive.

import assert from 'node:assert/strict';
import { test } from 'node:test';

const { MAX_HEIGHT, MAX_SHOWN, changedEnough, shownVideos } = await import('../../web-client/src/room/video-sizes.js');
const {
  CAMERA_LAYERS, MAX_SCREEN_BITRATE, MAX_SCREEN_FRAMERATE, MAX_VIDEO_BITRATE, TWO_LAYERS_FROM, cameraEncodings, cappedCamera,
  limitedScreen,
} = await import('../../web-client/src/room/send-settings.js');

const PAGE = { me: 1, visible: true, pixelRatio: 1 };

/**
 * A tile of `width` x `height` CSS px, in view, with a 16:9 picture.
 * @param {number} participant
 * @param {number} width
 * @param {number} height
 * @param {object} [more]
 */
function tile(participant, width, height, more = {}) {
  return { participant, width, height, inView: true, aspect: 16 / 9, ...more };
}

test('every camera tile in view is listed by participant with its drawn height, never this person\'s own', () => {
  const tiles = [tile(1, 640, 360), tile(5, 320, 180), tile(3, 1280, 720)];
  assert.deepEqual(shownVideos(tiles, PAGE), [{ participant: 3, height: 720 }, { participant: 5, height: 180 }]);
});

test('heights are in device pixels, rounded', () => {
  assert.deepEqual(shownVideos([tile(2, 320, 180.4)], { ...PAGE, pixelRatio: 2 }), [{ participant: 2, height: 361 }]);
  assert.deepEqual(shownVideos([tile(2, 320, 180)], { ...PAGE, pixelRatio: 1.25 }), [{ participant: 2, height: 225 }]);
});

test('a tile wider than its picture draws the picture taller than the tile, and that height is the one sent', () => {
  // A cropped 16:9 picture filling a 640x200 tile is drawn 360 tall.
  assert.deepEqual(shownVideos([tile(2, 640, 200)], PAGE), [{ participant: 2, height: 360 }]);
  // A phone's tall tile crops the sides: the tile's own height.
  assert.deepEqual(shownVideos([tile(2, 180, 320)], PAGE), [{ participant: 2, height: 320 }]);
  // Before the first frame, a camera is taken to be 16:9; a 4:3 one once it says so.
  assert.deepEqual(shownVideos([tile(2, 640, 200, { aspect: undefined })], PAGE), [{ participant: 2, height: 360 }]);
  assert.deepEqual(shownVideos([tile(2, 640, 200, { aspect: 4 / 3 })], PAGE), [{ participant: 2, height: 480 }]);
});

test('a tile out of view or not laid out is not shown, and a hidden page shows nobody', () => {
  const tiles = [tile(2, 320, 180, { inView: false }), tile(3, 0, 0), tile(4, 320, 180)];
  assert.deepEqual(shownVideos(tiles, PAGE), [{ participant: 4, height: 180 }]);
  assert.deepEqual(shownVideos(tiles, { ...PAGE, visible: false }), []);
});

test('the list stays within what the server takes', () => {
  assert.deepEqual(shownVideos([tile(2, 8000, 5000)], { ...PAGE, pixelRatio: 2 }), [{ participant: 2, height: MAX_HEIGHT }]);
  const crowd = Array.from({ length: 70 }, (_, i) => tile(i + 10, 100 + i, 100 + i));
  const shown = shownVideos(crowd, PAGE);
  assert.equal(shown.length, MAX_SHOWN);
  assert.ok(shown.every((v) => v.height >= 100 + 70 - MAX_SHOWN), 'the largest are kept');
  assert.deepEqual(shown.map((v) => v.participant), [...shown.map((v) => v.participant)].sort((a, b) => a - b));
});

test('a new list is sent the first time, when someone is shown or hidden, and when a height moves by 15% or more', () => {
  const sent = [{ participant: 2, height: 360 }, { participant: 3, height: 180 }];
  assert.equal(changedEnough(null, []), true, 'the first list, even empty');
  assert.equal(changedEnough(null, sent), true);
  assert.equal(changedEnough(sent, sent), false);
  assert.equal(changedEnough(sent, [{ participant: 2, height: 360 }]), true, 'someone hidden');
  assert.equal(changedEnough(sent, [...sent, { participant: 4, height: 90 }]), true, 'someone shown');
  assert.equal(changedEnough(sent, [{ participant: 2, height: 360 }, { participant: 4, height: 180 }]), true, 'someone else');
  assert.equal(changedEnough(sent, []), true, 'the page hidden');
  assert.equal(changedEnough([], []), false);
  assert.equal(changedEnough(sent, [{ participant: 2, height: 400 }, { participant: 3, height: 200 }]), false, 'a little larger');
  assert.equal(changedEnough(sent, [{ participant: 2, height: 320 }, { participant: 3, height: 160 }]), false, 'a little smaller');
  assert.equal(changedEnough(sent, [{ participant: 2, height: 414 }, { participant: 3, height: 180 }]), true, '15% larger');
  assert.equal(changedEnough(sent, [{ participant: 2, height: 360 }, { participant: 3, height: 153 }]), true, '15% smaller');
});

test('the camera sends half and whole, smallest first, the whole under the cap it always had', () => {
  // Chromium sends at most two layers of a 640x360 camera and, offered
  // three, drops the largest: the page offers the two worth having.
  const encodings = cameraEncodings();
  assert.deepEqual(encodings.map((e) => [e.rid, e.scaleResolutionDownBy]), [['h', 2], ['f', 1]]);
  assert.ok(/** @type {number} */ (encodings[0].maxBitrate) < /** @type {number} */ (encodings[1].maxBitrate));
  assert.equal(encodings.at(-1)?.maxBitrate, MAX_VIDEO_BITRATE);
  assert.notEqual(cameraEncodings()[0], encodings[0], 'fresh objects each time');
  assert.equal(CAMERA_LAYERS.length, 2);
});

test('each layer keeps its own size and cap, and nothing else is touched', () => {
  const kept = { transactionId: 't1', encodings: cameraEncodings() };
  assert.equal(cappedCamera(kept).changed, false, 'as made: nothing to do');
  const browser = {
    transactionId: 't2',
    encodings: [
      { rid: 'h', scaleResolutionDownBy: 2, active: false },
      { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 2_000_000, active: true },
    ],
  };
  const { parameters, changed } = cappedCamera(browser);
  assert.equal(changed, true);
  assert.equal(parameters.transactionId, 't2');
  assert.deepEqual(parameters.encodings, [
    { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 150_000, active: false },
    { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: MAX_VIDEO_BITRATE, active: true },
  ]);
  assert.equal(browser.encodings[0].maxBitrate, undefined, 'what was given is left as it was');
});

test('a server that took no simulcast gets the one stream the browser kept, whole, under the full cap', () => {
  const { parameters, changed } = cappedCamera({ encodings: [{ rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 150_000, active: true }] });
  assert.equal(changed, true);
  assert.deepEqual(parameters.encodings, [{ rid: 'h', scaleResolutionDownBy: 1, maxBitrate: MAX_VIDEO_BITRATE, active: true }]);
  const plain = cappedCamera({ encodings: [{ active: true }] });
  assert.deepEqual(plain.parameters.encodings, [{ active: true, maxBitrate: MAX_VIDEO_BITRATE, scaleResolutionDownBy: 1 }]);
});

test('a camera too small for two layers has its first, the one Chromium sends alone, sent whole', () => {
  const small = cappedCamera({ encodings: cameraEncodings() }, { width: 320, height: 240 });
  assert.equal(small.changed, true);
  assert.deepEqual(small.parameters.encodings.map((e) => [e.rid, e.scaleResolutionDownBy, e.maxBitrate]),
    [['h', 1, 150_000], ['f', 1, MAX_VIDEO_BITRATE]]);
  // 480x270 and more: two layers, as made; before the picture is known, as made.
  assert.equal(cappedCamera({ encodings: cameraEncodings() }, { width: 480, height: 270 }).changed, false);
  assert.equal(cappedCamera({ encodings: cameraEncodings() }, { width: 640, height: 360 }).changed, false);
  assert.equal(cappedCamera({ encodings: cameraEncodings() }, {}).changed, false);
  assert.ok(TWO_LAYERS_FROM > 320 * 240 && TWO_LAYERS_FROM <= 480 * 270);
});

test('a shared screen is one sharp stream at a slide\'s pace', () => {
  const screen = limitedScreen({ transactionId: 't3', encodings: [{ active: true }], headerExtensions: [], rtcp: {}, codecs: [] });
  assert.deepEqual(screen.encodings, [{ active: true, maxBitrate: MAX_SCREEN_BITRATE, maxFramerate: MAX_SCREEN_FRAMERATE }]);
  assert.equal(screen.degradationPreference, 'maintain-resolution');
  assert.equal(screen.transactionId, 't3');
});

// A light fake camera for tests with many pages on a small machine: six
// encoders and thirty decoders on two cores. Chromium plays the clip this
// writes (`--use-file-for-fake-video-capture`): 320x180 at 15 frames a
// second, a bright bar moving across a dark frame, so every frame differs.

import { after, before } from 'node:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Writes the clip (Y4M, 4:2:0) in a temporary folder.
 * @returns {Promise<{path: string, remove: () => Promise<void>}>}
 */
export async function lightClip() {
  const dir = await mkdtemp(join(tmpdir(), 'peer-room-clip-'));
  const path = join(dir, 'camera.y4m');
  const [width, height, frames] = [320, 180, 30];
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F15:1 Ip A1:1 C420jpeg\n`);
  const parts = [header];
  for (let f = 0; f < frames; f += 1) {
    const luma = Buffer.alloc(width * height, 40);
    const bar = Math.floor((f / frames) * width);
    for (let y = 0; y < height; y += 1) luma.fill(220, y * width + bar, y * width + Math.min(width, bar + 24));
    const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
    parts.push(Buffer.from('FRAME\n'), luma, chroma, chroma);
  }
  await writeFile(path, Buffer.concat(parts));
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Starts the harness for a test file whose browsers use the light clip as
 * their camera, and stops both afterwards.
 * @param {import('./support.mjs').Harness} harness
 */
export function withLightCamera(harness) {
  /** @type {{path: string, remove: () => Promise<void>} | undefined} */
  let clip;
  before(async () => {
    clip = await lightClip();
    await harness.start({}, [`--use-file-for-fake-video-capture=${clip.path}`]);
  });
  after(async () => {
    await harness.stop();
    await clip?.remove();
  });
}

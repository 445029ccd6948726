/**
 * Runs @vladmandic/human in Node for tests, on the tfjs wasm backend (tfjs-node needs a native download
 * at install time). Images are the sample photos inside the npm package, read from node_modules at test
 * time and never copied into the repository.
 *
 * Two traps (docs/warehouse/face-id.md): `human.node-wasm.js` is not reachable through the package's
 * `exports` map, so it is required by file path; and Human loads models with fetch('file://…'), which
 * Node 20's fetch does not support, so file:// URLs are served from disk by a wrapped fetch.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export const HUMAN_DIR = path.resolve(path.dirname(require.resolve('@vladmandic/human')), '..');
const WASM_DIR = `${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;

export interface Rgb { width: number; height: number; data: Uint8Array }
export interface FaceBox { x: number; y: number; width: number; height: number }
export interface DetectedFace { box: FaceBox; score: number; embedding: number[] }

interface HumanResult { face: Array<{ box: [number, number, number, number]; score: number; embedding?: number[] }> }
interface HumanInstance {
  load(): Promise<void>;
  detect(input: unknown): Promise<HumanResult>;
  tf: { tensor3d(data: Uint8Array, shape: [number, number, number], dtype: 'int32'): { dispose(): void } };
}

function serveFileUrls(): void {
  const original = globalThis.fetch;
  if ((original as { chaharsuFileFetch?: boolean }).chaharsuFileFetch) return;
  const wrapped = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith('file://')) return new Response(readFileSync(new URL(url)));
    return original(input, init);
  }) as typeof fetch & { chaharsuFileFetch?: boolean };
  wrapped.chaharsuFileFetch = true;
  globalThis.fetch = wrapped;
}

export async function loadHuman(): Promise<{ detect(image: Rgb): Promise<DetectedFace[]> }> {
  serveFileUrls();
  const { Human } = require(path.join(HUMAN_DIR, 'dist/human.node-wasm.js')) as { Human: new (config: object) => HumanInstance };
  const human = new Human({
    backend: 'wasm', wasmPath: WASM_DIR, modelBasePath: `file://${HUMAN_DIR}/models/`, debug: false, cacheSensitivity: 0,
    face: {
      enabled: true, detector: { maxDetected: 20, rotation: false, minConfidence: 0.5 }, mesh: { enabled: true }, iris: { enabled: false },
      description: { enabled: true }, emotion: { enabled: false }, antispoof: { enabled: false }, liveness: { enabled: false },
    },
    body: { enabled: false }, hand: { enabled: false }, object: { enabled: false }, gesture: { enabled: false }, segmentation: { enabled: false },
  });
  await human.load();
  return {
    async detect(image) {
      const tensor = human.tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
      try {
        const result = await human.detect(tensor);
        return result.face
          .filter((f) => f.embedding && f.embedding.length === 1024)
          .map((f) => ({ box: { x: f.box[0], y: f.box[1], width: f.box[2], height: f.box[3] }, score: f.score, embedding: [...(f.embedding ?? [])] }));
      } finally {
        tensor.dispose();
      }
    },
  };
}

export function decodeJpeg(bytes: Buffer): Rgb {
  const jpeg = require('jpeg-js') as { decode(data: Buffer, options: object): { width: number; height: number; data: Uint8Array } };
  const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
  return { width: image.width, height: image.height, data: image.data };
}

export function packageImage(relative: string): Rgb {
  return decodeJpeg(readFileSync(path.join(HUMAN_DIR, relative)));
}

/** The 256×256 warm-up face Human embeds in src/sample.ts (base64 JPEG). */
export function warmupFace(): Rgb {
  const source = readFileSync(path.join(HUMAN_DIR, 'src/sample.ts'), 'utf8');
  const match = /export const face: string = `([^`]+)`/.exec(source);
  if (!match?.[1]) throw new Error('warm-up face not found in @vladmandic/human/src/sample.ts');
  return decodeJpeg(Buffer.from(match[1].replace(/\s+/g, ''), 'base64'));
}

// ---- Augmentations: what a webcam changes between frames of the same person. ----

/** A region of `image` (clamped), resampled to `scale` of its size (nearest neighbour). */
export function crop(image: Rgb, region: FaceBox, scale = 1): Rgb {
  const x0 = Math.max(0, Math.round(region.x));
  const y0 = Math.max(0, Math.round(region.y));
  const x1 = Math.min(image.width, Math.round(region.x + region.width));
  const y1 = Math.min(image.height, Math.round(region.y + region.height));
  const width = Math.max(1, Math.round((x1 - x0) * scale));
  const height = Math.max(1, Math.round((y1 - y0) * scale));
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = Math.min(x1 - 1, x0 + Math.floor(x / scale));
      const sy = Math.min(y1 - 1, y0 + Math.floor(y / scale));
      const from = (sy * image.width + sx) * 3;
      const to = (y * width + x) * 3;
      data[to] = image.data[from] ?? 0;
      data[to + 1] = image.data[from + 1] ?? 0;
      data[to + 2] = image.data[from + 2] ?? 0;
    }
  }
  return { width, height, data };
}

export function brightness(image: Rgb, factor: number): Rgb {
  return { ...image, data: image.data.map((v) => Math.max(0, Math.min(255, Math.round(v * factor)))) };
}

export function mirror(image: Rgb): Rgb {
  const data = new Uint8Array(image.data.length);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const from = (y * image.width + x) * 3;
      const to = (y * image.width + (image.width - 1 - x)) * 3;
      data[to] = image.data[from] ?? 0;
      data[to + 1] = image.data[from + 1] ?? 0;
      data[to + 2] = image.data[from + 2] ?? 0;
    }
  }
  return { ...image, data };
}

/** The face's box grown by `margin` of its size on each side (the detector needs some context). */
export function around(box: FaceBox, margin: number): FaceBox {
  return { x: box.x - box.width * margin, y: box.y - box.height * margin, width: box.width * (1 + 2 * margin), height: box.height * (1 + 2 * margin) };
}

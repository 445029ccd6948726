/**
 * Human (face detection, mesh, faceres descriptor, antispoof, liveness, gestures) in the browser, offline:
 * the models and tfjs's wasm binaries come from OUR server (`/api/warehouse/face-assets/...`), never a CDN —
 * Human's default `wasmPath` points at jsDelivr, so both paths are set here. The library (2 MB) is loaded only
 * by the screens that need it. The wasm backend matches the server's calibration (modules/warehouse).
 */
import type { Config, FaceResult, Human, Result } from '@vladmandic/human';

export const FACE_ASSETS_MODELS = '/api/warehouse/face-assets/models/';
export const FACE_ASSETS_WASM = '/api/warehouse/face-assets/wasm/';

/** Quality a frame needs before its descriptor is used (docs/warehouse/face-id.md: small/off-angle faces give unreliable descriptors). */
export const MIN_FACE_HEIGHT_PX = 160;
export const MIN_FACE_SCORE = 0.8;

function humanConfig(): Partial<Config> {
  const origin = window.location.origin;
  return {
    backend: 'wasm',
    modelBasePath: `${origin}${FACE_ASSETS_MODELS}`,
    wasmPath: `${origin}${FACE_ASSETS_WASM}`,
    debug: false,
    // Human's warm-up fetches a data: URL, which our CSP (connect-src 'self') forbids; the first frame warms up instead.
    warmup: 'none',
    cacheSensitivity: 0,
    face: {
      enabled: true,
      detector: { enabled: true, maxDetected: 2, rotation: false, minConfidence: 0.5, return: false },
      mesh: { enabled: true },
      iris: { enabled: false },
      description: { enabled: true },
      emotion: { enabled: false },
      antispoof: { enabled: true },
      liveness: { enabled: true },
      attention: { enabled: false },
      gear: { enabled: false },
    } as Config['face'],
    body: { enabled: false } as Config['body'],
    hand: { enabled: false } as Config['hand'],
    object: { enabled: false } as Config['object'],
    segmentation: { enabled: false } as Config['segmentation'],
    gesture: { enabled: true },
    filter: { enabled: true } as Config['filter'],
  };
}

let loading: Promise<Human> | null = null;

/** The one Human instance of the page, models loaded. */
export function loadFaceEngine(): Promise<Human> {
  loading ??= (async () => {
    const { Human: HumanClass } = await import('@vladmandic/human');
    const human = new HumanClass(humanConfig());
    // tfjs's multi-threaded wasm starts workers that importScripts() a blob: URL, which our CSP (script-src 'self')
    // forbids; one thread is enough for one face at a time. Set before the backend starts (Human's `flags` come later).
    (human.tf as { env(): { set(flag: string, value: boolean): void } }).env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    await human.load();
    return human;
  })().catch((error: unknown) => {
    loading = null; // let a later attempt retry (e.g. the server was restarting)
    throw error;
  });
  return loading;
}

export type FrameQuality = 'ok' | 'no_face' | 'several_faces' | 'too_small' | 'not_frontal' | 'low_score';

export interface FrameReading {
  quality: FrameQuality;
  face: FaceResult | null;
  gestures: string[];
}

/** One detection on the video, judged: exactly one face, large enough, frontal, confidently detected. */
export async function readFrame(human: Human, video: HTMLVideoElement): Promise<FrameReading> {
  const result: Result = await human.detect(video);
  const gestures = result.gesture.filter((g) => 'face' in g && g.face === 0).map((g) => g.gesture as string);
  const faces = result.face.filter((f) => f.score >= 0.5);
  if (faces.length === 0) return { quality: 'no_face', face: null, gestures };
  if (faces.length > 1) return { quality: 'several_faces', face: null, gestures };
  const face = faces[0] ?? null;
  if (!face) return { quality: 'no_face', face: null, gestures };
  if (face.box[3] < MIN_FACE_HEIGHT_PX) return { quality: 'too_small', face, gestures };
  if (face.score < MIN_FACE_SCORE) return { quality: 'low_score', face, gestures };
  if (!gestures.includes('facing center')) return { quality: 'not_frontal', face, gestures };
  return { quality: 'ok', face, gestures };
}

/** A usable 1024-number descriptor of the frame's face, or null. */
export function descriptorOf(face: FaceResult | null): number[] | null {
  const embedding = face?.embedding;
  if (!embedding || embedding.length !== 1024 || !embedding.every((v) => Number.isFinite(v))) return null;
  return Array.from(embedding);
}

/** The front camera as a stream; `null` when there is none or it was refused. */
export async function openCamera(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error('camera_unavailable');
  return navigator.mediaDevices.getUserMedia({ audio: false, video: { facingMode: 'user', width: { ideal: 1280 }, height: { ideal: 720 } } });
}

export function stopCamera(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

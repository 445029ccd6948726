/**
 * Face matching on descriptors (Human's faceres embeddings, 1024 numbers). Pure functions, no model:
 * the station computes descriptors in the browser and sends only these numbers, never images.
 *
 * `similarity` is Human's own formula (`human.match.similarity` with its defaults order 2, multiplier 25,
 * range 0.2..0.8), so the station's preview and the server's decision agree:
 *   similarity = clamp((0.8 − 0.05·‖a − b‖) / 0.6, 0, 1), rounded to 2 decimals.
 * Human's demos accept at 0.5; impostors reach 0.54–0.64 on sample photos (docs/warehouse/face-id.md),
 * so the threshold here is 0.72 (measured: docs/warehouse/face-id.md).
 */
export const DESCRIPTOR_LENGTH = 1024;
export const ENROLMENT_MIN_FRAMES = 10;
export const ENROLMENT_MAX_FRAMES = 30;
/** Calibrated on the sample faces shipped with @vladmandic/human (face.calibration.test.ts). */
export const FACE_MATCH_THRESHOLD = 0.72;
/**
 * Real faceres descriptors have norms of about 10–16 (measured: 11.3–13.9 on Human's faces.json and the
 * sample photos). Far outside that the model looked at something that is not a usable face.
 */
export const DESCRIPTOR_NORM_MIN = 6;
export const DESCRIPTOR_NORM_MAX = 24;

export type Descriptor = readonly number[];

export interface FaceTemplate {
  /** The mean of the enrolled frames: the score is the live descriptor's similarity to it. */
  mean: number[];
  /** The enrolled frames themselves, kept so the template can be recomputed with another rule later. */
  frames: number[][];
}

export type DescriptorProblem = 'length' | 'not_finite' | 'norm';

export function norm(d: Descriptor): number {
  let sum = 0;
  for (const x of d) sum += x * x;
  return Math.sqrt(sum);
}

export function descriptorProblem(d: Descriptor): DescriptorProblem | null {
  if (d.length !== DESCRIPTOR_LENGTH) return 'length';
  if (!d.every((x) => Number.isFinite(x))) return 'not_finite';
  const n = norm(d);
  if (n < DESCRIPTOR_NORM_MIN || n > DESCRIPTOR_NORM_MAX) return 'norm';
  return null;
}

export function similarity(a: Descriptor, b: Descriptor): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    sum += diff * diff;
  }
  const distance = Math.round(100 * 25 * sum) / 100;
  if (distance === 0) return 1;
  const normalised = (1 - Math.sqrt(distance) / 100 - 0.2) / 0.6;
  return Math.round(100 * Math.max(Math.min(normalised, 1), 0)) / 100;
}

export function meanOf(frames: readonly Descriptor[]): number[] {
  const first = frames[0];
  if (!first) return [];
  const mean = new Array<number>(first.length).fill(0);
  for (const frame of frames) for (let i = 0; i < mean.length; i++) mean[i] = (mean[i] ?? 0) + (frame[i] ?? 0) / frames.length;
  return mean;
}

export type EnrolmentCheck =
  | { ok: true; template: FaceTemplate; weakest_similarity: number }
  | { ok: false; reason: 'count' | DescriptorProblem; frame: number | null }
  | { ok: false; reason: 'inconsistent'; frame: number; similarity: number };

/**
 * Accepts 10–30 frames of one person. Each frame must be a plausible descriptor, and each must match the
 * mean of the *other* frames at the threshold (leave-one-out), so one frame of another person, or a set
 * mixing two people, is refused instead of producing a template that accepts both.
 */
export function checkEnrolment(frames: readonly Descriptor[], threshold = FACE_MATCH_THRESHOLD): EnrolmentCheck {
  if (frames.length < ENROLMENT_MIN_FRAMES || frames.length > ENROLMENT_MAX_FRAMES) return { ok: false, reason: 'count', frame: null };
  for (const [index, frame] of frames.entries()) {
    const problem = descriptorProblem(frame);
    if (problem) return { ok: false, reason: problem, frame: index };
  }
  let weakest = 1;
  for (const [index, frame] of frames.entries()) {
    const others = frames.filter((_, i) => i !== index);
    const score = similarity(frame, meanOf(others));
    if (score < threshold) return { ok: false, reason: 'inconsistent', frame: index, similarity: score };
    weakest = Math.min(weakest, score);
  }
  return { ok: true, template: { mean: meanOf(frames), frames: frames.map((f) => [...f]) }, weakest_similarity: weakest };
}

export interface MatchResult {
  accepted: boolean;
  similarity: number;
  threshold: number;
}

export function matchTemplate(live: Descriptor, template: FaceTemplate, threshold = FACE_MATCH_THRESHOLD): MatchResult {
  const score = similarity(live, template.mean);
  return { accepted: score >= threshold, similarity: score, threshold };
}

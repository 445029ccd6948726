/**
 * Synthetic descriptors for tests of the rules (not of the model): a "person" is a fixed random vector
 * shaped like faceres output (non-negative, norm ≈ 12); a "frame" adds small noise to it. The real model
 * is exercised in face.calibration.test.ts with real photos.
 */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export function syntheticFace(person: number): number[] {
  const next = random(person * 7919);
  const raw = Array.from({ length: 1024 }, () => Math.max(0, next() * 2 - 0.9));
  const n = Math.sqrt(raw.reduce((s, x) => s + x * x, 0));
  return raw.map((x) => (x * 12) / n);
}

export function syntheticFrames(person: number, count: number, noiseSeed = 1): number[][] {
  const base = syntheticFace(person);
  const next = random(noiseSeed * 104729 + person);
  return Array.from({ length: count }, () => base.map((x) => Math.max(0, x + (next() - 0.5) * 0.08)));
}

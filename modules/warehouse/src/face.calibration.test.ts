/**
 * Calibration of the face threshold with the real model on real photos shipped in @vladmandic/human's
 * npm package (read from node_modules at test time). Same person: the same face under webcam-like
 * changes (brightness, mirror, small crop and shift, lower resolution). Different people: the five
 * people of assets/screenshot-facedetect.jpg and the warm-up face of src/sample.ts.
 * The figures it prints are the ones in docs/warehouse/face-id.md.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkEnrolment, FACE_MATCH_THRESHOLD, matchTemplate, similarity } from './face-match.js';
import { around, brightness, crop, loadHuman, mirror, packageImage, warmupFace, type DetectedFace, type Rgb } from './testing/human-node.js';

interface Person { label: string; frames: Map<string, number[]> }

type Detector = Awaited<ReturnType<typeof loadHuman>>;

async function embedding(human: Detector, image: Rgb): Promise<number[]> {
  const faces = await human.detect(image);
  const best = faces.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)[0];
  if (!best) throw new Error('no face found in an augmented crop');
  return best.embedding;
}

/** Frame name → image: 10 enrolment frames and 3 probes the template has never seen. */
function webcamLike(face: Rgb): Map<string, Rgb> {
  const w = face.width;
  const h = face.height;
  const shifted = (dx: number, dy: number, keep: number): Rgb => crop(face, { x: w * dx, y: h * dy, width: w * keep, height: h * keep });
  return new Map<string, Rgb>([
    ['base', face],
    ['bright_110', brightness(face, 1.1)],
    ['bright_125', brightness(face, 1.25)],
    ['dark_90', brightness(face, 0.9)],
    ['dark_75', brightness(face, 0.75)],
    ['mirror', mirror(face)],
    ['crop_tl', shifted(0, 0, 0.94)],
    ['crop_br', shifted(0.06, 0.06, 0.94)],
    ['crop_center', shifted(0.03, 0.03, 0.94)],
    ['scale_85', crop(face, { x: 0, y: 0, width: w, height: h }, 0.85)],
    // probes
    ['probe_dark_mirror', brightness(mirror(face), 0.7)],
    ['probe_small_crop', shifted(0.05, 0.02, 0.9)],
    ['probe_low_res', crop(brightness(face, 1.15), { x: 0, y: 0, width: w, height: h }, 0.6)],
  ]);
}

const PROBES = ['probe_dark_mirror', 'probe_small_crop', 'probe_low_res'];

describe('face matching with the real model (Human faceres, wasm) on the package sample photos', () => {
  const people: Person[] = [];

  beforeAll(async () => {
    const human = await loadHuman();
    const group = packageImage('assets/screenshot-facedetect.jpg');
    const detected: DetectedFace[] = (await human.detect(group)).filter((f) => f.box.width >= 100);
    const sources: Array<{ label: string; face: Rgb }> = detected
      .sort((a, b) => a.box.x - b.box.x)
      .map((f, i) => ({ label: `facedetect#${i + 1}`, face: crop(group, around(f.box, 0.35)) }));
    sources.push({ label: 'warmup', face: warmupFace() });
    for (const source of sources) {
      const frames = new Map<string, number[]>();
      for (const [name, image] of webcamLike(source.face)) frames.set(name, await embedding(human, image));
      people.push({ label: source.label, frames });
    }
  }, 600_000);

  it('finds six different people in the sample photos', () => {
    expect(people.map((p) => p.label)).toEqual(['facedetect#1', 'facedetect#2', 'facedetect#3', 'facedetect#4', 'facedetect#5', 'warmup']);
  });

  it('accepts the same person under webcam-like changes and refuses different people at the threshold', () => {
    const genuine: number[] = [];
    const impostor: number[] = [];
    for (const [i, a] of people.entries()) {
      const base = a.frames.get('base') ?? [];
      for (const [name, frame] of a.frames) if (name !== 'base') genuine.push(similarity(base, frame));
      for (const b of people.slice(i + 1)) for (const fa of a.frames.values()) for (const fb of b.frames.values()) impostor.push(similarity(fa, fb));
    }
    genuine.sort((x, y) => x - y);
    impostor.sort((x, y) => x - y);
    const at = (list: number[], q: number): number => list[Math.floor(q * (list.length - 1))] ?? Number.NaN;
    console.info(`[face calibration] threshold ${FACE_MATCH_THRESHOLD}; same person (frame vs base): n=${genuine.length} min ${genuine[0]} p5 ${at(genuine, 0.05)} median ${at(genuine, 0.5)}; `
      + `different people: n=${impostor.length} median ${at(impostor, 0.5)} p95 ${at(impostor, 0.95)} p99 ${at(impostor, 0.99)} max ${impostor.at(-1)}`);
    expect(genuine[0]).toBeGreaterThanOrEqual(FACE_MATCH_THRESHOLD);
    expect(impostor.at(-1)).toBeLessThan(FACE_MATCH_THRESHOLD);
  });

  it('enrols each person from 10 frames; unseen frames of them match, every other person is refused', () => {
    const lines: string[] = [];
    for (const person of people) {
      const enrolment = checkEnrolment([...person.frames].filter(([name]) => !PROBES.includes(name)).map(([, d]) => d));
      expect(enrolment.ok, person.label).toBe(true);
      if (!enrolment.ok) continue;
      const own = PROBES.map((p) => matchTemplate(person.frames.get(p) ?? [], enrolment.template));
      const others = people.filter((p) => p !== person).flatMap((p) => [...p.frames.values()].map((d) => matchTemplate(d, enrolment.template)));
      lines.push(`${person.label}: own probes ${own.map((m) => m.similarity).join('/')}, best impostor ${Math.max(...others.map((m) => m.similarity))}`);
      expect(own.every((m) => m.accepted), person.label).toBe(true);
      expect(others.some((m) => m.accepted), person.label).toBe(false);
    }
    console.info(`[face calibration] template (mean of 10 frames): ${lines.join('; ')}`);
  });

  it('refuses an enrolment whose frames show two people', () => {
    const [a, b] = people;
    const frames = [...(a?.frames.values() ?? [])].slice(0, 9);
    frames.push(b?.frames.get('base') ?? []);
    expect(checkEnrolment(frames)).toMatchObject({ ok: false, reason: 'inconsistent', frame: 9 });
  });
});

import { describe, expect, it } from 'vitest';
import { checkEnrolment, matchTemplate, similarity, FACE_MATCH_THRESHOLD } from './face-match.js';
import { syntheticFace, syntheticFrames } from './testing/descriptors.js';

describe('face matching on descriptors', () => {
  it('scores like Human: identical → 1, the farther apart the lower', () => {
    const a = syntheticFace(1);
    expect(similarity(a, a)).toBe(1);
    expect(similarity(a, syntheticFace(2))).toBeLessThan(FACE_MATCH_THRESHOLD);
  });

  it('enrols 10–30 consistent frames and matches the same person, not another', () => {
    const enrolment = checkEnrolment(syntheticFrames(1, 12));
    expect(enrolment.ok).toBe(true);
    if (!enrolment.ok) return;
    expect(matchTemplate(syntheticFrames(1, 1, 99)[0] ?? [], enrolment.template).accepted).toBe(true);
    expect(matchTemplate(syntheticFace(2), enrolment.template).accepted).toBe(false);
  });

  it('refuses too few or too many frames, bad numbers, implausible descriptors, and a set mixing two people', () => {
    expect(checkEnrolment(syntheticFrames(1, 9))).toMatchObject({ ok: false, reason: 'count' });
    expect(checkEnrolment(syntheticFrames(1, 31))).toMatchObject({ ok: false, reason: 'count' });
    const short = syntheticFrames(1, 10);
    short[3] = short[3]?.slice(0, 512) ?? [];
    expect(checkEnrolment(short)).toMatchObject({ ok: false, reason: 'length', frame: 3 });
    const nan = syntheticFrames(1, 10);
    (nan[4] as number[])[0] = Number.NaN;
    expect(checkEnrolment(nan)).toMatchObject({ ok: false, reason: 'not_finite', frame: 4 });
    const blank = syntheticFrames(1, 10);
    blank[5] = new Array<number>(1024).fill(0);
    expect(checkEnrolment(blank)).toMatchObject({ ok: false, reason: 'norm', frame: 5 });
    const mixed = [...syntheticFrames(1, 9), syntheticFace(2)];
    expect(checkEnrolment(mixed)).toMatchObject({ ok: false, reason: 'inconsistent', frame: 9 });
  });
});

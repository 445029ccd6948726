import { describe, expect, it } from 'vitest';
import { AppError } from '@chaharsu/kit';
import './warehouse.errors.js';
import { CONFIRMATION_TTL_MS, issueConfirmation, verifyConfirmation, type ConfirmationClaims } from './face-token.js';

const key = Buffer.alloc(32, 7);
const issued_at_ms = Date.UTC(2026, 10, 21, 10, 0, 0);
const claims: ConfirmationClaims = {
  v: 1, confirmation_id: 'c-1', org_id: 'org-a', employee_id: 'emp-1', user_id: 'user-1', session_id: 'sess-1', issued_at_ms,
};
const holder = { org_id: 'org-a', employee_id: 'emp-1', user_id: 'user-1', session_id: 'sess-1', now_ms: issued_at_ms + 60_000 };

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('face confirmation token', () => {
  const token = issueConfirmation(key, claims);

  it('is accepted for the same organisation, employee and user within 5 minutes', () => {
    expect(verifyConfirmation(key, token, holder).confirmation_id).toBe('c-1');
    expect(codeOf(() => verifyConfirmation(key, token, { ...holder, now_ms: issued_at_ms + CONFIRMATION_TTL_MS - 1 }))).toBe('accepted');
  });

  it('is refused with a clear code when missing, expired, for another employee, user or organisation, or tampered', () => {
    expect(codeOf(() => verifyConfirmation(key, undefined, holder))).toBe('warehouse.face_confirmation_missing');
    expect(codeOf(() => verifyConfirmation(key, '', holder))).toBe('warehouse.face_confirmation_missing');
    expect(codeOf(() => verifyConfirmation(key, token, { ...holder, now_ms: issued_at_ms + CONFIRMATION_TTL_MS }))).toBe('warehouse.face_confirmation_expired');
    expect(codeOf(() => verifyConfirmation(key, token, { ...holder, employee_id: 'emp-2' }))).toBe('warehouse.face_confirmation_wrong_employee');
    expect(codeOf(() => verifyConfirmation(key, token, { ...holder, org_id: 'org-b' }))).toBe('warehouse.face_confirmation_wrong_org');
    expect(codeOf(() => verifyConfirmation(key, token, { ...holder, user_id: 'user-2' }))).toBe('warehouse.face_confirmation_wrong_user');
    expect(codeOf(() => verifyConfirmation(key, token, { ...holder, session_id: 'sess-other' }))).toBe('warehouse.face_confirmation_wrong_user');
    // Tampered: another employee written into the payload, signature kept.
    const [, signature] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ ...claims, employee_id: 'emp-2' })).toString('base64url')}.${signature}`;
    expect(codeOf(() => verifyConfirmation(key, forged, { ...holder, employee_id: 'emp-2' }))).toBe('warehouse.face_confirmation_invalid');
    // Signed with another server's key.
    expect(codeOf(() => verifyConfirmation(key, issueConfirmation(Buffer.alloc(32, 8), claims), holder))).toBe('warehouse.face_confirmation_invalid');
    expect(codeOf(() => verifyConfirmation(key, 'not-a-token', holder))).toBe('warehouse.face_confirmation_invalid');
  });
});

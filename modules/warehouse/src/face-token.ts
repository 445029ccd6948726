/**
 * The face confirmation: a short-lived token the server signs (HMAC-SHA256 with a key derived from the
 * server secret) after a live descriptor matched an employee. A movement is saved only with a token that
 * the server verifies: signature, organisation, employee, user (and session) and age under 5 minutes.
 *
 * Format: `<base64url(JSON payload)>.<base64url(HMAC)>`. Not encrypted: it carries ids only.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '@chaharsu/kit';
import './warehouse.errors.js';

export const CONFIRMATION_TTL_MS = 5 * 60 * 1000;

export interface ConfirmationClaims {
  v: 1;
  /** The face_confirmation row (the audit trail of the match). */
  confirmation_id: string;
  org_id: string;
  employee_id: string;
  user_id: string;
  session_id: string | null;
  issued_at_ms: number;
}

function sign(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(`warehouse.face_confirmation.v1:${body}`).digest();
}

export function issueConfirmation(key: Buffer, claims: ConfirmationClaims): string {
  const body = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${body}.${sign(key, body).toString('base64url')}`;
}

export interface ExpectedHolder {
  org_id: string;
  employee_id: string;
  user_id: string;
  session_id: string | null;
  now_ms: number;
}

function parseClaims(body: string): ConfirmationClaims | null {
  try {
    const value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<ConfirmationClaims>;
    if (value.v !== 1 || typeof value.org_id !== 'string' || typeof value.employee_id !== 'string' || typeof value.user_id !== 'string'
      || typeof value.confirmation_id !== 'string' || typeof value.issued_at_ms !== 'number' || !(typeof value.session_id === 'string' || value.session_id === null)) return null;
    return value as ConfirmationClaims;
  } catch {
    return null;
  }
}

/** Returns the claims, or throws the AppError saying what is wrong (missing, tampered, expired, someone else's). */
export function verifyConfirmation(key: Buffer, token: string | null | undefined, expected: ExpectedHolder): ConfirmationClaims {
  if (!token) throw new AppError('warehouse.face_confirmation_missing');
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) throw new AppError('warehouse.face_confirmation_invalid');
  const given = Buffer.from(signature, 'base64url');
  const wanted = sign(key, body);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw new AppError('warehouse.face_confirmation_invalid');
  const claims = parseClaims(body);
  if (!claims) throw new AppError('warehouse.face_confirmation_invalid');
  if (claims.org_id !== expected.org_id) throw new AppError('warehouse.face_confirmation_wrong_org');
  if (claims.employee_id !== expected.employee_id) throw new AppError('warehouse.face_confirmation_wrong_employee', { employee_id: expected.employee_id });
  if (claims.user_id !== expected.user_id || (claims.session_id !== null && claims.session_id !== expected.session_id)) throw new AppError('warehouse.face_confirmation_wrong_user');
  const age = expected.now_ms - claims.issued_at_ms;
  // A token from the future (clock moved back) is as unusable as an old one.
  if (age < -30_000 || age >= CONFIRMATION_TTL_MS) throw new AppError('warehouse.face_confirmation_expired', { issued_at: new Date(claims.issued_at_ms).toISOString() });
  return claims;
}

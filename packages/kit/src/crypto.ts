/**
 * Small, audited building blocks over node:crypto: random tokens, hashes, constant-time comparison,
 * authenticated encryption of secrets at rest and password hashing. Every caller uses these instead of
 * calling node:crypto directly, so the choices (algorithms, envelope formats, parameters) live in one place.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { assert } from './errors.js';

/** `bytes` of randomness as base64url (no padding): 32 bytes → 43 characters. */
export function randomToken(bytes = 32): string {
  assert(Number.isInteger(bytes) && bytes >= 16 && bytes <= 1024, 'randomToken: 16..1024 bytes');
  return randomBytes(bytes).toString('base64url');
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hmacSha256Hex(key: Buffer | string, data: string | Buffer): string {
  return createHmac('sha256', key).update(data).digest('hex');
}

/** Compares two strings without leaking where they differ (length differences are not secret here). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}

// ---- Secrets at rest: AES-256-GCM in a versioned envelope `v1.<iv>.<tag>.<ciphertext>` (base64url parts). ----
const ENVELOPE_VERSION = 'v1';
const IV_BYTES = 12;

function assertKey(key: Buffer): void {
  assert(Buffer.isBuffer(key) && key.length === 32, 'secret key must be exactly 32 bytes');
}

/** Encrypts `plaintext` with a 32-byte key; `context` (e.g. 'agent:<id>') is bound as associated data. */
export function encryptSecret(key: Buffer, plaintext: string, context = ''): string {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [ENVELOPE_VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
}

export class SecretDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretDecryptionError';
  }
}

/** Decrypts an envelope made by `encryptSecret`; throws SecretDecryptionError when tampered, or for a wrong key or context. */
export function decryptSecret(key: Buffer, envelope: string, context = ''): string {
  assertKey(key);
  const parts = envelope.split('.');
  if (parts.length !== 4 || parts[0] !== ENVELOPE_VERSION) throw new SecretDecryptionError('unknown secret envelope');
  const [, ivText = '', tagText = '', cipherText = ''] = parts;
  const iv = Buffer.from(ivText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== 16) throw new SecretDecryptionError('malformed secret envelope');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(cipherText, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretDecryptionError('secret could not be decrypted (wrong key, wrong context or tampered)');
  }
}

// ---- Passwords: scrypt with a per-password random salt, self-describing `scrypt$N$r$p$salt$hash`. ----
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 64, saltBytes: 16 } as const;

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFKC'), salt, keylen, options, (error, derived) => (error ? reject(error) : resolve(derived)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  assert(password.length > 0 && password.length <= 1024, 'password length out of range');
  const salt = randomBytes(SCRYPT.saltBytes);
  const options = { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 64 * 1024 * 1024 };
  const derived = await scrypt(password, salt, SCRYPT.keylen, options);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), derived.toString('base64url')].join('$');
}

/** True when `password` matches `stored`; false for a malformed hash (never throws on bad input). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, nText, rText, pText, saltText = '', hashText = ''] = parts;
  const N = Number(nText);
  const r = Number(rText);
  const p = Number(pText);
  // Bounded parameters: a stored hash must not make us spend unbounded memory or time.
  if (!Number.isInteger(N) || N < 1024 || N > 1048576 || (N & (N - 1)) !== 0) return false;
  if (!Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16) return false;
  const expected = Buffer.from(hashText, 'base64url');
  if (expected.length < 16 || password.length > 1024) return false;
  const derived = await scrypt(password, Buffer.from(saltText, 'base64url'), expected.length, { N, r, p, maxmem: 256 * N * r + 32 * 1024 * 1024 });
  return timingSafeEqual(derived, expected);
}

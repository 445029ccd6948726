import { describe, it, expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { constantTimeEqual, decryptSecret, encryptSecret, hashPassword, hmacSha256Hex, randomToken, SecretDecryptionError, sha256Hex, verifyPassword } from './crypto.js';

describe('random tokens and hashes', () => {
  it('makes base64url tokens of the asked size, different every time', () => {
    const a = randomToken(32);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken(32)).not.toBe(a);
    expect(Buffer.from(randomToken(24), 'base64url')).toHaveLength(24);
  });

  it('hashes with sha256 and HMAC-SHA256 (known vectors)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    // RFC 4231 test case 2
    expect(hmacSha256Hex('Jefe', 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('compares in constant time and tells equal from different', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});

describe('secrets at rest (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('round-trips and never shows the plaintext in the envelope', () => {
    const envelope = encryptSecret(key, 'agent-password-۱۲۳', 'agent:1');
    expect(envelope.startsWith('v1.')).toBe(true);
    expect(envelope).not.toContain('agent-password');
    expect(decryptSecret(key, envelope, 'agent:1')).toBe('agent-password-۱۲۳');
    expect(encryptSecret(key, 'same', 'c')).not.toBe(encryptSecret(key, 'same', 'c'));
  });

  it('refuses a wrong key, a wrong context and a tampered envelope', () => {
    const envelope = encryptSecret(key, 'secret', 'ctx');
    expect(() => decryptSecret(randomBytes(32), envelope, 'ctx')).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(key, envelope, 'other')).toThrow(SecretDecryptionError);
    const parts = envelope.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => decryptSecret(key, parts.join('.'), 'ctx')).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(key, 'v2.a.b.c')).toThrow(SecretDecryptionError);
  });

  it('insists on a 32-byte key', () => {
    expect(() => encryptSecret(randomBytes(16), 'x')).toThrow(/32 bytes/);
  });
});

describe('password hashing (scrypt)', () => {
  it('verifies the right password and refuses a wrong one; salts differ', async () => {
    const stored = await hashPassword('انبار-1403!');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('انبار-1403!', stored)).toBe(true);
    expect(await verifyPassword('انبار-1404!', stored)).toBe(false);
    expect(await hashPassword('انبار-1403!')).not.toBe(stored);
  });

  it('returns false for malformed or abusive stored hashes instead of throwing', async () => {
    expect(await verifyPassword('x', 'plain')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1073741824$8$1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA')).toBe(false);
  });
});

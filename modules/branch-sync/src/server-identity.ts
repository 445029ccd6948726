/**
 * The server's Ed25519 identity, which agents pin at enrolment. Derived from the server's secret key
 * (HKDF, its own label), so every app instance sharing SECRET_KEY has the same identity without another
 * secret to distribute; rotating SECRET_KEY changes it and agents must be re-enrolled (security.md).
 */
import { createHash, createPrivateKey, createPublicKey, hkdfSync, sign, type KeyObject } from 'node:crypto';
import { assert } from '@chaharsu/kit';

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410).
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface ServerIdentity {
  /** SPKI DER, base64. */
  public_key: string;
  /** sha256 of the SPKI DER, hex. */
  fingerprint: string;
  sign(text: string): string;
}

export function serverIdentityFrom(secret_key: Buffer): ServerIdentity {
  assert(secret_key.length === 32, 'server identity needs the 32-byte secret key');
  const seed = Buffer.from(hkdfSync('sha256', secret_key, Buffer.alloc(0), 'chaharsu/branch-sync/server-identity/v1', 32));
  const privateKey: KeyObject = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return {
    public_key: spki.toString('base64'),
    fingerprint: createHash('sha256').update(spki).digest('hex'),
    sign: (text) => sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64'),
  };
}

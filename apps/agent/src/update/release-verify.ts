/**
 * Checks a downloaded agent release BEFORE anything else touches it: size, sha256, and the Ed25519
 * signature of the release signing key over (version, sha256, size). The public key is pinned in the
 * agent (RELEASE_PUBLIC_KEYS in version.ts, or the identity file for a private deployment), never taken
 * from the server, so a compromised or impersonated panel cannot make an agent run its code.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { releaseSignedText, type UpdateOffer } from '@chaharsu/branch-sync/protocol';

export type ReleaseCheck =
  | { ok: true }
  | { ok: false; reason: 'size_mismatch' | 'sha256_mismatch' | 'bad_signature' | 'no_trusted_key' };

/** A release public key as the agent pins it: SPKI PEM or SPKI DER in base64. */
export function releasePublicKey(pinned: string): KeyObject {
  const key = pinned.includes('BEGIN PUBLIC KEY')
    ? createPublicKey(pinned)
    : createPublicKey({ key: Buffer.from(pinned, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`release key must be Ed25519, not ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

/** True when any of the pinned keys signed exactly this version, digest and size (a key rotation pins two keys for a while). */
export function checkRelease(artifact: Buffer, offer: Pick<UpdateOffer, 'version' | 'sha256' | 'size_bytes' | 'signature'>, pinned_keys: readonly string[]): ReleaseCheck {
  if (pinned_keys.length === 0) return { ok: false, reason: 'no_trusted_key' };
  if (artifact.length !== offer.size_bytes) return { ok: false, reason: 'size_mismatch' };
  if (createHash('sha256').update(artifact).digest('hex') !== offer.sha256) return { ok: false, reason: 'sha256_mismatch' };
  const text = Buffer.from(releaseSignedText(offer), 'utf8');
  const signature = Buffer.from(offer.signature, 'base64');
  const signed = pinned_keys.some((pinned) => verify(null, text, releasePublicKey(pinned), signature));
  return signed ? { ok: true } : { ok: false, reason: 'bad_signature' };
}

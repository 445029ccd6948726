import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { readServerFrame, releaseSignedText } from '@chaharsu/branch-sync/protocol';
import { checkRelease } from './release-verify.js';

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, pem: publicKey.export({ format: 'pem', type: 'spki' }).toString() };
}

function signedOffer(artifact: Buffer, version: string, privateKey: ReturnType<typeof keyPair>['privateKey']) {
  const sha256 = createHash('sha256').update(artifact).digest('hex');
  const signature = sign(null, Buffer.from(releaseSignedText({ version, sha256, size_bytes: artifact.length })), privateKey).toString('base64');
  return { version, sha256, size_bytes: artifact.length, signature };
}

describe('a release is checked before anything else touches it', () => {
  const release = keyPair();
  const artifact = Buffer.from('#!/bin/sh\necho agent 0.2.0\n');
  const offer = signedOffer(artifact, '0.2.0', release.privateKey);

  test('a release signed by the pinned key, with its size and digest, is accepted', () => {
    expect(checkRelease(artifact, offer, [release.pem])).toEqual({ ok: true });
  });

  test('a tampered artifact is refused even when the server sends a matching digest and size', () => {
    const tampered = Buffer.from(artifact);
    tampered[tampered.length - 2] = 0x31;
    expect(checkRelease(tampered, offer, [release.pem])).toEqual({ ok: false, reason: 'sha256_mismatch' });
    const relabelled = { ...offer, sha256: createHash('sha256').update(tampered).digest('hex') };
    expect(checkRelease(tampered, relabelled, [release.pem])).toEqual({ ok: false, reason: 'bad_signature' });
    expect(checkRelease(Buffer.concat([artifact, Buffer.from('x')]), offer, [release.pem])).toEqual({ ok: false, reason: 'size_mismatch' });
  });

  test('a release signed by another key is refused; during a rotation either pinned key is accepted', () => {
    const other = keyPair();
    const foreign = signedOffer(artifact, '0.2.0', other.privateKey);
    expect(checkRelease(artifact, foreign, [release.pem])).toEqual({ ok: false, reason: 'bad_signature' });
    expect(checkRelease(artifact, foreign, [release.pem, other.pem])).toEqual({ ok: true });
    expect(checkRelease(artifact, offer, [])).toEqual({ ok: false, reason: 'no_trusted_key' });
  });

  test('a signature of one version does not pass for another version of the same bytes', () => {
    expect(checkRelease(artifact, { ...offer, version: '0.3.0' }, [release.pem])).toEqual({ ok: false, reason: 'bad_signature' });
  });
});

describe('frames from a newer server', () => {
  test('a message type this agent does not know is ignored, not treated as a broken connection', () => {
    expect(readServerFrame(JSON.stringify({ type: 'something.new', anything: 1 }))).toEqual({ kind: 'unknown_type', type: 'something.new' });
    expect(readServerFrame(JSON.stringify({ type: 'mirror.ack', batch_id: 'not-a-uuid' })).kind).toBe('invalid');
    expect(readServerFrame('{').kind).toBe('invalid');
    expect(readServerFrame(JSON.stringify({ type: 'mirror.resync', company_database: null }))).toEqual({ kind: 'message', message: { type: 'mirror.resync', company_database: null } });
  });
});

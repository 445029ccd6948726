/**
 * Release signing for the operator's workstation (never the server): `npm run cli -- branch-sync:sign-release
 * --key <private.pem> --file <artifact> --version <v>` prints what `branch-sync:publish-release` needs.
 * The signature covers version, sha256 and size (protocol.ts releaseSignedText), so a signed artifact cannot
 * be offered as another version, and a changed byte fails the agent's check.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ReleaseVersion, releaseSignedText } from './protocol.js';

export interface SignedRelease { version: string; sha256: string; size_bytes: number; signature: string; public_key_fingerprint: string }

export function signRelease(input: { private_key_pem: string; artifact: Buffer; version: string }): SignedRelease {
  const version = ReleaseVersion.parse(input.version);
  const key = createPrivateKey(input.private_key_pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the release key must be Ed25519, not ${key.asymmetricKeyType ?? 'unknown'}`);
  const sha256 = createHash('sha256').update(input.artifact).digest('hex');
  const size_bytes = input.artifact.length;
  const signature = sign(null, Buffer.from(releaseSignedText({ version, sha256, size_bytes }), 'utf8'), key).toString('base64');
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return { version, sha256, size_bytes, signature, public_key_fingerprint: createHash('sha256').update(spki).digest('hex') };
}

function flags(args: string[], names: string[]): Record<string, string | undefined> {
  const { values } = parseArgs({ args, options: Object.fromEntries(names.map((n) => [n, { type: 'string' as const }])) });
  return values as Record<string, string | undefined>;
}

/** CLI commands that need no database (they run before the server configuration is loaded). */
export const releaseSigningCommands = {
  /** Writes a new Ed25519 release key pair: keep the private one offline; the public one is pinned in agents. */
  'branch-sync:release-keygen': (args: string[]) => {
    const { out } = flags(args, ['out']);
    if (!out) throw new Error('usage: branch-sync:release-keygen --out <file prefix> (writes <prefix>.private.pem and <prefix>.public.pem)');
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(`${out}.private.pem`, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
    writeFileSync(`${out}.public.pem`, publicKey.export({ format: 'pem', type: 'spki' }), { flag: 'wx' });
    return { private_key: `${out}.private.pem`, public_key: `${out}.public.pem` };
  },
  'branch-sync:sign-release': (args: string[]) => {
    const { key, file, version } = flags(args, ['key', 'file', 'version']);
    if (!key || !file || !version) throw new Error('usage: branch-sync:sign-release --key <private.pem> --file <artifact> --version <v>');
    return signRelease({ private_key_pem: readFileSync(key, 'utf8'), artifact: readFileSync(file), version });
  },
};

export function publishReleaseArgs(args: string[]): { version: string; file: string; signature: string; notes: string | null } {
  const { version, file, signature, notes } = flags(args, ['version', 'file', 'signature', 'notes']);
  if (!version || !file || !signature) throw new Error('usage: branch-sync:publish-release --file <artifact> --version <v> --signature <base64 from sign-release> [--notes <text>]');
  return { version, file, signature, notes: notes ?? null };
}

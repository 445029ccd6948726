/**
 * The agent's side of credential changes made in the panel (apps/agent/README.md "Secret rotation"):
 * - `secret.rotate`: open the new secret (sealed under the current one), store it in agent.json through the
 *   platform (protectSecret + writeFileAtomic), and only then prove it with `secret.rotated`. A crash before the
 *   write leaves the old secret, which the server still accepts (it re-sends the rotation); a crash after it
 *   leaves the new one, which the server accepts too and takes as the confirmation.
 * - `password.verifier`: store the verifier of the new agent password and say which one is held.
 */
import { createDecipheriv, createHash, createHmac } from 'node:crypto';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import path from 'node:path';
import { rotationConfirmText, rotationSealText } from '@chaharsu/branch-sync/protocol';
import { identityFile, writeIdentity, type AgentIdentityFile } from './agent-config.js';
import type { AgentPlatform } from './platform.js';

/** Opens `sealed_secret` of a `secret.rotate` with the current secret; throws when it was not sealed for it. */
export function openRotatedSecret(input: { current_secret: string; agent_id: string; rotation_id: string; sealed_secret: string }): string {
  const raw = Buffer.from(input.sealed_secret, 'base64');
  if (raw.length < 12 + 16 + 32) throw new Error('sealed secret too short');
  const key = createHmac('sha256', input.current_secret).update(rotationSealText(input)).digest();
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(input.rotation_id, 'utf8'));
  decipher.setAuthTag(raw.subarray(12, 28));
  const secret = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  if (!/^[A-Za-z0-9_-]{43,100}$/.test(secret)) throw new Error('rotated secret has an unexpected form');
  return secret;
}

export function rotationProof(secret: string, agent_id: string, rotation_id: string): string {
  return createHmac('sha256', secret).update(rotationConfirmText({ agent_id, rotation_id })).digest('hex');
}

/**
 * Stores the rotated secret durably and returns the identity now in force. A rotation already stored (same id:
 * the confirmation was lost) changes nothing; the caller confirms again with the secret it holds.
 */
export function storeRotatedSecret(input: {
  platform: AgentPlatform; data_dir: string; identity: AgentIdentityFile; current_secret: string; rotation_id: string; sealed_secret: string;
}): { identity: AgentIdentityFile; secret: string; stored: boolean } {
  if (input.identity.secret_rotation_id === input.rotation_id) return { identity: input.identity, secret: input.current_secret, stored: false };
  const secret = openRotatedSecret({ current_secret: input.current_secret, agent_id: input.identity.agent_id, rotation_id: input.rotation_id, sealed_secret: input.sealed_secret });
  const identity: AgentIdentityFile = { ...input.identity, secret_protected: input.platform.protectSecret(secret), secret_rotation_id: input.rotation_id };
  writeIdentity(input.platform, input.data_dir, identity);
  flushToDisk(identityFile(input.data_dir));
  return { identity, secret, stored: true };
}

/**
 * The confirmation retires the old secret on the server, so the new one must survive a power cut first: the file and
 * (where the platform allows it) its directory entry are flushed before the agent confirms.
 */
function flushToDisk(file: string): void {
  const fd = openSync(file, 'r+');
  try { fsyncSync(fd); } finally { closeSync(fd); }
  try {
    const dir = openSync(path.dirname(file), 'r');
    try { fsyncSync(dir); } finally { closeSync(dir); }
  } catch {
    // Windows cannot open a directory for fsync; NTFS journals the rename itself.
  }
}

export const verifierDigest = (verifier: string): string => createHash('sha256').update(verifier, 'utf8').digest('hex');

/**
 * What the panel changes on a live agent without re-enrolling it, and how the hub gets it there:
 * - the agent secret (rotation): the new secret waits encrypted on the agent row (`pending_secret_envelope`)
 *   and travels sealed under the current secret; the handshake accepts both until the agent proves it stored
 *   the new one (`secret.rotated`, or simply authenticating with it after a crash), then the old one is retired.
 *   An agent that is offline or dies mid-rotation is never locked out.
 * - the agent password: a new one is generated and stored encrypted; its verifier is pushed to the agent
 *   (`password.verifier`) and the agent confirms it holds it (`password.stored`).
 * - connection settings (spec A2/E3): SQL Server port and the agent's local port, versioned; the agent applies a
 *   revision or keeps the previous one and says why (`settings.result`).
 */
import { createCipheriv, createHmac, randomBytes, randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Tx } from '@chaharsu/db';
import { AppError, constantTimeEqual, encryptSecret, hashPassword, hmacSha256Hex, newId, sha256Hex } from '@chaharsu/kit';
import type { AgentRow } from './branch-sync.repository.js';
import { rotationConfirmText, rotationSealText, type AgentSettings, type ServerMessage } from './protocol.js';

export const agentSecretContext = (agent_id: string): string => `branch_sync.agent:${agent_id}`;
export const agentPasswordContext = (agent_id: string): string => `branch_sync.agent_password:${agent_id}`;

export interface ConnectionSettings { sql_port: number | null; local_port: number | null }

export interface CredentialColumns {
  pending_secret_envelope: string | null;
  secret_rotation_id: string | null;
  secret_rotation_requested_at: Date | null;
  secret_rotated_at: Date | null;
  password_changed_at: Date | null;
  password_delivered_at: Date | null;
  settings: ConnectionSettings;
  settings_revision: number;
  settings_applied_revision: number;
  settings_error: string | null;
  settings_reported_at: Date | null;
}

/** AES-256-GCM under HMAC(current secret, rotationSealText): iv(12) | tag(16) | ciphertext, base64; the rotation id is the AAD. */
export function sealRotatedSecret(input: { current_secret: string; agent_id: string; rotation_id: string; new_secret: string }): string {
  const key = createHmac('sha256', input.current_secret).update(rotationSealText(input)).digest();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(input.rotation_id, 'utf8'));
  const body = Buffer.concat([cipher.update(input.new_secret, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** Does `proof` show that the agent holds `pending_secret` for this rotation? */
export function rotationProofValid(input: { pending_secret: string; agent_id: string; rotation_id: string; proof: string }): boolean {
  return constantTimeEqual(hmacSha256Hex(input.pending_secret, rotationConfirmText(input)), input.proof);
}

export const credentialsRepository = {
  /** Stores a new secret as pending; refuses (null) while another rotation waits for the agent. */
  startRotation: async (db: Tx, org_id: string, agent_id: string, secret_key: Buffer): Promise<{ rotation_id: string } | null> => {
    const rotation_id = newId();
    const envelope = encryptSecret(secret_key, randomBytes(32).toString('base64url'), agentSecretContext(agent_id));
    const row = await db.updateTable('branch_sync.agent')
      .set({ pending_secret_envelope: envelope, secret_rotation_id: rotation_id, secret_rotation_requested_at: sql`now()` })
      .where('org_id', '=', org_id).where('id', '=', agent_id).where('secret_rotation_id', 'is', null).where('status', '<>', 'revoked')
      .returning('id').executeTakeFirst();
    return row ? { rotation_id } : null;
  },
  /** Makes the pending secret the agent's secret (only for this rotation: a second confirmation changes nothing). */
  completeRotation: async (db: Tx, org_id: string, agent_id: string, rotation_id: string): Promise<boolean> => {
    const row = await db.updateTable('branch_sync.agent')
      .set({ secret_envelope: sql`pending_secret_envelope`, pending_secret_envelope: null, secret_rotation_id: null, secret_rotated_at: sql`now()` })
      .where('org_id', '=', org_id).where('id', '=', agent_id).where('secret_rotation_id', '=', rotation_id)
      .returning('id').executeTakeFirst();
    return row !== undefined;
  },
  setPassword: (db: Tx, org_id: string, agent_id: string, input: { password_envelope: string; password_verifier: string }) =>
    db.updateTable('branch_sync.agent').set({ ...input, password_changed_at: sql`now()`, password_delivered_at: null })
      .where('org_id', '=', org_id).where('id', '=', agent_id).execute(),
  /** The agent holds the verifier whose sha256 it reported; only the current verifier counts as delivered. */
  markPasswordDelivered: async (db: Tx, org_id: string, agent_id: string, verifier_sha256: string): Promise<boolean> => {
    const agent = await db.selectFrom('branch_sync.agent').select(['password_verifier', 'password_delivered_at']).where('org_id', '=', org_id).where('id', '=', agent_id).forUpdate().executeTakeFirst();
    if (!agent?.password_verifier || agent.password_delivered_at !== null || sha256Hex(agent.password_verifier as string) !== verifier_sha256) return false;
    await db.updateTable('branch_sync.agent').set({ password_delivered_at: sql`now()` }).where('org_id', '=', org_id).where('id', '=', agent_id).execute();
    return true;
  },
  setSettings: async (db: Tx, org_id: string, agent_id: string, settings: ConnectionSettings): Promise<number> => {
    const row = await db.updateTable('branch_sync.agent')
      .set({ settings: JSON.stringify(settings), settings_revision: sql`settings_revision + 1`, settings_error: null })
      .where('org_id', '=', org_id).where('id', '=', agent_id).returning('settings_revision').executeTakeFirstOrThrow();
    return Number(row.settings_revision);
  },
  /** The agent's answer for a revision; an answer for an older revision than the panel's latest is only history. */
  recordSettingsResult: async (db: Tx, org_id: string, agent_id: string, input: { revision: number; outcome: 'applied' | 'failed'; error: string | null }): Promise<boolean> => {
    const row = await db.updateTable('branch_sync.agent')
      .set(input.outcome === 'applied'
        ? { settings_applied_revision: input.revision, settings_error: null, settings_reported_at: sql`now()` }
        : { settings_error: input.error ?? 'failed', settings_reported_at: sql`now()` })
      .where('org_id', '=', org_id).where('id', '=', agent_id).where('settings_revision', '=', input.revision)
      .returning('id').executeTakeFirst();
    return row !== undefined;
  },
};

/** What the panel shows about credentials and settings (see AgentStatusDto.agent.credentials / settings). */
export function credentialsDto(agent: AgentRow & Partial<CredentialColumns>) {
  const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);
  const settings = agent.settings ?? { sql_port: null, local_port: null };
  return {
    credentials: {
      secret_rotated_at: iso(agent.secret_rotated_at),
      secret_rotation_pending_since: agent.secret_rotation_id ? iso(agent.secret_rotation_requested_at) : null,
      password_changed_at: iso(agent.password_changed_at),
      password_delivered: agent.password_changed_at ? agent.password_delivered_at !== null && agent.password_delivered_at !== undefined : true,
    },
    settings: {
      sql_port: settings.sql_port, local_port: settings.local_port, revision: agent.settings_revision ?? 0,
      applied_revision: agent.settings_applied_revision ?? 0, error: agent.settings_error ?? null, reported_at: iso(agent.settings_reported_at),
    },
  };
}

/** 16 characters from an alphabet without look-alikes (0/O, 1/l/I), in groups of 4: ~80 bits, typeable at the branch. */
export function generateAgentPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const chars = Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)] as string);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

export async function newAgentPassword(secret_key: Buffer, agent_id: string): Promise<{ password_envelope: string; password_verifier: string }> {
  const password = generateAgentPassword();
  return { password_envelope: encryptSecret(secret_key, password, agentPasswordContext(agent_id)), password_verifier: await hashPassword(password) };
}

/** Which pushes a connected agent still needs, given what was already sent on this socket. */
export interface PushedState { rotation_id: string | null; password_changed_at: string | null; settings_revision: number }

export function pendingPushes(
  agent: AgentRow & Partial<CredentialColumns>, sent: PushedState, sealFor: (rotation_id: string) => string,
): { messages: ServerMessage[]; sent: PushedState } {
  const messages: ServerMessage[] = [];
  const next = { ...sent };
  if (agent.secret_rotation_id && agent.pending_secret_envelope && sent.rotation_id !== agent.secret_rotation_id) {
    messages.push({ type: 'secret.rotate', rotation_id: agent.secret_rotation_id, sealed_secret: sealFor(agent.secret_rotation_id) });
    next.rotation_id = agent.secret_rotation_id;
  }
  const changed = agent.password_changed_at ? new Date(agent.password_changed_at).toISOString() : null;
  if (changed && agent.password_verifier && !agent.password_delivered_at && sent.password_changed_at !== changed) {
    messages.push({ type: 'password.verifier', password_verifier: agent.password_verifier });
    next.password_changed_at = changed;
  }
  const revision = agent.settings_revision ?? 0;
  if (revision > (agent.settings_applied_revision ?? 0) && sent.settings_revision !== revision) {
    const settings = agent.settings ?? { sql_port: null, local_port: null };
    messages.push({ type: 'settings', revision, sql_port: settings.sql_port, local_port: settings.local_port } satisfies AgentSettings);
    next.settings_revision = revision;
  }
  return { messages, sent: next };
}

const ReportedPorts = z.object({ ports: z.array(z.object({ name: z.string(), port: z.number() })) });
/** The ports of a stored heartbeat (undefined when there was none, or it predates ports). */
export function reportedPorts(last_health: unknown): Array<{ name: string; port: number }> | undefined {
  const parsed = ReportedPorts.safeParse(last_health);
  return parsed.success ? parsed.data.ports : undefined;
}

/** Port changes between two heartbeats, as one line for the branch's event list ("sql_server 1433 → 1533"). */
export function describePortChanges(before: ReadonlyArray<{ name: string; port: number }> | undefined, after: ReadonlyArray<{ name: string; port: number }>): string | null {
  if (!before) return null;
  const old = new Map(before.map((p) => [p.name, p.port]));
  const now = new Map(after.map((p) => [p.name, p.port]));
  const changes: string[] = [];
  for (const [name, port] of now) if (old.has(name) && old.get(name) !== port) changes.push(`${name} ${old.get(name)} → ${port}`);
  for (const [name, port] of now) if (!old.has(name)) changes.push(`${name} + ${port}`);
  for (const [name, port] of old) if (!now.has(name)) changes.push(`${name} − ${port}`);
  return changes.length ? changes.join(', ') : null;
}

export function rotationPendingError(agent: AgentRow & Partial<CredentialColumns>): AppError {
  return new AppError('branch_sync.secret_rotation_pending', { since: agent.secret_rotation_requested_at ? new Date(agent.secret_rotation_requested_at).toISOString() : null });
}

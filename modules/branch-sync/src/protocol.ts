/**
 * The wire protocol between a branch agent and the server (one JSON message per WebSocket frame).
 * Shared by apps/agent and modules/branch-sync: zod only, no server or driver imports.
 *
 * Handshake (server identity pinned, the secret never on the wire):
 *   agent  → hello      { org_id, agent_id, agent_nonce, agent_version }
 *   server → challenge  { server_nonce, server_time, signature = Ed25519(server key, challengeText) }
 *   agent  checks the signature with the public key it pinned at enrolment, then
 *   agent  → auth       { proof = HMAC-SHA256(agent secret, proofText) }
 *   server → welcome | denied
 * After `welcome` both sides exchange the messages below until the socket closes.
 */
import { z } from 'zod';
import { HolooCommand } from '@chaharsu/holoo/contracts';

export const PROTOCOL_VERSION = 1;
/** WebSocket path the agent dials (outbound from the branch: no inbound port on the branch network). */
export const AGENT_SOCKET_PATH = '/api/branch-sync/agent/socket';
export const AGENT_ENROL_PATH = '/api/branch-sync/agent/enrol';

const Id = z.uuid();
const Nonce = z.string().regex(/^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
const JsonValue: z.ZodType<unknown> = z.json();

/** The text the server signs: binds its nonce to this agent and to the agent's own nonce (no replay of old challenges). */
export function challengeText(input: { server_nonce: string; agent_nonce: string; agent_id: string; server_time: string }): string {
  return `chaharsu-agent-challenge/v1\n${input.agent_id}\n${input.agent_nonce}\n${input.server_nonce}\n${input.server_time}`;
}

/** The text the agent MACs with its secret: both nonces, its id and the pinned server identity. */
export function proofText(input: { server_nonce: string; agent_nonce: string; agent_id: string; server_fingerprint: string }): string {
  return `chaharsu-agent-proof/v1\n${input.agent_id}\n${input.agent_nonce}\n${input.server_nonce}\n${input.server_fingerprint}`;
}

// ---- enrolment (HTTPS POST, before the agent has a secret) ----

export const EnrolRequest = z.object({
  code: z.string().trim().min(20).max(200),
  agent_version: z.string().trim().min(1).max(50),
  hostname: z.string().trim().min(1).max(255),
});
export type EnrolRequest = z.infer<typeof EnrolRequest>;

export const EnrolResponse = z.object({
  org_id: Id,
  branch_id: Id,
  agent_id: Id,
  /** 32 random bytes, base64url: the agent's HMAC key. Shown once; the server keeps it encrypted. */
  secret: z.string().min(43).max(100),
  /** The server's Ed25519 public key (SPKI DER, base64): the agent pins it. */
  server_public_key: z.string().min(40).max(200),
  /** sha256 of that key, hex: what the agent puts in its proof and what a person can compare. */
  server_fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  heartbeat_interval_ms: z.number().int().min(1000).max(600_000),
});
export type EnrolResponse = z.infer<typeof EnrolResponse>;

// ---- health (heartbeat) ----

export const BackupInfo = z.object({
  database: z.string().max(128),
  /** Newest finished backup of any kind (full, differential, log), ISO time as SQL Server wrote it (server wall clock, no zone). */
  last_backup_at: z.string().max(40).nullable(),
  /** Newest finished full backup (what a restore starts from). */
  last_full_backup_at: z.string().max(40).nullable(),
});
export type BackupInfo = z.infer<typeof BackupInfo>;

export const AgentHealth = z.object({
  agent_version: z.string().max(50),
  hostname: z.string().max(255),
  platform: z.string().max(50),
  uptime_s: z.number().int().min(0),
  sql_reachable: z.boolean(),
  sql_error: z.string().max(2000).nullable(),
  sql_server_version: z.string().max(500).nullable(),
  company_databases: z.array(z.object({ database: z.string().max(128), company_name: z.string().max(500).nullable() })).max(500),
  /** Bound company databases that are missing from the instance. */
  missing_databases: z.array(z.string().max(128)).max(500),
  ports: z.array(z.object({ name: z.string().max(50), port: z.number().int().min(0).max(65535), open: z.boolean() })).max(20),
  disk_free_bytes: z.number().int().min(0).nullable(),
  disk_total_bytes: z.number().int().min(0).nullable(),
  /** The agent's clock when it sent this heartbeat (the server computes the skew). */
  agent_time: z.iso.datetime({ offset: true }),
  /** Commands stored locally and not yet acknowledged by the server. */
  queue_length: z.number().int().min(0),
  last_error: z.string().max(2000).nullable(),
  /**
   * The newest backup SQL Server recorded per company database (msdb.dbo.backupset; spec E3 "last backup").
   * Optional: agents before this field send nothing; null `backups_error` with an empty list means no backup was ever taken.
   */
  backups: z.array(BackupInfo).max(500).optional(),
  /** Why the backup history could not be read (e.g. the agent's login lacks SELECT on msdb.dbo.backupset). */
  backups_error: z.string().max(2000).nullable().optional(),
  /** The connection settings revision this agent runs with (the panel's port changes, spec A2/E3). */
  settings_revision: z.number().int().min(0).optional(),
});
export type AgentHealth = z.infer<typeof AgentHealth>;

// ---- agent → server ----

export const AgentHello = z.object({
  type: z.literal('hello'),
  protocol: z.literal(PROTOCOL_VERSION),
  org_id: Id,
  agent_id: Id,
  agent_nonce: Nonce,
  agent_version: z.string().min(1).max(50),
});
export const AgentAuth = z.object({ type: z.literal('auth'), proof: z.string().regex(/^[0-9a-f]{64}$/) });
export const AgentHeartbeat = z.object({ type: z.literal('heartbeat'), health: AgentHealth });
export const CommandReceived = z.object({ type: z.literal('command.received'), command_id: Id });
export const CommandResult = z.object({
  type: z.literal('command.result'),
  command_id: Id,
  outcome: z.enum(['applied', 'rejected']),
  /** The command's result, or `{ code, params }` of the rejection. */
  result: JsonValue,
  /** True when the branch database already held this id (a re-delivery): nothing was applied again. */
  replayed: z.boolean(),
  applied_at: z.string().max(40).nullable(),
});
/** A failure that did not settle the command (SQL Server down, a row locked by Holoo): the agent retries; the panel shows it. */
export const CommandTrouble = z.object({ type: z.literal('command.trouble'), command_id: Id, error: z.string().max(2000), transient: z.boolean() });
export const AgentLog = z.object({
  type: z.literal('log'),
  entries: z.array(z.object({
    level: z.enum(['warn', 'error', 'fatal']),
    at: z.iso.datetime({ offset: true }),
    message: z.string().max(2000),
    detail: z.string().max(8000).nullable(),
  })).min(1).max(100),
});

export const MirrorEntity = z.enum(['article', 'main_group', 'sub_group']);
export type MirrorEntity = z.infer<typeof MirrorEntity>;
export const MIRROR_BATCH_MAX_ROWS = 2000;
/**
 * A page of the catalog mirror: rows changed (by row hash) since the last batch the server acknowledged,
 * and keys that disappeared. `full`: part of a full scan; its `last` batch makes the server drop every row
 * of that entity the scan did not send (a full resync).
 */
export const MirrorBatch = z.object({
  type: z.literal('mirror.batch'),
  batch_id: Id,
  scan_id: Id,
  company_database: z.string().min(1).max(128),
  entity: MirrorEntity,
  full: z.boolean(),
  /** The last batch of this entity in this scan. */
  last: z.boolean(),
  /** The last batch of the whole scan (every entity): a full scan is complete when it is acknowledged. */
  scan_complete: z.boolean(),
  upserts: z.array(z.object({ key: z.string().min(1).max(50), row_hash: z.string().min(1).max(128), data: JsonValue })).max(MIRROR_BATCH_MAX_ROWS),
  deletes: z.array(z.string().min(1).max(50)).max(100_000),
});
export type MirrorBatch = z.infer<typeof MirrorBatch>;

// ---- self-update (spec E8) ----

/**
 * The text a release signing key signs: the version, the artifact's sha256 and its size. The private key
 * stays off the server (`npm run cli -- branch-sync:sign-release`); the agent pins the public key, so a
 * compromised server can offer only releases that were really signed, and never relabel one as another version.
 */
export function releaseSignedText(input: { version: string; sha256: string; size_bytes: number }): string {
  return `chaharsu-agent-release/v1\n${input.version}\n${input.sha256}\n${input.size_bytes}`;
}
/** Headers of an agent's HTTPS download of a release artifact (the socket is not used for bulk bytes). */
export const AGENT_DOWNLOAD_HEADERS = { agent: 'x-chaharsu-agent', time: 'x-chaharsu-time', proof: 'x-chaharsu-proof' } as const;
/** What the agent MACs with its secret to download: its id, the exact path and the time (the server accepts ±5 minutes). */
export function downloadProofText(input: { org_id: string; agent_id: string; path: string; time: string }): string {
  return `chaharsu-agent-download/v1\n${input.org_id}\n${input.agent_id}\n${input.path}\n${input.time}`;
}
export const agentReleaseDownloadPath = (version: string): string => `/api/branch-sync/agent/releases/${encodeURIComponent(version)}/artifact`;
export const ReleaseVersion = z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, 'semantic version').max(50);
/**
 * Sent by the agent only after it received an `update.offer`, so an older server never sees it.
 * `installed`: the new version is up and connected; `rolled_back`: it did not come up and the previous one runs again.
 */
export const UpdateReport = z.object({
  type: z.literal('update.report'),
  version: ReleaseVersion,
  outcome: z.enum(['downloaded', 'waiting_confirmation', 'installed', 'rejected', 'rolled_back']),
  detail: z.string().max(2000).nullable(),
});
export type UpdateReport = z.infer<typeof UpdateReport>;

// ---- credentials and settings pushed by the panel (secret rotation, agent password, ports) ----

/**
 * The key that seals a rotated secret for its trip to the agent: HMAC(current secret, this text). On top of TLS,
 * only the holder of the current secret can open it (an intercepting proxy cannot), and it is bound to the rotation.
 */
export function rotationSealText(input: { agent_id: string; rotation_id: string }): string {
  return `chaharsu-agent-rotate/v1\n${input.agent_id}\n${input.rotation_id}`;
}
/** What the agent MACs with the NEW secret to confirm it stored it (the server then retires the old one). */
export function rotationConfirmText(input: { agent_id: string; rotation_id: string }): string {
  return `chaharsu-agent-rotated/v1\n${input.agent_id}\n${input.rotation_id}`;
}
/** Sent by the agent only after a `secret.rotate`, once the new secret is stored durably. */
export const SecretRotated = z.object({ type: z.literal('secret.rotated'), rotation_id: Id, proof: z.string().regex(/^[0-9a-f]{64}$/) });
/** Sent by the agent only after a `password.verifier`, once the verifier is stored: sha256 (hex) of the verifier it holds. */
export const PasswordStored = z.object({ type: z.literal('password.stored'), verifier_sha256: z.string().regex(/^[0-9a-f]{64}$/) });
/** Sent by the agent only after a `settings`: whether it could apply that revision (else it keeps running with the previous one). */
export const SettingsResult = z.object({
  type: z.literal('settings.result'),
  revision: z.number().int().min(1),
  outcome: z.enum(['applied', 'failed']),
  error: z.string().max(2000).nullable(),
});
export type SettingsResult = z.infer<typeof SettingsResult>;

export const AgentMessage = z.discriminatedUnion('type', [AgentHello, AgentAuth, AgentHeartbeat, CommandReceived, CommandResult, CommandTrouble, AgentLog, MirrorBatch, UpdateReport, SecretRotated, PasswordStored, SettingsResult]);
export type AgentMessage = z.infer<typeof AgentMessage>;
export type CommandResultMessage = z.infer<typeof CommandResult>;

// ---- server → agent ----

export const ServerChallenge = z.object({
  type: z.literal('challenge'),
  server_nonce: Nonce,
  server_time: z.iso.datetime({ offset: true }),
  /** Ed25519 over challengeText(...), base64. */
  signature: z.string().min(40).max(200),
});
export const ServerWelcome = z.object({
  type: z.literal('welcome'),
  branch_id: Id,
  heartbeat_interval_ms: z.number().int().min(1000).max(600_000),
  server_time: z.iso.datetime({ offset: true }),
  /** Every command with seq ≤ this is settled on the server: an agent that lost its journal starts after it. */
  settled_through_seq: z.number().int().min(0),
  /** scrypt verifier of the agent password (stop, uninstall, settings need it at the branch computer). */
  password_verifier: z.string().max(500).nullable(),
});
export const ServerDenied = z.object({ type: z.literal('denied'), code: z.enum(['unknown_agent', 'bad_proof', 'revoked', 'protocol']) });
export const CommandDelivery = z.object({
  type: z.literal('command'),
  command_id: Id,
  /** Per-agent order, from 1 without gaps: the agent applies commands in this order. */
  seq: z.number().int().min(1),
  company_database: z.string().min(1).max(128),
  /** The panel user who asked (recorded with the change in the branch database, spec E4). */
  requested_by: z.string().min(1).max(100),
  command: HolooCommand,
  attempt: z.number().int().min(1),
});
export type CommandDelivery = z.infer<typeof CommandDelivery>;
export const ResultAck = z.object({ type: z.literal('command.result_ack'), command_id: Id });

export const MirrorAck = z.object({ type: z.literal('mirror.ack'), batch_id: Id });
/** The panel asked for a full resync of the mirror (null: every bound company database). */
export const MirrorResync = z.object({ type: z.literal('mirror.resync'), company_database: z.string().max(128).nullable() });

/** A new agent version for this agent; the agent downloads `download_path` over HTTPS, authenticated as itself. */
export const UpdateOffer = z.object({
  type: z.literal('update.offer'),
  version: ReleaseVersion,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size_bytes: z.number().int().min(1).max(500 * 1024 * 1024),
  /** Ed25519 over releaseSignedText(...) by the release signing key, base64. */
  signature: z.string().min(40).max(200),
  download_path: z.string().startsWith('/api/branch-sync/').max(500),
  /** The panel's "install without confirmation" setting; false: the agent waits for someone at the branch. */
  install_without_confirmation: z.boolean(),
});
export type UpdateOffer = z.infer<typeof UpdateOffer>;

/**
 * A new agent secret (secret rotation without re-enrolment). `sealed_secret`: AES-256-GCM under
 * HMAC(current secret, rotationSealText), base64 of iv(12) | tag(16) | ciphertext, the rotation id as associated data.
 * Until the agent answers `secret.rotated`, the server accepts the old secret and the new one.
 */
export const SecretRotate = z.object({ type: z.literal('secret.rotate'), rotation_id: Id, sealed_secret: z.string().min(40).max(400) });
/** The scrypt verifier of a rotated agent password (also in every `welcome`). */
export const PasswordVerifier = z.object({ type: z.literal('password.verifier'), password_verifier: z.string().min(1).max(500) });
/** Connection settings set in the panel (spec A2): the agent applies them, or keeps the previous ones and says why. */
export const AgentSettings = z.object({
  type: z.literal('settings'),
  revision: z.number().int().min(1),
  /** SQL Server's TCP port; null: find it through the instance name (SQL Server Browser). */
  sql_port: z.number().int().min(1).max(65535).nullable(),
  /** The agent's local status port on 127.0.0.1; null: no local listener. */
  local_port: z.number().int().min(1024).max(65535).nullable(),
});
export type AgentSettings = z.infer<typeof AgentSettings>;

export const ServerMessage = z.discriminatedUnion('type', [ServerChallenge, ServerWelcome, ServerDenied, CommandDelivery, ResultAck, MirrorAck, MirrorResync, UpdateOffer, SecretRotate, PasswordVerifier, AgentSettings]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/**
 * How an agent reads a frame: a message of a type it does not know (sent by a newer server) is ignored,
 * not treated as a broken connection, so the server can add messages without breaking older agents.
 */
export function readServerFrame(raw: string): { kind: 'message'; message: ServerMessage } | { kind: 'unknown_type'; type: string } | { kind: 'invalid'; error: unknown } {
  let json: unknown;
  try { json = JSON.parse(raw); } catch (error) { return { kind: 'invalid', error }; }
  const parsed = ServerMessage.safeParse(json);
  if (parsed.success) return { kind: 'message', message: parsed.data };
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && !KNOWN_SERVER_TYPES.has(type)) return { kind: 'unknown_type', type };
  return { kind: 'invalid', error: parsed.error };
}
const KNOWN_SERVER_TYPES = new Set<string>(ServerMessage.options.map((option) => option.shape.type.value));

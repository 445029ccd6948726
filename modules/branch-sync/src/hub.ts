/**
 * The agents' side of the server: enrolment, the WebSocket hub (authentication, heartbeats, command
 * delivery and reports), LISTEN/NOTIFY between server instances, and the sweeper that marks silent
 * agents offline.
 *
 * Several instances: an agent's socket lives on one instance, recorded in branch_sync.connection.
 * A new command is announced on the `branch_sync_command` channel at commit; every instance hears it
 * and the one holding that agent's socket pumps. Each instance also pumps its own agents on a timer:
 * delivery is retried with capped exponential back-off and jitter until the agent reports and the
 * server acknowledges the report. A missed NOTIFY (instance restarting) therefore only delays.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import { inTransaction, type Db, type RlsScope, type Tx } from '@chaharsu/db';
import type { Ctx } from '@chaharsu/http';
import type { AuditApi } from '@chaharsu/audit';
import { AppError, constantTimeEqual, decryptSecret, encryptSecret, hashPassword, hmacSha256Hex, newId, randomToken, systemContext } from '@chaharsu/kit';
import { type AgentRow, agentRepository, commandRepository, connectionRepository, enrolmentRepository, eventRepository, healthRepository } from './branch-sync.repository.js';
import { COMMAND_CHANNEL, enrolmentCodeHash, parseEnrolmentCode } from './branch-sync.service.js';
import { AgentMessage, type AgentHealth, type SettingsResult, type EnrolRequest, type EnrolResponse, PROTOCOL_VERSION, type ServerMessage, challengeText, proofText } from './protocol.js';
import type { ServerIdentity } from './server-identity.js';
import { mirrorRepository } from './mirror.repository.js';
import { authorizeDownload, offerFor, recordUpdateReport, type ReleaseRow } from './releases.js';
import {
  agentPasswordContext, agentSecretContext, credentialsRepository, generateAgentPassword, describePortChanges, reportedPorts, pendingPushes, rotationProofValid, sealRotatedSecret,
  type CredentialColumns, type PushedState,
} from './agent-credentials.js';

const KICK_CHANNEL = 'branch_sync_kick';

export interface HubOptions {
  /** This server instance (unique per process). */
  instance_id: string;
  heartbeat_interval_ms: number;
  /** An agent is offline after this many heartbeat intervals without one. */
  offline_after_missed_heartbeats: number;
  retry_base_ms: number;
  retry_cap_ms: number;
  pump_interval_ms: number;
  sweep_interval_ms: number;
  /** Health history keeps one sample per this interval (the latest health is always on the agent row). */
  health_sample_interval_ms: number;
  health_keep_days: number;
  handshake_timeout_ms: number;
}

export const DEFAULT_HUB_OPTIONS: Omit<HubOptions, 'instance_id'> = {
  heartbeat_interval_ms: 15_000,
  offline_after_missed_heartbeats: 3,
  retry_base_ms: 2_000,
  retry_cap_ms: 60_000,
  pump_interval_ms: 2_000,
  sweep_interval_ms: 10_000,
  health_sample_interval_ms: 60_000,
  health_keep_days: 30,
  handshake_timeout_ms: 10_000,
};

/** Told when an agent goes silent (the composition root sends in-app/Telegram notifications to the branch's managers). */
export interface AgentAlerts {
  agentOffline(ctx: Ctx, input: { agent_id: string; branch_id: string; hostname: string; last_heartbeat_at: string | null }): Promise<void>;
}

export interface HubDeps {
  db: Db;
  /** A connection string for the LISTEN connection (the app role is enough). */
  listen_url: string | null;
  secret_key: Buffer;
  identity: ServerIdentity;
  audit: AuditApi;
  alerts: AgentAlerts | null;
  logger: Logger;
  options: HubOptions;
}

interface Session {
  org_id: string;
  agent_id: string;
  branch_id: string;
  socket: WebSocket;
  pumping: boolean;
  pump_again: boolean;
  /** The release version offered on this socket (offered once per connection). */
  offered_version: string | null;
  /** Secret rotation, password verifier and settings already pushed on this socket (each once per connection). */
  pushed: PushedState;
}

const agentKey = (org_id: string, agent_id: string): string => `${org_id}:${agent_id}`;
const orgScope = (org_id: string): RlsScope => ({ org_id, user_id: null });
const PLATFORM_SCOPE: RlsScope = { org_id: null, user_id: null, platform_admin: true };
const secretContext = agentSecretContext;
export { agentPasswordContext, generateAgentPassword };

export function retryDelayMs(attempt: number, options: Pick<HubOptions, 'retry_base_ms' | 'retry_cap_ms'>, random = Math.random): number {
  const exponential = Math.min(options.retry_cap_ms, options.retry_base_ms * 2 ** Math.min(attempt - 1, 20));
  return Math.round(exponential * (0.5 + random() / 2));
}

/**
 * Exchanges a one-time enrolment code for a new agent of its branch inside `tx` (the caller scopes it to
 * the code's organisation): the code is used up, an earlier agent of the branch is revoked, the secret and
 * the agent password are stored encrypted. Null when the code is unknown, used or expired.
 */
export async function enrolInTransaction(
  tx: Tx, deps: { secret_key: Buffer; audit: AuditApi; logger: Logger }, input: EnrolRequest, meta: { ip: string | null },
): Promise<{ org_id: string; branch_id: string; agent_id: string; secret: string } | null> {
  const parsed = parseEnrolmentCode(input.code);
  if (!parsed) return null;
  // scrypt before the code's row lock is taken: the lock is held only for the writes.
  const secret = randomBytes(32).toString('base64url');
  const agent_id = newId();
  const password = generateAgentPassword();
  const password_verifier = await hashPassword(password);
  const code = await enrolmentRepository.takeUsable(tx, parsed.org_id, enrolmentCodeHash(parsed.code));
  if (!code) return null;
  const replaced = await agentRepository.revokeBranch(tx, parsed.org_id, code.branch_id);
  await agentRepository.insert(tx, {
    org_id: parsed.org_id, id: agent_id, branch_id: code.branch_id, hostname: input.hostname, agent_version: input.agent_version,
    secret_envelope: encryptSecret(deps.secret_key, secret, secretContext(agent_id)), enrolled_by: code.created_by,
    password_envelope: encryptSecret(deps.secret_key, password, agentPasswordContext(agent_id)), password_verifier,
  });
  await enrolmentRepository.markUsed(tx, parsed.org_id, code.id, agent_id);
  await eventRepository.insert(tx, { org_id: parsed.org_id, id: newId(), agent_id, branch_id: code.branch_id, kind: 'enrolled', level: 'info', message: `agent enrolled from ${input.hostname}`, detail: meta.ip });
  const ctx: Ctx = { ...systemContext(deps.logger, 'branch_sync.enrol', parsed.org_id), db: tx };
  await deps.audit.record(ctx, { action: 'branch_sync.agent.enrol', entity_type: 'branch_sync.agent', entity_id: agent_id, after: { branch_id: code.branch_id, hostname: input.hostname, replaced: replaced.map((r) => r.id), ip: meta.ip } });
  return { org_id: parsed.org_id, branch_id: code.branch_id, agent_id, secret };
}

export interface Hub {
  enrol(input: EnrolRequest, meta: { ip: string | null }): Promise<EnrolResponse>;
  accept(socket: WebSocket, meta: { remote_address: string | null }): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Agents connected to this instance (metrics, tests). */
  connectedCount(): number;
  /** An agent's release download: its HMAC proof, and the version offered to its branch. */
  authorizeDownload(input: { agent: string | undefined; time: string | undefined; proof: string | undefined; version: string; path: string }): Promise<ReleaseRow>;
}

export function createHub(deps: HubDeps): Hub {
  const { db, options, logger } = deps;
  const sessions = new Map<string, Session>();
  const timers: NodeJS.Timeout[] = [];
  let listener: pg.Client | null = null;
  let stopped = false;

  const systemCtx = (tx: Tx, org_id: string, reason: string): Ctx => ({ ...systemContext(logger, reason, org_id), db: tx });

  function send(socket: WebSocket, message: ServerMessage): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  }

  async function pump(session: Session): Promise<void> {
    if (session.pumping) { session.pump_again = true; return; }
    session.pumping = true;
    try {
      do {
        session.pump_again = false;
        if (session.socket.readyState !== session.socket.OPEN) return;
        await inTransaction(db, orgScope(session.org_id), async (tx) => {
          for (const command of await commandRepository.due(tx, session.org_id, session.agent_id, 100)) {
            const attempt = command.attempts + 1;
            send(session.socket, {
              type: 'command', command_id: command.id, seq: Number(command.seq), company_database: command.company_database,
              requested_by: command.requested_by, command: command.payload as never, attempt,
            });
            await commandRepository.markSent(tx, session.org_id, command.id, retryDelayMs(attempt, options));
          }
        });
      } while (session.pump_again && !stopped);
    } catch (error) {
      logger.warn({ err: error, agent_id: session.agent_id }, 'branch-sync: delivery pump failed; the timer retries');
    } finally {
      session.pumping = false;
    }
  }

  async function onHeartbeat(session: Session, health: AgentHealth): Promise<void> {
    const clock_skew_ms = Math.round(new Date(health.agent_time).getTime() - Date.now());
    const state = await inTransaction(db, orgScope(session.org_id), async (tx) => {
      const before = await agentRepository.byId(tx, session.org_id, session.agent_id);
      const seen = await agentRepository.heartbeat(tx, session.org_id, session.agent_id, { health, clock_skew_ms, agent_version: health.agent_version, hostname: health.hostname });
      if (seen === 'revoked') return { seen, offer: null, agent: null };
      await recordPortChanges(tx, session, before?.last_health, health);
      await connectionRepository.touch(tx, session.org_id, session.agent_id, options.instance_id);
      const last = await healthRepository.lastAt(tx, session.org_id, session.agent_id);
      if (!last || Date.now() - new Date(last).getTime() >= options.health_sample_interval_ms) {
        await healthRepository.insert(tx, { org_id: session.org_id, agent_id: session.agent_id, health, clock_skew_ms });
        await healthRepository.prune(tx, session.org_id, session.agent_id, options.health_keep_days);
      }
      if (seen === 'came_online') await eventRepository.insert(tx, { org_id: session.org_id, id: newId(), agent_id: session.agent_id, branch_id: session.branch_id, kind: 'online', level: 'info', message: 'agent online', detail: null });
      // In the same transaction: a new offer reaches a connected agent within one heartbeat, on any instance.
      const agent = await agentRepository.byId(tx, session.org_id, session.agent_id);
      return { seen, offer: agent ? await offerFor(tx, agent, health.agent_version) : null, agent: agent ?? null };
    });
    // Revoked while connected (or re-enrolled elsewhere): the socket goes now, the handshake refuses it from here on.
    if (state.seen === 'revoked') { send(session.socket, { type: 'denied', code: 'revoked' }); session.socket.close(4003, 'revoked'); return; }
    // Offered once per connection: the agent retries a failed download itself; a reconnect offers it again.
    if (state.offer && state.offer.version !== session.offered_version) {
      session.offered_version = state.offer.version;
      send(session.socket, state.offer);
    }
    // A missed NOTIFY: what the agent has not confirmed goes out here (once per socket; a lost frame goes again on the next one).
    if (state.agent) pushAgentState(session, state.agent);
  }

  /** "sql_server 1433 → 1533": the branch's event list shows when the ports the agent reports change (spec E3). */
  async function recordPortChanges(tx: Tx, session: Session, previous: unknown, health: AgentHealth): Promise<void> {
    const change = describePortChanges(reportedPorts(previous), health.ports);
    if (!change) return;
    await eventRepository.insert(tx, { org_id: session.org_id, id: newId(), agent_id: session.agent_id, branch_id: session.branch_id, kind: 'ports_changed', level: 'warn', message: `ports changed: ${change}`, detail: null });
  }

  /** Sends what the panel changed and the agent has not confirmed (secret rotation, password verifier, settings). */
  function pushAgentState(session: Session, agent: AgentRow & Partial<CredentialColumns>): void {
    const sealFor = (rotation_id: string): string => sealRotatedSecret({
      current_secret: decryptSecret(deps.secret_key, agent.secret_envelope, secretContext(agent.id)), agent_id: agent.id, rotation_id,
      new_secret: decryptSecret(deps.secret_key, agent.pending_secret_envelope as string, secretContext(agent.id)),
    });
    const { messages, sent } = pendingPushes(agent, session.pushed, sealFor);
    session.pushed = sent;
    for (const message of messages) send(session.socket, message);
  }

  async function pushAgentStateFromDb(session: Session): Promise<void> {
    try {
      const agent = await inTransaction(db, orgScope(session.org_id), (tx) => agentRepository.byId(tx, session.org_id, session.agent_id));
      if (agent && agent.status !== 'revoked') pushAgentState(session, agent);
    } catch (error) {
      logger.warn({ err: error, agent_id: session.agent_id }, 'branch-sync: could not push credentials/settings');
    }
  }

  /** The agent stored the new secret and proves it: the old secret is retired. */
  async function onSecretRotated(session: Session, message: { rotation_id: string; proof: string }): Promise<void> {
    await inTransaction(db, orgScope(session.org_id), async (tx) => {
      const agent = await agentRepository.byId(tx, session.org_id, session.agent_id) as (AgentRow & Partial<CredentialColumns>) | undefined;
      if (!agent?.pending_secret_envelope || agent.secret_rotation_id !== message.rotation_id) return; // already completed
      const pending_secret = decryptSecret(deps.secret_key, agent.pending_secret_envelope, secretContext(agent.id));
      if (!rotationProofValid({ pending_secret, agent_id: agent.id, rotation_id: message.rotation_id, proof: message.proof })) {
        logger.warn({ agent_id: agent.id }, 'branch-sync: secret rotation confirmation with a wrong proof ignored');
        return;
      }
      await completeRotation(tx, session, message.rotation_id, 'confirmed by the agent');
    });
  }

  async function completeRotation(tx: Tx, who: { org_id: string; agent_id: string; branch_id: string }, rotation_id: string, how: string): Promise<void> {
    if (!(await credentialsRepository.completeRotation(tx, who.org_id, who.agent_id, rotation_id))) return;
    await eventRepository.insert(tx, { org_id: who.org_id, id: newId(), agent_id: who.agent_id, branch_id: who.branch_id, kind: 'secret_rotated', level: 'info', message: `agent secret rotated (${how}); the old secret is refused from now on`, detail: null });
    await deps.audit.record(systemCtx(tx, who.org_id, 'branch_sync.secret_rotation'), { action: 'branch_sync.agent.secret_rotated', entity_type: 'branch_sync.agent', entity_id: who.agent_id, after: { rotation_id, how } });
  }

  async function onPasswordStored(session: Session, verifier_sha256: string): Promise<void> {
    await inTransaction(db, orgScope(session.org_id), async (tx) => {
      if (!(await credentialsRepository.markPasswordDelivered(tx, session.org_id, session.agent_id, verifier_sha256))) return;
      await eventRepository.insert(tx, { org_id: session.org_id, id: newId(), agent_id: session.agent_id, branch_id: session.branch_id, kind: 'password_delivered', level: 'info', message: 'the agent holds the new agent password; the old one no longer works at the branch computer', detail: null });
    });
  }

  async function onSettingsResult(session: Session, message: SettingsResult): Promise<void> {
    await inTransaction(db, orgScope(session.org_id), async (tx) => {
      if (!(await credentialsRepository.recordSettingsResult(tx, session.org_id, session.agent_id, message))) return;
      const text = message.outcome === 'applied' ? `connection settings revision ${message.revision} applied` : `connection settings revision ${message.revision} not applied: ${message.error ?? ''}`;
      await eventRepository.insert(tx, { org_id: session.org_id, id: newId(), agent_id: session.agent_id, branch_id: session.branch_id, kind: 'settings', level: message.outcome === 'applied' ? 'info' : 'error', message: text.slice(0, 2000), detail: null });
    });
  }

  async function onMessage(session: Session, message: AgentMessage): Promise<void> {
    const { org_id, agent_id } = session;
    switch (message.type) {
      case 'heartbeat':
        return onHeartbeat(session, message.health);
      case 'command.received':
        await inTransaction(db, orgScope(org_id), (tx) => commandRepository.markReceived(tx, org_id, agent_id, message.command_id));
        return;
      case 'command.result': {
        const failed = message.outcome === 'rejected';
        const code = failed && message.result && typeof message.result === 'object' && 'code' in message.result ? String((message.result as { code: unknown }).code) : null;
        await inTransaction(db, orgScope(org_id), (tx) => commandRepository.settle(tx, org_id, agent_id, message.command_id, {
          state: failed ? 'failed' : 'applied', result: message.result, replayed: message.replayed, last_error: failed ? (code ?? 'rejected') : null,
        }));
        // Acknowledged after the settle committed: the agent forgets the report only once the server has it.
        send(session.socket, { type: 'command.result_ack', command_id: message.command_id });
        void pump(session);
        return;
      }
      case 'command.trouble':
        await inTransaction(db, orgScope(org_id), async (tx) => {
          await commandRepository.trouble(tx, org_id, agent_id, message.command_id, message.error);
          await eventRepository.insert(tx, { org_id, id: newId(), agent_id, branch_id: session.branch_id, kind: 'command_trouble', level: message.transient ? 'warn' : 'error', message: `command ${message.command_id}: ${message.error}`.slice(0, 2000), detail: null });
        });
        return;
      case 'log':
        await inTransaction(db, orgScope(org_id), async (tx) => {
          for (const entry of message.entries) {
            await eventRepository.insert(tx, { org_id, id: newId(), agent_id, branch_id: session.branch_id, kind: 'log', level: entry.level, message: entry.message, detail: entry.detail });
          }
        });
        return;
      case 'mirror.batch':
        await inTransaction(db, orgScope(org_id), async (tx) => {
          await mirrorRepository.applyBatch(tx, org_id, session.branch_id, message);
          const bytes = Buffer.byteLength(JSON.stringify(message));
          await mirrorRepository.touchCheckpoint(tx, org_id, session.branch_id, message.company_database, { rows: message.upserts.length + message.deletes.length, bytes, full_done: message.full && message.scan_complete });
        });
        send(session.socket, { type: 'mirror.ack', batch_id: message.batch_id });
        return;
      case 'update.report':
        await inTransaction(db, orgScope(org_id), (tx) => recordUpdateReport(tx, session, message));
        return;
      case 'secret.rotated':
        return onSecretRotated(session, message);
      case 'password.stored':
        return onPasswordStored(session, message.verifier_sha256);
      case 'settings.result':
        return onSettingsResult(session, message);
      default:
        session.socket.close(4002, 'unexpected message');
    }
  }

  /** Runs the handshake on a new socket, then hands its messages to onMessage. */
  function handshake(socket: WebSocket, remote_address: string | null): void {
    let state: 'hello' | 'auth' | 'ready' = 'hello';
    let pending: { org_id: string; agent_id: string; branch_id: string; secret: string; rotation: { id: string; secret: string } | null; agent_nonce: string; server_nonce: string } | null = null;
    let session: Session | null = null;
    let queue = Promise.resolve();
    const timeout = setTimeout(() => { if (state !== 'ready') socket.close(4001, 'handshake timeout'); }, options.handshake_timeout_ms);

    const deny = (code: 'unknown_agent' | 'bad_proof' | 'revoked' | 'protocol'): void => {
      send(socket, { type: 'denied', code });
      socket.close(4003, code);
    };

    const handle = async (raw: string): Promise<void> => {
      let parsed: AgentMessage;
      try {
        parsed = AgentMessage.parse(JSON.parse(raw));
      } catch {
        return deny('protocol');
      }
      if (state === 'ready' && session) return onMessage(session, parsed);
      if (state === 'hello' && parsed.type === 'hello' && parsed.protocol === PROTOCOL_VERSION) {
        const agent = await inTransaction(db, orgScope(parsed.org_id), (tx) => agentRepository.byId(tx, parsed.org_id, parsed.agent_id));
        if (!agent) return deny('unknown_agent');
        if (agent.status === 'revoked') return deny('revoked');
        const secret = decryptSecret(deps.secret_key, agent.secret_envelope, secretContext(agent.id));
        const rotating = agent as AgentRow & Partial<CredentialColumns>;
        // During a rotation the new secret is accepted too: the agent may have stored it and died before confirming.
        const rotation = rotating.secret_rotation_id && rotating.pending_secret_envelope
          ? { id: rotating.secret_rotation_id, secret: decryptSecret(deps.secret_key, rotating.pending_secret_envelope, secretContext(agent.id)) } : null;
        const server_nonce = randomToken(32);
        const server_time = new Date().toISOString();
        pending = { org_id: agent.org_id, agent_id: agent.id, branch_id: agent.branch_id, secret, rotation, agent_nonce: parsed.agent_nonce, server_nonce };
        state = 'auth';
        send(socket, { type: 'challenge', server_nonce, server_time, signature: deps.identity.sign(challengeText({ server_nonce, agent_nonce: parsed.agent_nonce, agent_id: agent.id, server_time })) });
        return;
      }
      if (state === 'auth' && pending && parsed.type === 'auth') {
        const text = proofText({ server_nonce: pending.server_nonce, agent_nonce: pending.agent_nonce, agent_id: pending.agent_id, server_fingerprint: deps.identity.fingerprint });
        const withCurrent = constantTimeEqual(hmacSha256Hex(pending.secret, text), parsed.proof);
        const withNew = !withCurrent && pending.rotation !== null && constantTimeEqual(hmacSha256Hex(pending.rotation.secret, text), parsed.proof);
        if (!withCurrent && !withNew) return deny('bad_proof');
        if (withNew && pending.rotation) {
          const who = pending;
          const rotation_id = pending.rotation.id;
          await inTransaction(db, orgScope(who.org_id), (tx) => completeRotation(tx, who, rotation_id, 'the agent authenticated with the new secret'));
        }
        session = { org_id: pending.org_id, agent_id: pending.agent_id, branch_id: pending.branch_id, socket, pumping: false, pump_again: false, offered_version: null, pushed: { rotation_id: null, password_changed_at: null, settings_revision: 0 } };
        pending = null;
        state = 'ready';
        clearTimeout(timeout);
        await register(session, remote_address);
        return;
      }
      return deny('protocol');
    };

    socket.on('message', (data) => {
      // One message at a time per socket, in arrival order (a result is settled before the next one is read).
      queue = queue.then(() => handle(String(data))).catch((error: unknown) => {
        logger.warn({ err: error }, 'branch-sync: agent message failed');
        socket.close(1011, 'server error');
      });
    });
    socket.on('close', () => {
      clearTimeout(timeout);
      if (session) void unregister(session);
    });
    socket.on('error', () => socket.terminate());
  }

  async function register(session: Session, remote_address: string | null): Promise<void> {
    const key = agentKey(session.org_id, session.agent_id);
    sessions.get(key)?.socket.close(4004, 'replaced by a newer connection');
    sessions.set(key, session);
    const { settled_through_seq, password_verifier, agent } = await inTransaction(db, orgScope(session.org_id), async (tx) => {
      await connectionRepository.claim(tx, { org_id: session.org_id, agent_id: session.agent_id, instance_id: options.instance_id, remote_address });
      await commandRepository.dueNowForAgent(tx, session.org_id, session.agent_id);
      await sql`select pg_notify(${KICK_CHANNEL}, ${JSON.stringify({ org_id: session.org_id, agent_id: session.agent_id, instance_id: options.instance_id })})`.execute(tx);
      const agent = await agentRepository.byId(tx, session.org_id, session.agent_id);
      return { settled_through_seq: await commandRepository.settledThrough(tx, session.org_id, session.agent_id), password_verifier: agent?.password_verifier ?? null, agent };
    });
    send(session.socket, { type: 'welcome', branch_id: session.branch_id, heartbeat_interval_ms: options.heartbeat_interval_ms, server_time: new Date().toISOString(), settled_through_seq, password_verifier });
    if (agent) pushAgentState(session, agent);
    void pump(session);
    void offerResyncs(session);
  }

  /** Asks the agent for a full mirror scan of every company database whose requested resync is not done. */
  async function offerResyncs(session: Session): Promise<void> {
    try {
      const pending = await inTransaction(db, orgScope(session.org_id), (tx) => mirrorRepository.pendingResyncs(tx, session.org_id, session.branch_id));
      for (const company_database of pending) send(session.socket, { type: 'mirror.resync', company_database });
    } catch (error) {
      logger.warn({ err: error }, 'branch-sync: could not offer mirror resyncs');
    }
  }

  async function unregister(session: Session): Promise<void> {
    const key = agentKey(session.org_id, session.agent_id);
    if (sessions.get(key) === session) sessions.delete(key);
    else return; // replaced by a newer socket on this instance: that one owns the connection row
    await inTransaction(db, orgScope(session.org_id), (tx) => connectionRepository.release(tx, session.org_id, session.agent_id, options.instance_id))
      .catch((error: unknown) => logger.warn({ err: error }, 'branch-sync: could not release a connection row'));
  }

  async function sweep(): Promise<void> {
    const silence_ms = options.heartbeat_interval_ms * options.offline_after_missed_heartbeats;
    const silent = await inTransaction(db, PLATFORM_SCOPE, async (tx) => {
      await connectionRepository.dropStale(tx, silence_ms * 2);
      return agentRepository.silent(tx, silence_ms);
    });
    for (const agent of silent) {
      await inTransaction(db, orgScope(agent.org_id as string), async (tx) => {
        const changed = await agentRepository.markOffline(tx, agent.org_id as string, agent.id as string);
        if (changed.length === 0) return; // another instance got there first
        await eventRepository.insert(tx, { org_id: agent.org_id as string, id: newId(), agent_id: agent.id as string, branch_id: agent.branch_id as string, kind: 'offline', level: 'error', message: 'agent offline: no heartbeat', detail: null });
        const last = agent.last_heartbeat_at ? new Date(agent.last_heartbeat_at as Date).toISOString() : null;
        await deps.alerts?.agentOffline(systemCtx(tx, agent.org_id as string, 'branch_sync.offline'), { agent_id: agent.id as string, branch_id: agent.branch_id as string, hostname: agent.hostname as string, last_heartbeat_at: last });
      });
    }
  }

  async function startListening(): Promise<void> {
    if (!deps.listen_url) return;
    const client = new pg.Client({ connectionString: deps.listen_url, application_name: 'chaharsu-branch-sync-listen' });
    client.on('error', (error) => {
      logger.warn({ err: error }, 'branch-sync: LISTEN connection lost; reconnecting (the pump timer covers the gap)');
      listener = null;
      if (!stopped) setTimeout(() => void startListening().catch(() => undefined), 1_000);
    });
    client.on('notification', (note) => {
      if (!note.payload) return;
      try {
        const payload = JSON.parse(note.payload) as { org_id: string; agent_id: string; instance_id?: string; resync?: boolean; agent_state?: boolean };
        const session = sessions.get(agentKey(payload.org_id, payload.agent_id));
        if (!session) return;
        if (note.channel === KICK_CHANNEL) {
          if (payload.instance_id !== options.instance_id) session.socket.close(4004, 'connected through another server instance');
          return;
        }
        if (payload.resync) void offerResyncs(session);
        else if (payload.agent_state) void pushAgentStateFromDb(session);
        else void pump(session);
      } catch { /* not ours */ }
    });
    await client.connect();
    await client.query(`listen ${COMMAND_CHANNEL}`);
    await client.query(`listen ${KICK_CHANNEL}`);
    listener = client;
  }

  return {
    async enrol(input, meta) {
      const parsed = parseEnrolmentCode(input.code);
      if (!parsed) throw new AppError('branch_sync.enrolment_code_invalid');
      const result = await inTransaction(db, orgScope(parsed.org_id), (tx) => enrolInTransaction(tx, { secret_key: deps.secret_key, audit: deps.audit, logger }, input, meta));
      if (!result) throw new AppError('branch_sync.enrolment_code_invalid');
      return {
        org_id: result.org_id, branch_id: result.branch_id, agent_id: result.agent_id, secret: result.secret,
        server_public_key: deps.identity.public_key, server_fingerprint: deps.identity.fingerprint, heartbeat_interval_ms: options.heartbeat_interval_ms,
      };
    },

    authorizeDownload: (input) => authorizeDownload(db, deps.secret_key, secretContext, input),

    accept(socket, meta) {
      if (stopped) { socket.close(1012, 'server restarting'); return; }
      handshake(socket, meta.remote_address);
    },

    async start() {
      await startListening().catch((error: unknown) => logger.warn({ err: error }, 'branch-sync: LISTEN unavailable; delivery falls back to the pump timer'));
      timers.push(setInterval(() => { for (const session of sessions.values()) void pump(session); }, options.pump_interval_ms));
      timers.push(setInterval(() => { void sweep().catch((error: unknown) => logger.warn({ err: error }, 'branch-sync: sweep failed')); }, options.sweep_interval_ms));
      for (const timer of timers) timer.unref();
    },

    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      for (const session of sessions.values()) session.socket.close(1012, 'server restarting');
      await listener?.end().catch(() => undefined);
      listener = null;
    },

    connectedCount: () => sessions.size,
  };
}

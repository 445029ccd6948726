/**
 * The panel's side of branch-sync: enrolment codes, commands, agent status. Every method is
 * (ctx, input) → DTO inside the request's transaction; changes write their audit record there too.
 * A new command is announced with pg_notify, which PostgreSQL delivers only on commit, to every
 * server instance: the one holding the agent's socket delivers it (hub.ts).
 */
import { sql } from 'kysely';
import { AppError, actorUserId, assert, decryptSecret, newId, randomToken, sha256Hex } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import type { AuditApi } from '@chaharsu/audit';
import { agentRepository, commandRepository, connectionRepository, eventRepository, healthRepository, type AgentRow, type CommandRow } from './branch-sync.repository.js';
import type { AgentSettingsInput, AgentStatusDto, CommandDto, CommandState, EnrolmentCodeDto, MirrorStatusDto, SendCommandInput } from './branch-sync.contracts.js';
import { mirrorRepository } from './mirror.repository.js';
import type { MirrorEntity } from './protocol.js';
import { AgentHealth } from './protocol.js';
import { enrolmentRepository } from './branch-sync.repository.js';
import type { ServerIdentity } from './server-identity.js';
import { credentialsDto, credentialsRepository, newAgentPassword, rotationPendingError } from './agent-credentials.js';
import './branch-sync.errors.js';

/** The orgs module's knowledge of branches, as branch-sync needs it (wired in apps/server/src/modules.ts). */
export interface BranchDirectory {
  exists(ctx: Ctx, branch_id: string): Promise<boolean>;
}

export const COMMAND_CHANNEL = 'branch_sync_command';
const ENROLMENT_CODE_TTL_HOURS = 24;

export interface BranchSyncService {
  issueEnrolmentCode(ctx: Ctx, branch_id: string): Promise<EnrolmentCodeDto>;
  sendCommand(ctx: Ctx, branch_id: string, input: SendCommandInput): Promise<CommandDto>;
  /** A failed command is settled for good (its id is recorded as rejected in the branch): retrying sends a copy under a new id. */
  retryCommand(ctx: Ctx, branch_id: string, command_id: string): Promise<CommandDto>;
  getCommand(ctx: Ctx, branch_id: string, command_id: string): Promise<CommandDto>;
  listCommands(ctx: Ctx, branch_id: string, query: { state?: CommandState; limit: number }): Promise<{ items: CommandDto[] }>;
  branchStatus(ctx: Ctx, branch_id: string): Promise<AgentStatusDto>;
  listStatuses(ctx: Ctx): Promise<{ items: Array<Pick<AgentStatusDto, 'branch_id' | 'agent' | 'commands'>> }>;
  healthHistory(ctx: Ctx, branch_id: string, limit: number): Promise<{ items: Array<{ at: string; clock_skew_ms: number | null; health: AgentHealth }> }>;
  revokeAgent(ctx: Ctx, branch_id: string): Promise<void>;
  /** Asks the branch's agent for a full scan of one company database (durable: offered again on reconnect until done). */
  /** The agent password, for owner, manager and support partner only (route access); every view is audited. */
  revealAgentPassword(ctx: Ctx, branch_id: string): Promise<{ agent_id: string; password: string }>;
  requestMirrorResync(ctx: Ctx, branch_id: string, company_database: string): Promise<MirrorStatusDto>;
  /** A new agent secret without re-enrolment: pushed to the agent, the old one works until the agent confirms. */
  rotateAgentSecret(ctx: Ctx, branch_id: string): Promise<{ agent_id: string; rotation_id: string; requested_at: string }>;
  /** A new agent password (e.g. after showing it to a support partner); its verifier is pushed to the agent. */
  rotateAgentPassword(ctx: Ctx, branch_id: string): Promise<{ agent_id: string; password_changed_at: string }>;
  /** Connection settings (SQL Server port, the agent's local port), applied by the agent (spec A2/E3). */
  updateAgentSettings(ctx: Ctx, branch_id: string, input: AgentSettingsInput): Promise<AgentStatusDto>;
  mirrorStatus(ctx: Ctx, branch_id: string): Promise<MirrorStatusDto>;
  mirrorPage(ctx: Ctx, branch_id: string, query: { company_database: string; entity: MirrorEntity; after_key?: string; limit: number }): Promise<{ items: Array<{ key: string; row_hash: string; data: unknown; updated_at: string }>; next_after_key: string | null }>;
}

export function enrolmentCodeHash(code: string): string {
  return sha256Hex(`branch-sync-enrolment:${code}`);
}

/** `<org id>.<random>`: the organisation part lets the server open the right tenant before it checks the code. */
export function parseEnrolmentCode(code: string): { org_id: string; code: string } | null {
  const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{32,64})$/.exec(code.trim());
  return match?.[1] ? { org_id: match[1], code: code.trim() } : null;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export function toCommandDto(row: CommandRow): CommandDto {
  return {
    id: row.id, branch_id: row.branch_id, agent_id: row.agent_id, seq: Number(row.seq), company_database: row.company_database, kind: row.kind,
    state: row.state, attempts: row.attempts, last_error: row.last_error, result: row.result ?? null, replayed: row.replayed,
    requested_by: row.requested_by, created_at: new Date(row.created_at).toISOString(), delivered_at: iso(row.delivered_at),
    received_at: iso(row.received_at), settled_at: iso(row.settled_at),
  };
}

function requireUser(ctx: Ctx): string {
  const user_id = actorUserId(ctx.actor);
  if (!user_id) throw new AppError('common.unauthenticated');
  return user_id;
}

function orgOf(ctx: Ctx): string {
  assert(ctx.org_id, 'branch-sync needs an organisation in the context');
  return ctx.org_id;
}

export function createBranchSyncService(deps: { audit: AuditApi; branches: BranchDirectory; identity: ServerIdentity; secret_key: Buffer }): BranchSyncService {
  const { audit, branches } = deps;

  async function requireBranch(ctx: Ctx, branch_id: string): Promise<void> {
    if (!(await branches.exists(ctx, branch_id))) throw new AppError('branch_sync.branch_not_found', { branch_id });
  }

  async function requireAgent(ctx: Ctx, branch_id: string, lock = false): Promise<AgentRow> {
    await requireBranch(ctx, branch_id);
    const agent = await agentRepository.liveOfBranch(ctx.db, orgOf(ctx), branch_id, lock);
    if (!agent) throw new AppError('branch_sync.no_agent', { branch_id });
    return agent;
  }

  /** Delivered on commit to the instance holding the agent's socket, which pushes the change (hub.ts pushAgentState). */
  async function notifyAgentState(ctx: Ctx, agent_id: string): Promise<void> {
    await sql`select pg_notify(${COMMAND_CHANNEL}, ${JSON.stringify({ org_id: orgOf(ctx), agent_id, agent_state: true })})`.execute(ctx.db);
  }

  async function insertCommand(ctx: Ctx, agent: AgentRow, input: SendCommandInput, requested_by: string): Promise<CommandDto> {
    const org_id = orgOf(ctx);
    const seq = await agentRepository.takeSeq(ctx.db, org_id, agent.id);
    const row = await commandRepository.insert(ctx.db, {
      org_id, id: newId(), agent_id: agent.id, branch_id: agent.branch_id, seq: String(seq), company_database: input.company_database,
      kind: input.command.kind, payload: JSON.stringify(input.command), requested_by,
    });
    await audit.record(ctx, { action: 'branch_sync.command.send', entity_type: 'branch_sync.command', entity_id: row.id, after: { branch_id: agent.branch_id, kind: row.kind, company_database: row.company_database, seq } });
    await sql`select pg_notify(${COMMAND_CHANNEL}, ${JSON.stringify({ org_id, agent_id: agent.id })})`.execute(ctx.db);
    return toCommandDto(row);
  }

  const service: BranchSyncService = {
    async issueEnrolmentCode(ctx, branch_id) {
      const created_by = requireUser(ctx);
      await requireBranch(ctx, branch_id);
      const org_id = orgOf(ctx);
      const code = `${org_id}.${randomToken(32)}`;
      const expires_at = new Date(Date.now() + ENROLMENT_CODE_TTL_HOURS * 3600_000);
      const id = newId();
      await enrolmentRepository.insert(ctx.db, { org_id, id, branch_id, code_hash: enrolmentCodeHash(code), created_by, expires_at });
      await audit.record(ctx, { action: 'branch_sync.enrolment_code.issue', entity_type: 'branch_sync.enrolment_code', entity_id: id, after: { branch_id, expires_at: expires_at.toISOString() } });
      return { branch_id, code, expires_at: expires_at.toISOString(), server_fingerprint: deps.identity.fingerprint };
    },

    async sendCommand(ctx, branch_id, input) {
      const requested_by = requireUser(ctx);
      // Locking the agent row serialises seq allocation per agent (the agent applies in seq order).
      const agent = await requireAgent(ctx, branch_id, true);
      return insertCommand(ctx, agent, input, requested_by);
    },

    async retryCommand(ctx, branch_id, command_id) {
      const requested_by = requireUser(ctx);
      const agent = await requireAgent(ctx, branch_id, true);
      const original = await commandRepository.byId(ctx.db, orgOf(ctx), command_id);
      if (!original || original.branch_id !== branch_id) throw new AppError('branch_sync.command_not_found', { command_id });
      if (original.state !== 'failed') throw new AppError('branch_sync.command_not_retryable', { command_id, state: original.state });
      return insertCommand(ctx, agent, { company_database: original.company_database, command: original.payload as SendCommandInput['command'] }, requested_by);
    },

    async getCommand(ctx, branch_id, command_id) {
      await requireBranch(ctx, branch_id);
      const row = await commandRepository.byId(ctx.db, orgOf(ctx), command_id);
      if (!row || row.branch_id !== branch_id) throw new AppError('branch_sync.command_not_found', { command_id });
      return toCommandDto(row);
    },

    async listCommands(ctx, branch_id, query) {
      await requireBranch(ctx, branch_id);
      return { items: (await commandRepository.listForBranch(ctx.db, orgOf(ctx), branch_id, query)).map(toCommandDto) };
    },

    async branchStatus(ctx, branch_id) {
      await requireBranch(ctx, branch_id);
      const org_id = orgOf(ctx);
      const agent = await agentRepository.liveOfBranch(ctx.db, org_id, branch_id);
      const connected = await connectionRepository.connectedAgentIds(ctx.db, org_id);
      const recent = await commandRepository.listForBranch(ctx.db, org_id, branch_id, { limit: 20 });
      const errors = await eventRepository.recentErrors(ctx.db, org_id, branch_id, 20);
      return {
        branch_id,
        agent: agent ? agentDto(agent, connected.has(agent.id)) : null,
        commands: agent ? await commandRepository.summary(ctx.db, org_id, agent.id) : { open: 0, failed: 0, oldest_open_at: null },
        recent_commands: recent.map(toCommandDto),
        recent_errors: errors.map((e) => ({ id: e.id as string, kind: e.kind as string, level: e.level as string, message: e.message as string, detail: (e.detail as string | null) ?? null, at: new Date(e.at as Date).toISOString() })),
      };
    },

    async listStatuses(ctx) {
      const org_id = orgOf(ctx);
      const connected = await connectionRepository.connectedAgentIds(ctx.db, org_id);
      const items = [];
      for (const agent of await agentRepository.listLive(ctx.db, org_id)) {
        items.push({ branch_id: agent.branch_id, agent: agentDto(agent, connected.has(agent.id)), commands: await commandRepository.summary(ctx.db, org_id, agent.id) });
      }
      return { items };
    },

    async healthHistory(ctx, branch_id, limit) {
      const agent = await requireAgent(ctx, branch_id);
      const rows = await healthRepository.list(ctx.db, orgOf(ctx), agent.id, limit);
      return { items: rows.map((r) => ({ at: new Date(r.at as Date).toISOString(), clock_skew_ms: (r.clock_skew_ms as number | null) ?? null, health: AgentHealth.parse(r.health) })) };
    },

    async revokeAgent(ctx, branch_id) {
      requireUser(ctx);
      const agent = await requireAgent(ctx, branch_id, true);
      await agentRepository.revokeBranch(ctx.db, orgOf(ctx), branch_id);
      await eventRepository.insert(ctx.db, { org_id: orgOf(ctx), id: newId(), agent_id: agent.id, branch_id, kind: 'revoked', level: 'warn', message: 'agent revoked from the panel', detail: null });
      await audit.record(ctx, { action: 'branch_sync.agent.revoke', entity_type: 'branch_sync.agent', entity_id: agent.id, before: { status: agent.status } });
    },

    async revealAgentPassword(ctx, branch_id) {
      requireUser(ctx);
      const agent = await requireAgent(ctx, branch_id);
      if (!agent.password_envelope) throw new AppError('branch_sync.agent_not_found', { branch_id });
      const password = decryptSecret(deps.secret_key, agent.password_envelope, `branch_sync.agent_password:${agent.id}`);
      await audit.record(ctx, { action: 'branch_sync.agent.password_reveal', entity_type: 'branch_sync.agent', entity_id: agent.id });
      return { agent_id: agent.id, password };
    },

    async rotateAgentSecret(ctx, branch_id) {
      requireUser(ctx);
      const agent = await requireAgent(ctx, branch_id, true);
      const org_id = orgOf(ctx);
      const started = await credentialsRepository.startRotation(ctx.db, org_id, agent.id, deps.secret_key);
      // One rotation at a time: the agent may already hold the pending secret, so replacing it could lock it out.
      if (!started) throw rotationPendingError(agent);
      await audit.record(ctx, { action: 'branch_sync.agent.secret_rotate', entity_type: 'branch_sync.agent', entity_id: agent.id, after: { rotation_id: started.rotation_id } });
      await notifyAgentState(ctx, agent.id);
      return { agent_id: agent.id, rotation_id: started.rotation_id, requested_at: new Date().toISOString() };
    },

    async rotateAgentPassword(ctx, branch_id) {
      requireUser(ctx);
      const agent = await requireAgent(ctx, branch_id, true);
      await credentialsRepository.setPassword(ctx.db, orgOf(ctx), agent.id, await newAgentPassword(deps.secret_key, agent.id));
      await audit.record(ctx, { action: 'branch_sync.agent.password_rotate', entity_type: 'branch_sync.agent', entity_id: agent.id });
      await notifyAgentState(ctx, agent.id);
      return { agent_id: agent.id, password_changed_at: new Date().toISOString() };
    },

    async updateAgentSettings(ctx, branch_id, input) {
      requireUser(ctx);
      const agent = await requireAgent(ctx, branch_id, true);
      const before = credentialsDto(agent).settings;
      const revision = await credentialsRepository.setSettings(ctx.db, orgOf(ctx), agent.id, input);
      await audit.record(ctx, { action: 'branch_sync.agent.settings', entity_type: 'branch_sync.agent', entity_id: agent.id, before: { sql_port: before.sql_port, local_port: before.local_port }, after: { ...input, revision } });
      await notifyAgentState(ctx, agent.id);
      return service.branchStatus(ctx, branch_id);
    },

    async requestMirrorResync(ctx, branch_id, company_database) {
      requireUser(ctx);
      const agent = await requireAgent(ctx, branch_id);
      const org_id = orgOf(ctx);
      await mirrorRepository.requestResync(ctx.db, org_id, branch_id, [company_database]);
      await audit.record(ctx, { action: 'branch_sync.mirror.resync', entity_type: 'branch', entity_id: branch_id, after: { company_database } });
      await sql`select pg_notify(${COMMAND_CHANNEL}, ${JSON.stringify({ org_id, agent_id: agent.id, resync: true })})`.execute(ctx.db);
      return service.mirrorStatus(ctx, branch_id);
    },

    async mirrorStatus(ctx, branch_id) {
      await requireBranch(ctx, branch_id);
      const org_id = orgOf(ctx);
      const counts = await mirrorRepository.counts(ctx.db, org_id, branch_id);
      const databases = (await mirrorRepository.checkpoints(ctx.db, org_id, branch_id)).map((c) => {
        const of = (entity: string) => Number(counts.find((n) => n.company_database === c.company_database && n.entity === entity)?.rows ?? 0);
        const requested = c.resync_requested_at ? new Date(c.resync_requested_at as Date) : null;
        const full = c.last_full_at ? new Date(c.last_full_at as Date) : null;
        return {
          company_database: c.company_database as string,
          last_batch_at: iso(c.last_batch_at as Date | null), last_full_at: iso(full), resync_requested_at: iso(requested),
          resync_pending: requested !== null && (full === null || full < requested),
          rows_received: Number(c.rows_received), bytes_received: Number(c.bytes_received),
          counts: { article: of('article'), main_group: of('main_group'), sub_group: of('sub_group') },
        };
      });
      return { branch_id, databases };
    },

    async mirrorPage(ctx, branch_id, query) {
      await requireBranch(ctx, branch_id);
      const rows = await mirrorRepository.page(ctx.db, orgOf(ctx), branch_id, { ...query, after_key: query.after_key ?? null });
      const items = rows.map((r) => ({ key: r.key as string, row_hash: r.row_hash as string, data: r.data as unknown, updated_at: new Date(r.updated_at as Date).toISOString() }));
      return { items, next_after_key: items.length === query.limit ? (items[items.length - 1]?.key ?? null) : null };
    },
  };
  return service;
}

function agentDto(agent: AgentRow, connected: boolean): NonNullable<AgentStatusDto['agent']> {
  const health = AgentHealth.safeParse(agent.last_health);
  return {
    id: agent.id, hostname: agent.hostname, status: agent.status, agent_version: agent.agent_version,
    enrolled_at: new Date(agent.enrolled_at).toISOString(), last_heartbeat_at: iso(agent.last_heartbeat_at),
    status_changed_at: new Date(agent.status_changed_at).toISOString(), clock_skew_ms: agent.clock_skew_ms,
    health: health.success ? health.data : null, connected,
    ...credentialsDto(agent),
  };
}

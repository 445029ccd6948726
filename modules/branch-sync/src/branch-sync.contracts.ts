/** Request/response schemas of the panel's branch-sync routes (the web client imports these). */
import { z } from 'zod';
import { HolooCommand } from '@chaharsu/holoo/contracts';
import { AgentHealth } from './protocol.js';

export const BranchParams = z.object({ branch_id: z.uuid() });
export const CommandParams = z.object({ branch_id: z.uuid(), command_id: z.uuid() });

export const EnrolmentCodeDto = z.object({
  branch_id: z.uuid(),
  /** Shown once: the person types or pastes it into the agent's enrolment. */
  code: z.string(),
  expires_at: z.string(),
  server_fingerprint: z.string(),
});
export type EnrolmentCodeDto = z.infer<typeof EnrolmentCodeDto>;

export const CommandState = z.enum(['pending', 'delivered', 'received', 'applied', 'failed']);
export type CommandState = z.infer<typeof CommandState>;

export const CommandDto = z.object({
  id: z.uuid(),
  branch_id: z.uuid(),
  agent_id: z.uuid(),
  seq: z.number().int(),
  company_database: z.string(),
  kind: z.string(),
  state: CommandState,
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  result: z.unknown().nullable(),
  replayed: z.boolean(),
  requested_by: z.uuid(),
  created_at: z.string(),
  delivered_at: z.string().nullable(),
  received_at: z.string().nullable(),
  settled_at: z.string().nullable(),
});
export type CommandDto = z.infer<typeof CommandDto>;

export const SendCommandInput = z.object({
  /** The Holoo company (fiscal-year) database on the branch's SQL Server. */
  company_database: z.string().trim().min(1).max(128),
  command: HolooCommand,
});
export type SendCommandInput = z.infer<typeof SendCommandInput>;

export const CommandListQuery = z.object({
  state: CommandState.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const AgentEventDto = z.object({
  id: z.uuid(),
  kind: z.string(),
  level: z.string(),
  message: z.string(),
  detail: z.string().nullable(),
  at: z.string(),
});

/** Secret and password rotation as the panel shows them (never a secret itself). */
export const AgentCredentialsDto = z.object({
  secret_rotated_at: z.string().nullable(),
  /** A rotation the agent has not confirmed yet: until it does, the old secret keeps working. */
  secret_rotation_pending_since: z.string().nullable(),
  password_changed_at: z.string().nullable(),
  /** False after a password rotation until the agent confirms it holds the new verifier (the old password still works there). */
  password_delivered: z.boolean(),
});
export const AgentSettingsDto = z.object({
  /** SQL Server's TCP port; null: the instance name through SQL Server Browser (or what the agent was enrolled with). */
  sql_port: z.number().int().nullable(),
  /** The agent's local status port on 127.0.0.1; null: none. */
  local_port: z.number().int().nullable(),
  /** The panel's latest revision and the one the agent applied (equal: in effect). */
  revision: z.number().int(),
  applied_revision: z.number().int(),
  /** Why the agent could not apply the latest revision (it keeps the previous settings). */
  error: z.string().nullable(),
  reported_at: z.string().nullable(),
});
export const AgentSettingsInput = z.object({
  sql_port: z.number().int().min(1).max(65535).nullable(),
  local_port: z.number().int().min(1024).max(65535).nullable(),
});
export type AgentSettingsInput = z.infer<typeof AgentSettingsInput>;
export const SecretRotationDto = z.object({ agent_id: z.uuid(), rotation_id: z.uuid(), requested_at: z.string() });
export const PasswordRotationDto = z.object({ agent_id: z.uuid(), password_changed_at: z.string() });

export const AgentStatusDto = z.object({
  branch_id: z.uuid(),
  agent: z.object({
    id: z.uuid(),
    hostname: z.string(),
    status: z.enum(['online', 'offline', 'revoked']),
    agent_version: z.string(),
    enrolled_at: z.string(),
    last_heartbeat_at: z.string().nullable(),
    status_changed_at: z.string(),
    clock_skew_ms: z.number().int().nullable(),
    health: AgentHealth.nullable(),
    connected: z.boolean(),
    credentials: AgentCredentialsDto,
    settings: AgentSettingsDto,
  }).nullable(),
  commands: z.object({ open: z.number().int(), failed: z.number().int(), oldest_open_at: z.string().nullable() }),
  recent_commands: z.array(CommandDto),
  recent_errors: z.array(AgentEventDto),
});
export type AgentStatusDto = z.infer<typeof AgentStatusDto>;

export const AgentStatusList = z.object({ items: z.array(AgentStatusDto.pick({ branch_id: true, agent: true, commands: true })) });
export const CommandList = z.object({ items: z.array(CommandDto) });
export const HealthHistory = z.object({ items: z.array(z.object({ at: z.string(), clock_skew_ms: z.number().int().nullable(), health: AgentHealth })) });

// ---- catalog mirror ----
export const MirrorResyncInput = z.object({ company_database: z.string().trim().min(1).max(128) });
export const MirrorStatusDto = z.object({
  branch_id: z.uuid(),
  databases: z.array(z.object({
    company_database: z.string(),
    last_batch_at: z.string().nullable(),
    last_full_at: z.string().nullable(),
    resync_requested_at: z.string().nullable(),
    resync_pending: z.boolean(),
    rows_received: z.number().int(),
    bytes_received: z.number().int(),
    counts: z.object({ article: z.number().int(), main_group: z.number().int(), sub_group: z.number().int() }),
  })),
});
export type MirrorStatusDto = z.infer<typeof MirrorStatusDto>;
export const MirrorPageQuery = z.object({
  company_database: z.string().trim().min(1).max(128),
  entity: z.enum(['article', 'main_group', 'sub_group']).default('article'),
  after_key: z.string().max(50).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});
export const MirrorPage = z.object({
  items: z.array(z.object({ key: z.string(), row_hash: z.string(), data: z.unknown(), updated_at: z.string() })),
  next_after_key: z.string().nullable(),
});

export const AgentPasswordDto = z.object({ agent_id: z.uuid(), password: z.string() });

// ---- agent self-update (spec E8) ----

export const AgentReleaseDto = z.object({
  version: z.string(),
  sha256: z.string(),
  size_bytes: z.number().int(),
  notes: z.string().nullable(),
  published_at: z.string(),
});
export type AgentReleaseDto = z.infer<typeof AgentReleaseDto>;

export const UpdateOfferInput = z.object({
  version: z.string().trim().min(1).max(50),
  /** null: every branch of the organisation (a branch's own offer, when newer, wins for it). */
  branch_id: z.uuid().nullable(),
  /** false: someone at the branch computer confirms the installation (`chaharsu-agent update confirm`). */
  install_without_confirmation: z.boolean(),
});
export type UpdateOfferInput = z.infer<typeof UpdateOfferInput>;

export const UpdateOfferDto = z.object({
  id: z.uuid(),
  version: z.string(),
  branch_id: z.uuid().nullable(),
  install_without_confirmation: z.boolean(),
  created_at: z.string(),
  /** Set once withdrawn: while this is the newest offer for its target, nothing is offered there. */
  withdrawn_at: z.string().nullable(),
});
export type UpdateOfferDto = z.infer<typeof UpdateOfferDto>;
export const OfferParams = z.object({ offer_id: z.uuid() });

export const AgentUpdateState = z.enum(['downloaded', 'waiting_confirmation', 'installed', 'rejected', 'rolled_back']);
export const UpdatesDto = z.object({
  releases: z.array(AgentReleaseDto),
  offers: z.array(UpdateOfferDto),
  /** Per live agent: the version it runs and what it last reported about an update. */
  agents: z.array(z.object({
    agent_id: z.uuid(),
    branch_id: z.uuid(),
    agent_version: z.string(),
    offered_version: z.string().nullable(),
    update_version: z.string().nullable(),
    update_state: AgentUpdateState.nullable(),
    update_detail: z.string().nullable(),
    update_at: z.string().nullable(),
  })),
});
export type UpdatesDto = z.infer<typeof UpdatesDto>;

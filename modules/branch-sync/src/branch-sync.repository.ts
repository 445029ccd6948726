/** Kysely queries of branch_sync's tables: typed input, rows out, no rules. */
import { sql } from 'kysely';
import type { Tx } from '@chaharsu/db';
import type { CommandState } from './branch-sync.contracts.js';

export interface AgentRow {
  org_id: string;
  id: string;
  branch_id: string;
  hostname: string;
  secret_envelope: string;
  status: 'online' | 'offline' | 'revoked';
  agent_version: string;
  enrolled_at: Date;
  last_heartbeat_at: Date | null;
  last_health: unknown;
  clock_skew_ms: number | null;
  status_changed_at: Date;
  next_command_seq: string;
  password_envelope: string | null;
  password_verifier: string | null;
}

export interface CommandRow {
  org_id: string;
  id: string;
  agent_id: string;
  branch_id: string;
  seq: string;
  company_database: string;
  kind: string;
  payload: unknown;
  requested_by: string;
  state: CommandState;
  attempts: number;
  last_error: string | null;
  result: unknown;
  replayed: boolean;
  created_at: Date;
  delivered_at: Date | null;
  received_at: Date | null;
  settled_at: Date | null;
  next_attempt_at: Date;
}

export interface EventInput { org_id: string; id: string; agent_id: string; branch_id: string; kind: string; level: string; message: string; detail: string | null }

const OPEN_STATES: CommandState[] = ['pending', 'delivered', 'received'];

export const agentRepository = {
  byId: (db: Tx, org_id: string, id: string) =>
    db.selectFrom('branch_sync.agent').selectAll().where('org_id', '=', org_id).where('id', '=', id).executeTakeFirst() as Promise<AgentRow | undefined>,
  liveOfBranch: (db: Tx, org_id: string, branch_id: string, lock = false) => {
    let query = db.selectFrom('branch_sync.agent').selectAll().where('org_id', '=', org_id).where('branch_id', '=', branch_id).where('status', '<>', 'revoked');
    if (lock) query = query.forUpdate();
    return query.executeTakeFirst() as Promise<AgentRow | undefined>;
  },
  listLive: (db: Tx, org_id: string) =>
    db.selectFrom('branch_sync.agent').selectAll().where('org_id', '=', org_id).where('status', '<>', 'revoked').orderBy('enrolled_at').execute() as Promise<AgentRow[]>,
  insert: (db: Tx, row: { org_id: string; id: string; branch_id: string; hostname: string; secret_envelope: string; agent_version: string; enrolled_by: string | null; password_envelope: string; password_verifier: string }) =>
    db.insertInto('branch_sync.agent').values(row).execute(),
  revokeBranch: (db: Tx, org_id: string, branch_id: string) =>
    db.updateTable('branch_sync.agent').set({ status: 'revoked', status_changed_at: sql`now()` }).where('org_id', '=', org_id).where('branch_id', '=', branch_id).where('status', '<>', 'revoked').returning(['id']).execute(),
  takeSeq: async (db: Tx, org_id: string, id: string): Promise<number> => {
    const row = await db.updateTable('branch_sync.agent').set({ next_command_seq: sql`next_command_seq + 1` })
      .where('org_id', '=', org_id).where('id', '=', id).returning(sql<string>`next_command_seq - 1`.as('seq')).executeTakeFirstOrThrow();
    return Number(row.seq);
  },
  /** Marks online; returns `came_online` when it was not online before (an `online` event is due), `revoked` when it may not be here. */
  heartbeat: async (db: Tx, org_id: string, id: string, input: { health: unknown; clock_skew_ms: number; agent_version: string; hostname: string }): Promise<'came_online' | 'online' | 'revoked'> => {
    const before = await db.selectFrom('branch_sync.agent').select('status').where('org_id', '=', org_id).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!before || before.status === 'revoked') return 'revoked';
    await db.updateTable('branch_sync.agent').set({
      last_heartbeat_at: sql`now()`, last_health: JSON.stringify(input.health), clock_skew_ms: input.clock_skew_ms,
      agent_version: input.agent_version, hostname: input.hostname, status: 'online',
      status_changed_at: before.status === 'online' ? sql`status_changed_at` : sql`now()`,
    }).where('org_id', '=', org_id).where('id', '=', id).execute();
    return before.status === 'online' ? 'online' : 'came_online';
  },
  /** Agents online whose last heartbeat is older than `silence_ms` (any organisation: platform scope). */
  silent: (db: Tx, silence_ms: number) =>
    db.selectFrom('branch_sync.agent').select(['org_id', 'id', 'branch_id', 'hostname', 'last_heartbeat_at']).where('status', '=', 'online')
      .where(sql<boolean>`coalesce(last_heartbeat_at, status_changed_at) < now() - make_interval(secs => ${silence_ms / 1000})`).limit(1000).execute(),
  markOffline: (db: Tx, org_id: string, id: string) =>
    db.updateTable('branch_sync.agent').set({ status: 'offline', status_changed_at: sql`now()` }).where('org_id', '=', org_id).where('id', '=', id).where('status', '=', 'online').returning(['id']).execute(),
};

export const enrolmentRepository = {
  insert: (db: Tx, row: { org_id: string; id: string; branch_id: string; code_hash: string; created_by: string; expires_at: Date }) =>
    db.insertInto('branch_sync.enrolment_code').values(row).execute(),
  takeUsable: (db: Tx, org_id: string, code_hash: string) =>
    db.selectFrom('branch_sync.enrolment_code').selectAll().where('org_id', '=', org_id).where('code_hash', '=', code_hash)
      .where('used_at', 'is', null).where('expires_at', '>', sql<Date>`now()`).forUpdate().executeTakeFirst() as Promise<{ id: string; branch_id: string; created_by: string } | undefined>,
  markUsed: (db: Tx, org_id: string, id: string, agent_id: string) =>
    db.updateTable('branch_sync.enrolment_code').set({ used_at: sql`now()`, agent_id }).where('org_id', '=', org_id).where('id', '=', id).execute(),
};

export const connectionRepository = {
  claim: (db: Tx, row: { org_id: string; agent_id: string; instance_id: string; remote_address: string | null }) =>
    db.insertInto('branch_sync.connection').values(row)
      .onConflict((c) => c.columns(['org_id', 'agent_id']).doUpdateSet({ instance_id: row.instance_id, remote_address: row.remote_address, connected_at: sql`now()`, last_seen_at: sql`now()` })).execute(),
  touch: (db: Tx, org_id: string, agent_id: string, instance_id: string) =>
    db.updateTable('branch_sync.connection').set({ last_seen_at: sql`now()` }).where('org_id', '=', org_id).where('agent_id', '=', agent_id).where('instance_id', '=', instance_id).execute(),
  release: (db: Tx, org_id: string, agent_id: string, instance_id: string) =>
    db.deleteFrom('branch_sync.connection').where('org_id', '=', org_id).where('agent_id', '=', agent_id).where('instance_id', '=', instance_id).execute(),
  instanceOf: async (db: Tx, org_id: string, agent_id: string): Promise<string | null> =>
    (await db.selectFrom('branch_sync.connection').select('instance_id').where('org_id', '=', org_id).where('agent_id', '=', agent_id).executeTakeFirst())?.instance_id ?? null,
  /** Rows left by an instance that died (platform scope). */
  dropStale: (db: Tx, stale_ms: number) =>
    db.deleteFrom('branch_sync.connection').where(sql<boolean>`last_seen_at < now() - make_interval(secs => ${stale_ms / 1000})`).execute(),
  connectedAgentIds: async (db: Tx, org_id: string): Promise<Set<string>> =>
    new Set((await db.selectFrom('branch_sync.connection').select('agent_id').where('org_id', '=', org_id).execute()).map((r) => r.agent_id as string)),
};

export const commandRepository = {
  insert: (db: Tx, row: Omit<CommandRow, 'state' | 'attempts' | 'last_error' | 'result' | 'replayed' | 'created_at' | 'delivered_at' | 'received_at' | 'settled_at' | 'next_attempt_at' | 'payload'> & { payload: string }) =>
    db.insertInto('branch_sync.command').values(row).returningAll().executeTakeFirstOrThrow() as Promise<CommandRow>,
  byId: (db: Tx, org_id: string, id: string) =>
    db.selectFrom('branch_sync.command').selectAll().where('org_id', '=', org_id).where('id', '=', id).executeTakeFirst() as Promise<CommandRow | undefined>,
  /** Open commands due for (re)delivery, in the agent's order; locked so two pumps never send the same attempt. */
  due: (db: Tx, org_id: string, agent_id: string, limit: number) =>
    db.selectFrom('branch_sync.command').selectAll().where('org_id', '=', org_id).where('agent_id', '=', agent_id)
      .where('state', 'in', OPEN_STATES).where('next_attempt_at', '<=', sql<Date>`now()`)
      .orderBy('seq').limit(limit).forUpdate().skipLocked().execute() as Promise<CommandRow[]>,
  markSent: (db: Tx, org_id: string, id: string, retry_after_ms: number) =>
    db.updateTable('branch_sync.command').set({
      attempts: sql`attempts + 1`,
      state: sql`case when state = 'pending' then 'delivered' else state end`,
      delivered_at: sql`coalesce(delivered_at, now())`,
      next_attempt_at: sql`now() + make_interval(secs => ${retry_after_ms / 1000})`,
    }).where('org_id', '=', org_id).where('id', '=', id).execute(),
  /** A new socket: whatever was sent on the old one may be lost, so every open command is due now (no back-off wait). */
  dueNowForAgent: (db: Tx, org_id: string, agent_id: string) =>
    db.updateTable('branch_sync.command').set({ next_attempt_at: sql`now()` }).where('org_id', '=', org_id).where('agent_id', '=', agent_id)
      .where('state', 'in', OPEN_STATES).where('next_attempt_at', '>', sql<Date>`now()`).execute(),
  markReceived: (db: Tx, org_id: string, agent_id: string, id: string) =>
    db.updateTable('branch_sync.command').set({ state: 'received', received_at: sql`coalesce(received_at, now())` })
      .where('org_id', '=', org_id).where('agent_id', '=', agent_id).where('id', '=', id).where('state', 'in', ['pending', 'delivered']).execute(),
  /** Settles a command once; a second report of the same command changes nothing. */
  settle: (db: Tx, org_id: string, agent_id: string, id: string, input: { state: 'applied' | 'failed'; result: unknown; replayed: boolean; last_error: string | null }) =>
    db.updateTable('branch_sync.command').set({
      state: input.state, result: JSON.stringify(input.result), replayed: input.replayed, settled_at: sql`now()`,
      received_at: sql`coalesce(received_at, now())`, last_error: input.last_error,
    }).where('org_id', '=', org_id).where('agent_id', '=', agent_id).where('id', '=', id).where('state', 'in', OPEN_STATES).execute(),
  trouble: (db: Tx, org_id: string, agent_id: string, id: string, error: string) =>
    db.updateTable('branch_sync.command').set({ last_error: error }).where('org_id', '=', org_id).where('agent_id', '=', agent_id).where('id', '=', id).where('state', 'in', OPEN_STATES).execute(),
  /** Highest seq such that every command of the agent up to it is settled. */
  settledThrough: async (db: Tx, org_id: string, agent_id: string): Promise<number> => {
    const row = await db.selectFrom('branch_sync.command').select(sql<string | null>`min(seq)`.as('first_open'))
      .where('org_id', '=', org_id).where('agent_id', '=', agent_id).where('state', 'in', OPEN_STATES).executeTakeFirst();
    if (row?.first_open != null) return Number(row.first_open) - 1;
    const max = await db.selectFrom('branch_sync.command').select(sql<string | null>`max(seq)`.as('last')).where('org_id', '=', org_id).where('agent_id', '=', agent_id).executeTakeFirst();
    return Number(max?.last ?? 0);
  },
  listForBranch: (db: Tx, org_id: string, branch_id: string, input: { state?: CommandState; limit: number }) => {
    let query = db.selectFrom('branch_sync.command').selectAll().where('org_id', '=', org_id).where('branch_id', '=', branch_id);
    if (input.state) query = query.where('state', '=', input.state);
    return query.orderBy('created_at', 'desc').orderBy('seq', 'desc').limit(input.limit).execute() as Promise<CommandRow[]>;
  },
  summary: async (db: Tx, org_id: string, agent_id: string) => {
    const row = await db.selectFrom('branch_sync.command')
      .select([
        sql<string>`count(*) filter (where state in ('pending','delivered','received'))`.as('open'),
        sql<string>`count(*) filter (where state = 'failed')`.as('failed'),
        sql<Date | null>`min(created_at) filter (where state in ('pending','delivered','received'))`.as('oldest_open_at'),
      ]).where('org_id', '=', org_id).where('agent_id', '=', agent_id).executeTakeFirstOrThrow();
    return { open: Number(row.open), failed: Number(row.failed), oldest_open_at: row.oldest_open_at ? new Date(row.oldest_open_at).toISOString() : null };
  },
};

export const healthRepository = {
  insert: (db: Tx, row: { org_id: string; agent_id: string; health: unknown; clock_skew_ms: number }) =>
    db.insertInto('branch_sync.health_sample').values({ ...row, health: JSON.stringify(row.health) }).onConflict((c) => c.doNothing()).execute(),
  lastAt: async (db: Tx, org_id: string, agent_id: string): Promise<Date | null> =>
    ((await db.selectFrom('branch_sync.health_sample').select(sql<Date | null>`max(at)`.as('at')).where('org_id', '=', org_id).where('agent_id', '=', agent_id).executeTakeFirst())?.at) ?? null,
  list: (db: Tx, org_id: string, agent_id: string, limit: number) =>
    db.selectFrom('branch_sync.health_sample').select(['at', 'clock_skew_ms', 'health']).where('org_id', '=', org_id).where('agent_id', '=', agent_id).orderBy('at', 'desc').limit(limit).execute(),
  prune: (db: Tx, org_id: string, agent_id: string, keep_days: number) =>
    db.deleteFrom('branch_sync.health_sample').where('org_id', '=', org_id).where('agent_id', '=', agent_id).where(sql<boolean>`at < now() - make_interval(days => ${keep_days})`).execute(),
};

export const eventRepository = {
  insert: (db: Tx, row: EventInput) => db.insertInto('branch_sync.agent_event').values(row).execute(),
  recentErrors: (db: Tx, org_id: string, branch_id: string, limit: number) =>
    db.selectFrom('branch_sync.agent_event').selectAll().where('org_id', '=', org_id).where('branch_id', '=', branch_id)
      .where('level', 'in', ['warn', 'error', 'fatal']).orderBy('at', 'desc').limit(limit).execute(),
};

/**
 * Demo data for branch-sync without a live agent: an enrolment code is issued and redeemed through the
 * module's own code paths (service + `enrolInTransaction`), then what a connected agent would have left
 * behind is written through the module's repositories: one heartbeat with its health sample, a shipped
 * error log, a small catalog mirror and a few commands in different states. The agent ends `offline`
 * (no socket exists), so the sweeper raises no alert for it. Everything runs in the caller's transaction.
 */
import { newId } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import type { AuditApi } from '@chaharsu/audit';
import type { Logger } from 'pino';
import type { BranchSyncService } from '../branch-sync.service.js';
import { enrolInTransaction } from '../hub.js';
import { agentRepository, commandRepository, eventRepository, healthRepository } from '../branch-sync.repository.js';
import { mirrorRepository } from '../mirror.repository.js';
import type { AgentHealth, MirrorBatch } from '../protocol.js';

export interface DemoAgentPlan {
  branch_id: string;
  /** The branch computer's name: distinct per organisation (the isolation test fingerprints it). */
  hostname: string;
  company_database: string;
  company_name: string;
  /** Article code prefix and names of a few articles mirrored from the branch's Holoo. */
  articles: Array<{ code: string; name: string; price_rial: number }>;
}

export interface DemoAgentResult { agent_id: string; enrolment_code: string }

const DEMO_AGENT_VERSION = '0.1.0';

function demoHealth(plan: DemoAgentPlan, now: Date): AgentHealth {
  return {
    agent_version: DEMO_AGENT_VERSION, hostname: plan.hostname, platform: 'win32', uptime_s: 86_400,
    sql_reachable: true, sql_error: null, sql_server_version: 'Microsoft SQL Server 2019 (RTM) 15.0.2000.5',
    company_databases: [{ database: plan.company_database, company_name: plan.company_name }],
    missing_databases: [],
    ports: [{ name: 'sql_server', port: 1433, open: true }],
    disk_free_bytes: 48 * 1024 ** 3, disk_total_bytes: 237 * 1024 ** 3,
    agent_time: new Date(now.getTime() + 1_200).toISOString(),
    queue_length: 0, last_error: null,
    // Last night's full backup and this morning's log backup, in the branch computer's wall clock (as msdb records them).
    backups: [{ database: plan.company_database, last_backup_at: naiveHoursAgo(now, 3), last_full_backup_at: naiveHoursAgo(now, 10) }],
    backups_error: null, settings_revision: 0,
  };
}

const naiveHoursAgo = (now: Date, hours: number): string => new Date(now.getTime() - hours * 3600_000).toISOString().slice(0, 23);

function demoMirrorBatch(plan: DemoAgentPlan): MirrorBatch {
  return {
    type: 'mirror.batch', batch_id: newId(), scan_id: newId(), company_database: plan.company_database, entity: 'article',
    full: true, last: true, scan_complete: true, deletes: [],
    upserts: plan.articles.map((a) => ({
      key: a.code, row_hash: `demo-${plan.hostname}-${a.code}`,
      data: { a_code: a.code, name: a.name, prices: [{ level: 1, price: a.price_rial }], active: true },
    })),
  };
}

/** An enrolled (now offline) agent with health, an error log, a mirror and three commands: applied, failed, pending. */
export async function seedDemoAgent(
  ctx: Ctx, deps: { api: BranchSyncService; audit: AuditApi; secret_key: Buffer; logger: Logger }, plan: DemoAgentPlan,
): Promise<DemoAgentResult> {
  const org_id = ctx.org_id as string;
  const issued = await deps.api.issueEnrolmentCode(ctx, plan.branch_id);
  const enrolled = await enrolInTransaction(ctx.db, deps, { code: issued.code, agent_version: DEMO_AGENT_VERSION, hostname: plan.hostname }, { ip: null });
  if (!enrolled) throw new Error('demo enrolment code was refused');
  const { agent_id } = enrolled;
  const now = new Date();
  const health = demoHealth(plan, now);
  await agentRepository.heartbeat(ctx.db, org_id, agent_id, { health, clock_skew_ms: 1_200, agent_version: DEMO_AGENT_VERSION, hostname: plan.hostname });
  await healthRepository.insert(ctx.db, { org_id, agent_id, health, clock_skew_ms: 1_200 });
  await agentRepository.markOffline(ctx.db, org_id, agent_id);
  await eventRepository.insert(ctx.db, { org_id, id: newId(), agent_id, branch_id: plan.branch_id, kind: 'log', level: 'error', message: `SQL Server on ${plan.hostname} refused a connection for 40 s (backup running)`, detail: null });
  await eventRepository.insert(ctx.db, { org_id, id: newId(), agent_id, branch_id: plan.branch_id, kind: 'offline', level: 'error', message: 'agent offline: no heartbeat', detail: null });

  const batch = demoMirrorBatch(plan);
  await mirrorRepository.applyBatch(ctx.db, org_id, plan.branch_id, batch);
  await mirrorRepository.touchCheckpoint(ctx.db, org_id, plan.branch_id, plan.company_database, { rows: batch.upserts.length, bytes: Buffer.byteLength(JSON.stringify(batch)), full_done: true });

  const [first, second] = plan.articles;
  if (first) {
    const applied = await deps.api.sendCommand(ctx, plan.branch_id, { company_database: plan.company_database, command: { kind: 'articles.update', changes: [{ a_code: first.code, prices: [{ level: 1, price: first.price_rial }] }] } });
    await commandRepository.markSent(ctx.db, org_id, applied.id, 0);
    await commandRepository.settle(ctx.db, org_id, agent_id, applied.id, { state: 'applied', result: { updated: 1 }, replayed: false, last_error: null });
  }
  if (second) {
    const failed = await deps.api.sendCommand(ctx, plan.branch_id, { company_database: plan.company_database, command: { kind: 'articles.update', changes: [{ a_code: `${second.code}9`, name: second.name }] } });
    await commandRepository.markSent(ctx.db, org_id, failed.id, 0);
    await commandRepository.settle(ctx.db, org_id, agent_id, failed.id, { state: 'failed', result: { code: 'holoo.article_not_found', params: { a_code: `${second.code}9` } }, replayed: false, last_error: 'holoo.article_not_found' });
    await deps.api.sendCommand(ctx, plan.branch_id, { company_database: plan.company_database, command: { kind: 'articles.update', changes: [{ a_code: second.code, min_stock: 5 }] } });
  }
  return { agent_id, enrolment_code: issued.code };
}

/** What the demo-seed step needs of the demo world (structural: apps/server's DemoWorld fits). */
export interface BranchSyncDemoWorld {
  demo: { org_id: string; branches: Array<{ id: string }> };
  demo2: { org_id: string; branches: Array<{ id: string }> };
  people: { demo_owner: { id: string }; demo2_owner: { id: string } };
}
export interface BranchSyncDemoTools<U> {
  run<T>(org_id: string | null, fn: (ctx: Ctx) => Promise<T>, as_user?: U): Promise<T>;
}

const DEMO_ARTICLES: Record<'demo' | 'demo2', DemoAgentPlan['articles']> = {
  demo: [
    { code: '0101001', name: 'شیر پرچرب یک لیتری', price_rial: 420_000 },
    { code: '0101002', name: 'ماست کم‌چرب دبه‌ای', price_rial: 1_150_000 },
    { code: '0102001', name: 'کیک یزدی ۱۲ عددی', price_rial: 2_500_000 },
  ],
  demo2: [
    { code: '0201001', name: 'برنج هاشمی ۱۰ کیلویی', price_rial: 38_000_000 },
    { code: '0201002', name: 'روغن آفتابگردان ۱.۵ لیتری', price_rial: 2_900_000 },
    { code: '0202001', name: 'چای سیاه ۵۰۰ گرمی', price_rial: 3_400_000 },
  ],
};

/**
 * The demo-seed step: the first branch of each demo organisation gets an enrolled agent (see seedDemoAgent),
 * acting as that organisation's owner (codes and commands name the person who asked).
 */
export async function seedBranchSyncDemo<U extends { id: string }>(
  deps: { api: BranchSyncService; audit: AuditApi; secret_key: Buffer; logger: Logger },
  world: BranchSyncDemoWorld & { people: { demo_owner: U; demo2_owner: U } },
  tools: BranchSyncDemoTools<U>,
): Promise<string[]> {
  const plans = [
    { org: world.demo, owner: world.people.demo_owner, hostname: 'TEHRAN-SHOP-PC', company_database: 'Holoo1', company_name: 'فروشگاه نمونه تهران', articles: DEMO_ARTICLES.demo },
    { org: world.demo2, owner: world.people.demo2_owner, hostname: 'PAKHSH-ANBAR-PC', company_database: 'Holoo_Pakhsh', company_name: 'پخش نمونه', articles: DEMO_ARTICLES.demo2 },
  ];
  for (const plan of plans) {
    const [branch] = plan.org.branches;
    if (!branch) continue;
    await tools.run(plan.org.org_id, (ctx) => seedDemoAgent(ctx, deps, {
      branch_id: branch.id, hostname: plan.hostname, company_database: plan.company_database, company_name: plan.company_name, articles: plan.articles,
    }), plan.owner);
  }
  return ['Branch sync: an enrolled (offline) agent with health, commands and a mirror on the first branch of each demo organisation.'];
}

/**
 * Branch-sync speed (issue 5), with the fault harness's machinery but no faults: PostgreSQL as in the tests
 * (tests/global-setup.ts: embedded, durability off), the server as a process, every branch an agent
 * PROCESS (apps/agent) with its own Holoo simulator database.
 *
 *   1. Price push: one `articles.update` command changing level-1 prices of `--articles` articles is sent to
 *      each of `--branches` branches at once; end-to-end time until every branch has reported and the server
 *      settled it, and per-branch p50/p99 of (settled_at − created_at) on the server's clock.
 *   2. Mirror: a branch with `--mirror-articles` articles is enrolled and mirrored from scratch (time until
 *      the full scan is acknowledged and every row is on the server, bytes received); then 100 articles are
 *      edited in its Holoo database and the time until the server holds all 100 edits, and the bytes sent.
 *
 *   npm run bench:branch-sync                                   # small default: 3 branches × 2,000 articles, 5,000-article mirror
 *   npm run bench:branch-sync -- --branches 50 --articles 10000 --mirror-articles 50000   # the issue's size
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@chaharsu/db/testing';
import { freePort } from '@chaharsu/db/embedded';
import type { HolooCommand } from '@chaharsu/holoo/contracts';
import { enrol, linuxPlatform } from '@chaharsu/agent';
import startCluster from '../tests/global-setup.js';
import { TestClient } from '../tests/support/server.js';
import { createSimulatedHoloo } from '../tests/support/holoo.js';
import { SIGN_IN_FRIENDLY_ENV, signInToOrganisation } from '../tests/support/sign-in.js';
import { serverProcess } from '../tests/support/server-process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const AGENT_MAIN = path.join(root, 'apps/agent/src/main.ts');
const COMPANY = 'Holoo1';
const DEMO_OWNER_PHONE = '09120000010';
const EDITS = 100;
/** The mirror branch's periodic scan: an edit waits at most this long before it is looked at. */
const MIRROR_INTERVAL_MS = 1000;
/**
 * The price-push agents scan at the production interval (5 min): their first scan runs at connect, and 50 agents
 * rescanning 10,000 articles every second would measure the scans, not the push.
 */
const PUSH_AGENT_MIRROR_INTERVAL_MS = 5 * 60_000;
/** Production heartbeat (15 s): 50 agents probing their simulators every 2 s would load the 2 cores the push runs on. */
const HEARTBEAT_INTERVAL_MS = 15_000;
/** The most connections one agent's simulator pool opens (connectHolooSimulator's default). */
const AGENT_DB_CONNECTIONS = 4;
/** Server pool, LISTEN, this script's clients, migrations and database creation. */
const OTHER_DB_CONNECTIONS = 40;

const { values } = parseArgs({ options: {
  branches: { type: 'string', default: '3' }, articles: { type: 'string', default: '2000' }, 'mirror-articles': { type: 'string', default: '5000' },
} });
const BRANCHES = Number(values.branches);
const ARTICLES = Number(values.articles);
const MIRROR_ARTICLES = Number(values['mirror-articles']);
for (const [name, n] of Object.entries({ branches: BRANCHES, articles: ARTICLES, 'mirror-articles': MIRROR_ARTICLES })) {
  if (!Number.isInteger(n) || n < 1) { console.error(`--${name} must be a whole number ≥ 1`); process.exit(2); }
}
if (ARTICLES > 50_000) { console.error('--articles: one command carries at most 50,000 changes'); process.exit(2); }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

interface Branch { branch_id: string; sim: TestDatabase; data_dir: string; agent: ChildProcess | null; codes: string[] }

function startAgent(branch: Branch, mirror_interval_ms: number): void {
  branch.agent = fork(AGENT_MAIN, ['run', '--data-dir', branch.data_dir], {
    cwd: root, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, CHAHARSU_AGENT_MIRROR_INTERVAL_MS: String(mirror_interval_ms), CHAHARSU_AGENT_RECONNECT_BASE_MS: '100', CHAHARSU_AGENT_RECONNECT_CAP_MS: '1500' },
  });
}

async function stopAgent(branch: Branch): Promise<void> {
  const child = branch.agent;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); });
}

async function postJson<T>(client: TestClient, url: string, body: unknown = {}): Promise<T> {
  const response = await client.post<T>(url, body);
  if (response.status >= 300) throw new Error(`${url}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** A simulator database with `articles` articles, enrolled as `branch_id`, its agent started. */
async function setUpBranch(client: TestClient, base_url: string, branch_id: string, articles: number, seed: number, mirror_interval_ms: number): Promise<Branch> {
  const mains = Math.min(99, Math.max(4, Math.ceil(articles / (20 * 999))));
  const sim = await createSimulatedHoloo({ database: COMPANY, company_name: `شعبه سنجش ${seed}` }, { seed, articles, main_groups: mains, sub_groups_per_main: 20, warehouses: 1, customers: 1 });
  const db = new pg.Client({ connectionString: sim.superuser_url });
  await db.connect();
  const codes = (await db.query<{ a_code: string }>(`select "A_Code" as a_code from "${COMPANY}"."ARTICLE" order by 1`)).rows.map((r) => r.a_code.trim());
  await db.end();
  const { code } = await postJson<{ code: string }>(client, `/api/branch-sync/branches/${branch_id}/enrolment-codes`);
  const data_dir = mkdtempSync(path.join(tmpdir(), 'chaharsu-bench-agent-'));
  await enrol(linuxPlatform(), { server_url: base_url, code, data_dir, holoo: { kind: 'simulator', url: sim.superuser_url }, company_databases: [COMPANY] });
  const branch: Branch = { branch_id, sim, data_dir, agent: null, codes };
  startAgent(branch, mirror_interval_ms);
  return branch;
}

async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeout_ms = 30 * 60_000): Promise<T> {
  const until = Date.now() + timeout_ms;
  while (Date.now() < until) {
    const value = await probe();
    if (value !== null) return value;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function pricePush(client: TestClient, admin: pg.Client, branches: Branch[]): Promise<void> {
  // Wait until every agent is online and its first mirror scan is done (the push should not race the scans).
  await waitFor('agents online', async () => {
    const { rows } = await admin.query<{ n: number }>(`select count(*)::int as n from branch_sync.agent a join branch_sync.mirror_checkpoint m using (org_id, branch_id)
      where a.status = 'online' and m.last_full_at is not null and a.branch_id = any($1)`, [branches.map((b) => b.branch_id)]);
    return (rows[0]?.n ?? 0) >= branches.length ? true : null;
  });
  const started = performance.now();
  const ids = await Promise.all(branches.map(async (b, i) => {
    const changes = b.codes.slice(0, ARTICLES).map((a_code, n) => ({ a_code, prices: [{ level: 1, price: 1_000_000 + (i * 7 + n) * 10 }] }));
    const command: HolooCommand = { kind: 'articles.update', changes };
    return (await postJson<{ id: string }>(client, `/api/branch-sync/branches/${b.branch_id}/commands`, { company_database: COMPANY, command })).id;
  }));
  const settled = await waitFor('all confirmations', async () => {
    const { rows } = await admin.query<{ state: string; ms: number }>(
      `select state, extract(epoch from (settled_at - created_at)) * 1000 as ms from branch_sync.command where id = any($1)`, [ids]);
    return rows.every((r) => r.state === 'applied' || r.state === 'failed') && rows.length === ids.length ? rows : null;
  });
  const total = performance.now() - started;
  const failed = settled.filter((r) => r.state !== 'applied').length;
  const perBranch = settled.map((r) => Number(r.ms)).sort((a, b) => a - b);
  console.log(`price push: ${ARTICLES} articles × ${branches.length} branches: end to end ${seconds(total)}; per branch p50 ${seconds(percentile(perBranch, 50))}, p99 ${seconds(percentile(perBranch, 99))}, max ${seconds(perBranch.at(-1) ?? 0)}${failed ? `; ${failed} FAILED` : ''}`);
}

async function mirrorState(admin: pg.Client, branch_id: string): Promise<{ rows: number; bytes: number; full: boolean }> {
  const { rows } = await admin.query<{ rows: number; bytes: string; full: boolean }>(
    `select (select count(*)::int from branch_sync.mirror_row r where r.branch_id = $1 and r.entity = 'article') as rows,
            coalesce((select bytes_received from branch_sync.mirror_checkpoint c where c.branch_id = $1), 0) as bytes,
            coalesce((select last_full_at is not null from branch_sync.mirror_checkpoint c where c.branch_id = $1), false) as full`, [branch_id]);
  const row = rows[0];
  return { rows: row?.rows ?? 0, bytes: Number(row?.bytes ?? 0), full: row?.full ?? false };
}

async function mirror(client: TestClient, base_url: string, admin: pg.Client, branch_id: string): Promise<Branch> {
  const started = performance.now();
  const branch = await setUpBranch(client, base_url, branch_id, MIRROR_ARTICLES, 4242, MIRROR_INTERVAL_MS);
  const setUpMs = performance.now() - started;
  const fromScratch = performance.now();
  const first = await waitFor('the first full mirror', async () => {
    const state = await mirrorState(admin, branch_id);
    return state.full && state.rows === MIRROR_ARTICLES ? state : null;
  });
  const scratchMs = performance.now() - fromScratch;
  console.log(`mirror from scratch: ${MIRROR_ARTICLES} articles in ${seconds(scratchMs)} (after ${seconds(setUpMs)} of simulator seeding and enrolment), ${(first.bytes / 1024 / 1024).toFixed(2)} MiB received`);

  const edited = branch.codes.filter((_, i) => i % Math.max(1, Math.floor(branch.codes.length / EDITS)) === 0).slice(0, EDITS);
  const sim = new pg.Client({ connectionString: branch.sim.superuser_url });
  await sim.connect();
  const editedAt = new Date();
  const editStarted = performance.now();
  await sim.query(`update "${COMPANY}"."ARTICLE" set "A_Name" = "A_Name" || ' *' where trim("A_Code") = any($1)`, [edited]);
  await sim.end();
  await waitFor('the 100 edits on the server', async () => {
    const { rows } = await admin.query<{ n: number }>(`select count(*)::int as n from branch_sync.mirror_row where branch_id = $1 and entity = 'article' and key = any($2) and updated_at >= $3`, [branch_id, edited, editedAt]);
    return (rows[0]?.n ?? 0) >= edited.length ? true : null;
  });
  const editMs = performance.now() - editStarted;
  const after = await mirrorState(admin, branch_id);
  console.log(`mirror after ${edited.length} edits: ${seconds(editMs)} (includes up to ${MIRROR_INTERVAL_MS} ms waiting for the agent's next scan), ${(after.bytes - first.bytes).toLocaleString('en')} bytes received`);
  return branch;
}

let peakConnections = 0;
let maxConnections = 0;
let sampler: NodeJS.Timeout | null = null;
const stopSampling = (): void => { if (sampler) clearInterval(sampler); sampler = null; };

/** Resident memory of the agent processes after the push (Linux /proc; what N agents on one machine cost). */
function agentMemory(branches: Branch[]): string {
  const mib = branches.map((b) => {
    try {
      const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${b.agent?.pid ?? 0}/status`, 'utf8'))?.[1];
      return kib ? Number(kib) / 1024 : null;
    } catch {
      return null;
    }
  }).filter((n): n is number => n !== null);
  if (mib.length === 0) return 'agent memory: not measurable here';
  return `agent memory (RSS): max ${Math.round(Math.max(...mib))} MiB, total ${(mib.reduce((a, b) => a + b, 0) / 1024).toFixed(2)} GiB for ${mib.length} agents`;
}

/** Every agent process holds its own simulator pool on the one embedded cluster: fail early, not halfway, when they cannot fit. */
async function checkConnectionBudget(admin: pg.Client): Promise<void> {
  maxConnections = Number((await admin.query<{ max_connections: string }>('show max_connections')).rows[0]?.max_connections ?? 0);
  const needed = (BRANCHES + 1) * AGENT_DB_CONNECTIONS + OTHER_DB_CONNECTIONS;
  if (needed > maxConnections) throw new Error(`${BRANCHES} agents may need ${needed} PostgreSQL connections; the cluster allows ${maxConnections} (packages/db/src/embedded.ts)`);
}

/** Samples pg_stat_activity once a second (the report shows the peak). */
function sampleConnections(admin: pg.Client): void {
  sampler = setInterval(() => {
    admin.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where backend_type = \'client backend\'')
      .then((r) => { peakConnections = Math.max(peakConnections, r.rows[0]?.n ?? 0); }, () => undefined);
  }, 1000);
  sampler.unref();
}

async function main(): Promise<void> {
  console.log(`branch-sync benchmark: ${BRANCHES} branches × ${ARTICLES} articles; mirror of ${MIRROR_ARTICLES} articles (PostgreSQL with durability off, as in the tests)`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB, load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}; node ${process.version}`);
  const stopCluster = await startCluster();
  const database = await createTestDatabase();
  const server = serverProcess(database, await freePort(), { ...SIGN_IN_FRIENDLY_ENV, SEED_DEMO: 'true', BRANCH_SYNC_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_INTERVAL_MS) });
  const admin = new pg.Client({ connectionString: database.superuser_url });
  const branches: Branch[] = [];
  try {
    await server.start();
    await admin.connect();
    await checkConnectionBudget(admin);
    sampleConnections(admin);
    const client = new TestClient(server.base_url);
    await signInToOrganisation(client, DEMO_OWNER_PHONE, 'demo');
    const ids: string[] = [];
    for (let i = 0; i <= BRANCHES; i++) ids.push((await postJson<{ id: string }>(client, '/api/org/branches', { name: `شعبه سنجش ${i + 1}`, code: `BS${i + 1}` })).id);
    const setUp = performance.now();
    for (let i = 0; i < BRANCHES; i++) branches.push(await setUpBranch(client, server.base_url, ids[i] as string, ARTICLES, 1000 + i, PUSH_AGENT_MIRROR_INTERVAL_MS));
    console.log(`set up ${BRANCHES} branches (simulators, enrolment, agents) in ${seconds(performance.now() - setUp)}`);
    await pricePush(client, admin, branches);
    console.log(`peak PostgreSQL connections during setup and push: ${peakConnections} (max_connections ${maxConnections}); ${agentMemory(branches)}`);
    for (const b of branches) await stopAgent(b);
    branches.push(await mirror(client, server.base_url, admin, ids[BRANCHES] as string));
  } finally {
    stopSampling();
    for (const b of branches) await stopAgent(b).catch(() => undefined);
    await server.stop().catch(() => undefined);
    await admin.end().catch(() => undefined);
    for (const b of branches) { await b.sim.drop().catch(() => undefined); rmSync(b.data_dir, { recursive: true, force: true }); }
    await database.drop().catch(() => undefined);
    await stopCluster();
  }
}

await main();

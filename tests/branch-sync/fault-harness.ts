/**
 * The fault-injection scenario of issue 5: N simulated branches, each an agent PROCESS with its own
 * Holoo simulator database, the server as a separate process, and M commands sent through the panel's
 * HTTP API while faults happen at random (seeded) points:
 *   - agents SIGKILL themselves after storing a command, inside the branch transaction before COMMIT,
 *     right after COMMIT, and after journaling the result (agent fault plan, per incarnation seed);
 *   - agents process a delivery twice (a duplicated frame) and delay their reports;
 *   - the harness SIGKILLs agents at arbitrary moments, cuts their connections, and SIGKILLs and
 *     restarts the server.
 * At the end: every command settled (applied, or failed with the expected rule), recorded exactly once
 * in its branch's applied-command table, and every branch database equal to the state computed by
 * applying the commands in order to the initial data.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@chaharsu/db/testing';
import { freePort } from '@chaharsu/db/embedded';
import { connectHolooSimulator, type HolooCommand } from '@chaharsu/holoo';
import { enrol, linuxPlatform, seededRandom } from '@chaharsu/agent';
import { TestClient } from '../support/server.js';
import { createSimulatedHoloo } from '../support/holoo.js';
import { SIGN_IN_FRIENDLY_ENV, signInToOrganisation } from '../support/sign-in.js';
import { serverProcess, type ServerProcess } from '../support/server-process.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const AGENT_MAIN = path.join(repoRoot, 'apps/agent/src/main.ts');
const COMPANY = 'Holoo1';
const DEMO_OWNER_PHONE = '09120000010';

export interface FaultRunOptions { seed: number; commands: number; branches: number; log: (line: string) => void }
export interface FaultRunReport {
  seed: number; commands: number; branches: number; duration_s: number;
  faults: Record<string, number>;
  outcomes: { applied: number; failed: number };
  problems: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ArticleState { name: string | null; prices: Array<number | null>; stock: number }
interface BranchModel {
  index: number;
  branch_id: string;
  sim: TestDatabase;
  articles: Map<string, ArticleState>;
  codes: string[];
  mains: Map<string, string | null>;
  created: Map<string, string>;
  sales: number;
  next_serial: Map<string, number>;
}
interface SentCommand { id: string; branch: number; expected: 'applied' | 'failed'; expected_error: string | null }

class AgentProcess {
  child: ChildProcess | null = null;
  incarnation = 0;
  stopping = false;
  output = '';
  constructor(readonly index: number, readonly data_dir: string, readonly seed: number, readonly counters: Record<string, number>) {}

  start(): void {
    this.incarnation += 1;
    const plan = { seed: this.seed * 7919 + this.index * 101 + this.incarnation, kill_rate: 0.006, duplicate_rate: 0.05, delay_report_rate: 0.1, delay_report_max_ms: 800 };
    const child = fork(AGENT_MAIN, ['run', '--data-dir', this.data_dir], {
      cwd: repoRoot,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, CHAHARSU_AGENT_FAULTS: JSON.stringify(plan), CHAHARSU_AGENT_RECONNECT_BASE_MS: '100', CHAHARSU_AGENT_RECONNECT_CAP_MS: '1500', CHAHARSU_AGENT_MIRROR_INTERVAL_MS: '2000' },
    });
    child.stdout?.on('data', (c: Buffer) => { this.output = (this.output + c.toString()).slice(-10_000); });
    child.stderr?.on('data', (c: Buffer) => { this.output = (this.output + c.toString()).slice(-10_000); });
    child.once('exit', (code, signal) => {
      if (this.child !== child || this.stopping) return;
      this.counters[signal === 'SIGKILL' ? 'agent_killed' : `agent_exit_${code}`] = (this.counters[signal === 'SIGKILL' ? 'agent_killed' : `agent_exit_${code}`] ?? 0) + 1;
      setTimeout(() => { if (!this.stopping) this.start(); }, 150);
    });
    this.child = child;
  }

  cut(): void { if (this.child?.connected) this.child.send('cut'); }
  kill(): void { this.child?.kill('SIGKILL'); }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); });
  }
}

async function setUpBranch(index: number, seed: number, branch_id: string): Promise<BranchModel> {
  const sim = await createSimulatedHoloo({ database: COMPANY, company_name: `شعبه آزمون ${index + 1}` }, { seed: seed + index, articles: 120, main_groups: 4, sub_groups_per_main: 3, warehouses: 1, customers: 2 });
  const holoo = connectHolooSimulator({ url: sim.superuser_url });
  try {
    const company = holoo.company(COMPANY);
    const page = await company.readArticlePage({ limit: 5000 });
    const articles = new Map(page.rows.map((r) => [r.a_code, { name: r.name, prices: r.prices.slice(0, 3), stock: r.stock ?? 0 }]));
    const mains = new Map((await company.readMainGroups()).map((g) => [g.code, g.name]));
    return { index, branch_id, sim, articles, codes: [...articles.keys()], mains, created: new Map(), sales: 0, next_serial: new Map() };
  } finally {
    await holoo.close();
  }
}

/** One random command for a branch, applied to the model (the expected state). */
function nextCommand(random: () => number, n: number, model: BranchModel): { command: HolooCommand; expected: 'applied' | 'failed'; expected_error: string | null } {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const roll = random();
  const a_code = pick(model.codes);
  const article = model.articles.get(a_code) as ArticleState;
  if (roll < 0.5) {
    const level = 1 + Math.floor(random() * 3);
    const price = 1000 + Math.floor(random() * 1_000_000);
    article.prices[level - 1] = price;
    return { command: { kind: 'articles.update', changes: [{ a_code, prices: [{ level, price }] }] }, expected: 'applied', expected_error: null };
  }
  if (roll < 0.65) {
    const name = `کالای آزمون ${n}`;
    article.name = name;
    return { command: { kind: 'articles.update', changes: [{ a_code, name }] }, expected: 'applied', expected_error: null };
  }
  if (roll < 0.78) {
    const quantity = 1 + Math.floor(random() * 3);
    article.stock -= quantity;
    model.sales += 1;
    return { command: { kind: 'document.sale', document: { customer_code: null, lines: [{ a_code, quantity, unit_price: 1000 }] } }, expected: 'applied', expected_error: null };
  }
  if (roll < 0.86) {
    const code = pick([...model.mains.keys()]);
    const name = `گروه آزمون ${n}`;
    model.mains.set(code, name);
    return { command: { kind: 'main_group.rename', code, name }, expected: 'applied', expected_error: null };
  }
  if (roll < 0.94) {
    const group = a_code.slice(0, 4);
    const serial = model.next_serial.get(group) ?? 900;
    model.next_serial.set(group, serial + 1);
    const code = `${group}${serial}`;
    const name = `کالای نو ${n}`;
    model.created.set(code, name);
    return { command: { kind: 'article.create', article: { a_code: code, main_group_code: group.slice(0, 2), sub_group_code: group.slice(2, 4), name, prices: [{ level: 1, price: 5000 }] } }, expected: 'applied', expected_error: null };
  }
  // A rule rejection: nothing changes, the command fails with its code (and stays failed on re-delivery).
  return { command: { kind: 'articles.update', changes: [{ a_code: '9999999', prices: [{ level: 1, price: 1 }] }] }, expected: 'failed', expected_error: 'holoo.article_not_found' };
}

async function postJson<T>(client: TestClient, url: string, body?: unknown): Promise<T> {
  const response = await client.post<T>(url, body);
  if (response.status !== 201 && response.status !== 200) throw new Error(`${url}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

async function openCommandCount(db: pg.Client, branch_ids: string[]): Promise<Record<string, number>> {
  const rows = await db.query<{ state: string; n: string }>('select state, count(*) as n from branch_sync.command where branch_id = any($1::uuid[]) group by state', [branch_ids]);
  return Object.fromEntries(rows.rows.map((r) => [r.state, Number(r.n)]));
}

export async function runFaultScenario(options: FaultRunOptions): Promise<FaultRunReport> {
  const { seed, log } = options;
  const started = Date.now();
  const random = seededRandom(seed);
  const counters: Record<string, number> = {};
  const count = (name: string) => { counters[name] = (counters[name] ?? 0) + 1; };
  const problems: string[] = [];
  log(`fault-injection run: seed=${seed} commands=${options.commands} branches=${options.branches} (replay: npm run test:faults -- --seed ${seed} --commands ${options.commands} --branches ${options.branches})`);

  const database = await createTestDatabase();
  const port = await freePort();
  const server: ServerProcess = serverProcess(database, port, {
    ...SIGN_IN_FRIENDLY_ENV, SEED_DEMO: 'true', SECRET_KEY: Buffer.alloc(32, seed % 251).toString('base64'),
    BRANCH_SYNC_HEARTBEAT_INTERVAL_MS: '2000', BRANCH_SYNC_RETRY_BASE_MS: '300', BRANCH_SYNC_RETRY_CAP_MS: '3000',
  });
  const agents: AgentProcess[] = [];
  const models: BranchModel[] = [];
  const dataDirs: string[] = [];
  const admin = new pg.Client({ connectionString: database.superuser_url });
  try {
    await server.start();
    await admin.connect();
    const client = new TestClient(server.base_url);
    await signInToOrganisation(client, DEMO_OWNER_PHONE, 'demo');
    // Fresh branches of the harness's own: the demo seed's branches already carry a demo agent and its commands.
    const branchIds: string[] = [];
    while (branchIds.length < options.branches) {
      branchIds.push((await postJson<{ id: string }>(client, '/api/org/branches', { name: `شعبه آزمون خطا ${branchIds.length + 1}`, code: `F${branchIds.length + 1}` })).id);
    }

    for (let i = 0; i < options.branches; i++) {
      const model = await setUpBranch(i, seed, branchIds[i] as string);
      models.push(model);
      const { code } = await postJson<{ code: string }>(client, `/api/branch-sync/branches/${model.branch_id}/enrolment-codes`);
      const data_dir = mkdtempSync(path.join(tmpdir(), `chaharsu-agent-${i}-`));
      dataDirs.push(data_dir);
      await enrol(linuxPlatform(), { server_url: server.base_url, code, data_dir, holoo: { kind: 'simulator', url: model.sim.superuser_url }, company_databases: [COMPANY] });
      const agent = new AgentProcess(i, data_dir, seed, counters);
      agent.start();
      agents.push(agent);
    }
    log(`setup done in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // ---- the commands: generated in one seeded sequence (the model applies them in that order), sent
    // per branch in that order (so the server's per-agent seq matches the model), branches in parallel ----
    const plan: Array<{ model: BranchModel } & ReturnType<typeof nextCommand>> = [];
    for (let n = 0; n < options.commands; n++) {
      const model = models[Math.floor(random() * models.length)] as BranchModel;
      plan.push({ model, ...nextCommand(random, n, model) });
    }
    const sent: SentCommand[] = [];
    const gate = { paused: false, inflight: 0 };
    let sending = true;
    const sendBranch = async (model: BranchModel): Promise<void> => {
      for (const item of plan.filter((p) => p.model === model)) {
        while (gate.paused) await sleep(50);
        gate.inflight += 1;
        try {
          const created = await postJson<{ id: string }>(client, `/api/branch-sync/branches/${model.branch_id}/commands`, { company_database: COMPANY, command: item.command });
          sent.push({ id: created.id, branch: model.index, expected: item.expected, expected_error: item.expected_error });
        } finally {
          gate.inflight -= 1;
        }
      }
    };
    // Faults at seeded moments while the commands flow. A server restart waits for in-flight POSTs
    // (a POST cut by the kill has an unknown outcome for the test's bookkeeping, as for a person).
    const maxServerRestarts = Math.max(2, Math.round(options.commands / 100));
    const faultLoop = async (): Promise<void> => {
      while (sending) {
        await sleep(300 + Math.floor(random() * 900));
        const roll = random();
        const agent = agents[Math.floor(random() * agents.length)] as AgentProcess;
        if (roll < 0.3) { agent.cut(); count('connection_cut'); }
        else if (roll < 0.5) { agent.kill(); count('agent_killed_by_harness'); }
        else if (roll < 0.57 && (counters.server_restart ?? 0) < maxServerRestarts) {
          gate.paused = true;
          while (gate.inflight > 0) await sleep(20);
          await server.kill();
          await sleep(Math.floor(random() * 800));
          await server.start();
          gate.paused = false;
          count('server_restart');
        }
      }
    };
    const faults = faultLoop();
    try {
      await Promise.all(models.map((model) => sendBranch(model)));
    } finally {
      sending = false;
      await faults;
    }
    log(`sent ${sent.length} commands in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for them to settle`);

    // ---- wait until nothing is open (each command visible in one state all along) ----
    const deadline = Date.now() + 120_000 + options.commands * 300;
    let states = await openCommandCount(admin, models.map((m) => m.branch_id));
    while (Date.now() < deadline && ((states.pending ?? 0) + (states.delivered ?? 0) + (states.received ?? 0)) > 0) {
      await sleep(500);
      states = await openCommandCount(admin, models.map((m) => m.branch_id));
    }
    log(`states: ${JSON.stringify(states)} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // The catalog mirror converges too: the server's row hashes equal the branch databases' (agents still
    // run their periodic scans; the self-kill faults continue meanwhile).
    const mirrorDeadline = Date.now() + 60_000;
    let mirrorProblems = await verifyMirrors(admin, models);
    while (mirrorProblems.length && Date.now() < mirrorDeadline) { await sleep(1000); mirrorProblems = await verifyMirrors(admin, models); }
    problems.push(...mirrorProblems);
    log(`mirrors ${mirrorProblems.length ? 'differ' : 'equal'} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const agent of agents) await agent.stop();

    problems.push(...(await verifyServer(admin, sent, models.map((m) => m.branch_id))));
    for (const model of models) problems.push(...(await verifyBranch(model, sent.filter((s) => s.branch === model.index))));
    if (problems.length) for (const [i, agent] of agents.entries()) log(`agent ${i} output (tail): ${agent.output.slice(-1500)}`);
    const outcomes = { applied: sent.filter((s) => s.expected === 'applied').length, failed: sent.filter((s) => s.expected === 'failed').length };
    const report = { seed, commands: options.commands, branches: options.branches, duration_s: Math.round((Date.now() - started) / 100) / 10, faults: counters, outcomes, problems };
    log(`fault-injection report: ${JSON.stringify({ ...report, problems: problems.slice(0, 20) })}`);
    return report;
  } finally {
    for (const agent of agents) await agent.stop().catch(() => undefined);
    await server.stop().catch(() => undefined);
    await admin.end().catch(() => undefined);
    for (const model of models) await model.sim.drop().catch(() => undefined);
    await database.drop().catch(() => undefined);
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }
}

async function verifyMirrors(admin: pg.Client, models: BranchModel[]): Promise<string[]> {
  const problems: string[] = [];
  for (const model of models) {
    const mirrored = await admin.query<{ key: string; row_hash: string }>(
      `select key, row_hash from branch_sync.mirror_row where branch_id = $1 and company_database = $2 and entity = 'article'`, [model.branch_id, COMPANY]);
    const server = new Map(mirrored.rows.map((r) => [r.key, r.row_hash]));
    const holoo = connectHolooSimulator({ url: model.sim.superuser_url });
    try {
      const rows = (await holoo.company(COMPANY).readArticlePage({ limit: 5000 })).rows;
      const differing = rows.filter((r) => server.get(r.a_code) !== r.row_hash).length + (server.size > rows.length ? server.size - rows.length : 0);
      if (differing) problems.push(`branch ${model.index}: ${differing} mirrored articles differ from the branch database`);
    } finally {
      await holoo.close();
    }
  }
  return problems;
}

async function verifyServer(admin: pg.Client, sent: SentCommand[], branch_ids: string[]): Promise<string[]> {
  const problems: string[] = [];
  const rows = await admin.query<{ id: string; state: string; last_error: string | null }>('select id, state, last_error from branch_sync.command where branch_id = any($1::uuid[])', [branch_ids]);
  const byId = new Map(rows.rows.map((r) => [r.id, r]));
  if (rows.rows.length !== sent.length) problems.push(`server holds ${rows.rows.length} commands, ${sent.length} were sent`);
  for (const s of sent) {
    const row = byId.get(s.id);
    if (!row) { problems.push(`command ${s.id} missing on the server`); continue; }
    if (row.state !== s.expected) problems.push(`command ${s.id} (branch ${s.branch}) is ${row.state}, expected ${s.expected} (${row.last_error ?? ''})`);
    else if (s.expected_error && row.last_error !== s.expected_error) problems.push(`command ${s.id} failed with ${row.last_error}, expected ${s.expected_error}`);
  }
  return problems;
}

async function verifyBranch(model: BranchModel, sent: SentCommand[]): Promise<string[]> {
  const problems: string[] = [];
  const where = `branch ${model.index}`;
  const db = new pg.Client({ connectionString: model.sim.superuser_url });
  await db.connect();
  const holoo = connectHolooSimulator({ url: model.sim.superuser_url });
  try {
    const applied = await db.query<{ command_id: string; outcome: string }>(`select lower(command_id::text) as command_id, outcome from "${COMPANY}"."ChaharsuAppliedCommand"`);
    const recorded = new Map(applied.rows.map((r) => [r.command_id, r.outcome]));
    if (applied.rows.length !== sent.length) problems.push(`${where}: ${applied.rows.length} applied-command rows for ${sent.length} commands`);
    for (const s of sent) {
      const outcome = recorded.get(s.id.toLowerCase());
      const want = s.expected === 'applied' ? 'applied' : 'rejected';
      if (outcome !== want) problems.push(`${where}: command ${s.id} recorded as ${outcome ?? 'nothing'}, expected ${want}`);
    }
    const company = holoo.company(COMPANY);
    const rows = new Map((await company.readArticlePage({ limit: 5000 })).rows.map((r) => [r.a_code, r]));
    for (const [code, want] of model.articles) {
      const row = rows.get(code);
      if (!row) { problems.push(`${where}: article ${code} missing`); continue; }
      if (row.name !== want.name) problems.push(`${where}: article ${code} name ${row.name} ≠ ${want.name}`);
      if (JSON.stringify(row.prices.slice(0, 3)) !== JSON.stringify(want.prices)) problems.push(`${where}: article ${code} prices ${JSON.stringify(row.prices.slice(0, 3))} ≠ ${JSON.stringify(want.prices)}`);
      if ((row.stock ?? 0) !== want.stock) problems.push(`${where}: article ${code} stock ${row.stock} ≠ ${want.stock} (a sale applied twice or lost)`);
    }
    for (const [code, name] of model.created) {
      if (rows.get(code)?.name !== name) problems.push(`${where}: created article ${code} is ${rows.get(code)?.name ?? 'missing'}, expected ${name}`);
    }
    const expectedArticleCount = model.articles.size + model.created.size;
    if (rows.size !== expectedArticleCount) problems.push(`${where}: ${rows.size} articles, expected ${expectedArticleCount}`);
    for (const group of await company.readMainGroups()) {
      if (model.mains.get(group.code) !== group.name) problems.push(`${where}: main group ${group.code} is ${group.name}, expected ${model.mains.get(group.code)}`);
    }
    const sales = await db.query<{ n: string }>(`select count(*) as n from "${COMPANY}"."FACTURE"`);
    if (Number(sales.rows[0]?.n) !== model.sales) problems.push(`${where}: ${sales.rows[0]?.n} sale documents, expected ${model.sales}`);
  } finally {
    await holoo.close();
    await db.end();
  }
  return problems;
}

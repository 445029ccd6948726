/**
 * Changing a live agent from the panel without re-enrolling it, through the real server and real agents:
 * secret rotation (agent offline while rotating, agent process killed between storing the new secret and
 * confirming it), agent password rotation, connection settings (SQL Server port, local port) and the
 * "last backup" of the health report.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHmac, randomBytes } from 'node:crypto';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestDatabase } from '@chaharsu/db/testing';
import { recordSimulatedBackup } from '@chaharsu/holoo/simulator';
import { checkAgentPassword, createAgentLog, enrol, linuxPlatform, NO_FAULTS, readIdentity, startAgent, type AgentIdentityFile, type RunningAgent } from '@chaharsu/agent';
import { startTestServer, type TestClient, type TestServer } from '../../../tests/support/server.js';
import { SIGN_IN_FRIENDLY_ENV, firstBranchId, signIn, signInToOrganisation } from '../../../tests/support/sign-in.js';
import { until } from '../../../tests/support/until.js';
import { createSimulatedHoloo } from '../../../tests/support/holoo.js';
import { AGENT_SOCKET_PATH, proofText } from './protocol.js';
import type { AgentStatusDto } from './branch-sync.contracts.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const AGENT_MAIN = path.join(repoRoot, 'apps/agent/src/main.ts');

let server: TestServer;
let sim: TestDatabase;
let owner: TestClient;
let staff: TestClient;
let admin: pg.Client;
let branch_id: string;
const dirs: string[] = [];


const status = async () => (await owner.get<AgentStatusDto>(`/api/branch-sync/branches/${branch_id}/agent`)).body;
const agentOf = async () => (await status()).agent;

async function enrolAgent(): Promise<{ identity: AgentIdentityFile; data_dir: string }> {
  const data_dir = mkdtempSync(path.join(tmpdir(), 'bs-cred-'));
  dirs.push(data_dir);
  const code = (await owner.post<{ code: string }>(`/api/branch-sync/branches/${branch_id}/enrolment-codes`)).body.code;
  const identity = await enrol(linuxPlatform(), { server_url: server.base_url, code, data_dir, holoo: { kind: 'simulator', url: sim.superuser_url }, company_databases: ['Holoo1'] });
  return { identity, data_dir };
}

function runAgent(data_dir: string): RunningAgent {
  const identity = readIdentity(data_dir) as AgentIdentityFile;
  return startAgent({ data_dir, identity, platform: linuxPlatform(), log: createAgentLog({ dir: path.join(data_dir, 'logs') }), faults: NO_FAULTS, reconnect: { base_ms: 100, cap_ms: 1000 }, mirror_interval_ms: 60_000 });
}

/** The handshake by hand with a given secret: 'welcome' or the denial code. */
async function handshakeWith(identity: AgentIdentityFile, secret: string): Promise<string> {
  const socket = new WebSocket(`${server.base_url.replace('http', 'ws')}${AGENT_SOCKET_PATH}`);
  const agent_nonce = randomBytes(32).toString('base64url');
  return new Promise((resolve) => {
    socket.on('open', () => socket.send(JSON.stringify({ type: 'hello', protocol: 1, org_id: identity.org_id, agent_id: identity.agent_id, agent_nonce, agent_version: '0.0.1' })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; code?: string; server_nonce?: string };
      if (message.type === 'challenge') {
        const proof = createHmac('sha256', secret).update(proofText({ server_nonce: message.server_nonce as string, agent_nonce, agent_id: identity.agent_id, server_fingerprint: identity.server_fingerprint })).digest('hex');
        socket.send(JSON.stringify({ type: 'auth', proof }));
      } else {
        resolve(message.type === 'denied' ? message.code ?? 'denied' : message.type);
        socket.close();
      }
    });
  });
}

const secretOf = (data_dir: string): string => linuxPlatform().unprotectSecret((readIdentity(data_dir) as AgentIdentityFile).secret_protected);

async function events(kind: string): Promise<string[]> {
  return (await admin.query<{ message: string }>('select message from branch_sync.agent_event where branch_id = $1 and kind = $2 order by at', [branch_id, kind])).rows.map((r) => r.message);
}
async function auditActions(prefix: string): Promise<string[]> {
  return (await admin.query<{ action: string }>('select action from audit.audit_log where action like $1 order by created_at', [`${prefix}%`])).rows.map((r) => r.action);
}

beforeAll(async () => {
  server = await startTestServer({ ...SIGN_IN_FRIENDLY_ENV, SEED_DEMO: 'true', BRANCH_SYNC_HEARTBEAT_INTERVAL_MS: '1000', BRANCH_SYNC_RETRY_BASE_MS: '200', BRANCH_SYNC_RETRY_CAP_MS: '2000' });
  sim = await createSimulatedHoloo({ database: 'Holoo1', company_name: 'شعبه آزمون' }, { seed: 3, articles: 20, main_groups: 1, sub_groups_per_main: 2, warehouses: 1, customers: 1 });
  admin = new pg.Client({ connectionString: server.database.superuser_url });
  await admin.connect();
  owner = server.client();
  staff = server.client();
  const demo = await signInToOrganisation(owner, '09120000010', 'demo');
  await signIn(staff, '09120000012', demo.org_id);
  branch_id = await firstBranchId(owner);
}, 180_000);

afterAll(async () => {
  await admin?.end();
  await server?.close();
  await sim?.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('secret rotation without re-enrolment', () => {
  test('rotated while the agent is offline: the old secret keeps working until the agent has the new one, then it is refused', async () => {
    const { identity, data_dir } = await enrolAgent();
    const oldSecret = secretOf(data_dir);
    expect((await staff.post(`/api/branch-sync/branches/${branch_id}/agent/secret/rotate`)).status).toBe(403);
    const rotated = await owner.post<{ rotation_id: string }>(`/api/branch-sync/branches/${branch_id}/agent/secret/rotate`);
    expect(rotated.status).toBe(202);
    expect((await agentOf())?.credentials.secret_rotation_pending_since).not.toBeNull();
    // A second rotation while the first waits would replace a secret the agent may already hold: refused.
    const again = await owner.post<{ code: string }>(`/api/branch-sync/branches/${branch_id}/agent/secret/rotate`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('branch_sync.secret_rotation_pending');
    expect(await handshakeWith(identity, oldSecret)).toBe('welcome');

    const agent = runAgent(data_dir);
    try {
      const done = await until(agentOf, (a) => a?.credentials.secret_rotation_pending_since === null && a.credentials.secret_rotated_at !== null);
      expect(done?.credentials.secret_rotated_at).not.toBeNull();
      const newSecret = secretOf(data_dir);
      expect(newSecret).not.toBe(oldSecret);
      expect(readIdentity(data_dir)?.secret_rotation_id).toBe(rotated.body.rotation_id);
      expect(await handshakeWith(identity, oldSecret)).toBe('bad_proof');
      // The agent keeps working with the new secret: it reconnects and a command still goes through.
      agent.cutConnection();
      await until(agentOf, (a) => a?.connected === true && a.status === 'online');
      const sent = await owner.post<{ id: string }>(`/api/branch-sync/branches/${branch_id}/commands`, { company_database: 'Holoo1', command: { kind: 'main_group.rename', code: '01', name: 'گروه چرخش' } });
      const settled = await until(async () => (await owner.get<{ state: string }>(`/api/branch-sync/branches/${branch_id}/commands/${sent.body.id}`)).body, (c) => c.state === 'applied');
      expect(settled.state).toBe('applied');
    } finally {
      await agent.stop();
    }
    expect(await events('secret_rotated')).toHaveLength(1);
    expect(await auditActions('branch_sync.agent.secret_rotate')).toEqual(expect.arrayContaining(['branch_sync.agent.secret_rotate', 'branch_sync.agent.secret_rotated']));
  });

  test('the agent process killed after storing the new secret and before confirming: it comes back with the new secret, which completes the rotation', async () => {
    const { identity, data_dir } = await enrolAgent();
    const oldSecret = secretOf(data_dir);
    // kill_rate 1: the first fault point reached kills the agent; with no commands that is after_secret_stored.
    const crashing = agentProcess(data_dir, { seed: 1, kill_rate: 1, duplicate_rate: 0, delay_report_rate: 0, delay_report_max_ms: 0 });
    // Agent processes start slowly on a loaded machine (tsx): generous waits, no timing asserted.
    await until(agentOf, (a) => a?.status === 'online' && a.connected, 120_000);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => crashing.once('exit', (_code, signal) => resolve(signal)));
    expect((await owner.post(`/api/branch-sync/branches/${branch_id}/agent/secret/rotate`)).status).toBe(202);
    expect(await exited).toBe('SIGKILL');
    expect(readFileSync(path.join(data_dir, 'logs', 'agent.log'), 'utf8')).toContain('killing the agent at after_secret_stored');

    // Stored, not confirmed: the server still waits, and still accepts the old secret (no lock-out either way).
    const newSecret = secretOf(data_dir);
    expect(newSecret).not.toBe(oldSecret);
    expect((await agentOf())?.credentials.secret_rotation_pending_since).not.toBeNull();
    expect(await handshakeWith(identity, oldSecret)).toBe('welcome');

    const restarted = agentProcess(data_dir, null);
    try {
      const done = await until(agentOf, (a) => a?.credentials.secret_rotation_pending_since === null && a.connected, 120_000);
      expect(done?.credentials.secret_rotated_at).not.toBeNull();
      expect(await handshakeWith(identity, oldSecret)).toBe('bad_proof');
      expect((await events('secret_rotated')).at(-1)).toContain('authenticated with the new secret');
    } finally {
      await stopProcess(restarted);
    }
  }, 180_000);
});

describe('agent password rotation', () => {
  test('a new password reaches the connected agent; the old one stops working there', async () => {
    const { data_dir } = await enrolAgent();
    const agent = runAgent(data_dir);
    try {
      await until(agentOf, (a) => a?.status === 'online');
      const reveal = async () => (await owner.post<{ password: string }>(`/api/branch-sync/branches/${branch_id}/agent/password/reveal`)).body.password;
      const before = await reveal();
      await until(async () => checkAgentPassword(data_dir, before), (c) => c === 'ok');
      expect((await staff.post(`/api/branch-sync/branches/${branch_id}/agent/password/rotate`)).status).toBe(403);
      const rotated = await owner.post<{ password_changed_at: string }>(`/api/branch-sync/branches/${branch_id}/agent/password/rotate`);
      expect(rotated.status).toBe(200);
      const delivered = await until(agentOf, (a) => a?.credentials.password_delivered === true && a.credentials.password_changed_at !== null);
      expect(delivered?.credentials.password_delivered).toBe(true);
      const after = await reveal();
      expect(after).not.toBe(before);
      expect(await checkAgentPassword(data_dir, after)).toBe('ok');
      expect(await checkAgentPassword(data_dir, before)).toBe('wrong');
      expect(await auditActions('branch_sync.agent.password_rotate')).toHaveLength(1);
    } finally {
      await agent.stop();
    }
  });
});

describe('connection settings and health', () => {
  test('the panel changes the SQL Server port and the local port; a wrong port is refused by the agent, which keeps working', async () => {
    const { data_dir } = await enrolAgent();
    const agent = runAgent(data_dir);
    const simPort = Number(new URL(sim.superuser_url).port);
    const put = (body: { sql_port: number | null; local_port: number | null }) => owner.put<AgentStatusDto>(`/api/branch-sync/branches/${branch_id}/agent/settings`, body);
    try {
      const online = await until(agentOf, (a) => a?.health?.ports.some((p) => p.name === 'sql_server') === true);
      expect(online?.health?.ports).toEqual([{ name: 'sql_server', port: simPort, open: true }]);
      expect((await staff.put(`/api/branch-sync/branches/${branch_id}/agent/settings`, { sql_port: simPort, local_port: null })).status).toBe(403);

      // Nothing listens on the new SQL port: the agent refuses the revision and keeps its working connection.
      const closedPort = await freeTcpPort();
      const wrong = await put({ sql_port: closedPort, local_port: null });
      expect(wrong.status).toBe(200);
      const refused = await until(agentOf, (a) => a?.settings.error !== null);
      expect(refused?.settings).toMatchObject({ sql_port: closedPort, revision: 1, applied_revision: 0 });
      expect(refused?.settings.error).toContain(`port ${closedPort}`);

      const localPort = await freeTcpPort();
      await put({ sql_port: simPort, local_port: localPort });
      const applied = await until(agentOf, (a) => a?.settings.applied_revision === 2 && a.health?.settings_revision === 2 && a.health.ports.length === 2);
      expect(applied?.settings.error).toBeNull();
      expect(applied?.health?.ports).toEqual([{ name: 'sql_server', port: simPort, open: true }, { name: 'local_status', port: localPort, open: true }]);
      const local = await (await fetch(`http://127.0.0.1:${localPort}/status`)).json() as { connected: boolean; settings_revision: number };
      expect(local).toMatchObject({ connected: true, settings_revision: 2 });
      expect(readIdentity(data_dir)?.settings).toEqual({ revision: 2, sql_port: simPort, local_port: localPort });
      expect((await events('ports_changed')).at(-1)).toContain(`local_status + ${localPort}`);
      expect((await events('settings')).some((m) => m.includes('revision 1 not applied'))).toBe(true);

      // The local port moves: the old one is closed, the new one answers, the panel sees the change.
      const movedPort = await freeTcpPort();
      await put({ sql_port: simPort, local_port: movedPort });
      await until(agentOf, (a) => a?.settings.applied_revision === 3 && a.health?.ports.some((p) => p.port === movedPort) === true);
      expect((await fetch(`http://127.0.0.1:${movedPort}/status`)).status).toBe(200);
      await expect(fetch(`http://127.0.0.1:${localPort}/status`)).rejects.toThrow();
      expect((await events('ports_changed')).at(-1)).toContain(`local_status ${localPort} → ${movedPort}`);
      expect(await auditActions('branch_sync.agent.settings')).toHaveLength(3);
    } finally {
      await agent.stop();
    }
  });

  test('health reports the last backup SQL Server recorded for each company database', async () => {
    const { data_dir } = await enrolAgent();
    const agent = runAgent(data_dir);
    try {
      const first = await until(agentOf, (a) => a?.health?.backups !== undefined);
      expect(first?.health?.backups).toEqual([{ database: 'Holoo1', last_backup_at: null, last_full_backup_at: null }]);
      expect(first?.health?.backups_error).toBeNull();
      await recordSimulatedBackup(sim.superuser_url, { database: 'Holoo1', type: 'D', finished_at: '2026-11-20T23:00:00' });
      await recordSimulatedBackup(sim.superuser_url, { database: 'holoo1', type: 'L', finished_at: '2026-11-21T09:30:00' });
      await recordSimulatedBackup(sim.superuser_url, { database: 'Holoo1', type: 'D', finished_at: '2026-11-21T10:00:00', copy_only: true });
      await recordSimulatedBackup(sim.superuser_url, { database: 'OtherDb', type: 'D', finished_at: '2026-11-21T11:00:00' });
      const seen = await until(agentOf, (a) => a?.health?.backups?.[0]?.last_backup_at !== null);
      // A copy-only backup is not part of the restore chain; database names match case-insensitively (SQL Server does).
      expect(seen?.health?.backups).toEqual([{ database: 'Holoo1', last_backup_at: '2026-11-21T09:30:00.000', last_full_backup_at: '2026-11-20T23:00:00.000' }]);
    } finally {
      await agent.stop();
    }
  });
});

function agentProcess(data_dir: string, faults: object | null): ChildProcess {
  const child = fork(AGENT_MAIN, ['run', '--data-dir', data_dir], {
    cwd: repoRoot, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, CHAHARSU_AGENT_RECONNECT_BASE_MS: '100', CHAHARSU_AGENT_RECONNECT_CAP_MS: '1000', ...(faults ? { CHAHARSU_AGENT_FAULTS: JSON.stringify(faults) } : {}) },
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); });
}

async function freeTcpPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

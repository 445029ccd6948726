/**
 * Smoke test of the single Windows executable under wine64 (issue 5; docs/branch-panel/windows.md):
 * the .exe built by `npm run agent:exe` starts, prints its version, enrols with a real local server
 * (its secret protected through the DPAPI path — a PowerShell stand-in answers there, wine has no .NET),
 * runs and is seen online by the panel with its version and health, keeps its settings behind the agent
 * password, stops gracefully on Ctrl+C, and runs as a Windows service under NSSM in wine's service
 * manager (the supervisor starting the version from `versions\`), which only the agent password removes.
 * The exe is built once per run (an unchanged build is reused) and the wine prefix is a throwaway one.
 */
import { readFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestDatabase } from '@chaharsu/db/testing';
import { startTestServer, type TestClient, type TestServer } from '../support/server.js';
import { SIGN_IN_FRIENDLY_ENV, firstBranchId, signInToOrganisation } from '../support/sign-in.js';
import { until } from '../support/until.js';
import { createSimulatedHoloo } from '../support/holoo.js';
import { buildAgentExe, buildPowerShellDouble, createWinePrefix, ensureWine, winePath, type WinePrefix } from './wine-harness.js';

interface AgentStatus { agent: { status: string; agent_version: string; hostname: string; agent_id: string; health: { sql_reachable: boolean; disk_free_bytes?: number | null } | null } | null }

let server: TestServer;
let sim: TestDatabase;
let owner: TestClient;
let branch_id: string;
let wine: WinePrefix;
let exe: string;
let work: string;
const timings: string[] = [];

const status = async () => (await owner.get<AgentStatus>(`/api/branch-sync/branches/${branch_id}/agent`)).body;
async function timed<T>(name: string, action: () => Promise<T> | T): Promise<T> {
  const started = Date.now();
  try { return await action(); } finally { timings.push(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`); }
}

const dataDir = () => path.join(work, 'data');
const readLog = (...parts: string[]) => { try { return readFileSync(path.join(dataDir(), 'logs', ...parts), 'utf8'); } catch { return ''; } };
const agentLog = () => readLog('agent.log');
/** What a failed service step leaves to read: the supervisor's log, NSSM's capture of its output, the agent log's end. */
const serviceLogs = () => [
  `--- supervisor log:\n${readLog('supervisor', 'agent.log').slice(-4000)}`,
  `--- service output (NSSM):\n${readLog('service.log').slice(-4000)}`,
  `--- agent log (end):\n${agentLog().slice(-4000)}`,
].join('\n');
const dpapiCalls = () => {
  const file = path.join(wine.drive_c, 'dpapi-double.log');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) : [];
};

/** The test cluster's URLs name its Unix socket (`?host=/dir`); a Windows process under wine reaches it over TCP. */
function overTcp(url: string): string {
  const tcp = new URL(url);
  tcp.searchParams.delete('host');
  return tcp.toString();
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'agent-exe-'));
  const wine64 = await timed('wine64 present', () => ensureWine((line) => process.stdout.write(`${line}\n`)));
  exe = await timed('exe build (or reuse)', () => buildAgentExe().exe);
  const double = await timed('PowerShell stand-in build (or reuse)', () => buildPowerShellDouble());
  wine = await timed('wine prefix (wineboot)', () => createWinePrefix(wine64, path.join(work, 'wineprefix'), double));
  server = await startTestServer({ ...SIGN_IN_FRIENDLY_ENV, SEED_DEMO: 'true', BRANCH_SYNC_HEARTBEAT_INTERVAL_MS: '1000' });
  sim = await createSimulatedHoloo({ database: 'Holoo1', company_name: 'شعبه ویندوز' }, { seed: 5, articles: 20, main_groups: 1, sub_groups_per_main: 1, warehouses: 1, customers: 1 });
  owner = server.client();
  await signInToOrganisation(owner, '09120000010', 'demo');
  branch_id = await firstBranchId(owner);
}, 900_000);

afterAll(async () => {
  wine?.kill();
  await server?.close();
  await sim?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
  process.stdout.write(`agent-exe timings:\n  ${timings.join('\n  ')}\n`);
}, 120_000);

describe('the Windows agent executable under wine64', () => {
  test('starts and prints its version', async () => {
    const result = await timed('exe version', () => wine.run([exe, 'version']));
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('0.1.0\n');
    expect(result.code).toBe(0);
  });

  test('enrols with the local server; the secret is stored through DPAPI with machine scope, never on a command line', async () => {
    const code = (await owner.post<{ code: string }>(`/api/branch-sync/branches/${branch_id}/enrolment-codes`)).body.code;
    const result = await timed('exe enrol', () => wine.run([exe, 'enrol', '--server', server.base_url, '--code', code, '--holoo-simulator', overTcp(sim.superuser_url), '--company', 'Holoo1', '--data-dir', winePath(dataDir())]));
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^enrolled: agent [0-9a-f-]{36} for branch [0-9a-f-]{36}; server fingerprint /);
    expect(result.code).toBe(0);
    const identity = JSON.parse(readFileSync(path.join(dataDir(), 'agent.json'), 'utf8')) as { secret_protected: string };
    expect(identity.secret_protected).toMatch(/^dpapi:[A-Za-z0-9+/]+=*$/);
    expect(dpapiCalls()).toEqual([{ operation: 'protect', machine_scope: true, entropy: true, input_on_command_line: false }]);
  });

  test('runs, is seen online with its version and health, keeps its settings behind the password, and stops on Ctrl+C', async () => {
    const agent = wine.start([exe, 'run', '--data-dir', winePath(dataDir())]);
    try {
      const online = await timed('exe run → online with a heartbeat', () => until(status, (s) => s.agent?.status === 'online' && s.agent.health !== null, 90_000));
      expect(online.agent, `${agent.output()}\n${agentLog()}`).toMatchObject({ status: 'online', agent_version: '0.1.0' });
      expect(online.agent?.health?.sql_reachable).toBe(true);
      expect(dpapiCalls().filter((call) => call.operation === 'unprotect')).toHaveLength(1);
      await until(async () => existsSync(path.join(dataDir(), 'password.json')), Boolean, 30_000);

      const wrong = await wine.run([exe, 'settings', '--data-dir', winePath(dataDir()), '--password', 'not-the-password']);
      expect(wrong.stderr).toContain('wrong agent password');
      expect(wrong.code).toBe(2);
      const password = (await owner.post<{ password: string }>(`/api/branch-sync/branches/${branch_id}/agent/password/reveal`)).body.password;
      const shown = await wine.run([exe, 'settings', '--data-dir', winePath(dataDir()), '--password', password]);
      expect(shown.code).toBe(0);
      expect(JSON.parse(shown.stdout)).toMatchObject({ branch_id, holoo: { kind: 'simulator' } });
      expect(shown.stdout).not.toContain('secret');
    } finally {
      // wine turns SIGINT into the console Ctrl+C event, as the service host's stop does.
      agent.child.kill('SIGINT');
    }
    expect(await agent.exited, agent.output()).toBe(0);
    expect(agentLog()).toContain('stopping on SIGINT (waiting for the command in progress)');
    expect(agentLog()).toContain('"stopped"');
  }, 240_000);

  test('installs as a service (NSSM) that runs the supervisor and the version from versions\\; only the agent password removes it', async () => {
    const root = path.join(work, 'install');
    const installRoot = winePath(root);
    const dataArgs = ['--data-dir', winePath(dataDir()), '--install-root', installRoot];
    const wentOffline = await timed('offline after the Ctrl+C stop', () => until(status, (s) => s.agent?.status === 'offline', 30_000));
    expect(wentOffline.agent?.status).toBe('offline');

    const install = await timed('service install', () => wine.run([exe, 'service', 'install', ...dataArgs]));
    expect(install.code, install.stdout + install.stderr).toBe(0);
    expect(install.stdout).toContain('installed version 0.1.0 under');
    expect(install.stdout).toContain('ok   register the service (NSSM hosts the supervisor)');
    expect(install.stdout).toContain('ok   start the service');
    expect(existsSync(path.join(root, 'versions', '0.1.0', 'chaharsu-agent.exe'))).toBe(true);
    expect(readFileSync(path.join(root, 'current.txt'), 'utf8').trim()).toBe('0.1.0');

    const online = await timed('service → online', () => until(status, (s) => s.agent?.status === 'online', 90_000));
    expect(online.agent?.status, serviceLogs()).toBe('online');
    // A second agent process (the one the service's supervisor started from versions\0.1.0) started and connected.
    expect(agentLog().split('starting (version 0.1.0').length - 1).toBe(2);
    const state = await wine.run([exe, 'service', 'status', ...dataArgs]);
    expect(state.stdout).toBe('service ChaharsuAgent: running; current version 0.1.0\n');

    const refused = await wine.run([exe, 'service', 'uninstall', ...dataArgs, '--password', 'not-the-password']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('wrong agent password');
    expect((await wine.run([exe, 'service', 'status', ...dataArgs])).stdout).toContain('running');

    const password = (await owner.post<{ password: string }>(`/api/branch-sync/branches/${branch_id}/agent/password/reveal`)).body.password;
    // Above the CLI's own limit per step (180 s), so a step that hangs under wine ends as a FAIL line with its output.
    const removed = await timed('service uninstall', () => wine.run([exe, 'service', 'uninstall', ...dataArgs, '--password', password], { timeout_ms: 200_000 }));
    expect(removed.code, `${removed.stdout}${removed.stderr}\n${serviceLogs()}`).toBe(0);
    expect(removed.stdout).toContain('ok   remove the service');
    // The removal completes once the stop has (the agent finishing its command first): stop_pending until then.
    const gone = await timed('uninstall → not_installed', () => until(async () => (await wine.run([exe, 'service', 'status', ...dataArgs])).stdout, (out) => out.includes('not_installed'), 60_000));
    expect(gone).toBe('service ChaharsuAgent: not_installed; current version 0.1.0\n');
    // NSSM's stop is Ctrl+C to the console the supervisor and the agent share: the agent stopped cleanly.
    expect(agentLog().split('stopping on SIGINT').length - 1, serviceLogs()).toBe(2);
    const after = await timed('offline after uninstall', () => until(status, (s) => s.agent?.status === 'offline', 30_000));
    expect(after.agent?.status).toBe('offline');
  }, 480_000);
});

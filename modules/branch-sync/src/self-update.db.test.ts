/**
 * Self-update end to end (spec E8): the real server, and an agent running as processes under its
 * supervisor (`chaharsu-agent supervise`) on a Holoo simulator. A signed release is published and offered;
 * the agent downloads it, verifies it, switches, and the new version reports itself. A release signed by
 * another key is refused and the running version stays. The "new version" is the same agent code run with
 * another version string (its launcher script sets it), as a development build does.
 */
import { generateKeyPairSync } from 'node:crypto';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDb, type Db } from '@chaharsu/db';
import type { TestDatabase } from '@chaharsu/db/testing';
import { enrol, linuxPlatform } from '@chaharsu/agent';
import { startTestServer, type TestClient, type TestServer } from '../../../tests/support/server.js';
import { SIGN_IN_FRIENDLY_ENV, firstBranchId, signInToOrganisation } from '../../../tests/support/sign-in.js';
import { until } from '../../../tests/support/until.js';
import { createSimulatedHoloo } from '../../../tests/support/holoo.js';
import type { UpdatesDto } from './branch-sync.contracts.js';
import { publishRelease } from './releases.js';
import { signRelease } from './release-signing.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const AGENT_MAIN = path.join(repoRoot, 'apps/agent/src/main.ts');

let server: TestServer;
let sim: TestDatabase;
let owner: TestClient;
let branch_id: string;
let db: Db;
let supervisor: ChildProcess | null = null;
let output = '';
const dirs: string[] = [];

/** A build of the agent as it would sit in versions/<v>/chaharsu-agent: here a launcher of the same code with another version string. */
const agentBuild = (version: string): Buffer => Buffer.from(
  `#!/bin/sh\nCHAHARSU_AGENT_BUILD_VERSION='${version}' exec '${process.execPath}' --import tsx '${AGENT_MAIN}' "$@"\n`);

const updates = async () => (await owner.get<UpdatesDto>('/api/branch-sync/updates')).body;

beforeAll(async () => {
  server = await startTestServer({ ...SIGN_IN_FRIENDLY_ENV, SEED_DEMO: 'true', BRANCH_SYNC_HEARTBEAT_INTERVAL_MS: '1000' });
  sim = await createSimulatedHoloo({ database: 'Holoo1', company_name: 'شعبه به‌روزرسانی' }, { seed: 3, articles: 20, main_groups: 1, sub_groups_per_main: 1, warehouses: 1, customers: 1 });
  db = createDb({ url: server.database.app_url, max_connections: 2, application_name: 'self-update-test' }).db;
  owner = server.client();
  await signInToOrganisation(owner, '09120000010', 'demo');
  branch_id = await firstBranchId(owner);
}, 180_000);

afterAll(async () => {
  if (supervisor && supervisor.exitCode === null) {
    const child = supervisor;
    await new Promise<void>((resolve) => { const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 15_000); child.once('exit', () => { clearTimeout(timer); resolve(); }); child.kill('SIGTERM'); });
  }
  await db?.destroy();
  await server?.close();
  await sim?.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('agent self-update', () => {
  test('a signed release offered to the branch is installed and reported; one signed by another key is refused', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'agent-selfupdate-'));
    dirs.push(root);
    const data_dir = path.join(root, 'data');
    const release = generateKeyPairSync('ed25519');
    const impostor = generateKeyPairSync('ed25519');
    const pem = (key: typeof release.privateKey) => key.export({ format: 'pem', type: 'pkcs8' }).toString();

    // Enrol, pin the release public key, install version 0.1.0 and run it under the supervisor.
    const code = (await owner.post<{ code: string }>(`/api/branch-sync/branches/${branch_id}/enrolment-codes`)).body.code;
    await enrol(linuxPlatform(), { server_url: server.base_url, code, data_dir, holoo: { kind: 'simulator', url: sim.superuser_url }, company_databases: ['Holoo1'] });
    writeFileSync(path.join(data_dir, 'release-keys.pem'), release.publicKey.export({ format: 'pem', type: 'spki' }));
    const installer = linuxPlatform().updateInstaller(path.join(root, 'install'));
    installer.stage('0.1.0', agentBuild('0.1.0'));
    installer.activate('0.1.0');
    supervisor = fork(AGENT_MAIN, ['supervise', '--install-root', installer.root, '--data-dir', data_dir], {
      cwd: repoRoot, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, CHAHARSU_AGENT_RECONNECT_BASE_MS: '100', CHAHARSU_AGENT_RECONNECT_CAP_MS: '1000', CHAHARSU_AGENT_UPDATE_HEALTH_TIMEOUT_MS: '60000', CHAHARSU_AGENT_LOG_ECHO: '1' },
    });
    supervisor.stdout?.on('data', (c: Buffer) => { output = (output + c.toString()).slice(-20_000); });
    supervisor.stderr?.on('data', (c: Buffer) => { output = (output + c.toString()).slice(-20_000); });
    const first = await until(updates, (u) => u.agents[0]?.agent_version === '0.1.0', 90_000);
    expect(first.agents[0]?.agent_version, output).toBe('0.1.0');

    // The operator signs 0.2.0 on a workstation and publishes it; the owner offers it to every branch.
    const artifact = path.join(root, 'chaharsu-agent-0.2.0');
    writeFileSync(artifact, agentBuild('0.2.0'));
    const signed = signRelease({ private_key_pem: pem(release.privateKey), artifact: agentBuild('0.2.0'), version: '0.2.0' });
    await publishRelease(db, path.join(server.config.DATA_DIR, 'agent-releases'), { version: '0.2.0', file: artifact, signature: signed.signature });
    const offered = await owner.post('/api/branch-sync/updates/offers', { version: '0.2.0', branch_id: null, install_without_confirmation: true });
    expect(offered.status).toBe(201);

    const after = await until(updates, (u) => u.agents[0]?.agent_version === '0.2.0' && u.agents[0]?.update_state === 'installed', 90_000);
    expect(after.agents[0], output).toMatchObject({ agent_version: '0.2.0', update_version: '0.2.0', update_state: 'installed', offered_version: '0.2.0' });
    expect(installer.currentVersion()).toBe('0.2.0');
    expect(installer.previousVersion()).toBe('0.1.0');

    // 0.3.0 signed by a key the agent does not trust: refused before it is staged; 0.2.0 keeps running.
    const bad = path.join(root, 'chaharsu-agent-0.3.0');
    writeFileSync(bad, agentBuild('0.3.0'));
    const forged = signRelease({ private_key_pem: pem(impostor.privateKey), artifact: agentBuild('0.3.0'), version: '0.3.0' });
    await publishRelease(db, path.join(server.config.DATA_DIR, 'agent-releases'), { version: '0.3.0', file: bad, signature: forged.signature });
    expect((await owner.post('/api/branch-sync/updates/offers', { version: '0.3.0', branch_id, install_without_confirmation: true })).status).toBe(201);
    const refused = await until(updates, (u) => u.agents[0]?.update_state === 'rejected', 90_000);
    expect(refused.agents[0], output).toMatchObject({ agent_version: '0.2.0', update_version: '0.3.0', update_state: 'rejected', update_detail: 'bad_signature' });
    expect(installer.has('0.3.0')).toBe(false);
    expect(installer.currentVersion()).toBe('0.2.0');
  }, 180_000);

  test('the artifact is served only to an agent that proves itself', async () => {
    const response = await fetch(`${server.base_url}/api/branch-sync/agent/releases/0.2.0/artifact`, { headers: { 'x-chaharsu-agent': `${branch_id}.${branch_id}`, 'x-chaharsu-time': new Date().toISOString(), 'x-chaharsu-proof': '0'.repeat(64) } });
    expect(response.status).toBe(401);
    expect((await fetch(`${server.base_url}/api/branch-sync/agent/releases/0.2.0/artifact`)).status).toBe(401);
  });
});

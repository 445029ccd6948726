/**
 * branch-sync through the real server (in-process) and a real agent (in-process, on a Holoo simulator):
 * enrolment codes, who may issue them, the challenge-response handshake, a command end to end,
 * revocation, and the offline notification.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestDatabase } from '@chaharsu/db/testing';
import { connectHolooSimulator } from '@chaharsu/holoo';
import { checkAgentPassword, createAgentLog, enrol, linuxPlatform, NO_FAULTS, startAgent, type AgentIdentityFile, type RunningAgent } from '@chaharsu/agent';
import { startTestServer, type TestClient, type TestServer } from '../../../tests/support/server.js';
import { SIGN_IN_FRIENDLY_ENV, firstBranchId, signIn, signInToOrganisation } from '../../../tests/support/sign-in.js';
import { until } from '../../../tests/support/until.js';
import { createSimulatedHoloo } from '../../../tests/support/holoo.js';
import { AGENT_SOCKET_PATH } from './protocol.js';
import type { AgentStatusDto, CommandDto, MirrorStatusDto } from './branch-sync.contracts.js';

let server: TestServer;
let sim: TestDatabase;
let owner: TestClient;
let staff: TestClient;
let branch_id: string;
const dirs: string[] = [];


async function issueCode(client: TestClient): Promise<string> {
  const response = await client.post<{ code: string }>(`/api/branch-sync/branches/${branch_id}/enrolment-codes`);
  expect(response.status).toBe(201);
  return response.body.code;
}

async function enrolAgent(): Promise<{ identity: AgentIdentityFile; data_dir: string }> {
  const data_dir = mkdtempSync(path.join(tmpdir(), 'bs-agent-'));
  dirs.push(data_dir);
  const identity = await enrol(linuxPlatform(), { server_url: server.base_url, code: await issueCode(owner), data_dir, holoo: { kind: 'simulator', url: sim.superuser_url }, company_databases: ['Holoo1'] });
  return { identity, data_dir };
}

function runAgent(identity: AgentIdentityFile, data_dir: string): RunningAgent {
  return startAgent({ data_dir, identity, platform: linuxPlatform(), log: createAgentLog({ dir: path.join(data_dir, 'logs') }), faults: NO_FAULTS, reconnect: { base_ms: 100, cap_ms: 1000 }, mirror_interval_ms: 1000 });
}

const status = async () => (await owner.get<AgentStatusDto>(`/api/branch-sync/branches/${branch_id}/agent`)).body;

beforeAll(async () => {
  server = await startTestServer({ ...SIGN_IN_FRIENDLY_ENV, SEED_DEMO: 'true', BRANCH_SYNC_HEARTBEAT_INTERVAL_MS: '1000', BRANCH_SYNC_RETRY_BASE_MS: '200', BRANCH_SYNC_RETRY_CAP_MS: '2000' });
  sim = await createSimulatedHoloo({ database: 'Holoo1', company_name: 'شعبه آزمون' }, { seed: 7, articles: 50, main_groups: 2, sub_groups_per_main: 2, warehouses: 1, customers: 1 });
  owner = server.client();
  staff = server.client();
  const demo = await signInToOrganisation(owner, '09120000010', 'demo');
  await signIn(staff, '09120000012', demo.org_id);
  branch_id = await firstBranchId(owner);
}, 180_000);

afterAll(async () => {
  await server?.close();
  await sim?.drop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('enrolment', () => {
  test('staff may not issue an enrolment code; the owner may, and a code works once', async () => {
    expect((await staff.post(`/api/branch-sync/branches/${branch_id}/enrolment-codes`)).status).toBe(403);
    const code = await issueCode(owner);
    const body = { code, agent_version: '0.1.0', hostname: 'branch-pc' };
    const first = await owner.post<{ agent_id: string; secret: string; server_fingerprint: string }>('/api/branch-sync/agent/enrol', body);
    expect(first.status).toBe(200);
    expect(first.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = await owner.post<{ code: string }>('/api/branch-sync/agent/enrol', body);
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('branch_sync.enrolment_code_invalid');
    expect((await owner.post<{ code: string }>('/api/branch-sync/agent/enrol', { ...body, code: `${code.slice(0, -4)}AAAA` })).status).toBe(401);
  });

  test('a socket that cannot prove the agent secret is denied', async () => {
    const { identity } = await enrolAgent();
    const url = `${server.base_url.replace('http', 'ws')}${AGENT_SOCKET_PATH}`;
    const socket = new WebSocket(url);
    const messages: Array<{ type: string; code?: string }> = [];
    await new Promise<void>((resolve) => {
      socket.on('open', () => socket.send(JSON.stringify({ type: 'hello', protocol: 1, org_id: identity.org_id, agent_id: identity.agent_id, agent_nonce: 'a'.repeat(43), agent_version: 'x' })));
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { type: string; code?: string };
        messages.push(message);
        if (message.type === 'challenge') socket.send(JSON.stringify({ type: 'auth', proof: '0'.repeat(64) }));
      });
      socket.on('close', () => resolve());
    });
    expect(messages.map((m) => m.type)).toEqual(['challenge', 'denied']);
    expect(messages[1]?.code).toBe('bad_proof');
  });
});

describe('a running agent', () => {
  test('goes online, applies a command once, and shows it to the panel; goes offline and the owner is told', async () => {
    const { identity, data_dir } = await enrolAgent();
    const agent = runAgent(identity, data_dir);
    try {
      const online = await until(status, (s) => s.agent?.status === 'online' && s.agent.health !== null);
      expect(online.agent?.health?.sql_reachable).toBe(true);
      expect(online.agent?.health?.missing_databases).toEqual([]);

      const sent = await owner.post<CommandDto>(`/api/branch-sync/branches/${branch_id}/commands`, {
        company_database: 'Holoo1', command: { kind: 'articles.update', changes: [{ a_code: '0101001', prices: [{ level: 1, price: 123_456 }] }] },
      });
      expect(sent.status).toBe(201);
      const settled = await until(async () => (await owner.get<CommandDto>(`/api/branch-sync/branches/${branch_id}/commands/${sent.body.id}`)).body, (c) => c.state === 'applied');
      expect(settled.state).toBe('applied');
      expect(settled.result).toEqual({ updated: 1, unchanged: 0 });
      const holoo = connectHolooSimulator({ url: sim.superuser_url });
      try {
        const [article] = await holoo.company('Holoo1').readArticlesByCode(['0101001']);
        expect(article?.prices[0]).toBe(123_456);
      } finally {
        await holoo.close();
      }

      const rejected = await owner.post<CommandDto>(`/api/branch-sync/branches/${branch_id}/commands`, {
        company_database: 'Holoo1', command: { kind: 'main_group.rename', code: '77', name: 'ناموجود' },
      });
      const failed = await until(async () => (await owner.get<CommandDto>(`/api/branch-sync/branches/${branch_id}/commands/${rejected.body.id}`)).body, (c) => c.state === 'failed');
      expect(failed.last_error).toBe('holoo.group_not_found');
      const retried = await owner.post<CommandDto>(`/api/branch-sync/branches/${branch_id}/commands/${rejected.body.id}/retry`);
      expect(retried.status).toBe(201);
      expect(retried.body.id).not.toBe(rejected.body.id);
    } finally {
      await agent.stop();
    }
    const offline = await until(status, (s) => s.agent?.status === 'offline');
    expect(offline.agent?.status).toBe('offline');
    const notes = await until(async () => (await owner.get<{ items: Array<{ kind: string }> }>('/api/me/notifications')).body.items, (items) => items.some((n) => n.kind === 'branch_sync.agent_offline'));
    expect(notes.some((n) => n.kind === 'branch_sync.agent_offline')).toBe(true);
  });

  test('mirrors the catalog with row hashes, sends only what changed, and resyncs on demand', async () => {
    const mirror = async () => (await owner.get<MirrorStatusDto>(`/api/branch-sync/branches/${branch_id}/mirror`)).body.databases[0];
    const previous = await mirror();
    const before = previous?.last_full_at ?? '';
    const { identity, data_dir } = await enrolAgent();
    const agent = runAgent(identity, data_dir);
    const article = async (code: string) => (await owner.get<{ items: Array<{ key: string; data: { prices: number[]; name: string } }> }>(
      `/api/branch-sync/branches/${branch_id}/mirror/rows?company_database=Holoo1&entity=article&limit=500`)).body.items.find((r) => r.key === code);
    try {
      const first = await until(mirror, (m) => m?.counts.article === 50 && (m.last_full_at ?? '') > before);
      expect(first?.counts).toEqual({ article: 50, main_group: 2, sub_group: 4 });
      const bytesAfterFull = first?.bytes_received ?? 0;
      const oneFullScan = bytesAfterFull - (previous?.bytes_received ?? 0);

      await owner.post(`/api/branch-sync/branches/${branch_id}/commands`, { company_database: 'Holoo1', command: { kind: 'articles.update', changes: [{ a_code: '0101002', prices: [{ level: 2, price: 777 }] }] } });
      const changed = await until(() => article('0101002'), (row) => row?.data.prices[1] === 777);
      expect(changed?.data.prices[1]).toBe(777);
      const afterEdit = await mirror();
      // One changed row travelled, not the catalogue again.
      expect((afterEdit?.bytes_received ?? 0) - bytesAfterFull).toBeLessThan(oneFullScan / 10);

      const requested = await owner.post<MirrorStatusDto>(`/api/branch-sync/branches/${branch_id}/mirror/resync`, { company_database: 'Holoo1' });
      expect(requested.status).toBe(202);
      const done = await until(mirror, (m) => m?.resync_pending === false && (m.bytes_received ?? 0) > (afterEdit?.bytes_received ?? 0) + oneFullScan / 2);
      expect(done?.resync_pending).toBe(false);
      expect(done?.counts.article).toBe(50);
    } finally {
      await agent.stop();
    }
  });

  test('the agent password is shown only to managers, and the agent accepts exactly that password', async () => {
    const { identity, data_dir } = await enrolAgent();
    const agent = runAgent(identity, data_dir);
    try {
      await until(status, (s) => s.agent?.status === 'online');
      expect((await staff.post(`/api/branch-sync/branches/${branch_id}/agent/password/reveal`)).status).toBe(403);
      const shown = await owner.post<{ agent_id: string; password: string }>(`/api/branch-sync/branches/${branch_id}/agent/password/reveal`);
      expect(shown.status).toBe(200);
      expect(shown.body.agent_id).toBe(identity.agent_id);
      expect(shown.body.password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
      expect(await checkAgentPassword(data_dir, shown.body.password)).toBe('ok');
      expect(await checkAgentPassword(data_dir, 'aaaa-bbbb-cccc-dddd')).toBe('wrong');
    } finally {
      await agent.stop();
    }
  });

  test('revoking a connected agent drops it at its next heartbeat and refuses it from then on', async () => {
    const { identity, data_dir } = await enrolAgent();
    const agent = runAgent(identity, data_dir);
    const { readFileSync } = await import('node:fs');
    const log = () => readFileSync(path.join(data_dir, 'logs', 'agent.log'), 'utf8');
    try {
      await until(status, (s) => s.agent?.status === 'online');
      expect((await owner.post(`/api/branch-sync/branches/${branch_id}/agent/revoke`)).status).toBe(204);
      expect((await status()).agent).toBeNull();
      const text = await until(async () => log(), (t) => t.includes('the server refused this agent: revoked'));
      expect(text).toContain('the server refused this agent: revoked');
      const sent = await owner.post<{ code: string }>(`/api/branch-sync/branches/${branch_id}/commands`, { company_database: 'Holoo1', command: { kind: 'main_group.rename', code: '01', name: 'x' } });
      expect(sent.status).toBe(409);
      expect(sent.body.code).toBe('branch_sync.no_agent');
    } finally {
      await agent.stop();
    }
  });
});

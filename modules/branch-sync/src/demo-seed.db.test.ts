/**
 * The demo seed gives each demo organisation's first branch an agent a person can look at in the panel:
 * offline, with health, a shipped error, commands applied / failed / queued, and a mirror — and the failed
 * command can be sent again. Each owner sees only their own organisation's agent.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../../../tests/support/server.js';
import { SIGN_IN_FRIENDLY_ENV, signIn } from '../../../tests/support/sign-in.js';
import type { AgentStatusDto, CommandDto, MirrorStatusDto } from './branch-sync.contracts.js';

let t: TestServer;

beforeAll(async () => { t = await startTestServer({ ...SIGN_IN_FRIENDLY_ENV, SEED_DEMO: 'true' }); }, 120_000);
afterAll(async () => { await t?.close(); });

async function ownerOf(phone: string, slug: string) {
  const client = t.client();
  await signIn(client, phone);
  const orgs = await client.get<{ items: Array<{ org_id: string; slug: string }> }>('/api/me/organisations');
  const org = orgs.body.items.find((o) => o.slug === slug);
  if (!org) throw new Error(`${slug} missing`);
  await client.post(`/api/me/organisations/${org.org_id}/select`);
  return client;
}

describe('branch-sync demo data', () => {
  test.each([['09120000010', 'demo', 'TEHRAN-SHOP-PC'], ['09120000030', 'demo-2', 'PAKHSH-ANBAR-PC']])('the owner %s of %s sees the agent %s with its history', async (phone, slug, hostname) => {
    const client = await ownerOf(phone, slug);
    const list = await client.get<{ items: Array<Pick<AgentStatusDto, 'branch_id' | 'agent'>> }>('/api/branch-sync/agents');
    expect(list.body.items.map((i) => i.agent?.hostname)).toEqual([hostname]);
    const branch_id = list.body.items[0]?.branch_id as string;

    const status = (await client.get<AgentStatusDto>(`/api/branch-sync/branches/${branch_id}/agent`)).body;
    expect(status.agent).toMatchObject({ status: 'offline', connected: false, health: { sql_reachable: true, missing_databases: [] } });
    expect(status.recent_commands.map((c) => c.state).sort()).toEqual(['applied', 'failed', 'pending']);
    expect(status.recent_errors.map((e) => e.kind)).toEqual(expect.arrayContaining(['log', 'offline']));
    const mirror = (await client.get<MirrorStatusDto>(`/api/branch-sync/branches/${branch_id}/mirror`)).body;
    expect(mirror.databases[0]).toMatchObject({ counts: { article: 3 }, resync_pending: false });

    const failed = status.recent_commands.find((c) => c.state === 'failed') as CommandDto;
    const retried = await client.post<CommandDto>(`/api/branch-sync/branches/${branch_id}/commands/${failed.id}/retry`, {});
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ state: 'pending', kind: failed.kind });
  });
});

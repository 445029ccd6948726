/**
 * Offers of agent releases from the panel: offering to every branch, a branch's own newer offer, and withdrawing one —
 * the updates list, the offer the agent would get at its next heartbeat (`offerFor`, what the hub sends), rights, audit.
 * A withdrawn newest offer means "nothing offered" for its target; an older offer does not come back.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDb, inTransaction, type Db } from '@chaharsu/db';
import { startTestServer, type TestClient, type TestServer } from '../../../tests/support/server.js';
import { SIGN_IN_FRIENDLY_ENV, signIn } from '../../../tests/support/sign-in.js';
import type { UpdateOfferDto, UpdatesDto } from './branch-sync.contracts.js';
import { agentRepository } from './branch-sync.repository.js';
import { offerFor, publishRelease } from './releases.js';
import { signRelease } from './release-signing.js';

let server: TestServer;
let db: Db;
let owner: TestClient;
let staff: TestClient;
let org_id: string;
let branch_ids: string[];
const dirs: string[] = [];

const updates = async () => (await owner.get<UpdatesDto>('/api/branch-sync/updates')).body;
const offer = (version: string, branch_id: string | null) =>
  owner.post<UpdateOfferDto>('/api/branch-sync/updates/offers', { version, branch_id, install_without_confirmation: false });
const withdraw = (client: TestClient, offer_id: string) => client.post<UpdateOfferDto & { code?: string }>(`/api/branch-sync/updates/offers/${offer_id}/withdraw`);

/** What the hub would send the demo agent at its next heartbeat, were it running 0.1.0. */
async function offeredToDemoAgent(): Promise<string | null> {
  const agent_id = (await updates()).agents[0]?.agent_id;
  if (!agent_id) throw new Error('the demo organisation has no agent');
  return inTransaction(db, { org_id, user_id: null }, async (tx) => {
    const agent = await agentRepository.byId(tx, org_id, agent_id);
    if (!agent) throw new Error('agent row not visible');
    return (await offerFor(tx, agent, '0.1.0'))?.version ?? null;
  });
}

beforeAll(async () => {
  server = await startTestServer({ ...SIGN_IN_FRIENDLY_ENV, SEED_DEMO: 'true' });
  db = createDb({ url: server.database.app_url, max_connections: 2, application_name: 'offers-test' }).db;
  owner = server.client();
  await signIn(owner, '09120000010');
  const orgs = await owner.get<{ items: Array<{ org_id: string; slug: string }> }>('/api/me/organisations');
  const demo = orgs.body.items.find((o) => o.slug === 'demo');
  if (!demo) throw new Error('no demo organisation');
  org_id = demo.org_id;
  await owner.post(`/api/me/organisations/${org_id}/select`);
  staff = server.client();
  await signIn(staff, '09120000012', org_id);
  branch_ids = (await owner.get<{ items: Array<{ id: string }> }>('/api/org/branches')).body.items.map((b) => b.id);

  const root = mkdtempSync(path.join(tmpdir(), 'offers-test-'));
  dirs.push(root);
  const key = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  for (const version of ['0.2.0', '0.3.0']) {
    const artifact = Buffer.from(`agent ${version}`);
    const file = path.join(root, version);
    writeFileSync(file, artifact);
    const { signature } = signRelease({ private_key_pem: key, artifact, version });
    await publishRelease(db, path.join(server.config.DATA_DIR, 'agent-releases'), { version, file, signature });
  }
}, 180_000);

afterAll(async () => {
  await db?.destroy();
  await server?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('update offers', () => {
  test('withdrawing the newest offer leaves nothing offered there; the older one does not come back', async () => {
    const demo_branch = (await updates()).agents[0]?.branch_id as string;
    const all = await offer('0.2.0', null);
    expect(all.status).toBe(201);
    expect(await offeredToDemoAgent()).toBe('0.2.0');
    const own = await offer('0.3.0', demo_branch);
    expect(own.status).toBe(201);
    expect((await updates()).agents[0]?.offered_version).toBe('0.3.0');
    expect(await offeredToDemoAgent()).toBe('0.3.0');

    // Staff may read the page but not withdraw.
    expect((await withdraw(staff, own.body.id)).status).toBe(403);

    const withdrawn = await withdraw(owner, own.body.id);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.withdrawn_at).not.toBeNull();
    const after = await updates();
    expect(after.agents[0]?.offered_version).toBeNull();
    expect(after.offers.find((o) => o.id === own.body.id)?.withdrawn_at).toBe(withdrawn.body.withdrawn_at);
    expect(after.offers.find((o) => o.id === all.body.id)?.withdrawn_at).toBeNull();
    expect(await offeredToDemoAgent()).toBeNull();

    // Twice: refused, and said so.
    const again = await withdraw(owner, own.body.id);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('branch_sync.offer_withdrawn');

    // A new offer after the withdrawal is in force again.
    expect((await offer('0.2.0', demo_branch)).status).toBe(201);
    expect(await offeredToDemoAgent()).toBe('0.2.0');
    expect(branch_ids).toContain(demo_branch);
  });

  test('an unknown offer is a 404, a malformed id a validation problem, and the withdrawal is audited', async () => {
    const missing = await withdraw(owner, '00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('branch_sync.offer_not_found');
    expect((await withdraw(owner, 'not-an-id')).body.code).toBe('common.validation_failed');

    const audit = await owner.get<{ items: Array<{ action: string; before: { withdrawn_at: string | null }; after: { withdrawn_at: string | null; version: string } }> }>('/api/org/audit?entity_type=branch_sync.update_offer&limit=100');
    expect(audit.status).toBe(200);
    const withdrawals = audit.body.items.filter((item) => item.action === 'branch_sync.update.withdraw');
    expect(withdrawals).toHaveLength(1);
    expect(withdrawals[0]).toMatchObject({ before: { withdrawn_at: null }, after: { version: '0.3.0' } });
    expect(withdrawals[0]?.after.withdrawn_at).not.toBeNull();
    expect(audit.body.items.filter((item) => item.action === 'branch_sync.update.offer')).toHaveLength(3);
    // The action filter is a prefix match that keeps `_` literal (it once dropped it and found nothing here).
    const byAction = await owner.get<{ items: Array<{ action: string }> }>('/api/org/audit?action=branch_sync.update.withdraw&limit=100');
    expect(byAction.body.items.map((item) => item.action)).toEqual(['branch_sync.update.withdraw']);
    const wildcard = await owner.get<{ items: Array<{ action: string }> }>('/api/org/audit?action=branch%25&limit=100');
    expect(wildcard.body.items).toEqual([]);
  });
});

/**
 * Concurrency proven with several OS processes over HTTP against one server and one database:
 * a random mix (charges, retries with the same key, approvals by every process, corrections), the
 * exhaustion of a seller's credit under 64 connections, and a server SIGKILLed in the middle of a load.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { freePort } from '@chaharsu/db/embedded';
import { createTestDatabase, type TestDatabase } from '@chaharsu/db/testing';
import { startTestServer, TestClient, type TestServer } from '../../../tests/support/server.js';
import { signIn, SIGN_IN_FRIENDLY_ENV } from '../../../tests/support/sign-in.js';
import { CreditSalesAdmin, DEMO_OWNER_PHONE, orgIdOf, runLoadWorker } from './testing/http.js';
import { serverProcess, type ServerProcess } from '../../../tests/support/server-process.js';
import type { LoadResult } from './testing/load-worker.js';

async function chargesOf(superuser_url: string, seller_ids: string[]) {
  const client = new pg.Client({ connectionString: superuser_url });
  await client.connect();
  try {
    const { rows } = await client.query<{ idempotency_key: string; id: string; status: string; amount_rial: string }>(
      'select idempotency_key, id, status, amount_rial from credit_sales.charge where seller_id = any($1::uuid[])', [seller_ids]);
    const negative = await client.query<{ n: number }>("select count(*)::int as n from ledger.account where not allow_negative and balance_rial < 0");
    return { rows, negative_accounts: negative.rows[0]?.n ?? -1 };
  } finally {
    await client.end();
  }
}

function acceptedKeys(results: LoadResult[]): Map<string, string> {
  const keys = new Map<string, string>();
  for (const r of results) for (const [key, id] of r.accepted_keys) {
    expect(keys.has(key), `key ${key} accepted twice`).toBe(false);
    keys.set(key, id);
  }
  return keys;
}

describe('several processes against one in-process server', () => {
  let t: TestServer;
  let admin: CreditSalesAdmin;
  beforeAll(async () => {
    t = await startTestServer({ ...SIGN_IN_FRIENDLY_ENV, SEED_DEMO: 'true' });
    const client = t.client();
    await signIn(client, DEMO_OWNER_PHONE, await orgIdOf(t.database.superuser_url, 'demo'));
    admin = new CreditSalesAdmin(client);
  });
  afterAll(async () => { await t.close(); });

  it('a random mix of charges, same-key retries, approvals and corrections keeps the accounts exact', async () => {
    const sellers = [await admin.seller('چندپردازه ۱'), await admin.seller('چندپردازه ۲'), await admin.seller('چندپردازه ۳')];
    for (const s of sellers) await admin.credit(s.id, 200_000);
    const keys = await Promise.all(sellers.map(async (s) => (await admin.apiKey(s.id)).key));
    const pending = await Promise.all(sellers.map((s) => admin.request(s.id, 100_000)));
    const session = admin.session();
    const results = await Promise.all([0, 1, 2, 3].map((w) => runLoadWorker({
      base_url: t.base_url, api_keys: keys, charges: 150, connections: 16, amount_rial: 5_000, key_prefix: `mix${w}`, retry_fraction: 0.2,
      admin: { ...session, approve_request_ids: pending, correction_seller_ids: sellers.map((s) => s.id) },
    })));
    for (const r of results) expect(r.other).toEqual({});
    expect(results.reduce((n, r) => n + r.approvals, 0)).toBe(4 * pending.length); // every process saw each approved…

    const db = await chargesOf(t.database.superuser_url, sellers.map((s) => s.id));
    const accepted = acceptedKeys(results);
    const stored = db.rows.filter((r) => r.status === 'accepted');
    expect(stored.length).toBe(accepted.size); // no lost, no doubled sale
    for (const row of stored) expect(accepted.get(row.idempotency_key)).toBe(row.id);
    expect(db.negative_accounts).toBe(0);

    const report = await admin.reconcile();
    expect(report.ledger.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const corrections = results.reduce((n, r) => n + r.corrections_rial, 0);
    // …but each request credited once: credited 3 × 300,000 + corrections − what was sold.
    const balances = await Promise.all(sellers.map((s) => admin.balance(s.id)));
    expect(balances.reduce((a, b) => a + b, 0)).toBe(900_000 + corrections - stored.length * 5_000);
  });

  it('a seller with credit for exactly N charges gets exactly N under 64 connections and ends at 0', async () => {
    const seller = await admin.seller('تمام‌شدنی');
    await admin.credit(seller.id, 200 * 5_000);
    const key = (await admin.apiKey(seller.id)).key;
    const results = await Promise.all([0, 1, 2, 3].map((w) => runLoadWorker({ base_url: t.base_url, api_keys: [key], charges: 100, connections: 16, amount_rial: 5_000, key_prefix: `ex${w}` })));
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(200);
    expect(results.reduce((n, r) => n + r.refused, 0)).toBe(200);
    expect(await admin.balance(seller.id)).toBe(0);
    expect((await admin.reconcile()).ok).toBe(true);
  });
});

describe('a server killed in the middle of a load', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  beforeAll(async () => {
    database = await createTestDatabase();
    server = serverProcess(database, await freePort(), { ...SIGN_IN_FRIENDLY_ENV, SEED_DEMO: 'true' });
    await server.start();
  });
  afterAll(async () => { await server.stop(); await database.drop(); });

  it('applies no charge twice: clients retry with their keys after the restart and get the first result', async () => {
    const client = new TestClient(server.base_url);
    await signIn(client, DEMO_OWNER_PHONE, await orgIdOf(database.superuser_url, 'demo'));
    const admin = new CreditSalesAdmin(client);
    const seller = await admin.seller('پس از خرابی');
    await admin.credit(seller.id, 20_000_000);
    const key = (await admin.apiKey(seller.id)).key;

    // Paced (at most ~3,000/s) so the load is still running when the server is killed, on any machine.
    const load = Promise.all([0, 1].map((w) => runLoadWorker({ base_url: server.base_url, api_keys: [key], charges: 1_000, connections: 8, think_ms: 5, amount_rial: 5_000, key_prefix: `crash${w}`, deadline_ms: 90_000 })));
    // Kill once some charges are in, while the rest are in flight.
    for (let seen = 0; seen < 150;) {
      await new Promise((r) => setTimeout(r, 20));
      seen = (await chargesOf(database.superuser_url, [seller.id])).rows.length;
    }
    await server.kill();
    await new Promise((r) => setTimeout(r, 300));
    await server.start();
    const results = await load;

    const retried = results.reduce((n, r) => n + r.retries_after_failure, 0);
    expect(retried).toBeGreaterThan(0); // the kill really interrupted requests
    const db = await chargesOf(database.superuser_url, [seller.id]);
    expect(db.rows.length).toBe(2_000);
    expect(new Set(db.rows.map((r) => r.idempotency_key)).size).toBe(2_000);
    const accepted = acceptedKeys(results);
    for (const row of db.rows) if (accepted.has(row.idempotency_key)) expect(accepted.get(row.idempotency_key)).toBe(row.id);

    const after = new TestClient(server.base_url);
    await signIn(after, DEMO_OWNER_PHONE, await orgIdOf(database.superuser_url, 'demo'));
    const again = new CreditSalesAdmin(after);
    expect(await again.balance(seller.id)).toBe(20_000_000 - 2_000 * 5_000);
    const report = await again.reconcile();
    expect(report.ledger.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });
});

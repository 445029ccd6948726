/**
 * Credit sales over HTTP against the real server (in-process) on a fresh database with the demo
 * organisations: the request's own test (two sellers, ten credit increases, 1,000 charges), the charge
 * API's contract, approvals that credit exactly once, corrections that never go negative.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { newId } from '@chaharsu/kit';
import { startTestServer, type TestServer } from '../../../tests/support/server.js';
import { signIn, SIGN_IN_FRIENDLY_ENV } from '../../../tests/support/sign-in.js';
import { charge, CreditSalesAdmin, DEMO_OWNER_PHONE, orgIdOf } from './testing/http.js';

let t: TestServer;
let admin: CreditSalesAdmin;

beforeAll(async () => {
  t = await startTestServer({ ...SIGN_IN_FRIENDLY_ENV, SEED_DEMO: 'true' });
  const client = t.client();
  await signIn(client, DEMO_OWNER_PHONE, await orgIdOf(t.database.superuser_url, 'demo'));
  admin = new CreditSalesAdmin(client);
});
afterAll(async () => { await t.close(); });

/** Sends `count` charges with at most `parallel` in flight; returns the answers in order. */
async function chargeMany(api_key: string, prefix: string, count: number, amount_rial: number, parallel = 16) {
  const answers: Awaited<ReturnType<typeof charge>>[] = new Array(count);
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < count) {
      const i = next++;
      answers[i] = await charge(t.base_url, api_key, `${prefix}-${i}`, { phone: `0935${String(1_000_000 + i)}`, amount_rial });
    }
  }));
  return answers;
}

describe('credit sales (the request\'s test): two sellers, ten credit increases, 1,000 charges', () => {
  it('leaves every seller exactly the credit the ledger and the arithmetic say', async () => {
    const a = await admin.seller('فروشنده الف');
    const b = await admin.seller('فروشنده ب');
    for (let i = 0; i < 5; i++) await admin.credit(a.id, 200_000); // 1,000,000
    for (let i = 0; i < 5; i++) await admin.credit(b.id, 2_000_000); // 10,000,000
    const keyA = (await admin.apiKey(a.id)).key;
    const keyB = (await admin.apiKey(b.id)).key;
    const [soldA, soldB] = await Promise.all([chargeMany(keyA, 'a', 60, 5_000), chargeMany(keyB, 'b', 940, 10_000)]);
    expect(soldA.every((r) => r.status === 201) && soldB.every((r) => r.status === 201)).toBe(true);

    expect(await admin.balance(a.id)).toBe(700_000); // the request's example: 1,000,000 − 60 × 5,000
    expect(await admin.balance(b.id)).toBe(600_000); // 10,000,000 − 940 × 10,000
    const api = await fetch(`${t.base_url}/api/credit-sales/v1/balance`, { headers: { authorization: `Bearer ${keyA}` } });
    expect(await api.json()).toEqual({ balance_rial: 700_000 });

    // The ledger's statement: 5 increases + 60 sales, its running balance ends at the balance, and sums to it.
    const statement = (await admin.client.get<{ items: Array<{ amount_rial: number; balance_after_rial: number }>; total: number; closing_balance_rial: number }>(`/api/credit-sales/sellers/${a.id}/statement?limit=1000`)).body;
    expect(statement.total).toBe(65);
    expect(statement.items.reduce((sum, l) => sum + l.amount_rial, 0)).toBe(700_000);
    expect(statement.items.at(-1)?.balance_after_rial).toBe(700_000);
    const charges = (await admin.client.get<{ total: number }>(`/api/credit-sales/sellers/${b.id}/charges?status=accepted&limit=1`)).body;
    expect(charges.total).toBe(940);

    const report = await admin.reconcile();
    expect(report.ledger.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.sellers.find((s) => s.seller_id === a.id)).toMatchObject({ balance_rial: 700_000, expected_rial: 700_000, ok: true });
  });
});

describe('the seller API POST /api/credit-sales/v1/charges', () => {
  let seller: { id: string };
  let key: string;
  beforeAll(async () => {
    seller = await admin.seller('فروشنده قرارداد');
    await admin.credit(seller.id, 100_000);
    key = (await admin.apiKey(seller.id)).key;
  });

  it('returns the first result for the same key and body, and moves nothing more', async () => {
    const first = await charge(t.base_url, key, 'k-1', { phone: '09121234567', amount_rial: 50_000 });
    expect(first).toMatchObject({ status: 201, replayed: false, body: { phone: '09121234567', balance_after_rial: 50_000 } });
    // A machine API's answer: OWASP's REST headers, not the pages' CSP; no rate-limit lines while under the limit.
    const headers = Object.fromEntries(first.headers);
    expect(headers).toMatchObject({
      'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; frame-ancestors 'none'", 'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY', 'content-type': expect.stringContaining('application/json'), 'x-request-id': expect.any(String),
    });
    expect(Object.keys(headers).filter((h) => h.startsWith('x-ratelimit') || h.startsWith('cross-origin'))).toEqual([]);
    const again = await charge(t.base_url, key, 'k-1', { phone: '+98 912 123 4567', amount_rial: 50_000 });
    expect(again).toMatchObject({ status: 201, replayed: true, body: first.body });
    expect(await admin.balance(seller.id)).toBe(50_000);
  });

  it('refuses the same key with a different body', async () => {
    const reused = await charge(t.base_url, key, 'k-1', { phone: '09121234567', amount_rial: 10_000 });
    expect(reused).toMatchObject({ status: 422, body: { code: 'credit_sales.idempotency_key_reused' } });
  });

  it('refuses an overdraft with 409, records the refusal under its key, and moves nothing', async () => {
    const refused = await charge(t.base_url, key, 'k-big', { phone: '09121234567', amount_rial: 50_001 });
    expect(refused).toMatchObject({ status: 409, body: { code: 'credit_sales.insufficient_credit' } });
    await admin.credit(seller.id, 100_000);
    // The key keeps its answer (like a failed TigerBeetle id): a new attempt needs a new key.
    expect(await charge(t.base_url, key, 'k-big', { phone: '09121234567', amount_rial: 50_001 })).toMatchObject({ status: 409 });
    expect(await charge(t.base_url, key, 'k-big-2', { phone: '09121234567', amount_rial: 50_001 })).toMatchObject({ status: 201 });
    expect(await admin.balance(seller.id)).toBe(99_999);
  });

  it('refuses bad phones, amounts and keys with 422 and a code, recording nothing', async () => {
    for (const phone of ['0912123456', '02112345678', '09501234567', 'abc']) {
      expect(await charge(t.base_url, key, `p-${phone}`, { phone, amount_rial: 5_000 })).toMatchObject({ status: 422, body: { code: 'credit_sales.invalid_phone' } });
    }
    for (const amount_rial of [0, -5_000, 5_000.5, 999, 100_000_001]) {
      expect(await charge(t.base_url, key, `a-${amount_rial}`, { phone: '09121234567', amount_rial })).toMatchObject({ status: 422, body: { code: 'credit_sales.invalid_amount' } });
    }
    expect(await charge(t.base_url, key, null, { phone: '09121234567', amount_rial: 5_000 })).toMatchObject({ status: 422, body: { code: 'credit_sales.idempotency_key_invalid' } });
    expect(await charge(t.base_url, key, 'x'.repeat(65), { phone: '09121234567', amount_rial: 5_000 })).toMatchObject({ status: 422, body: { code: 'credit_sales.idempotency_key_invalid' } });
    const listed = (await admin.client.get<{ total: number }>(`/api/credit-sales/sellers/${seller.id}/charges`)).body;
    expect(listed.total).toBe(3); // k-1, k-big (refused), k-big-2
  });

  it('stops a revoked key at once, and refuses a call without a key', async () => {
    const extra = await admin.apiKey(seller.id);
    expect((await charge(t.base_url, extra.key, 'r-1', { phone: '09121234567', amount_rial: 5_000 })).status).toBe(201);
    expect((await admin.client.delete(`/api/credit-sales/sellers/${seller.id}/api-keys/${extra.id}`)).status).toBe(200);
    expect((await charge(t.base_url, extra.key, 'r-2', { phone: '09121234567', amount_rial: 5_000 })).status).toBe(401);
    const anonymous = await fetch(`${t.base_url}/api/credit-sales/v1/balance`);
    expect(anonymous.status).toBe(401);
  });

  it('lists the seller\'s charges, filtered, through the API', async () => {
    const response = await fetch(`${t.base_url}/api/credit-sales/v1/charges?status=refused`, { headers: { authorization: `Bearer ${key}` } });
    const page = (await response.json()) as { total: number; items: Array<{ idempotency_key: string; operator: string }> };
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({ idempotency_key: 'k-big', operator: 'mci' });
  });
});

describe('a retry racing its first attempt (two server instances)', () => {
  it('gets the first attempt\'s answer when that commits between the batch\'s key probe and its lock, and nothing moves twice', async () => {
    const seller = await admin.seller('فروشنده هم‌زمان');
    await admin.credit(seller.id, 100_000);
    const { key, id: api_key_id } = await admin.apiKey(seller.id);
    const other = new pg.Client({ connectionString: t.database.superuser_url }); // stands in for a second server instance
    const watcher = new pg.Client({ connectionString: t.database.superuser_url });
    await Promise.all([other.connect(), watcher.connect()]);
    try {
      const { rows: [row] } = await other.query<{ org_id: string }>('select org_id from credit_sales.seller where id = $1', [seller.id]);
      const { rows: [holder] } = await other.query<{ pid: number }>('select pg_backend_pid() as pid');
      await other.query('begin');
      await other.query('select 1 from ledger.account where id = $1 for update', [seller.credit_account_id]);
      // This request's batch probes the key (nothing yet), then waits for the account's lock.
      const pending = charge(t.base_url, key, 'race-1', { phone: '09121234567', amount_rial: 30_000 });
      for (let i = 0; ; i++) {
        const { rows } = await watcher.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity
          where wait_event_type = 'Lock' and query like '%charge_batch%' and pid <> $1`, [holder?.pid]);
        if (rows[0]?.n) break;
        if (i > 500) throw new Error('the charge never waited for the account lock');
        await new Promise((r) => setTimeout(r, 10));
      }
      // Meanwhile the other instance decides the same key (refused here, so no money is involved) and commits.
      await other.query(`insert into credit_sales.charge (org_id, seller_id, id, idempotency_key, phone, operator, amount_rial, status, refusal_code, api_key_id)
        values ($1, $2, gen_random_uuid(), 'race-1', '09121234567', 'mci', 30000, 'refused', 'credit_sales.insufficient_credit', $3)`, [row?.org_id, seller.id, api_key_id]);
      await other.query('commit');
      // The batch's charge insert meets the key, the batch rolls back whole, runs again and replays the first answer.
      expect(await pending).toMatchObject({ status: 409, body: { code: 'credit_sales.insufficient_credit' } });
      expect(await admin.balance(seller.id)).toBe(100_000);
      const { rows: stored } = await watcher.query('select status from credit_sales.charge where seller_id = $1', [seller.id]);
      expect(stored).toEqual([{ status: 'refused' }]);
      expect(await charge(t.base_url, key, 'race-2', { phone: '09121234567', amount_rial: 30_000 })).toMatchObject({ status: 201, body: { balance_after_rial: 70_000 } });
      expect((await admin.reconcile()).ok).toBe(true);
    } finally {
      await other.query('rollback').catch(() => undefined);
      await Promise.all([other.end(), watcher.end()]);
    }
  });
});

describe('a batch decided in the database (credit_sales.charge_batch)', () => {
  it('answers every charge in order: a repeated key follows its first, a reused key is refused, a refusal does not stop a later charge that fits', async () => {
    const seller = await admin.seller('فروشنده دسته‌ای');
    await admin.credit(seller.id, 10_000);
    const client = new pg.Client({ connectionString: t.database.app_url }); // the server's role, with its organisation's scope
    const owner = new pg.Client({ connectionString: t.database.superuser_url });
    await Promise.all([client.connect(), owner.connect()]);
    try {
      const { rows: [account] } = await owner.query<{ org_id: string; sales_account_id: string }>('select org_id, sales_account_id from credit_sales.seller where id = $1', [seller.id]);
      const batch = async (charges: Array<[key: string, phone: string, amount: number]>) => {
        await client.query('begin');
        await client.query(`select set_config('app.org_id', $1, true), set_config('app.user_id', '', true), set_config('app.platform_admin', 'off', true)`, [account?.org_id]);
        const { rows } = await client.query<{ o_status: string; o_replayed: boolean; o_id: string | null; o_balance_after_rial: bigint | null }>(
          `select o_status, o_replayed, o_id, o_balance_after_rial from credit_sales.charge_batch($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, [
            account?.org_id, charges.map(() => seller.id), charges.map(() => seller.credit_account_id), charges.map(() => account?.sales_account_id),
            charges.map((c) => c[0]), charges.map((c) => c[1]), charges.map(() => 'mci'), charges.map((c) => c[2]), charges.map(() => null),
            charges.map(() => newId()), charges.map(() => newId())]);
        await client.query('commit');
        return rows.map((r) => [r.o_status, r.o_replayed, r.o_balance_after_rial]);
      };
      const first = await batch([['k1', '09121230001', 6_000], ['k1', '09121230001', 6_000], ['k1', '09121230002', 6_000], ['k2', '09121230001', 5_000], ['k3', '09121230001', 4_000]]);
      expect(first).toEqual([['accepted', false, 4000n], ['accepted', true, 4000n], ['key_reused', false, null], ['refused', false, null], ['accepted', false, 0n]]);
      // Later batches get the stored answers; the same key for another request is refused.
      expect(await batch([['k2', '09121230001', 5_000], ['k1', '09121230001', 6_000], ['k3', '09121230001', 4_001]]))
        .toEqual([['refused', true, null], ['accepted', true, 4000n], ['key_reused', false, null]]);
      const { rows: stored } = await owner.query('select idempotency_key, phone, status from credit_sales.charge where seller_id = $1 order by idempotency_key', [seller.id]);
      expect(stored).toEqual([
        { idempotency_key: 'k1', phone: '09121230001', status: 'accepted' }, { idempotency_key: 'k2', phone: '09121230001', status: 'refused' },
        { idempotency_key: 'k3', phone: '09121230001', status: 'accepted' }]);
      expect(await admin.balance(seller.id)).toBe(0);
      expect((await admin.reconcile()).ok).toBe(true);
    } finally {
      await client.query('rollback').catch(() => undefined);
      await Promise.all([client.end(), owner.end()]);
    }
  });
});

describe('credit-increase requests credit exactly once', () => {
  it('re-approving, a retried request and two admins at once credit once; a decided request stays decided', async () => {
    const seller = await admin.seller('فروشنده تایید');
    const request = await admin.request(seller.id, 300_000);
    const second = t.client();
    await signIn(second, DEMO_OWNER_PHONE, await orgIdOf(t.database.superuser_url, 'demo'));
    const otherAdmin = new CreditSalesAdmin(second);
    const [one, two] = await Promise.all([admin.approve(request), otherAdmin.approve(request)]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect((await admin.approve(request)).status).toBe(200); // the retried / re-saved approval
    expect(await admin.balance(seller.id)).toBe(300_000);
    expect((await admin.client.post(`/api/credit-sales/requests/${request}/reject`, {})).body).toMatchObject({ code: 'credit_sales.request_already_decided' });

    const rejected = await admin.request(seller.id, 5_000);
    expect((await admin.client.post(`/api/credit-sales/requests/${rejected}/reject`, { note: 'no receipt' })).status).toBe(200);
    expect((await admin.approve(rejected)).body).toMatchObject({ code: 'credit_sales.request_already_decided' });
    expect(await admin.balance(seller.id)).toBe(300_000);
  });

  it('keeps a receipt that really is an image, and refuses one that is not', async () => {
    const seller = await admin.seller('فروشنده رسید');
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const filed = await admin.client.post<{ id: string; has_receipt: boolean }>(`/api/credit-sales/sellers/${seller.id}/requests`, { amount_rial: 1_000, receipt: { content_type: 'image/png', data_base64: png.toString('base64') } });
    expect(filed.body.has_receipt).toBe(true);
    const receipt = await fetch(`${t.base_url}/api/credit-sales/requests/${filed.body.id}/receipt`, { headers: { cookie: admin.session().cookie } });
    expect(receipt.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await receipt.arrayBuffer())).toEqual(png);
    const fake = await admin.client.post(`/api/credit-sales/sellers/${seller.id}/requests`, { amount_rial: 1_000, receipt: { content_type: 'image/png', data_base64: Buffer.from('<script>').toString('base64') } });
    expect(fake).toMatchObject({ status: 422, body: { code: 'credit_sales.receipt_invalid' } });
  });
});

describe('admin corrections', () => {
  it('increase and decrease with a reason, never below zero, once per form submission', async () => {
    const seller = await admin.seller('فروشنده اصلاح');
    const post = (body: object) => admin.client.post<{ code?: string; balance_after_rial?: number }>(`/api/credit-sales/sellers/${seller.id}/corrections`, body);
    expect((await post({ direction: 'increase', amount_rial: 40_000, reason: 'opening balance', idempotency_key: 'c1' })).body.balance_after_rial).toBe(40_000);
    expect((await post({ direction: 'increase', amount_rial: 40_000, reason: 'opening balance', idempotency_key: 'c1' })).status).toBe(201);
    expect((await post({ direction: 'decrease', amount_rial: 40_001, reason: 'too much', idempotency_key: 'c2' })).body).toMatchObject({ code: 'credit_sales.correction_would_go_negative' });
    expect((await post({ direction: 'decrease', amount_rial: 15_000, reason: 'refund', idempotency_key: 'c3' })).body.balance_after_rial).toBe(25_000);
    expect((await post({ direction: 'decrease', amount_rial: 1, reason: 'refund', idempotency_key: 'c3' })).body).toMatchObject({ code: 'credit_sales.idempotency_key_reused' });
    expect(await admin.balance(seller.id)).toBe(25_000);
  });
});

describe('the seller statement export', () => {
  it('is an xlsx workbook', async () => {
    const seller = await admin.seller('فروشنده صادرات');
    await admin.credit(seller.id, 10_000);
    const response = await fetch(`${t.base_url}/api/credit-sales/sellers/${seller.id}/statement.xlsx?locale=fa`, { headers: { cookie: admin.session().cookie } });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
  });
});

describe('the operator CLI', () => {
  it('creates a seller with an approved credit and a working API key, printing JSON', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const root = new URL('../../../', import.meta.url).pathname;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'apps/server/src/cli.ts', 'credit-sales:create-seller', '--org', 'demo', '--name', 'فروشنده خط فرمان', '--credit', '500000'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: t.database.app_url, DATABASE_MIGRATION_URL: t.database.owner_url, DATA_DIR: t.config.DATA_DIR, LOG_LEVEL: 'silent' },
    });
    const printed = JSON.parse(stdout) as { seller_id: string; balance_rial: number; api_key: { key: string } };
    expect(printed.balance_rial).toBe(500_000);
    expect(await charge(t.base_url, printed.api_key.key, 'cli-1', { phone: '09121234567', amount_rial: 5_000 })).toMatchObject({ status: 201, body: { balance_after_rial: 495_000 } });
    const requests = (await admin.client.get<{ items: Array<{ status: string; amount_rial: number }> }>(`/api/credit-sales/requests?seller_id=${printed.seller_id}`)).body;
    expect(requests.items).toEqual([expect.objectContaining({ status: 'approved', amount_rial: 500_000 })]);
  });
});

describe('the seller portal', () => {
  it('shows a seller\'s person only their own seller: balance, statement, requests, API keys, charges', async () => {
    const person = t.client();
    await signIn(person, '09120000040', await orgIdOf(t.database.superuser_url, 'demo')); // the demo seller's person (role seller)
    const me = await person.get<{ id: string; name: string; balance_rial: number }>('/api/credit-sales/portal/seller');
    expect(me.status).toBe(200);
    expect(me.body.balance_rial).toBe(50_000_000); // the demo seed's approved credit
    const filed = await person.post<{ status: string; seller_id: string }>('/api/credit-sales/portal/requests', { amount_rial: 1_000_000, note: 'واریز کارت به کارت' });
    expect(filed.body).toMatchObject({ status: 'pending', seller_id: me.body.id });
    const issued = await person.post<{ id: string; key: string }>('/api/credit-sales/portal/api-keys', { name: 'فروشگاه اینترنتی' });
    expect(issued.status).toBe(201);
    expect((await charge(t.base_url, issued.body.key, 'portal-1', { phone: '09301234567', amount_rial: 20_000 })).status).toBe(201);
    const statement = await person.get<{ items: Array<{ amount_rial: number; balance_after_rial: number }>; closing_balance_rial: number }>('/api/credit-sales/portal/statement?order=desc&limit=1');
    expect(statement.body.items[0]).toEqual(expect.objectContaining({ amount_rial: -20_000, balance_after_rial: 49_980_000 }));
    const charges = await person.get<{ items: Array<{ operator: string }> }>('/api/credit-sales/portal/charges');
    expect(charges.body.items[0]?.operator).toBe('irancell');
    expect((await person.get<{ items: unknown[] }>('/api/credit-sales/portal/api-keys')).body.items.length).toBeGreaterThan(0);
    expect((await person.delete(`/api/credit-sales/portal/api-keys/${issued.body.id}`)).status).toBe(200);
    // The admin side is not theirs.
    expect((await person.get('/api/credit-sales/sellers')).status).toBe(403);
    expect((await person.post(`/api/credit-sales/requests/${me.body.id}/approve`, {})).status).toBe(403);
  });

  it('refuses the portal to a person linked to no seller', async () => {
    const owner = await admin.client.get<{ code: string }>('/api/credit-sales/portal/seller');
    expect(owner.body.code).toBe('credit_sales.not_a_seller_user');
  });
});

describe('the ledger routes', () => {
  it('list accounts and run the reconcile for an admin', async () => {
    const accounts = await admin.client.get<{ total: number }>('/api/ledger/accounts?kind=seller_credit');
    expect(accounts.body.total).toBeGreaterThan(1);
    const report = await admin.client.get<{ ok: boolean; total_balance_rial: number }>('/api/ledger/reconcile');
    expect(report.body).toMatchObject({ ok: true, total_balance_rial: 0 });
  });
});

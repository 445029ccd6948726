/**
 * Helpers for the credit-sales HTTP tests: an admin signed in to the demo organisation, and small
 * calls for sellers, credit, API keys and charges. Everything goes through the public HTTP API.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestClient, TestResponse } from '../../../../tests/support/server.js';
import type { LoadJob, LoadResult } from './load-worker.js';

export const DEMO_OWNER_PHONE = '09120000010';

export async function orgIdOf(superuser_url: string, slug: string): Promise<string> {
  const client = new pg.Client({ connectionString: superuser_url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>('select org_id as id from orgs.organisation where slug = $1', [slug]);
    if (!rows[0]) throw new Error(`organisation ${slug} not found`);
    return rows[0].id;
  } finally {
    await client.end();
  }
}

function ok<T>(response: TestResponse<T>, status: number, what: string): T {
  if (response.status !== status) throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export class CreditSalesAdmin {
  constructor(readonly client: TestClient) {}

  async seller(name: string): Promise<{ id: string; credit_account_id: string }> {
    return ok(await this.client.post<{ id: string; credit_account_id: string }>('/api/credit-sales/sellers', { name }), 201, 'create seller');
  }
  async request(seller_id: string, amount_rial: number): Promise<string> {
    return ok(await this.client.post<{ id: string }>(`/api/credit-sales/sellers/${seller_id}/requests`, { amount_rial, note: 'test' }), 201, 'file request').id;
  }
  async approve(request_id: string): Promise<TestResponse<{ status: string; code?: string }>> {
    return this.client.post(`/api/credit-sales/requests/${request_id}/approve`, {});
  }
  async credit(seller_id: string, amount_rial: number): Promise<void> {
    ok(await this.approve(await this.request(seller_id, amount_rial)), 200, 'approve');
  }
  async apiKey(seller_id: string): Promise<{ id: string; key: string }> {
    return ok(await this.client.post<{ id: string; key: string }>(`/api/credit-sales/sellers/${seller_id}/api-keys`, { name: 'test key' }), 201, 'create api key');
  }
  async balance(seller_id: string): Promise<number> {
    return ok(await this.client.get<{ balance_rial: number }>(`/api/credit-sales/sellers/${seller_id}`), 200, 'seller').balance_rial;
  }
  async reconcile(): Promise<{ ok: boolean; ledger: { ok: boolean; problems: unknown[] }; sellers: Array<{ seller_id: string; balance_rial: number; expected_rial: number; ok: boolean }> }> {
    return ok(await this.client.get('/api/credit-sales/reconcile'), 200, 'reconcile');
  }
  /** The session's cookie header and CSRF token, for worker processes acting as this admin. */
  session(): { cookie: string; csrf: string } {
    return {
      cookie: [...this.client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      csrf: decodeURIComponent(this.client.cookies.get('chaharsu_csrf') ?? ''),
    };
  }
}

export interface ChargeAnswer { status: number; body: { id?: string; code?: string; balance_after_rial?: number; phone?: string }; replayed: boolean; headers: Headers }

export async function charge(base_url: string, api_key: string, idempotency_key: string | null, body: unknown): Promise<ChargeAnswer> {
  const response = await fetch(`${base_url}/api/credit-sales/v1/charges`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api_key}`, 'content-type': 'application/json', ...(idempotency_key === null ? {} : { 'idempotency-key': idempotency_key }) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as ChargeAnswer['body'], replayed: response.headers.get('idempotent-replayed') === 'true', headers: response.headers };
}

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');

/** Runs the load worker as a separate OS process and returns what it saw. */
export function runLoadWorker(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'load-worker.ts'), JSON.stringify(job)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`load worker exited ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as LoadResult);
    });
  });
}

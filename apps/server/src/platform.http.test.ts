/**
 * The operations and security baseline every route stands on: health, readiness, metrics, the OpenAPI
 * document and its browsable docs, request ids, security headers and CSP, problem+json errors, CSRF on
 * cookie sessions, rate limits on unauthenticated routes, and configuration validated once at boot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startTestServer, type TestServer } from '../../../tests/support/server.js';
import { signIn, SIGN_IN_FRIENDLY_ENV } from '../../../tests/support/sign-in.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './database.js';

let product: TestServer;

beforeAll(async () => {
  product = await startTestServer({ ...SIGN_IN_FRIENDLY_ENV, SEED_DEMO: 'true' });
});
afterAll(async () => {
  await product?.close();
});

describe('operations endpoints', () => {
  it('answer health, readiness, Prometheus metrics, the OpenAPI document and the browsable docs', async () => {
    const client = product.client();
    expect((await client.get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await client.get('/readyz')).body).toEqual({ status: 'ready' });
    const metrics = await client.get<string>('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('http_request_duration_seconds');
    expect(metrics.body).toContain('process_cpu_seconds_total');
    const openapi = await client.get<{ openapi: string; paths: Record<string, unknown> }>('/openapi.json');
    expect(openapi.body.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/api/auth/otp/request', '/api/org/members', '/api/credit-sales/v1/charges']));
    const docs = await client.get<string>('/api/docs/');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
  });

  it('echo a request id and send strict security headers with a CSP', async () => {
    const response = await product.client().get('/healthz', { 'x-request-id': 'req-test-12345' });
    expect(response.headers.get('x-request-id')).toBe('req-test-12345');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

describe('errors', () => {
  it('are application/problem+json with a stable code, and 5xx-free for bad input', async () => {
    const client = product.client();
    const missing = await client.get<{ code: string; status: number; request_id: string }>('/api/no-such-route');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.body).toMatchObject({ code: 'common.not_found', status: 404 });
    expect(missing.body.request_id).toBeTruthy();
    const malformed = await client.request<{ code: string }>('POST', '/api/auth/otp/request', undefined, { 'content-type': 'application/json' });
    expect(malformed.status).toBeGreaterThanOrEqual(400);
    expect(malformed.status).toBeLessThan(500);
    const invalid = await client.post<{ code: string; errors: Array<{ path: string }> }>('/api/auth/otp/request', { phone: 12, channel: 'pigeon' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.code).toBe('common.validation_failed');
    expect(invalid.body.errors.length).toBeGreaterThan(0);
  });

  it('refuse an anonymous caller before looking at the input (401, not 422)', async () => {
    const response = await product.client().post<{ code: string }>('/api/org/branches', { nonsense: true });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('common.unauthenticated');
  });
});

describe('cookie sessions', () => {
  it('need the CSRF header on changes: without it the change is refused and nothing is written', async () => {
    const client = product.client();
    await signIn(client, '09120000010');
    const organisations = await client.get<{ items: Array<{ org_id: string; slug: string }> }>('/api/me/organisations');
    const demo = organisations.body.items.find((o) => o.slug === 'demo');
    expect(demo).toBeDefined();
    await client.post(`/api/me/organisations/${demo?.org_id}/select`);
    const before = await client.get<{ settings: { session_idle_minutes: number } }>('/api/org');
    const forged = await client.patch<{ code: string }>('/api/org/settings', { session_idle_minutes: 7 }, { 'x-csrf-token': 'forged' });
    expect(forged.status).toBe(403);
    expect(forged.body.code).toBe('common.csrf_failed');
    const after = await client.get<{ settings: { session_idle_minutes: number } }>('/api/org');
    expect(after.body.settings.session_idle_minutes).toBe(before.body.settings.session_idle_minutes);
  });
});

describe('rate limits', () => {
  it('stop a flood on an unauthenticated route with 429 common.rate_limited', async () => {
    const limited = await startTestServer({ RATE_LIMIT_PUBLIC_PER_MINUTE: '3' });
    try {
      const client = limited.client();
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await client.get('/api/i18n/fa')).status);
      expect(statuses).toEqual([200, 200, 200]);
      const last = await client.get<{ code: string }>('/api/i18n/fa');
      expect(last.status).toBe(429);
      expect(last.headers.get('content-type')).toContain('application/problem+json');
      expect(last.body.code).toBe('common.rate_limited');
      // API-key routes: a hundred times the public limit, counted per route, with its headers only once exceeded.
      const balance = (): Promise<Response> => fetch(`${limited.base_url}/api/credit-sales/v1/balance`, { headers: { authorization: 'Bearer not-a-key' } });
      const under = await Promise.all(Array.from({ length: 300 }, balance));
      expect(new Set(under.map((r) => r.status))).toEqual(new Set([401]));
      expect(under.some((r) => r.headers.has('x-ratelimit-limit'))).toBe(false);
      const over = await balance();
      expect(over.status).toBe(429);
      expect(over.headers.get('x-ratelimit-limit')).toBe('300');
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe('configuration', () => {
  it('is validated once at boot: a bad value stops start-up with a message naming it', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ SMS_PROVIDER: 'kavenegar' })).toThrow(/KAVENEGAR_API_KEY/);
    expect(() => loadConfig({ NODE_ENV: 'production', SMS_PROVIDER: 'dev', SECRET_KEY: 'x'.repeat(44) })).toThrow(/SMS_PROVIDER/);
    expect(loadConfig({}).PORT).toBe(3000);
  });

  it('with DATABASE_URL uses that PostgreSQL, starts nothing, and refuses a role that bypasses row-level security', async () => {
    const app = await openDatabase(loadConfig({ DATABASE_URL: product.database.app_url }), () => {});
    expect(app.embedded).toBe(false);
    expect(app.app_url).toBe(product.database.app_url);
    const client = new pg.Client({ connectionString: app.app_url });
    await client.connect();
    await client.end();
    await expect(openDatabase(loadConfig({ DATABASE_URL: product.database.superuser_url }), () => {})).rejects.toThrow(/bypasses row-level security/);
  });
});

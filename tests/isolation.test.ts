/**
 * Tenant isolation, proven over EVERY route the server registers (so routes that later modules add are
 * covered without touching this file). Two demo organisations are seeded: A = `demo`, B = `demo-2`.
 *
 * What is checked:
 * 1. Every route declares `config.access`, except the plugin/system routes (API docs, /openapi.json,
 *    /healthz, /readyz, /metrics, the web client's static files and '/*'). A route without it fails here.
 * 2. B's fingerprint is taken with a superuser over every table that has an `org_id` column: B's rows
 *    (JSON), and the distinctive values in them (ids and texts that occur in no other organisation's rows).
 * 3. A's owner (holding '*' in A) calls every route with every path parameter and every uuid in the body or
 *    query set to one of B's ids, with plausible bodies built from the route's own schema (all fields, and
 *    required fields only). No response may contain any distinctive value of B. A session lost on the way
 *    (sign-out, revocation) is re-opened, and an org/session route answering 401 is retried once.
 * 4. `platform` routes refuse A's owner with 403; `org`, `session` and `platform` routes refuse a caller
 *    with no session with 401 (422 is tolerated only for routes hidden from the OpenAPI document: their
 *    input cannot be built, and Fastify validates input before the access hook runs); `api_key` routes refuse a caller with no key (401), and with a key of A
 *    they leak nothing of B.
 * 5. B's rows are byte-identical before and after all of it (superuser snapshot of every org_id table).
 * 6. Row-level security is the second wall: every org_id table has RLS enabled and forced with a policy, and
 *    the app role scoped to A (or to nothing) sees none of B's rows in any of them.
 * 7. The detector is live: B's own owner does see B's distinctive values through the same routes.
 *
 * A later module is covered with nothing added here: its routes come from the server's route list, its
 * tables from the database's columns. To make the walk bite, (a) seed data for BOTH demo organisations in
 * its demo seed step (only B's rows are fingerprinted and aimed at), (b) keep its route schemas in the
 * OpenAPI document (not `hide: true`) so valid input can be built, and (c) when a field's value cannot be
 * guessed from its schema, add a hint in tests/support/openapi-sample.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startTestServer, TestClient, type TestResponse, type TestServer } from './support/server.js';
import { signIn, SIGN_IN_FRIENDLY_ENV } from './support/sign-in.js';
import { sampleRequest, type JsonSchema } from './support/openapi-sample.js';
import type { RegisteredRoute } from '../apps/server/src/app.js';

const A_OWNER = '09120000010';
const B_OWNER = '09120000030';
const SYSTEM_ROUTE = /^(\/api\/docs(\/.*)?|\/openapi\.json|\/healthz|\/readyz|\/metrics|\/\*)$/;

let t: TestServer;
let su: pg.Client;
let doc: JsonSchema;
let tables: string[];
let orgA: string;
let orgB: string;
let bBefore: Map<string, string[]>;
let bValues: string[];
let candidates: string[];

// ---------- fingerprints of an organisation (superuser, every org_id table) ----------
async function tenantTables(): Promise<string[]> {
  const { rows } = await su.query<{ name: string }>(`
    select format('%I.%I', c.table_schema, c.table_name) as name
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
     where c.column_name = 'org_id' and t.table_type = 'BASE TABLE' and c.table_schema not in ('pg_catalog', 'information_schema')
     order by 1`);
  return rows.map((r) => r.name);
}

async function rowsOf(table: string, where: string, org_id: string): Promise<string[]> {
  const { rows } = await su.query<{ row: string }>(`select to_jsonb(x)::text as row from ${table} x where ${where} order by 1`, [org_id]);
  return rows.map((r) => r.row);
}

async function snapshot(org_id: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const table of tables) out.set(table, await rowsOf(table, 'x.org_id = $1', org_id));
  return out;
}

function leaves(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const item of value) leaves(item, out);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) leaves(item, out);
  return out;
}

/** Long enough to be unlikely by chance, and not a key, enum, instant or network address. */
function distinctive(value: string): boolean {
  return value.length >= 6
    && !/^[a-z_.]+$/.test(value)
    && !/^\d{4}-\d\d-\d\d[T ]/.test(value)
    && !/^(\d{1,3}\.){3}\d{1,3}(\/\d+)?$/.test(value)
    && !(/:/.test(value) && /^[0-9a-f:./]+$/i.test(value));
}

async function fingerprintOfB(): Promise<{ values: string[]; ids: string[] }> {
  const elsewhere = new Set<string>();
  for (const table of tables) for (const row of await rowsOf(table, 'x.org_id is not null and x.org_id <> $1', orgB)) leaves(JSON.parse(row), elsewhere);
  const values = new Set<string>();
  const ids: string[] = [orgB];
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  for (const [, rows] of bBefore) {
    const perColumn = new Map<string, number>();
    for (const row of rows) {
      for (const [column, value] of Object.entries(JSON.parse(row) as Record<string, unknown>)) {
        for (const leaf of leaves(value, new Set())) {
          if (!distinctive(leaf) || elsewhere.has(leaf)) continue;
          values.add(leaf);
          // One id per column and table aims the calls at B's rows of every kind.
          if (uuid.test(leaf) && !perColumn.has(column) && !ids.includes(leaf)) { ids.push(leaf); perColumn.set(column, 1); }
        }
      }
    }
  }
  return { values: [...values], ids };
}

/** B's values in a response, except those the request itself carried (an error may name the id it was given). */
function leaked(response: TestResponse, request?: { path: string; body: unknown }): string[] {
  const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  const sent = request ? `${decodeURIComponent(request.path)} ${JSON.stringify(request.body ?? null)}` : '';
  return bValues.filter((value) => text.includes(value) && !sent.includes(value));
}

// ---------- routes ----------
function webDist(): string {
  return t.config.WEB_DIST_DIR ?? path.join(t.config.root_dir, 'apps/web/dist');
}

function isSystemRoute(route: RegisteredRoute): boolean {
  if (SYSTEM_ROUTE.test(route.url)) return true;
  const file = path.join(webDist(), route.url);
  return route.method === 'GET' && !route.url.startsWith('/api/') && existsSync(file) && statSync(file).isFile();
}

function inOpenApi(route: RegisteredRoute): boolean {
  return doc.paths?.[route.url.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()] !== undefined;
}

function walked(): RegisteredRoute[] {
  return t.server.routes.filter((r) => !isSystemRoute(r) && r.access);
}

/** Calls for one route: each of B's ids with every field filled (and every non-nullable one), and B's org id with required fields only. */
function requestsFor(route: RegisteredRoute): Array<{ path: string; body: unknown }> {
  const out = candidates.flatMap((id) => [
    sampleRequest(route.url, route.method, doc, { id, full: true }),
    sampleRequest(route.url, route.method, doc, { id, full: 'without_nullable' }),
  ]);
  out.push(sampleRequest(route.url, route.method, doc, { id: orgB, full: false }));
  const seen = new Set<string>();
  return out.filter((r) => { const key = `${r.path} ${JSON.stringify(r.body)}`; return !seen.has(key) && !!seen.add(key); });
}

// ---------- A's owner, kept signed in ----------
let owner: TestClient;
async function openOwnerSession(): Promise<void> {
  owner = t.client();
  const { permissions } = await signIn(owner, A_OWNER, orgA);
  expect(permissions).toContain('*');
}

async function callAsOwner(route: RegisteredRoute, request: { path: string; body: unknown }): Promise<TestResponse> {
  if (!owner.cookies.has('chaharsu_session')) await openOwnerSession();
  let response = await owner.request(route.method, request.path, request.body);
  if (response.status === 401 && (route.access?.auth === 'org' || route.access?.auth === 'session')) {
    await openOwnerSession();
    response = await owner.request(route.method, request.path, request.body);
  }
  // A change that went through may have moved the session (into B, or signed out). Look at where the
  // session now works before putting it back in A: seeing B's organisation there is a leak of that change.
  if (route.method !== 'GET' && response.status < 300) {
    const where = await owner.get('/api/org');
    const found = leaked(where);
    if (found.length) movedIntoB.push(`${route.method} ${request.path} → then GET /api/org shows ${found.slice(0, 3).join(', ')}`);
    await backToA();
  }
  return response;
}

const movedIntoB: string[] = [];

async function backToA(): Promise<void> {
  if (!owner.cookies.has('chaharsu_session')) return openOwnerSession();
  const selected = await owner.post(`/api/me/organisations/${orgA}/select`);
  if (selected.status !== 200) await openOwnerSession();
}

beforeAll(async () => {
  t = await startTestServer({ SEED_DEMO: 'true', ...SIGN_IN_FRIENDLY_ENV });
  su = new pg.Client({ connectionString: t.database.superuser_url });
  await su.connect();
  const orgs = await su.query<{ org_id: string; slug: string }>("select org_id, slug from orgs.organisation where slug in ('demo', 'demo-2')");
  orgA = orgs.rows.find((r) => r.slug === 'demo')!.org_id;
  orgB = orgs.rows.find((r) => r.slug === 'demo-2')!.org_id;
  doc = (await (await fetch(`${t.base_url}/openapi.json`)).json()) as JsonSchema;
  tables = await tenantTables();
  bBefore = await snapshot(orgB);
  const fingerprint = await fingerprintOfB();
  bValues = fingerprint.values;
  candidates = fingerprint.ids;
  await openOwnerSession();
});

afterAll(async () => {
  await su?.end();
  await t?.close();
});

describe('tenant isolation over every route', () => {
  it('has a fingerprint of organisation B worth checking for', () => {
    expect(tables).toEqual(expect.arrayContaining(['orgs.organisation', 'orgs.membership', 'orgs.branch', 'orgs.warehouse', 'audit.audit_log']));
    expect(bValues).toEqual(expect.arrayContaining(['demo-2', 'پخش نمونه ۲', orgB]));
    expect(candidates.length).toBeGreaterThan(5);
  });

  it('finds config.access on every route but the plugin and system ones', () => {
    const missing = t.server.routes.filter((r) => !r.access && !isSystemRoute(r)).map((r) => `${r.method} ${r.url}`);
    expect(missing, `routes without config.access: ${missing.join(', ')}`).toEqual([]);
    expect(walked().length).toBeGreaterThan(20);
  });

  it('refuses callers with no session on org, session and platform routes (401)', async () => {
    const stranger = t.client();
    const wrong: string[] = [];
    for (const route of walked().filter((r) => ['org', 'session', 'platform'].includes(r.access!.auth))) {
      const request = sampleRequest(route.url, route.method, doc, { id: orgB, full: true });
      const response = await stranger.request(route.method, request.path, request.body);
      // Fastify validates input before the access hook (app.ts, preHandler) runs. A route hidden from the
      // OpenAPI document gives no schema to build valid input from, so its refusal may come as 422 instead.
      if (response.status === 422 && !inOpenApi(route)) continue;
      if (response.status !== 401) wrong.push(`${route.method} ${route.url} → ${response.status}`);
    }
    expect(wrong, wrong.join('\n')).toEqual([]);
  }, 300_000);

  it('refuses A\'s owner on every platform route (403)', async () => {
    const wrong: string[] = [];
    for (const route of walked().filter((r) => r.access!.auth === 'platform')) {
      for (const request of requestsFor(route)) {
        const response = await callAsOwner(route, request);
        if (response.status !== 403) wrong.push(`${route.method} ${request.path} → ${response.status}`);
      }
    }
    expect(wrong, wrong.join('\n')).toEqual([]);
  }, 300_000);

  it('gives A\'s owner nothing of B on any route, whatever ids of B the call carries', async () => {
    const leaks: string[] = [];
    const unauthorised: string[] = [];
    let calls = 0;
    const statuses: string[] = [];
    const check = async (route: RegisteredRoute, request: { path: string; body: unknown }): Promise<void> => {
      const response = await callAsOwner(route, request);
      calls++;
      statuses.push(`${route.method} ${route.url} ${response.status} ${response.status >= 400 ? (response.body as { code?: string }).code : ''}`);
      const found = leaked(response, request);
      if (found.length) leaks.push(`${route.method} ${request.path} → ${response.status} shows ${found.slice(0, 3).join(', ')}`);
      if (response.status === 401 && route.access!.auth === 'org') unauthorised.push(`${route.method} ${request.path}`);
    };
    for (const route of walked().filter((r) => r.access!.auth !== 'api_key')) {
      const requests = requestsFor(route);
      // Reads go four at a time (they change nothing, the session included); changes one by one.
      const parallel = route.method === 'GET' ? 4 : 1;
      for (let i = 0; i < requests.length; i += parallel) {
        await Promise.all(requests.slice(i, i + parallel).map((request) => check(route, request)));
      }
    }
    expect(leaks, leaks.join('\n')).toEqual([]);
    expect(movedIntoB, movedIntoB.join('\n')).toEqual([]);
    // The walk ran signed in: an org route answering 401 would have proven nothing.
    expect(unauthorised, unauthorised.join('\n')).toEqual([]);
    expect(calls).toBeGreaterThan(walked().length);
    // …and changed things in A (plausible bodies pass validation), so writes were exercised too.
    expect(statuses.filter((s) => /^(POST|PUT|PATCH|DELETE) \S+ 2\d\d/.test(s)).length).toBeGreaterThan(3);
  }, 600_000); // thousands of calls: every route × every kind of B's ids

  it('lets a key of A reach nothing of B on api_key routes, and no key reach anything', async () => {
    const routes = walked().filter((r) => r.access!.auth === 'api_key');
    if (routes.length === 0) return; // no machine routes registered yet; the walk above covered the rest
    const scopes = [...new Set(routes.map((r) => (r.access as { scope: string }).scope))];
    const created = await owner.post<{ key: string }>('/api/org/api-keys', { name: 'isolation probe', scopes });
    expect(created.status).toBe(201);
    const machine = new TestClient(t.base_url, { authorization: `Bearer ${created.body.key}` });
    const anonymous = t.client();
    const problems: string[] = [];
    for (const route of routes) {
      for (const request of requestsFor(route)) {
        const response = await machine.request(route.method, request.path, request.body);
        const found = leaked(response, request);
        if (found.length) problems.push(`${route.method} ${request.path} → ${response.status} shows ${found.slice(0, 3).join(', ')}`);
      }
      const request = sampleRequest(route.url, route.method, doc, { id: orgB, full: true });
      const refused = await anonymous.request(route.method, request.path, request.body);
      if (refused.status !== 401) problems.push(`${route.method} ${route.url} without a key → ${refused.status}`);
    }
    expect(problems, problems.join('\n')).toEqual([]);
  }, 300_000);

  it('leaves every row of B byte-identical', async () => {
    const after = await snapshot(orgB);
    const changed = tables.filter((table) => JSON.stringify(after.get(table)) !== JSON.stringify(bBefore.get(table)));
    expect(changed, `tables whose rows of B changed: ${changed.join(', ')}`).toEqual([]);
  });

  it('keeps B\'s rows out of reach of the app role scoped to A, by row-level security alone', async () => {
    const { rows: security } = await su.query<{ name: string; rls: boolean; forced: boolean; policies: number }>(`
      select format('%I.%I', n.nspname, c.relname) as name, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
             (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where format('%I.%I', n.nspname, c.relname) = any ($1)`, [tables]);
    const unprotected = security.filter((s) => !s.rls || !s.forced || s.policies === 0).map((s) => s.name);
    expect(unprotected, `org_id tables without forced row-level security: ${unprotected.join(', ')}`).toEqual([]);

    const app = new pg.Client({ connectionString: t.database.app_url });
    await app.connect();
    try {
      const aOwner = await su.query<{ id: string }>("select id from identity.users where phone = '+989120000010'");
      const visible: string[] = [];
      for (const scope of [{ org: orgA, user: aOwner.rows[0]!.id }, { org: '', user: '' }]) {
        await app.query('begin');
        await app.query("select set_config('app.org_id', $1, true), set_config('app.user_id', $2, true)", [scope.org, scope.user]);
        for (const table of tables) {
          const { rows } = await app.query<{ n: number }>(`select count(*)::int as n from ${table} where org_id = $1`, [orgB]);
          if (rows[0]!.n > 0) visible.push(`${table} (scope ${scope.org || 'none'})`);
        }
        await app.query('rollback');
      }
      expect(visible, `B's rows visible to the app role: ${visible.join(', ')}`).toEqual([]);
    } finally {
      await app.end();
    }
  });

  it('would notice: B\'s own owner sees B\'s distinctive values through the same routes', async () => {
    const bOwner = t.client();
    await signIn(bOwner, B_OWNER, orgB);
    expect(leaked(await bOwner.get('/api/org')).length).toBeGreaterThan(0);
    expect(leaked(await bOwner.get('/api/org/branches')).length).toBeGreaterThan(0);
  });
});

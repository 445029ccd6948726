/**
 * Races, run by separate OS processes against one server and one PostgreSQL: two owners removing each other
 * at the same moment leave exactly one owner; two branches claiming the central flag at once leave one
 * central branch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startTestServer, type TestClient, type TestServer } from '../../../tests/support/server.js';
import { signIn, SIGN_IN_FRIENDLY_ENV } from '../../../tests/support/sign-in.js';
import type { Member } from './orgs.contracts.js';

const script = fileURLToPath(new URL('./testing/concurrent-request.mjs', import.meta.url));
let t: TestServer;
let su: pg.Client;

interface Shot { client: TestClient; method: string; path: string; body?: unknown }

/**
 * Sends each request from its own process, all released at once; returns the statuses and codes.
 * `meanwhile` runs while they are in flight (e.g. lets go of rows it held so both requests are mid-transaction).
 */
async function race(shots: Shot[], meanwhile?: () => Promise<void>): Promise<Array<{ status: number; code: string | null }>> {
  const children: ChildProcess[] = shots.map(() => fork(script, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
  await Promise.all(children.map((child, i) => new Promise<void>((resolve) => {
    const shot = shots[i]!;
    child.once('message', () => resolve());
    child.send({
      base_url: t.base_url, method: shot.method, path: shot.path, body: shot.body,
      cookie: [...shot.client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      csrf: decodeURIComponent(shot.client.cookies.get('chaharsu_csrf') ?? ''),
    });
  })));
  const results = children.map((child) => new Promise<{ status: number; code: string | null }>((resolve) => child.once('message', resolve)));
  for (const child of children) child.send('go');
  if (meanwhile) await meanwhile();
  return Promise.all(results);
}

async function newOrganisation(slug: string, owner_phone: string): Promise<string> {
  const admin = t.client();
  await signIn(admin, '09120000001');
  const created = await admin.post<{ id: string }>('/api/platform/organisations', { slug, name: `سازمان ${slug}`, owner_phone });
  expect(created.status).toBe(201);
  return created.body.id;
}

/** Waits (bounded) until `count` backends of the test database wait for a lock. */
async function waitForLockWaiters(count: number): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const { rows } = await su.query("select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
    if (rows[0].n >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${count} requests never reached the held rows`);
}

beforeAll(async () => {
  t = await startTestServer({ SEED_DEMO: 'true', ...SIGN_IN_FRIENDLY_ENV });
  su = new pg.Client({ connectionString: t.database.superuser_url });
  await su.connect();
});

afterAll(async () => {
  await su?.end();
  await t?.close();
});

describe('concurrent changes', () => {
  it('leaves exactly one active owner when two owners deactivate each other at the same time', async () => {
    for (let round = 1; round <= 2; round++) {
      const org_id = await newOrganisation(`race-owners-${round}`, `0912777${String(round).padStart(4, '0')}`);
      const first = t.client();
      await signIn(first, `0912777${String(round).padStart(4, '0')}`, org_id);
      const added = await first.post<Member>('/api/org/members', { phone: `0912888${String(round).padStart(4, '0')}`, roles: ['owner'], branch_ids: [] });
      const second = t.client();
      await signIn(second, `0912888${String(round).padStart(4, '0')}`, org_id);
      const members = (await first.get<{ items: Member[] }>('/api/org/members')).body.items;
      const firstMembership = members.find((m) => m.membership_id !== added.body.membership_id)!;
      // Hold both membership rows so both requests are inside their transactions before either can write:
      // without the service's per-organisation lock, each would still count the other as an active owner.
      const holder = new pg.Client({ connectionString: t.database.superuser_url });
      await holder.connect();
      await holder.query('begin');
      await holder.query('select id from orgs.membership where org_id = $1 for update', [org_id]);
      const results = await race([
        { client: first, method: 'POST', path: `/api/org/members/${added.body.membership_id}/deactivate`, body: {} },
        { client: second, method: 'POST', path: `/api/org/members/${firstMembership.membership_id}/deactivate`, body: {} },
      ], async () => {
        await waitForLockWaiters(2);
        await holder.query('commit');
        await holder.end();
      });
      // One wins. The other is refused: as the last owner (it waited for the winner's lock), or because the
      // winner had already removed the person sending it (403).
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      const loser = results.find((r) => r.status !== 200);
      expect([`409 orgs.last_owner`, `403 common.forbidden`]).toContain(`${loser?.status} ${loser?.code}`);
      const owners = await su.query("select count(*)::int as n from orgs.membership where org_id = $1 and active and 'owner' = any (roles)", [org_id]);
      expect(owners.rows[0].n).toBe(1);
    }
  });

  it('keeps one central branch when two branches claim the flag at the same time', async () => {
    const org_id = await newOrganisation('race-flags', '09127770099');
    const owner = t.client();
    await signIn(owner, '09127770099', org_id);
    for (let round = 1; round <= 4; round++) {
      const results = await race([1, 2].map((n) => ({ client: owner, method: 'POST', path: '/api/org/branches', body: { name: `شعبه ${round}-${n}`, is_central_branch: true } })));
      expect(results.every((r) => r.status === 201 || (r.status === 409 && r.code === 'orgs.flag_conflict'))).toBe(true);
      expect(results.some((r) => r.status === 201)).toBe(true);
      const central = await su.query('select count(*)::int as n from orgs.branch where org_id = $1 and is_central_branch', [org_id]);
      expect(central.rows[0].n).toBe(1);
    }
  });
});

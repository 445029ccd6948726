import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pino from 'pino';
import pg from 'pg';
import { sql } from 'kysely';
import { inTransaction, pgErrorCode, type Db } from '@chaharsu/db';
import { createTestDatabase, openTestDb, type TestDatabase } from '@chaharsu/db/testing';
import { AppError, newId, systemContext } from '@chaharsu/kit';
import type { Ctx } from '@chaharsu/http';
import { createLedgerService } from './ledger.service.js';

const ledger = createLedgerService();
const logger = pino({ level: 'silent' });
let database: TestDatabase;
let db: Db;
let close: () => Promise<void>;
const org_id = newId();

function inOrg<T>(fn: (ctx: Ctx) => Promise<T>, org = org_id): Promise<T> {
  return inTransaction(db, { org_id: org, user_id: null }, (tx) => fn({ ...systemContext(logger, 'test', org), db: tx }));
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try { await promise; return 'none'; } catch (error) { return error instanceof AppError ? error.code : String(error); }
}

describe('ledger', () => {
  let funding: string;
  let credit: string;
  let sales: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    ({ db, close } = openTestDb(database.app_url));
    await inOrg(async (ctx) => {
      funding = (await ledger.openAccount(ctx, { kind: 'credit_funding', name: 'funding', allow_negative: true })).id;
      credit = (await ledger.openAccount(ctx, { kind: 'seller_credit', name: 'seller credit' })).id;
      sales = (await ledger.openAccount(ctx, { kind: 'topup_sales', name: 'sales' })).id;
    });
  });
  afterAll(async () => { await close(); await database.drop(); });

  it('moves money between two accounts, refuses an overdraft, and keeps the ledger at zero sum', async () => {
    await inOrg((ctx) => ledger.transfer(ctx, { from_account_id: funding, to_account_id: credit, amount_rial: 10_000n, kind: 'test.fund', idempotency_key: 'fund-1' }));
    const posted = await inOrg((ctx) => ledger.transfer(ctx, { from_account_id: credit, to_account_id: sales, amount_rial: 4_000n, kind: 'test.sale' }));
    expect(posted.from_balance_after_rial).toBe(6_000n);
    expect(await codeOf(inOrg((ctx) => ledger.transfer(ctx, { from_account_id: credit, to_account_id: sales, amount_rial: 6_001n, kind: 'test.sale' })))).toBe('ledger.insufficient_funds');
    expect(await inOrg((ctx) => ledger.balance(ctx, credit))).toBe(6_000n);
    expect(await inOrg((ctx) => ledger.balance(ctx, funding))).toBe(-10_000n);
    const report = await inOrg((ctx) => ledger.reconcile(ctx));
    expect(report).toMatchObject({ ok: true, problems: [], total_balance_rial: 0, transfers_checked: 2, entries_checked: 4 });
  });

  it('returns the first transfer for a repeated idempotency key and refuses the key for a different transfer', async () => {
    const again = await inOrg((ctx) => ledger.transfer(ctx, { from_account_id: funding, to_account_id: credit, amount_rial: 10_000n, kind: 'test.fund', idempotency_key: 'fund-1' }));
    expect(again.amount_rial).toBe(10_000n);
    expect(await inOrg((ctx) => ledger.balance(ctx, credit))).toBe(6_000n);
    expect(await codeOf(inOrg((ctx) => ledger.transfer(ctx, { from_account_id: funding, to_account_id: credit, amount_rial: 99n, kind: 'test.fund', idempotency_key: 'fund-1' })))).toBe('ledger.idempotency_key_reused');
  });

  it('writes nothing when a locked account is not at the version it was read at (the batch write checks each one)', async () => {
    const balances = async () => inOrg(async (ctx) => [await ledger.balance(ctx, credit), await ledger.balance(ctx, sales)]);
    const before = await balances();
    const stale = inOrg(async (ctx) => {
      const locked = await ledger.lockAccounts(ctx, [credit, sales]);
      const account = locked.accounts.get(credit);
      if (!account) throw new Error('credit account not locked');
      account.version += 1n; account.start_version += 1n; // as if read from another version
      await ledger.post(ctx, locked, [{ from_account_id: credit, to_account_id: sales, amount_rial: 1n, kind: 'test.sale' }], 'each');
    });
    await expect(stale).rejects.toThrow(/is not at version/);
    expect(await balances()).toEqual(before);
    expect(await inOrg((ctx) => ledger.reconcile(ctx))).toMatchObject({ ok: true, problems: [] });
  });

  it('decides a batch in order: a refused transfer does not stop a later one that fits', async () => {
    // credit holds 6,000: 5,000 fits, the next 5,000 does not, 1,000 still fits.
    const outcomes = await inOrg((ctx) => ledger.transferBatch(ctx, [5_000n, 5_000n, 1_000n].map((amount_rial) => ({ from_account_id: credit, to_account_id: sales, amount_rial, kind: 'test.sale' })), 'each'));
    expect(outcomes.map((o) => o.status)).toEqual(['posted', 'refused', 'posted']);
    expect(await inOrg((ctx) => ledger.balance(ctx, credit))).toBe(0n);
    const statement = await inOrg((ctx) => ledger.statement(ctx, credit, { order: 'asc', limit: 100, offset: 0 }));
    expect(statement.items.map((l) => [l.amount_rial, l.balance_after_rial])).toEqual([[10_000, 10_000], [-4_000, 6_000], [-5_000, 1_000], [-1_000, 0]]);
    expect(statement).toMatchObject({ opening_balance_rial: 0, closing_balance_rial: 0, total: 4 });
  });

  it('decides keyless transfers the same way inside the database (ledger.post_each), for one-statement callers', async () => {
    await inOrg((ctx) => ledger.transfer(ctx, { from_account_id: funding, to_account_id: credit, amount_rial: 6_000n, kind: 'test.fund' }));
    const postEach = (amounts: bigint[], from = credit, to = sales) => inOrg(async (ctx) => (await sql<{ posted: boolean[]; from_balance_after: Array<string | null> }>`
      select posted, from_balance_after::text[] from ledger.post_each(${org_id}::uuid, 'test.sale', 'test.ref', ${amounts.map(() => newId())}::uuid[],
        ${amounts.map(() => from)}::uuid[], ${amounts.map(() => to)}::uuid[], ${amounts.map(String)}::bigint[], ${amounts.map((_, i) => `ref-${i}`)}::text[])`.execute(ctx.db)).rows[0]);
    // 6,000: 5,000 fits, the next 5,000 does not, 1,000 still fits — as in the service's `each` mode.
    expect(await postEach([5_000n, 5_000n, 1_000n])).toEqual({ posted: [true, false, true], from_balance_after: ['1000', null, '0'] });
    expect(await inOrg((ctx) => ledger.balance(ctx, credit))).toBe(0n);
    const statement = await inOrg((ctx) => ledger.statement(ctx, credit, { order: 'desc', limit: 2, offset: 0 }));
    expect(statement.items.map((l) => [l.amount_rial, l.balance_after_rial, l.kind, l.reference_type])).toEqual([[-1_000, 0, 'test.sale', 'test.ref'], [-5_000, 1_000, 'test.sale', 'test.ref']]);
    expect(await postEach([])).toEqual({ posted: [], from_balance_after: [] });
    // An account of no (or another) organisation, and a transfer to its own account, fail the statement: nothing is written.
    expect(pgErrorCode(await postEach([1n], newId()).catch((e: unknown) => e))).toBe('P0002');
    expect(pgErrorCode(await postEach([1n], funding, funding).catch((e: unknown) => e))).toBe('22023');
    expect(await inOrg((ctx) => ledger.reconcile(ctx))).toMatchObject({ ok: true, problems: [] });
  });

  it('refuses malformed account and transfer kinds in the database (checks without counted repeats, same rule)', async () => {
    const open = (kind: string) => inOrg((ctx) => ledger.openAccount(ctx, { kind: kind as 'seller_credit', name: `kind ${kind}` })).then(() => 'ok', (e: unknown) => pgErrorCode(e));
    expect(await Promise.all(['ab', `a${'b'.repeat(39)}`, 'seller_credit'].map(open))).toEqual(['ok', 'ok', 'ok']);
    expect(await Promise.all(['a', `a${'b'.repeat(40)}`, '_ab', 'Ab', 'a-b', 'a1', 'a.b', 'ab\n'].map(open))).toEqual(Array(8).fill('23514'));
    const move = (kind: string) => inOrg((ctx) => ledger.transfer(ctx, { from_account_id: funding, to_account_id: credit, amount_rial: 1n, kind })).then(() => 'ok', (e: unknown) => pgErrorCode(e));
    expect(await Promise.all(['t.x', `t${'.'.repeat(59)}`].map(move))).toEqual(['ok', 'ok']);
    expect(await Promise.all(['t', `t${'x'.repeat(60)}`, '.t', 'T.x', 't-x', '1t'].map(move))).toEqual(Array(6).fill('23514'));
    await inOrg((ctx) => ledger.transfer(ctx, { from_account_id: credit, to_account_id: funding, amount_rial: 2n, kind: 'test.undo' }));
  });

  it('filters a statement by date with the opening balance of the range', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const empty = await inOrg((ctx) => ledger.statement(ctx, sales, { from: future, order: 'asc', limit: 10, offset: 0 }));
    expect(empty).toMatchObject({ total: 0, opening_balance_rial: 16_000, closing_balance_rial: 16_000 });
  });

  it('locks and writes only a batch\'s accounts, however much the organisation grew since the connection planned it', async () => {
    // One connection plans ledger.post_each and ledger.lock_accounts once, while the statistics describe a small table;
    // then the organisation gains 3,000 accounts. A batch must still read its own two, not the organisation's.
    const big = newId();
    const [giver, taker] = [newId(), newId()];
    const client = new pg.Client({ connectionString: database.app_url });
    const superuser = new pg.Client({ connectionString: database.superuser_url });
    await client.connect();
    await superuser.connect();
    try {
      await superuser.query(`insert into ledger.account (org_id, id, kind, name, allow_negative)
        values ($1, $2, 'credit_funding', 'giver', true), ($1, $3, 'topup_sales', 'taker', false)`, [big, giver, taker]);
      await superuser.query('analyze ledger.account');
      const inBig = async <T>(fn: () => Promise<T>): Promise<T> => {
        await client.query('begin');
        await client.query(`select set_config('app.org_id', $1, true)`, [big]);
        try {
          const result = await fn();
          await client.query('commit');
          return result;
        } catch (error) {
          await client.query('rollback');
          throw error;
        }
      };
      const post = async () => (await client.query<{ posted: boolean[] }>(`select posted from ledger.post_each($1::uuid, 'test.sale', 'test.ref', $2::uuid[], $3::uuid[], $4::uuid[], $5::bigint[], $6::text[])`,
        [big, [newId(), newId()], [giver, giver], [taker, taker], ['1', '2'], ['a', 'b']])).rows[0]?.posted;
      const lock = async () => (await client.query<{ id: string }>('select id from ledger.lock_accounts($1::uuid, $2::uuid[])', [big, [taker, giver, taker]])).rows.map((r) => r.id);
      const accountRowsRead = async () => Number((await client.query<{ n: string }>(`select (coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0))::text as n
        from pg_stat_xact_user_tables where relid = 'ledger.account'::regclass`)).rows[0]?.n ?? 0);
      await inBig(async () => { await post(); await lock(); });
      await superuser.query(`insert into ledger.account (org_id, id, kind, name) select $1, gen_random_uuid(), 'seller_credit', 'seller ' || i from generate_series(1, 3000) as i`, [big]);
      const read = await inBig(async () => {
        expect(await post()).toEqual([true, true]);
        expect(await lock()).toEqual([giver, taker].sort()); // once each, in id order
        return accountRowsRead();
      });
      expect(read).toBeLessThanOrEqual(8);
      const balances = await superuser.query<{ id: string; balance_rial: string; version: string }>('select id, balance_rial::text, version::text from ledger.account where id = any($1) order by name', [[giver, taker]]);
      expect(balances.rows.map((r) => [r.balance_rial, r.version])).toEqual([['-6', '4'], ['6', '4']]);
    } finally {
      await client.end();
      await superuser.end();
    }
  });

  it('does not show one organisation the accounts of another', async () => {
    const other = newId();
    expect(await codeOf(inOrg((ctx) => ledger.getAccount(ctx, credit), other))).toBe('ledger.account_not_found');
    expect(await inOrg((ctx) => ledger.reconcile(ctx), other)).toMatchObject({ ok: true, accounts_checked: 0 });
  });

  it('refuses to update or delete entries and transfers, and the reconcile finds a tampered balance', async () => {
    const client = new pg.Client({ connectionString: database.app_url });
    await client.connect();
    try {
      await expect(client.query('update ledger.entry set amount_rial = 1')).rejects.toThrow(/permission denied/);
      await expect(client.query('delete from ledger.transfer')).rejects.toThrow(/permission denied/);
    } finally {
      await client.end();
    }
    const owner = new pg.Client({ connectionString: database.superuser_url });
    await owner.connect();
    try {
      await owner.query('update ledger.account set balance_rial = balance_rial + 1 where id = $1', [sales]);
    } finally {
      await owner.end();
    }
    const report = await inOrg((ctx) => ledger.reconcile(ctx));
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['balance_differs_from_entries', 'ledger_not_zero_sum']));
  });
});

import { describe, it, expect, vi } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import { APP_ROLE, inTransaction, prepared, pgErrorCode } from '@chaharsu/db';
import { createTestDatabase, openTestDb } from '@chaharsu/db/testing';

describe('test database', () => {
  it('is a migrated clone the app role reaches, with row-level security in force', async () => {
    const database = await createTestDatabase();
    const { db, close } = openTestDb(database.app_url);
    try {
      const role = await sql<{ rolsuper: boolean; rolbypassrls: boolean }>`select rolsuper, rolbypassrls from pg_roles where rolname = current_user`.execute(db);
      expect(role.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
      const forced = await sql<{ relforcerowsecurity: boolean }>`select relforcerowsecurity from pg_class where oid = 'audit.audit_log'::regclass`.execute(db);
      expect(forced.rows[0]?.relforcerowsecurity).toBe(true);
    } finally {
      await close();
      await database.drop();
    }
  });

  it('runs statements marked prepared() as named prepared statements, parsed once per connection', async () => {
    const database = await createTestDatabase();
    const { db, close } = openTestDb(database.app_url, 1);
    try {
      const twice = await db.connection().execute(async (connection) => {
        const first = await sql<{ n: number }>`${prepared('smoke_add')} select ${1}::int + ${2}::int as n`.execute(connection);
        const second = await sql<{ n: number }>`${prepared('smoke_add')} select ${1}::int + ${2}::int as n`.execute(connection);
        // The marker may follow a line break (a statement written on the line after sql`).
        const indented = await sql<{ n: number }>`
          ${prepared('smoke_indented')} select ${2}::int * ${3}::int as n`.execute(connection);
        const named = await sql<{ name: string }>`select name from pg_prepared_statements where name like 'smoke%' order by name`.execute(connection);
        return { sums: [first.rows[0]?.n, second.rows[0]?.n, indented.rows[0]?.n], named: named.rows.map((r) => r.name) };
      });
      expect(twice).toEqual({ sums: [3, 3, 6], named: ['smoke_add', 'smoke_indented'] });
      expect(() => prepared('Not A Name')).toThrow(/not a lower-case identifier/);
    } finally {
      await close();
      await database.drop();
    }
  });

  it('sends begin with the row-level-security scope in one round trip, and keeps transactions whole either way', async () => {
    const database = await createTestDatabase();
    const { db, close } = openTestDb(database.app_url, 1);
    try {
      const org_id = '01a20000-0000-7000-8000-000000000001';
      // The usual path: begin + scope together; a quote in a value is data, not SQL.
      const scoped = await inTransaction(db, { org_id, user_id: null }, async (tx) => (await sql<{ org: string; user: string; xact: boolean }>`
        select current_setting('app.org_id') as org, current_setting('app.user_id') as user, now() <> statement_timestamp() as xact`.execute(tx)).rows[0]);
      // now() is the transaction's start, before this statement's: the scope ran inside the transaction.
      expect(scoped).toEqual({ org: org_id, user: '', xact: true });
      await expect(inTransaction(db, { org_id: "x'; drop table audit.audit_log; --", user_id: null }, async () => 1)).resolves.toBe(1);
      const still = await sql<{ n: string }>`select count(*)::text as n from pg_class where oid = 'audit.audit_log'::regclass`.execute(db);
      expect(still.rows[0]?.n).toBe('1');
      // The scope is local to the transaction: gone after commit.
      expect((await sql<{ org: string }>`select current_setting('app.org_id', true) as org`.execute(db)).rows[0]?.org ?? '').toBe('');
      // A transaction whose first statement is something else still begins first: both statements see one transaction.
      const ids = await db.transaction().execute(async (tx) => {
        const a = await sql<{ id: string }>`select txid_current()::text as id`.execute(tx);
        const b = await sql<{ id: string }>`select txid_current()::text as id`.execute(tx);
        return [a.rows[0]?.id, b.rows[0]?.id];
      });
      expect(ids[0]).toBeDefined();
      expect(ids[1]).toBe(ids[0]);
      // And a failing scope leaves the connection usable.
      await expect(inTransaction(db, { org_id: 'not-a-uuid', user_id: null }, async (tx) => sql`select platform.current_org_id()`.execute(tx))).rejects.toThrow(/uuid/);
      expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows[0]?.one).toBe(1);
    } finally {
      await close();
      await database.drop();
    }
  });
  it('sends what needs no answer yet with the next statement, with the same results and transactions as one at a time', async () => {
    const database = await createTestDatabase();
    // Round trips are counted at the pg client (the wrapper binds its query method when a connection opens).
    const sent: string[] = [];
    const original = pg.Client.prototype.query;
    const spy = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const [first] = args;
      sent.push(typeof first === 'string' ? first : (first as { text: string }).text);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original);
    const { db, close } = openTestDb(database.app_url, 1);
    const org_id = '01a20000-0000-7000-8000-000000000002';
    const note = (text: string) => sql`${prepared('smoke_note', { deferred: true })} insert into smoke_notes (text) values (${text}::text)`;
    const echo = (values: { text: string; list: string[]; at: Date; doc: object; none: null; n: number; yes: boolean }) => sql<{ text: string; list: string[]; at: Date; doc: object; none: null; n: number; yes: boolean; org: string; xid: string }>`${prepared('smoke_echo')}
      select ${values.text}::text as text, ${values.list}::text[] as list, ${values.at}::timestamptz as at, ${values.doc}::jsonb as doc, ${values.none}::text as none,
        ${values.n}::int as n, ${values.yes}::boolean as yes, current_setting('app.org_id') as org, txid_current()::text as xid`;
    try {
      const owner = openTestDb(database.owner_url, 1);
      await sql`create table public.smoke_notes (text text not null check (text <> 'refused'))`.execute(owner.db);
      await sql`grant select, insert on public.smoke_notes to ${sql.id(APP_ROLE)}`.execute(owner.db);
      await owner.close();
      const values = { text: "it's a \\ back'slash", list: ['a', 'b"c', "d'e", 'f,g'], at: new Date('2026-11-22T03:04:05.678Z'), doc: { fa: 'سلام', quote: "'" }, none: null, n: 42, yes: true };
      const expected = { ...values, org: org_id };
      // Echoes the values, and tells whether a later statement ran in the same transaction.
      const run = () => inTransaction(db, { org_id, user_id: null }, async (tx) => {
        const { xid, ...row } = (await echo(values).execute(tx)).rows[0] ?? { xid: '' };
        const later = (await sql<{ xid: string }>`select txid_current()::text as xid`.execute(tx)).rows[0]?.xid;
        return { row, same_transaction: later === xid };
      });
      // The first time on a connection: parsed as a named statement (nothing to join yet).
      expect(await run()).toEqual({ row: expected, same_transaction: true });
      // From then on: begin, the scope and the statement in one round trip, with the same answer, in the transaction.
      sent.length = 0;
      expect(await run()).toEqual({ row: expected, same_transaction: true });
      expect(sent).toEqual([expect.stringMatching(/^begin;\nselect set_config\('app.org_id', .*;\nexecute smoke_echo\(.*it''s a /s), 'select txid_current()::text as xid', 'commit']);

      // A deferred write: parsed on first use, then it travels with the next statement and is seen by it.
      await inTransaction(db, { org_id, user_id: null }, async (tx) => { await note('first').execute(tx); });
      sent.length = 0;
      const seen = await inTransaction(db, { org_id, user_id: null }, async (tx) => {
        await note('second').execute(tx);
        return (await sql<{ n: number }>`select count(*)::int as n from smoke_notes`.execute(tx)).rows[0]?.n;
      });
      expect(seen).toBe(2);
      expect(sent).toEqual([expect.stringMatching(/^begin;.*execute smoke_note\('second'\)$/s), 'select count(*)::int as n from smoke_notes', 'commit']);
      // With commit: one round trip for begin, scope, the write and commit.
      sent.length = 0;
      await inTransaction(db, { org_id, user_id: null }, async (tx) => { await note('third').execute(tx); });
      expect(sent).toEqual([expect.stringMatching(/^begin;.*execute smoke_note\('third'\);\ncommit$/s)]);
      // A deferred write that fails fails the transaction at commit: nothing of it stays, and the connection is usable.
      const failed = await inTransaction(db, { org_id, user_id: null }, async (tx) => {
        await sql`insert into smoke_notes (text) values ('kept only if all commits')`.execute(tx);
        await note('refused').execute(tx);
      }).catch((error: unknown) => error);
      expect(pgErrorCode(failed)).toBe('23514');
      // A rollback drops the waiting write without sending it.
      sent.length = 0;
      await expect(inTransaction(db, { org_id, user_id: null }, async (tx) => { await note('dropped').execute(tx); throw new Error('changed my mind'); })).rejects.toThrow('changed my mind');
      expect(sent).toEqual([]);
      expect((await sql<{ text: string }>`select text from smoke_notes order by text`.execute(db)).rows.map((r) => r.text)).toEqual(['first', 'second', 'third']);

      // A statement marked `commits` travels with commit: its answer arrives once the transaction is durable.
      const last = (text: string) => sql<{ n: number }>`${prepared('smoke_last', { commits: true })}
        with added as (insert into smoke_notes (text) values (${text}::text) returning 1) select count(*)::int as n from smoke_notes`;
      expect(await inTransaction(db, { org_id, user_id: null }, async (tx) => (await last('fourth').execute(tx)).rows[0]?.n)).toBe(3); // first use: parsed, then commit
      sent.length = 0;
      expect(await inTransaction(db, { org_id, user_id: null }, async (tx) => (await last('fifth').execute(tx)).rows[0]?.n)).toBe(4);
      expect(sent).toEqual([expect.stringMatching(/^begin;\nselect set_config.*;\nexecute smoke_last\('fifth'\);\ncommit$/s)]);
      // If it fails, nothing of the transaction stays and the connection is usable; nothing may follow it.
      const refused = await inTransaction(db, { org_id, user_id: null }, async (tx) => {
        await note('before the refused last').execute(tx);
        await last('refused').execute(tx);
      }).catch((error: unknown) => error);
      expect(pgErrorCode(refused)).toBe('23514');
      await expect(inTransaction(db, { org_id, user_id: null }, async (tx) => {
        await last('sixth').execute(tx);
        await sql`select 1`.execute(tx);
      })).rejects.toThrow(/after the transaction's last/);
      expect((await sql<{ text: string }>`select text from smoke_notes order by text`.execute(db)).rows.map((r) => r.text)).toEqual(['fifth', 'first', 'fourth', 'second', 'sixth', 'third']);
      // Outside a transaction a deferred statement runs at once.
      await note('alone').execute(db);
      expect((await sql<{ n: number }>`select count(*)::int as n from smoke_notes where text = 'alone'`.execute(db)).rows[0]?.n).toBe(1);
    } finally {
      spy.mockRestore();
      await close();
      await database.drop();
    }
  });
});

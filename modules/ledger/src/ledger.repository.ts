/** Kysely/SQL only: typed input, rows out, no rules. Every query names the organisation (first wall; RLS is the second). */
import { sql } from 'kysely';
import { prepared, type Tx } from '@chaharsu/db';

export interface AccountRow {
  id: string;
  kind: string;
  name: string;
  owner_type: string | null;
  owner_id: string | null;
  allow_negative: boolean;
  balance_rial: bigint;
  version: bigint;
  created_at: Date;
}

export interface LockedAccountRow {
  id: string;
  allow_negative: boolean;
  balance_rial: bigint;
  version: bigint;
  now: Date;
}

export interface TransferRow {
  id: string;
  from_account_id: string;
  to_account_id: string;
  amount_rial: bigint;
  kind: string;
  reference_type: string | null;
  reference_id: string | null;
  memo: string | null;
  idempotency_key: string | null;
  created_at: Date;
}

export type NewTransferRow = Omit<TransferRow, 'created_at'>;
export interface NewEntryRow { account_id: string; version: bigint; transfer_id: string; amount_rial: bigint; balance_after_rial: bigint }
export interface AccountUpdate { id: string; balance_rial: bigint; version: bigint; expected_version: bigint }

const text = (values: Array<string | null>) => values;
const int8 = (values: bigint[]) => values.map((v) => v.toString());

export const ledgerRepository = {
  async insertAccount(db: Tx, org_id: string, row: Omit<AccountRow, 'balance_rial' | 'version' | 'created_at'>): Promise<AccountRow> {
    return (await db.insertInto('ledger.account').values({ org_id, ...row }).returningAll().executeTakeFirstOrThrow()) as AccountRow;
  },

  async findAccount(db: Tx, org_id: string, id: string): Promise<AccountRow | undefined> {
    return (await db.selectFrom('ledger.account').selectAll().where('org_id', '=', org_id).where('id', '=', id).executeTakeFirst()) as AccountRow | undefined;
  },

  async findAccounts(db: Tx, org_id: string, ids: string[]): Promise<AccountRow[]> {
    if (ids.length === 0) return [];
    return (await db.selectFrom('ledger.account').selectAll().where('org_id', '=', org_id).where('id', 'in', ids).execute()) as AccountRow[];
  },

  async listAccounts(db: Tx, org_id: string, filter: { kind?: string; owner_type?: string; owner_id?: string; limit: number; offset: number }): Promise<{ rows: AccountRow[]; total: number }> {
    let q = db.selectFrom('ledger.account').where('org_id', '=', org_id);
    if (filter.kind) q = q.where('kind', '=', filter.kind);
    if (filter.owner_type) q = q.where('owner_type', '=', filter.owner_type);
    if (filter.owner_id) q = q.where('owner_id', '=', filter.owner_id);
    const counted = await q.select(sql<bigint>`count(*)`.as('total')).executeTakeFirstOrThrow();
    const rows = await q.selectAll().orderBy('created_at').orderBy('id').limit(filter.limit).offset(filter.offset).execute();
    return { rows: rows as AccountRow[], total: Number(counted.total) };
  },

  /**
   * Locks the accounts in id order (every writer locks in the same order, so no deadlock), and reads the transaction's clock:
   * `ledger.lock_accounts`, one primary-key probe per id whatever the statistics say (as `id = any(…)` in a plan made
   * once per connection, it read all of the organisation's accounts whenever the statistics made the organisation look small).
   */
  async lockAccounts(db: Tx, org_id: string, ids: string[]): Promise<LockedAccountRow[]> {
    if (ids.length === 0) return [];
    const result = await sql<LockedAccountRow>`${prepared('ledger_lock_accounts')}
      select id, allow_negative, balance_rial, version, now from ledger.lock_accounts(${org_id}, ${ids}::uuid[])`.execute(db);
    return result.rows;
  },

  async findTransfersByKeys(db: Tx, org_id: string, keys: string[]): Promise<TransferRow[]> {
    if (keys.length === 0) return [];
    const result = await sql<TransferRow>`
      select id, from_account_id, to_account_id, amount_rial, kind, reference_type, reference_id, memo, idempotency_key, created_at
      from ledger.transfer where org_id = ${org_id} and idempotency_key = any(${keys}::text[])`.execute(db);
    return result.rows;
  },

  /**
   * Writes a batch in one call of `ledger.write_batch` (planned once per connection): the transfers, their
   * entries, and the accounts' new balance and version. An account is updated only while still at the
   * version read under the lock, and the function raises when one is not — so the call is deferred: it
   * travels with the transaction's next statement (at the latest its commit), and a failure rolls back all.
   */
  async writeBatch(db: Tx, org_id: string, created_at: Date, transfers: NewTransferRow[], entries: NewEntryRow[], accounts: AccountUpdate[]): Promise<void> {
    await sql`${prepared('ledger_write_batch', { deferred: true })}
      select ledger.write_batch(${org_id}::uuid, ${created_at}::timestamptz,
        ${transfers.map((t) => t.id)}::uuid[], ${transfers.map((t) => t.from_account_id)}::uuid[], ${transfers.map((t) => t.to_account_id)}::uuid[],
        ${int8(transfers.map((t) => t.amount_rial))}::bigint[], ${transfers.map((t) => t.kind)}::text[],
        ${text(transfers.map((t) => t.reference_type))}::text[], ${text(transfers.map((t) => t.reference_id))}::text[],
        ${text(transfers.map((t) => t.memo))}::text[], ${text(transfers.map((t) => t.idempotency_key))}::text[],
        ${entries.map((e) => e.account_id)}::uuid[], ${int8(entries.map((e) => e.version))}::bigint[], ${entries.map((e) => e.transfer_id)}::uuid[],
        ${int8(entries.map((e) => e.amount_rial))}::bigint[], ${int8(entries.map((e) => e.balance_after_rial))}::bigint[],
        ${accounts.map((a) => a.id)}::uuid[], ${int8(accounts.map((a) => a.balance_rial))}::bigint[],
        ${int8(accounts.map((a) => a.version))}::bigint[], ${int8(accounts.map((a) => a.expected_version))}::bigint[]) as updated`.execute(db);
  },

  async statementRange(db: Tx, org_id: string, account_id: string, from: Date | null, to: Date | null): Promise<{ total: number; first_version: bigint | null; last_version: bigint | null }> {
    const result = await sql<{ total: number; first_version: bigint | null; last_version: bigint | null }>`
      select count(*)::int as total, min(version) as first_version, max(version) as last_version
      from ledger.entry where org_id = ${org_id} and account_id = ${account_id}
        and (${from}::timestamptz is null or created_at >= ${from}::timestamptz)
        and (${to}::timestamptz is null or created_at < ${to}::timestamptz)`.execute(db);
    return result.rows[0] ?? { total: 0, first_version: null, last_version: null };
  },

  async entryAt(db: Tx, org_id: string, account_id: string, version: bigint): Promise<{ amount_rial: bigint; balance_after_rial: bigint } | undefined> {
    const result = await sql<{ amount_rial: bigint; balance_after_rial: bigint }>`
      select amount_rial, balance_after_rial from ledger.entry
      where org_id = ${org_id} and account_id = ${account_id} and version = ${version.toString()}::bigint`.execute(db);
    return result.rows[0];
  },

  /** The running balance at `before` (0 when the account had no entry yet). */
  async balanceBefore(db: Tx, org_id: string, account_id: string, before: Date): Promise<bigint> {
    const result = await sql<{ balance_after_rial: bigint }>`
      select balance_after_rial from ledger.entry
      where org_id = ${org_id} and account_id = ${account_id} and created_at < ${before}::timestamptz
      order by version desc limit 1`.execute(db);
    return result.rows[0]?.balance_after_rial ?? 0n;
  },

  async statementLines(db: Tx, org_id: string, account_id: string, range: { from: Date | null; to: Date | null; order: 'asc' | 'desc'; limit: number; offset: number }) {
    const direction = range.order === 'desc' ? sql`desc` : sql`asc`;
    const result = await sql<{ version: bigint; transfer_id: string; created_at: Date; amount_rial: bigint; balance_after_rial: bigint; kind: string; memo: string | null; reference_type: string | null; reference_id: string | null; counter_account_id: string }>`
      select e.version, e.transfer_id, e.created_at, e.amount_rial, e.balance_after_rial, t.kind, t.memo, t.reference_type, t.reference_id,
             case when t.from_account_id = e.account_id then t.to_account_id else t.from_account_id end as counter_account_id
      from ledger.entry e join ledger.transfer t on t.org_id = e.org_id and t.id = e.transfer_id
      where e.org_id = ${org_id} and e.account_id = ${account_id}
        and (${range.from}::timestamptz is null or e.created_at >= ${range.from}::timestamptz)
        and (${range.to}::timestamptz is null or e.created_at < ${range.to}::timestamptz)
      order by e.version ${direction} limit ${range.limit} offset ${range.offset}`.execute(db);
    return result.rows;
  },
};

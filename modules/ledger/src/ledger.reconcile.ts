/**
 * The reconcile: proves, from the rows alone, that the ledger of one organisation is whole —
 * every account's balance equals the sum of its entries and its last entry's running balance, its
 * versions run 1..n without gap, each entry's running balance follows from the one before, no
 * guarded account is negative, every transfer has exactly its two matching entries, and the whole
 * ledger sums to zero. Read-only; any admin may run it at any time (it reads one consistent snapshot).
 */
import { sql } from 'kysely';
import type { Tx } from '@chaharsu/db';
import { rialToJson } from '@chaharsu/kit';
import type { ReconcileReport } from './ledger.contracts.js';

const MAX_PROBLEMS = 100;
type Problem = ReconcileReport['problems'][number];

interface AccountProblemRow {
  id: string; kind: string; allow_negative: boolean; balance_rial: bigint; version: bigint;
  entry_count: bigint; min_version: bigint | null; max_version: bigint | null; entry_sum: bigint; broken_links: bigint; last_balance_after: bigint | null;
}

async function accountProblems(db: Tx, org_id: string): Promise<Problem[]> {
  const { rows } = await sql<AccountProblemRow>`
    select * from (
      select a.id, a.kind, a.allow_negative, a.balance_rial, a.version,
        coalesce(s.n, 0)::bigint as entry_count, s.min_version, s.max_version, coalesce(s.total, 0)::bigint as entry_sum,
        coalesce(s.broken, 0)::bigint as broken_links, l.balance_after_rial as last_balance_after
      from ledger.account a
      left join (
        select account_id, count(*) as n, min(version) as min_version, max(version) as max_version, sum(amount_rial) as total,
          count(*) filter (where balance_after_rial <> coalesce(previous_after, 0) + amount_rial or version <> coalesce(previous_version, 0) + 1) as broken
        from (select account_id, version, amount_rial, balance_after_rial,
                     lag(balance_after_rial) over w as previous_after, lag(version) over w as previous_version
              from ledger.entry where org_id = ${org_id}
              window w as (partition by account_id order by version)) x
        group by account_id
      ) s on s.account_id = a.id
      left join ledger.entry l on l.org_id = a.org_id and l.account_id = a.id and l.version = a.version
      where a.org_id = ${org_id}
    ) c
    where balance_rial <> entry_sum or version <> entry_count or broken_links > 0
       or (entry_count > 0 and (min_version <> 1 or max_version <> version))
       or (version > 0 and last_balance_after is distinct from balance_rial)
       or (not allow_negative and balance_rial < 0)
    limit ${MAX_PROBLEMS}`.execute(db);
  const problems: Problem[] = [];
  for (const r of rows) {
    const at = (kind: Problem['kind'], detail: string) => problems.push({ kind, account_id: r.id, transfer_id: null, detail });
    if (r.balance_rial !== r.entry_sum || (r.version > 0n && r.last_balance_after !== r.balance_rial)) {
      at('balance_differs_from_entries', `balance ${r.balance_rial}, sum of entries ${r.entry_sum}, last running balance ${r.last_balance_after ?? 'none'}`);
    }
    if (r.version !== r.entry_count || (r.entry_count > 0n && (r.min_version !== 1n || r.max_version !== r.version))) {
      at('version_gap', `version ${r.version}, ${r.entry_count} entries numbered ${r.min_version ?? '-'}..${r.max_version ?? '-'}`);
    }
    if (r.broken_links > 0n) at('broken_chain', `${r.broken_links} entries whose running balance does not follow from the one before`);
    if (!r.allow_negative && r.balance_rial < 0n) at('negative_balance', `balance ${r.balance_rial} on an account that may not go negative`);
  }
  return problems;
}

async function transferProblems(db: Tx, org_id: string): Promise<Problem[]> {
  const { rows } = await sql<{ id: string; entries: number; matching: number }>`
    select t.id, count(e.version)::int as entries,
      (count(*) filter (where (e.account_id = t.from_account_id and e.amount_rial = -t.amount_rial)
                           or (e.account_id = t.to_account_id and e.amount_rial = t.amount_rial)))::int as matching
    from ledger.transfer t left join ledger.entry e on e.org_id = t.org_id and e.transfer_id = t.id
    where t.org_id = ${org_id}
    group by t.id
    having count(e.version) <> 2 or count(*) filter (where (e.account_id = t.from_account_id and e.amount_rial = -t.amount_rial)
                                                        or (e.account_id = t.to_account_id and e.amount_rial = t.amount_rial)) <> 2
    limit ${MAX_PROBLEMS}`.execute(db);
  return rows.map((r) => ({ kind: 'transfer_unbalanced' as const, account_id: null, transfer_id: r.id, detail: `${r.entries} entries, ${r.matching} matching its accounts and amount` }));
}

async function totals(db: Tx, org_id: string) {
  const { rows } = await sql<{ accounts: number; balance_sum: bigint; entries: number; entry_sum: bigint; orphans: number; transfers: number }>`
    select
      (select count(*)::int from ledger.account where org_id = ${org_id}) as accounts,
      (select coalesce(sum(balance_rial), 0)::bigint from ledger.account where org_id = ${org_id}) as balance_sum,
      (select count(*)::int from ledger.entry where org_id = ${org_id}) as entries,
      (select coalesce(sum(amount_rial), 0)::bigint from ledger.entry where org_id = ${org_id}) as entry_sum,
      (select count(*)::int from ledger.entry e where e.org_id = ${org_id}
         and not exists (select 1 from ledger.account a where a.org_id = e.org_id and a.id = e.account_id)) as orphans,
      (select count(*)::int from ledger.transfer where org_id = ${org_id}) as transfers`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('reconcile totals returned no row');
  return row;
}

/** Runs in the caller's transaction; use a REPEATABLE READ one for a snapshot across the queries. */
export async function reconcileLedger(db: Tx, org_id: string): Promise<ReconcileReport> {
  const problems = [...(await accountProblems(db, org_id)), ...(await transferProblems(db, org_id))];
  const sums = await totals(db, org_id);
  if (sums.balance_sum !== 0n || sums.entry_sum !== 0n) {
    problems.push({ kind: 'ledger_not_zero_sum', account_id: null, transfer_id: null, detail: `accounts sum to ${sums.balance_sum}, entries sum to ${sums.entry_sum}` });
  }
  if (sums.orphans > 0) problems.push({ kind: 'orphan_entries', account_id: null, transfer_id: null, detail: `${sums.orphans} entries on unknown accounts` });
  return {
    ok: problems.length === 0,
    checked_at: new Date().toISOString(),
    accounts_checked: sums.accounts,
    entries_checked: sums.entries,
    transfers_checked: sums.transfers,
    total_balance_rial: rialToJson(sums.balance_sum),
    problems: problems.slice(0, MAX_PROBLEMS),
  };
}
